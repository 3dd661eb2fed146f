"""The recruiting demo: deterministic, covering every stage, and consistent with the
rules the app enforces (histories, gates, hires in the org tree, graded exams)."""

from __future__ import annotations

import datetime as dt
import random

import polars as pl
from sqlalchemy import select

from command_center.db import frames
from command_center.db.engine import read_session
from command_center.demo import generate
from command_center.metrics import MetricRegistry
from command_center.org.scope import OPERATOR
from command_center.periods import Period
from command_center.types import DemoContext
from plugins.recruiting import queries
from plugins.recruiting.demo import simulate_pipeline
from plugins.recruiting.demo.training import training
from plugins.recruiting.logic.exams import grade
from plugins.recruiting.logic.vocabulary import ALL_STAGES, INTERVIEW_ROUND, STAGES
from plugins.recruiting.models import ExamAnswer
from tests.conftest import AS_OF, SEED
from tests.fixtures_recruiting import recruiting_host


def context(seed: int = SEED) -> DemoContext:
    data = generate("small", seed, AS_OF)
    return DemoContext(
        engine=None,  # type: ignore[arg-type]  # the simulation reads nothing
        scale="small",
        seed=seed,
        as_of=AS_OF,
        rng=random.Random(f"{seed}:recruiting"),
        months=data.months,
        people=data.people,
        customers=data.customers,
    )


def test_demo_is_deterministic() -> None:
    first, second = simulate_pipeline(context(), 81), simulate_pipeline(context(), 81)
    assert first.candidates == second.candidates and first.hires == second.hires
    assert [p.events for p in first.paths] == [p.events for p in second.paths]
    people = context().people
    one = training(context(), people, first.hires)
    two = training(context(), people, second.hires)
    assert one.attempts == two.attempts and one.attendance == two.attendance
    other = simulate_pipeline(context(SEED + 1), 81)
    assert other.candidates != first.candidates


def test_demo_covers_every_stage_and_region(rdemo) -> None:
    e = rdemo.engine
    cands = queries.candidates(e, OPERATOR)
    assert 200 <= cands.height <= 800  # a few hundred at the small scale
    assert set(cands["stage"].unique().to_list()) == set(ALL_STAGES)
    people = frames.all_people(e)
    regions = set(people.filter(pl.col("level") == "manager")["region"].to_list())
    assert regions <= set(queries.openings(e, OPERATOR)["region"].to_list())
    cards = queries.scorecards(e, OPERATOR)
    assert set(cards["round"].unique().to_list()) == {1, 2, 3}
    assert cards["override_by"].drop_nulls().len() >= 1  # some culture-fit fails overridden
    offers = queries.offers(e, OPERATOR)
    assert {"accepted", "declined"} <= set(offers["status"].to_list())
    assert not queries.attempts(e, OPERATOR).is_empty()
    assert not queries.certificates(e, OPERATOR).is_empty()


def test_demo_follows_the_rules(rdemo) -> None:
    e = rdemo.engine
    cands = queries.candidates(e, OPERATOR)
    events = queries.events(e, OPERATOR).sort("candidate_id", "moved_on", "event_id")
    first = events.group_by("candidate_id").agg(
        pl.col("to_stage").first(), pl.col("to_stage").last().alias("last")
    )
    assert set(first["to_stage"].to_list()) == {"applied"}
    joined = cands.join(first, on="candidate_id")
    assert (joined["stage"] == joined["last"]).all()
    # a new candidate never applied to a closed opening
    assert cands.filter(pl.col("closed_on") <= pl.col("applied_on")).is_empty()
    # a stage is skipped only with a reason
    skips = events.filter(pl.col("skipped") != "")
    assert not skips.is_empty() and (skips["reason"] != "").all()
    # leaving an interview round: all its cards passed, culture fit >= 3 or overridden
    cards = queries.scorecards(e, OPERATOR)
    left = events.filter(
        pl.col("from_stage").is_in(list(INTERVIEW_ROUND)) & pl.col("to_stage").is_in(list(STAGES))
    )
    for cid, stage in left.select("candidate_id", "from_stage").iter_rows():
        mine = cards.filter(
            (pl.col("candidate_id") == cid) & (pl.col("round") == INTERVIEW_ROUND[stage])
        )
        assert mine.height >= 1 and mine["passed"].all()
        assert ((mine["culture_fit"] >= 3) | mine["override_by"].is_not_null()).all()
    # hires are people under the hiring manager, with one bootcamp enrolment and a mentor
    hired = cands.filter(pl.col("stage") == "hired")
    people = frames.all_people(e)
    check = hired.join(people, on="person_id", suffix="_p")
    assert check.height == hired.height
    assert (check["manager_id"] == check["hiring_manager_id"]).all()
    assert (check["level_p"] == check["level"]).all()
    camps = queries.programs(e).filter(pl.col("kind") == "bootcamp")["program_id"].implode()
    enrolled = queries.enrolments(e, OPERATOR).filter(pl.col("program_id").is_in(camps))
    assert sorted(enrolled["person_id"].to_list()) == sorted(hired["person_id"].to_list())
    mentors = queries.mentors(e, OPERATOR)
    assert set(hired["person_id"].to_list()) <= set(mentors["mentee_id"].to_list())


def test_demo_exam_scores_are_what_the_grader_gives(rdemo) -> None:
    e = rdemo.engine
    attempts = queries.attempts(e, OPERATOR).head(40)
    exams = queries.exams(e)
    with read_session(e) as s:
        for attempt_id, exam_id, score, passed in attempts.select(
            "attempt_id", "exam_id", "score", "passed"
        ).iter_rows():
            rows = s.execute(
                select(ExamAnswer.question_id, ExamAnswer.chosen).where(
                    ExamAnswer.attempt_id == attempt_id
                )
            ).all()
            exam = exams.filter(pl.col("exam_id") == exam_id).row(0, named=True)
            bank = queries.question_bank(e, exam["course_id"], with_answers=True)
            paper = bank.filter(pl.col("question_id").is_in([q for q, _ in rows]))
            graded = grade(paper, {q: list(c) for q, c in rows}, exam["pass_mark"])
            assert (graded.score, graded.passed) == (round(score, 6), passed)


def test_demo_metrics_have_values(rdemo) -> None:
    registry = MetricRegistry(recruiting_host())
    year = Period(dt.date(2025, 11, 1), dt.date(2026, 10, 1), "month")
    for key in ("hires", "time_to_hire", "training_hours", "exam_avg_score", "bootcamp_completion"):
        rolled = registry.rollup(rdemo.engine, OPERATOR, key, year)
        assert not rolled.is_empty(), key
        top = rolled.filter(pl.col("node_id") == 1)["value"].item()
        assert top is not None and top > 0, key
    score = registry.rollup(rdemo.engine, OPERATOR, "exam_avg_score", year)
    assert 0 < score.filter(pl.col("node_id") == 1)["value"].item() <= 1
