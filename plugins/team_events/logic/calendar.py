"""A month calendar grid of events (for an Altair chart) and list views."""

from __future__ import annotations

import datetime as dt

import polars as pl

from command_center.periods import month_end


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
