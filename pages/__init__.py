"""The app's pages: thin scripts that read widgets, call protviz and render."""
