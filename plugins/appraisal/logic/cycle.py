"""The cycle's state machine: one step forward, or one step back before closing.

planning -> in progress -> self review -> manager review -> calibration -> closed.
Anything else (skipping a state, moving a closed cycle) is refused with a
translation key; the data-dependent guards (every contract issued, every
manager review in) are checked by :mod:`plugins.appraisal.actions`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl

STATES: tuple[str, ...] = (
    "planning",
    "in_progress",
    "self_review",
    "manager_review",
    "calibration",
    "closed",
)
KINDS: tuple[str, ...] = ("monthly", "annual")
# How far the people of a cycle are: contract issued, acknowledged, self review, reviewed, rated.
STAGES: tuple[str, ...] = ("contract", "acknowledged", "self_done", "reviewed", "rated")


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


def stage_counts(cycles: pl.DataFrame, records: pl.DataFrame) -> pl.DataFrame:
    """``cycles`` with ``people`` and, per stage of :data:`STAGES`, how many are past it."""
    counts = records.group_by("cycle_id").agg(
        pl.len().alias("people"),
        (pl.col("contract") != "none").sum().alias("contract"),
        pl.col("acknowledged").sum(),
        pl.col("self_done").sum(),
        pl.col("reviewed").sum(),
        pl.col("rating").is_not_null().sum().alias("rated"),
    )
    return cycles.join(counts, on="cycle_id", how="left").with_columns(
        pl.col(c).fill_null(0) for c in ("people", *STAGES)
    )


def stage_share(counts: pl.DataFrame, column: str) -> float | None:
    """Share of the people in ``counts`` past stage ``column`` (``None`` with nobody)."""
    total = counts["people"].sum() if counts.height else 0
    return float(counts[column].sum()) / total if total else None


def stage_shares(row: pl.DataFrame) -> pl.DataFrame:
    """One cycle's :func:`stage_counts` row as ``stage, order, done, people, share``.

    Empty when the cycle has nobody in it.
    """
    schema = {
        "stage": pl.String,
        "order": pl.Int64,
        "done": pl.Int64,
        "people": pl.Int64,
        "share": pl.Float64,
    }
    if row.is_empty() or not row["people"][0]:
        return pl.DataFrame(schema=schema)
    return pl.DataFrame(
        {
            "stage": list(STAGES),
            "order": list(range(len(STAGES))),
            "done": [int(row[s][0]) for s in STAGES],
            "people": [int(row["people"][0])] * len(STAGES),
        }
    ).with_columns((pl.col("done") / pl.col("people")).alias("share"))
