"""Daily and weekly reports (issue 15, item 3): submitting with the day's figures as they
stood, late marks, roles and scope in the actions and the reads, comments that notify,
the agenda's report rows, ``report_rate`` at day, week and month grain, and the pages
(a rep submits, a supervisor comments) on SQLite and PostgreSQL.

The small org (tests/factories.py): supervisor 3 leads reps 4 and 5, supervisor 6
leads rep 7, manager 2 above both, director 1. The activity below is written by hand,
so every figure is counted by hand:

- rep 4 on Tue 2026-12-01: two visits, a call and an online follow-up on customer 1
  (4 follow-ups), customer 2 created (1 new customer), two order lines (1,000 + 500);
- rep 4 on Mon 2026-11-30: one call; rep 5 on 2026-12-01: one visit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import polars as pl
import pytest
from sqlalchemy import select

from command_center import agenda
from command_center import testing as apptest
from command_center.db.engine import read_session, write_session
from command_center.db.models import Customer, Notification, OrderLine, Target
from command_center.metrics import MetricRegistry
from command_center.org.scope import Viewer
from command_center.periods import containing, parse_period
from command_center.plugins import PluginHost
from plugins.customers.models import FollowUp
from plugins.team_events import metrics as te_metrics
from plugins.team_events.actions import reports as actions
from plugins.team_events.errors import TeamEventsError
from plugins.team_events.logic.reports import ReportText
from plugins.team_events.models import ReportComment, ReportRead
from plugins.team_events.queries import agenda as agenda_q
from plugins.team_events.queries import reports as queries
from tests.conftest import BACKENDS, Db, _drop_db, small_org_copy
from tests.fixtures_reports import page_fixtures, reports_host

DIRECTOR = Viewer("director", "director", 1, None)
MANAGER = Viewer("manager", "manager", 2, frozenset({2, 3, 4, 5, 6, 7}))
SUP = Viewer("sup", "supervisor", 3, frozenset({3, 4, 5}))
SUP_B = Viewer("sup-b", "supervisor", 6, frozenset({6, 7}))
REP = Viewer("rep", "rep", 4, frozenset({4}))
REP_B = Viewer("rep-b", "rep", 5, frozenset({5}))
ADMIN = Viewer("admin", "admin", None, frozenset())
MON, TUE, WED = dt.date(2026, 11, 30), dt.date(2026, 12, 1), dt.date(2026, 12, 2)
TODAY = dt.date(2026, 12, 3)
TEXT = ReportText(wins="签下甲公司", problems="", help_needed="报价审批", plan="拜访乙公司")


def at(day: dt.date, hh: int, mm: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hh, mm))


def write_activity(engine) -> None:
    with write_session(engine) as session:
        session.add(
            Customer(customer_id=2, name="乙公司", industry="制造", size="smb", owner_id=4,
                     region="华东", created_on=TUE)
        )  # fmt: skip
        session.flush()
        rows = [
            (1, 4, TUE, "visit"),
            (2, 4, TUE, "visit"),
            (3, 4, TUE, "phone"),
            (4, 4, TUE, "online"),
            (5, 4, MON, "phone"),
            (6, 5, TUE, "visit"),
        ]
        for fid, person, day, channel in rows:
            session.add(
                FollowUp(followup_id=fid, customer_id=1, person_id=person, followup_date=day,
                         channel=channel)
            )  # fmt: skip
        for oid, revenue in ((10, 1000.0), (11, 500.0)):
            session.add(
                OrderLine(order_id=oid, customer_id=1, person_id=4, order_date=TUE,
                          revenue=revenue, cost=revenue / 2)
            )  # fmt: skip
        session.add(Target(person_id=4, period=TUE.isoformat(), metric="visits", target=3.0))


@pytest.fixture(params=BACKENDS)
def org(request, tmp_path, pg_databases, monkeypatch) -> Iterator[tuple[Db, PluginHost]]:
    host = reports_host()
    db = small_org_copy(
        request.param, tmp_path, pg_databases, "customers_team_events", reports_host
    )
    write_activity(db.engine)
    monkeypatch.setattr(te_metrics, "today", lambda: TODAY)
    monkeypatch.setattr(agenda_q, "today", lambda: MON)  # the agenda's days below are ahead
    yield db, host
    _drop_db(db, pg_databases)


def submit(db: Db, host: PluginHost, viewer: Viewer, label: str, when: dt.datetime) -> int:
    registry = MetricRegistry(host)
    return actions.save(
        db.engine, registry, host, viewer, label, TEXT, viewer.login, submit=True, now=when
    )


def test_a_submitted_report_keeps_the_days_figures_and_is_late_after_the_deadline(org) -> None:
    db, host = org
    registry = MetricRegistry(host)
    draft = actions.save(
        db.engine, registry, host, REP, "2026-12-01", ReportText(wins="草稿"), "rep",
        now=at(TUE, 10),
    )  # fmt: skip
    row = queries.report(db.engine, REP, draft)
    assert row is not None and row["submitted_at"] is None and row["wins"] == "草稿"
    assert queries.snapshots(db.engine, REP, [draft]) == {draft: {}}

    sent = submit(db, host, REP, "2026-12-01", at(TUE, 21, 30))
    assert sent == draft  # the draft became the report
    row = queries.report(db.engine, REP, sent)
    assert row["submitted_at"] == at(TUE, 21, 30) and row["late"] is True
    assert row["due_at"] == at(TUE, 20)
    texts = (row["wins"], row["help_needed"], row["plan"])
    assert texts == ("签下甲公司", "报价审批", "拜访乙公司")
    snap = queries.snapshots(db.engine, REP, [sent])[sent]
    assert snap["figures"] == {
        "visits": 2.0,
        "calls": 1.0,
        "followups": 4.0,
        "new_customers": 1.0,
        "order_lines": 2.0,
        "revenue": 1500.0,
    }  # no plugin in this host publishes deals_moved: left out, shown as "—"
    assert snap["agenda_day"] == "2026-12-02"
    assert all(item["kind"] != "report" for item in snap["agenda"])

    on_time = submit(db, host, REP, "2026-11-30", at(MON, 19, 59))
    row = queries.report(db.engine, REP, on_time)
    assert row["late"] is False
    figures = queries.snapshots(db.engine, REP, [on_time])[on_time]["figures"]
    assert (figures["calls"], figures["visits"], figures["followups"], figures["revenue"]) == (
        1.0,
        0.0,
        1.0,
        0.0,
    )
    with pytest.raises(TeamEventsError) as refused:
        submit(db, host, REP, "2026-12-01", at(WED, 9))
    assert refused.value.key == "team_events.error.report_submitted"


def test_a_weekly_report_covers_the_iso_week_and_is_due_on_friday(org) -> None:
    db, host = org
    rid = submit(db, host, REP, "2026-W49", at(TODAY, 18))
    row = queries.report(db.engine, REP, rid)
    assert (row["grain"], row["first_day"], row["late"]) == ("week", MON, False)
    assert row["due_at"] == at(dt.date(2026, 12, 4), 20)
    figures = queries.snapshots(db.engine, REP, [rid])[rid]["figures"]
    # Monday's call, Tuesday's 4 follow-ups: 5 follow-ups, 2 visits, 2 calls in the week
    assert (figures["followups"], figures["visits"], figures["calls"]) == (5.0, 2.0, 2.0)
    assert queries.snapshots(db.engine, REP, [rid])[rid]["agenda_day"] == "2026-12-07"


def test_who_may_write_a_report(org) -> None:
    db, host = org
    for viewer, key in (
        (ADMIN, "team_events.error.report_role"),
        (Viewer("x", "rep", None, frozenset()), "team_events.error.no_person"),
    ):
        with pytest.raises(TeamEventsError) as refused:
            submit(db, host, viewer, "2026-12-01", at(TUE, 18))
        assert refused.value.key == key
    for label, key in (
        ("2026-12-04", "team_events.error.report_future"),
        ("2026-12", "team_events.error.report_period"),
        ("2026-W60", "team_events.error.report_period"),
    ):
        with pytest.raises(TeamEventsError) as refused:
            submit(db, host, REP, label, at(TODAY, 18))
        assert refused.value.key == key
    with pytest.raises(TeamEventsError) as refused:
        actions.save(
            db.engine, MetricRegistry(host), host, REP, "2026-12-01", ReportText(), "rep",
            submit=True, now=at(TUE, 18),
        )  # fmt: skip
    assert refused.value.key == "team_events.error.report_empty"
    # A supervisor's own report is theirs: the person is always the viewer's.
    rid = submit(db, host, SUP, "2026-12-01", at(TUE, 18))
    assert queries.report(db.engine, SUP, rid)["person_id"] == 3


def test_leaders_read_their_scope_only(org) -> None:
    db, host = org
    mine = submit(db, host, REP, "2026-12-01", at(TUE, 18))
    other = submit(db, host, Viewer("rep7", "rep", 7, frozenset({7})), "2026-12-01", at(TUE, 18))
    day = parse_period("2026-12-01")
    assert queries.reports(db.engine, SUP, day)["person_id"].to_list() == [4]
    assert queries.reports(db.engine, SUP_B, day)["person_id"].to_list() == [7]
    assert queries.reports(db.engine, MANAGER, day)["person_id"].to_list() == [4, 7]
    assert queries.reports(db.engine, REP_B, day).is_empty()
    assert queries.reports(db.engine, ADMIN, day).is_empty()
    assert queries.report(db.engine, SUP_B, mine) is None
    assert queries.snapshots(db.engine, SUP_B, [mine, other]).keys() == {other}
    assert queries.comments(db.engine, REP_B, [mine]).is_empty()
    for viewer, key in (
        (SUP_B, "team_events.error.report_not_found"),
        (REP_B, "team_events.error.report_not_found"),
    ):
        with pytest.raises(TeamEventsError) as refused:
            actions.comment(db.engine, viewer, mine, "好", viewer.login)
        assert refused.value.key == key
    with pytest.raises(TeamEventsError) as refused:
        actions.mark_read(db.engine, REP_B, [mine], "rep-b")
    assert refused.value.key == "team_events.error.leaders_only"
    with pytest.raises(TeamEventsError) as refused:
        actions.mark_read(db.engine, SUP_B, [mine], "sup-b")
    assert refused.value.key == "team_events.error.report_not_found"
    own = submit(db, host, SUP, "2026-12-01", at(TUE, 18))
    with pytest.raises(TeamEventsError) as refused:
        actions.mark_read(db.engine, SUP, [own], "sup")
    assert refused.value.key == "team_events.error.report_own"


def test_a_draft_is_not_for_leaders_to_answer(org) -> None:
    db, host = org
    draft = actions.save(
        db.engine, MetricRegistry(host), host, REP, "2026-12-01", TEXT, "rep", now=at(TUE, 12)
    )
    day = parse_period("2026-12-01")
    assert queries.reports(db.engine, SUP, day, submitted_only=True).is_empty()
    with pytest.raises(TeamEventsError) as refused:
        actions.comment(db.engine, SUP, draft, "?", "sup")
    assert refused.value.key == "team_events.error.report_not_found"


def test_a_comment_marks_read_and_tells_the_author(org) -> None:
    db, host = org
    rid = submit(db, host, REP, "2026-12-01", at(TUE, 18))
    cid = actions.comment(db.engine, SUP, rid, "报价今天批", "sup", now=at(TUE, 22))
    notes = queries.comments(db.engine, REP, [rid])
    assert notes.select("comment_id", "author_id", "body").rows() == [(cid, 3, "报价今天批")]
    assert queries.reads(db.engine, REP, [rid]).select("reader_id").rows() == [(3,)]
    actions.comment(db.engine, REP, rid, "收到", "rep", now=at(TUE, 22, 5))  # the author answers
    assert queries.comments(db.engine, SUP, [rid])["author_id"].to_list() == [3, 4]
    # the manager reads it too; a second mark changes nothing
    assert actions.mark_read(db.engine, MANAGER, [rid], "manager") == 1
    assert actions.mark_read(db.engine, MANAGER, [rid], "manager") == 0
    assert actions.mark_read(db.engine, SUP, [rid], "sup") == 0  # commenting read it
    with read_session(db.engine) as session:
        readers = sorted(session.scalars(select(ReportRead.reader_id)))
        told = session.execute(
            select(Notification.person_id, Notification.kind, Notification.params)
        ).all()
        assert session.scalar(select(ReportComment.author).where(ReportComment.comment_id == cid))
    assert readers == [2, 3]
    assert [(p, k, dict(params)) for p, k, params in told] == [
        (4, "report_commented", {"period": "2026-12-01"})
    ]  # one notification: the author's own reply tells no one


def _report_rows(items: list[agenda.AgendaItem]) -> list[tuple[int | None, object, str]]:
    return [(i.person_id, i.due, i.key) for i in items if i.kind == "report"]


def test_the_agenda_asks_for_the_days_report_until_it_is_sent(org) -> None:
    db, host = org
    rows = _report_rows(agenda.gather(host, db.engine, REP, WED))
    assert rows == [(4, at(WED, 20), "team_events:report:4:2026-12-02")]
    mine = next(i for i in agenda.gather(host, db.engine, REP, WED) if i.kind == "report")
    assert mine.render_action is not None  # the rep's own row opens the form
    team = _report_rows(agenda.gather(host, db.engine, SUP, WED))
    assert [r[0] for r in team] == [4, 5]  # reps are expected, the supervisor is not
    led = [i for i in agenda.gather(host, db.engine, SUP, WED) if i.kind == "report"]
    assert all(i.render_action is None for i in led)  # no form for someone else's report
    submit(db, host, REP, "2026-12-02", at(WED, 17))
    assert [r[0] for r in _report_rows(agenda.gather(host, db.engine, SUP, WED))] == [5]
    assert _report_rows(agenda.gather(host, db.engine, REP, WED)) == []
    # Saturday is no workday; Friday asks for the week's report too
    assert _report_rows(agenda.gather(host, db.engine, REP, dt.date(2026, 12, 5))) == []
    friday = dt.date(2026, 12, 4)
    assert [r[2] for r in _report_rows(agenda.gather(host, db.engine, REP, friday))] == [
        "team_events:report:4:2026-12-04",
        "team_events:report:4:2026-W49",
    ]
    # the pinned CSV of `command-center today` carries the kind
    frame = agenda.agenda_frame(agenda.gather(host, db.engine, REP_B, WED))
    assert "report" in frame["kind"].to_list()


def test_todays_agenda_still_asks_for_the_last_workdays_report(org, monkeypatch) -> None:
    db, host = org
    monkeypatch.setattr(agenda_q, "today", lambda: WED)
    keys = [r[2] for r in _report_rows(agenda.gather(host, db.engine, REP, WED))]
    assert keys == ["team_events:report:4:2026-12-01", "team_events:report:4:2026-12-02"]
    assert _report_rows(agenda.gather(host, db.engine, REP, TUE)) == []  # a past day: none
    submit(db, host, REP, "2026-12-01", at(WED, 8))
    keys = [r[2] for r in _report_rows(agenda.gather(host, db.engine, REP, WED))]
    assert keys == ["team_events:report:4:2026-12-02"]
    # on a Monday the last workday is Friday
    monkeypatch.setattr(agenda_q, "today", lambda: MON)
    keys = [r[2] for r in _report_rows(agenda.gather(host, db.engine, REP, MON))]
    assert keys == ["team_events:report:4:2026-11-27", "team_events:report:4:2026-11-30"]


def test_report_rate_at_day_week_and_month(org) -> None:
    db, host = org
    registry = MetricRegistry(host)
    submit(db, host, REP, "2026-11-30", at(MON, 18))
    submit(db, host, REP, "2026-12-01", at(TUE, 18))
    actions.save(db.engine, registry, host, REP_B, "2026-12-01", TEXT, "rep-b", now=at(TUE, 9))

    def values(viewer: Viewer, label: str) -> dict[int, tuple[float, float]]:
        frame = registry.person_values(db.engine, viewer, "report_rate", parse_period(label))
        return {pid: (num, den) for pid, num, den in frame.select("person_id", "num", "den").rows()}

    # a day: reported 1/1; rep 5's draft does not count
    assert values(SUP, "2026-12-01") == {4: (1.0, 1.0), 5: (0.0, 1.0)}
    # the week 2026-W49 up to today (Thursday): Mon, Tue, Wed, Thu are its workdays so far
    assert values(SUP, "2026-W49") == {4: (2.0, 4.0), 5: (0.0, 4.0)}
    # November 2026 has 21 workdays; rep 4 reported on the 30th
    assert values(SUP, "2026-11") == {4: (1.0, 21.0), 5: (0.0, 21.0)}
    # December so far: 1, 2, 3
    assert values(REP, "2026-12") == {4: (1.0, 3.0)}
    # a team rolls up its reps (the supervisor is not expected to report)
    team = registry.rollup(db.engine, SUP, "report_rate", parse_period("2026-W49"))
    assert team.filter(pl.col("node_id") == 3).select("num", "den", "value").rows() == [
        (2.0, 8.0, 0.25)
    ]
    whole = registry.rollup(db.engine, DIRECTOR, "report_rate", parse_period("2026-W49"))
    assert whole.filter(pl.col("node_id") == 1).select("num", "den").rows() == [(2.0, 12.0)]


# -- the pages ------------------------------------------------------------------------------


demo, app = page_fixtures("reports")  # the page tests write reports into it


def clean(at) -> None:
    assert not at.exception, [str(e.value)[:500] for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert apptest.page_problems(at) == []


def widget(items, label: str):
    found = [w for w in items if w.label == label]
    assert found, (label, [w.label for w in items])
    return found[0]


PAGES = {
    "team-report": "My report",
    "team-reports": "Team reports",
    "team-board": "Supervisor's board",
}


@pytest.mark.one_backend
@pytest.mark.parametrize("lang", ["en", "zh_CN", "zh_TW"])
@pytest.mark.parametrize("login", ["director", "manager", "supervisor", "rep", "admin"])
def test_the_report_pages_render_for_every_role(app, login: str, lang: str) -> None:
    at = apptest.start(app.engine, login, lang)
    clean(at)
    paths = set(apptest.page_paths(at))
    expected = {
        "admin": set(),
        "rep": {"team-report"},
    }.get(login, set(PAGES))
    assert paths & set(PAGES) == expected
    for path in sorted(expected):
        at = apptest.open_page(at, path)
        clean(at)
        if lang == "en":
            assert PAGES[path] in apptest.texts(at)


@pytest.mark.one_backend
def test_a_rep_submits_the_days_report_and_the_supervisor_answers_it(app) -> None:
    engine = app.engine
    rep = apptest.signed_in(engine, "rep")
    at = apptest.open_page(apptest.start(engine, "rep"), "team-report")
    clean(at)
    day = dt.date.today()
    assert f"Report of {day.isoformat()}, due {day.isoformat()} 20:00." in apptest.texts(at)
    widget(at.text_area, "Wins").input("签下丙公司的试用")
    widget(at.text_area, "Help needed").input("需要技术支持")
    widget(at.button, "Submit").click().run()
    clean(at)
    assert f"Report of {day.isoformat()} submitted." in apptest.texts(at)
    mine = Viewer("rep", "rep", rep.person_id, frozenset({rep.person_id}))
    sent = queries.reports(engine, mine, parse_period(day.isoformat()))
    assert sent.select("person_id", "wins", "help_needed").rows() == [
        (rep.person_id, "签下丙公司的试用", "需要技术支持")
    ]
    rid = int(sent["report_id"][0])
    assert "Wins" not in [w.label for w in at.text_area]  # sent: shown, no longer a form
    assert "Not read yet." in apptest.texts(at)
    week = containing(day, "week")
    workdays = [d for d in week.days if d <= day and d.weekday() < 5]
    if workdays:  # the week's rate so far: this report over its workdays until today
        rate = f"{100 / len(workdays):.1f}%"
        assert f"Your daily report rate in {week.label} so far: {rate}." in apptest.texts(at)

    at = apptest.open_page(apptest.start(engine, "supervisor"), "team-reports")
    clean(at)
    shown = apptest.texts(at)
    assert "签下丙公司的试用" in shown and "Submitted 1" in shown
    assert f"Report rate {containing(day, 'week').label}" in shown
    widget(at.text_area, "Comment").input("明天一起去拜访")
    widget(at.button, "Send").click().run()
    clean(at)
    assert "Comment sent." in apptest.texts(at)
    notes = queries.comments(engine, mine, [rid])
    boss = apptest.signed_in(engine, "supervisor")
    assert notes.select("author_id", "body").rows() == [(boss.person_id, "明天一起去拜访")]
    with read_session(engine) as session:
        told = session.scalars(
            select(Notification.person_id).where(Notification.kind == "report_commented")
        ).all()
    assert told == [rep.person_id]
    # the rep sees the answer and that the supervisor read it
    at = apptest.open_page(apptest.start(engine, "rep"), "team-report")
    clean(at)
    shown = apptest.texts(at)
    assert "明天一起去拜访" in shown and "Read by " in shown


@pytest.mark.one_backend
def test_the_report_row_on_today_opens_the_form_and_submits(app) -> None:
    engine = app.engine
    rep = apptest.signed_in(engine, "rep2")
    day = dt.date.today()
    at = apptest.start(engine, "rep2")  # reps land on Today
    clean(at)
    title = f"Daily report {day.isoformat()} (due 20:00)"
    assert title in apptest.texts(at)
    key = f"today_btn_team_events:report:{rep.person_id}:{day.isoformat()}"
    at.button(key=key).click().run()
    clean(at)
    widget(at.text_area, "Wins").input("拿下一个新客户")
    widget(at.button, "Submit").click().run()
    clean(at)
    shown = apptest.texts(at)
    assert f"Report of {day.isoformat()} submitted." in shown
    assert title not in shown  # the row is done
    mine = Viewer("rep2", "rep", rep.person_id, frozenset({rep.person_id}))
    sent = queries.reports(engine, mine, parse_period(day.isoformat()))
    assert sent.select("wins").rows() == [("拿下一个新客户",)] and sent["submitted_at"][0]


RULES_SAVE = "FormSubmitter:team_events_rules-Save"


@pytest.mark.one_backend
def test_a_director_sets_when_reports_are_due(app) -> None:
    from plugins.team_events import settings as te_settings

    engine = app.engine
    at = apptest.open_page(apptest.start(engine, "director"), "team-building")
    clean(at)
    widget(at.text_input, "Reports due by (HH:MM)").input("18:30")
    widget(at.multiselect, "Workdays (a daily report is expected)").set_value([0, 1, 2, 3, 4, 5])
    at.button(key=RULES_SAVE).click().run()
    clean(at)
    assert "Rules saved." in apptest.texts(at)
    rules = te_settings.load(engine)
    assert (rules.report_due_time, rules.workdays, rules.report_levels) == (
        "18:30",
        [0, 1, 2, 3, 4, 5],
        ["rep"],
    )
    assert rules.default_start_time == "09:00"  # the other rules kept
    at = apptest.open_page(apptest.start(engine, "director"), "team-building")
    widget(at.text_input, "Reports due by (HH:MM)").input("25:00")
    at.button(key=RULES_SAVE).click().run()
    assert "Check the rules: times as HH:MM, at least one workday." in [e.value for e in at.error]
    assert te_settings.load(engine).report_due_time == "18:30"
    at = apptest.open_page(apptest.start(engine, "director"), "team-building")
    widget(at.text_input, "Reports due by (HH:MM)").input("20:00")
    widget(at.multiselect, "Workdays (a daily report is expected)").set_value([0, 1, 2, 3, 4])
    at.button(key=RULES_SAVE).click().run()
    assert te_settings.load(engine).workdays == [0, 1, 2, 3, 4]
