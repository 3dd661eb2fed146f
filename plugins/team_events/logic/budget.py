"""Team-building budgets: per team and year, the spend charged to it and what is left."""

from __future__ import annotations

import polars as pl


def usage(budgets: pl.DataFrame, spend: pl.DataFrame) -> pl.DataFrame:
    """``team_root, year, budget, spent, remaining, used, events``.

    ``budgets``: ``team_root, year, amount``; ``spend``: ``event_id, team_root,
    year, amount`` (the year of the event). Teams that spent without a budget
    still appear, with a budget of 0.
    """
    spent = spend.group_by("team_root", "year").agg(
        pl.col("amount").sum().alias("spent"), pl.col("event_id").n_unique().alias("events")
    )
    out = budgets.select("team_root", "year", pl.col("amount").alias("budget")).join(
        spent, on=["team_root", "year"], how="full", coalesce=True
    )
    return (
        out.with_columns(
            pl.col("budget").fill_null(0.0),
            pl.col("spent").fill_null(0.0),
            pl.col("events").fill_null(0).cast(pl.Int64),
        )
        .with_columns(
            (pl.col("budget") - pl.col("spent")).alias("remaining"),
            pl.when(pl.col("budget") > 0)
            .then(pl.col("spent") / pl.col("budget"))
            .otherwise(None)
            .alias("used"),
        )
        .sort("year", "team_root", descending=[True, False])
    )


def remaining(
    budgets: pl.DataFrame, spend: pl.DataFrame, team_root: int, year: int
) -> float | None:
    """What is left of the team's budget for ``year`` (``None``: no budget set)."""
    row = usage(budgets, spend).filter(
        (pl.col("team_root") == team_root) & (pl.col("year") == year)
    )
    has_budget = budgets.filter(
        (pl.col("team_root") == team_root) & (pl.col("year") == year)
    ).height
    if not has_budget or row.is_empty():
        return None
    return float(row["remaining"].item())


def per_event(spend: pl.DataFrame) -> pl.DataFrame:
    """``event_id, spent, lines`` per event."""
    return (
        spend.group_by("event_id")
        .agg(pl.col("amount").sum().alias("spent"), pl.len().alias("lines"))
        .sort("event_id")
    )
