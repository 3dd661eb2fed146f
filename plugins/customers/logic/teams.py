"""Counts and revenue by grade per team (a team = a node and everyone below it)."""

from __future__ import annotations

import polars as pl

from plugins.customers.logic.abc import GRADES


def by_team(graded: pl.DataFrame, tree: pl.DataFrame, nodes: list[int]) -> pl.DataFrame:
    """``node_id, grade, customers, revenue`` for each of ``nodes`` and each grade.

    ``graded`` holds ``customer_id, owner_id, revenue, grade``; ``tree`` is the
    org closure (``ancestor_id, person_id``). A customer counts for every node
    above its owner; unowned customers count for no team.
    """
    members = tree.filter(pl.col("ancestor_id").is_in(nodes))
    counted = (
        graded.join(members, left_on="owner_id", right_on="person_id", how="inner")
        .group_by("ancestor_id", "grade")
        .agg(pl.len().cast(pl.Int64).alias("customers"), pl.col("revenue").sum())
    )
    grid = pl.DataFrame({"node_id": nodes}, schema={"node_id": pl.Int64}).join(
        pl.DataFrame({"grade": list(GRADES)}), how="cross"
    )
    return (
        grid.join(counted.rename({"ancestor_id": "node_id"}), on=["node_id", "grade"], how="left")
        .with_columns(pl.col("customers").fill_null(0), pl.col("revenue").fill_null(0.0))
        .sort("node_id", "grade")
    )
