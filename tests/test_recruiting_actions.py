"""Recruiting actions: openings, applications, every transition and every refusal,
scorecards and the culture-fit override, background checks, offers, and hiring
(exactly one person, whatever is submitted twice)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select

from command_center.db.engine import read_session, write_session
from command_center.db.models import AuditEntry, Person
from command_center.plugin_settings import save_settings
from plugins.recruiting.actions.candidates import (
    CandidateInput,
    ResumeFile,
    add_candidate,
    advance,
    move,
    reject,
    withdraw,
)
from plugins.recruiting.actions.hire import hire
from plugins.recruiting.actions.interviews import (
    ScorecardInput,
    add_scorecard,
    make_offer,
    override_culture_fit,
    record_background_check,
    respond_offer,
)
from plugins.recruiting.actions.openings import (
    OpeningInput,
    close_opening,
    create_opening,
    reopen_opening,
    update_opening,
)
from plugins.recruiting.errors import RecruitingError
from plugins.recruiting.logic.vocabulary import SCORES
from plugins.recruiting.models import Candidate, Enrolment, Mentor, Opening, Program, StageEvent
from plugins.recruiting.settings import RecruitingSettings
from tests.fixtures_recruiting import viewer

D = dt.date
INTERVIEW_DAY = dt.date(2026, 2, 20)
GOOD = dict.fromkeys(SCORES, 4)


def refused(code: str, action, *args, **kwargs) -> RecruitingError:
    with pytest.raises(RecruitingError) as info:
        action(*args, **kwargs)
    assert info.value.key == code, info.value
    assert info.value.message() != f"recruiting.error.{code}"  # translated
    return info.value


@pytest.fixture
def org(rdb):
    e = rdb.engine
    return {
        "engine": e,
        "director": viewer(e, "director", 1, "director"),
        "manager": viewer(e, "manager", 2, "manager"),
        "sup": viewer(e, "supervisor", 3, "supervisor"),
        "sup2": viewer(e, "supervisor", 6, "sup2"),
        "rep": viewer(e, "rep", 4, "rep"),
    }


def new_opening(org, headcount: int = 1, by: str = "sup") -> int:
    data = OpeningInput(
        "华东区销售代表", "rep", 3, D(2026, 1, 5), headcount, ["company_site", "job_board"]
    )
    return create_opening(org["engine"], org[by], data)


def apply(org, opening_id: int, name: str = "李雷", phone: str = "13800000001", **kw) -> int:
    data = CandidateInput(
        opening_id,
        name,
        kw.pop("source", "job_board"),
        kw.pop("on", D(2026, 2, 1)),
        phone=phone,
        **kw,
    )
    return add_candidate(org["engine"], org["sup"], data)


def card(
    org,
    cid: int,
    round_no: int,
    who: str = "sup",
    day: D = INTERVIEW_DAY,
    passed: bool = True,
    **scores: int,
) -> int:
    data = ScorecardInput(round_no, {**GOOD, **scores}, passed, day, "表现不错")
    return add_scorecard(org["engine"], org[who], cid, data)


def to_offer(org, cid: int) -> None:
    e, sup = org["engine"], org["sup"]
    advance(e, sup, cid, D(2026, 2, 5))  # screened
    advance(e, sup, cid, D(2026, 2, 10))  # interview 1
    for round_no, day in ((1, D(2026, 2, 12)), (2, D(2026, 2, 16)), (3, D(2026, 2, 20))):
        card(org, cid, round_no, day=day)
        advance(e, sup, cid, day)
    record_background_check(e, sup, cid, "前公司核实属实", "学信网核验", True, True, D(2026, 2, 25))
    advance(e, sup, cid, D(2026, 2, 26))  # offer


def people_count(engine) -> int:
    with read_session(engine) as s:
        return int(s.scalar(select(func.count()).select_from(Person)))


# -- openings -----------------------------------------------------------------------


def test_opening_needs_the_right_hiring_manager_in_scope(org) -> None:
    e = org["engine"]
    wrong_level = OpeningInput("销售代表", "rep", 2, D(2026, 1, 5))
    refused("manager_level", create_opening, e, org["manager"], wrong_level)
    other_team = OpeningInput("销售代表", "rep", 6, D(2026, 1, 5))
    refused("manager_not_found", create_opening, e, org["sup"], other_team)
    refused(
        "not_allowed", create_opening, e, org["rep"], OpeningInput("x", "rep", 3, D(2026, 1, 5))
    )
    refused(
        "channels_required",
        create_opening,
        e,
        org["sup"],
        OpeningInput("销售代表", "rep", 3, D(2026, 1, 5), channels=[]),
    )
    opening_id = new_opening(org)
    with read_session(e) as s:
        row = s.get(Opening, opening_id)
        assert (row.region, row.channels, row.closed_on) == ("华东", "company_site;job_board", None)
    supervisor_opening = create_opening(
        e, org["manager"], OpeningInput("区域销售主管", "supervisor", 2, D(2026, 1, 5))
    )
    assert supervisor_opening == opening_id + 1  # MAX + 1


def test_closed_opening_takes_no_new_candidates(org) -> None:
    e = org["engine"]
    opening_id = new_opening(org)
    first = apply(org, opening_id)
    close_opening(e, org["sup"], opening_id, D(2026, 2, 10))
    refused("opening_closed", apply, org, opening_id, "韩梅梅", "13800000002", on=D(2026, 2, 11))
    refused("opening_closed", close_opening, e, org["sup"], opening_id, D(2026, 2, 12))
    advance(e, org["sup"], first, D(2026, 2, 12))  # candidates already in still move on
    reopen_opening(e, org["sup"], opening_id)
    assert apply(org, opening_id, "韩梅梅", "13800000002", on=D(2026, 2, 11)) == first + 1
    refused("applied_before_open", apply, org, opening_id, "王五", "13800000003", on=D(2025, 12, 1))


def test_application_checks(org) -> None:
    opening_id = new_opening(org)
    refused("contact_required", apply, org, opening_id, phone="")
    refused("referrer_required", apply, org, opening_id, source="referral")
    refused("bad_email", apply, org, opening_id, phone="", email="not-an-email")
    refused("name_required", apply, org, opening_id, name=" ")
    cid = apply(org, opening_id, source="referral", referrer_id=5)
    refused("duplicate_candidate", apply, org, opening_id)  # same phone: a double submit
    with read_session(org["engine"]) as s:
        cand = s.get(Candidate, cid)
        assert (cand.stage, cand.referrer_id, cand.stage_since) == ("applied", 5, D(2026, 2, 1))
        events = s.scalars(select(StageEvent).where(StageEvent.candidate_id == cid)).all()
        assert [(ev.from_stage, ev.to_stage) for ev in events] == [(None, "applied")]


def test_resume_file_is_stored_and_limited(org) -> None:
    from plugins.recruiting import queries

    e = org["engine"]
    opening_id = new_opening(org)
    data = CandidateInput(opening_id, "李雷", "company_site", D(2026, 2, 1), phone="13800000009")
    cid = add_candidate(e, org["sup"], data, ResumeFile("李雷.pdf", "application/pdf", b"%PDF-1"))
    assert queries.resume(e, org["sup"], cid) == ("李雷.pdf", "application/pdf", b"%PDF-1")
    assert queries.resume(e, org["sup2"], cid) is None  # another team's candidate
    big = ResumeFile("big.pdf", "application/pdf", b"x" * (5 * 1024 * 1024 + 1))
    other = CandidateInput(opening_id, "韩梅梅", "company_site", D(2026, 2, 1), phone="139")
    refused("resume_too_big", add_candidate, e, org["sup"], other, big)


# -- stages -------------------------------------------------------------------------


def test_stage_history_skips_need_a_reason(org) -> None:
    e, sup = org["engine"], org["sup"]
    cid = apply(org, new_opening(org))
    refused("skip_needs_reason", move, e, sup, cid, "interview_1", D(2026, 2, 3))
    refused("date_before_stage", move, e, sup, cid, "screened", D(2026, 1, 31))
    assert move(e, sup, cid, "interview_1", D(2026, 2, 3), "内推，免筛选") == ["screened"]
    refused("not_forward", move, e, sup, cid, "screened", D(2026, 2, 4), "x")
    refused("no_scorecard", advance, e, sup, cid, D(2026, 2, 4))
    refused("hire_needs_offer", move, e, sup, cid, "hired", D(2026, 2, 4), "x")
    with read_session(e) as s:
        events = s.scalars(
            select(StageEvent).where(StageEvent.candidate_id == cid).order_by(StageEvent.event_id)
        ).all()
        assert [(ev.to_stage, ev.skipped, ev.reason) for ev in events] == [
            ("applied", "", ""),
            ("interview_1", "screened", "内推，免筛选"),
        ]
        assert s.get(Candidate, cid).stage == "interview_1"


def test_scorecards_per_round(org) -> None:
    e, sup = org["engine"], org["sup"]
    cid = apply(org, new_opening(org))
    refused("not_in_round", card, org, cid, 1)
    move(e, sup, cid, "interview_1", D(2026, 2, 3), "校招现场初筛")
    refused("score_range", card, org, cid, 1, knowledge=6)
    card(org, cid, 1)
    refused("scorecard_exists", card, org, cid, 1)  # one per interviewer and round
    card(org, cid, 1, who="manager", passed=False)
    refused("scorecard_failed", advance, e, sup, cid, D(2026, 2, 21))
    refused("not_allowed", card, org, cid, 1, who="rep")


def test_culture_fit_fail_blocks_until_a_manager_overrides_with_a_reason(org) -> None:
    e, sup = org["engine"], org["sup"]
    cid = apply(org, new_opening(org))
    move(e, sup, cid, "interview_1", D(2026, 2, 3), "内推")
    bad = card(org, cid, 1, culture_fit=2)  # passed overall, but fails on values
    refused("culture_fit_blocks", advance, e, sup, cid, D(2026, 2, 21))
    refused("override_needs_manager", override_culture_fit, e, sup, bad, "我担保", D(2026, 2, 21))
    refused(
        "override_needs_reason", override_culture_fit, e, org["manager"], bad, " ", D(2026, 2, 21)
    )
    override_culture_fit(e, org["manager"], bad, "复核后价值观基本匹配", D(2026, 2, 21))
    refused(
        "already_overridden", override_culture_fit, e, org["director"], bad, "再次", D(2026, 2, 21)
    )
    assert advance(e, sup, cid, D(2026, 2, 22)) == "interview_2"
    with read_session(e) as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "culture_fit_overridden"))
        assert [a.actor for a in entry] == ["manager"]
    # a culture-fit score at the pass score is no fail: nothing to override
    good = card(org, cid, 2, day=D(2026, 2, 23), culture_fit=3)
    refused("no_culture_fail", override_culture_fit, e, org["manager"], good, "x", D(2026, 2, 23))


def test_background_check_and_offer(org) -> None:
    e, sup = org["engine"], org["sup"]
    cid = apply(org, new_opening(org))
    advance(e, sup, cid, D(2026, 2, 5))
    advance(e, sup, cid, D(2026, 2, 10))
    for round_no in (1, 2, 3):
        card(org, cid, round_no)
        advance(e, sup, cid, D(2026, 2, 20))
    refused("no_background_check", advance, e, sup, cid, D(2026, 2, 21))
    refused(
        "check_needs_text",
        record_background_check,
        e,
        sup,
        cid,
        "",
        "本科",
        True,
        True,
        D(2026, 2, 21),
    )
    assert not record_background_check(e, sup, cid, "经历不符", "本科", False, True, D(2026, 2, 21))
    refused("background_failed", advance, e, sup, cid, D(2026, 2, 22))
    assert record_background_check(e, sup, cid, "复核属实", "本科", True, True, D(2026, 2, 23))
    refused("not_at_stage", make_offer, e, sup, cid, 9000.0, D(2026, 3, 15), D(2026, 2, 23))
    advance(e, sup, cid, D(2026, 2, 24))
    refused("no_offer", respond_offer, e, sup, cid, True, D(2026, 2, 25))
    refused("start_in_past", make_offer, e, sup, cid, 9000.0, D(2026, 2, 1), D(2026, 2, 24))
    refused("salary_positive", make_offer, e, sup, cid, 0.0, D(2026, 3, 15), D(2026, 2, 24))
    make_offer(e, sup, cid, 9000.0, D(2026, 3, 15), D(2026, 2, 24))
    make_offer(e, sup, cid, 9500.0, D(2026, 3, 16), D(2026, 2, 25))  # revised while unanswered
    refused("offer_not_accepted", hire, e, sup, cid, D(2026, 2, 26))
    refused("decline_needs_reason", respond_offer, e, sup, cid, False, D(2026, 2, 27))
    respond_offer(e, sup, cid, False, D(2026, 2, 27), "接受了其他公司的offer")
    refused("candidate_closed", advance, e, sup, cid, D(2026, 2, 28))
    with read_session(e) as s:
        cand = s.get(Candidate, cid)
        assert cand.stage == "withdrew" and "其他公司" in cand.exit_reason


def test_rejection_reasons_come_from_the_configurable_list(org) -> None:
    e, sup = org["engine"], org["sup"]
    opening_id = new_opening(org, headcount=2)
    first = apply(org, opening_id)
    refused("unknown_reason", reject, e, sup, first, "不愿外派", D(2026, 2, 2))
    with write_session(e) as s:
        save_settings(
            s,
            "recruiting",
            RecruitingSettings(rejection_reasons=["experience", "不愿外派"]),
            "admin",
        )
    reject(e, sup, first, "不愿外派", D(2026, 2, 2), "只考虑本地岗位")
    refused("candidate_closed", reject, e, sup, first, "experience", D(2026, 2, 3))
    second = apply(org, opening_id, "韩梅梅", "13800000002")
    withdraw(e, sup, second, "已接受其他公司录用", D(2026, 2, 3))
    with read_session(e) as s:
        assert s.get(Candidate, first).exit_reason == "不愿外派: 只考虑本地岗位"
        assert s.get(Candidate, second).stage == "withdrew"


def test_update_opening_keeps_headcount_above_hires(org) -> None:
    e = org["engine"]
    opening_id = new_opening(org, headcount=2)
    update_opening(e, org["sup"], opening_id, 3, ["campus"], "校园招聘")
    with read_session(e) as s:
        assert (s.get(Opening, opening_id).headcount, s.get(Opening, opening_id).channels) == (
            3,
            "campus",
        )
    refused("headcount_below_hired", update_opening, e, org["sup"], opening_id, 0, ["campus"], "")


# -- hiring -------------------------------------------------------------------------


def test_hire_creates_exactly_one_person_under_the_hiring_manager(org) -> None:
    e, sup = org["engine"], org["sup"]
    opening_id = new_opening(org, headcount=1)
    cid = apply(org, opening_id)
    to_offer(org, cid)
    make_offer(e, sup, cid, 9000.0, D(2026, 3, 16), D(2026, 2, 26))
    respond_offer(e, sup, cid, True, D(2026, 2, 28))
    before = people_count(e)
    result = hire(e, sup, cid, D(2026, 3, 1))
    assert result.created and result.person_id == 8  # MAX(person_id) + 1
    again = hire(e, sup, cid, D(2026, 3, 1))  # a double submit
    assert (again.person_id, again.created) == (8, False)
    assert people_count(e) == before + 1
    with read_session(e) as s:
        person = s.get(Person, 8)
        assert (
            person.name,
            person.level,
            person.manager_id,
            person.region,
            person.hire_date,
            person.status,
        ) == ("李雷", "rep", 3, "华东", D(2026, 3, 16), "active")
        cand = s.get(Candidate, cid)
        assert (cand.stage, cand.person_id) == ("hired", 8)
        enrolment = s.scalars(select(Enrolment).where(Enrolment.person_id == 8)).one()
        camp = s.get(Program, enrolment.program_id)
        assert camp.kind == "bootcamp" and enrolment.status == "enrolled"
        assert enrolment.due_on == D(2026, 3, 16) + dt.timedelta(days=camp.days)
        assert s.get(Mentor, 8).mentor_id in (4, 5)  # the longest-serving rep of the team
        assert s.get(Opening, opening_id).closed_on == D(2026, 3, 1)  # headcount filled
        hires = s.scalars(select(AuditEntry).where(AuditEntry.action == "candidate_hired")).all()
        assert len(hires) == 1
    refused("opening_closed", apply, org, opening_id, "韩梅梅", "13800000002", on=D(2026, 3, 2))


def test_hire_submitted_twice_at_once_makes_one_person(org) -> None:
    e, sup = org["engine"], org["sup"]
    cid = apply(org, new_opening(org))
    to_offer(org, cid)
    make_offer(e, sup, cid, 9000.0, D(2026, 3, 16), D(2026, 2, 26))
    respond_offer(e, sup, cid, True, D(2026, 2, 28))
    before = people_count(e)
    results, errors = [], []

    def submit() -> None:
        try:
            results.append(hire(e, sup, cid, D(2026, 3, 1)))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(r.created for r in results) == [False, True]
    assert len({r.person_id for r in results}) == 1
    assert people_count(e) == before + 1


def test_hire_uses_an_existing_bootcamp_and_the_chosen_mentor(org) -> None:
    from plugins.recruiting.actions.training import create_program

    e, sup = org["engine"], org["sup"]
    camp = create_program(e, sup, "新人训练营（3月期）", "bootcamp", D(2026, 3, 23), days=5)
    cid = apply(org, new_opening(org))
    to_offer(org, cid)
    make_offer(e, sup, cid, 9000.0, D(2026, 3, 16), D(2026, 2, 26))
    respond_offer(e, sup, cid, True, D(2026, 2, 28))
    refused("mentor_not_found", hire, e, sup, cid, D(2026, 3, 1), mentor_id=7)  # other team
    result = hire(e, sup, cid, D(2026, 3, 1), mentor_id=5)
    assert result.program_id == camp and result.mentor_id == 5
    with read_session(e) as s:
        enrolment = s.scalars(select(Enrolment).where(Enrolment.person_id == result.person_id))
        assert enrolment.one().due_on == D(2026, 3, 28)  # the camp starts after the start date
