"""Team events pages under AppTest: every page for every role in both languages, and the
forms driven like a user would (schedule, raise an item, mark read, budgets)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from command_center import testing as apptest
from plugins.team_events import queries
from tests.conftest import use_db
from tests.fixtures_team_events import te_host, viewer

PAGES = {
    "team-events": "Calendar & events",
    "team-meetings": "Meetings",
    "team-actions": "Action items",
    "team-review": "Monthly review pack",
    "team-news": "Announcements",
    "team-digest": "Weekly digest",
    "team-building": "Team building",
}
LEADER_PAGES = {"team-review", "team-digest", "team-building"}


@pytest.fixture
def demo_app(demo_db, monkeypatch, app_env):
    use_db(monkeypatch, demo_db)
    return demo_db


@pytest.fixture
def te_app(te_db, monkeypatch, app_env):
    use_db(monkeypatch, te_db, te_host())
    return te_db


def clean(at) -> None:
    assert not at.exception, [str(e.value)[:500] for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def widget(items, label: str):
    found = [w for w in items if w.label == label]
    assert found, (label, [w.label for w in items])
    return found[0]


@pytest.mark.one_backend
@pytest.mark.parametrize("lang", ["en", "zh_CN"])
@pytest.mark.parametrize("login", ["director", "manager", "supervisor", "rep", "admin"])
def test_pages_render_for_every_role(demo_app, login: str, lang: str) -> None:
    at = apptest.start(demo_app.engine, login, lang)
    clean(at)
    paths = set(apptest.page_paths(at))
    expected = (
        set() if login == "admin" else set(PAGES) - (LEADER_PAGES if login == "rep" else set())
    )
    assert paths & set(PAGES) == expected
    for path in sorted(expected):
        at = apptest.open_page(at, path)
        clean(at)
        if lang == "en":
            assert PAGES[path] in apptest.texts(at)


@pytest.mark.one_backend
def test_home_cards_show_overdue_items_and_unread_news(demo_app) -> None:
    at = apptest.open_page(apptest.start(demo_app.engine, "rep"), "home")  # reps land on Today
    clean(at)
    shown = apptest.texts(at)
    assert "Overdue action items" in shown and "Yours: **" in shown
    assert "unread announcement" in shown
    at = apptest.open_page(apptest.start(demo_app.engine, "supervisor"), "home")
    assert "Your team: **" in apptest.texts(at)


@pytest.mark.one_backend
def test_rep_meetings_page_shows_only_own_items(demo_app) -> None:
    engine = demo_app.engine
    rep = viewer(engine, "rep")
    at = apptest.open_page(apptest.start(engine, "rep"), "team-meetings")
    clean(at)
    mine = set(queries.actions(engine, rep)["title"])
    others = set(queries.actions(engine, viewer(engine, "supervisor"))["title"]) - mine
    shown = apptest.texts(at)
    assert "Carried over from earlier meetings" in shown
    assert not [title for title in others if title in shown]


@pytest.mark.one_backend
def test_review_pack_page_for_a_manager(demo_app) -> None:
    at = apptest.open_page(apptest.start(demo_app.engine, "manager"), "team-review")
    clean(at)
    widget(at.selectbox, "Month").set_value(dt.date(2026, 10, 1)).run()
    clean(at)
    shown = apptest.texts(at)
    for part in ("Results vs target", "Honours", "Targets for 2026-11", "Top movers"):
        assert part in shown
    labels = [b.label for b in at.get("download_button")]
    assert {"Download (HTML, printable)", "Download (XLSX)", "Download (Markdown)"} <= set(labels)


@pytest.mark.one_backend
def test_supervisor_schedules_then_raises_an_item_in_the_app(te_app) -> None:
    engine = te_app.engine
    sup = viewer(engine, "supervisor")
    at = apptest.open_page(apptest.start(engine, "supervisor"), "team-events")
    clean(at)
    widget(at.selectbox, "Kind").set_value("weekly_meeting")
    widget(at.text_input, "Title").input("朱组周例会（新）")
    widget(at.date_input, "Date (first occurrence)").set_value(dt.date(2027, 2, 1))
    widget(at.radio, "Repeat").set_value("weekly")
    widget(at.number_input, "Number of occurrences").set_value(3)
    widget(at.button, "Schedule").click().run()
    clean(at)
    assert "3 events scheduled" in apptest.texts(at)
    new = queries.events(engine, sup).filter(pl.col("title") == "朱组周例会（新）")
    assert new["event_date"].to_list() == [
        dt.date(2027, 2, 1),
        dt.date(2027, 2, 8),
        dt.date(2027, 2, 15),
    ]

    at = apptest.open_page(at, "team-meetings")
    clean(at)
    first = int(new["event_id"][0])
    widget(at.selectbox, "Meeting").set_value(first).run()
    widget(at.text_input, "Action item").input("约客户上门演示新产品")
    widget(at.button, "Add").click().run()
    clean(at)
    assert "Action item #" in apptest.texts(at)
    raised = queries.actions(engine, sup).filter(pl.col("event_id") == first)
    assert raised["title"].to_list() == ["约客户上门演示新产品"]
    # The next meeting of the series shows it under "carried over".
    widget(at.selectbox, "Meeting").set_value(int(new["event_id"][1])).run()
    clean(at)
    assert "约客户上门演示新产品" in apptest.texts(at)


@pytest.mark.one_backend
def test_rep_marks_announcements_read_in_the_app(te_app) -> None:
    engine = te_app.engine
    rep = viewer(engine, "rep")
    at = apptest.open_page(apptest.start(engine, "rep"), "team-news")
    clean(at)
    unread_before = widget(at.metric, "Unread (you)").value
    assert unread_before != "0"
    widget(at.button, "Mark as read").click().run()
    clean(at)
    assert "marked as read" in apptest.texts(at)
    assert widget(at.metric, "Unread (you)").value == "0"
    from plugins.team_events.logic import comms

    _, members = queries.announcements(engine, rep)
    assert comms.unread(members, queries.reads(engine, rep), rep.person_id).is_empty()


@pytest.mark.one_backend
def test_manager_sets_a_budget_in_the_app(te_app) -> None:
    engine = te_app.engine
    sup = viewer(engine, "supervisor")
    at = apptest.open_page(apptest.start(engine, "manager"), "team-building")
    clean(at)
    widget(at.selectbox, "Team").set_value(sup.person_id).run()
    widget(at.number_input, "Amount (¥)").set_value(8800.0)
    widget(at.button, "Save").click().run()
    clean(at)
    assert "set to ¥8,800" in apptest.texts(at)
    year = dt.date.today().year
    budgets = queries.budgets(engine, sup).filter(pl.col("year") == year)
    assert budgets.filter(pl.col("team_root") == sup.person_id)["amount"].item() == 8800.0


def test_schedule_form_invitee_choice() -> None:
    from plugins.team_events.logic.calendar import invitees

    assert invitees(True, [1, 2, 3], []) is None  # the whole team
    assert invitees(True, [1, 2], [9]) == (1, 2, 9)  # the team and a guest
    assert invitees(False, [1, 2, 3], [3, 2]) == (2, 3)  # only those chosen
    assert invitees(False, [1, 2, 3], []) is None
