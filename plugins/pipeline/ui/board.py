"""The board: deals by stage, moved with a control; new deals; stalled flags."""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import money, number, t
from command_center.ui import kpi_row, page_header
from command_center.ui.widgets import Kpi
from plugins.pipeline import actions, queries
from plugins.pipeline import settings as cfg
from plugins.pipeline.logic import analytics, labels
from plugins.pipeline.ui import page_data, widgets

CARDS_PER_STAGE = 8


def render(ctx: PageContext) -> None:
    page_header(ctx, "pipeline.page.board")
    widgets.flash()
    conf = page_data.settings(ctx)
    model = cfg.stage_model(conf)
    opps = widgets.owner_filter(ctx, page_data.deals(ctx), "pipeline_board_owner")
    open_deals = opps.filter(pl.col("stage").is_in(list(model.open)))
    rate = analytics.win_rate(opps, model, ctx.period.start, ctx.period.last_day)
    kpi_row(
        [
            Kpi(t("pipeline.kpi.open_deals"), float(open_deals.height), "count"),
            Kpi(t("pipeline.metric.pipeline_value"), float(open_deals["amount"].sum()), "currency"),
            Kpi(
                t("pipeline.metric.weighted_pipeline"),
                float(open_deals["weighted"].sum()),
                "currency",
            ),
            Kpi(
                t("pipeline.kpi.stalled"),
                float(open_deals["stalled"].sum()),
                "count",
                higher_is_better=False,
            ),
            Kpi(t("pipeline.metric.win_rate"), rate["rate"], "percent"),  # type: ignore[arg-type]
        ]
    )
    st.caption(t("pipeline.board.stalled_rule", days=conf.stalled_days))
    _columns(ctx, conf, open_deals, opps)
    _move_form(ctx, conf, opps)
    _new_deal(ctx, conf)


def _columns(
    ctx: PageContext, conf: cfg.PipelineSettings, open_deals: pl.DataFrame, opps: pl.DataFrame
) -> None:
    by_stage = {
        stage: open_deals.filter(pl.col("stage") == stage).sort("amount", descending=True)
        for stage in conf.open_stages
    }
    cards = [deals.head(CARDS_PER_STAGE) for deals in by_stage.values()]
    shown = pl.concat(cards)["customer_id"].unique().to_list() if cards else []
    customers = queries.customer_names(ctx.engine, shown)  # the cards' customers only
    columns = st.columns(len(conf.open_stages))
    for column, stage in zip(columns, conf.open_stages, strict=True):
        deals = by_stage[stage]
        with column:
            st.markdown(f"**{labels.stage_label(conf, stage)}**")
            st.caption(
                t("pipeline.board.column", count=deals.height, amount=money(deals["amount"].sum()))
            )
            for row in deals.head(CARDS_PER_STAGE).iter_rows(named=True):
                with st.container(border=True):
                    st.markdown(f"**#{row['opp_id']} {row['title']}**")
                    st.caption(customers.get(row["customer_id"], ""))
                    line = t(
                        "pipeline.board.card",
                        amount=money(row["amount"]),
                        days=number(row["days_in_stage"]),
                    )
                    if row["stalled"]:
                        line += " · :red[" + t("pipeline.board.stalled") + "]"
                    st.markdown(line)
            if deals.height > CARDS_PER_STAGE:
                st.caption(t("pipeline.board.more", count=deals.height - CARDS_PER_STAGE))
    closed = opps.filter(~pl.col("stage").is_in(conf.open_stages))
    won = closed.filter(pl.col("stage") == conf.won_stage)
    lost = closed.filter(pl.col("stage") == conf.lost_stage)
    st.caption(
        t(
            "pipeline.board.closed",
            won=won.height,
            won_amount=money(won["amount"].sum()),
            lost=lost.height,
        )
    )


def _move_form(ctx: PageContext, conf: cfg.PipelineSettings, opps: pl.DataFrame) -> None:
    st.subheader(t("pipeline.board.move"))
    movable = opps.filter(pl.col("stage") != conf.won_stage)
    if movable.is_empty():
        st.caption(t("pipeline.ui.no_deals"))
        return
    if movable.height > widgets.MANY_DEALS:
        st.caption(t("pipeline.board.pick_owner", count=movable.height))
        return
    customers = queries.customer_names(ctx.engine, movable["customer_id"].unique().to_list())
    stages = labels.stage_labels(conf)
    rows = {r["opp_id"]: r for r in movable.sort("opp_id").iter_rows(named=True)}
    with st.form("pipeline_move_form"):
        opp_id = widgets.select(
            st,
            t("pipeline.ui.deal"),
            list(rows),
            "pipeline_move_deal",
            lambda i: labels.deal_label(rows[i], customers, stages),
        )
        target = widgets.select(
            st,
            t("pipeline.board.to_stage"),
            list(stages),
            "pipeline_move_stage",
            stages.__getitem__,
        )
        reason = widgets.select(
            st,
            t("pipeline.board.lost_reason"),
            conf.lost_reasons,
            "pipeline_move_reason",
            lambda r: labels.label("lost", r),
        )
        note = st.text_input(t("pipeline.board.note"), key="pipeline_move_note", max_chars=200)
        if st.form_submit_button(t("pipeline.board.move_submit"), key="pipeline_move_submit"):
            lost = target == conf.lost_stage
            widgets.run(
                lambda: actions.move_stage(
                    ctx.engine,
                    ctx.viewer,
                    opp_id,
                    target,
                    lost_reason=reason if lost else None,
                    note=note,
                ),
                t("pipeline.board.moved", deal=opp_id, stage=stages[target]),
            )


def _new_deal(ctx: PageContext, conf: cfg.PipelineSettings) -> None:
    with st.expander(t("pipeline.board.new"), expanded=False):
        people = ctx.people().filter(pl.col("status") != "left")
        if ctx.viewer.person_id is not None and ctx.viewer.role == "rep":
            owners = [ctx.viewer.person_id]
        else:
            owners = people.filter(pl.col("level") == "rep")["person_id"].to_list()
            if ctx.viewer.person_id is not None and ctx.viewer.can_see(ctx.viewer.person_id):
                owners = [ctx.viewer.person_id, *owners]
        if not owners:
            st.caption(t("pipeline.ui.no_people"))
            return
        names = queries.names(ctx.engine)
        owner = widgets.select(
            st, t("pipeline.ui.owner"), owners, "pipeline_new_owner", lambda p: names.get(p, str(p))
        )
        own = queries.customers_of(ctx.engine, ctx.viewer, owner)
        if not own:
            st.caption(t("pipeline.board.no_customers"))
            return
        customers = dict(own)
        with st.form("pipeline_new_form"):
            title = st.text_input(
                t("pipeline.field.title"), key="pipeline_new_title", max_chars=200
            )
            customer = widgets.select(
                st,
                t("pipeline.field.customer"),
                list(customers),
                "pipeline_new_customer",
                customers.__getitem__,
            )
            amount = st.number_input(
                t("pipeline.field.amount"),
                min_value=0.0,
                value=50_000.0,
                step=1_000.0,
                key="pipeline_new_amount",
            )
            close = st.date_input(
                t("pipeline.field.expected_close"),
                value=dt.date.today() + dt.timedelta(days=60),
                key="pipeline_new_close",
            )
            source = widgets.select(
                st,
                t("pipeline.field.source"),
                cfg.SOURCES,
                "pipeline_new_source",
                lambda s: labels.label("source", s),
            )
            channel = widgets.select(
                st,
                t("pipeline.field.channel"),
                cfg.CHANNELS,
                "pipeline_new_channel",
                lambda s: labels.label("channel", s),
            )
            starts = [s for s in conf.open_stages if s != conf.contract_stage]
            stage = widgets.select(
                st,
                t("pipeline.field.stage"),
                starts,
                "pipeline_new_stage",
                lambda s: labels.stage_label(conf, s),
            )
            if st.form_submit_button(t("pipeline.board.create"), key="pipeline_new_submit"):
                widgets.run(
                    lambda: actions.create_opportunity(
                        ctx.engine,
                        ctx.viewer,
                        title=title,
                        customer_id=customer,
                        owner_id=owner,
                        amount=amount,
                        expected_close=close,
                        source=source,
                        channel=channel,
                        stage=stage,
                    ),
                    t("pipeline.board.created", title=title),
                )
