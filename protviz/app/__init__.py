"""The Streamlit layer, and the only sub-package that imports Streamlit.

- :mod:`~protviz.app.state`: the one session-state module (every key, its type, and the
  share-link parameters bound to widgets); :mod:`~protviz.app.links`: share links
  (no Streamlit).
- :mod:`~protviz.app.errors`: how pages show errors (messages, or an apology with an
  incident id for bugs).
- :mod:`~protviz.app.navigation`: the workaround that keeps Streamlit's legacy multipage
  mode away.
- :mod:`~protviz.app.caches` (light) and :mod:`~protviz.app.model_caches` (loads
  TensorFlow): cached protviz calls.
- :mod:`~protviz.app.widgets`: widgets several pages share; :mod:`~protviz.app.panels`:
  the widget groups of one page each.

The Home and Data pages import only light modules, so opening the app never loads
TensorFlow.
"""
