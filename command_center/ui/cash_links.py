"""A link from a Today row to the Receivables page (widgets only)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from command_center.i18n import t

RECEIVABLES_PATH = "receivables"
"""The Receivables page's ``url_path`` (command_center/ui/shell.py)."""


def render_receivables_link(ctx: Any, key: str) -> None:
    """The "N more" row's action: open the Receivables page (the person's open lines)."""
    st.markdown(f"[{t('cash.schedule.open')}]({RECEIVABLES_PATH})")
