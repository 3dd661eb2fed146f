"""Demo candidates: one simulated path per application, from applied to an exit or a hire.

Each candidate has their own ``random.Random`` (seeded from the demo seed and
their id), so the same path can be replayed with an earlier end date: that
is how an opening that fills up (or closes unfilled) cuts the paths of the
candidates still in process, who are then rejected on the closing day.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field
from typing import Any

from plugins.recruiting.demo import text as txt
from plugins.recruiting.logic.vocabulary import SCORES, STAGES

# Chance of passing each stage for an average candidate, and days the step takes.
PASS_BASE: dict[str, float] = {
    "applied": 0.55,
    "screened": 0.62,
    "interview_1": 0.62,
    "interview_2": 0.68,
    "interview_3": 0.72,
    "background_check": 0.95,
    "offer": 0.80,
}
STEP_DAYS: dict[str, tuple[int, int]] = {
    "applied": (1, 6),
    "screened": (2, 8),
    "interview_1": (3, 9),
    "interview_2": (3, 10),
    "interview_3": (3, 10),
    "background_check": (4, 10),
    "offer": (2, 7),
}
SOURCE_BONUS: dict[str, float] = {
    "company_site": 0.0,
    "job_board": -0.15,
    "social_media": -0.1,
    "referral": 0.45,
    "campus": -0.05,
    "agency": 0.15,
}
EXIT_REASONS: dict[str, tuple[str, ...]] = {
    "applied": ("experience", "salary"),
    "screened": ("no_show", "experience"),
    "interview_1": ("selling_skill", "communication", "experience"),
    "interview_2": ("selling_skill", "communication"),
    "interview_3": ("selling_skill", "salary"),
    "background_check": ("background",),
}


@dataclass
class Opening:
    opening_id: int
    level: str
    opened_on: dt.date
    headcount: int
    interviewers: tuple[int, int, int]  # round 1, 2, 3
    overrider: str  # who overrides a culture-fit fail (the hiring manager's manager)
    pay: tuple[float, float]


@dataclass
class Path:
    """What happened to one candidate up to ``end``."""

    candidate_id: int
    stage: str = "applied"
    stage_since: dt.date = dt.date.min
    exit_reason: str = ""
    events: list[dict[str, Any]] = field(default_factory=list)
    cards: list[dict[str, Any]] = field(default_factory=list)
    check: dict[str, Any] | None = None
    offer: dict[str, Any] | None = None
    hired_on: dt.date | None = None
    reached_end: bool = False  # the path was cut by ``end`` while still open

    def move(self, to: str, on: dt.date, actor: str, reason: str = "", skipped: str = "") -> None:
        self.events.append(
            {
                "candidate_id": self.candidate_id,
                "from_stage": self.stage if self.events else None,
                "to_stage": to,
                "moved_on": on,
                "actor": actor,
                "reason": reason,
                "skipped": skipped,
                "created_at": dt.datetime.combine(on, dt.time(9, 0)),
            }
        )
        self.stage, self.stage_since = to, on


def _chance(base: float, quality: float) -> float:
    logit = math.log(base / (1 - base)) + 1.1 * quality
    return 1 / (1 + math.exp(-logit))


def _scores(r: random.Random, good: bool, culture: int | None = None) -> dict[str, int]:
    low, high = (3, 5) if good else (1, 3)
    scores = dict(zip(SCORES, r.choices(range(low, high + 1), k=len(SCORES)), strict=True))
    if culture is not None:
        scores["culture_fit"] = culture
    return scores


def simulate(
    seed: int,
    candidate_id: int,
    source: str,
    applied_on: dt.date,
    opening: Opening,
    end: dt.date,
    actor: str,
) -> Path:
    """The candidate's path until ``end`` (inclusive), replayable for any ``end``."""
    r = random.Random(f"{seed}:recruiting:{candidate_id}")
    quality = r.gauss(0.0, 1.0) + SOURCE_BONUS[source]
    path = Path(candidate_id)
    path.move("applied", applied_on, actor)
    day = applied_on
    while path.stage not in ("hired", "rejected", "withdrew"):
        stage = path.stage
        low, high = STEP_DAYS[stage]
        step = day + dt.timedelta(days=r.randint(low, high))
        passed = r.random() < _chance(PASS_BASE[stage], quality)
        if step > end:
            path.reached_end = True
            _in_progress(r, path, opening, stage, day, end, passed)
            return path
        day = step
        if stage == "offer":
            _answer(r, path, day, passed, actor)
            if passed:
                hire_on = day + dt.timedelta(days=r.randint(0, 3))
                if hire_on > end:
                    path.reached_end = True
                    return path
                path.hired_on = hire_on
                path.move("hired", hire_on, actor)
            continue
        if not _leave(r, path, opening, stage, day, passed, quality, actor):
            continue
        target = STAGES[STAGES.index(stage) + 1]
        if stage == "applied" and source in ("referral", "campus") and r.random() < 0.3:
            path.move("interview_1", day, actor, r.choice(txt.SKIP_REASONS), "screened")
        else:
            path.move(target, day, actor)
        if target == "offer":
            _offer(r, path, opening, day)
    return path


def _leave(
    r: random.Random,
    path: Path,
    opening: Opening,
    stage: str,
    day: dt.date,
    passed: bool,
    quality: float,
    actor: str,
) -> bool:
    """Scorecards, checks and exits on leaving ``stage``; True when the candidate moves on."""
    if stage.startswith("interview_"):
        round_no = int(stage[-1])
        culture_fail = passed and r.random() < 0.07
        if culture_fail:
            overridden = r.random() < 0.4
            _card(
                r, path, opening, round_no, day, True, culture=r.randint(1, 2), override=overridden
            )
            if not overridden:
                _exit(r, path, day, "rejected", "culture_fit", actor)
                return False
            return True
        _card(r, path, opening, round_no, day, passed)
        if round_no >= 2 and passed:
            _card(r, path, opening, round_no, day, True, second=True)
    if stage == "background_check":
        path.check = {
            "candidate_id": path.candidate_id,
            "work_history": r.choice(txt.WORK_HISTORY),
            "education": r.choice(txt.EDUCATION),
            "work_ok": passed,
            "education_ok": passed or r.random() < 0.5,
            "passed": passed,
            "checked_on": day,
            "checked_by": actor,
        }
    if passed:
        return True
    withdrew = r.random() < (0.3 if quality > 0 else 0.15)
    if withdrew:
        _exit(r, path, day, "withdrew", r.choice(txt.WITHDRAW_NOTES), actor)
    else:
        _exit(r, path, day, "rejected", r.choice(EXIT_REASONS[stage]), actor)
    return False


def _in_progress(
    r: random.Random,
    path: Path,
    opening: Opening,
    stage: str,
    day: dt.date,
    end: dt.date,
    passed: bool,
) -> None:
    """A candidate still in a stage at ``end``: the interview may have happened already."""
    if stage.startswith("interview_") and (end - day).days >= 2 and r.random() < 0.6:
        _card(r, path, opening, int(stage[-1]), min(end, day + dt.timedelta(days=2)), passed)


def _card(
    r: random.Random,
    path: Path,
    opening: Opening,
    round_no: int,
    day: dt.date,
    passed: bool,
    culture: int | None = None,
    override: bool = False,
    second: bool = False,
) -> None:
    interviewer = opening.interviewers[round_no - 1]
    if second:
        interviewer = opening.interviewers[min(round_no, 2)]
        if interviewer == opening.interviewers[round_no - 1]:
            return
    if any(c["round"] == round_no and c["interviewer_id"] == interviewer for c in path.cards):
        return
    if culture is not None:
        comment = r.choice(txt.CULTURE_COMMENTS)
    else:
        comment = r.choice(txt.PASS_COMMENTS if passed else txt.FAIL_COMMENTS)
    path.cards.append(
        {
            "candidate_id": path.candidate_id,
            "round": round_no,
            "interviewer_id": interviewer,
            "interviewed_on": day - dt.timedelta(days=1) if day > path.stage_since else day,
            **_scores(r, passed, culture),
            "comment": comment,
            "passed": passed,
            "override_by": opening.overrider if override else None,
            "override_reason": r.choice(txt.OVERRIDE_REASONS) if override else None,
            "override_on": day if override else None,
        }
    )


def _offer(r: random.Random, path: Path, opening: Opening, day: dt.date) -> None:
    low, high = opening.pay
    path.offer = {
        "candidate_id": path.candidate_id,
        "salary": float(round(r.uniform(low, high) / 500) * 500),
        "start_date": day + dt.timedelta(days=r.randint(14, 35)),
        "offered_on": day,
        "status": "pending",
        "responded_on": None,
        "decline_reason": "",
    }


def _answer(r: random.Random, path: Path, day: dt.date, accepted: bool, actor: str) -> None:
    assert path.offer is not None
    path.offer["status"] = "accepted" if accepted else "declined"
    path.offer["responded_on"] = day
    if not accepted:
        reason = r.choice(txt.DECLINE_REASONS)
        path.offer["decline_reason"] = reason
        _exit(r, path, day, "withdrew", f"offer_declined: {reason}", actor)


def _exit(r: random.Random, path: Path, day: dt.date, stage: str, reason: str, actor: str) -> None:
    note = txt.EXIT_NOTES.get(reason)
    text = f"{reason}: {note}" if note else reason
    path.exit_reason = text
    path.move(stage, day, actor, text)


def close_path(path: Path, day: dt.date, reason: str, actor: str) -> None:
    """The opening closed on ``day`` with this candidate still in process."""
    if path.stage in ("hired", "rejected", "withdrew"):
        return
    if path.offer is not None and path.offer["status"] == "accepted":
        return  # an accepted offer is honoured (hired later, over the headcount)
    if path.offer is not None and path.offer["status"] == "pending":
        path.offer["status"], path.offer["responded_on"] = "declined", day
        path.offer["decline_reason"] = txt.EXIT_NOTES[reason]
    path.exit_reason = f"{reason}: {txt.EXIT_NOTES[reason]}"
    path.move("rejected", day, actor, path.exit_reason)
