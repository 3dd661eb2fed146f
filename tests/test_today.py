"""Issue 15, item 1: a person's day (the Today page and ``command-center today``).

A tiny hand-built org (tests/factories.py: supervisor 3 over reps 4 and 5,
supervisor 6 over rep 7) with one row of every kind whose answer is known,
including a promise the rep made for the day (their own next date), a visit
planned at a time and a pool-release warning; then the CLI on the small demo
and the page under AppTest for a rep (lands on Today, logs a follow-up from a
row) and a director (lands on home, opens Today for someone in scope).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import polars as pl
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from command_center import AGENDA_KINDS, AgendaItem, cli, i18n
from command_center import testing as apptest
from command_center.agenda import (
    AGENDA_COLUMNS,
    NotInScope,
    agenda_frame,
    gather,
    landing_page,
    merge,
    person_viewer,
)
from command_center.db import frames
from command_center.db.engine import read_session, write_session
from command_center.db.models import Customer
from command_center.keys import key_of, keys_for
from command_center.org.auth import add_user, viewer_for
from command_center.org.scope import OPERATOR, Viewer, people_edges
from command_center.plugin_settings import save_settings
from plugins.appraisal.models import Cycle, Record
from plugins.customers.actions.followups import FollowUpInput, log_followup
from plugins.customers.actions.visits import cancel_visit, log_visit, plan_visit
from plugins.customers.errors import ActionRefused
from plugins.customers.logic import pool as pool_logic
from plugins.customers.logic.agenda import release_warnings
from plugins.customers.models import FollowUp, VisitPlan
from plugins.customers.settings import CustomerSettings
from plugins.pipeline.models import Contract, Milestone, Opportunity
from plugins.team_events.models import ActionItem, Event, Invitee
from tests.conftest import Db, make_host, use_db
from tests.factories import load_small_org
from tests.fixtures_cash import pay_in_full

DAY = dt.date(2026, 11, 16)  # a Monday
NOON = dt.datetime(2026, 11, 16, 8, 0)
REP4 = Viewer("rep4", "rep", 4, frozenset({4}))
REP7 = Viewer("rep7", "rep", 7, frozenset({7}))
SUP3 = Viewer("sup3", "supervisor", 3, frozenset({3, 4, 5}))
runner = CliRunner()


def _customer(cid: int, owner: int, created: dt.date) -> Customer:
    return Customer(
        customer_id=cid, name=f"客户{cid}", industry="制造", size="smb", owner_id=owner,
        region="华东", created_on=created,
    )  # fmt: skip


@pytest.fixture
def day_db(empty_db: Db) -> Db:
    """One row of every kind, with known answers (see the module docstring)."""
    engine = empty_db.engine
    load_small_org(engine)  # customer 1 (owner 4) holds every order: grade A
    rules = CustomerSettings(release_no_followup_days=45)  # cadence C 30 days, release 45
    with write_session(engine) as session:
        save_settings(session, "customers", rules, "test")
        session.add_all(
            [
                _customer(2, 4, dt.date(2026, 1, 1)),
                _customer(3, 5, dt.date(2026, 1, 1)),
                _customer(4, 7, dt.date(2026, 1, 1)),
            ]
        )
    today = dt.date(2026, 11, 12)
    # 1: followed up on the 12th, promised a call on the 16th (cadence A: due the 19th)
    log_followup(engine, REP4, 1, FollowUpInput(today, "phone", next_date=DAY), today)
    # 2: last touched Oct 5: overdue by cadence, released on Nov 20; a visit is planned
    log_followup(engine, REP4, 2, FollowUpInput(dt.date(2026, 10, 5), "phone"), today)
    # 3 (rep 5): touched Oct 20: due the 19th, released Dec 5: nothing on the 16th
    log_followup(engine, Viewer("r5", "rep", 5, frozenset({5})), 3,
                 FollowUpInput(dt.date(2026, 10, 20), "phone"), today)  # fmt: skip
    # 4 (rep 7): promised the 10th (missed), released on the 16th
    promise = FollowUpInput(dt.date(2026, 10, 1), "visit", next_step="报价",
                            next_date=dt.date(2026, 11, 10))  # fmt: skip
    log_followup(engine, REP7, 4, promise, today)
    plan_visit(engine, REP4, 2, dt.datetime(2026, 11, 16, 14, 30), "演示", now=NOON)
    stamp = dt.datetime(2026, 9, 1)
    with write_session(engine) as session:
        session.add(Opportunity(opp_id=1, title="年度合作", customer_id=1, owner_id=4,
                                amount=1000.0, expected_close=dt.date(2026, 9, 1), stage="won",
                                stage_since=stamp, created_at=stamp))  # fmt: skip
        session.flush()
        session.add(Contract(contract_id=1, opp_id=1, status="signed", payment_terms="net30",
                             delivery_date=dt.date(2026, 12, 1), created_at=stamp))  # fmt: skip
        session.flush()
        for mid, due, status in ((1, dt.date(2026, 11, 15), "planned"),
                                 (2, dt.date(2026, 11, 20), "planned"),
                                 (3, dt.date(2026, 11, 10), "done")):  # fmt: skip
            session.add(Milestone(milestone_id=mid, contract_id=1, kind="shipping", title="",
                                  owner_id=4, due_date=due, status=status))  # fmt: skip
        session.add_all(
            [
                Event(event_id=1, kind="weekly_meeting", title="甲组周会", team_root=3,
                      organiser_id=3, event_date=DAY, start_time="09:00", location="A室",
                      status="scheduled"),
                Event(event_id=2, kind="weekly_meeting", title="乙组周会", team_root=6,
                      organiser_id=6, event_date=DAY, start_time="17:30", status="scheduled"),
                Event(event_id=3, kind="dinner", title="取消的聚餐", team_root=3,
                      event_date=DAY, start_time="19:00", status="cancelled"),
            ]
        )  # fmt: skip
        session.flush()
        session.add_all([Invitee(event_id=1, person_id=p) for p in (3, 4, 5)])
        session.add_all([Invitee(event_id=2, person_id=7), Invitee(event_id=3, person_id=4)])
        session.add_all(
            [
                ActionItem(action_id=1, event_id=1, team_root=3, owner_id=5, title="发报价",
                           due_date=dt.date(2026, 11, 14), status="open",
                           created_on=dt.date(2026, 11, 2)),
                ActionItem(action_id=2, event_id=1, team_root=3, owner_id=4, title="以后再说",
                           due_date=dt.date(2026, 11, 30), status="open",
                           created_on=dt.date(2026, 11, 2)),
            ]
        )  # fmt: skip
        session.add(Cycle(cycle_id=1, kind="monthly", period="2026-10", root_id=3,
                          state="manager_review"))  # fmt: skip
        session.flush()
        session.add(Record(cycle_id=1, person_id=4, level="rep", team_id=3))
        session.add(Record(cycle_id=1, person_id=5, level="rep", team_id=3, reviewed_at=stamp))
    pay_in_full(engine)  # no overdue receivables: those rows are tested in test_payment_schedules
    return empty_db


def rows(db: Db, viewer: Viewer, day: dt.date = DAY) -> list[tuple[object, ...]]:
    items = gather(make_host(), db.engine, viewer, day)
    return agenda_frame(items).select("kind", "due", "person_id", "customer_id").rows()


def test_a_reps_day_holds_their_promise_visit_and_pool_warning_in_time_order(day_db) -> None:
    assert rows(day_db, REP4) == [
        ("milestone", "2026-11-15", 4, 1),  # overdue since yesterday
        ("followup", "2026-11-16", 4, 1),  # their own next date: cadence alone says the 19th
        ("meeting", "2026-11-16 09:00", 4, None),
        ("visit", "2026-11-16 14:30", 4, 2),  # customer 2 is due: the visit is its row
        ("pool_release", "2026-11-20", 4, 2),  # Oct 5 + 45 days idle: released on the 20th
    ]
    host = make_host()
    i18n.install(host.translations())
    titles = agenda_frame(gather(host, day_db.engine, REP4, DAY))["title"].to_list()
    assert "Call back 甲公司, as promised" in titles and "Visit 客户2: 演示" in titles
    assert rows(day_db, REP7) == [
        ("followup", "2026-11-10", 7, 4),  # a missed promise stays, overdue
        ("pool_release", "2026-11-16", 7, 4),
        ("meeting", "2026-11-16 17:30", 7, None),
    ]


def test_a_supervisor_gets_their_own_and_their_teams_rows_only(day_db) -> None:
    assert rows(day_db, SUP3) == [
        ("action_item", "2026-11-14", 5, None),
        ("milestone", "2026-11-15", 4, 1),
        ("followup", "2026-11-16", 4, 1),
        ("appraisal", "2026-11-16", 3, None),  # rep 4 waits for their leader's review
        ("meeting", "2026-11-16 09:00", 3, None),  # one row for the team's meeting: theirs
        ("visit", "2026-11-16 14:30", 4, 2),
        ("pool_release", "2026-11-20", 4, 2),
    ]
    edges = people_edges(day_db.engine)
    everyone = OPERATOR.narrow(frozenset({1, 2, 3, 4, 5, 6, 7}))
    assert person_viewer(everyone, 3, edges).person_ids == {3, 4, 5}
    manager = person_viewer(Viewer("m", "manager", 2, frozenset({2, 3, 4, 5, 6, 7})), None, edges)
    assert {r[2] for r in rows(day_db, manager)} == {3, 4, 5, 7}
    with pytest.raises(NotInScope):
        person_viewer(SUP3, 7, edges)  # someone else's team
    with pytest.raises(NotInScope):
        person_viewer(OPERATOR, None, edges)  # the operator has no day of their own
    assert person_viewer(SUP3, 4, edges).person_ids == {4}
    assert person_viewer(SUP3, None, edges, with_team=False).person_ids == {3}
    assert {r[2] for r in rows(day_db, person_viewer(SUP3, None, edges, False))} == {3}


def test_logging_from_the_agenda_clears_the_row(day_db) -> None:
    engine = day_db.engine
    with pytest.raises(ActionRefused):
        plan_visit(engine, REP4, 3, dt.datetime(2026, 11, 17, 9, 0), now=NOON)  # rep 5's
    with pytest.raises(ActionRefused):
        plan_visit(engine, REP4, 1, dt.datetime(2026, 11, 15, 9, 0), now=NOON)  # passed
    plan = _plan_id(day_db, 2)
    with pytest.raises(ActionRefused):
        log_visit(engine, REP7, plan, FollowUpInput(DAY, "visit"), DAY)  # not in rep 7's scope
    log_visit(engine, REP4, plan, FollowUpInput(DAY, "visit"), DAY)
    log_followup(engine, REP4, 1, FollowUpInput(DAY, "phone"), DAY)  # the promise kept
    assert rows(day_db, REP4) == [
        ("milestone", "2026-11-15", 4, 1),
        ("meeting", "2026-11-16 09:00", 4, None),
    ]
    with read_session(engine) as session:
        done = session.get(VisitPlan, plan)
        assert done is not None and done.status == "done"
        logged = session.get(FollowUp, done.followup_id)
        assert logged is not None and logged.channel == "visit" and logged.customer_id == 2
    with pytest.raises(ActionRefused):
        cancel_visit(engine, REP4, plan)  # already logged


def _plan_id(db: Db, customer_id: int) -> int:
    with read_session(db.engine) as session:
        return int(
            session.scalars(
                select(VisitPlan.plan_id).where(VisitPlan.customer_id == customer_id)
            ).one()
        )


def test_a_pool_warning_names_the_day_the_release_rule_would_release() -> None:
    book = pl.DataFrame(
        {
            "customer_id": [1, 2, 3],
            "owner_id": [4, 4, 4],
            "name": ["a", "b", "c"],
            "locked": [False, True, False],
            "owned_since": [dt.date(2026, 10, 1), dt.date(2026, 10, 1), None],
            "created_on": [dt.date(2026, 1, 1)] * 3,
        }
    )
    last = pl.DataFrame(
        {"customer_id": [1, 3], "last_followup": [dt.date(2026, 10, 20), dt.date(2026, 11, 1)]}
    )
    warned = release_warnings(book, last, DAY, 30, 5)
    assert warned.select("customer_id", "release_on").rows() == [(1, dt.date(2026, 11, 20))]
    wins = pl.DataFrame(schema={"customer_id": pl.Int64, "last_win": pl.Date})
    for on, released in ((dt.date(2026, 11, 19), []), (dt.date(2026, 11, 20), [1])):
        found = pool_logic.release_candidates(book, last, wins, on, 30, 10_000)
        assert found["customer_id"].to_list() == released  # the same clock as the release


def test_merge_orders_by_due_and_keeps_the_scope() -> None:
    day = dt.date(2026, 11, 16)
    items = [
        AgendaItem("meeting", dt.datetime(2026, 11, 16, 9), 4, "m", "x:1"),
        AgendaItem("followup", day, 4, "f", "x:2"),
        AgendaItem("followup", day, 5, "not in scope", "x:3"),
        AgendaItem("milestone", dt.date(2026, 11, 1), 4, "late", "x:4"),
        AgendaItem("followup", day, 4, "twice", "x:2"),
    ]
    merged = merge([("p", i) for i in items], REP4)
    assert [i.title for i in merged] == ["late", "f", "m"]
    assert landing_page("rep") == landing_page("supervisor") == "today"
    assert landing_page("director") == landing_page("manager") == "home"


# -- the CLI on the small demo ----------------------------------------------------------
@pytest.fixture
def demo(demo_db: Db, monkeypatch: pytest.MonkeyPatch, app_env: None) -> Iterator[Db]:
    use_db(monkeypatch, demo_db)
    cli.build_app()
    yield demo_db


def _today(login: str | None, *args: str) -> tuple[int, str, str]:
    user = ["--user", login] if login else []
    result = runner.invoke(
        cli.app,
        [*user, "today", "--date", "2026-11-16", *args],
        env={"COMMAND_CENTER_PASSWORD": "demo-pass-2026"},
    )
    return result.exit_code, result.stdout, result.stderr


def test_cli_today_prints_the_agenda_by_due_in_scope(demo: Db) -> None:
    code, out, _ = _today("supervisor")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "kind,due,person_id,customer_id,title" == ",".join(AGENDA_COLUMNS)
    frame = pl.read_csv(out.encode(), schema_overrides={"due": pl.String})
    assert frame.height > 5 and set(frame["kind"]) <= set(AGENDA_KINDS)
    assert frame["due"].to_list() == sorted(frame["due"].to_list())
    team = viewer_for(demo.engine, apptest.signed_in(demo.engine, "supervisor")).person_ids
    team_keys = set(keys_for(demo.engine, "person", team or ()).values())  # the CLI prints keys
    assert team is not None and set(frame["person_id"]) <= team_keys
    assert len(set(frame["person_id"])) > 1
    assert "meeting" in set(frame["kind"])  # the team's weekly meeting on Monday
    code, mine, _ = _today("rep")
    me = apptest.signed_in(demo.engine, "rep").person_id
    assert code == 0
    assert set(pl.read_csv(mine.encode())["person_id"]) == {key_of(demo.engine, "person", me)}
    code, table, _ = _today("rep", "--format", "table")
    assert code == 0 and "pool_release" in table
    code, _, err = _today(None)
    assert code == 1 and "--user" in err
    code, _, err = _today("rep", "--format", "xml")
    assert code == 1 and "xml" in err


# -- the page ----------------------------------------------------------------------------
@pytest.mark.one_backend
def test_a_rep_lands_on_today_and_logs_the_promised_call_from_its_row(
    day_db: Db, monkeypatch: pytest.MonkeyPatch, app_env: None
) -> None:
    engine = day_db.engine
    with write_session(engine) as session:
        add_user(session, "rep4", "demo-pass-2026", "rep", 4)
    use_db(monkeypatch, day_db)
    at = apptest.start(engine, "rep4")  # runs the release: customers 2-4 won nothing in 90 days
    assert not at.exception and apptest.page_paths(at)[:2] == ["", "home"]
    shown = apptest.texts(at)
    assert "Agenda of 代表一" in shown and "Call back 甲公司, as promised" in shown
    assert "today_person" not in [s.key for s in at.selectbox]  # a rep sees their own day
    at = at.button(key="today_btn_customers:followup:1").click().run()
    at.text_area(key="today_customers:followup:1_notes").input("答应的电话")
    at = next(b for b in at.button if b.label == "Log follow-up").click().run()
    assert not at.exception and not at.error
    assert "Logged a Phone with 甲公司" in apptest.texts(at)
    assert "Call back 甲公司, as promised" not in apptest.texts(at)
    with read_session(engine) as session:
        notes = session.scalars(
            select(FollowUp.notes).where(FollowUp.customer_id == 1, FollowUp.person_id == 4)
        ).all()
    assert "答应的电话" in notes


@pytest.mark.one_backend
def test_a_director_lands_on_home_and_opens_today_for_someone_in_scope(
    demo_db: Db, monkeypatch: pytest.MonkeyPatch, app_env: None
) -> None:
    use_db(monkeypatch, demo_db)
    at = apptest.start(demo_db.engine, "director")
    assert apptest.page_paths(at)[:2] == ["", "today"]  # home first, Today beside it
    assert "Command center" in apptest.texts(at)
    at = apptest.open_page(at, "today")
    director = apptest.signed_in(demo_db.engine, "director").person_id
    team = f"today_team:{director}"
    assert at.toggle(key=team).value is False  # the force is big: the director's own rows
    own_rows = apptest.texts(at)
    at = at.toggle(key=team).set_value(True).run()
    assert not at.exception and apptest.texts(at) != own_rows  # the force's rows beside
    rep = apptest.signed_in(demo_db.engine, "rep").person_id
    at = at.selectbox(key="today_person").set_value(rep).run()
    assert not at.exception and not at.error
    people = frames.all_people(demo_db.engine)
    name = people.filter(pl.col("person_id") == rep)["name"].item()
    assert f"Agenda of {name}" in apptest.texts(at)
