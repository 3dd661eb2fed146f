"""Scope: a supervisor sees the candidates of their own openings (hiring manager in
their subtree), a manager their region's, the director all; a rep sees no recruiting
rows, only their own training and exams; exports follow the same rules."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from command_center.io import run_export
from command_center.org.scope import OPERATOR
from plugins.recruiting import queries
from plugins.recruiting.actions.candidates import CandidateInput, add_candidate, advance
from plugins.recruiting.actions.openings import OpeningInput, create_opening
from plugins.recruiting.actions.training import add_session, create_program, record_attendance
from plugins.recruiting.errors import RecruitingError
from tests.fixtures_recruiting import recruiting_host, viewer

D = dt.date


@pytest.fixture
def two_teams(rdb):
    """Supervisor 3 and supervisor 6 each run an opening with one candidate; rep 4 and
    rep 7 attended a session."""
    e = rdb.engine
    sup3, sup6 = viewer(e, "supervisor", 3), viewer(e, "supervisor", 6)
    mine = create_opening(e, sup3, OpeningInput("代表A", "rep", 3, D(2026, 1, 5)))
    theirs = create_opening(e, sup6, OpeningInput("代表B", "rep", 6, D(2026, 1, 5)))
    a = add_candidate(e, sup3, CandidateInput(mine, "甲", "job_board", D(2026, 2, 1), phone="1"))
    b = add_candidate(e, sup6, CandidateInput(theirs, "乙", "campus", D(2026, 2, 1), phone="2"))
    manager = viewer(e, "manager", 2)
    program = create_program(e, manager, "季度产品课", "course", D(2026, 2, 1))
    session = add_session(e, manager, program, "第1讲", D(2026, 2, 3), 3.0, "internal_expert", 2)
    record_attendance(e, manager, session, {4: True, 7: True})
    return rdb, {"mine": a, "theirs": b}


def ids(frame: pl.DataFrame, column: str = "candidate_id") -> set[int]:
    return set(frame[column].to_list())


def test_supervisor_sees_only_their_own_openings_candidates(two_teams) -> None:
    db, c = two_teams
    e = db.engine
    sup3 = viewer(e, "supervisor", 3)
    assert ids(queries.candidates(e, sup3)) == {c["mine"]}
    assert ids(queries.events(e, sup3)) == {c["mine"]}
    assert ids(queries.openings(e, sup3), "hiring_manager_id") == {3}
    assert ids(queries.candidates(e, viewer(e, "manager", 2))) == {c["mine"], c["theirs"]}
    assert ids(queries.candidates(e, viewer(e, "director", 1))) == {c["mine"], c["theirs"]}


def test_supervisor_cannot_act_on_another_teams_candidate(two_teams) -> None:
    db, c = two_teams
    with pytest.raises(RecruitingError) as info:
        advance(db.engine, viewer(db.engine, "supervisor", 3), c["theirs"], D(2026, 2, 5))
    assert info.value.key == "candidate_not_found"


def test_rep_sees_no_recruiting_rows_but_their_own_training(two_teams) -> None:
    db, _ = two_teams
    e = db.engine
    rep = viewer(e, "rep", 4)
    for frame in (
        queries.candidates(e, rep),
        queries.openings(e, rep),
        queries.events(e, rep),
        queries.offers(e, rep),
        queries.scorecards(e, rep),
    ):
        assert frame.is_empty()
    assert ids(queries.attendance(e, rep), "person_id") == {4}
    assert ids(queries.attendance(e, viewer(e, "supervisor", 3)), "person_id") == {4}
    assert ids(queries.attendance(e, viewer(e, "manager", 2)), "person_id") == {4, 7}
    admin = viewer(e, "admin", None)
    assert queries.candidates(e, admin).is_empty() and queries.attendance(e, admin).is_empty()


def test_exports_are_scoped(two_teams, tmp_path) -> None:
    db, _ = two_teams
    e, host = db.engine, recruiting_host()
    path = tmp_path / "candidates.csv"
    assert run_export(e, host, "candidates", path, viewer(e, "supervisor", 3)) == 1
    assert "甲" in path.read_text(encoding="utf-8") and "乙" not in path.read_text(encoding="utf-8")
    assert run_export(e, host, "candidates", path, viewer(e, "rep", 4)) == 0
    assert run_export(e, host, "openings", path, OPERATOR) == 2


def test_scope_on_the_demo(rdemo) -> None:
    e = rdemo.engine
    from command_center.testing import signed_in

    sup = signed_in(e, "supervisor")
    rep = signed_in(e, "rep")
    supervisor = viewer(e, "supervisor", sup.person_id)
    cands = queries.candidates(e, supervisor)
    assert not cands.is_empty()
    assert set(cands["hiring_manager_id"].to_list()) <= set(supervisor.person_ids or ())
    everyone = queries.candidates(e, OPERATOR)
    assert cands.height < everyone.height
    rep_viewer = viewer(e, "rep", rep.person_id)
    assert queries.candidates(e, rep_viewer).is_empty()
    for frame in (
        queries.attendance(e, rep_viewer),
        queries.attempts(e, rep_viewer),
        queries.enrolments(e, rep_viewer),
        queries.certificates(e, rep_viewer),
    ):
        assert set(frame["person_id"].to_list()) <= {rep.person_id}
