"""The home card (what to do next in appraisal) and the person panel (appraisal history)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import number, t
from command_center.types import BUSINESS_ROLES, HomeCard, PanelSpec
from command_center.ui import data_table
from plugins.appraisal import queries
from plugins.appraisal.errors import state_label
from plugins.appraisal.ui.labels import rating_label, renamed

HISTORY_ROWS = 6


def home_card(ctx: PageContext) -> None:
    """To-dos for the signed-in person and, for leaders, their teams'."""
    viewer = ctx.signed_in_viewer
    shown = False
    if viewer.person_id is not None:
        joined = queries.own_records(ctx.engine, viewer)
        open_rows = joined.filter(pl.col("state") != "closed")
        for row in open_rows.iter_rows(named=True):
            todo = _todo(row)
            st.markdown(
                t(
                    "appraisal.card.open",
                    period=row["period"],
                    state=state_label(row["state"]),
                    todo=todo,
                )
            )
            shown = True
        last = joined.filter(pl.col("state") == "closed").sort("period").tail(1)
        if last.height:
            row = last.row(0, named=True)
            st.markdown(
                t(
                    "appraisal.card.last",
                    period=row["period"],
                    rating=rating_label(row["rating"]),
                    multiplier=number(row["bonus_multiplier"], 2),
                )
            )
            shown = True
    if viewer.role in ("supervisor", "manager", "director"):
        reviews, cycles = queries.reviews_to_do(ctx.engine, ctx.viewer, viewer.person_id)
        if cycles:
            st.markdown(t("appraisal.card.team", reviews=reviews, cycles=cycles))
            shown = True
    if not shown:
        st.caption(t("appraisal.card.nothing"))


def _todo(row: dict[str, object]) -> str:
    if row["contract"] == "issued" and row["state"] in ("planning", "in_progress"):
        return t("appraisal.card.todo_acknowledge")
    if row["state"] == "self_review" and not row["self_done"]:
        return t("appraisal.card.todo_self")
    return t("appraisal.card.todo_none")


def person_panel(ctx: PageContext, person_id: int) -> None:
    """A person's last closed appraisals (only when the viewer may see that person)."""
    if not ctx.viewer.can_see(person_id):
        st.caption(t("appraisal.panel.hidden"))
        return
    who = ctx.viewer.narrow(frozenset({person_id}))
    rows = queries.history(ctx.engine, who).sort("period", descending=True).head(HISTORY_ROWS)
    if rows.is_empty():
        st.caption(t("appraisal.panel.none"))
        return
    data_table(
        renamed(
            rows.with_columns(
                pl.col("rating").map_elements(rating_label, return_dtype=pl.String),
                pl.col("final_score").round(1),
            ),
            {
                "period": "appraisal.period",
                "final_score": "appraisal.final_score",
                "rating": "appraisal.rating_label",
                "bonus_multiplier": "appraisal.bonus_multiplier",
            },
        ),
    )


def home_cards() -> list[HomeCard]:
    return [HomeCard("appraisal-todo", "appraisal.card.title", home_card, BUSINESS_ROLES, 40)]


def panels() -> list[PanelSpec]:
    return [
        PanelSpec(
            "person", "appraisal-history", "appraisal.panel.title", person_panel, BUSINESS_ROLES, 40
        )
    ]
