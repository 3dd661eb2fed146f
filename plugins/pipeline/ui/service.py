"""After delivery: satisfaction surveys and complaints with their SLA."""

from __future__ import annotations

from typing import Any

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import number, t
from command_center.ui import chart, kpi_row, page_header, table_with_download
from command_center.ui.widgets import Kpi
from plugins.pipeline import actions, charts, queries
from plugins.pipeline import settings as cfg
from plugins.pipeline.logic import labels, sla_rate, with_sla
from plugins.pipeline.logic.clock import now
from plugins.pipeline.logic.service import SLA_STATES, score_counts, sla_counts
from plugins.pipeline.ui import page_data, widgets

SCORES = (5, 4, 3, 2, 1)


def complaints_table(ctx: PageContext, frame: pl.DataFrame, key: str) -> None:
    customers = queries.customer_names(ctx.engine, frame["customer_id"].unique().to_list())
    names = queries.names(ctx.engine)
    states = {s: labels.label("sla", s) for s in ("in_time", "late", "overdue", "open")}
    fmt = "%Y-%m-%d %H:%M"
    shown = frame.sort("opened_at", descending=True).with_columns(
        pl.col("customer_id")
        .replace_strict(customers, default=None, return_dtype=pl.String)
        .alias("customer"),
        pl.col("person_id")
        .replace_strict(names, default=None, return_dtype=pl.String)
        .alias("person"),
        pl.col("opened_at").dt.strftime(fmt),
        pl.col("resolved_at").dt.strftime(fmt),
        pl.col("due_at").dt.strftime(fmt),
        pl.col("hours").round(1),
        pl.col("sla_state").replace_strict(states, default=pl.col("sla_state")),
    )
    frame = labels.display(
        shown,
        {
            "complaint_id": "pipeline.col.id",
            "customer": "pipeline.field.customer",
            "person": "pipeline.col.handler",
            "opened_at": "pipeline.col.opened_at",
            "due_at": "pipeline.col.due_at",
            "resolved_at": "pipeline.col.resolved_at",
            "hours": "pipeline.col.hours",
            "sla_state": "pipeline.col.sla_state",
            "description": "pipeline.field.description",
            "resolution": "pipeline.field.resolution",
        },
    )
    table_with_download(frame, "complaints", key)


def _scoped_complaints(ctx: PageContext) -> pl.DataFrame:
    hours = page_data.settings(ctx).complaint_sla_hours
    return with_sla(queries.complaints(ctx.engine, ctx.viewer), now(), hours)


def deal_after_sales(ctx: PageContext, conf: cfg.PipelineSettings, deal: dict[str, Any]) -> None:
    """The after-sales tab of a deal: its survey and its complaints."""
    if deal["stage"] != conf.won_stage:
        st.info(t("pipeline.service.not_won"))
        return
    surveys = queries.surveys(ctx.engine, ctx.viewer).filter(pl.col("opp_id") == deal["opp_id"])
    current = surveys.row(0, named=True) if surveys.height else None
    if current:
        st.markdown(
            t(
                "pipeline.service.survey_line",
                score=current["score"],
                on=str(current["surveyed_on"]),
            )
        )
    _survey_form(ctx, deal, current)
    complaints = _scoped_complaints(ctx).filter(pl.col("opp_id") == deal["opp_id"])
    st.markdown(f"**{t('pipeline.service.complaints')}**")
    if not widgets.empty_or(complaints, "pipeline.service.no_complaints"):
        complaints_table(ctx, complaints, "pipeline_deal_complaints")
    _open_form(ctx, deal["customer_id"], deal["opp_id"], f"deal_{deal['opp_id']}")
    pending = complaints.filter(pl.col("resolved_at").is_null())
    if pending.height:
        _resolve_form(ctx, pending, f"deal_{deal['opp_id']}")


def _survey_form(ctx: PageContext, deal: dict[str, Any], current: dict[str, Any] | None) -> None:
    suffix = deal["opp_id"]
    with st.form("pipeline_survey_form"):
        score = widgets.select(
            st,
            t("pipeline.field.score"),
            SCORES,
            f"pipeline_survey_score_{suffix}",
            lambda s: t(f"pipeline.score.{s}"),
            SCORES.index(current["score"]) if current else 0,
        )
        comment = st.text_area(
            t("pipeline.field.comment"),
            value=current["comment"] if current else "",
            key=f"pipeline_survey_comment_{suffix}",
        )
        if st.form_submit_button(t("pipeline.service.record_survey"), key="pipeline_survey_submit"):
            widgets.run(
                lambda: actions.record_survey(
                    ctx.engine, ctx.viewer, deal["opp_id"], score=score, comment=comment
                ),
                t("pipeline.service.survey_saved"),
            )


def _open_form(ctx: PageContext, customer_id: int, opp_id: int | None, key: str) -> None:
    with st.form(f"pipeline_complaint_form_{key}", clear_on_submit=True):
        st.markdown(f"**{t('pipeline.service.open')}**")
        text = st.text_area(t("pipeline.field.description"), key=f"pipeline_complaint_text_{key}")
        if st.form_submit_button(
            t("pipeline.service.open_submit"), key=f"pipeline_complaint_submit_{key}"
        ):
            widgets.run(
                lambda: actions.open_complaint(
                    ctx.engine, ctx.viewer, customer_id=customer_id, description=text, opp_id=opp_id
                ),
                t("pipeline.service.opened"),
            )


def _resolve_form(ctx: PageContext, pending: pl.DataFrame, key: str) -> None:
    rows = {r["complaint_id"]: r for r in pending.sort("opened_at").iter_rows(named=True)}
    with st.form(f"pipeline_resolve_form_{key}", clear_on_submit=True):
        st.markdown(f"**{t('pipeline.service.resolve')}**")
        chosen = widgets.select(
            st,
            t("pipeline.service.pick_complaint"),
            list(rows),
            f"pipeline_resolve_pick_{key}",
            lambda i: (
                f"#{i} · {rows[i]['opened_at']:%Y-%m-%d %H:%M} · {rows[i]['description'][:30]}"
            ),
        )
        text = st.text_area(t("pipeline.field.resolution"), key=f"pipeline_resolve_text_{key}")
        if st.form_submit_button(
            t("pipeline.service.resolve_submit"), key=f"pipeline_resolve_submit_{key}"
        ):
            widgets.run(
                lambda: actions.resolve_complaint(ctx.engine, ctx.viewer, chosen, resolution=text),
                t("pipeline.service.resolved"),
            )


# -- the service page ------------------------------------------------------------------
def render(ctx: PageContext) -> None:
    page_header(ctx, "pipeline.page.service")
    widgets.flash()
    conf = page_data.settings(ctx)
    complaints = _scoped_complaints(ctx)
    period = complaints.filter(
        pl.col("opened_at").dt.date().is_between(ctx.period.start, ctx.period.last_day)
    )
    rate = sla_rate(period)
    surveys = queries.surveys(ctx.engine, ctx.viewer)
    in_period = surveys.filter(
        pl.col("surveyed_on").is_between(ctx.period.start, ctx.period.last_day)
    )
    mean = float(in_period["score"].mean()) if in_period.height else None  # type: ignore[arg-type]
    kpi_row(
        [
            Kpi(t("pipeline.metric.satisfaction"), mean, "score"),
            Kpi(t("pipeline.service.surveys"), float(in_period.height), "count"),
            Kpi(t("pipeline.metric.complaints_in_time"), rate["rate"], "percent"),  # type: ignore[arg-type]
            Kpi(
                t("pipeline.service.open_now"),
                float(complaints["resolved_at"].is_null().sum()),
                "count",
                higher_is_better=False,
            ),
            Kpi(
                t("pipeline.service.overdue_now"),
                float((complaints["sla_state"] == "overdue").sum()),
                "count",
                higher_is_better=False,
            ),
        ]
    )
    st.caption(t("pipeline.service.sla_rule", hours=number(conf.complaint_sla_hours, 0)))
    left, right = st.columns(2)
    with left:
        _score_chart(in_period)
    with right:
        _sla_chart(period)
    st.subheader(t("pipeline.service.complaints"))
    pending = complaints.filter(pl.col("resolved_at").is_null())
    if pending.height:
        _resolve_form(ctx, pending.head(300), "page")
    complaints_table(ctx, complaints, "pipeline_service_complaints")
    _open_on_page(ctx)


def _score_chart(surveys: pl.DataFrame) -> None:
    st.markdown(f"**{t('pipeline.service.scores')}**")
    if widgets.empty_or(surveys, "pipeline.service.no_surveys"):
        return
    names = {s: t(f"pipeline.score.{s}") for s in SCORES}
    chart(charts.survey_scores(score_counts(surveys, names), list(names.values())))


def _sla_chart(complaints: pl.DataFrame) -> None:
    st.markdown(f"**{t('pipeline.service.sla_chart')}**")
    if widgets.empty_or(complaints, "pipeline.service.no_complaints"):
        return
    states = {s: labels.label("sla", s) for s in SLA_STATES}
    chart(charts.sla_states(sla_counts(complaints, states), list(states.values())))


def _open_on_page(ctx: PageContext) -> None:
    """Log a complaint for any customer in scope (leaders pick the owner first)."""
    st.subheader(t("pipeline.service.open"))
    people = ctx.people().filter(pl.col("level") == "rep")
    owners = (
        [ctx.viewer.person_id]
        if ctx.viewer.role == "rep" and ctx.viewer.person_id is not None
        else people["person_id"].to_list()
    )
    if not owners:
        st.caption(t("pipeline.ui.no_people"))
        return
    names = queries.names(ctx.engine)
    owner = widgets.select(
        st,
        t("pipeline.ui.owner"),
        owners,
        "pipeline_complaint_owner",
        lambda p: names.get(p, str(p)),
    )
    customers = dict(queries.customers_of(ctx.engine, ctx.viewer, owner))
    if not customers:
        st.caption(t("pipeline.board.no_customers"))
        return
    customer = widgets.select(
        st,
        t("pipeline.field.customer"),
        list(customers),
        "pipeline_complaint_customer",
        customers.__getitem__,
    )
    _open_form(ctx, customer, None, "page")
