"""Widgets the incentives pages share: icons, notes, the plan picker, money columns."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import has, labels_now, t
from command_center.ui.widgets import money_column, percent_column
from plugins.incentives.logic.engine import Note
from plugins.incentives.queries import plans as plan_reads

ICONS = {
    "info": ":material/info:",
    "lock": ":material/lock:",
    "draft": ":material/edit_note:",
    "honour": ":material/military_tech:",
    "announced": ":material/verified:",
}


def metric_name(ctx: PageContext, key: str) -> str:
    """A metric's translated label (figures such as team attainment included)."""
    own = f"incentives.figure.{key}"
    if has(own):
        return t(own)
    if key in ctx.registry:
        return t(ctx.registry.spec(key).label)
    return key


def metric_labeller(ctx: PageContext) -> Any:
    """:func:`metric_name` for this page (what the wording functions take)."""
    return lambda key: metric_name(ctx, key)


def note_text(note: Note) -> str:
    return t(f"incentives.note.{note.code}", **note.params)


def show_notes(notes: list[Note]) -> None:
    for note in notes:
        st.caption(f"{ICONS['info']} {note_text(note)}")


def choose_version(ctx: PageContext, key: str, month: dt.date | None = None) -> int | None:
    """A selectbox of plan versions ("name · v3"); default: those in effect in ``month``."""
    default = plan_reads.default_version(ctx.engine, month, ctx.people()["level"])
    if default is None:
        return None
    names = plan_reads.version_labels(ctx.engine)
    ids = list(names)
    if key in st.session_state and st.session_state[key] not in ids:
        del st.session_state[key]
    extra: dict[str, Any] = {} if key in st.session_state else {"index": ids.index(default)}
    return st.selectbox(
        t("incentives.plan"), ids, format_func=labels_now(ids, names.__getitem__), key=key, **extra
    )


def fen_column(label: str) -> Any:
    """Yuan to the fen (statements show what is paid, exactly)."""
    return st.column_config.NumberColumn(f"{label} (¥)", format="localized", step=0.01)


def money_config(
    frame: pl.DataFrame, money: list[str], pct: list[str], fen: bool = False
) -> dict[str, Any]:
    column = fen_column if fen else money_column
    config: dict[str, Any] = {c: column(c) for c in money if c in frame.columns}
    config.update({c: percent_column(c) for c in pct if c in frame.columns})
    return config


def names_of(ctx: PageContext) -> dict[int, str]:
    return dict(ctx.people().select("person_id", "name").iter_rows())


def level_label(level: str) -> str:
    return t(f"level.{level}")
