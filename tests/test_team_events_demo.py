"""Team events demo data: deterministic, realistic, consistent with the core's demo."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from command_center.demo import generate as core_generate
from plugins.team_events.demo import generate
from plugins.team_events.demo.teams import is_holiday
from tests.conftest import AS_OF, SEED, Db


@pytest.fixture(scope="module")
def core():
    return core_generate("small", SEED, AS_OF)


@pytest.fixture(scope="module")
def data(core):
    return generate(core.people, core.customers, AS_OF, 1234)


def test_same_seed_same_rows_other_seed_other_rows(core, data) -> None:
    again = generate(core.people, core.customers, AS_OF, 1234)
    for name, frame in data.items():
        assert frame.equals(again[name]), name
    other = generate(core.people, core.customers, AS_OF, 99)
    assert not other["actions"].equals(data["actions"])


def test_every_supervisor_meets_weekly_and_every_manager_monthly(core, data) -> None:
    people = core.people.filter(pl.col("status") != "left")
    events = data["events"]
    weekly = events.filter(pl.col("kind") == "weekly_meeting")
    sups = set(people.filter(pl.col("level") == "supervisor")["person_id"])
    assert set(weekly["team_root"]) == sups
    per_team = weekly.group_by("team_root").len()["len"]
    assert per_team.min() == per_team.max() == 18  # 16 past weeks and the next two
    assert set(weekly["event_date"].dt.weekday()) <= {1, 2}  # Mondays, some Tuesdays
    reviews = events.filter(pl.col("kind") == "monthly_review")
    assert set(reviews["team_root"]) == set(
        people.filter(pl.col("level") == "manager")["person_id"]
    )
    past = events.filter(pl.col("event_date") < AS_OF)
    assert set(past["status"]) <= {"held", "cancelled"}
    assert set(events.filter(pl.col("event_date") >= AS_OF)["status"]) == {"scheduled"}
    cancelled = past.filter(pl.col("status") == "cancelled")["event_date"].to_list()
    assert cancelled and all(is_holiday(day) for day in cancelled)  # the National Day week
    assert past.filter(pl.col("status") == "held")["notes"].str.contains("市场信息|复盘").any()


def test_attendance_is_recorded_for_held_events_only(data) -> None:
    invitees = data["invitees"].join(data["events"].select("event_id", "status"), on="event_id")
    assert set(invitees.filter(pl.col("status") != "held")["attendance"]) == {"invited"}
    held = invitees.filter(pl.col("status") == "held")["attendance"].value_counts()
    counts = dict(held.iter_rows())
    assert counts["present"] > 10 * counts.get("absent", 0) > 0
    assert {"late", "excused"} <= set(counts)


def test_action_items_mix_on_time_late_and_overdue(core, data) -> None:
    actions = data["actions"]
    assert actions.height > 100
    done = actions.filter(pl.col("status") == "done")
    on_time = done.filter(pl.col("closed_on") <= pl.col("due_date")).height
    assert 0 < on_time < done.height  # some late
    overdue = actions.filter(
        pl.col("status").is_in(["open", "in_progress"]) & (pl.col("due_date") < AS_OF)
    )
    # Every weekly team has at least one overdue item (the first rep's, from two weeks ago).
    weekly = data["events"].filter(pl.col("kind") == "weekly_meeting")
    assert set(weekly["team_root"]) <= set(overdue["team_root"])
    closed = actions.filter(pl.col("closed_on").is_not_null())
    assert (closed["closed_on"] > closed["created_on"]).all()
    assert actions["title"].str.contains(r"[\u4e00-\u9fff]").all()  # typed in Chinese
    names = set(core.customers["name"])
    named = [t for t in actions["title"] if any(n in t for n in names if n[:2] in t)]
    assert len(named) > actions.height // 4  # many name one of the owner's customers
    updates = data["updates"]
    assert set(updates["action_id"]) == set(actions["action_id"])


def test_spend_stays_within_budgets(data) -> None:
    spend = data["spend"].join(
        data["events"].select("event_id", "team_root", "event_date"), on="event_id"
    )
    used = spend.group_by("team_root", pl.col("event_date").dt.year().alias("year")).agg(
        pl.col("amount").sum()
    )
    joined = used.join(
        data["budgets"].with_columns(pl.col("year").cast(pl.Int32)),
        on=["team_root", "year"],
        how="left",
        suffix="_budget",
    )
    assert joined["amount_budget"].null_count() == 0
    assert (joined["amount"] <= joined["amount_budget"]).all()
    assert set(
        data["events"].filter(pl.col("event_id").is_in(spend["event_id"].implode()))["kind"]
    ) == {
        "outdoor",
        "dinner",
    }


def test_announcements_are_partly_read(data) -> None:
    news = data["announcements"]
    assert set(news["audience"]) == {"force", "region", "team"}
    assert news["published_on"].max() <= AS_OF
    reads = data["reads"]
    per = reads.group_by("announcement_id").len()
    assert per.height == news.height
    assert (reads["read_on"] <= AS_OF).all()
    force = news.filter(pl.col("audience") == "force")["announcement_id"]
    force_reads = reads.filter(pl.col("announcement_id").is_in(force.implode()))
    assert 0.4 < force_reads.height / (force.len() * 75) < 1.0  # ~75 people still with us


def test_ids_start_after_existing_rows(core) -> None:
    from plugins.team_events.demo import Starts

    shifted = generate(
        core.people, core.customers, AS_OF, 1234, Starts(event=1000, action=500, announcement=70)
    )
    assert shifted["events"]["event_id"].min() == 1000
    assert shifted["actions"]["action_id"].min() == 500
    assert set(shifted["actions"]["event_id"]) <= set(shifted["events"]["event_id"])
    assert shifted["reads"]["announcement_id"].min() >= 70
    assert dt.date(2026, 11, 15) == AS_OF


def test_fixture_database_holds_the_demo(te_db: Db) -> None:
    from sqlalchemy import func, select

    from plugins.team_events.models import Event

    with te_db.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Event)).scalar_one() > 50
