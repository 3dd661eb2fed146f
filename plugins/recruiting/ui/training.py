"""Training (leaders): programs and sessions with trainers, attendance and feedback,
the new hires' bootcamp and mentors, and the training KPIs of the team."""

from __future__ import annotations

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import t
from command_center.periods import add_months
from command_center.ui import chart, page_header, table_with_download
from command_center.ui.actions import show_flash
from command_center.ui.widgets import kpi_row, registry_kpis
from plugins.recruiting import charts, queries
from plugins.recruiting.logic import training
from plugins.recruiting.ui import training_forms as forms

KPIS = ("training_hours", "bootcamp_completion", "exam_avg_score", "hires")


def render(ctx: PageContext) -> None:
    page_header(ctx, "recruiting.training.title")
    show_flash()
    _kpis(ctx)
    _hours_trend(ctx)
    who = queries.person_names(ctx.engine)
    _sessions(ctx, who)
    _onboarding(ctx, who)
    forms.render_forms(ctx)


def _kpis(ctx: PageContext) -> None:
    kpi_row(registry_kpis(ctx, KPIS, ctx.roots()))


def _hours_trend(ctx: PageContext) -> None:
    if "training_hours" not in ctx.registry:
        return
    st.subheader(t("recruiting.training.hours_trend"))
    start = add_months(ctx.period.end, -11)
    facts = ctx.registry.facts(ctx.engine, ctx.viewer, "training_hours", start, ctx.period.end)
    if facts.is_empty():
        st.info(t("recruiting.training.no_hours"))
        return
    month, hours = t("recruiting.col.month"), t("recruiting.col.hours")
    chart(charts.hours_by_month(training.hours_by_month(facts), month, hours))


def _sessions(ctx: PageContext, who: dict[int, str]) -> None:
    st.subheader(t("recruiting.training.sessions"))
    sessions = queries.sessions(ctx.engine).filter(
        pl.col("held_on").is_between(ctx.period.start, ctx.period.last_day)
    )
    if sessions.is_empty():
        st.info(t("recruiting.training.no_sessions"))
        return
    frame = training.sessions_table(
        sessions,
        queries.programs(ctx.engine),
        queries.attendance(ctx.engine, ctx.viewer),
        who,
    )
    table_with_download(frame, "training_sessions", "recruiting_sessions_table")


def _onboarding(ctx: PageContext, who: dict[int, str]) -> None:
    st.subheader(t("recruiting.training.onboarding"))
    rows = training.bootcamp_enrolments(
        queries.enrolments(ctx.engine, ctx.viewer), queries.programs(ctx.engine)
    )
    if rows.is_empty():
        st.info(t("recruiting.training.no_new_hires"))
        return
    frame = training.onboarding_table(rows, queries.mentors(ctx.engine, ctx.viewer), who)
    table_with_download(frame, "onboarding", "recruiting_onboarding_table")
