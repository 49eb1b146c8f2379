"""How the app shows what went wrong.

A :class:`~protviz.core.errors.ProtvizError` is a problem with the user's input or
request: its message says how to fix it, and the page shows it as it is. Any other
exception is a bug in protviz: the person sees a short apology with an incident id,
never a traceback, and the log gets the traceback under that id, so a report quoting
it can be matched with the log.

Every page runs its body inside :func:`page_errors`, so a ``ProtvizError`` that ends
the page needs no handling of its own. A part of a page that the rest does not need
runs inside :func:`section_errors`: its error is shown and the page goes on.
"""

from __future__ import annotations

import contextlib
import logging
import re
import secrets
from collections.abc import Iterator

import streamlit as st
from streamlit.errors import FragmentHandledException
from streamlit.runtime.scriptrunner import RerunException, StopException

from protviz.core.errors import ProtvizError

LOGGER = logging.getLogger("protviz")
"""The logger that gets the traceback of every unexpected error, with its incident id."""

STREAMLIT_CONTROL_FLOW = (StopException, RerunException, FragmentHandledException)
"""Exceptions Streamlit uses to stop, rerun or switch the page (and to say that a
fragment's error was shown already): they pass through :func:`page_errors` untouched."""

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def as_text(message: str) -> str:
    """Escape Markdown so user-supplied IDs and labels render as plain text.

    Line breaks are kept as Markdown line breaks.
    """
    return "  \n".join(_MARKDOWN_SPECIAL.sub(r"\\\1", line) for line in message.split("\n"))


def show_error(error: ProtvizError) -> None:
    """Show a protviz error's message (never a traceback)."""
    st.error(as_text(str(error)), icon=":material/error:")


def apology(incident: str) -> str:
    """What a person sees when protviz has a bug: no details, an incident id to quote."""
    return (
        "Sorry, something went wrong in protviz. It is not something you did; the details "
        "were written to the server's log. If it happens again, tell whoever runs this "
        f"server and quote incident {incident}."
    )


def new_incident_id() -> str:
    """A short random id that names one unexpected error in the log and on the page."""
    return secrets.token_hex(4)


@contextlib.contextmanager
def section_errors() -> Iterator[None]:
    """Run one part of a page: a :class:`ProtvizError` is shown and the page goes on."""
    try:
        yield
    except ProtvizError as error:
        show_error(error)


@contextlib.contextmanager
def page_errors() -> Iterator[None]:
    """Run a page's body (or a fragment's): errors end it with a message, never a traceback.

    A :class:`ProtvizError` is shown with :func:`show_error`. Any other exception is
    logged with its traceback to :data:`LOGGER` under a new incident id, and the page
    shows :func:`apology` with that id. Streamlit's control flow (``st.stop``,
    ``st.rerun``, ``st.switch_page``) passes through.

    Example:
        ``with page_errors(): main()`` at the end of a page script.
    """
    try:
        yield
    except STREAMLIT_CONTROL_FLOW:
        raise
    except ProtvizError as error:
        show_error(error)
    except Exception:
        incident = new_incident_id()
        LOGGER.exception("protviz incident %s: unexpected error on a page", incident)
        st.error(apology(incident), icon=":material/sentiment_dissatisfied:")
