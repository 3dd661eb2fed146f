"""The supervisor's board (issue 15, item 5): one row per rep of the team with today's and
yesterday's activity beside the daily target, the daily reports, deals moved and overdue
items, every figure counted by hand (see tests/test_reports.py for the activity), read
for the team's people only; SQLite and PostgreSQL.

Added here: rep 4 promised on 2026-11-20 to call customer 3 again by 2026-11-28 (an
overdue follow-up on Tuesday), rep 5 owns an action item due 2026-11-25 still open.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import polars as pl
import pytest

from command_center import agenda
from command_center import testing as apptest
from command_center.db.engine import write_session
from command_center.db.models import Customer
from command_center.metrics import MetricRegistry
from command_center.org.scope import Viewer
from command_center.plugins import PluginHost
from plugins.customers.models import FollowUp
from plugins.team_events import metrics as te_metrics
from plugins.team_events.actions import reports as actions
from plugins.team_events.logic import reports as logic
from plugins.team_events.logic.reports import ReportText
from plugins.team_events.models import ActionItem, Event
from plugins.team_events.queries import board as board_q
from plugins.team_events.queries.teams import team_members
from plugins.team_events.settings import TeamEventsSettings
from tests.conftest import BACKENDS, Db, _drop_db, small_org_copy
from tests.fixtures_reports import page_fixtures, reports_host
from tests.sql_log import record_reads
from tests.test_reports import (
    MON,
    REP,
    REP_B,
    SUP,
    SUP_B,
    TEXT,
    TODAY,
    TUE,
    at,
    clean,
    submit,
    write_activity,
)

RULES = TeamEventsSettings()


def write_overdue(engine) -> None:
    with write_session(engine) as session:
        session.add(
            Customer(customer_id=3, name="丙公司", industry="零售", size="smb", owner_id=4,
                     region="华东", created_on=dt.date(2026, 11, 1))
        )  # fmt: skip
        session.flush()
        session.add(
            FollowUp(followup_id=20, customer_id=3, person_id=4,
                     followup_date=dt.date(2026, 11, 20), channel="phone",
                     next_date=dt.date(2026, 11, 28), next_step="再打一次")
        )  # fmt: skip
        session.add(
            Event(event_id=1, kind="weekly_meeting", title="周例会", team_root=3, organiser_id=3,
                  event_date=dt.date(2026, 11, 18), status="held")
        )  # fmt: skip
        session.flush()
        session.add(
            ActionItem(action_id=1, event_id=1, team_root=3, owner_id=5, title="整理报价",
                       due_date=dt.date(2026, 11, 25), status="open",
                       created_on=dt.date(2026, 11, 18))
        )  # fmt: skip


@pytest.fixture(params=BACKENDS)
def team(request, tmp_path, pg_databases, monkeypatch) -> Iterator[tuple[Db, PluginHost]]:
    host = reports_host()
    db = small_org_copy(
        request.param, tmp_path, pg_databases, "customers_team_events", reports_host
    )
    write_activity(db.engine)
    write_overdue(db.engine)
    monkeypatch.setattr(te_metrics, "today", lambda: TODAY)
    yield db, host
    _drop_db(db, pg_databases)


def test_one_row_per_rep_with_the_days_figures(team) -> None:
    db, host = team
    submit(db, host, REP, "2026-11-30", at(MON, 19))
    submit(db, host, REP, "2026-12-01", at(TUE, 21, 30))
    actions.save(
        db.engine, MetricRegistry(host), host, REP_B, "2026-12-01", TEXT, "rep-b", now=at(TUE, 9)
    )
    rows = board_q.board(db.engine, MetricRegistry(host), host, SUP, TUE, RULES)
    assert rows.columns == list(logic.BOARD_SCHEMA)
    assert rows["person_id"].to_list() == [4, 5]  # by name: 代表一, 代表二
    anna, bo = rows.rows(named=True)
    assert (anna["visits_today"], anna["calls_today"], anna["new_customers_today"]) == (2, 1, 1)
    assert (anna["visits_yesterday"], anna["calls_yesterday"], anna["new_customers_yesterday"]) == (
        0,
        1,
        0,
    )
    assert (anna["visits_target"], anna["calls_target"], anna["new_customers_target"]) == (
        3.0,
        None,
        None,
    )
    assert (anna["report_today"], anna["report_yesterday"]) == ("late", "submitted")
    assert (anna["overdue_followups"], anna["overdue_actions"]) == (1, 0)
    assert (bo["visits_today"], bo["calls_today"], bo["visits_yesterday"]) == (1, 0, 0)
    assert (bo["report_today"], bo["report_yesterday"]) == ("draft", "missing")
    assert (bo["overdue_followups"], bo["overdue_actions"]) == (0, 1)
    # no plugin of this host publishes deals moved: "—" for everyone, never 0
    assert rows["deals_moved"].to_list() == [None, None]


def test_the_board_holds_only_the_team(team) -> None:
    db, host = team
    other = board_q.board(db.engine, MetricRegistry(host), host, SUP_B, TUE, RULES)
    assert other["person_id"].to_list() == [7]
    assert other.row(0, named=True)["report_today"] == "missing"
    assert board_q.board(db.engine, MetricRegistry(host), host, REP, TUE, RULES)[
        "person_id"
    ].to_list() == [4]


def test_a_weekend_has_no_report_due(team) -> None:
    db, host = team
    rows = board_q.board(db.engine, MetricRegistry(host), host, SUP, dt.date(2026, 11, 29), RULES)
    assert rows["report_today"].to_list() == [None, None]  # Sunday: shown as "—"
    monday = board_q.board(db.engine, MetricRegistry(host), host, SUP, MON, RULES)
    assert monday["report_yesterday"].to_list() == [None, None]
    assert monday["report_today"].to_list() == ["missing", "missing"]


def test_its_reads_name_the_teams_people(team, monkeypatch) -> None:
    db, host = team
    seen = record_reads(monkeypatch)
    board_q.board(db.engine, MetricRegistry(host), host, SUP, TUE, RULES)
    marks = ("from customers_followups", "from targets", "from team_events_", "from customers ")
    personal = [q for q in seen if any(mark in q for mark in marks)]
    assert len(personal) >= 8
    for query in personal:
        assert re.search(r"(person_id|owner_id|end) in \(4, 5\)", query), query
    # The only whole-force reads are the org (people) and the company's ABC grading that
    # the agenda's follow-up cadence ranks customers by (customers' own, cached per version).
    rest = [q for q in seen if q not in personal and "in (4, 5)" not in q]
    for query in rest:
        assert re.search(r"from people$|from meta left outer join sales_customer_month|"
                         r"^select customer_id, person_id, order_date, revenue from orders",
                         query.split(" where ")[0].strip()), query  # fmt: skip


def test_overdue_counts_take_follow_ups_and_action_items_before_the_day() -> None:
    items = [
        ("followup", 4, dt.date(2026, 11, 28)),
        ("followup", 4, TUE),  # due today: not overdue
        ("action_item", 5, dt.date(2026, 11, 25)),
        ("milestone", 5, dt.date(2026, 11, 1)),  # another kind: not counted
        ("followup", None, dt.date(2026, 11, 1)),
    ]
    counts = logic.overdue_counts(items, TUE).sort("person_id", "kind")
    assert counts.rows() == [(4, "followup", 1), (5, "action_item", 1)]
    empty = logic.overdue_counts([], TUE)
    assert empty.is_empty() and empty.schema["count"] == pl.Int64


# -- the page ---------------------------------------------------------------------------------


demo, app = page_fixtures("board")


@pytest.mark.one_backend
def test_the_board_page_drills_down_to_a_reps_report_and_agenda(app) -> None:
    engine = app.engine
    host = reports_host()
    boss = apptest.signed_in(engine, "supervisor")
    sup = Viewer("supervisor", "supervisor", boss.person_id, None)
    reps = board_q.members(engine, sup.narrow(frozenset(team_members(engine, boss.person_id))))
    first = reps.sort("name").row(0, named=True)
    mine = Viewer("x", "rep", first["person_id"], frozenset({first["person_id"]}))
    day = dt.date.today()
    actions.save(
        engine, MetricRegistry(host), host, mine, day.isoformat(),
        ReportText(wins="今天签了两单"), "x", submit=True,
    )  # fmt: skip
    at = apptest.open_page(apptest.start(engine, "supervisor"), "team-board")
    clean(at)
    table = at.dataframe[0].value
    assert list(table["name"]) == sorted(reps["name"].to_list())
    assert table["report_today"].iloc[0] in ("Submitted", "Submitted late")
    assert "Select a row to see that rep's reports and agenda." in apptest.texts(at)
    at.session_state["team_events_board_table"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    clean(at)
    shown = apptest.texts(at)
    assert first["name"] in [h.value for h in at.subheader]
    assert f"Daily report of {day.isoformat()}" in shown and "今天签了两单" in shown
    items = agenda.gather(host, engine, mine, day)
    assert f"Agenda of {day.isoformat()} ({len(items)} items)" in shown
