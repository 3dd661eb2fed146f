"""Team events: writes (one transaction each, audited, refused with a reason) and the
"done when" path: a supervisor schedules the weekly meeting, records action items and
sees last week's open ones carried over; a manager generates the month's review pack."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from sqlalchemy import select, text

from command_center.db import frames
from command_center.db.engine import read_session
from command_center.db.models import AuditEntry
from command_center.metrics import MetricRegistry
from command_center.org.tree import children_map, subtree
from command_center.periods import parse_period
from plugins.team_events import actions, metrics, queries
from plugins.team_events.actions import NewEvent, TeamEventsError
from plugins.team_events.logic import comms, items
from plugins.team_events.models import Event, EventSeries, Invitee
from plugins.team_events.queries import pack
from tests.fixtures_team_events import te_host, viewer

D = dt.date


def team_of(engine, root: int, include_left: bool = False) -> set[int]:
    people = frames.all_people(engine)
    members = subtree(root, children_map(people.select("person_id", "manager_id").iter_rows()))
    if include_left:
        return members
    gone = set(people.filter(pl.col("status") == "left")["person_id"].to_list())
    return members - gone


def refused(key: str, call) -> None:
    with pytest.raises(TeamEventsError) as caught:
        call()
    assert caught.value.key == key, caught.value.key


def audited(engine, action: str) -> int:
    with read_session(engine) as session:
        return len(session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all())


# -- the path of the "done when" ------------------------------------------------------
def test_supervisor_meeting_carry_over_then_manager_review_pack(te_db) -> None:
    engine = te_db.engine
    sup, rep, mgr = viewer(engine, "supervisor"), viewer(engine, "rep"), viewer(engine, "manager")
    team = team_of(engine, sup.person_id)
    other = sorted(team - {sup.person_id, rep.person_id})[0]

    # 1. The supervisor schedules the weekly team meeting: four Mondays from 7 Dec 2026.
    ids = actions.schedule(
        engine,
        sup,
        NewEvent(
            "weekly_meeting",
            "朱组周例会",
            sup.person_id,
            D(2026, 12, 7),
            "09:00",
            60,
            "3楼小会议室",
            recurrence="weekly",
            count=4,
        ),
        actor="supervisor",
    )
    events = queries.events(engine, sup).filter(pl.col("event_id").is_in(ids)).sort("event_date")
    assert events["event_date"].to_list() == [
        D(2026, 12, 7),
        D(2026, 12, 14),
        D(2026, 12, 21),
        D(2026, 12, 28),
    ]
    invited = queries.invitations(engine, sup, [ids[0]])["person_id"].to_list()
    assert set(invited) == team  # the leader's subtree, without people who left
    first, second, third = ids[:3]

    # 2. At the first meeting they record action items (and attendance).
    monday = D(2026, 12, 7)
    a1 = actions.add_action(
        engine,
        sup,
        first,
        rep.person_id,
        "回访杭州恒泰，确认续约",
        D(2026, 12, 11),
        "supervisor",
        monday,
    )
    a2 = actions.add_action(
        engine, sup, first, other, "整理本周商机清单", D(2026, 12, 9), "supervisor", monday
    )
    a3 = actions.add_action(
        engine, sup, first, other, "补录拜访记录", D(2026, 12, 8), "supervisor", monday
    )
    actions.record_attendance(
        engine, sup, first, {p: "present" for p in invited}, "supervisor", monday
    )
    actions.update_action(engine, sup, a3, "done", "supervisor", today=D(2026, 12, 8))

    # 3. Next week, last week's open items are carried over (the closed one is not).
    acts = queries.actions(engine, sup)
    carried = items.carried_over(acts, sup.person_id, D(2026, 12, 14), second)
    carried_ids = set(carried["action_id"].to_list())
    assert {a1, a2} <= carried_ids and a3 not in carried_ids
    # ... together with older open items of the team (from the demo's meetings).
    older = acts.filter(
        (pl.col("team_root") == sup.person_id)
        & (pl.col("origin_date") < monday)
        & pl.col("closed_on").is_null()
    )["action_id"].to_list()
    assert older and set(older) <= carried_ids
    assert items.overdue(acts, D(2026, 12, 14)).filter(pl.col("action_id") == a2).height == 1

    # The rep closes their item at the second meeting; it is carried no further.
    actions.update_action(
        engine, rep, a1, "done", "rep", note="客户已续约", event_id=second, today=D(2026, 12, 14)
    )
    acts = queries.actions(engine, sup)
    at_third = set(items.carried_over(acts, sup.person_id, D(2026, 12, 21), third)["action_id"])
    assert a2 in at_third and a1 not in at_third
    counts = dict(
        items.carry_counts(acts, queries.events(engine, sup), D(2026, 12, 22)).iter_rows()
    )
    assert counts[a1] == 1 and counts[a2] == 2
    history = queries.action_updates(engine, sup, [a1])
    assert history["status"].to_list() == ["open", "done"]
    assert history["event_id"].to_list() == [first, second]
    assert audited(engine, "action_raised") >= 3 and audited(engine, "action_updated") >= 2

    # 4. The manager generates October's review pack for their team.
    registry = MetricRegistry(te_host())
    built = pack.build(engine, registry, mgr, mgr.person_id, "2026-10", today=D(2026, 11, 15))
    members = sorted(team_of(engine, mgr.person_id, include_left=True))
    with engine.connect() as conn:
        # The team's target is its reps' (the leaders' own rows of the demo's approved
        # plans repeat their reps' sum: core_plugin.lowest_targets counts each once).
        reps = (
            conn.execute(
                text(
                    "SELECT person_id FROM people WHERE level = 'rep' "
                    f"AND person_id IN ({','.join(map(str, members))})"
                )
            )
            .scalars()
            .all()
        )
        revenue = conn.execute(
            text(
                "SELECT SUM(revenue) FROM orders WHERE order_date BETWEEN :a AND :b "
                f"AND person_id IN ({','.join(map(str, members))})"
            ),
            {"a": D(2026, 10, 1), "b": D(2026, 10, 31)},
        ).scalar_one()
        target = conn.execute(
            text(
                "SELECT SUM(target) FROM targets WHERE metric = 'revenue' AND period = '2026-10' "
                f"AND person_id IN ({','.join(map(str, reps))})"
            )
        ).scalar_one()
        next_target = conn.execute(
            text(
                "SELECT SUM(target) FROM targets WHERE metric = 'revenue' AND period = '2026-11' "
                f"AND person_id IN ({','.join(map(str, reps))})"
            )
        ).scalar_one()
    result = built.result("revenue")
    assert result["value"] == pytest.approx(revenue)
    assert result["target"] == pytest.approx(target)
    assert result["attainment"] == pytest.approx(revenue / target)
    assert built.honours.height >= 1 and built.honours_source == "computed"
    assert built.honours.filter(pl.col("honour_id") == "sales_champion").height == 1
    nxt = built.next_targets.filter(pl.col("metric") == "revenue").row(0, named=True)
    assert built.next_month == "2026-11" and nxt["target"] == pytest.approx(next_target)


# -- scheduling ---------------------------------------------------------------------------------
def test_monthly_review_on_the_31st_is_stored_on_month_ends(te_db) -> None:
    engine = te_db.engine
    mgr = viewer(engine, "manager")
    ids = actions.schedule(
        engine,
        mgr,
        NewEvent(
            "monthly_review",
            "月度复盘",
            mgr.person_id,
            D(2027, 1, 31),
            "14:00",
            120,
            recurrence="monthly",
            count=4,
        ),
        "manager",
    )
    with read_session(engine) as session:
        rows = session.scalars(
            select(Event).where(Event.event_id.in_(ids)).order_by(Event.event_date)
        )
        dates = [r.event_date for r in rows]
        series = session.get(EventSeries, session.get(Event, ids[0]).series_id)
        assert (series.recurrence, series.occurrences, series.until_date) == (
            "monthly",
            4,
            D(2027, 4, 30),
        )
    assert dates == [D(2027, 1, 31), D(2027, 2, 28), D(2027, 3, 31), D(2027, 4, 30)]


def test_schedule_refusals(te_db) -> None:
    engine = te_db.engine
    sup, rep, rep2 = viewer(engine, "supervisor"), viewer(engine, "rep"), viewer(engine, "rep2")
    other_sup = (
        frames.all_people(engine).filter(pl.col("person_id") == rep2.person_id)["manager_id"].item()
    )

    def new(**kw) -> NewEvent:
        base = {
            "kind": "dinner",
            "title": "聚餐",
            "team_root": sup.person_id,
            "first_date": D(2027, 3, 5),
        }
        return NewEvent(**{**base, **kw})

    refused(
        "team_events.error.leaders_only",
        lambda: actions.schedule(engine, rep, new(team_root=rep.person_id), "rep"),
    )
    refused(
        "team_events.error.team_out_of_scope",
        lambda: actions.schedule(engine, sup, new(team_root=other_sup), "s"),
    )
    refused(
        "team_events.error.team_is_rep",
        lambda: actions.schedule(engine, sup, new(team_root=rep.person_id), "s"),
    )
    refused(
        "team_events.error.invitee_out_of_scope",
        lambda: actions.schedule(engine, sup, new(invitees=(rep2.person_id,)), "s"),
    )
    refused(
        "team_events.error.time",
        lambda: actions.schedule(engine, sup, new(start_time="25:00"), "s"),
    )
    refused("team_events.error.kind", lambda: actions.schedule(engine, sup, new(kind="party"), "s"))
    refused(
        "team_events.error.required", lambda: actions.schedule(engine, sup, new(title="  "), "s")
    )
    refused(
        "team_events.error.no_end",
        lambda: actions.schedule(engine, sup, new(recurrence="weekly"), "s"),
    )
    # Chosen invitees: the leader is always invited too.
    ids = actions.schedule(engine, sup, new(invitees=(rep.person_id,)), "supervisor")
    with read_session(engine) as session:
        people = set(session.scalars(select(Invitee.person_id).where(Invitee.event_id == ids[0])))
    assert people == {sup.person_id, rep.person_id}


def test_cancel_the_rest_of_a_series(te_db) -> None:
    engine = te_db.engine
    sup = viewer(engine, "supervisor")
    ids = actions.schedule(
        engine,
        sup,
        NewEvent(
            "weekly_meeting", "周会", sup.person_id, D(2027, 5, 3), recurrence="weekly", count=5
        ),
        "supervisor",
    )
    refused(
        "team_events.error.cannot_cancel",
        lambda: actions.cancel(engine, sup, ids[0], "s", today=D(2027, 5, 4)),
    )
    gone = actions.cancel(
        engine, sup, ids[2], "supervisor", rest_of_series=True, today=D(2027, 5, 4)
    )
    assert gone == ids[2:]
    status = dict(
        queries.events(engine, sup)
        .filter(pl.col("event_id").is_in(ids))
        .select("event_id", "status")
        .iter_rows()
    )
    assert [status[i] for i in ids] == [
        "scheduled",
        "scheduled",
        "cancelled",
        "cancelled",
        "cancelled",
    ]
    refused(
        "team_events.error.cancelled",
        lambda: actions.record_attendance(engine, sup, ids[3], {}, "s", today=D(2027, 6, 1)),
    )


# -- attendance and the meeting_attendance metric ------------------------------------------------
def test_attendance_feeds_the_metric(te_db) -> None:
    engine = te_db.engine
    sup, rep = viewer(engine, "supervisor"), viewer(engine, "rep")
    [event_id] = actions.schedule(
        engine, sup, NewEvent("weekly_meeting", "周会", sup.person_id, D(2027, 7, 5)), "supervisor"
    )
    invited = queries.invitations(engine, sup, [event_id])["person_id"].to_list()
    refused(
        "team_events.error.future_attendance",
        lambda: actions.record_attendance(
            engine, sup, event_id, {rep.person_id: "present"}, "s", today=D(2027, 7, 4)
        ),
    )
    refused(
        "team_events.error.not_invited",
        lambda: actions.record_attendance(
            engine, sup, event_id, {1: "present"}, "s", today=D(2027, 7, 5)
        ),
    )
    others = [p for p in invited if p != rep.person_id]
    statuses = {rep.person_id: "absent", others[0]: "excused", **{p: "late" for p in others[1:]}}
    assert actions.record_attendance(
        engine, sup, event_id, statuses, "supervisor", today=D(2027, 7, 5)
    ) == len(invited)
    registry = MetricRegistry(te_host())
    july = parse_period("2027-07")
    values = registry.person_values(engine, sup, "meeting_attendance", july)
    got = {r["person_id"]: (r["num"], r["den"]) for r in values.iter_rows(named=True)}
    assert got[rep.person_id] == (0.0, 1.0)
    assert others[0] not in got  # excused: not counted
    assert all(got[p] == (1.0, 1.0) for p in others[1:])
    team = registry.rollup(engine, sup, "meeting_attendance", july).filter(
        pl.col("node_id") == sup.person_id
    )
    assert team["value"].item() == pytest.approx((len(others) - 1) / len(others))


# -- action items: who may do what -----------------------------------------------------------------
def test_action_item_permissions_and_closing(te_db) -> None:
    engine = te_db.engine
    sup, rep, rep2 = viewer(engine, "supervisor"), viewer(engine, "rep"), viewer(engine, "rep2")
    [meeting] = actions.schedule(
        engine, sup, NewEvent("weekly_meeting", "周会", sup.person_id, D(2027, 8, 2)), "supervisor"
    )
    day = D(2027, 8, 2)
    mate = sorted(team_of(engine, sup.person_id) - {sup.person_id, rep.person_id})[0]
    refused(
        "team_events.error.owner_not_in_team",
        lambda: actions.add_action(engine, sup, meeting, rep2.person_id, "x", day, "s", day),
    )
    refused(
        "team_events.error.due_before_meeting",
        lambda: actions.add_action(
            engine, sup, meeting, rep.person_id, "x", D(2027, 8, 1), "s", day
        ),
    )
    refused(
        "team_events.error.leaders_only",
        lambda: actions.add_action(engine, rep, meeting, rep.person_id, "x", day, "rep", day),
    )
    mine = actions.add_action(
        engine, sup, meeting, rep.person_id, "约客户演示", D(2027, 8, 6), "s", day
    )
    theirs = actions.add_action(engine, sup, meeting, mate, "整理竞品价格", D(2027, 8, 6), "s", day)
    # A rep updates their own item, never a teammate's, and never moves a due date.
    refused(
        "team_events.error.action_not_found",
        lambda: actions.update_action(engine, rep, theirs, "done", "rep", today=day),
    )
    refused(
        "team_events.error.leaders_move_due",
        lambda: actions.update_action(
            engine, rep, mine, "in_progress", "rep", due_date=D(2027, 9, 1), today=day
        ),
    )
    refused(
        "team_events.error.action_not_found",
        lambda: actions.update_action(engine, rep2, mine, "done", "rep2", today=day),
    )
    actions.update_action(engine, rep, mine, "in_progress", "rep", today=day)
    refused(
        "team_events.error.nothing_changed",
        lambda: actions.update_action(engine, rep, mine, "in_progress", "rep", today=day),
    )
    actions.update_action(engine, rep, mine, "done", "rep", today=D(2027, 8, 5))
    row = queries.actions(engine, rep).filter(pl.col("action_id") == mine).row(0, named=True)
    assert (row["status"], row["closed_on"]) == ("done", D(2027, 8, 5))
    # The leader reopens it and moves the due date: closed_on is cleared.
    actions.update_action(
        engine, sup, mine, "open", "s", due_date=D(2027, 8, 20), today=D(2027, 8, 9)
    )
    row = queries.actions(engine, sup).filter(pl.col("action_id") == mine).row(0, named=True)
    assert (row["status"], row["closed_on"], row["due_date"]) == ("open", None, D(2027, 8, 20))
    refused(
        "team_events.error.due_in_past",
        lambda: actions.update_action(
            engine, sup, mine, "open", "s", due_date=D(2027, 8, 10), today=D(2027, 8, 12)
        ),
    )
    refused(
        "team_events.error.status",
        lambda: actions.update_action(engine, sup, mine, "finished", "s", today=day),
    )


def test_actions_on_time_metric_against_the_rows(te_db, monkeypatch) -> None:
    engine = te_db.engine
    monkeypatch.setattr(metrics, "today", lambda: D(2026, 11, 15))
    registry = MetricRegistry(te_host())
    director = viewer(engine, "director")
    october = parse_period("2026-10")
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT owner_id, status, due_date, closed_on FROM team_events_actions "
                "WHERE due_date BETWEEN '2026-10-01' AND '2026-10-31' AND status <> 'dropped'"
            )
        ).all()
    expected: dict[int, list[float]] = {}
    for owner, status, due, closed in rows:
        due = due if isinstance(due, dt.date) else D.fromisoformat(due)
        closed = (
            closed if closed is None or isinstance(closed, dt.date) else D.fromisoformat(closed)
        )
        if status == "done" or due < D(2026, 11, 15):
            pair = expected.setdefault(owner, [0.0, 0.0])
            pair[1] += 1
            pair[0] += 1 if status == "done" and closed <= due else 0
    got = {
        r["person_id"]: [r["num"], r["den"]]
        for r in registry.person_values(engine, director, "actions_on_time", october).iter_rows(
            named=True
        )
    }
    assert got == expected and got
    assert 0 < sum(v[0] for v in got.values()) < sum(v[1] for v in got.values())


# -- team building ----------------------------------------------------------------------
def test_budget_and_spend(te_db) -> None:
    engine = te_db.engine
    sup, mgr = viewer(engine, "supervisor"), viewer(engine, "manager")
    [dinner] = actions.schedule(
        engine,
        sup,
        NewEvent("dinner", "季度聚餐", sup.person_id, D(2028, 3, 31), "18:30"),
        "supervisor",
    )
    refused(
        "team_events.error.no_budget",
        lambda: actions.add_spend(engine, sup, dinner, 500.0, "food", "", "s"),
    )
    refused(
        "team_events.error.budget_role",
        lambda: actions.set_budget(engine, sup, sup.person_id, 2028, 3000.0, "s"),
    )
    refused(
        "team_events.error.budget_role",
        lambda: actions.set_budget(engine, mgr, mgr.person_id, 2028, 3000.0, "m"),
    )
    actions.set_budget(engine, mgr, sup.person_id, 2028, 1000.0, "manager")
    actions.add_spend(engine, sup, dinner, 600.0, "food", "人均约150元", "supervisor")
    refused(
        "team_events.error.over_budget",
        lambda: actions.add_spend(engine, sup, dinner, 400.01, "gifts", "", "s"),
    )
    refused(
        "team_events.error.category",
        lambda: actions.add_spend(engine, sup, dinner, 10.0, "beer", "", "s"),
    )
    refused(
        "team_events.error.budget_below_spent",
        lambda: actions.set_budget(engine, mgr, sup.person_id, 2028, 599.0, "manager"),
    )
    actions.add_spend(engine, sup, dinner, 400.0, "gifts", "奖品", "supervisor")
    spend = queries.spend(engine, sup).filter(pl.col("event_id") == dinner)
    assert spend["amount"].sum() == 1000.0 and set(spend["team_root"]) == {sup.person_id}
    assert queries.spend(engine, viewer(engine, "rep")).is_empty()
    budgets = queries.budgets(engine, sup).filter(pl.col("year") == 2028)
    assert budgets.select("team_root", "amount").rows() == [(sup.person_id, 1000.0)]


# -- announcements and read tracking -----------------------------------------------------
def test_announcements_audience_and_read_tracking(te_db) -> None:
    engine = te_db.engine
    sup, rep, rep2 = viewer(engine, "supervisor"), viewer(engine, "rep"), viewer(engine, "rep2")
    mgr, director = viewer(engine, "manager"), viewer(engine, "director")
    refused(
        "team_events.error.force_directors_only",
        lambda: actions.post(engine, mgr, "通知", "正文", "force", "manager"),
    )
    refused(
        "team_events.error.leaders_only",
        lambda: actions.post(engine, rep, "通知", "正文", "team", "rep", team_root=sup.person_id),
    )
    other_region = (
        frames.all_people(engine).filter(pl.col("person_id") == rep2.person_id)["region"].item()
    )
    refused(
        "team_events.error.region_out_of_scope",
        lambda: actions.post(engine, mgr, "通知", "正文", "region", "manager", region=other_region),
    )
    aid = actions.post(
        engine,
        sup,
        "本周例会改到周二",
        "因培训改期。",
        "team",
        "supervisor",
        team_root=sup.person_id,
        today=D(2026, 11, 16),
    )
    rows, _ = queries.announcements(engine, rep)
    assert aid in rows["announcement_id"].to_list()
    assert aid not in queries.announcements(engine, rep2)[0]["announcement_id"].to_list()
    refused(
        "team_events.error.not_addressed", lambda: actions.mark_read(engine, rep2, [aid], "rep2")
    )
    team = team_of(engine, sup.person_id)
    _, sup_members = queries.announcements(engine, sup)
    audience = set(sup_members.filter(pl.col("announcement_id") == aid)["person_id"])
    assert audience == team

    def read_count(who) -> int:
        reads = queries.reads(engine, who).filter(pl.col("announcement_id") == aid)
        return reads.height

    assert read_count(sup) == 1  # the author has read it
    assert actions.mark_read(engine, rep, [aid], "rep", today=D(2026, 11, 17)) == 1
    assert actions.mark_read(engine, rep, [aid], "rep") == 0  # idempotent
    assert read_count(sup) == 2 and read_count(rep) == 1 and read_count(rep2) == 0
    stats = comms.read_stats(sup_members, queries.reads(engine, sup))
    row = stats.filter(pl.col("announcement_id") == aid).row(0, named=True)
    assert (row["audience_size"], row["read"]) == (len(team), 2)
    # A rep's view of the reads is their own row only.
    assert set(queries.reads(engine, rep)["person_id"]) == {rep.person_id}
    # Directors write to the whole force; everyone still with the company is addressed.
    force = actions.post(
        engine, director, "全员通知", "正文", "force", "director", today=D(2026, 11, 16)
    )
    assert force in queries.announcements(engine, rep2)[0]["announcement_id"].to_list()
    region = frames.all_people(engine).filter(pl.col("person_id") == mgr.person_id)["region"].item()
    assert region in actions.allowed_regions(engine, mgr)
    assert actions.allowed_regions(engine, sup) == []
