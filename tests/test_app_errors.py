"""How pages show errors: a protviz error as its message; any other exception as an
apology with an incident id (the traceback goes to the log); Streamlit's control flow
passes through untouched."""

from __future__ import annotations

import logging
import re

import pytest
from streamlit.errors import FragmentHandledException
from streamlit.runtime.scriptrunner import RerunException, StopException
from streamlit.runtime.scriptrunner_utils.script_requests import RerunData
from streamlit.testing.v1 import AppTest

from protviz.app import errors
from protviz.core.dataset import ProteinDataError
from protviz.report import figures
from tests.conftest import ROOT

INCIDENT = re.compile(r"incident ([0-9a-f]{8})")


@pytest.fixture
def shown(monkeypatch) -> list[str]:
    """The messages ``st.error`` shows."""
    messages: list[str] = []
    monkeypatch.setattr(errors.st, "error", lambda body, **_: messages.append(body))
    return messages


@pytest.mark.parametrize(
    "control",
    [StopException(), RerunException(RerunData()), FragmentHandledException(RuntimeError())],
)
def test_streamlit_control_flow_passes_through(control, shown):
    with pytest.raises(type(control)), errors.page_errors():
        raise control
    assert shown == []


def test_a_protviz_error_is_shown_as_its_message(shown, caplog):
    with errors.page_errors():
        raise ProteinDataError("The file is empty.")
    assert shown == [errors.as_text("The file is empty.")]
    assert not caplog.records


@pytest.mark.expect_incident
def test_a_bug_is_logged_with_its_traceback_and_an_incident_id(shown, caplog):
    with caplog.at_level(logging.ERROR, logger="protviz"), errors.page_errors():
        raise ValueError("not a protviz error")
    (message,) = shown
    incident = INCIDENT.search(message).group(1)
    assert "not a protviz error" not in message
    (record,) = caplog.records
    assert incident in record.getMessage()
    assert record.exc_info[0] is ValueError


@pytest.mark.expect_incident
def test_a_page_with_a_bug_apologises_without_a_traceback(monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug deep in protviz")

    monkeypatch.setattr(figures, "class_counts_figure", broken)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    with caplog.at_level(logging.ERROR, logger="protviz"):
        at.switch_page("pages/data.py").run()
    assert not at.exception
    (apology,) = [e.value for e in at.error]
    assert apology.startswith("Sorry, something went wrong in protviz.")
    incident = INCIDENT.search(apology).group(1)
    assert "a bug deep in protviz" not in apology and "Traceback" not in apology
    logged = [r for r in caplog.records if incident in r.getMessage()]
    assert logged and logged[0].exc_info[0] is RuntimeError
    assert "a bug deep in protviz" in caplog.text and "Traceback" in caplog.text
    assert at.title[0].value == "Data"  # the page up to the bug is still shown
