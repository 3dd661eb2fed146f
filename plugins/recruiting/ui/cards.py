"""The home-page cards and the person panel (a person's training record)."""

from __future__ import annotations

import streamlit as st

from command_center import LEADER_ROLES, HomeCard, PanelSpec
from command_center.context import PageContext
from command_center.i18n import t
from plugins.recruiting import queries
from plugins.recruiting.logic import candidates, learning


def recruiting_card(ctx: PageContext) -> None:
    counts = candidates.pipeline(
        queries.openings(ctx.engine, ctx.viewer),
        queries.candidates(ctx.engine, ctx.viewer),
        queries.offers(ctx.engine, ctx.viewer),
    )
    st.write(
        t(
            "recruiting.card.recruiting_text",
            openings=counts.openings,
            candidates=counts.candidates,
            offers=counts.offers,
        )
    )


def learning_card(ctx: PageContext) -> None:
    me = ctx.signed_in_viewer.person_id
    if me is None:
        return
    mine = ctx.signed_in_viewer.narrow(frozenset({me}))
    open_exams = learning.open_exams(queries.exams(ctx.engine), queries.attempts(ctx.engine, mine))
    certs = queries.certificates(ctx.engine, mine).height
    st.write(t("recruiting.card.learning_text", exams=open_exams, certificates=certs))


def person_panel(ctx: PageContext, person_id: int) -> None:
    """A person's training: programs, hours attended, exams and certificates (scoped)."""
    if not ctx.viewer.can_see(person_id):
        st.caption(t("recruiting.panel.not_in_scope"))
        return
    one = ctx.viewer.narrow(frozenset({person_id}))
    mark = learning.record(
        queries.attendance(ctx.engine, one),
        queries.attempts(ctx.engine, one),
        queries.certificates(ctx.engine, one),
    )
    st.write(
        t(
            "recruiting.panel.text",
            programs=queries.enrolments(ctx.engine, one).height,
            hours=f"{mark.hours:g}",
            exams=mark.exams_taken,
            certificates=mark.certificates,
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
