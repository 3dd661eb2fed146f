"""Team events: the pure functions (logic/) against hand-computed answers."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from plugins.team_events.errors import RecurrenceError
from plugins.team_events.logic import attendance, budget, calendar, comms, items, recurrence, review
from plugins.team_events.logic.recurrence import occurrences

D = dt.date


# -- recurrence -------------------------------------------------------------------------
def test_weekly_crosses_month_and_year_ends() -> None:
    assert occurrences(D(2026, 12, 21), "weekly", count=4) == [
        D(2026, 12, 21),
        D(2026, 12, 28),
        D(2027, 1, 4),
        D(2027, 1, 11),
    ]


def test_weekly_every_two_weeks_until_is_inclusive() -> None:
    assert occurrences(D(2026, 11, 2), "weekly", every=2, until=D(2026, 11, 30)) == [
        D(2026, 11, 2),
        D(2026, 11, 16),
        D(2026, 11, 30),
    ]


def test_monthly_from_the_31st_keeps_its_anchor() -> None:
    # Short months get their last day; months with a 31st get the 31st back.
    assert occurrences(D(2027, 1, 31), "monthly", count=8) == [
        D(2027, 1, 31),
        D(2027, 2, 28),
        D(2027, 3, 31),
        D(2027, 4, 30),
        D(2027, 5, 31),
        D(2027, 6, 30),
        D(2027, 7, 31),
        D(2027, 8, 31),
    ]


def test_monthly_leap_february_and_the_30th() -> None:
    assert occurrences(D(2028, 1, 30), "monthly", count=3) == [
        D(2028, 1, 30),
        D(2028, 2, 29),
        D(2028, 3, 30),
    ]
    assert occurrences(D(2027, 1, 29), "monthly", count=2) == [D(2027, 1, 29), D(2027, 2, 28)]


def test_monthly_every_three_months_until() -> None:
    assert occurrences(D(2026, 8, 31), "monthly", every=3, until=D(2027, 6, 1)) == [
        D(2026, 8, 31),
        D(2026, 11, 30),
        D(2027, 2, 28),
        D(2027, 5, 31),
    ]


def test_count_and_until_stop_at_the_first_reached() -> None:
    assert len(occurrences(D(2026, 1, 5), "weekly", count=3, until=D(2026, 12, 31))) == 3
    assert occurrences(D(2026, 1, 5), "weekly", count=10, until=D(2026, 1, 12)) == [
        D(2026, 1, 5),
        D(2026, 1, 12),
    ]


def test_once_is_one_date() -> None:
    assert occurrences(D(2026, 5, 1), "none") == [D(2026, 5, 1)]


@pytest.mark.parametrize(
    ("kwargs", "key"),
    [
        ({"recurrence": "weekly"}, "team_events.error.no_end"),
        ({"recurrence": "weekly", "every": 0, "count": 2}, "team_events.error.every"),
        ({"recurrence": "weekly", "count": 0}, "team_events.error.count"),
        ({"recurrence": "monthly", "until": D(2025, 1, 1)}, "team_events.error.until_before_start"),
        ({"recurrence": "weekly", "count": 200}, "team_events.error.too_many"),
        ({"recurrence": "weekly", "until": D(2030, 1, 1)}, "team_events.error.too_many"),
        ({"recurrence": "daily", "count": 2}, "team_events.error.recurrence"),
    ],
)
def test_bad_rules_are_refused(kwargs: dict[str, object], key: str) -> None:
    with pytest.raises(RecurrenceError) as caught:
        occurrences(D(2026, 1, 1), **kwargs)  # type: ignore[arg-type]
    assert caught.value.key == key


def test_describe_and_week_start() -> None:
    assert recurrence.describe("weekly", 1, D(2026, 11, 10)) == (
        "team_events.rule.weekly",
        {"every": 1, "weekday": 2},
    )
    assert recurrence.describe("monthly", 2, D(2026, 1, 31))[1]["day"] == 31
    assert recurrence.week_start(D(2026, 11, 15)) == D(2026, 11, 9)  # a Sunday -> Monday


# -- action items -----------------------------------------------------------------------
def _actions(rows: list[tuple]) -> pl.DataFrame:
    cols = [
        "action_id",
        "event_id",
        "team_root",
        "owner_id",
        "due_date",
        "status",
        "closed_on",
        "origin_date",
    ]
    frame = pl.DataFrame(rows, schema=cols, orient="row")
    return frame.with_columns(
        pl.lit("x").alias("title"), pl.col("origin_date").alias("created_on")
    ).cast({k: v for k, v in items.ACTION_SCHEMA.items()})


MEETINGS = pl.DataFrame(
    {
        "event_id": [10, 11, 12, 13, 20],
        "team_root": [1, 1, 1, 1, 2],
        "event_date": [
            D(2026, 11, 2),
            D(2026, 11, 9),
            D(2026, 11, 16),
            D(2026, 11, 23),
            D(2026, 11, 9),
        ],
    }
)
ACTIONS = _actions(
    [
        # id, raised at, team, owner, due, status, closed_on, origin date
        (1, 10, 1, 5, D(2026, 11, 6), "open", None, D(2026, 11, 2)),
        (2, 10, 1, 6, D(2026, 11, 9), "done", D(2026, 11, 9), D(2026, 11, 2)),
        (3, 10, 1, 6, D(2026, 11, 9), "done", D(2026, 11, 5), D(2026, 11, 2)),
        (4, 11, 1, 5, D(2026, 11, 20), "in_progress", None, D(2026, 11, 9)),
        (5, 11, 1, 7, D(2026, 11, 13), "dropped", D(2026, 11, 16), D(2026, 11, 9)),
        (6, 20, 2, 8, D(2026, 11, 10), "open", None, D(2026, 11, 9)),
    ]
)


def test_carried_over_until_closed() -> None:
    at_9 = items.carried_over(ACTIONS, 1, D(2026, 11, 9), 11)
    # 1 still open, 2 closed on this very meeting day (shown), 3 closed before: gone.
    assert at_9["action_id"].to_list() == [1, 2]
    at_16 = items.carried_over(ACTIONS, 1, D(2026, 11, 16), 12)
    assert at_16["action_id"].to_list() == [1, 4, 5]  # 5 dropped at this meeting
    at_23 = items.carried_over(ACTIONS, 1, D(2026, 11, 23), 13)
    assert at_23["action_id"].to_list() == [1, 4]
    # Another team's items never carry over; a meeting never carries its own items.
    assert items.carried_over(ACTIONS, 2, D(2026, 11, 9), 20).is_empty()
    assert items.raised_at(ACTIONS, 11)["action_id"].to_list() == [4, 5]


def test_same_day_meetings_carry_by_event_id() -> None:
    same = _actions([(1, 30, 1, 5, D(2026, 11, 9), "open", None, D(2026, 11, 2))])
    same = same.with_columns(pl.lit(D(2026, 11, 2)).alias("origin_date"))
    assert items.carried_over(same, 1, D(2026, 11, 2), 31)["action_id"].to_list() == [1]
    assert items.carried_over(same, 1, D(2026, 11, 2), 29).is_empty()


def test_carry_counts() -> None:
    counts = dict(items.carry_counts(ACTIONS, MEETINGS, D(2026, 11, 20)).iter_rows())
    # 1: open, meetings on 9 and 16 (23 is after "today")
    assert counts == {1: 2, 2: 1, 3: 0, 4: 1, 5: 1, 6: 0}


def test_overdue_and_summary() -> None:
    late = items.overdue(ACTIONS, D(2026, 11, 12))
    assert late["action_id"].to_list() == [1, 6]
    assert late["days_overdue"].to_list() == [6, 2]
    assert items.summary(ACTIONS, D(2026, 11, 12)) == {
        "open": 3,
        "overdue": 2,
        "done": 2,
        "dropped": 1,
    }


def test_on_time_facts() -> None:
    facts = items.on_time_facts(ACTIONS, D(2026, 11, 12))
    rows = {(r["person_id"]): (r["num"], r["den"]) for r in facts.iter_rows(named=True)}
    # owner 5: #1 past due and open (counts, late); #4 due on the 20th, not yet counted.
    # owner 6: #2 done on the due date, #3 done early: 2 of 2. owner 7: dropped, never.
    # owner 8: #6 past due, open.
    assert rows == {5: (0.0, 1.0), 6: (2.0, 2.0), 8: (0.0, 1.0)}
    assert facts["month"].unique().to_list() == [D(2026, 11, 1)]


# -- attendance ---------------------------------------------------------------------------
INVITES = pl.DataFrame(
    {
        "event_id": [1, 1, 1, 1, 2, 2, 3, 4],
        "person_id": [5, 6, 7, 8, 5, 6, 5, 5],
        "attendance": [
            "present",
            "late",
            "absent",
            "excused",
            "present",
            "invited",
            "absent",
            "present",
        ],
        "event_date": [D(2026, 10, 5)] * 4
        + [D(2026, 11, 2)] * 2
        + [D(2026, 11, 9), D(2026, 11, 6)],
        "kind": ["weekly_meeting"] * 6 + ["monthly_review", "dinner"],
        "status": ["held"] * 6 + ["cancelled", "held"],
    }
)


def test_attendance_facts_count_recorded_meetings_only() -> None:
    facts = attendance.attendance_facts(INVITES)
    got = {(r["person_id"], r["month"]): (r["num"], r["den"]) for r in facts.iter_rows(named=True)}
    # excused (8), not recorded (6 on Nov 2), cancelled review (5 on Nov 9) and the dinner
    # (5 on Nov 6) are left out.
    assert got == {
        (5, D(2026, 10, 1)): (1.0, 1.0),
        (6, D(2026, 10, 1)): (1.0, 1.0),
        (7, D(2026, 10, 1)): (0.0, 1.0),
        (5, D(2026, 11, 1)): (1.0, 1.0),
    }


def test_attendance_per_event_and_rate() -> None:
    per = attendance.per_event(INVITES).filter(pl.col("event_id") == 1).row(0, named=True)
    assert (per["invited"], per["present"], per["late"], per["absent"], per["excused"]) == (
        4,
        1,
        1,
        1,
        1,
    )
    assert per["rate"] == pytest.approx(2 / 3)
    assert attendance.rate(INVITES.filter(pl.col("event_id") == 1)) == pytest.approx(2 / 3)
    assert attendance.rate(INVITES.filter(pl.col("event_id") == 99)) is None


# -- review pack ----------------------------------------------------------------------------
def test_results_attainment_and_change() -> None:
    rows = pl.DataFrame(
        {
            "key": ["revenue", "margin", "profit"],
            "unit": ["currency", "percent", "currency"],
            "value": [120.0, 0.30, 50.0],
            "target": [100.0, None, None],
            "previous": [80.0, 0.25, 0.0],
        }
    )
    out = review.results(rows)
    assert out["attainment"].to_list() == [pytest.approx(1.2), None, None]
    assert out["change"].to_list() == [pytest.approx(0.5), pytest.approx(0.05), None]


def test_movers_rank_rises_and_falls() -> None:
    people = pl.DataFrame({"person_id": [1, 2, 3, 4, 5, 6], "name": list("ABCDEF")})
    now = pl.DataFrame({"person_id": [1, 2, 3, 4, 9], "value": [100.0, 50.0, 80.0, 10.0, 999.0]})
    before = pl.DataFrame({"person_id": [1, 2, 3, 5], "value": [60.0, 90.0, 40.0, 30.0]})
    top, bottom = review.movers(now, before, people, n=2)
    # changes: 1 +40, 2 -40, 3 +40, 4 +10 (new), 5 -30 (gone); 6 had nothing; 9 not in team.
    assert top["person_id"].to_list() == [1, 3]
    assert bottom["person_id"].to_list() == [2, 5]
    assert bottom["change_rel"].to_list() == [pytest.approx(-40 / 90), pytest.approx(-1.0)]


def test_computed_honours() -> None:
    people = pl.DataFrame({"person_id": [1, 2, 3], "name": ["甲", "乙", "丙"]})

    def vals(rows: list[tuple[int, float, float]]) -> pl.DataFrame:
        frame = pl.DataFrame(rows, schema=["person_id", "num", "den"], orient="row")
        return frame.with_columns((pl.col("num") / pl.col("den")).alias("value"))

    values = {
        "revenue": vals([(1, 500.0, 1.0), (2, 900.0, 1.0), (3, 100.0, 1.0), (7, 5000.0, 1.0)]),
        # 3 grew 900 % but on a base below a quarter of the mean base: not eligible.
        "growth": vals([(1, 50.0, 100.0), (2, 30.0, 200.0), (3, 9.0, 1.0)]),
        "attainment": vals([(1, 90.0, 100.0), (2, 99.0, 100.0), (3, 98.0, 100.0)]),
        "win_rate": vals([(1, 2.0, 2.0), (2, 2.0, 4.0)]),
    }
    honours = review.computed_honours(values, people)
    got = dict(honours.select("honour_id", "person_id").iter_rows())
    # No one reached the target; win rate 100 % over two deals is too few.
    assert got == {"sales_champion": 2, "growth_star": 1, "win_rate_ace": 2}
    assert set(honours["source"]) == {"computed"}


def test_published_honours_and_targets() -> None:
    people = pl.DataFrame({"person_id": [1, 2], "name": ["甲", "乙"], "level": ["rep", "rep"]})
    facts = pl.DataFrame(
        {
            "person_id": [2, 3],
            "key": ["sales_champion", "sales_champion"],
            "value": [9.0, 10.0],
            "text": ["incentives.honour.sales_champion"] * 2,
        }
    )
    honours = review.published_honours(facts, people)
    assert honours.select("person_id", "title_key", "source").rows() == [
        (2, "incentives.honour.sales_champion", "published")
    ]
    targets = pl.DataFrame(
        {
            "person_id": [1, 2, 2, 3, 1],
            "period": ["2026-12", "2026-12", "2026-12", "2026-12", "2026-11"],
            "metric": ["revenue", "revenue", "new_customers", "revenue", "revenue"],
            "target": [100.0, 200.0, 3.0, 999.0, 1.0],
        }
    )
    rows = review.next_targets(targets, people, "2026-12")
    assert rows.height == 3
    totals = {m: (s, n) for m, s, n in review.target_totals(rows).iter_rows()}
    assert totals == {"new_customers": (3.0, 1), "revenue": (300.0, 2)}
    assert review.ordered_keys(
        ["x", "growth", "revenue", "a"], ("revenue", "profit", "growth")
    ) == [
        "revenue",
        "growth",
        "a",
        "x",
    ]


# -- communication ----------------------------------------------------------------------------
PEOPLE = pl.DataFrame(
    {
        "person_id": [1, 2, 3, 4, 5, 6],
        "manager_id": [None, 1, 1, 2, 2, 3],
        "region": ["全国", "华东", "华南", "华东", "华东", "华南"],
        "status": ["active", "active", "active", "active", "left", "active"],
    }
)
TREE = pl.DataFrame(
    {
        "ancestor_id": [1, 1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5, 6],
        "person_id": [1, 2, 3, 4, 5, 6, 2, 4, 5, 3, 6, 4, 5, 6],
    }
)
NEWS = pl.DataFrame(
    {
        "announcement_id": [1, 2, 3],
        "audience": ["force", "region", "team"],
        "region": ["", "华东", ""],
        "team_root": [None, None, 3],
    }
)


def test_audience_members_by_kind() -> None:
    members = comms.audience_members(NEWS, PEOPLE, TREE)
    by = {a: sorted(g["person_id"].to_list()) for (a,), g in members.group_by("announcement_id")}
    # 5 left the company: in no audience.
    assert by == {1: [1, 2, 3, 4, 6], 2: [2, 4], 3: [3, 6]}


def test_read_stats_and_unread() -> None:
    members = comms.audience_members(NEWS, PEOPLE, TREE)
    reads = pl.DataFrame(
        {
            "announcement_id": [1, 1, 2, 3, 3],
            "person_id": [1, 4, 4, 6, 2],
            "read_on": [D(2026, 11, 1)] * 5,
        }
    )
    stats = {
        r["announcement_id"]: r for r in comms.read_stats(members, reads).iter_rows(named=True)
    }
    assert (stats[1]["audience_size"], stats[1]["read"], stats[1]["unread"]) == (5, 2, 3)
    assert stats[2]["read_rate"] == pytest.approx(0.5)
    assert stats[3]["read"] == 1  # 2 read it but is not in team 3's audience
    assert comms.unread(members, reads, 4).to_list() == []
    assert comms.unread(members, reads, 2).to_list() == [1, 2]


def test_week_sales() -> None:
    orders = pl.DataFrame(
        {
            "person_id": [1, 2, 2, 3, 1],
            "order_date": [
                D(2026, 11, 9),
                D(2026, 11, 10),
                D(2026, 11, 15),
                D(2026, 11, 16),
                D(2026, 11, 8),
            ],
            "revenue": [100.0, 200.0, 50.0, 999.0, 70.0],
        }
    )
    people = pl.DataFrame({"person_id": [1, 2, 3], "name": ["甲", "乙", "丙"]})
    revenue, lines, previous, top = comms.week_sales(orders, people, D(2026, 11, 9), top=1)
    assert (revenue, lines, previous) == (350.0, 3, 70.0)
    assert top.select("name", "revenue").rows() == [("乙", 250.0)]


# -- budgets and the calendar -----------------------------------------------------------------
def test_budget_usage_and_remaining() -> None:
    budgets = pl.DataFrame({"team_root": [1, 2], "year": [2026, 2026], "amount": [1000.0, 500.0]})
    spend = pl.DataFrame(
        {
            "event_id": [7, 7, 8, 9],
            "team_root": [1, 1, 1, 3],
            "year": [2026] * 4,
            "amount": [100.0, 50.0, 250.0, 80.0],
        }
    )
    use = {r["team_root"]: r for r in budget.usage(budgets, spend).iter_rows(named=True)}
    assert (use[1]["spent"], use[1]["remaining"], use[1]["events"]) == (400.0, 600.0, 2)
    assert use[1]["used"] == pytest.approx(0.4)
    assert (use[2]["spent"], use[2]["used"]) == (0.0, 0.0)
    assert (use[3]["budget"], use[3]["used"]) == (0.0, None)  # spent without a budget
    assert budget.remaining(budgets, spend, 1, 2026) == 600.0
    assert budget.remaining(budgets, spend, 3, 2026) is None
    assert budget.per_event(spend).filter(pl.col("event_id") == 7)["spent"].item() == 150.0


def test_month_grid() -> None:
    events = pl.DataFrame(
        {
            "event_date": [D(2026, 2, 2), D(2026, 2, 2), D(2026, 2, 28), D(2026, 3, 1)],
            "kind": ["weekly_meeting", "dinner", "outdoor", "dinner"],
            "title": ["周例会", "聚餐", "徒步", "下月"],
            "start_time": ["18:30", "09:00", "08:00", "18:00"],
        }
    )
    grid = calendar.month_grid(events, D(2026, 2, 14))
    assert grid.height == 28  # February 2026
    first = grid.row(0, named=True)
    assert (first["weekday"], first["week"]) == (6, 0)  # 1 Feb 2026 is a Sunday
    monday = grid.filter(pl.col("day") == 2).row(0, named=True)
    assert (monday["events"], monday["week"], monday["label"]) == (2, 1, "09:00 聚餐\n18:30 周例会")
    assert grid["events"].sum() == 3


def test_upcoming() -> None:
    events = pl.DataFrame(
        {
            "event_id": [1, 2, 3, 4],
            "event_date": [D(2026, 11, 1), D(2026, 11, 20), D(2026, 11, 21), D(2026, 12, 30)],
            "start_time": ["09:00"] * 4,
            "status": ["held", "scheduled", "cancelled", "scheduled"],
        }
    )
    assert calendar.upcoming(events, D(2026, 11, 15), 14)["event_id"].to_list() == [2]


# -- moved out of the pages ---------------------------------------------------------------
def test_open_items_per_owner_overdue_or_on_track() -> None:
    acts = pl.DataFrame(
        {
            "action_id": [1, 2, 3, 4],
            "owner_id": [7, 7, 8, 9],
            "status": ["open", "in_progress", "open", "done"],
            "due_date": [D(2026, 11, 1), D(2026, 11, 30), D(2026, 11, 2), D(2026, 11, 1)],
            "closed_on": [None, None, None, D(2026, 11, 1)],
        },
        schema_overrides={"closed_on": pl.Date},
    )
    got = items.open_by_owner(acts, D(2026, 11, 15), {7: "Li", 8: "Wang"}, ("late", "ok"))
    rows = sorted(got.select("owner", "state", "items").rows())
    assert rows == [("Li", "late", 1), ("Li", "ok", 1), ("Wang", "late", 1)]  # done item left out
    top = items.open_by_owner(acts, D(2026, 11, 15), {7: "Li", 8: "Wang"}, ("late", "ok"), top=1)
    assert set(top["owner"]) == {"Li"}  # two open items beat one


def test_not_read_and_teams_by_last_meeting_and_scheduling_defaults() -> None:
    members = pl.DataFrame({"announcement_id": [1, 1, 1, 2], "person_id": [4, 5, 6, 4]})
    reads = pl.DataFrame({"announcement_id": [1, 2], "person_id": [5, 4]})
    assert sorted(comms.not_read(members, reads, 1).to_list()) == [4, 6]
    assert comms.not_read(members, reads, 2).to_list() == []
    meetings = pl.DataFrame(
        {
            "team_root": [3, 3, 6, 2],
            "event_date": [D(2026, 11, 2), D(2026, 11, 9), D(2026, 11, 9), D(2026, 10, 1)],
        }
    )
    assert calendar.teams_by_last_meeting(meetings) == [3, 6, 2]  # ties by team id
    assert calendar.next_monday(D(2026, 11, 11)) == D(2026, 11, 16)  # a Wednesday
    assert calendar.next_monday(D(2026, 11, 16)) == D(2026, 11, 23)  # a Monday: the week after
    assert calendar.invitees(False, [1, 2], []) is None
