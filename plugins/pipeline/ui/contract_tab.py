"""The deal's contract: terms and lines, submit for review, withdraw, sign."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import money, t
from command_center.ui import table_with_download
from command_center.ui.widgets import percent_column
from plugins.pipeline import actions, queries
from plugins.pipeline import settings as cfg
from plugins.pipeline.logic import labels
from plugins.pipeline.logic.stages import check_contract, with_line_totals
from plugins.pipeline.ui import credits, schedule, widgets

STATUS_COLOURS = {
    "draft": "gray",
    "in_review": "orange",
    "approved": "green",
    "rejected": "red",
    "signed": "blue",
    "cancelled": "gray",
}


def render(ctx: PageContext, conf: cfg.PipelineSettings, deal: dict[str, Any]) -> None:
    contracts = queries.contracts(ctx.engine, ctx.viewer)
    found = contracts.filter(pl.col("opp_id") == deal["opp_id"])
    contract = found.row(0, named=True) if found.height else None
    if contract is None:
        st.info(t("pipeline.contract.none"))
    else:
        status = contract["status"]
        colour = STATUS_COLOURS.get(status, "gray")
        st.markdown(
            t("pipeline.contract.status_line", id=contract["contract_id"])
            + f" :{colour}[{labels.label('contract_status', status)}]"
        )
    _terms_form(ctx, deal, contract)
    if contract is None:
        return
    lines = with_line_totals(
        queries.contract_lines(ctx.engine, ctx.viewer).filter(
            pl.col("contract_id") == contract["contract_id"]
        )
    )
    _lines(ctx, contract, lines)
    _credits(ctx, deal, contract)
    schedule.schedule_editor(ctx, deal, contract)
    _buttons(ctx, contract, lines)
    _reviews(ctx, contract)


def _terms_form(ctx: PageContext, deal: dict[str, Any], contract: dict[str, Any] | None) -> None:
    suffix = deal["opp_id"]
    terms = cfg.PAYMENT_TERMS
    current = contract["payment_terms"] if contract else terms[0]
    default_day = deal["expected_close"] + dt.timedelta(days=30)
    with st.form("pipeline_terms_form"):
        st.markdown(f"**{t('pipeline.contract.terms')}**")
        payment = widgets.select(
            st,
            t("pipeline.field.payment_terms"),
            terms,
            f"pipeline_terms_payment_{suffix}",
            lambda p: labels.label("payment", p),
            terms.index(current) if current in terms else 0,
        )
        delivery = st.date_input(
            t("pipeline.field.delivery_date"),
            value=contract["delivery_date"] if contract else default_day,
            key=f"pipeline_terms_delivery_{suffix}",
        )
        text = st.text_area(
            t("pipeline.field.terms"),
            value=contract["terms"] if contract else "",
            key=f"pipeline_terms_text_{suffix}",
        )
        label = "pipeline.contract.save" if contract else "pipeline.contract.create"
        if st.form_submit_button(t(label), key="pipeline_terms_submit"):
            widgets.run(
                lambda: actions.save_contract(
                    ctx.engine,
                    ctx.viewer,
                    deal["opp_id"],
                    payment_terms=payment,
                    delivery_date=delivery,
                    terms=text,
                ),
                t("pipeline.contract.saved"),
            )


def _lines(ctx: PageContext, contract: dict[str, Any], lines: pl.DataFrame) -> None:
    st.markdown(f"**{t('pipeline.contract.lines')}**")
    frame = labels.display(
        lines.with_columns((pl.col("discount_pct") / 100).alias("discount")),
        {
            "line_id": "pipeline.col.line",
            "product_id": "pipeline.quote.product",
            "description": "pipeline.field.description",
            "quantity": "pipeline.field.quantity",
            "unit_price": "pipeline.field.unit_price",
            "discount": "pipeline.quote.discount",
            "unit_cost": "pipeline.field.unit_cost",
            "line_total": "pipeline.col.line_total",
            "order_id": "pipeline.col.order_id",
        },
    )
    config = {
        t(k): widgets.money_column(t(k))
        for k in (
            "pipeline.field.unit_price",
            "pipeline.field.unit_cost",
            "pipeline.col.line_total",
        )
    }
    config[t("pipeline.quote.discount")] = percent_column(t("pipeline.quote.discount"))
    table_with_download(
        frame, f"contract_{contract['contract_id']}_lines", "pipeline_lines", config
    )
    st.markdown(t("pipeline.contract.total", total=money(lines["line_total"].sum())))
    if contract["status"] not in ("draft", "rejected"):
        return
    suffix = contract["contract_id"]
    with st.form("pipeline_line_form", clear_on_submit=True):
        description = st.text_input(
            t("pipeline.field.description"), key=f"pipeline_line_description_{suffix}"
        )
        left, middle, right = st.columns(3)
        quantity = left.number_input(
            t("pipeline.field.quantity"),
            min_value=0.0,
            value=1.0,
            step=1.0,
            key=f"pipeline_line_quantity_{suffix}",
        )
        price = middle.number_input(
            t("pipeline.field.unit_price"),
            min_value=0.0,
            value=0.0,
            step=100.0,
            key=f"pipeline_line_price_{suffix}",
        )
        cost = right.number_input(
            t("pipeline.field.unit_cost"),
            min_value=0.0,
            value=0.0,
            step=100.0,
            key=f"pipeline_line_cost_{suffix}",
        )
        if st.form_submit_button(t("pipeline.contract.add_line"), key="pipeline_line_submit"):
            widgets.run(
                lambda: actions.add_line(
                    ctx.engine,
                    ctx.viewer,
                    contract["contract_id"],
                    description=description,
                    quantity=quantity,
                    unit_price=price,
                    unit_cost=cost,
                ),
                t("pipeline.contract.line_added"),
            )
    if lines.height:
        ids = lines["line_id"].to_list()
        names = dict(lines.select("line_id", "description").iter_rows())
        with st.form("pipeline_unline_form"):
            line_id = widgets.select(
                st,
                t("pipeline.contract.remove_line"),
                ids,
                f"pipeline_unline_pick_{suffix}",
                lambda i: f"{i} · {names[i]}",
            )
            if st.form_submit_button(t("pipeline.contract.remove"), key="pipeline_unline_submit"):
                widgets.run(
                    lambda: actions.remove_line(ctx.engine, ctx.viewer, line_id),
                    t("pipeline.contract.line_removed"),
                )


def _buttons(ctx: PageContext, contract: dict[str, Any], lines: pl.DataFrame) -> None:
    status = contract["status"]
    cid = contract["contract_id"]
    if status == "signed":
        st.success(
            t(
                "pipeline.contract.signed_line",
                at=str(contract["signed_at"]),
                by=contract["signed_by"],
            )
        )
        return
    left, middle, right = st.columns(3)
    if left.button(
        t("pipeline.contract.submit"),
        key="pipeline_contract_submit",
        disabled=status not in ("draft", "rejected"),
    ):
        widgets.run(
            lambda: actions.submit_contract(ctx.engine, ctx.viewer, cid),
            t("pipeline.contract.submitted"),
        )
    if middle.button(
        t("pipeline.contract.withdraw"),
        key="pipeline_contract_withdraw",
        disabled=status not in ("in_review", "approved"),
    ):
        widgets.run(
            lambda: actions.withdraw_contract(ctx.engine, ctx.viewer, cid),
            t("pipeline.contract.withdrawn"),
        )
    # Signing stays clickable: an unapproved contract is refused with the reason.
    if right.button(
        t("pipeline.contract.sign"),
        key="pipeline_contract_sign",
        type="primary",
        disabled=status == "cancelled",
    ):
        widgets.run(
            lambda: actions.sign_contract(ctx.engine, ctx.viewer, cid),
            t("pipeline.contract.signed", total=money(lines["line_total"].sum())),
        )
    st.caption(t("pipeline.contract.flow"))


def _reviews(ctx: PageContext, contract: dict[str, Any]) -> None:
    reviews = queries.reviews(ctx.engine, ctx.viewer).filter(
        pl.col("contract_id") == contract["contract_id"]
    )
    st.markdown(f"**{t('pipeline.contract.reviews')}**")
    if widgets.empty_or(reviews, "pipeline.contract.no_reviews"):
        return
    names = queries.names(ctx.engine)
    shown = labels.review_rows(reviews.sort("reviewed_at"), names)
    frame = labels.display(
        shown,
        {
            "reviewed_at": "pipeline.col.reviewed_at",
            "reviewer": "pipeline.col.reviewer",
            "decision": "pipeline.col.decision",
            "comment": "pipeline.col.comment",
        },
    )
    table_with_download(frame, f"contract_{contract['contract_id']}_reviews", "pipeline_reviews_t")


def _credits(ctx: PageContext, deal: dict[str, Any], contract: dict[str, Any]) -> None:
    status = contract["status"]
    frozen = None
    if check_contract("edit", status) is not None:
        frozen = t("pipeline.credits.frozen", status=labels.label("contract_status", status))
    credits.split_editor(
        ctx,
        key=f"pipeline_contract_credits_{contract['contract_id']}",
        owner_id=deal["owner_id"],
        current=queries.contract_credits(ctx.engine, ctx.viewer, contract["contract_id"]),
        help_key="pipeline.credits.contract_help",
        frozen=frozen,
        save=lambda split: actions.save_contract_credits(
            ctx.engine, ctx.viewer, contract["contract_id"], split
        ),
    )
