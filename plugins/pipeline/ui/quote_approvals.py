"""Quotes waiting for my approval: leaders approve or reject the discounts of their people's
quotes, with a note (the rep is told)."""

from __future__ import annotations

from typing import Any

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import money, percent, t
from command_center.ui import data_table, kpi_row, page_header, table_with_download
from command_center.ui.widgets import Kpi, percent_column
from plugins.pipeline import actions, queries
from plugins.pipeline.logic import labels
from plugins.pipeline.logic import quotes as rules
from plugins.pipeline.ui import lines as lines_ui
from plugins.pipeline.ui import page_data, widgets


def render(ctx: PageContext) -> None:
    page_header(ctx, "pipeline.page.quote_approvals")
    widgets.flash()
    conf = page_data.settings(ctx)
    waiting = queries.quotes_waiting(ctx.engine, ctx.viewer)
    lines = queries.quote_lines(ctx.engine, ctx.viewer, waiting["quote_id"].to_list())
    waiting = waiting.join(rules.summaries(waiting, lines), on="quote_id", how="left")
    decided = queries.quote_decisions(ctx.engine, ctx.viewer, ctx.period.start)
    decided = decided.filter(pl.col("decided_at").dt.date() <= ctx.period.last_day)
    kpi_row(
        [
            Kpi(
                t("pipeline.approvals.waiting"),
                float(waiting.height),
                "count",
                higher_is_better=False,
            ),
            Kpi(t("pipeline.approvals.waiting_amount"), float(waiting["total"].sum()), "currency"),
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
    st.caption(t("pipeline.approvals.limit", limit=percent(conf.quote_discount_limit / 100)))
    if waiting.is_empty():
        st.info(t("pipeline.approvals.none"))
    else:
        _queue(ctx, waiting)
        _decide(ctx, waiting, lines)
    st.subheader(t("pipeline.reviews.recent"))
    _recent(ctx, decided)


def _named(ctx: PageContext, frame: pl.DataFrame) -> pl.DataFrame:
    names = queries.names(ctx.engine)
    customers = queries.customer_names(ctx.engine, frame["customer_id"].unique().to_list())
    return frame.with_columns(
        pl.struct("opp_id", "version")
        .map_elements(
            lambda r: rules.quote_label(r["opp_id"], r["version"]), return_dtype=pl.String
        )
        .alias("quote"),
        pl.col("owner_id")
        .replace_strict(names, default=None, return_dtype=pl.String)
        .alias("owner"),
        pl.col("customer_id")
        .replace_strict(customers, default=None, return_dtype=pl.String)
        .alias("customer"),
    )


def _queue(ctx: PageContext, waiting: pl.DataFrame) -> None:
    shown = _named(ctx, waiting).with_columns(pl.col("requested_at").dt.strftime("%Y-%m-%d %H:%M"))
    frame = labels.display(
        shown,
        {
            "quote": "pipeline.approvals.quote",
            "title": "pipeline.col.deal",
            "customer": "pipeline.field.customer",
            "owner": "pipeline.ui.owner",
            "total": "pipeline.quote.total",
            "max_line_discount": "pipeline.approvals.max_line",
            "total_discount": "pipeline.approvals.total_discount",
            "requested_at": "pipeline.approvals.requested_at",
        },
    )
    config = {t("pipeline.quote.total"): widgets.money_column(t("pipeline.quote.total"))}
    config |= {
        t(k): percent_column(t(k))
        for k in ("pipeline.approvals.max_line", "pipeline.approvals.total_discount")
    }
    table_with_download(frame, "quotes_waiting", "pipeline_approvals_queue", config)


def _decide(ctx: PageContext, waiting: pl.DataFrame, lines: pl.DataFrame) -> None:
    st.subheader(t("pipeline.approvals.decide"))
    rows = {r["quote_id"]: r for r in _named(ctx, waiting).iter_rows(named=True)}
    chosen = widgets.select(
        st,
        t("pipeline.approvals.pick"),
        list(rows),
        "pipeline_approval_pick",
        lambda i: (
            f"{rows[i]['quote']} {rows[i]['title']} · {rows[i]['owner'] or '—'} · "
            f"{money(rows[i]['total'], 2)}"
        ),
    )
    row = rows[chosen]
    _detail(row, lines.filter(pl.col("quote_id") == chosen))
    widgets.decision_form(
        "pipeline_approval",
        chosen,
        ("note", t("pipeline.quote.approval_note"), t("pipeline.approvals.note_help")),
        lambda approve, note: actions.decide_quote(
            ctx.engine, ctx.viewer, chosen, approve=approve, note=note
        ),
        lambda approve: t(
            "pipeline.approvals.done_approve" if approve else "pipeline.approvals.done_reject",
            quote=row["quote"],
        ),
    )


def _detail(row: dict[str, Any], lines: pl.DataFrame) -> None:
    st.markdown(
        t(
            "pipeline.approvals.detail",
            list_value=money(row["list_value"], 2),
            total=money(row["total"], 2),
            discount=percent(row["total_discount"]),
            extra=percent(row["extra_discount_pct"] / 100, 2),
            until=row["valid_until"].isoformat(),
        )
    )
    frame, config = lines_ui.quote_line_table(rules.priced_lines(lines, row["extra_discount_pct"]))
    data_table(frame, config)
    if row["note"]:
        st.caption(row["note"])


def _recent(ctx: PageContext, decided: pl.DataFrame) -> None:
    if widgets.empty_or(decided, "pipeline.approvals.no_decisions"):
        return
    shown = lines_ui.shown_decisions(_named(ctx, decided), queries.names(ctx.engine))
    frame = labels.display(
        shown,
        {
            "quote": "pipeline.approvals.quote",
            "title": "pipeline.col.deal",
            "owner": "pipeline.ui.owner",
            "decided_at": "pipeline.col.reviewed_at",
            "approver": "pipeline.col.reviewer",
            "decision": "pipeline.col.decision",
            "note": "pipeline.col.comment",
        },
    )
    table_with_download(frame, "quote_decisions", "pipeline_approvals_recent")
