"""The pipeline's ``deals_moved`` metric (issue 15, items 3 and 5: the daily report's and the
supervisor's board's "deals moved"): each move of a deal from one stage to another,
credited to the deal's owner, counted by day, so every grain has a figure.

Rep 4 moves a deal twice on Monday 2 November 2026 and once on Wednesday 4
November; rep 5 once on 4 November; creating a deal is not a move.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine

from command_center.metrics import MetricRegistry
from command_center.periods import parse_period
from plugins.pipeline import actions
from tests.conftest import make_host
from tests.fixtures_pipeline import MGR2, REP4, REP5, SUP3, new_deal, org

MONDAY = dt.datetime(2026, 11, 2, 10, 0)
WEDNESDAY = dt.datetime(2026, 11, 4, 15, 0)


@pytest.fixture
def db(empty_db) -> Engine:
    org(empty_db.engine)
    engine = empty_db.engine
    mine = new_deal(engine, at=MONDAY)
    actions.move_stage(engine, REP4, mine, "qualified", at=MONDAY)
    actions.move_stage(engine, REP4, mine, "solution", at=MONDAY + dt.timedelta(hours=2))
    actions.move_stage(engine, REP4, mine, "negotiation", at=WEDNESDAY)
    theirs = new_deal(engine, REP5, customer=2, owner=5, at=MONDAY)
    actions.move_stage(engine, REP5, theirs, "qualified", at=WEDNESDAY)
    return engine


def _values(engine: Engine, viewer, period: str) -> dict[int, float]:
    registry = MetricRegistry(make_host())
    frame = registry.person_values(engine, viewer, "deals_moved", parse_period(period))
    return {int(p): float(v) for p, v in frame.select("person_id", "num").iter_rows()}


def test_moves_are_counted_per_owner_at_every_grain(db: Engine) -> None:
    assert _values(db, MGR2, "2026-11-02") == {4: 2.0}
    assert _values(db, MGR2, "2026-11-03") == {}
    assert _values(db, MGR2, "2026-11-04") == {4: 1.0, 5: 1.0}
    assert _values(db, MGR2, "2026-W45") == {4: 3.0, 5: 1.0}
    assert _values(db, MGR2, "2026-11") == {4: 3.0, 5: 1.0}
    assert _values(db, MGR2, "2026-Q4") == {4: 3.0, 5: 1.0}
    assert _values(db, MGR2, "2026-10") == {}


def test_a_rep_counts_their_own_and_a_team_rolls_up(db: Engine) -> None:
    assert _values(db, REP4, "2026-W45") == {4: 3.0}
    registry = MetricRegistry(make_host())
    team = registry.rollup(db, SUP3, "deals_moved", parse_period("2026-W45"))
    assert dict(team.select("node_id", "num").iter_rows())[3] == 4.0
