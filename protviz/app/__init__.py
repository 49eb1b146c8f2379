"""The Streamlit layer: the one session-state module, share links, caches and
reusable widgets. The only sub-package that imports Streamlit.
"""
