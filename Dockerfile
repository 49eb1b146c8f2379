# protviz: the Streamlit app in a container.
#   docker build -t protviz .
#   docker run -p 8501:8501 -v protviz-runs:/app/models protviz
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --create-home --uid 1000 protviz
WORKDIR /app

# Dependencies first (pinned in requirements.txt), so code changes reuse this layer.
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
RUN chown -R protviz:protviz /app/models

# The run store stays at /app/models (PROTVIZ_HOME unset) so the shipped demo runs
# remain visible: Docker fills an empty named volume with them on first use.
VOLUME /app/models
USER protviz

EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://localhost:8501/_stcore/health', timeout=4)"

CMD ["streamlit", "run", "app.py", "--server.address=0.0.0.0", "--server.port=8501"]
