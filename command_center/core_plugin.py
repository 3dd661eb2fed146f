"""The core's own hook implementations: core metrics, import kinds, demo data.

Registered like any plugin (as ``core``), so the core's metrics and import
kinds reach pages through exactly the same path as a plugin's.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import polars as pl
from sqlalchemy import Engine

from command_center import cash, hookimpl
from command_center.db import frames
from command_center.org.scope import OPERATOR, Viewer
from command_center.org.tree import closure
from command_center.types import (
    AgendaItem,
    ExportKind,
    HomeCard,
    ImportKind,
    MetricQuery,
    MetricSpec,
)

if TYPE_CHECKING:
    from command_center.agenda import TodayCard
    from command_center.metrics import MetricRegistry


def _sales(q: MetricQuery, lag_months: int = 0) -> pl.DataFrame:
    """Monthly sales of everyone, months shifted forward by ``lag_months``."""
    frame = frames.all_monthly_sales(q.engine)
    if lag_months:
        frame = frame.with_columns(pl.col("month").dt.offset_by(f"{lag_months}mo"))
    return frame.filter(pl.col("month").is_between(q.start, q.end))


def _revenue(q: MetricQuery) -> pl.DataFrame:
    return _sales(q).select(
        "person_id", "month", pl.col("revenue").alias("num"), pl.lit(1.0).alias("den")
    )


def _profit(q: MetricQuery) -> pl.DataFrame:
    return _sales(q).select(
        "person_id",
        "month",
        (pl.col("revenue") - pl.col("cost")).alias("num"),
        pl.lit(1.0).alias("den"),
    )


def _margin(q: MetricQuery) -> pl.DataFrame:
    return _sales(q).select(
        "person_id",
        "month",
        (pl.col("revenue") - pl.col("cost")).alias("num"),
        pl.col("revenue").alias("den"),
    )


def _growth(q: MetricQuery) -> pl.DataFrame:
    """(revenue - revenue a year before) / revenue a year before."""
    now = _sales(q).select("person_id", "month", pl.col("revenue").alias("now"))
    before = _sales(q, lag_months=12).select(
        "person_id", "month", pl.col("revenue").alias("before")
    )
    both = now.join(before, on=["person_id", "month"], how="full", coalesce=True).fill_null(0.0)
    return both.select(
        "person_id",
        "month",
        (pl.col("now") - pl.col("before")).alias("num"),
        pl.col("before").alias("den"),
    )


def monthly_revenue_targets(q: MetricQuery) -> pl.DataFrame:
    """``person_id, month, target``: month targets, else quarter/3, else year/12."""
    rows = frames.targets(q.engine, OPERATOR).filter(pl.col("metric") == "revenue")
    months = pl.DataFrame({"month": pl.date_range(q.start, q.end, "1mo", eager=True)})
    expanded = months.with_columns(
        pl.col("month").dt.strftime("%Y-%m").alias("m_label"),
        (
            pl.col("month").dt.year().cast(pl.String)
            + "-Q"
            + pl.col("month").dt.quarter().cast(pl.String)
        ).alias("q_label"),
        pl.col("month").dt.year().cast(pl.String).alias("y_label"),
    )
    parts = []
    for label, share in (("m_label", 1.0), ("q_label", 1 / 3), ("y_label", 1 / 12)):
        part = expanded.join(rows, left_on=label, right_on="period", how="inner").select(
            "person_id", "month", (pl.col("target") * share).alias(f"t_{label}")
        )
        parts.append(part)
    merged = parts[0]
    for part in parts[1:]:
        merged = merged.join(part, on=["person_id", "month"], how="full", coalesce=True)
    return merged.select(
        "person_id",
        "month",
        pl.coalesce("t_m_label", "t_q_label", "t_y_label").alias("target"),
    )


def lowest_targets(engine: Engine, goal: pl.DataFrame) -> pl.DataFrame:
    """The rows of ``goal`` (``person_id, month, …``) of people nobody below has a row for
    that month: a leader's own target (an approved plan's, docs/targets.md) is their team's,
    the sum of the targets below, so a ratio rolled up the tree counts each target once."""
    people = frames.all_people(engine).select("person_id", "manager_id")
    below = closure(people).filter(pl.col("ancestor_id") != pl.col("person_id"))
    covered = (
        goal.select("person_id", "month")
        .join(below, on="person_id")
        .select(pl.col("ancestor_id").alias("person_id"), "month")
        .unique()
    )
    return goal.join(covered, on=["person_id", "month"], how="anti")


def _attainment(q: MetricQuery) -> pl.DataFrame:
    goal = lowest_targets(q.engine, monthly_revenue_targets(q))
    sales = _sales(q).select("person_id", "month", "revenue")
    return goal.join(sales, on=["person_id", "month"], how="left").select(
        "person_id",
        "month",
        pl.col("revenue").fill_null(0.0).alias("num"),
        pl.col("target").alias("den"),
    )


def _order_lines(q: MetricQuery) -> pl.DataFrame:
    return _sales(q).select(
        "person_id",
        "month",
        pl.col("order_lines").cast(pl.Float64).alias("num"),
        pl.lit(1.0).alias("den"),
    )


ORDERS = frames.SALES_TABLES  # the ledger summaries follow both


def _collected(q: MetricQuery) -> pl.DataFrame:
    return cash.collected_facts(q.engine, q.start, q.end)


def _collection_rate(q: MetricQuery) -> pl.DataFrame:
    return cash.collection_rate_facts(q.engine, q.start, q.end, q.person_ids)


def _dso(q: MetricQuery) -> pl.DataFrame:
    return cash.dso_facts(q.engine, q.start, q.end)


@hookimpl
def register_metrics() -> list[MetricSpec]:
    return [
        MetricSpec("revenue", "metric.revenue", "currency", _revenue, tables=ORDERS),
        MetricSpec("profit", "metric.profit", "currency", _profit, tables=ORDERS),
        MetricSpec("margin", "metric.margin", "percent", _margin, kind="ratio", tables=ORDERS),
        MetricSpec("growth", "metric.growth", "percent", _growth, kind="ratio", tables=ORDERS),
        MetricSpec(
            "attainment",
            "metric.attainment",
            "percent",
            _attainment,
            kind="ratio",
            tables=(*ORDERS, "targets", "people"),  # people: whose targets are the lowest
        ),
        MetricSpec("order_lines", "metric.order_lines", "count", _order_lines, tables=ORDERS),
        *_cash_metrics(),
    ]


def _cash_metrics() -> list[MetricSpec]:
    """Collection (docs/collections.md): cash collected, collection rate, DSO."""
    tables = (*ORDERS, *cash.CASH_TABLES, *cash.DUE_TABLES)  # due dates: payment schedules
    return [
        MetricSpec(
            "collected", "cash.metric.collected", "currency", _collected, tables=cash.CASH_TABLES
        ),
        MetricSpec(
            "collection_rate",
            "cash.metric.collection_rate",
            "percent",
            _collection_rate,
            kind="ratio",
            tables=tables,
        ),
        MetricSpec(
            "dso",
            "cash.metric.dso",
            "days",
            _dso,
            kind="ratio",
            higher_is_better=False,
            tables=tables,
        ),
    ]


@hookimpl
def today_cards(
    engine: Engine, registry: MetricRegistry, viewer: Viewer, day: dt.date
) -> list[TodayCard]:
    """Overdue receivables on the day (a rep's own lines, a leader's team)."""
    from command_center.ui import cash_cards

    return [cash_cards.today_card(engine, viewer, day)]


@hookimpl
def today_agenda(engine: Engine, viewer: Viewer, day: dt.date) -> list[AgendaItem]:
    """A rep's overdue receivables as rows of their day (docs/collections.md)."""
    from command_center.agenda import receivable_rows

    return receivable_rows(engine, viewer, day)


@hookimpl
def register_home_cards() -> list[HomeCard]:
    from command_center.ui import cash_cards

    return [cash_cards.HOME_CARD]


@hookimpl
def register_importers() -> list[ImportKind]:
    from command_center.io import CORE_IMPORTS
    from command_center.io.org_kinds import ORG_IMPORTS

    return [*CORE_IMPORTS, *ORG_IMPORTS]


@hookimpl
def register_exporters() -> list[ExportKind]:
    from command_center.io import CORE_EXPORTS
    from command_center.io.org_kinds import ORG_EXPORTS

    return [*CORE_EXPORTS, *ORG_EXPORTS]
