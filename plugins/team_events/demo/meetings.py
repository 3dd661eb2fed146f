"""Demo meetings: weekly meetings of every supervisor's team, monthly reviews of every
manager's team, with attendance, minutes and action items carried until closed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from plugins.team_events.demo import texts
from plugins.team_events.demo.teams import Team, customers_by_owner, is_holiday
from plugins.team_events.logic.recurrence import shift_months, week_start

PAST_WEEKS = 16
FUTURE_WEEKS = 2
PAST_MONTHS = 4
DUE_DAYS = np.array([7, 7, 7, 14, 14, 21])
WEEKLY_TIMES = ("09:00", "09:00", "08:30", "17:30")


@dataclass
class Rows:
    """Growing lists of rows per table, turned into frames at the end."""

    series: list[dict[str, object]] = field(default_factory=list)
    events: list[dict[str, object]] = field(default_factory=list)
    invitees: list[pl.DataFrame] = field(default_factory=list)
    actions: list[dict[str, object]] = field(default_factory=list)
    updates: list[dict[str, object]] = field(default_factory=list)
    next_event: int = 1
    next_series: int = 1
    next_action: int = 1
    next_update: int = 1


@dataclass(frozen=True)
class Customers:
    owners: np.ndarray
    offsets: np.ndarray
    names: pl.Series

    def pick(self, owner: int, rng: np.random.Generator) -> str | None:
        pos = int(np.searchsorted(self.owners, owner))
        if pos >= self.owners.size or self.owners[pos] != owner:
            return None
        lo, hi = int(self.offsets[pos]), int(self.offsets[pos + 1])
        return str(self.names[lo + int(rng.integers(0, hi - lo))])


def customer_index(customers: pl.DataFrame) -> Customers:
    return Customers(*customers_by_owner(customers))


def _attendance(
    team: Team, count: int, rng: np.random.Generator, reliability: np.ndarray
) -> np.ndarray:
    """Attendance codes for ``count`` held meetings x members (one row per meeting)."""
    draw = rng.random((count, team.members.size))
    status = np.where(
        draw < 0.86 * reliability,
        "present",
        np.where(draw < 0.92, "late", np.where(draw < 0.96, "excused", "absent")),
    ).astype(object)
    leave = np.array([p in team.on_leave for p in team.members])
    status[:, leave] = "excused"
    status[:, 0] = "present"  # the leader runs the meeting
    return status


def _title(
    owner: int, customers: Customers, rng: np.random.Generator, pool: tuple[str, ...]
) -> str:
    if pool is texts.REVIEW_ACTIONS:
        return str(pool[int(rng.integers(0, len(pool)))])
    name = customers.pick(owner, rng) if rng.random() < 0.6 else None
    if name is not None:
        template = texts.CUSTOMER_ACTIONS[int(rng.integers(0, len(texts.CUSTOMER_ACTIONS)))]
        return template.format(c=name)
    return texts.PLAIN_ACTIONS[int(rng.integers(0, len(texts.PLAIN_ACTIONS)))]


def _minutes(kind: str, day: dt.date, rng: np.random.Generator) -> tuple[str, str]:
    def one(pool: tuple[str, ...]) -> str:
        return pool[int(rng.integers(0, len(pool)))]

    if kind == "monthly_review":
        notes = " ".join(rng.choice(np.array(texts.REVIEW_NOTES, dtype=object), 2, replace=False))
    else:
        notes = f"市场信息：{one(texts.MARKET)}\n问题：{one(texts.PROBLEMS)}"
    return notes, one(texts.DECISIONS)


def add_team_meetings(
    rows: Rows,
    team: Team,
    kind: str,
    dates: list[dt.date],
    start_time: str,
    as_of: dt.date,
    customers: Customers,
    rng: np.random.Generator,
    force_overdue: bool = False,
) -> None:
    """One series of meetings for ``team``: events, invitees, attendance and action items."""
    monthly = kind == "monthly_review"
    series_id = rows.next_series
    rows.next_series += 1
    title = (
        texts.MONTHLY_TITLE.format(region=team.region)
        if monthly
        else texts.WEEKLY_TITLE.format(name=team.name)
    )
    rows.series.append(
        {
            "series_id": series_id,
            "kind": kind,
            "title": title,
            "team_root": team.leader,
            "recurrence": "monthly" if monthly else "weekly",
            "every": 1,
            "first_date": dates[0],
            "until_date": dates[-1],
            "occurrences": len(dates),
            "created_by": "demo",
            "weekdays": "",
        }
    )
    locations = texts.REVIEW_LOCATIONS if monthly else texts.WEEKLY_LOCATIONS
    location = locations[int(rng.integers(0, len(locations)))]
    reliability = np.clip(rng.normal(1.02, 0.08, team.members.size), 0.7, 1.1)
    statuses = [
        "cancelled" if is_holiday(d) and d < as_of else ("held" if d < as_of else "scheduled")
        for d in dates
    ]
    ids = list(range(rows.next_event, rows.next_event + len(dates)))
    rows.next_event += len(dates)
    held = [i for i, s in enumerate(statuses) if s == "held"]
    codes = _attendance(team, len(dates), rng, reliability)
    for index, (event_id, day, status) in enumerate(zip(ids, dates, statuses, strict=True)):
        notes, decisions = _minutes(kind, day, rng) if status == "held" else ("", "")
        topic = texts.TOPICS[int(rng.integers(0, len(texts.TOPICS)))]
        agenda = (
            texts.MONTHLY_AGENDA.format(month=f"{shift_months(day, -1).month}月")
            if monthly
            else texts.WEEKLY_AGENDA.format(topic=topic)
        )
        rows.events.append(
            {
                "event_id": event_id,
                "series_id": series_id,
                "kind": kind,
                "title": title,
                "team_root": team.leader,
                "organiser_id": team.leader,
                "event_date": day,
                "start_time": start_time,
                "duration_minutes": 120 if monthly else 60,
                "location": location,
                "status": status,
                "agenda": agenda,
                "notes": notes,
                "decisions": decisions,
                "created_by": "demo",
            }
        )
        recorded = (
            codes[index] if status == "held" else np.full(team.members.size, "invited", object)
        )
        rows.invitees.append(
            pl.DataFrame(
                {
                    "event_id": np.full(team.members.size, event_id, dtype=np.int64),
                    "person_id": team.members,
                    "attendance": pl.Series(recorded.tolist(), dtype=pl.String),
                }
            )
        )
    owners_pool = team.supervisors if monthly and team.supervisors.size else team.members
    if owners_pool.size == 0:
        return
    for position in held:
        count = int(rng.poisson(2.0 if monthly else 1.6))
        for _ in range(count):
            owner = int(owners_pool[int(rng.integers(0, owners_pool.size))])
            _action(
                rows, team, ids, dates, statuses, position, owner, as_of, customers, rng, monthly
            )
    if force_overdue and team.reps.size:
        # The team's first rep carries an overdue item from two weeks ago.
        position = max((i for i in held if dates[i] <= as_of - dt.timedelta(days=12)), default=None)
        if position is not None:
            _action(
                rows,
                team,
                ids,
                dates,
                statuses,
                position,
                int(team.reps[0]),
                as_of,
                customers,
                rng,
                monthly,
                forced_open=True,
            )


def _action(
    rows: Rows,
    team: Team,
    ids: list[int],
    dates: list[dt.date],
    statuses: list[str],
    position: int,
    owner: int,
    as_of: dt.date,
    customers: Customers,
    rng: np.random.Generator,
    monthly: bool,
    forced_open: bool = False,
) -> None:
    origin = dates[position]
    due = origin + dt.timedelta(days=int(DUE_DAYS[int(rng.integers(0, DUE_DAYS.size))]))
    if forced_open:
        due = origin + dt.timedelta(days=5)
    pool = texts.REVIEW_ACTIONS if monthly else texts.PLAIN_ACTIONS
    action_id = rows.next_action
    rows.next_action += 1
    status, closed_on, closing_event = "open", None, None
    if not forced_open:
        later = int(rng.geometric(0.55))
        held_after = [i for i in range(position + 1, len(dates)) if statuses[i] == "held"]
        if len(held_after) >= later:
            close_at = held_after[later - 1]
            status = "done" if rng.random() < 0.93 else "dropped"
            closed_on, closing_event = dates[close_at], ids[close_at]
    if status == "open" and (forced_open or rng.random() < 0.4):
        status = "in_progress"
    rows.actions.append(
        {
            "action_id": action_id,
            "event_id": ids[position],
            "team_root": team.leader,
            "owner_id": owner,
            "title": _title(owner, customers, rng, pool),
            "due_date": due,
            "status": status,
            "created_on": origin,
            "closed_on": closed_on,
            "created_by": "demo",
        }
    )
    updates = [(ids[position], origin, "open")]
    if status == "in_progress":
        updates.append((None, min(as_of, origin + dt.timedelta(days=2)), "in_progress"))
    if closed_on is not None:
        updates.append((closing_event, closed_on, status))
    for event_id, day, state in updates:
        rows.updates.append(
            {
                "update_id": rows.next_update,
                "action_id": action_id,
                "event_id": event_id,
                "on_date": day,
                "status": state,
                "note": "",
                "actor": "demo",
            }
        )
        rows.next_update += 1


def weekly_dates(as_of: dt.date, weekday: int) -> list[dt.date]:
    first = week_start(as_of) - dt.timedelta(weeks=PAST_WEEKS) + dt.timedelta(days=weekday)
    return [first + dt.timedelta(weeks=k) for k in range(PAST_WEEKS + FUTURE_WEEKS)]


def monthly_dates(as_of: dt.date, day: int = 5) -> list[dt.date]:
    first = shift_months(as_of.replace(day=day), -PAST_MONTHS)
    return [shift_months(first, k, anchor=day) for k in range(PAST_MONTHS + 2)]


def seed_meetings(
    rows: Rows,
    sup_teams: list[Team],
    mgr_teams: list[Team],
    customers: pl.DataFrame,
    as_of: dt.date,
    rng: np.random.Generator,
) -> None:
    index = customer_index(customers)
    for team in sup_teams:
        weekday = 1 if rng.random() < 0.2 else 0
        start = WEEKLY_TIMES[int(rng.integers(0, len(WEEKLY_TIMES)))]
        add_team_meetings(
            rows,
            team,
            "weekly_meeting",
            weekly_dates(as_of, weekday),
            start,
            as_of,
            index,
            rng,
            force_overdue=True,
        )
    for team in mgr_teams:
        add_team_meetings(
            rows, team, "monthly_review", monthly_dates(as_of), "14:00", as_of, index, rng
        )
