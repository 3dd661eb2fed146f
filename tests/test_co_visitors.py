"""Co-visitors (issue 16, item 3): a follow-up or visit lists the colleagues who went
along; it shows in their list too and stays the logger's. The small org: 3 supervises
reps 4 and 5, 6 supervises rep 7, 2 manages both teams; customer 1 is rep 4's."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, select

from command_center.db.engine import read_session
from command_center.db.models import AuditEntry
from command_center.org.scope import Viewer
from plugins.customers.actions.followups import FollowUpInput, log_followup
from plugins.customers.errors import ActionRefused
from plugins.customers.logic.co_visitors import colleagues
from plugins.customers.queries import activity
from tests.factories import load_small_org

REP4 = Viewer("rep4", "rep", 4, frozenset({4}))
REP5 = Viewer("rep5", "rep", 5, frozenset({5}))
REP7 = Viewer("rep7", "rep", 7, frozenset({7}))
DAY = dt.date(2026, 11, 2)


@pytest.fixture
def db(empty_db) -> Engine:
    load_small_org(empty_db.engine)
    return empty_db.engine


def visit(went: tuple[int, ...]) -> FollowUpInput:
    return FollowUpInput(followup_date=DAY, channel="visit", notes="陪访", co_visitors=went)


def test_a_co_visitor_sees_the_visit_in_their_list(db: Engine) -> None:
    fid = log_followup(db, REP4, 1, visit((5, 3, 5)), today=DAY)  # 5 twice: once
    assert activity.co_visitor_names(db, [fid]) == {fid: "主管甲, 代表二"}
    theirs = activity.followups(db, REP5, co_visited=True)
    assert theirs["followup_id"].to_list() == [fid] and theirs["person_id"].to_list() == [4]
    assert activity.followups(db, REP5).is_empty()  # counts and exports: the logger's only
    assert activity.followups(db, REP7, co_visited=True).is_empty()
    with read_session(db) as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "followup_logged")
        ).one()
    assert entry.detail["co_visitors"] == [5, 3]


def test_only_colleagues_can_go_along(db: Engine) -> None:
    with pytest.raises(ActionRefused) as refused:
        log_followup(db, REP4, 1, visit((7,)), today=DAY)
    assert refused.value.key == "customers.refused.co_visitor_not_colleague"
    assert refused.value.params == {"person": "7"}
    assert activity.followups(db, REP4).is_empty()  # nothing half-written


def test_colleagues_are_the_team_and_the_leaders() -> None:
    edges = {1: None, 2: 1, 3: 2, 4: 3, 5: 3, 6: 2, 7: 6}
    assert colleagues(edges, set(edges), 4) == {1, 2, 3, 5}
    assert colleagues(edges, set(edges), 3, leads=True) == {1, 2, 4, 5, 6, 7}
    assert colleagues(edges, set(edges) - {5}, 4) == {1, 2, 3}
