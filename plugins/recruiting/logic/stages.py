"""The candidate's stage machine as pure functions: what moves are allowed, and why not.

Every refusal is a :class:`~plugins.recruiting.errors.RecruitingError` whose ``key``
names a message ``recruiting.error.<key>``; the actions raise it and pages show it
translated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from command_center.i18n import t
from plugins.recruiting.errors import RecruitingError
from plugins.recruiting.logic.vocabulary import (
    INTERVIEW_ROUND,
    STAGES,
    TERMINAL,
    stage_index,
)


@dataclass(frozen=True)
class CardFacts:
    """What a move needs to know of one scorecard."""

    passed: bool
    culture_fit: int
    overridden: bool = False


@dataclass(frozen=True)
class Gates:
    """What the database says about a candidate when a move is asked for."""

    cards: dict[int, Sequence[CardFacts]] = field(default_factory=dict)
    background_passed: bool | None = None


def culture_fit_failed(card: CardFacts, pass_score: int) -> bool:
    """A culture-fit score below the pass score is a fail (until a manager overrides it)."""
    return card.culture_fit < pass_score


def next_stage(current: str) -> str | None:
    """The stage after ``current`` on the ladder, or ``None`` at the end or after an exit."""
    if current in TERMINAL:
        return None
    return STAGES[stage_index(current) + 1]


def check_move(
    current: str, target: str, reason: str, gates: Gates, culture_fit_pass: int
) -> list[str]:
    """Refuse an illegal move; return the stages it skips (a reason is then required).

    Moving on from an interview round needs that round's scorecards, all
    passed, with no culture-fit fail left standing; moving on from the
    background check needs a passed check. "hired" is reached only by the
    hire action, after an accepted offer.
    """
    if current in TERMINAL:
        raise RecruitingError("candidate_closed", stage=t(f"recruiting.stage.{current}"))
    if target not in STAGES:
        raise RecruitingError("unknown_stage", stage=target)
    if target == "hired":
        raise RecruitingError("hire_needs_offer")
    if stage_index(target) <= stage_index(current):
        raise RecruitingError("not_forward")
    skipped = list(STAGES[stage_index(current) + 1 : stage_index(target)])
    if skipped and not reason.strip():
        names = ", ".join(t(f"recruiting.stage.{s}") for s in skipped)
        raise RecruitingError("skip_needs_reason", stages=names)
    if current in INTERVIEW_ROUND:
        check_round(
            INTERVIEW_ROUND[current],
            gates.cards.get(INTERVIEW_ROUND[current], ()),
            culture_fit_pass,
        )
    if current == "background_check":
        if gates.background_passed is None:
            raise RecruitingError("no_background_check")
        if not gates.background_passed:
            raise RecruitingError("background_failed")
    return skipped


def check_round(round_no: int, cards: Sequence[CardFacts], culture_fit_pass: int) -> None:
    """A round is passed when it has scorecards, all pass, and no culture-fit fail stands."""
    if not cards:
        raise RecruitingError("no_scorecard", round=round_no)
    if not all(card.passed for card in cards):
        raise RecruitingError("scorecard_failed", round=round_no)
    if any(culture_fit_failed(c, culture_fit_pass) and not c.overridden for c in cards):
        raise RecruitingError("culture_fit_blocks", round=round_no)


def check_exit(current: str) -> None:
    """Rejecting or withdrawing is possible from any open stage."""
    if current in TERMINAL:
        raise RecruitingError("candidate_closed", stage=t(f"recruiting.stage.{current}"))


def check_reason(reason: str, allowed: Sequence[str]) -> None:
    if reason not in allowed:
        raise RecruitingError("unknown_reason", reason=reason)
