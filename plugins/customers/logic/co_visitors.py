"""Co-visitors (陪访): who may go along on a person's follow-up or visit (pure rules)."""

from __future__ import annotations

from collections.abc import Mapping

from command_center.org.tree import children_map, subtree


def colleagues(
    edges: Mapping[int, int | None],
    active: set[int] | frozenset[int],
    person_id: int,
    leads: bool = False,
) -> frozenset[int]:
    """``person_id``'s colleagues: their leaders up the tree, their direct leader's team,
    and, for a leader, their own subtree; active people only, never ``person_id``."""
    children = children_map(edges.items())
    chain: list[int] = []
    node = edges.get(person_id)
    while node is not None and node not in chain and node != person_id:
        chain.append(node)
        node = edges.get(node)
    people = set(chain)
    if chain:
        people |= subtree(chain[0], children)
    if leads:
        people |= subtree(person_id, children)
    return frozenset((people & set(active)) - {person_id})
