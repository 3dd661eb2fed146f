"""Home cards (overdue milestones, stalled deals) and the customer page panel."""

from __future__ import annotations

import polars as pl
import streamlit as st

from command_center import BUSINESS_ROLES, HomeCard, PanelSpec
from command_center.context import PageContext
from command_center.i18n import money, t
from command_center.ui import data_table
from plugins.pipeline import queries
from plugins.pipeline.logic import labels, with_overdue, with_sla
from plugins.pipeline.logic.clock import now
from plugins.pipeline.ui import page_data, widgets

SHOWN = 8


def overdue_card(ctx: PageContext) -> None:
    """Overdue milestones: a rep sees their own, leaders their team's (owners and managers)."""
    late = with_overdue(queries.milestones(ctx.engine, ctx.viewer), now().date()).filter(
        pl.col("overdue")
    )
    if late.is_empty():
        st.caption(t("pipeline.card.no_overdue"))
        return
    st.markdown(t("pipeline.card.overdue_count", count=late.height))
    names = queries.names(ctx.engine)
    rows = [
        {
            t("pipeline.col.milestone"): labels.milestone_name(r),
            t("pipeline.col.deal"): f"#{r['opp_id']} {r['deal_title']}",
            t("pipeline.ui.owner"): names.get(r["owner_id"], ""),
            t("pipeline.field.due_date"): str(r["due_date"]),
            t("pipeline.col.days_overdue"): r["days_overdue"],
        }
        for r in late.sort("days_overdue", descending=True).head(SHOWN).iter_rows(named=True)
    ]
    data_table(pl.DataFrame(rows))


def stalled_card(ctx: PageContext) -> None:
    """Deals with no stage change for the configured number of days."""
    conf = page_data.settings(ctx)
    stalled = page_data.deals(ctx).filter(pl.col("stalled"))
    if stalled.is_empty():
        st.caption(t("pipeline.card.no_stalled", days=conf.stalled_days))
        return
    st.markdown(
        t(
            "pipeline.card.stalled_count",
            count=stalled.height,
            days=conf.stalled_days,
            amount=money(stalled["amount"].sum()),
        )
    )
    names = queries.names(ctx.engine)
    stages = labels.stage_labels(conf)
    rows = [
        {
            t("pipeline.col.deal"): f"#{r['opp_id']} {r['title']}",
            t("pipeline.ui.owner"): names.get(r["owner_id"], ""),
            t("pipeline.field.stage"): stages.get(r["stage"], r["stage"]),
            t("pipeline.field.days_in_stage"): r["days_in_stage"],
        }
        for r in stalled.sort("days_in_stage", descending=True).head(SHOWN).iter_rows(named=True)
    ]
    data_table(pl.DataFrame(rows))


def customer_panel(ctx: PageContext, customer_id: int) -> None:
    """A customer's opportunities and complaints, as far as the viewer may see them."""
    conf = page_data.settings(ctx)
    deals = page_data.deals(ctx).filter(pl.col("customer_id") == customer_id)
    stages = labels.stage_labels(conf)
    names = queries.names(ctx.engine)
    st.markdown(f"**{t('pipeline.panel.deals')}**")
    if not widgets.empty_or(deals, "pipeline.panel.no_deals"):
        frame = deals.sort("created_at", descending=True).select(
            pl.col("opp_id").alias(t("pipeline.col.id")),
            pl.col("title").alias(t("pipeline.field.title")),
            pl.col("stage")
            .replace_strict(stages, default=pl.col("stage"))
            .alias(t("pipeline.field.stage")),
            pl.col("amount").alias(t("pipeline.field.amount")),
            pl.col("expected_close")
            .dt.strftime("%Y-%m-%d")
            .alias(t("pipeline.field.expected_close")),
            pl.col("owner_id")
            .replace_strict(names, default=None, return_dtype=pl.String)
            .alias(t("pipeline.ui.owner")),
        )
        data_table(frame)
    complaints = with_sla(
        queries.complaints(ctx.engine, ctx.viewer), now(), conf.complaint_sla_hours
    ).filter(pl.col("customer_id") == customer_id)
    st.markdown(f"**{t('pipeline.panel.complaints')}**")
    if widgets.empty_or(complaints, "pipeline.service.no_complaints"):
        return
    frame = complaints.sort("opened_at", descending=True).select(
        pl.col("complaint_id").alias(t("pipeline.col.id")),
        pl.col("opened_at").dt.strftime("%Y-%m-%d %H:%M").alias(t("pipeline.col.opened_at")),
        pl.col("resolved_at").dt.strftime("%Y-%m-%d %H:%M").alias(t("pipeline.col.resolved_at")),
        pl.col("sla_state")
        .replace_strict({s: labels.label("sla", s) for s in ("in_time", "late", "overdue", "open")})
        .alias(t("pipeline.col.sla_state")),
        pl.col("description").alias(t("pipeline.field.description")),
    )
    data_table(frame)


def home_cards() -> list[HomeCard]:
    return [
        HomeCard("pipeline-overdue", "pipeline.card.overdue", overdue_card, BUSINESS_ROLES, 30),
        HomeCard("pipeline-stalled", "pipeline.card.stalled", stalled_card, BUSINESS_ROLES, 31),
    ]


def panels() -> list[PanelSpec]:
    return [PanelSpec("customer", "pipeline-customer", "pipeline.panel.title", customer_panel)]
