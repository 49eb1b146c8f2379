"""Presentation without a server: plotly figure factories, display tables and the
standalone HTML report. Figures are returned, never rendered.
"""
