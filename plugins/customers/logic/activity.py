"""Follow-ups, pool moves and purchases summed for the pages' charts."""

from __future__ import annotations

import polars as pl

from plugins.customers.logic.labels import relabel


def weekly_counts(frame: pl.DataFrame, day: str, kind: str, count: str) -> pl.DataFrame:
    """``week, kind, <count>``: rows per week (weeks start on Monday) and ``kind`` value."""
    return frame.group_by(
        pl.col(day).dt.truncate("1w").alias("week"), pl.col(kind).alias("kind")
    ).agg(pl.len().alias(count))


def followups_by_week(logged: pl.DataFrame) -> pl.DataFrame:
    """``week, kind, followups``: follow-ups per week and (translated) channel."""
    return weekly_counts(
        relabel(logged, "channel", "channel"), "followup_date", "channel", "followups"
    )


def moves_by_week(moves: pl.DataFrame) -> pl.DataFrame:
    """``week, kind, customers``: pool moves per week by kind (a release by its reason)."""
    kinds = moves.with_columns(
        pl.when(pl.col("action") == "release")
        .then(pl.col("reason"))
        .otherwise(pl.col("action"))
        .alias("kind")
    )
    return weekly_counts(relabel(kinds, "kind", "reason"), "moved_on", "kind", "customers")


def monthly_purchases(lines: pl.DataFrame) -> pl.DataFrame:
    """``month, revenue, lines, label`` (``YYYY-MM``) of one customer's order lines."""
    return (
        lines.group_by(pl.col("order_date").dt.truncate("1mo").alias("month"))
        .agg(pl.col("revenue").sum(), pl.len().alias("lines"))
        .sort("month")
        .with_columns(pl.col("month").dt.strftime("%Y-%m").alias("label"))
    )
