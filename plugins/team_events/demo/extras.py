"""Demo team building (events, spend, budgets) and announcements with partial reads."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import polars as pl

from command_center.org.tree import closure
from plugins.team_events.demo import texts
from plugins.team_events.demo.meetings import Rows
from plugins.team_events.demo.teams import Team
from plugins.team_events.logic.comms import audience_members


def _saturday_before(day: dt.date, weeks: int) -> dt.date:
    back = day - dt.timedelta(weeks=weeks)
    return back - dt.timedelta(days=(back.weekday() - 5) % 7)


def _event(
    rows: Rows,
    team: Team,
    kind: str,
    title: str,
    location: str,
    day: dt.date,
    time: str,
    minutes: int,
    as_of: dt.date,
    rng: np.random.Generator,
) -> tuple[int, bool]:
    event_id = rows.next_event
    rows.next_event += 1
    held = day < as_of
    rows.events.append(
        {
            "event_id": event_id,
            "series_id": None,
            "kind": kind,
            "title": title,
            "team_root": team.leader,
            "organiser_id": team.leader,
            "event_date": day,
            "start_time": time,
            "duration_minutes": minutes,
            "location": location,
            "status": "held" if held else "scheduled",
            "agenda": "",
            "notes": "",
            "decisions": "",
            "created_by": "demo",
        }
    )
    came = np.where(rng.random(team.members.size) < 0.9, "present", "excused")
    came[0] = "present"
    rows.invitees.append(
        pl.DataFrame(
            {
                "event_id": np.full(team.members.size, event_id, dtype=np.int64),
                "person_id": team.members,
                "attendance": pl.Series(
                    (came if held else np.full(team.members.size, "invited")).tolist(),
                    dtype=pl.String,
                ),
            }
        )
    )
    return event_id, held


def _spend_lines(
    event_id: int,
    day: dt.date,
    heads: int,
    plan: tuple[tuple[str, float], ...],
    rng: np.random.Generator,
) -> list[dict[str, object]]:
    lines = []
    for category, per_head in plan:
        amount = round(float(per_head * heads * rng.uniform(0.8, 1.2)), -1)
        note = texts.SPEND_NOTES[category].format(x=int(round(amount / max(heads, 1), -1)))
        lines.append(
            {
                "event_id": event_id,
                "amount": max(amount, 10.0),
                "category": category,
                "note": note,
                "spent_on": day,
                "recorded_by": "demo",
            }
        )
    return lines


def seed_building(
    rows: Rows,
    sup_teams: list[Team],
    mgr_teams: list[Team],
    as_of: dt.date,
    rng: np.random.Generator,
    first_spend: int = 1,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Outdoor days per manager's team, dinners per supervisor's team; spend and budgets."""
    spend: list[dict[str, object]] = []
    charged: dict[tuple[int, int], float] = {}
    heads: dict[int, int] = {}
    for team in mgr_teams:
        heads[team.leader] = team.members.size
        title, place = texts.OUTDOOR[int(rng.integers(0, len(texts.OUTDOOR)))]
        day = _saturday_before(as_of, int(rng.integers(6, 20)))
        event_id, _ = _event(rows, team, "outdoor", title, place, day, "08:00", 480, as_of, rng)
        plan = (("venue", 120.0), ("transport", 80.0), ("activity", 100.0), ("food", 90.0))
        spend += _spend_lines(event_id, day, team.members.size, plan, rng)
        nxt_title, nxt_place = texts.OUTDOOR[int(rng.integers(0, len(texts.OUTDOOR)))]
        ahead = as_of + dt.timedelta(days=(5 - as_of.weekday()) % 7 + 21)
        _event(rows, team, "outdoor", nxt_title, nxt_place, ahead, "08:30", 480, as_of, rng)
    for team in sup_teams:
        heads[team.leader] = team.members.size
        title, place = texts.DINNERS[int(rng.integers(0, len(texts.DINNERS)))]
        friday = _saturday_before(as_of, int(rng.integers(1, 9))) - dt.timedelta(days=1)
        event_id, _ = _event(rows, team, "dinner", title, place, friday, "18:30", 150, as_of, rng)
        plan = (("food", float(rng.uniform(120, 220))),) + (
            (("gifts", 30.0),) if rng.random() < 0.3 else ()
        )
        spend += _spend_lines(event_id, friday, team.members.size, plan, rng)
    frame = pl.DataFrame(
        spend,
        schema={
            "event_id": pl.Int64,
            "amount": pl.Float64,
            "category": pl.String,
            "note": pl.String,
            "spent_on": pl.Date,
            "recorded_by": pl.String,
        },
    )
    team_of = {e["event_id"]: e["team_root"] for e in rows.events}
    for line in spend:
        key = (int(team_of[line["event_id"]]), line["spent_on"].year)  # type: ignore[union-attr]
        charged[key] = charged.get(key, 0.0) + float(line["amount"])  # type: ignore[arg-type]
    years = {as_of.year} | {year for _, year in charged}
    budgets = []
    for leader, count in heads.items():
        per_head = 400.0 if leader in {t.leader for t in mgr_teams} else 250.0
        for year in sorted(years):
            used = charged.get((leader, year), 0.0)
            amount = max(per_head * count, used * 1.25)
            budgets.append(
                {
                    "team_root": leader,
                    "year": year,
                    "amount": math.ceil(amount / 500) * 500.0,
                    "updated_by": "demo",
                }
            )
    frame = frame.with_row_index("spend_id", offset=first_spend).with_columns(
        pl.col("spend_id").cast(pl.Int64)
    )
    return frame, pl.DataFrame(budgets)


def seed_announcements(
    people: pl.DataFrame,
    sup_teams: list[Team],
    mgr_teams: list[Team],
    as_of: dt.date,
    rng: np.random.Generator,
    first_id: int = 1,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Announcements to the force, each region and some teams, read by most of their audience."""
    director = people.filter(pl.col("level") == "director").sort("person_id")
    rows: list[dict[str, object]] = []

    def add(
        title: str,
        body: str,
        audience: str,
        author: int,
        name: str,
        region: str = "",
        team: int | None = None,
    ) -> None:
        rows.append(
            {
                "announcement_id": first_id + len(rows),
                "title": title,
                "body": body,
                "audience": audience,
                "region": region,
                "team_root": team,
                "author_id": author,
                "author": name,
                "published_on": as_of - dt.timedelta(days=int(rng.integers(0, 90))),
            }
        )

    if director.height:
        boss, boss_name = director.row(0)[:2]
        for title, body in texts.FORCE_NEWS:
            add(title, body, "force", boss, boss_name)
    for team in mgr_teams:
        for title, body in texts.REGION_NEWS:
            add(
                title.format(region=team.region),
                body.format(region=team.region),
                "region",
                team.leader,
                team.name,
                region=team.region,
            )
    for team in sup_teams:
        if rng.random() < 0.5:
            title, body = texts.TEAM_NEWS[int(rng.integers(0, len(texts.TEAM_NEWS)))]
            add(title, body, "team", team.leader, team.name, team=team.leader)
    news = pl.DataFrame(
        rows,
        schema={
            "announcement_id": pl.Int64,
            "title": pl.String,
            "body": pl.String,
            "audience": pl.String,
            "region": pl.String,
            "team_root": pl.Int64,
            "author_id": pl.Int64,
            "author": pl.String,
            "published_on": pl.Date,
        },
    )
    members = audience_members(news, people, closure(people))
    reads = _reads(news, members, as_of, rng)
    return news, reads


def _reads(
    news: pl.DataFrame, members: pl.DataFrame, as_of: dt.date, rng: np.random.Generator
) -> pl.DataFrame:
    """Most read older news, fewer the newest; authors have read their own."""
    frame = members.join(
        news.select("announcement_id", "published_on", "author_id"), on="announcement_id"
    )
    age = (pl.lit(as_of) - pl.col("published_on")).dt.total_days()
    frame = frame.with_columns(age.alias("age"))
    ages = frame["age"].to_numpy()
    diligence = np.clip(rng.normal(0.95, 0.1, frame.height), 0.5, 1.0)
    chance = (0.45 + 0.5 * np.minimum(1.0, ages / 30.0)) * diligence
    lag = np.minimum(rng.geometric(0.45, frame.height) - 1, ages)
    author = (frame["author_id"] == frame["person_id"]).to_numpy()
    read = (rng.random(frame.height) < chance) | author
    lag = np.where(author, 0, lag)
    return (
        frame.with_columns(pl.Series("read", read), pl.Series("lag", lag))
        .filter(pl.col("read"))
        .select(
            "announcement_id",
            "person_id",
            (pl.col("published_on") + pl.duration(days=pl.col("lag"))).alias("read_on"),
        )
    )
