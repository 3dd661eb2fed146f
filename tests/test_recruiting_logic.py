"""Recruiting logic against hand-computed answers: the funnel, conversions, time to
hire and fill, offer acceptance, time in stage, sources, quality of hire, metric
facts, the stage machine and exam grading."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from plugins.recruiting.errors import RecruitingError
from plugins.recruiting.logic import analytics, onboarding
from plugins.recruiting.logic import facts as metric_facts
from plugins.recruiting.logic.exams import draw_questions, grade
from plugins.recruiting.logic.stages import CardFacts, Gates, check_move

D = dt.date

CANDIDATES = pl.DataFrame(
    {
        "candidate_id": [1, 2, 3, 4, 5],
        "opening_id": [10, 10, 10, 11, 11],
        "source": ["job_board", "job_board", "referral", "referral", "campus"],
        "applied_on": [D(2026, 2, 1)] * 5,
        "opened_on": [D(2026, 1, 15)] * 5,
        "hiring_manager_id": [3, 3, 3, 6, 6],
        "stage": ["rejected", "withdrew", "hired", "withdrew", "screened"],
    }
)
PATHS = {
    1: ["applied", "screened", "interview_1", "rejected"],
    2: ["applied", "withdrew"],
    3: [
        "applied",
        "interview_1",
        "interview_2",
        "interview_3",
        "background_check",
        "offer",
        "hired",
    ],
    4: [
        "applied",
        "screened",
        "interview_1",
        "interview_2",
        "interview_3",
        "background_check",
        "offer",
        "withdrew",
    ],
    5: ["applied", "screened"],
}


def events_of(
    paths: dict[int, list[str]], days: dict[int, list[dt.date]] | None = None
) -> pl.DataFrame:
    rows = []
    for cid, stages in paths.items():
        for i, stage in enumerate(stages):
            day = days[cid][i] if days else D(2026, 2, 1) + dt.timedelta(days=i)
            rows.append((len(rows) + 1, cid, stages[i - 1] if i else None, stage, day))
    return pl.DataFrame(
        rows,
        schema=["event_id", "candidate_id", "from_stage", "to_stage", "moved_on"],
        orient="row",
    )


def test_furthest_stage_counts_skips_as_passed() -> None:
    reached = analytics.furthest(CANDIDATES, events_of(PATHS))
    got = dict(reached.select("candidate_id", "furthest_stage").iter_rows())
    assert got == {1: "interview_1", 2: "applied", 3: "hired", 4: "offer", 5: "screened"}


def test_funnel_reached_and_conversion_by_hand() -> None:
    funnel = analytics.funnel(analytics.furthest(CANDIDATES, events_of(PATHS)))
    assert funnel["reached"].to_list() == [5, 4, 3, 2, 2, 2, 2, 1]
    conv = [None if v is None else round(v, 4) for v in funnel["conversion"].to_list()]
    assert conv == [None, 0.8, 0.75, 0.6667, 1.0, 1.0, 1.0, 0.5]
    assert funnel["of_applied"].to_list()[-1] == pytest.approx(0.2)


def test_funnel_by_source() -> None:
    funnel = analytics.funnel(analytics.furthest(CANDIDATES, events_of(PATHS)), ["source"])
    by = {
        src: rows["reached"].to_list()
        for (src,), rows in funnel.sort("stage_index").group_by("source", maintain_order=True)
    }
    assert by["job_board"] == [2, 1, 1, 0, 0, 0, 0, 0]
    assert by["referral"] == [2, 2, 2, 2, 2, 2, 2, 1]
    assert by["campus"] == [1, 1, 0, 0, 0, 0, 0, 0]


def test_funnel_referral_skip_still_reaches_screened() -> None:
    # candidate 3 skipped "screened" (with a reason): they passed it, so the funnel stays monotonic
    funnel = analytics.funnel(analytics.furthest(CANDIDATES, events_of(PATHS)), ["source"])
    referral = funnel.filter(pl.col("source") == "referral").sort("stage_index")
    assert referral["reached"].to_list() == [2, 2, 2, 2, 2, 2, 2, 1]


OFFERS = pl.DataFrame(
    {
        "candidate_id": [3, 4, 1],
        "salary": [9000.0, 8000.0, 7000.0],
        "start_date": [D(2026, 4, 1), D(2026, 4, 1), D(2026, 5, 1)],
        "offered_on": [D(2026, 3, 15), D(2026, 3, 15), D(2026, 3, 30)],
        "status": ["accepted", "declined", "pending"],
        "responded_on": [D(2026, 3, 20), D(2026, 3, 25), None],
    }
)


def test_time_to_hire_and_fill_by_hand() -> None:
    hired = analytics.hires(CANDIDATES, OFFERS)
    assert hired["candidate_id"].to_list() == [3]
    assert hired["days_to_hire"].to_list() == [47]  # 1 Feb -> 20 Mar 2026
    assert hired["days_to_fill"].to_list() == [64]  # 15 Jan -> 20 Mar 2026


def test_offer_acceptance_counts_answered_offers_only() -> None:
    assert analytics.offer_acceptance(OFFERS) == (1, 1, 0.5)
    assert analytics.offer_acceptance(OFFERS.filter(pl.col("status") == "pending")) == (0, 0, None)


def test_time_in_stage_by_hand() -> None:
    paths = {2: ["applied", "withdrew"], 5: ["applied", "screened"]}
    days = {2: [D(2026, 2, 1), D(2026, 2, 4)], 5: [D(2026, 2, 10), D(2026, 2, 12)]}
    table = analytics.time_in_stage(events_of(paths, days), D(2026, 2, 20))
    got = {
        s: (n, o, m)
        for s, n, o, m in table.select("stage", "stays", "open_now", "mean_days").iter_rows()
    }
    assert got["applied"] == (2, 0, 2.5)  # 3 days and 2 days
    assert got["screened"] == (1, 1, 8.0)  # still there: 12 -> 20 Feb
    assert got["interview_1"][0] == 0 and "hired" not in got


def test_source_effectiveness_by_hand() -> None:
    reached = analytics.furthest(CANDIDATES, events_of(PATHS))
    table = analytics.source_effectiveness(reached, analytics.hires(CANDIDATES, OFFERS), OFFERS)
    row = table.filter(pl.col("source") == "referral").row(0, named=True)
    assert (row["candidates"], row["interviewed"], row["offered"], row["hires"]) == (2, 2, 2, 1)
    assert row["hire_rate"] == 0.5 and row["offer_acceptance"] == 0.5
    assert row["mean_days_to_hire"] == 47
    job = table.filter(pl.col("source") == "job_board").row(0, named=True)
    assert (job["candidates"], job["hires"], job["hire_rate"]) == (2, 0, 0.0)
    assert job["offer_acceptance"] is None  # candidate 1's offer is still pending


def test_quality_of_hire_by_hand() -> None:
    hired = pl.DataFrame(
        {
            "candidate_id": [3, 6, 7],
            "person_id": [100, 101, 102],
            "source": ["referral", "job_board", "campus"],
            "start_date": [D(2026, 1, 15), D(2026, 3, 1), D(2026, 3, 1)],
        }
    )
    facts = pl.DataFrame(
        [
            (100, D(2025, 12, 1), 999.0, 1.0),  # before the start: ignored
            (100, D(2026, 1, 1), 50.0, 100.0),
            (100, D(2026, 2, 1), 150.0, 100.0),
            (100, D(2026, 3, 1), 500.0, 100.0),  # third month: outside a 2-month window
            (101, D(2026, 3, 1), 80.0, 100.0),
            (101, D(2026, 4, 1), 0.0, 100.0),
            (101, D(2026, 5, 1), 300.0, 100.0),
        ],
        schema=["person_id", "month", "num", "den"],
        orient="row",
    )
    per_hire, by_source = analytics.quality_of_hire(hired, facts, months=2)
    att = dict(per_hire.select("person_id", "attainment").iter_rows())
    assert att == {100: 1.0, 101: 0.4, 102: None}
    src = {
        s: (h, m, a)
        for s, h, m, a in by_source.select(
            "source", "hires", "hires_measured", "attainment"
        ).iter_rows()
    }
    assert src == {"referral": (1, 1, 1.0), "job_board": (1, 1, 0.4), "campus": (1, 0, None)}


def test_metric_facts_by_hand() -> None:
    hired = analytics.hires(CANDIDATES, OFFERS)
    assert metric_facts.hires_facts(hired).rows() == [(3, D(2026, 4, 1), 1.0, 1.0)]
    assert metric_facts.time_to_hire_facts(hired).rows() == [(3, D(2026, 3, 1), 47.0, 1.0)]
    attendance = pl.DataFrame(
        {
            "person_id": [4, 4, 4, 5],
            "present": [True, True, False, True],
            "held_on": [D(2026, 3, 2), D(2026, 3, 20), D(2026, 3, 21), D(2026, 4, 1)],
            "hours": [8.0, 3.0, 8.0, 2.5],
        }
    )
    assert metric_facts.training_hours_facts(attendance).rows() == [
        (4, D(2026, 3, 1), 11.0, 2.0),
        (5, D(2026, 4, 1), 2.5, 1.0),
    ]
    attempts = pl.DataFrame(
        {
            "person_id": [4, 4, 5],
            "score": [0.5, 0.9, 1.0],
            "taken_on": [D(2026, 3, 2), D(2026, 3, 9), D(2026, 3, 9)],
        }
    )
    rows = metric_facts.exam_score_facts(attempts).rows()
    assert rows[0][0] == 4 and rows[0][2] == pytest.approx(1.4) and rows[0][3] == 2.0
    enrolments = pl.DataFrame(
        {
            "person_id": [4, 5, 7, 2],
            "status": ["completed", "enrolled", "dropped", "enrolled"],
            "due_on": [D(2026, 3, 9), D(2026, 3, 9), D(2026, 3, 12), D(2026, 4, 30)],
        }
    )
    # as of 1 April: 4 completed, 5 overdue, 7 dropped count; 2 is not due yet
    facts = metric_facts.bootcamp_completion_facts(enrolments, D(2026, 4, 1))
    assert facts.select(pl.col("num").sum(), pl.col("den").sum()).row(0) == (1.0, 3.0)


def test_suggest_mentor_prefers_longest_serving_active_peer() -> None:
    people = pl.DataFrame(
        {
            "person_id": [4, 5, 7, 8],
            "manager_id": [3, 3, 3, 6],
            "level": ["rep"] * 4,
            "status": ["active", "active", "left", "active"],
            "hire_date": [D(2022, 1, 1), D(2020, 1, 1), D(2018, 1, 1), D(2010, 1, 1)],
        }
    )
    assert onboarding.suggest_mentor(people, 3, "rep") == 5
    assert onboarding.suggest_mentor(people, 9, "rep") == 9  # nobody: the hiring manager


# -- the stage machine --------------------------------------------------------------

PASS = 3


def refused(code: str, *args: object) -> None:
    with pytest.raises(RecruitingError) as info:
        check_move(*args)  # type: ignore[arg-type]
    assert info.value.key == code


def test_moves_forward_one_stage_without_reason() -> None:
    assert check_move("applied", "screened", "", Gates(), PASS) == []


def test_skipping_needs_a_reason_and_records_what_was_skipped() -> None:
    refused("skip_needs_reason", "applied", "interview_1", "  ", Gates(), PASS)
    assert check_move("applied", "interview_1", "内推", Gates(), PASS) == ["screened"]


def test_no_backwards_no_direct_hire_no_moves_after_an_exit() -> None:
    refused("not_forward", "interview_2", "screened", "x", Gates(), PASS)
    refused("hire_needs_offer", "offer", "hired", "x", Gates(), PASS)
    refused("candidate_closed", "rejected", "screened", "", Gates(), PASS)
    refused("unknown_stage", "applied", "lunch", "", Gates(), PASS)


def test_interview_round_gates() -> None:
    good = CardFacts(passed=True, culture_fit=4)
    refused("no_scorecard", "interview_1", "interview_2", "", Gates(), PASS)
    refused(
        "scorecard_failed",
        "interview_1",
        "interview_2",
        "",
        Gates({1: [good, CardFacts(False, 4)]}),
        PASS,
    )
    culture = CardFacts(passed=True, culture_fit=2)
    refused(
        "culture_fit_blocks", "interview_2", "interview_3", "", Gates({2: [good, culture]}), PASS
    )
    overridden = CardFacts(passed=True, culture_fit=2, overridden=True)
    assert check_move("interview_2", "interview_3", "", Gates({2: [good, overridden]}), PASS) == []
    assert check_move("interview_3", "background_check", "", Gates({3: [good]}), PASS) == []


def test_background_check_gate() -> None:
    refused("no_background_check", "background_check", "offer", "", Gates(), PASS)
    refused(
        "background_failed", "background_check", "offer", "", Gates(background_passed=False), PASS
    )
    assert check_move("background_check", "offer", "", Gates(background_passed=True), PASS) == []


# -- exams --------------------------------------------------------------------------


def test_grading_by_hand() -> None:
    questions = pl.DataFrame(
        {
            "question_id": [1, 2, 3, 4],
            "correct": [[0], [1, 2], [3], [0]],
            "points": [1.0, 2.0, 1.0, 1.0],
        }
    )
    # q1 right, q2 right (order does not matter), q3 wrong, q4 unanswered: 3 of 5 points
    graded = grade(questions, {1: [0], 2: [2, 1], 3: [1]}, pass_mark=0.6)
    assert graded.score == pytest.approx(0.6) and graded.passed
    assert graded.answers["correct"].to_list() == [True, True, False, False]
    assert graded.answers["points"].to_list() == [1.0, 2.0, 0.0, 0.0]
    assert not grade(questions, {1: [0], 2: [2, 1], 3: [1]}, pass_mark=0.61).passed
    # a multiple-choice question is all or nothing
    assert grade(questions, {2: [1]}, pass_mark=0.1).score == 0.0
    assert grade(questions, {1: [0], 2: [1, 2], 3: [3], 4: [0]}, 1.0).score == 1.0


def test_question_draw_is_deterministic_and_within_the_bank() -> None:
    bank = list(range(10, 30))
    first = draw_questions(bank, 5, "1:4:1")
    assert first == draw_questions(bank, 5, "1:4:1") and len(set(first)) == 5
    assert set(first) <= set(bank)
    assert draw_questions(bank, 50, "x") == sorted(bank)
