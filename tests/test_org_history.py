"""The org tree through time (issue 14, item 2): the pure rules of ``command_center.org.history``.

A director 1 over supervisors 2 (team A) and 3 (team B); rep 4 moves from A to
B effective 1 March 2026; rep 5 joins A on 10 March; rep 6 leaves A on 15
April (their row stays, status ``left``).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from command_center.org.history import (
    HISTORY_SCHEMA,
    SINCE_EVER,
    closure_by_month,
    edges_on,
    month_end,
    subtree_over,
    tree_versions,
)

D = dt.date
HISTORY = pl.DataFrame(
    [
        (1, SINCE_EVER, None, "director", "active"),
        (2, SINCE_EVER, 1, "supervisor", "active"),
        (3, SINCE_EVER, 1, "supervisor", "active"),
        (4, SINCE_EVER, 2, "rep", "active"),
        (4, D(2026, 3, 1), 3, "rep", "active"),
        (5, D(2026, 3, 10), 2, "rep", "active"),
        (6, SINCE_EVER, 2, "rep", "active"),
        (6, D(2026, 4, 15), 2, "rep", "left"),
    ],
    schema=HISTORY_SCHEMA,
    orient="row",
)
MONTHS = [D(2026, m, 1) for m in (1, 2, 3, 4, 5)]


def test_a_month_ends_on_its_last_day() -> None:
    assert [month_end(D(2026, m, 9)) for m in (1, 2, 12)] == [
        D(2026, 1, 31),
        D(2026, 2, 28),
        D(2026, 12, 31),
    ]
    assert month_end(D(2024, 2, 1)) == D(2024, 2, 29)


def test_the_tree_of_a_day_takes_each_persons_latest_row() -> None:
    before, after = edges_on(HISTORY, D(2026, 2, 28)), edges_on(HISTORY, D(2026, 3, 1))
    assert before[4] == 2 and after[4] == 3
    assert 5 not in before and 5 not in edges_on(HISTORY, D(2026, 3, 9))
    assert edges_on(HISTORY, D(2026, 3, 10))[5] == 2
    assert edges_on(HISTORY, D(2026, 12, 31))[6] == 2  # a leaver keeps their last place
    assert edges_on(HISTORY, D(1899, 12, 31)) == {}


def test_months_without_a_change_share_one_tree() -> None:
    groups = tree_versions(HISTORY, MONTHS)
    assert [months for months, _ in groups] == [
        [D(2026, 1, 1), D(2026, 2, 1)],  # nothing changed in February
        [D(2026, 3, 1)],  # 4 moved, 5 joined
        [D(2026, 4, 1), D(2026, 5, 1)],  # 6 left in April (same edges, new row)
    ]
    assert groups[0][1][4] == 2 and groups[1][1][4] == 3
    assert len(tree_versions(HISTORY, [D(2025, m, 1) for m in range(1, 13)])) == 1


def _team(closure: pl.DataFrame, leader: int, month: dt.date) -> list[int]:
    rows = closure.filter((pl.col("ancestor_id") == leader) & (pl.col("month") == month))
    return sorted(rows["person_id"].to_list())


def test_each_month_rolls_up_by_its_own_tree() -> None:
    tree = closure_by_month(HISTORY, MONTHS, None)
    assert _team(tree, 2, D(2026, 2, 1)) == [2, 4, 6]  # February: rep 4 still in A
    assert _team(tree, 3, D(2026, 2, 1)) == [3]
    assert _team(tree, 2, D(2026, 3, 1)) == [2, 5, 6]  # March: 4 went to B, 5 joined A
    assert _team(tree, 3, D(2026, 3, 1)) == [3, 4]
    assert _team(tree, 1, D(2026, 5, 1)) == [1, 2, 3, 4, 5, 6]
    # the roll-up: a join on person and month, a sum per leader and month
    sales = pl.DataFrame(
        {
            "person_id": [4, 4, 5],
            "month": [D(2026, 2, 1), D(2026, 3, 1), D(2026, 3, 1)],
            "num": [100.0, 70.0, 5.0],
        }
    )
    teams = (
        tree.join(sales, on=["person_id", "month"])
        .group_by("ancestor_id")
        .agg(pl.col("num").sum())
        .sort("ancestor_id")
    )
    # A: 4's February and 5's March; B: 4's March; each rep is their own node too
    assert teams.rows() == [(1, 175.0), (2, 105.0), (3, 70.0), (4, 170.0), (5, 5.0)]


def test_a_scoped_closure_keeps_to_the_scope() -> None:
    tree = closure_by_month(HISTORY, [D(2026, 2, 1)], frozenset({2, 4}))
    assert set(tree["ancestor_id"]) == {2, 4} and _team(tree, 2, D(2026, 2, 1)) == [2, 4]
    assert closure_by_month(HISTORY, [], None).is_empty()


def test_a_leaders_scope_over_a_period_keeps_who_was_in_the_team() -> None:
    quarter = [month_end(D(2026, m, 1)) for m in (1, 2, 3)]
    assert subtree_over(HISTORY, 2, quarter) == {2, 4, 5, 6}
    assert subtree_over(HISTORY, 3, quarter) == {3, 4}
    assert subtree_over(HISTORY, 2, [month_end(D(2026, 4, 1))]) == {2, 5, 6}
