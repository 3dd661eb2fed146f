"""Helpers every incentives page shares: labels, plan choice, notes, money columns."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.db import frames
from command_center.i18n import has, labels_now, t
from command_center.ui.widgets import money_column, percent_column
from plugins.incentives import queries, sources
from plugins.incentives.logic import Note
from plugins.incentives.plan import Plan

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


def note_text(note: Note) -> str:
    return t(f"incentives.note.{note.code}", **note.params)


def show_notes(notes: list[Note]) -> None:
    for note in notes:
        st.caption(f"{ICONS['info']} {note_text(note)}")


def component_labels(plan: Plan) -> dict[str, str]:
    """Component name -> what people read (its label, else its name)."""
    return {c.name: c.label or c.name for c in plan.components}


def line_label(kind: str, name: str, labels: dict[str, str], ctx: PageContext) -> str:
    if kind == "component":
        return labels.get(name, name)
    if kind == "gate":
        metrics = ", ".join(metric_name(ctx, m) for m in name.split(",") if m)
        return t("incentives.line.gate", metrics=metrics)
    if kind == "cap":
        return t("incentives.line.cap")
    return t("incentives.line.clawback")


def month_label(month: dt.date) -> str:
    return f"{month.year}-{month.month:02d}"


def sales_months(ctx: PageContext) -> list[dt.date]:
    """Months that have sales (the ones worth settling or simulating), oldest first."""

    def load() -> list[dt.date]:
        sales = sources.person_months(ctx.engine)
        if sales.is_empty():
            return []
        return sales.filter(pl.col("revenue") != 0)["month"].unique().sort().to_list()

    return frames.cached(ctx.engine, "incentives:sales_months", load, tables=sources.CORE_TABLES)


def choose_version(ctx: PageContext, key: str, month: dt.date | None = None) -> int | None:
    """A selectbox of plan versions ("name · v3"); default: those in effect in ``month``."""
    versions = queries.plan_versions(ctx.engine)
    if versions.is_empty():
        return None
    ids = versions["version_id"].to_list()
    names = {
        v: t("incentives.plan_version", name=n, version=ver)
        for v, n, ver in versions.select("version_id", "name", "version").iter_rows()
    }
    default = ids[0]
    if month is not None:
        current = queries.effective_versions(ctx.engine, month)["version_id"].to_list()
        levels = ctx.people()["level"]
        # The plan in effect that pays most of the people in view.
        reach = {
            v: int(levels.is_in(list(queries.plan(ctx.engine, v).levels())).sum()) for v in current
        }
        default = max(current, key=lambda v: (reach[v], -v)) if current else default
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


def can_settle(ctx: PageContext) -> bool:
    return ctx.viewer.role in ("manager", "director")
