"""The org tree as Polars frames: subtrees and the ancestor closure."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import polars as pl


def children_map(edges: Iterable[tuple[int, int | None]]) -> dict[int, list[int]]:
    """``manager_id -> [person_id, ...]`` from ``(person_id, manager_id)`` pairs."""
    children: dict[int, list[int]] = defaultdict(list)
    for person_id, manager_id in edges:
        if manager_id is not None:
            children[manager_id].append(person_id)
    return children


def subtree(root: int, children: dict[int, list[int]]) -> set[int]:
    """``root`` and everyone below it (cycle-safe)."""
    seen = {root}
    stack = [root]
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return seen


def find_cycles(edges: dict[int, int | None]) -> list[list[int]]:
    """Every loop in ``person_id -> manager_id``, in one linear pass (no cap).

    Each person has one manager, so each walk ends in at most one loop; people
    already walked are never walked again.
    """
    state: dict[int, int] = {}  # 1 = on the current walk, 2 = done
    cycles: list[list[int]] = []
    for start in edges:
        path: list[int] = []
        node: int | None = start
        while node is not None and node in edges and state.get(node) != 2:
            if state.get(node) == 1:
                cycles.append(path[path.index(node) :])
                break
            state[node] = 1
            path.append(node)
            node = edges[node]
        for visited in path:
            state[visited] = 2
    return cycles


MAX_DEPTH = 12
"""The most levels an org may have, top included (imports refuse deeper chains)."""


def levels(edges: dict[int, int | None]) -> dict[int, int]:
    """Each person's level in ``person_id -> manager_id``: 1 at the top, in one linear pass.

    A manager outside ``edges`` counts as no manager. People on a loop, or
    below one, have no level (find them with :func:`find_cycles`).
    """
    level: dict[int, int] = {}
    looped: set[int] = set()
    for start in edges:
        path: list[int] = []
        on_path: set[int] = set()
        node: int | None = start
        base = 0
        while node is not None and node in edges:
            if node in level:
                base = level[node]
                break
            if node in looped or node in on_path:
                looped.update(path)
                path = []
                break
            path.append(node)
            on_path.add(node)
            node = edges[node]
        for person_id in reversed(path):
            base += 1
            level[person_id] = base
    return level


def deepest_below(edges: dict[int, int | None], level: dict[int, int]) -> dict[int, int]:
    """The deepest level in each person's subtree (themselves included), from :func:`levels`."""
    deepest = dict(level)
    for person_id in sorted(level, key=level.__getitem__, reverse=True):
        manager_id = edges.get(person_id)
        if manager_id is not None and manager_id in deepest:
            deepest[manager_id] = max(deepest[manager_id], deepest[person_id])
    return deepest


def closure(people: pl.DataFrame) -> pl.DataFrame:
    """Every (ancestor_id, person_id) pair, a person being their own ancestor.

    ``people`` needs ``person_id`` and ``manager_id``. Only ancestors inside
    ``people`` count, so a scoped frame never rolls up into hidden managers.
    Rolling a fact up the tree is then one join on ``person_id`` and a
    group-by on ``ancestor_id``.
    """
    ids = people["person_id"].cast(pl.Int64).implode()
    links = people.select(
        pl.col("person_id").cast(pl.Int64),
        pl.when(pl.col("manager_id").cast(pl.Int64).is_in(ids))
        .then(pl.col("manager_id").cast(pl.Int64))
        .alias("manager_id"),
    )
    level = links.select(pl.col("person_id"), pl.col("person_id").alias("ancestor_id"))
    parts = [level]
    for _ in range(64):  # deeper than any real sales force
        level = (
            level.join(links, left_on="ancestor_id", right_on="person_id", how="inner")
            .select(pl.col("person_id"), pl.col("manager_id").alias("ancestor_id"))
            .drop_nulls()
        )
        if level.is_empty():
            break
        parts.append(level)
    return pl.concat(parts).unique().select("ancestor_id", "person_id")
