"""Widget groups of one page each (``*_ui()`` functions that return plain values), so
that every page script stays short: it reads widgets, calls protviz, renders."""
