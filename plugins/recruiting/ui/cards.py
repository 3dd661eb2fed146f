"""The home-page cards and the person panel (a person's training record)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from command_center import LEADER_ROLES, HomeCard, PanelSpec
from command_center.context import PageContext
from command_center.i18n import t
from plugins.recruiting import queries
from plugins.recruiting.logic.vocabulary import TERMINAL


def recruiting_card(ctx: PageContext) -> None:
    openings = queries.openings(ctx.engine, ctx.viewer).filter(pl.col("closed_on").is_null())
    cands = queries.candidates(ctx.engine, ctx.viewer)
    live = cands.filter(~pl.col("stage").is_in(list(TERMINAL)))
    offers = queries.offers(ctx.engine, ctx.viewer).filter(pl.col("status") == "pending")
    st.write(
        t(
            "recruiting.card.recruiting_text",
            openings=openings.height,
            candidates=live.height,
            offers=offers.height,
        )
    )


def learning_card(ctx: PageContext) -> None:
    me = ctx.signed_in_viewer.person_id
    if me is None:
        return
    mine = ctx.signed_in_viewer.narrow(frozenset({me}))
    attempts = queries.attempts(ctx.engine, mine)
    passed = set(attempts.filter(pl.col("passed"))["exam_id"].to_list())
    exams = queries.exams(ctx.engine).filter(pl.col("active"))
    open_exams = exams.filter(~pl.col("exam_id").is_in(sorted(passed))).height
    certs = queries.certificates(ctx.engine, mine).height
    st.write(t("recruiting.card.learning_text", exams=open_exams, certificates=certs))


def person_panel(ctx: PageContext, person_id: int) -> None:
    """A person's training: programs, hours attended, exams and certificates (scoped)."""
    if not ctx.viewer.can_see(person_id):
        st.caption(t("recruiting.panel.not_in_scope"))
        return
    one = ctx.viewer.narrow(frozenset({person_id}))
    attended = queries.attendance(ctx.engine, one)
    attempts = queries.attempts(ctx.engine, one)
    certs = queries.certificates(ctx.engine, one)
    enrolments = queries.enrolments(ctx.engine, one)
    hours = float(attended.filter(pl.col("present"))["hours"].sum() or 0.0)
    st.write(
        t(
            "recruiting.panel.text",
            programs=enrolments.height,
            hours=f"{hours:g}",
            exams=attempts.height,
            certificates=certs.height,
        )
    )


def home_cards() -> list[HomeCard]:
    return [
        HomeCard(
            "recruiting-card", "recruiting.card.recruiting", recruiting_card, LEADER_ROLES, 40
        ),
        HomeCard(
            "learning-card", "recruiting.card.learning", learning_card, frozenset({"rep"}), 40
        ),
    ]


def panels() -> list[PanelSpec]:
    return [PanelSpec("person", "recruiting-training", "recruiting.panel.title", person_panel)]
