"""The issue's "done when", action by action on the demo: a supervisor takes a candidate
from application through three interview rounds, the background check and the offer
to hire; the new rep appears in the org tree under them, enrolled in the bootcamp with
a mentor; after their first months of sales the director sees them in the funnel and
in quality of hire by source."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import polars as pl
import pytest
from sqlalchemy import select

from command_center.context import PageContext
from command_center.db import frames
from command_center.db.engine import read_session, write_session
from command_center.db.models import Target
from command_center.ledger import NewLine, book_lines
from command_center.metrics import MetricRegistry
from command_center.org.scope import scope_for
from command_center.periods import parse_period
from command_center.testing import signed_in
from plugins.recruiting import queries
from plugins.recruiting.actions.candidates import CandidateInput, add_candidate, advance
from plugins.recruiting.actions.hire import hire
from plugins.recruiting.actions.interviews import (
    ScorecardInput,
    add_scorecard,
    make_offer,
    record_background_check,
    respond_offer,
)
from plugins.recruiting.actions.openings import OpeningInput, create_opening
from plugins.recruiting.logic import analytics
from plugins.recruiting.logic.vocabulary import SCORES, STAGES
from plugins.recruiting.models import Enrolment, Mentor, Program, StageEvent
from tests.conftest import BACKENDS, _drop_db, demo_copy
from tests.fixtures_recruiting import recruiting_host, viewer

D = dt.date
MONTHS = [D(2026, m, 1) for m in range(5, 11)]  # May .. October: the first six months


@pytest.fixture(params=BACKENDS)
def demo(request, tmp_path, pg_databases) -> Iterator:
    """A fresh demo of its own: this test writes."""
    host = recruiting_host()
    db = demo_copy(request.param, tmp_path, pg_databases, "recruiting", recruiting_host)
    yield db, host
    _drop_db(db, pg_databases)


def scores(**low: int) -> dict[str, int]:
    return {**dict.fromkeys(SCORES, 4), **low}


def test_supervisor_hires_through_every_stage_and_director_sees_quality(demo) -> None:
    db, host = demo
    e = db.engine
    sup_login, mgr_login = signed_in(e, "supervisor"), signed_in(e, "manager")
    sup = viewer(e, "supervisor", sup_login.person_id, "supervisor")
    manager = viewer(e, "manager", mgr_login.person_id, "manager")
    team = frames.all_people(e).filter(pl.col("manager_id") == sup.person_id)
    referrer = int(team.filter(pl.col("level") == "rep")["person_id"][0])

    # publish, apply (a referral, with the referrer), move through every stage
    opening = create_opening(
        e,
        sup,
        OpeningInput(
            "华东区销售代表（扩编）",
            "rep",
            sup.person_id,
            D(2026, 4, 1),
            1,
            ["company_site", "social_media"],
        ),
    )
    cid = add_candidate(
        e,
        sup,
        CandidateInput(
            opening,
            "沈一鸣",
            "referral",
            D(2026, 4, 3),
            phone="13912345678",
            email="shen@163.com",
            referrer_id=referrer,
        ),
    )
    advance(e, sup, cid, D(2026, 4, 6))  # screened
    advance(e, sup, cid, D(2026, 4, 8))  # interview 1
    add_scorecard(e, sup, cid, ScorecardInput(1, scores(), True, D(2026, 4, 10), "沟通清晰"))
    advance(e, sup, cid, D(2026, 4, 10))  # interview 2
    add_scorecard(e, sup, cid, ScorecardInput(2, scores(selling=5), True, D(2026, 4, 14), "好"))
    add_scorecard(e, manager, cid, ScorecardInput(2, scores(), True, D(2026, 4, 15), "同意"))
    advance(e, sup, cid, D(2026, 4, 15))  # interview 3
    add_scorecard(
        e,
        manager,
        cid,
        ScorecardInput(3, scores(culture_fit=5), True, D(2026, 4, 20), "价值观匹配"),
    )
    advance(e, sup, cid, D(2026, 4, 20))  # background check
    assert record_background_check(
        e, sup, cid, "前公司人事确认属实", "学信网核验本科属实", True, True, D(2026, 4, 24)
    )
    advance(e, sup, cid, D(2026, 4, 24))  # offer
    make_offer(e, sup, cid, 9000.0, D(2026, 5, 11), D(2026, 4, 27))
    respond_offer(e, sup, cid, True, D(2026, 4, 29))
    result = hire(e, sup, cid, D(2026, 4, 30))
    assert result.created

    # the new rep is in the org tree, under the supervisor, in the bootcamp, with a mentor
    frames.clear_cache()
    people = frames.all_people(e)
    me = people.filter(pl.col("person_id") == result.person_id).row(0, named=True)
    assert (me["name"], me["level"], me["manager_id"], me["hire_date"]) == (
        "沈一鸣",
        "rep",
        sup.person_id,
        D(2026, 5, 11),
    )
    assert result.person_id == int(people["person_id"].max())  # MAX + 1
    edges = dict(people.select("person_id", "manager_id").iter_rows())
    assert result.person_id in scope_for("supervisor", sup.person_id, edges)  # type: ignore[operator]
    with read_session(e) as s:
        enrolment = s.scalars(
            select(Enrolment).where(Enrolment.person_id == result.person_id)
        ).one()
        program = s.get(Program, enrolment.program_id)
        assert program.kind == "bootcamp" and enrolment.status == "enrolled"
        assert program.starts_on >= D(2026, 5, 11)  # the next cohort after the start date
        assert s.get(Mentor, result.person_id) is not None
        moves = s.scalars(
            select(StageEvent.to_stage)
            .where(StageEvent.candidate_id == cid)
            .order_by(StageEvent.event_id)
        ).all()
        assert list(moves) == list(STAGES)  # every stage, none skipped

    # their first six months: revenue and targets in the core tables
    with write_session(e) as s:
        for month in MONTHS:
            book_lines(
                s,
                [NewLine(1, result.person_id, month + dt.timedelta(days=14), 100_000.0, 60_000.0)],
                "test",
                "first months",
            )
            s.add(
                Target(
                    person_id=result.person_id,
                    period=month.strftime("%Y-%m"),
                    metric="revenue",
                    target=80_000.0,
                )
            )

    # the director: funnel and quality of hire by source
    frames.clear_cache()
    director_login = signed_in(e, "director")
    director = viewer(e, "director", director_login.person_id, "director")
    cands = queries.candidates(e, director)
    reached = analytics.furthest(cands, queries.events(e, director))
    by_source = analytics.funnel(reached, ["source"])
    referral = by_source.filter(pl.col("source") == "referral").sort("stage_index")
    assert referral["reached"][-1] >= 1
    ctx = PageContext(
        e,
        host,
        MetricRegistry(host),
        director,
        director,
        parse_period("2026-10"),
        None,
        director_login.user_id,
    )
    hired = cands.filter(pl.col("stage") == "hired")
    offers = queries.offers(e, director)
    quality = queries.quality_of_hire(
        ctx.engine, ctx.viewer, ctx.registry, hired, offers, dt.date.today()
    )
    assert quality is not None
    per_hire, per_source = quality
    mine = per_hire.filter(pl.col("candidate_id") == cid).row(0, named=True)
    assert (mine["revenue"], mine["target"], mine["months_seen"]) == (600_000.0, 480_000.0, 6)
    assert mine["attainment"] == pytest.approx(1.25)
    assert set(per_source["source"].to_list()) >= {"referral", "job_board"}
    row = per_source.filter(pl.col("source") == "referral").row(0, named=True)
    others = per_hire.filter((pl.col("source") == "referral") & (pl.col("candidate_id") != cid))
    assert row["revenue"] == pytest.approx(float(others["revenue"].sum()) + 600_000.0)
    assert row["attainment"] == pytest.approx(row["revenue"] / row["target"])
