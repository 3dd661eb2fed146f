"""Stages, legal moves and contract states: pure rules, no I/O.

A refusal is a translation key plus parameters (the actions raise it as a
:class:`~plugins.pipeline.errors.PipelineError`; pages translate it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import polars as pl

CONTRACT_STATUSES: tuple[str, ...] = (
    "draft",
    "in_review",
    "approved",
    "rejected",
    "signed",
    "cancelled",
)
PENDING = frozenset({"in_review", "approved"})
# action -> (statuses it may start from, status after; None = unchanged)
CONTRACT_RULES: dict[str, tuple[frozenset[str], str | None]] = {
    "edit": (frozenset({"draft", "rejected"}), None),
    "submit": (frozenset({"draft", "rejected"}), "in_review"),
    "approve": (frozenset({"in_review"}), "approved"),
    "reject": (frozenset({"in_review"}), "rejected"),
    "withdraw": (frozenset({"in_review", "approved"}), "draft"),
    "sign": (frozenset({"approved"}), "signed"),
    "cancel": (frozenset({"draft", "in_review", "approved", "rejected"}), "cancelled"),
    "reopen": (frozenset({"cancelled"}), "draft"),
}


@dataclass(frozen=True)
class Refusal:
    """Why a move is illegal: a translation key and its parameters."""

    key: str
    params: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class StageModel:
    """The configured stages: open ones in order, the won and the lost stage, and the
    win-probability estimator (``stage``: each stage's probability; see
    :mod:`plugins.pipeline.logic.stage_models`)."""

    open: tuple[str, ...]
    won: str
    lost: str
    probabilities: Mapping[str, float]
    contract_stage: str | None = None
    estimator: str = "stage"

    @property
    def stages(self) -> tuple[str, ...]:
        return (*self.open, self.won, self.lost)

    @property
    def order(self) -> dict[str, int]:
        """Funnel position: open stages 0..n-1, won n (lost has none)."""
        out = {stage: i for i, stage in enumerate(self.open)}
        out[self.won] = len(self.open)
        return out

    def is_open(self, stage: str) -> bool:
        return stage in self.open

    def probability(self, stage: str) -> float:
        return float(self.probabilities.get(stage, 0.0))

    def using(self, estimator: str) -> StageModel:
        """The same stages with another win-probability estimator."""
        return replace(self, estimator=estimator)


def check_move(
    model: StageModel,
    current: str,
    target: str,
    *,
    lost_reason: str | None = None,
    lost_reasons: Sequence[str] = (),
    contract_status: str | None = None,
) -> Refusal | None:
    """``None`` when an opportunity may move from ``current`` to ``target``."""
    if target not in model.stages:
        return Refusal("pipeline.error.unknown_stage", {"stage": target})
    if current == target:
        return Refusal("pipeline.error.same_stage")
    if current == model.won:
        return Refusal("pipeline.error.won_is_final")
    if target == model.won:
        return Refusal("pipeline.error.won_by_signing")
    if target == model.lost:
        if not lost_reason:
            return Refusal("pipeline.error.lost_reason_required")
        if lost_reason not in lost_reasons:
            return Refusal("pipeline.error.unknown_lost_reason", {"reason": lost_reason})
        return None
    if target == model.contract_stage and contract_status not in PENDING:
        return Refusal("pipeline.error.review_needs_contract")
    if contract_status in PENDING and target != model.contract_stage:
        return Refusal("pipeline.error.contract_pending")
    return None


def check_contract(action: str, status: str) -> Refusal | None:
    """``None`` when ``action`` may be done on a contract in ``status``."""
    if action not in CONTRACT_RULES:
        raise ValueError(f"unknown contract action {action!r}")
    if status == "signed":
        return Refusal("pipeline.error.contract_signed")
    allowed, _ = CONTRACT_RULES[action]
    if status in allowed:
        return None
    if action == "sign":
        return Refusal("pipeline.error.sign_needs_approval", {"status": status})
    if action in ("approve", "reject"):
        return Refusal("pipeline.error.not_in_review", {"status": status})
    return Refusal("pipeline.error.contract_action", {"action": action, "status": status})


def contract_after(action: str, status: str) -> str:
    """The status a contract has after a legal ``action``."""
    _, after = CONTRACT_RULES[action]
    return status if after is None else after


# -- frames ---------------------------------------------------------------------
def with_probability(
    opps: pl.DataFrame, model: StageModel, today: dt.date | None = None
) -> pl.DataFrame:
    """``probability`` by the model's estimator (built-in: the stage's, 0 for unknown
    stages) and ``weighted`` = amount x probability; ``today`` defaults to the clock's."""
    from plugins.pipeline.logic.clock import now
    from plugins.pipeline.logic.stage_models import with_estimate

    estimated = with_estimate(opps, model, today or now().date())
    return estimated.with_columns((pl.col("amount") * pl.col("probability")).alias("weighted"))


def with_stalled(
    opps: pl.DataFrame, model: StageModel, now: dt.datetime, stalled_days: int
) -> pl.DataFrame:
    """``days_in_stage`` (whole days since the last stage change) and ``stalled``.

    Stalled: an open opportunity whose stage has not changed for
    ``stalled_days`` days or more.
    """
    days = ((pl.lit(now) - pl.col("stage_since")).dt.total_seconds() // 86_400).cast(pl.Int64)
    return opps.with_columns(days.alias("days_in_stage")).with_columns(
        (pl.col("stage").is_in(list(model.open)) & (pl.col("days_in_stage") >= stalled_days)).alias(
            "stalled"
        )
    )


def with_line_totals(lines: pl.DataFrame) -> pl.DataFrame:
    """Contract lines with ``line_total`` = quantity x unit price, less the line's
    discount (``discount_pct``, when the frame has it), in cents as signing books it."""
    from plugins.pipeline.logic.quotes import line_amounts

    discount = "discount_pct" if "discount_pct" in lines.columns else None
    return lines.with_columns(line_amounts(lines, discount_pct=discount))


def with_contract_totals(contracts: pl.DataFrame, lines: pl.DataFrame) -> pl.DataFrame:
    """``contracts`` with ``total``: the sum of their lines' ``line_total`` (null: no lines)."""
    totals = lines.group_by("contract_id").agg(pl.col("line_total").sum().alias("total"))
    return contracts.join(totals, on="contract_id", how="left")
