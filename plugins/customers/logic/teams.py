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


def team_nodes(people: pl.DataFrame, roots: list[int]) -> list[int]:
    """The teams a page compares: the direct reports of a single root (the viewer's
    own teams), or the roots themselves when there are several (or no reports)."""
    parent = roots[0] if len(roots) == 1 else None
    nodes = (
        people.filter(pl.col("manager_id") == parent)["person_id"].to_list()
        if parent is not None
        else roots
    )
    return nodes or roots


def named_teams(table: pl.DataFrame, people: pl.DataFrame) -> pl.DataFrame:
    """:func:`by_team` with a ``team`` column naming each node (``—`` when unknown)."""
    names = dict(people.select("person_id", "name").iter_rows())
    return table.with_columns(
        pl.col("node_id").replace_strict(names, default="—", return_dtype=pl.String).alias("team")
    )


def active_reps(people: pl.DataFrame) -> pl.DataFrame:
    """Active reps among ``people``, by name (who may own a customer)."""
    return people.filter((pl.col("level") == "rep") & (pl.col("status") == "active")).sort("name")
