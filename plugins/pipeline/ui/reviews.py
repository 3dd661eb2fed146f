"""Contract review: leaders approve or reject submitted contracts with a comment."""

from __future__ import annotations

from typing import Any

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import money, t
from command_center.ui import data_table, kpi_row, page_header, table_with_download
from command_center.ui.widgets import Kpi
from plugins.pipeline import actions, queries
from plugins.pipeline.logic import labels
from plugins.pipeline.logic.stages import with_contract_totals, with_line_totals
from plugins.pipeline.ui import widgets


def render(ctx: PageContext) -> None:
    page_header(ctx, "pipeline.page.reviews")
    widgets.flash()
    contracts = queries.contracts(ctx.engine, ctx.viewer)
    waiting = contracts.filter(pl.col("status") == "in_review")
    if ctx.viewer.person_id is not None:
        waiting = waiting.filter(pl.col("owner_id") != ctx.viewer.person_id)
    reviews = queries.reviews(ctx.engine, ctx.viewer)
    decided = reviews.filter(
        pl.col("reviewed_at").dt.date().is_between(ctx.period.start, ctx.period.last_day)
    )
    lines = with_line_totals(queries.contract_lines(ctx.engine, ctx.viewer))
    waiting = with_contract_totals(waiting, lines).sort("submitted_at")
    kpi_row(
        [
            Kpi(
                t("pipeline.reviews.waiting"),
                float(waiting.height),
                "count",
                higher_is_better=False,
            ),
            Kpi(t("pipeline.reviews.waiting_amount"), float(waiting["total"].sum()), "currency"),
            Kpi(
                t("pipeline.reviews.approved"),
                float((decided["decision"] == "approve").sum()),
                "count",
            ),
            Kpi(
                t("pipeline.reviews.rejected"),
                float((decided["decision"] == "reject").sum()),
                "count",
            ),
        ]
    )
    if waiting.is_empty():
        st.info(t("pipeline.reviews.none"))
    else:
        _queue(ctx, waiting)
        _decide(ctx, waiting, lines)
    st.subheader(t("pipeline.reviews.recent"))
    _recent(ctx, reviews, contracts)


def _queue(ctx: PageContext, waiting: pl.DataFrame) -> None:
    names = queries.names(ctx.engine)
    customers = queries.customer_names(ctx.engine, waiting["customer_id"].unique().to_list())
    shown = waiting.with_columns(
        pl.col("owner_id")
        .replace_strict(names, default=None, return_dtype=pl.String)
        .alias("owner"),
        pl.col("customer_id")
        .replace_strict(customers, default=None, return_dtype=pl.String)
        .alias("customer"),
        pl.col("submitted_at").dt.strftime("%Y-%m-%d %H:%M"),
        pl.col("payment_terms").replace_strict(
            {p: labels.label("payment", p) for p in waiting["payment_terms"].unique().to_list()},
            default=pl.col("payment_terms"),
        ),
    )
    frame = labels.display(
        shown,
        {
            "contract_id": "pipeline.col.id",
            "title": "pipeline.col.deal",
            "customer": "pipeline.field.customer",
            "owner": "pipeline.ui.owner",
            "total": "pipeline.col.total",
            "payment_terms": "pipeline.field.payment_terms",
            "delivery_date": "pipeline.field.delivery_date",
            "submitted_at": "pipeline.col.submitted_at",
        },
    )
    table_with_download(frame, "contracts_to_review", "pipeline_review_queue")


def _decide(ctx: PageContext, waiting: pl.DataFrame, lines: pl.DataFrame) -> None:
    st.subheader(t("pipeline.reviews.decide"))
    rows = {r["contract_id"]: r for r in waiting.iter_rows(named=True)}
    chosen = widgets.select(
        st,
        t("pipeline.reviews.pick"),
        list(rows),
        "pipeline_review_pick",
        lambda i: f"#{i} {rows[i]['title']} · {money(rows[i]['total'])}",
    )
    row = rows[chosen]
    _detail(ctx, row, lines.filter(pl.col("contract_id") == chosen))
    widgets.decision_form(
        "pipeline_review",
        chosen,
        ("comment", t("pipeline.field.comment"), t("pipeline.reviews.comment_help")),
        lambda approve, comment: actions.review_contract(
            ctx.engine, ctx.viewer, chosen, approve=approve, comment=comment
        ),
        lambda approve: t(
            "pipeline.reviews.done_approve" if approve else "pipeline.reviews.done_reject",
            id=chosen,
        ),
    )


def _detail(ctx: PageContext, row: dict[str, Any], lines: pl.DataFrame) -> None:
    prep = queries.negotiation(ctx.engine, ctx.viewer).filter(pl.col("opp_id") == row["opp_id"])
    bottom = prep["bottom_line"][0] if prep.height else None
    st.markdown(
        t(
            "pipeline.reviews.detail",
            terms=labels.label("payment", row["payment_terms"]),
            delivery=str(row["delivery_date"]),
            total=money(row["total"]),
        )
    )
    if row["terms"]:
        st.caption(row["terms"])
    if bottom is not None and row["total"] is not None and row["total"] < bottom:
        st.warning(
            t("pipeline.negotiation.below", amount=money(row["total"]), bottom=money(bottom))
        )
    frame = labels.display(
        lines,
        {
            "description": "pipeline.field.description",
            "quantity": "pipeline.field.quantity",
            "unit_price": "pipeline.field.unit_price",
            "unit_cost": "pipeline.field.unit_cost",
            "line_total": "pipeline.col.line_total",
        },
    )
    data_table(frame)


def _recent(ctx: PageContext, reviews: pl.DataFrame, contracts: pl.DataFrame) -> None:
    if widgets.empty_or(reviews, "pipeline.contract.no_reviews"):
        return
    names = queries.names(ctx.engine)
    latest = reviews.sort("reviewed_at", descending=True).head(200)
    shown = labels.review_rows(
        latest.join(contracts.select("contract_id", "title"), on="contract_id", how="left"), names
    )
    frame = labels.display(
        shown,
        {
            "contract_id": "pipeline.col.id",
            "title": "pipeline.col.deal",
            "reviewed_at": "pipeline.col.reviewed_at",
            "reviewer": "pipeline.col.reviewer",
            "decision": "pipeline.col.decision",
            "comment": "pipeline.col.comment",
        },
    )
    table_with_download(frame, "contract_reviews", "pipeline_review_recent")
