"""Recurrence: the dates of a weekly, monthly or workday series.

A workday series (the morning kick-off, the evening review) falls on every one of
its weekdays (Monday to Friday, or a custom set), from its first date on.

Monthly series keep their anchor day: a series that starts on the 31st falls
on the last day of shorter months (30 April, 28 or 29 February) and comes
back to the 31st in the months that have one, instead of drifting to the 28th.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Literal

from plugins.team_events.errors import RecurrenceError

Recurrence = Literal["none", "weekly", "monthly", "workdays"]
MAX_OCCURRENCES = 104  # two years of weekly meetings, five months of daily ones
WORKDAYS: tuple[int, ...] = (0, 1, 2, 3, 4)
"""Monday to Friday (0 Monday .. 6 Sunday)."""


def month_day(year: int, month: int, anchor: int) -> dt.date:
    """Day ``anchor`` of the month, or the month's last day when it is shorter."""
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(anchor, last))


def shift_months(day: dt.date, months: int, anchor: int | None = None) -> dt.date:
    """``day`` moved by ``months`` calendar months, keeping ``anchor`` (default: its day)."""
    index = day.year * 12 + day.month - 1 + months
    return month_day(index // 12, index % 12 + 1, anchor or day.day)


def occurrences(
    start: dt.date,
    recurrence: Recurrence,
    every: int = 1,
    count: int | None = None,
    until: dt.date | None = None,
    limit: int = MAX_OCCURRENCES,
    weekdays: tuple[int, ...] = WORKDAYS,
) -> list[dt.date]:
    """The dates of a series starting on ``start``, oldest first.

    ``every`` weeks or months apart; a ``workdays`` series on each of ``weekdays``
    (``every`` does not apply), from the first of them on or after ``start``. Ends
    after ``count`` occurrences or on ``until`` (inclusive), whichever comes first. A
    repeating series needs at least one of the two, and never yields more than
    ``limit`` dates.
    """
    if recurrence == "none":
        return [start]
    if recurrence == "workdays":
        days = check_weekdays(weekdays)
        check_end(start, count, until, limit)
        return _workdays(start, days, count, until, limit)
    if recurrence not in ("weekly", "monthly"):
        raise RecurrenceError("team_events.error.recurrence", recurrence=recurrence)
    if every < 1:
        raise RecurrenceError("team_events.error.every")
    check_end(start, count, until, limit)
    dates: list[dt.date] = []
    while count is None or len(dates) < count:
        day = nth(start, recurrence, every, len(dates))
        if until is not None and day > until:
            break
        if len(dates) == limit:
            raise RecurrenceError("team_events.error.too_many", limit=limit)
        dates.append(day)
    return dates


def check_end(start: dt.date, count: int | None, until: dt.date | None, limit: int) -> None:
    """A repeating series ends after a number of occurrences or on a date after its start."""
    if count is None and until is None:
        raise RecurrenceError("team_events.error.no_end")
    if count is not None and count < 1:
        raise RecurrenceError("team_events.error.count")
    if until is not None and until < start:
        raise RecurrenceError("team_events.error.until_before_start")
    if count is not None and count > limit:
        raise RecurrenceError("team_events.error.too_many", limit=limit)


def check_weekdays(weekdays: tuple[int, ...] | list[int]) -> tuple[int, ...]:
    """The days of the week, sorted (0 Monday .. 6 Sunday); at least one."""
    days = tuple(sorted(set(weekdays)))
    if not days or any(day not in range(7) for day in days):
        raise RecurrenceError("team_events.error.weekdays")
    return days


def _workdays(
    start: dt.date,
    weekdays: tuple[int, ...],
    count: int | None,
    until: dt.date | None,
    limit: int,
) -> list[dt.date]:
    dates: list[dt.date] = []
    day = start
    while count is None or len(dates) < count:
        if until is not None and day > until:
            break
        if day.weekday() in weekdays:
            if len(dates) == limit:
                raise RecurrenceError("team_events.error.too_many", limit=limit)
            dates.append(day)
        day += dt.timedelta(days=1)
    return dates


def weekdays_text(weekdays: tuple[int, ...] | list[int]) -> str:
    """``0,1,2,3,4``: how a series stores its weekdays."""
    return ",".join(str(day) for day in sorted(set(weekdays)))


def parse_weekdays(text: str) -> tuple[int, ...]:
    """The weekdays a series stored (empty text: Monday to Friday)."""
    return tuple(int(part) for part in text.split(",") if part.strip()) or WORKDAYS


def nth(start: dt.date, recurrence: Recurrence, every: int, step: int) -> dt.date:
    """The ``step``-th date (0 = ``start``) of a weekly or monthly series."""
    if recurrence == "weekly":
        return start + dt.timedelta(weeks=step * every)
    if recurrence == "monthly":
        return shift_months(start, step * every, anchor=start.day)
    return start


def describe(
    recurrence: str, every: int, first: dt.date, weekdays: tuple[int, ...] = WORKDAYS
) -> tuple[str, dict[str, object]]:
    """A translation key and its parameters describing the rule ("Every 2 weeks on Monday";
    a workday series: ``days`` the weekdays' numbers, 0 Monday)."""
    if recurrence == "workdays":
        key = "team_events.rule.mon_fri" if weekdays == WORKDAYS else "team_events.rule.workdays"
        return key, {"days": list(weekdays)}
    if recurrence == "weekly":
        key = "team_events.rule.weekly" if every == 1 else "team_events.rule.weekly_n"
        return key, {"every": every, "weekday": first.isoweekday()}
    if recurrence == "monthly":
        key = "team_events.rule.monthly" if every == 1 else "team_events.rule.monthly_n"
        return key, {"every": every, "day": first.day}
    return "team_events.rule.once", {}


def week_start(day: dt.date) -> dt.date:
    """The Monday of ``day``'s week."""
    return day - dt.timedelta(days=day.weekday())
