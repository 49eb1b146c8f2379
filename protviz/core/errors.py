"""The one base class of every error protviz reports to a person.

A :class:`ProtvizError` carries a message written for the user of the app or the
command line: what is wrong, where (record number, ID, line, file) and how to fix
it. The app shows such a message as it is; the command line prints it and exits
with status 2. Any other exception is a bug in protviz: the app logs it with its
traceback and shows a short apology with an incident id to quote
(:mod:`protviz.app.errors`), and the command line lets it raise.

Every sub-package defines its own subclasses (``ProteinDataError``,
``RunStoreError``, ``ProjectionError``, ...) so callers can be specific, but code
that only needs to tell "the user's input or request" from "a bug" catches
:class:`ProtvizError` and nothing wider.
"""

from __future__ import annotations


class ProtvizError(ValueError):
    """A problem with the user's input or request, with a message that says how to fix it.

    It subclasses :class:`ValueError` (as Keras and scikit-learn errors about bad
    arguments do), but catch :class:`ProtvizError`, never bare ``ValueError``: a
    ``ValueError`` from elsewhere is a bug and must not be shown as a polite message.
    """
