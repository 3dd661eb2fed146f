"""The morning kick-off (早启动) and the evening review (夕会), issue 15 item 4: workday
series (Monday to Friday or custom days), goals stated at the kick-off (a member's own,
or typed by the leader), the evening review's goals beside the day's activity, attendance
as for other meetings, and the migration on a database holding events; SQLite and
PostgreSQL. The small org and its activity are tests/test_reports.py's: on Tue
2026-12-01 rep 4 made 2 visits, 1 call and 1 new customer, rep 5 one visit.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator

import polars as pl
import pytest
from alembic import command
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from command_center import testing as apptest
from command_center.db import migrate
from command_center.db.engine import dispose_engine, get_engine, read_session
from command_center.metrics import MetricRegistry
from command_center.periods import parse_period
from plugins.team_events import actions as te_actions
from plugins.team_events.actions.goals import DayGoal, set_goals
from plugins.team_events.errors import RecurrenceError, TeamEventsError
from plugins.team_events.logic import goals as goals_logic
from plugins.team_events.logic.recurrence import describe, occurrences, parse_weekdays
from plugins.team_events.models import EventSeries
from plugins.team_events.queries import goals as goals_q
from tests.conftest import BACKENDS, Db, _drop_db, small_org_copy
from tests.factories import load_small_org
from tests.fixtures_reports import page_fixtures, reports_host
from tests.test_reports import (
    MON,
    REP,
    REP_B,
    SUP,
    SUP_B,
    TODAY,
    TUE,
    write_activity,
)

WED = dt.date(2026, 12, 2)


def test_a_workday_series_falls_on_its_weekdays() -> None:
    assert occurrences(WED, "workdays", count=5) == [
        WED,
        dt.date(2026, 12, 3),
        dt.date(2026, 12, 4),
        dt.date(2026, 12, 7),
        dt.date(2026, 12, 8),
    ]
    assert occurrences(TUE, "workdays", count=3, weekdays=(2, 0)) == [
        WED,
        dt.date(2026, 12, 7),
        dt.date(2026, 12, 9),
    ]
    assert occurrences(dt.date(2026, 12, 4), "workdays", until=dt.date(2026, 12, 8)) == [
        dt.date(2026, 12, 4),
        dt.date(2026, 12, 7),
        dt.date(2026, 12, 8),
    ]
    for bad, key in (((), "team_events.error.weekdays"), ((7,), "team_events.error.weekdays")):
        with pytest.raises(RecurrenceError) as refused:
            occurrences(WED, "workdays", count=2, weekdays=bad)
        assert refused.value.key == key
    with pytest.raises(RecurrenceError) as refused:
        occurrences(WED, "workdays", count=105)
    assert refused.value.key == "team_events.error.too_many"
    assert describe("workdays", 1, WED) == ("team_events.rule.mon_fri", {"days": [0, 1, 2, 3, 4]})
    assert describe("workdays", 1, WED, (0, 2)) == ("team_events.rule.workdays", {"days": [0, 2]})
    assert parse_weekdays("") == (0, 1, 2, 3, 4) and parse_weekdays("1,3") == (1, 3)


def test_the_review_sets_goals_beside_the_days_figures() -> None:
    members = pl.DataFrame({"person_id": [5, 4, 3], "name": ["乙", "甲", "丙"]})
    goals = pl.DataFrame(
        {"person_id": [4, 5], "visits": [3, 1], "calls": [2, 0], "new_customers": [0, 0],
         "note": ["拜访甲公司", ""]}
    )  # fmt: skip
    actuals = pl.DataFrame(
        {"person_id": [4, 4, 4, 5], "metric": ["visits", "calls", "new_customers", "visits"],
         "value": [2.0, 1.0, 1.0, 1.0]}
    )  # fmt: skip
    rows = goals_logic.review(members, goals, actuals)
    assert rows.columns == list(goals_logic.REVIEW_SCHEMA)
    got = {r["person_id"]: r for r in rows.rows(named=True)}
    assert (got[4]["visits_goal"], got[4]["visits_done"], got[4]["met"]) == (3.0, 2.0, False)
    assert (got[5]["calls_goal"], got[5]["calls_done"], got[5]["met"]) == (0.0, 0.0, True)
    assert (got[3]["visits_goal"], got[3]["visits_done"], got[3]["met"]) == (None, 0.0, None)


@pytest.fixture(params=BACKENDS)
def org(request, tmp_path, pg_databases) -> Iterator[Db]:
    db = small_org_copy(
        request.param, tmp_path, pg_databases, "customers_team_events", reports_host
    )
    write_activity(db.engine)
    yield db
    _drop_db(db, pg_databases)


def daily_series(db: Db, kind: str, start: str) -> list[int]:
    new = te_actions.NewEvent(
        kind=kind, title=kind, team_root=3, first_date=MON, start_time=start,
        duration_minutes=15, recurrence="workdays", count=5,
    )  # fmt: skip
    return te_actions.schedule(db.engine, SUP, new, "sup")


def test_a_leader_schedules_kickoffs_and_reviews_on_workdays(org) -> None:
    ids = daily_series(org, "kickoff", "08:30")
    events = te_actions_events(org, ids)
    assert events["event_date"].to_list() == [MON + dt.timedelta(days=i) for i in range(5)]
    assert set(events["kind"]) == {"kickoff"}
    with read_session(org.engine) as session:
        series = session.scalars(select(EventSeries)).one()
        assert (series.recurrence, series.weekdays, series.occurrences) == (
            "workdays",
            "0,1,2,3,4",
            5,
        )
    custom = te_actions.NewEvent(
        kind="evening_review", title="夕会", team_root=3, first_date=MON, start_time="18:00",
        recurrence="workdays", count=4, weekdays=(0, 2, 4),
    )  # fmt: skip
    dates = te_actions_events(org, te_actions.schedule(org.engine, SUP, custom, "sup"))
    assert dates["event_date"].to_list() == [MON, WED, dt.date(2026, 12, 4), dt.date(2026, 12, 7)]
    weekend = te_actions.NewEvent(
        kind="kickoff", title="k", team_root=3, first_date=MON, recurrence="workdays",
        until=dt.date(2026, 12, 4), weekdays=(5, 6),
    )  # fmt: skip
    with pytest.raises(TeamEventsError) as refused:
        te_actions.schedule(org.engine, SUP, weekend, "sup")
    assert refused.value.key == "team_events.error.no_dates"
    with pytest.raises(TeamEventsError) as refused:
        te_actions.schedule(org.engine, REP, weekend, "rep")
    assert refused.value.key == "team_events.error.leaders_only"


def te_actions_events(db: Db, ids: list[int]) -> pl.DataFrame:
    from plugins.team_events import queries

    return queries.events(db.engine, SUP).filter(pl.col("event_id").is_in(ids)).sort("event_date")


def test_goals_are_stated_at_the_kickoff_by_the_member_or_typed_by_the_leader(org) -> None:
    kickoffs = daily_series(org, "kickoff", "08:30")
    reviews = daily_series(org, "evening_review", "18:00")
    tuesday = kickoffs[1]
    assert set_goals(org.engine, REP, tuesday, {4: DayGoal(3, 2, 0, "拜访甲公司")}, "rep") == 1
    assert set_goals(org.engine, SUP, tuesday, {5: DayGoal(1, 0, 0)}, "sup") == 1
    assert set_goals(org.engine, REP, tuesday, {4: DayGoal(3, 2, 0, "拜访甲公司")}, "rep") == 0
    refusals = [
        (REP, tuesday, {5: DayGoal(1)}, "team_events.error.goals_own_only"),
        (REP_B, tuesday, {4: DayGoal(1)}, "team_events.error.goals_own_only"),
        (SUP_B, tuesday, {4: DayGoal(1)}, "team_events.error.event_not_found"),
        (SUP, reviews[1], {4: DayGoal(1)}, "team_events.error.goals_kickoff_only"),
        (SUP, tuesday, {7: DayGoal(1)}, "team_events.error.not_invited"),
        (SUP, tuesday, {4: DayGoal(1000)}, "team_events.error.goal"),
        (SUP, tuesday, {4: DayGoal(-1)}, "team_events.error.goal"),
    ]
    for viewer, event_id, goals, key in refusals:
        with pytest.raises(TeamEventsError) as refused:
            set_goals(org.engine, viewer, event_id, goals, viewer.login)
        assert refused.value.key == key
    assert goals_q.goals(org.engine, REP, tuesday).select("person_id", "visits").rows() == [(4, 3)]
    assert goals_q.goals(org.engine, SUP, tuesday)["person_id"].to_list() == [4, 5]

    row = te_actions_events(org, [reviews[1]]).row(0, named=True)
    rows, kickoff = goals_q.review(org.engine, MetricRegistry(reports_host()), SUP, row)
    assert kickoff is not None and kickoff["event_id"] == tuesday
    got = {r["person_id"]: r for r in rows.rows(named=True)}
    assert sorted(got) == [3, 4, 5]  # the whole team was invited, the supervisor too
    anna, bo, boss = got[4], got[5], got[3]
    figures = [anna[f"{m}_{p}"] for m in goals_logic.GOAL_METRICS for p in ("goal", "done")]
    assert figures == [3.0, 2.0, 2.0, 1.0, 0.0, 1.0]
    assert (anna["met"], anna["note"]) == (False, "拜访甲公司")
    assert (bo["visits_goal"], bo["visits_done"], bo["met"]) == (1.0, 1.0, True)
    assert (boss["visits_goal"], boss["met"]) == (None, None)
    # a rep reviewing sees their own row only
    mine, _ = goals_q.review(org.engine, MetricRegistry(reports_host()), REP, row)
    assert mine["person_id"].to_list() == [4]
    # Monday's review had no goals stated
    monday = te_actions_events(org, [reviews[0]]).row(0, named=True)
    none, found = goals_q.review(org.engine, MetricRegistry(reports_host()), SUP, monday)
    assert found is not None and none["visits_goal"].null_count() == 3


def test_attendance_of_a_kickoff_counts_as_a_meeting(org) -> None:
    tuesday = daily_series(org, "kickoff", "08:30")[1]
    changed = te_actions.record_attendance(
        org.engine, SUP, tuesday, {4: "present", 5: "absent", 3: "present"}, "sup", today=TODAY
    )
    assert changed == 3
    registry = MetricRegistry(reports_host())
    values = registry.person_values(
        org.engine, SUP, "meeting_attendance", parse_period("2026-12")
    ).select("person_id", "num", "den")
    assert values.rows() == [(3, 1.0, 1.0), (4, 1.0, 1.0), (5, 0.0, 1.0)]


# -- the migration on a database that holds events -------------------------------------------


@pytest.fixture(params=BACKENDS)
def bare_url(request, tmp_path, pg_databases) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/up-{uuid.uuid4().hex[:8]}.db"
        yield url
        dispose_engine(url)
    else:
        url = pg_databases.create()
        yield url
        pg_databases.drop(url)


EVENT_SQL = text(
    "INSERT INTO team_events_events (event_id, kind, title, team_root, event_date, "
    "start_time, duration_minutes, location, status, agenda, notes, decisions, created_by) "
    "VALUES (:id, :kind, 'e', 3, :day, '09:00', 60, '', 'held', '', '', '', 'x')"
)
OLDER_ROWS = (
    "INSERT INTO team_events_series (series_id, kind, title, team_root, recurrence, every, "
    "first_date, occurrences, created_by) VALUES (1, 'weekly_meeting', 'w', 3, 'weekly', 1, "
    "'2026-11-02', 1, 'x')",
    "UPDATE team_events_events SET series_id = 1",
    "INSERT INTO team_events_invitees VALUES (1, 4, 'present')",
    "INSERT INTO team_events_actions (action_id, event_id, team_root, owner_id, title, "
    "due_date, status, created_on, created_by) VALUES (1, 1, 3, 4, 'a', '2026-11-09', 'open', "
    "'2026-11-02', 'x')",
)


def test_the_upgrade_keeps_events_and_takes_the_new_kinds(bare_url) -> None:
    engine = get_engine(bare_url)
    host = reports_host()
    tracks = migrate.tracks(host)
    own = next(t for t in tracks if t.owner == "team_events")
    for track in tracks:
        target = "team_events_0002" if track is own else "heads"
        command.upgrade(migrate.alembic_config(engine, track), target)
    load_small_org(engine)
    with engine.begin() as conn:
        conn.execute(EVENT_SQL, {"id": 1, "kind": "weekly_meeting", "day": MON})
        for statement in OLDER_ROWS:
            conn.execute(text(statement))
    command.upgrade(migrate.alembic_config(engine, own), "heads")
    with engine.begin() as conn:
        kept = [
            conn.execute(text(f"SELECT count(*) FROM {table}")).scalar()
            for table in ("team_events_events", "team_events_invitees", "team_events_actions")
        ]
        assert kept == [1, 1, 1]
        assert conn.execute(text("SELECT weekdays FROM team_events_series")).scalar() == ""
        conn.execute(EVENT_SQL, {"id": 2, "kind": "kickoff", "day": TUE})
        conn.execute(EVENT_SQL, {"id": 3, "kind": "evening_review", "day": TUE})
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(EVENT_SQL, {"id": 4, "kind": "party", "day": TUE})
    assert migrate.pending(engine, host) == []


# -- the pages ---------------------------------------------------------------------------------


demo, app = page_fixtures("kickoff")


@pytest.mark.one_backend
def test_a_supervisor_types_goals_at_the_kickoff_and_reads_them_at_the_review(app) -> None:
    from plugins.team_events import queries
    from plugins.team_events.queries.teams import team_members
    from tests.fixtures_team_events import viewer

    engine = app.engine
    sup = viewer(engine, "supervisor")
    day = dt.date.today()
    for kind, start in (("kickoff", "08:30"), ("evening_review", "18:00")):
        new = te_actions.NewEvent(
            kind=kind, title=kind, team_root=sup.person_id, first_date=day, start_time=start,
            recurrence="workdays", count=1, weekdays=(day.weekday(),),
        )  # fmt: skip
        te_actions.schedule(engine, sup, new, "supervisor")
    today_events = queries.events(engine, sup, day, day).filter(
        pl.col("team_root") == sup.person_id
    )
    ids = dict(today_events.select("kind", "event_id").iter_rows())
    reps = sorted(team_members(engine, sup.person_id) - {sup.person_id})
    rep_id = reps[0]

    at = apptest.open_page(apptest.start(engine, "supervisor"), "team-meetings")
    assert not at.exception
    at.selectbox(key="team_events_mt_pick").set_value(ids["kickoff"]).run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "Today's goals" in apptest.texts(at)
    person = next(s for s in at.selectbox if s.label == "Person")
    person.set_value(rep_id)
    next(
        n for n in at.number_input if n.label == "Customer visits" or n.label == "Visits"
    ).set_value(4)
    next(b for b in at.button if b.label == "Save goals").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "Goals of " in apptest.texts(at)
    stated = goals_q.goals(engine, sup, ids["kickoff"])
    assert stated.select("person_id", "visits").rows() == [(rep_id, 4)]

    at.selectbox(key="team_events_mt_pick").set_value(ids["evening_review"]).run()
    assert not at.exception and not at.error
    assert "Goals beside the day's activity" in apptest.texts(at)
    assert apptest.page_problems(at) == []
    table = next(f.value for f in at.dataframe if "visits_goal" in f.value.columns)
    assert table["visits_goal"].dropna().tolist() == [4.0]
