"""One deal, worked from lead to signed contract: details, history, SPIN,
negotiation, quotes, contract and review, execution, after-sales."""

from __future__ import annotations

from typing import Any

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import money, t
from command_center.ui import kpi_row, page_header, table_with_download
from command_center.ui.widgets import Kpi
from plugins.pipeline import actions, queries
from plugins.pipeline import settings as cfg
from plugins.pipeline.logic import labels
from plugins.pipeline.ui import (
    contract_tab,
    credits,
    execution,
    page_data,
    quote_tab,
    service,
    widgets,
)


def render(ctx: PageContext) -> None:
    page_header(ctx, "pipeline.page.deal")
    widgets.flash()
    opps = page_data.deals(ctx)
    if opps.height > widgets.MANY_DEALS:
        opps = widgets.owner_filter(ctx, opps, "pipeline_deal_owner", allow_all=False)
    deal = widgets.pick_deal(ctx, opps, "pipeline_deal_pick")
    if deal is None:
        return
    conf = page_data.settings(ctx)
    _summary(ctx, conf, deal)
    tabs = st.tabs(
        [
            t("pipeline.deal.tab_overview"),
            t("pipeline.deal.tab_spin"),
            t("pipeline.deal.tab_negotiation"),
            t("pipeline.deal.tab_quotes"),
            t("pipeline.deal.tab_contract"),
            t("pipeline.deal.tab_execution"),
            t("pipeline.deal.tab_after"),
        ]
    )
    with tabs[0]:
        _details(ctx, conf, deal)
        _credits(ctx, conf, deal)
        _history(ctx, conf, deal)
    with tabs[1]:
        _spin(ctx, deal)
    with tabs[2]:
        _negotiation(ctx, deal)
    with tabs[3]:
        quote_tab.render(ctx, conf, deal)
    with tabs[4]:
        contract_tab.render(ctx, conf, deal)
    with tabs[5]:
        execution.deal_plan(ctx, deal)
    with tabs[6]:
        service.deal_after_sales(ctx, conf, deal)


def _summary(ctx: PageContext, conf: cfg.PipelineSettings, deal: dict[str, Any]) -> None:
    names = queries.names(ctx.engine)
    customer = queries.customer_names(ctx.engine, [deal["customer_id"]]).get(
        deal["customer_id"], ""
    )
    st.markdown(f"### #{deal['opp_id']} {deal['title']}")
    st.caption(
        t(
            "pipeline.deal.caption",
            customer=customer,
            owner=names.get(deal["owner_id"], ""),
            source=labels.label("source", deal["source"]),
            channel=labels.label("channel", deal["channel"]),
        )
    )
    kpi_row(
        [
            Kpi(t("pipeline.field.amount"), deal["amount"], "currency"),
            Kpi(t("pipeline.field.probability"), deal["probability"], "percent"),
            Kpi(t("pipeline.field.weighted"), deal["weighted"], "currency"),
            Kpi(t("pipeline.field.days_in_stage"), float(deal["days_in_stage"]), "count"),
        ]
    )
    stage = labels.stage_label(conf, deal["stage"])
    st.markdown(t("pipeline.deal.stage_line", stage=stage, close=str(deal["expected_close"])))
    if deal["stalled"]:
        st.warning(t("pipeline.deal.stalled", days=deal["days_in_stage"]))
    if deal["stage"] == conf.lost_stage:
        st.info(
            t(
                "pipeline.deal.lost_line",
                reason=labels.label("lost", deal["lost_reason"]),
                note=deal["lost_note"] or "—",
            )
        )


def _details(ctx: PageContext, conf: cfg.PipelineSettings, deal: dict[str, Any]) -> None:
    st.subheader(t("pipeline.deal.details"))
    closed = deal["stage"] in (conf.won_stage, conf.lost_stage)
    with st.form("pipeline_details_form"):
        title = st.text_input(
            t("pipeline.field.title"),
            value=deal["title"],
            key=f"pipeline_details_title_{deal['opp_id']}",
        )
        amount = st.number_input(
            t("pipeline.field.amount"),
            min_value=0.0,
            value=float(deal["amount"]),
            step=1_000.0,
            key=f"pipeline_details_amount_{deal['opp_id']}",
        )
        close = st.date_input(
            t("pipeline.field.expected_close"),
            value=deal["expected_close"],
            key=f"pipeline_details_close_{deal['opp_id']}",
        )
        source = widgets.select(
            st,
            t("pipeline.field.source"),
            cfg.SOURCES,
            f"pipeline_details_source_{deal['opp_id']}",
            lambda s: labels.label("source", s),
            _index(cfg.SOURCES, deal["source"]),
        )
        channel = widgets.select(
            st,
            t("pipeline.field.channel"),
            cfg.CHANNELS,
            f"pipeline_details_channel_{deal['opp_id']}",
            lambda s: labels.label("channel", s),
            _index(cfg.CHANNELS, deal["channel"]),
        )
        if st.form_submit_button(
            t("pipeline.ui.save"), key="pipeline_details_submit", disabled=closed
        ):
            widgets.run(
                lambda: actions.update_opportunity(
                    ctx.engine,
                    ctx.viewer,
                    deal["opp_id"],
                    title=title,
                    amount=amount,
                    expected_close=close,
                    source=source,
                    channel=channel,
                ),
                t("pipeline.deal.saved"),
            )


def _credits(ctx: PageContext, conf: cfg.PipelineSettings, deal: dict[str, Any]) -> None:
    closed = deal["stage"] in (conf.won_stage, conf.lost_stage)
    stage = labels.stage_label(conf, deal["stage"])
    credits.split_editor(
        ctx,
        key=f"pipeline_deal_credits_{deal['opp_id']}",
        owner_id=deal["owner_id"],
        current=queries.deal_credits(ctx.engine, ctx.viewer, deal["opp_id"]),
        help_key="pipeline.credits.deal_help",
        frozen=t("pipeline.credits.frozen_deal", stage=stage) if closed else None,
        save=lambda split: actions.save_deal_credits(ctx.engine, ctx.viewer, deal["opp_id"], split),
    )


def _index(options: tuple[str, ...], value: str) -> int:
    return options.index(value) if value in options else 0


def _history(ctx: PageContext, conf: cfg.PipelineSettings, deal: dict[str, Any]) -> None:
    st.subheader(t("pipeline.deal.history"))
    history = queries.history(ctx.engine, ctx.viewer).filter(pl.col("opp_id") == deal["opp_id"])
    stages = labels.stage_labels(conf)
    shown = history.sort("changed_at", "change_id").with_columns(
        pl.col("from_stage").replace_strict(stages, default=pl.col("from_stage")),
        pl.col("to_stage").replace_strict(stages, default=pl.col("to_stage")),
        pl.col("changed_at").dt.strftime("%Y-%m-%d %H:%M"),
    )
    frame = labels.display(
        shown,
        {
            "changed_at": "pipeline.col.changed_at",
            "from_stage": "pipeline.col.from_stage",
            "to_stage": "pipeline.col.to_stage",
            "changed_by": "pipeline.col.changed_by",
            "note": "pipeline.col.note",
        },
    )
    table_with_download(frame, f"deal_{deal['opp_id']}_history", "pipeline_history")


def _spin(ctx: PageContext, deal: dict[str, Any]) -> None:
    st.caption(t("pipeline.spin.help"))
    notes = queries.spin(ctx.engine, ctx.viewer).filter(pl.col("opp_id") == deal["opp_id"])
    current = notes.row(0, named=True) if notes.height else {}
    parts = ("situation", "problem", "implication", "need_payoff")
    with st.form("pipeline_spin_form"):
        values = {
            part: st.text_area(
                t(f"pipeline.spin.{part}"),
                value=current.get(part) or "",
                help=t(f"pipeline.spin.{part}_help"),
                key=f"pipeline_spin_{part}_{deal['opp_id']}",
            )
            for part in parts
        }
        if st.form_submit_button(t("pipeline.ui.save"), key="pipeline_spin_submit"):
            widgets.run(
                lambda: actions.save_spin(ctx.engine, ctx.viewer, deal["opp_id"], **values),
                t("pipeline.spin.saved"),
            )


def _negotiation(ctx: PageContext, deal: dict[str, Any]) -> None:
    prep = queries.negotiation(ctx.engine, ctx.viewer).filter(pl.col("opp_id") == deal["opp_id"])
    current = prep.row(0, named=True) if prep.height else {}
    bottom = current.get("bottom_line")
    if bottom is not None and deal["amount"] < bottom:
        st.warning(
            t("pipeline.negotiation.below", amount=money(deal["amount"]), bottom=money(bottom))
        )
    with st.form("pipeline_negotiation_form"):
        values = {
            part: st.text_area(
                t(f"pipeline.negotiation.{part}"),
                value=current.get(part) or "",
                key=f"pipeline_negotiation_{part}_{deal['opp_id']}",
            )
            for part in ("competitors", "strengths", "strategy", "concessions")
        }
        line = st.number_input(
            t("pipeline.negotiation.bottom_line"),
            min_value=0.0,
            value=float(bottom) if bottom is not None else 0.0,
            step=1_000.0,
            help=t("pipeline.negotiation.bottom_line_help"),
            key=f"pipeline_negotiation_bottom_{deal['opp_id']}",
        )
        if st.form_submit_button(t("pipeline.ui.save"), key="pipeline_negotiation_submit"):
            widgets.run(
                lambda: actions.save_negotiation(
                    ctx.engine, ctx.viewer, deal["opp_id"], bottom_line=line or None, **values
                ),
                t("pipeline.negotiation.saved"),
            )
    if current:
        st.caption(
            t(
                "pipeline.negotiation.updated",
                by=current["updated_by"],
                at=str(current["updated_at"]),
            )
        )
