"""A workaround that makes app.py's ``st.navigation`` run every page, even on a first visit.

Why it exists: Streamlit (1.67) runs an app whose main script sits beside a folder
named ``pages/`` in its legacy multipage mode, executing ``pages/*.py`` directly,
until the first ``st.navigation`` call of the process clears a class flag. The
project layout requires that folder to be named ``pages/``, so visitors who open a
page such as ``/explore`` before app.py ever ran (several at once, on a fresh server)
would get the legacy sidebar, listing every module of the folder as a page.
:func:`use_app_navigation`, called first in every page, hands such a run to app.py.
tests/test_browser.py checks the served path (a first visit to ``/data``).
"""

from __future__ import annotations

import sys

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

LEGACY_RUNNER = "_mpa_v1"
"""The name of Streamlit's legacy multipage runner function."""


def _run_by_legacy_mode() -> bool:
    """Whether Streamlit's legacy multipage runner is on the call stack of this page."""
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == LEGACY_RUNNER:
            return True
        frame = frame.f_back
    return False


def use_app_navigation() -> None:
    """Make sure app.py's ``st.navigation`` runs this page, not Streamlit's legacy mode.

    Call it first in every page. A page run by the legacy runner (or while the
    legacy flag is still set) clears the flag and reruns, which hands the run to
    app.py (it routes to the same URL path).
    """
    if "streamlit.testing.v1.app_test" in sys.modules:
        # Under AppTest every run starts in legacy mode (it resets the flag before each
        # run) and a rerun would drop the run's button clicks; a served app never
        # imports AppTest, and there only a visit's first run can be a legacy one.
        return
    if PagesManager.uses_pages_directory or _run_by_legacy_mode():
        PagesManager.uses_pages_directory = False
        st.rerun()
