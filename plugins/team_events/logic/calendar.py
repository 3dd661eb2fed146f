"""A month calendar grid of events (for an Altair chart), list views, scheduling defaults."""

from __future__ import annotations

import datetime as dt

import polars as pl

from command_center.periods import month_end
from plugins.team_events.logic.attendance import MEETING_KINDS


def month_grid(events: pl.DataFrame, month: dt.date) -> pl.DataFrame:
    """One row per day of ``month``: ``day, date, weekday (0=Mon), week, events, kinds, label``.

    ``events`` holds ``event_date, kind, title, start_time``; ``week`` is the
    row of the calendar (0 = the week holding the 1st); ``label`` lists the
    day's events as "09:00 title" lines; ``kinds`` the distinct kinds.
    """
    first = month.replace(day=1)
    days = pl.DataFrame({"date": pl.date_range(first, month_end(first), "1d", eager=True)})
    offset = first.weekday()
    grid = days.with_columns(
        pl.col("date").dt.day().alias("day"),
        (pl.col("date").dt.weekday() - 1).alias("weekday"),
        ((pl.col("date").dt.day() - 1 + offset) // 7).alias("week"),
    )
    inside = events.filter(pl.col("event_date").is_between(first, month_end(first)))
    per_day = (
        inside.sort("event_date", "start_time")
        .group_by("event_date", maintain_order=True)
        .agg(
            pl.len().alias("events"),
            pl.col("kind").unique(maintain_order=True).alias("kinds"),
            pl.concat_str([pl.col("start_time"), pl.col("title")], separator=" ")
            .str.join("\n")
            .alias("label"),
        )
    )
    return (
        grid.join(per_day, left_on="date", right_on="event_date", how="left")
        .with_columns(
            pl.col("events").fill_null(0).cast(pl.Int64),
            pl.col("label").fill_null(""),
            pl.col("kinds").fill_null([]),
        )
        .sort("date")
    )


def upcoming(events: pl.DataFrame, today: dt.date, days: int = 14) -> pl.DataFrame:
    """Events not cancelled from ``today`` for ``days`` days, soonest first."""
    return events.filter(
        pl.col("event_date").is_between(today, today + dt.timedelta(days=days))
        & (pl.col("status") != "cancelled")
    ).sort("event_date", "start_time", "event_id")


def nearest_meeting(meetings: pl.DataFrame, day: dt.date) -> int | None:
    """The meeting to open by default: the latest one up to ``day``, else the next one."""
    if meetings.is_empty():
        return None
    past = meetings.filter(pl.col("event_date") <= day)
    if past.height:
        return int(past.sort("event_date", "start_time", "event_id")["event_id"][-1])
    return int(meetings.sort("event_date", "start_time", "event_id")["event_id"][0])


def meetings_only(events: pl.DataFrame) -> pl.DataFrame:
    return events.filter(pl.col("kind").is_in(MEETING_KINDS))


def next_monday(day: dt.date) -> dt.date:
    """The Monday after ``day`` (a week later when ``day`` is a Monday)."""
    return day + dt.timedelta(days=(7 - day.weekday()) % 7 or 7)


def invitees(whole: bool, members: list[int], chosen: list[int]) -> tuple[int, ...] | None:
    """``None`` (the whole team), the team and the people chosen, or only those chosen."""
    if not chosen:
        return None
    return tuple(sorted(set(chosen) | set(members))) if whole else tuple(sorted(chosen))


def teams_by_last_meeting(meetings: pl.DataFrame) -> list[int]:
    """The teams (``team_root``) holding ``meetings``, the most recent meeting first."""
    return (
        meetings.group_by("team_root")
        .agg(pl.col("event_date").max())
        .sort("event_date", "team_root", descending=[True, False])["team_root"]
        .to_list()
    )
