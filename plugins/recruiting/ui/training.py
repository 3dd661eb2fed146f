"""Training (leaders): programs and sessions with trainers, attendance and feedback,
the new hires' bootcamp and mentors, and the training KPIs of the team."""

from __future__ import annotations

import altair as alt
import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import t
from command_center.metrics import total
from command_center.periods import add_months
from command_center.ui import COLORS, chart, page_header, table_with_download
from command_center.ui.widgets import Kpi, kpi_delta, kpi_row
from plugins.recruiting import queries
from plugins.recruiting.logic.labels import name_column, translate
from plugins.recruiting.logic.vocabulary import TRAINER_KINDS
from plugins.recruiting.ui import training_forms as forms
from plugins.recruiting.ui.widgets import show_flash

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
    roots = ctx.roots()
    cards = []
    for key in KPIS:
        if key not in ctx.registry:
            continue
        spec = ctx.registry.spec(key)
        tot = total(ctx.registry, ctx.engine, ctx.viewer, key, ctx.period, roots)
        delta = kpi_delta(tot.value, spec.unit, tot.target, tot.previous)
        cards.append(Kpi(t(spec.label), tot.value, spec.unit, delta, spec.higher_is_better))
    kpi_row(cards)


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
    data = (
        facts.group_by("month")
        .agg(pl.col("num").sum().alias(hours))
        .sort("month")
        .select(pl.col("month").dt.strftime("%Y-%m").alias(month), hours)
    )
    spec = (
        alt.Chart(data)
        .mark_bar(color=COLORS["primary"])
        .encode(
            x=alt.X(f"{month}:O", title=month),
            y=alt.Y(f"{hours}:Q", title=hours),
            tooltip=[f"{month}:O", alt.Tooltip(f"{hours}:Q", format=",.0f")],
        )
        .properties(height=220)
    )
    chart(spec)


def _sessions(ctx: PageContext, who: dict[int, str]) -> None:
    st.subheader(t("recruiting.training.sessions"))
    sessions = queries.sessions(ctx.engine).filter(
        pl.col("held_on").is_between(ctx.period.start, ctx.period.last_day)
    )
    if sessions.is_empty():
        st.info(t("recruiting.training.no_sessions"))
        return
    programs = queries.programs(ctx.engine).select("program_id", pl.col("name").alias("program"))
    seen = (
        queries.attendance(ctx.engine, ctx.viewer)
        .group_by("session_id")
        .agg(
            pl.col("present").sum().alias("present"),
            pl.col("rating").mean().alias("rating"),
        )
    )
    data = (
        sessions.join(programs, on="program_id", how="left")
        .join(seen, on="session_id", how="left")
        .with_columns(pl.col("present").fill_null(0))
    )
    kinds = {k: t(f"recruiting.trainer.{k}") for k in TRAINER_KINDS}
    frame = data.select(
        pl.col("held_on").alias(t("recruiting.col.date")),
        pl.col("program").alias(t("recruiting.col.program")),
        pl.col("title").alias(t("recruiting.col.title")),
        pl.col("trainer_kind")
        .replace_strict(kinds, return_dtype=pl.String)
        .alias(t("recruiting.col.trainer_kind")),
        pl.coalesce(name_column(data, "trainer_id", who, "t"), pl.col("trainer_name")).alias(
            t("recruiting.col.trainer")
        ),
        pl.col("hours").alias(t("recruiting.col.hours")),
        pl.col("present").alias(t("recruiting.col.present")),
        pl.col("rating").round(2).alias(t("recruiting.col.rating")),
        pl.col("location").alias(t("recruiting.col.location")),
    )
    table_with_download(frame, "training_sessions", "recruiting_sessions_table")


def _onboarding(ctx: PageContext, who: dict[int, str]) -> None:
    st.subheader(t("recruiting.training.onboarding"))
    programs = queries.programs(ctx.engine)
    camps = programs.filter(pl.col("kind") == "bootcamp").select(
        "program_id", pl.col("name").alias("program")
    )
    rows = queries.enrolments(ctx.engine, ctx.viewer).join(camps, on="program_id", how="inner")
    if rows.is_empty():
        st.info(t("recruiting.training.no_new_hires"))
        return
    mentors = queries.mentors(ctx.engine, ctx.viewer).select(
        pl.col("mentee_id").alias("person_id"), "mentor_id"
    )
    data = rows.join(mentors, on="person_id", how="left").sort("enrolled_on", descending=True)
    statuses = {s: t(f"recruiting.enrolment.{s}") for s in ("enrolled", "completed", "dropped")}
    frame = data.select(
        name_column(data, "person_id", who, t("recruiting.col.name")),
        pl.col("program").alias(t("recruiting.col.program")),
        pl.col("enrolled_on").alias(t("recruiting.col.enrolled_on")),
        pl.col("due_on").alias(t("recruiting.col.due_on")),
        translate(data, "status", statuses.__getitem__).alias(t("recruiting.col.status")),
        pl.col("completed_on").alias(t("recruiting.col.completed_on")),
        name_column(data, "mentor_id", who, t("recruiting.col.mentor")),
    )
    table_with_download(frame, "onboarding", "recruiting_onboarding_table")
