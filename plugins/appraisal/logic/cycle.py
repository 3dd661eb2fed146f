"""The cycle's state machine: one step forward, or one step back before closing.

planning -> in progress -> self review -> manager review -> calibration -> closed.
Anything else (skipping a state, moving a closed cycle) is refused with a
translation key; the data-dependent guards (every contract issued, every
manager review in) are checked by :mod:`plugins.appraisal.actions`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

STATES: tuple[str, ...] = (
    "planning",
    "in_progress",
    "self_review",
    "manager_review",
    "calibration",
    "closed",
)
KINDS: tuple[str, ...] = ("monthly", "annual")


@dataclass(frozen=True)
class Refusal:
    """Why something is refused: a translation key and its parameters."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)


def next_state(state: str) -> str | None:
    """The state after ``state`` (``None`` after closed)."""
    index = STATES.index(state)
    return STATES[index + 1] if index + 1 < len(STATES) else None


def previous_state(state: str) -> str | None:
    """The state a cycle may be sent back to (``None`` from planning and from closed)."""
    index = STATES.index(state)
    if state == "closed" or index == 0:
        return None
    return STATES[index - 1]


def check_move(current: str, target: str) -> Refusal | None:
    """``None`` when ``current -> target`` is a legal move, else why not."""
    if target not in STATES:
        return Refusal("appraisal.error.unknown_state", {"state": target})
    if current == "closed":
        return Refusal("appraisal.error.closed")
    if target == current:
        return Refusal("appraisal.error.same_state", {"state": current})
    if target in (next_state(current), previous_state(current)):
        return None
    return Refusal(
        "appraisal.error.out_of_order",
        {"current": current, "target": target, "next": next_state(current) or ""},
    )


def editable_contracts(state: str) -> bool:
    """Contracts change only while planning."""
    return state == "planning"
