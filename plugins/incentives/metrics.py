"""The plugin's registry metrics: ``payout`` and ``cost_of_sales``.

Both come from locked settlements (what was actually settled and paid),
per person and settled month; a draft under review does not count yet.
``cost_of_sales`` = payout / revenue, rolled up as Σpayout / Σrevenue.
"""

from __future__ import annotations

import polars as pl
from sqlalchemy import select

from command_center.db import frames
from command_center.db.tables import polars_schema
from command_center.types import MetricQuery, MetricSpec
from plugins.incentives.models import Settlement, Statement

SETTLED = ("incentives_settlements", "incentives_statements")
PAYOUT_SCHEMA: dict[str, pl.DataType] = {
    **polars_schema(Statement, ["person_id"]),
    **polars_schema(Settlement, ["period"]),
    **polars_schema(Statement, ["payout"]),
}


def locked_payouts(q: MetricQuery) -> pl.DataFrame:
    """``person_id, month, payout`` of locked settlements in ``q``'s months."""
    query = (
        select(Statement.person_id, Settlement.period, Statement.payout)
        .join(Settlement, Settlement.settlement_id == Statement.settlement_id)
        .where(
            Settlement.status == "locked",
            Settlement.period >= q.start.strftime("%Y-%m"),
            Settlement.period <= q.end.strftime("%Y-%m"),
        )
    )
    if q.person_ids is not None:
        query = query.where(Statement.person_id.in_(sorted(q.person_ids)))
    frame = frames.read_frame(q.engine, query, PAYOUT_SCHEMA)
    return frame.select(
        "person_id",
        (pl.col("period") + "-01").str.to_date("%Y-%m-%d").alias("month"),
        "payout",
    )


def _payout(q: MetricQuery) -> pl.DataFrame:
    return locked_payouts(q).select(
        "person_id", "month", pl.col("payout").alias("num"), pl.lit(1.0).alias("den")
    )


def _cost_of_sales(q: MetricQuery) -> pl.DataFrame:
    sales = frames.all_monthly_sales(q.engine).select("person_id", "month", "revenue")
    return (
        locked_payouts(q)
        .join(sales, on=["person_id", "month"], how="left")
        .select(
            "person_id",
            "month",
            pl.col("payout").alias("num"),
            pl.col("revenue").fill_null(0.0).alias("den"),
        )
    )


def metric_specs() -> list[MetricSpec]:
    return [
        MetricSpec(
            "payout",
            "incentives.metric.payout",
            "currency",
            _payout,
            description="incentives.metric.payout_help",
            tables=SETTLED,
        ),
        MetricSpec(
            "cost_of_sales",
            "incentives.metric.cost_of_sales",
            "percent",
            _cost_of_sales,
            kind="ratio",
            higher_is_better=False,
            description="incentives.metric.cost_of_sales_help",
            tables=(*SETTLED, *frames.SALES_TABLES),
        ),
    ]
