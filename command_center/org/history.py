"""The org tree through time: who reported to whom, at which level, on any day.

Every change of a person's manager, level or status is a row of
``org_history`` effective from a day (:data:`HISTORY_SCHEMA`); the ``people``
row holds the state of today. A person's place on a day is their latest row
effective on or before it; before their first row they are not in the tree.
Rows written when the history began are effective from :data:`SINCE_EVER`.

The rule for figures of the past (documented in ``docs/org-changes.md``): a
month rolls up by the tree as it stood on the month's last day. A rep who
moves from team A to team B effective 1 March counts in A's February and in
B's March; someone who left keeps their last place, so the months they
worked still count where they worked. A leader's scope for a period is
everyone in their subtree on any of its month-ends, so last month's figures
still show the rep who has since moved away.

>>> rows = pl.DataFrame({"person_id": [1, 2, 3, 3], "manager_id": [None, 1, 1, 2],
...     "effective_from": [SINCE_EVER, SINCE_EVER, SINCE_EVER, dt.date(2026, 3, 1)]})
>>> edges_on(rows, dt.date(2026, 2, 28))[3], edges_on(rows, dt.date(2026, 3, 31))[3]
(1, 2)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import polars as pl

from command_center.org.tree import children_map, closure, subtree

SINCE_EVER = dt.date(1900, 1, 1)
"""The effective day of the rows the history starts with: as far back as anyone knows."""
HISTORY_SCHEMA: dict[str, pl.DataType] = {
    "person_id": pl.Int64(),
    "effective_from": pl.Date(),
    "manager_id": pl.Int64(),
    "level": pl.String(),
    "status": pl.String(),
}
CLOSURE_SCHEMA: dict[str, pl.DataType] = {
    "ancestor_id": pl.Int64(),
    "person_id": pl.Int64(),
    "month": pl.Date(),
}


def complete(rows: pl.DataFrame, people: pl.DataFrame) -> pl.DataFrame:
    """The history of everyone: the stored ``rows``, and for each person without any,
    their ``people`` row's place since ever (:data:`HISTORY_SCHEMA`, by person and day)."""
    stored = rows.select(list(HISTORY_SCHEMA)).cast(HISTORY_SCHEMA)
    since_ever = (
        people.filter(~pl.col("person_id").is_in(stored["person_id"].implode()))
        .select(
            pl.col("person_id").cast(pl.Int64),
            pl.lit(SINCE_EVER).alias("effective_from"),
            pl.col("manager_id").cast(pl.Int64),
            pl.col("level").cast(pl.String),
            pl.col("status").cast(pl.String),
        )
    )
    return pl.concat([stored, since_ever]).sort("person_id", "effective_from")


def month_end(month: dt.date) -> dt.date:
    """The last day of ``month`` (any day of it)."""
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return following - dt.timedelta(days=1)


def rows_on(history: pl.DataFrame, day: dt.date) -> pl.DataFrame:
    """Each person's row in force on ``day`` (people not yet in the tree left out)."""
    return (
        history.filter(pl.col("effective_from") <= day)
        .sort("person_id", "effective_from")
        .group_by("person_id", maintain_order=True)
        .last()
    )


def edges_on(history: pl.DataFrame, day: dt.date) -> dict[int, int | None]:
    """``person_id -> manager_id`` as the tree stood on ``day``."""
    return dict(rows_on(history, day).select("person_id", "manager_id").iter_rows())


def changed_between(history: pl.DataFrame, first: dt.date, last: dt.date) -> bool:
    """Did anyone's row change after ``first`` and on or before ``last``?"""
    return bool(history.filter(pl.col("effective_from").is_between(first, last, "right")).height)


def same_tree_as_today(history: pl.DataFrame, months: Sequence[dt.date], today: dt.date) -> bool:
    """Do ``months`` all roll up by today's tree (no change between their ends and today)?

    The usual case, and the fast path: today's closure serves every month.
    """
    if not months:
        return True
    ends = [month_end(m) for m in months]
    return not changed_between(history, min(min(ends), today), max(max(ends), today))


def tree_versions(
    history: pl.DataFrame, months: Sequence[dt.date]
) -> list[tuple[list[dt.date], dict[int, int | None]]]:
    """``months`` grouped by the tree they roll up by (their last day's), oldest first.

    Months with no change between their ends share one tree: a year without
    org changes is one tree, not twelve.
    """
    groups: list[tuple[list[dt.date], dict[int, int | None]]] = []
    previous_end: dt.date | None = None
    for month in sorted(set(months)):
        end = month_end(month)
        if groups and previous_end is not None and not changed_between(history, previous_end, end):
            groups[-1][0].append(month)
        else:
            groups.append(([month], edges_on(history, end)))
        previous_end = end
    return groups


def closure_by_month(
    history: pl.DataFrame, months: Sequence[dt.date], within: frozenset[int] | None
) -> pl.DataFrame:
    """``ancestor_id, person_id, month``: each month's ancestor closure (its last day's tree).

    ``within``: only these people count, as ancestors and as members (a
    viewer's scope; ``None``: everyone), as :func:`command_center.org.tree.closure` does.
    """
    parts = []
    for group, edges in tree_versions(history, months):
        people = pl.DataFrame(
            {"person_id": list(edges), "manager_id": list(edges.values())},
            schema={"person_id": pl.Int64(), "manager_id": pl.Int64()},
        )
        if within is not None:
            people = people.filter(pl.col("person_id").is_in(sorted(within)))
        pairs = closure(people)
        month_frame = pl.DataFrame({"month": group}, schema={"month": pl.Date()})
        parts.append(pairs.join(month_frame, how="cross"))
    if not parts:
        return pl.DataFrame(schema=CLOSURE_SCHEMA)
    return pl.concat(parts).select(list(CLOSURE_SCHEMA))


def subtree_over(history: pl.DataFrame, root: int, days: Iterable[dt.date]) -> frozenset[int]:
    """Everyone in ``root``'s subtree on any of ``days`` (a leader's scope for a period)."""
    seen: set[int] = set()
    for day in days:
        seen |= subtree(root, children_map(edges_on(history, day).items()))
    return frozenset(seen)
