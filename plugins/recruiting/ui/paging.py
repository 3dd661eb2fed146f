"""Paged lists on a page: the offset kept in the session, and the pager under the list."""

from __future__ import annotations

from collections.abc import Hashable

import streamlit as st

from command_center.i18n import t
from plugins.recruiting.logic.paging import PAGE_SIZE, last_offset


def page_offset(key: str, narrowed_by: Hashable) -> int:
    """The first row of the page to show in list ``key``: back to the first page
    whenever what the list is narrowed by (filters, search) changes."""
    state = st.session_state
    if state.get(f"{key}_by") != narrowed_by:
        state[f"{key}_by"] = narrowed_by
        state[key] = 0
    return int(state.get(key, 0)) * PAGE_SIZE


def clamp_page(key: str, total: int) -> int:
    """Pull the list back onto its last page when rows went away; the offset."""
    offset = min(int(st.session_state.get(key, 0)) * PAGE_SIZE, last_offset(total))
    st.session_state[key] = offset // PAGE_SIZE
    return offset


def _step(key: str, by: int) -> None:
    st.session_state[key] = max(0, int(st.session_state.get(key, 0)) + by)


def pager(key: str, offset: int, shown: int, total: int) -> None:
    """Previous / next buttons and the "x–y of N" caption under a paged list."""
    left, middle, right = st.columns([1, 3, 1])
    left.button(
        t("recruiting.pager.previous"),
        key=f"{key}_prev",
        disabled=offset == 0,
        on_click=_step,
        args=(key, -1),
    )
    first = offset + 1 if shown else 0
    middle.caption(t("recruiting.pager.caption", first=first, last=offset + shown, total=total))
    right.button(
        t("recruiting.pager.next"),
        key=f"{key}_next",
        disabled=offset + shown >= total,
        on_click=_step,
        args=(key, 1),
    )
