"""Team selling: who may be credited with a share of a deal or contract, and whether a
split holds (pure rules; the actions read the org and write).

A split is ``((person_id, percent), ...)`` in order: the percentages are each above 0
and at most 100, name each person once, and sum to 100 (to the hundredth of a
percent). No split (no rows) is the owner's 100 %.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from command_center.org.tree import children_map, subtree
from plugins.pipeline.logic.stages import Refusal

Split = tuple[tuple[int, float], ...]
"""``(person_id, percent)`` pairs, in the order their ledger rows are booked."""

SUM_TOLERANCE = 1e-6  # percent: the shares sum to 100 exactly, up to float noise


def whole(owner_id: int) -> Split:
    """The default split: the owner's 100 %."""
    return ((owner_id, 100.0),)


def leaders_of(person_id: int, edges: Mapping[int, int | None]) -> list[int]:
    """``person_id``'s managers, nearest first (cycle-safe)."""
    chain: list[int] = []
    node = edges.get(person_id)
    while node is not None and node not in chain and node != person_id:
        chain.append(node)
        node = edges.get(node)
    return chain


def creditable(
    edges: Mapping[int, int | None],
    active: set[int] | frozenset[int],
    owner_id: int,
    editor_id: int | None = None,
    editor_leads: bool = False,
) -> frozenset[int]:
    """Who may be credited on a deal owned by ``owner_id``: the owner, the owner's
    leaders (a supervisor who joined the negotiation), the owner's colleagues (their
    direct leader's team), and, when a leader edits, anyone in that leader's subtree.
    Only active people."""
    children = children_map(edges.items())
    leaders = leaders_of(owner_id, edges)
    people = {owner_id, *leaders}
    people |= subtree(leaders[0], children) if leaders else {owner_id}
    if editor_leads and editor_id is not None:
        people |= subtree(editor_id, children)
    return frozenset(people & set(active))


def check_split(
    split: Sequence[tuple[int, float]],
    allowed: frozenset[int],
    names: Mapping[int, str],
) -> Refusal | None:
    """Why ``split`` cannot be stored, or ``None`` (``names`` name people in messages)."""
    if not split:
        return Refusal("pipeline.error.credits_empty")
    seen: set[int] = set()
    for person_id, pct in split:
        name = names.get(person_id, str(person_id))
        if person_id in seen:
            return Refusal("pipeline.error.credits_duplicate", {"person": name})
        seen.add(person_id)
        if pct is None or pct != pct or not 0 < pct <= 100:
            return Refusal("pipeline.error.credits_share", {"person": name})
        if person_id not in allowed:
            return Refusal("pipeline.error.credits_stranger", {"person": name})
    total = sum(pct for _, pct in split)
    if abs(total - 100.0) > SUM_TOLERANCE:
        return Refusal("pipeline.error.credits_sum", {"total": f"{total:g}"})
    return None


def normalised(split: Sequence[tuple[int, float]]) -> Split:
    """Each percentage to the hundredth, people as ints."""
    return tuple((int(person_id), round(float(pct), 2)) for person_id, pct in split)


def ledger_credits(split: Split) -> tuple[tuple[int, float], ...]:
    """The split as the ledger takes it: shares of 1 (one person: their whole line)."""
    if len(split) == 1:
        return ((split[0][0], 1.0),)
    return tuple((person_id, pct / 100.0) for person_id, pct in split)


def editor_rows(
    people: Sequence[int | None], shares: Sequence[float | None]
) -> tuple[list[tuple[int, float]], bool]:
    """The rows of the split editor as a split, and whether a row lacks its person
    (rows with neither a person nor a share are left out; a missing share is 0)."""
    split: list[tuple[int, float]] = []
    missing = False
    for person_id, pct in zip(people, shares, strict=True):
        if person_id is None and (pct is None or pct != pct):
            continue
        if person_id is None:
            missing = True
            continue
        split.append((int(person_id), 0.0 if pct is None or pct != pct else float(pct)))
    return split, missing


def total_pct(split: Sequence[tuple[int, float]]) -> float:
    """The split's sum, to the hundredth."""
    return round(sum(pct for _, pct in split), 2)
