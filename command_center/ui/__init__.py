"""Shared Streamlit widgets: every plugin's pages use these, never copies."""

from command_center.ui.widgets import (
    COLORS,
    chart,
    data_table,
    kpi_row,
    page_header,
    render_panels,
    table_with_download,
)

__all__ = [
    "COLORS",
    "chart",
    "data_table",
    "kpi_row",
    "page_header",
    "render_panels",
    "table_with_download",
]
