"""What the recruiting pages share: labels, running an action with its confirmation,
and the names of people."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.db import frames
from command_center.i18n import labels_now, t
from plugins.recruiting.rules import RecruitingError, reason_label

T = TypeVar("T")
FLASH = "recruiting_flash"


def stage_label(code: str) -> str:
    return t(f"recruiting.stage.{code}")


def source_label(code: str) -> str:
    return t(f"recruiting.source.{code}")


def channel_label(code: str) -> str:
    return t(f"recruiting.channel.{code}")


def level_label(code: str) -> str:
    return t(f"level.{code}")


def kind_label(code: str) -> str:
    return t(f"recruiting.kind_of.{code}")


def exit_text(text: str) -> str:
    """A stored exit reason ("code: note") with the code translated."""
    if not text:
        return ""
    code, _, note = text.partition(": ")
    if code == "offer_declined":
        label = t("recruiting.offer.declined_because")
    else:
        label = reason_label(code)
    return f"{label}: {note}" if note else label


def today() -> dt.date:
    return dt.date.today()


def names(ctx: PageContext) -> dict[int, str]:
    """Person id -> name for everyone (names only: interviewers and trainers may sit
    outside the viewer's scope; no business rows are read here)."""
    people = frames.all_people(ctx.engine)
    return dict(people.select("person_id", "name").iter_rows())


def name_column(frame: pl.DataFrame, column: str, lookup: dict[int, str], alias: str) -> pl.Expr:
    return pl.col(column).replace_strict(lookup, default=None, return_dtype=pl.String).alias(alias)


def translate(frame: pl.DataFrame, column: str, label: Callable[[str], str]) -> pl.Expr:
    codes = [c for c in frame[column].drop_nulls().unique().to_list()]
    return pl.col(column).replace_strict(
        {c: label(c) for c in codes}, default=None, return_dtype=pl.String
    )


def select(
    label: str,
    options: Sequence[T],
    key: str,
    format_func: Callable[[T], str] = str,
    container: Any = st,
    **kwargs: Any,
) -> T | None:
    """A selectbox whose labels are fixed in the active language."""
    return container.selectbox(
        label, list(options), format_func=labels_now(options, format_func), key=key, **kwargs
    )


def show_flash() -> None:
    """The confirmation of the last action (kept across the rerun that follows it)."""
    message = st.session_state.pop(FLASH, None)
    if message:
        st.success(message)


def act(run: Callable[[], T], confirm: Callable[[T], str]) -> None:
    """Run an action: on success keep its confirmation and rerun (fresh data); on a
    refusal show why, in the user's language, and write nothing."""
    try:
        result = run()
    except RecruitingError as exc:
        st.error(exc.message())
        return
    st.session_state[FLASH] = confirm(result)
    st.rerun()


def empty_note(frame: pl.DataFrame, key: str) -> bool:
    """Show ``key`` as an info note when ``frame`` is empty; True when it was."""
    if frame.is_empty():
        st.info(t(key))
        return True
    return False


PAGE_SIZE = 50


def page_offset(key: str, narrowed_by: Hashable) -> int:
    """The first row of the page to show in list ``key``: back to the first page
    whenever what the list is narrowed by (filters, search) changes."""
    state = st.session_state
    if state.get(f"{key}_by") != narrowed_by:
        state[f"{key}_by"] = narrowed_by
        state[key] = 0
    return int(state.get(key, 0)) * PAGE_SIZE


def last_offset(total: int) -> int:
    """The offset of the last page of ``total`` rows (0 when there are none)."""
    return max(0, (total - 1) // PAGE_SIZE) * PAGE_SIZE


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
