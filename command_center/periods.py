"""Periods: a day ``YYYY-MM-DD``, an ISO week ``YYYY-Www``, a month ``YYYY-MM``, a
quarter ``YYYY-Qn`` or a year ``YYYY``.

A month, quarter or year is the months ``start`` .. ``end`` (their first days);
a day or a week is the days ``start`` .. ``end`` (a week runs Monday to Sunday
and is named by its ISO year and number, so ``2026-W01`` starts on 2025-12-29).
Whatever the grain, :attr:`Period.first_day` .. :attr:`Period.last_day` are the
days it covers and :attr:`Period.months` the months it touches.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

Grain = Literal["day", "week", "month", "quarter", "year"]
GRAINS: tuple[Grain, ...] = ("day", "week", "month", "quarter", "year")
"""Finest first."""
DAY_GRAINS: frozenset[Grain] = frozenset({"day", "week"})
"""Grains whose ``start`` and ``end`` are days rather than months."""
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
_EXPECTED = "expected YYYY-MM-DD, YYYY-Www, YYYY-MM, YYYY-Qn or YYYY"


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(month: dt.date, count: int) -> dt.date:
    """The first day of the month ``count`` months after ``month``'s.

    Raises ``ValueError`` past the calendar's ends (years 1..9999).
    """
    index = month.year * 12 + month.month - 1 + count
    if not 12 <= index < (dt.MAXYEAR + 1) * 12:
        shown = f"{month.year:04d}-{month.month:02d}"
        raise ValueError(f"{count:+d} months from {shown} is outside years 1..9999")
    return dt.date(index // 12, index % 12 + 1, 1)


def add_days(day: dt.date, count: int) -> dt.date:
    """``day`` plus ``count`` days; ``ValueError`` past the calendar's ends."""
    try:
        return day + dt.timedelta(days=count)
    except OverflowError:
        raise ValueError(f"{count:+d} days from {day} is outside years 1..9999") from None


def month_end(month: dt.date) -> dt.date:
    return add_months(month, 1) - dt.timedelta(days=1)


def week_start(day: dt.date) -> dt.date:
    """The Monday of ``day``'s ISO week (``ValueError`` before 0001-01-01's week)."""
    return add_days(day, -day.weekday())


def _iso_week(year: int, week: int) -> dt.date:
    """The Monday of ISO week ``week`` of ``year``; ``ValueError`` when there is none."""
    try:
        return dt.date.fromisocalendar(year, week, 1)
    except (ValueError, OverflowError):
        raise ValueError(f"there is no week {week} in {year:04d}") from None


@dataclass(frozen=True, order=True)
class Period:
    """A calendar period of ``grain``.

    Month, quarter and year: months ``start`` .. ``end`` (first days), inclusive.
    Day and week: days ``start`` .. ``end``, inclusive.
    """

    start: dt.date
    end: dt.date
    grain: Grain

    @property
    def label(self) -> str:
        if self.grain == "day":
            return self.start.isoformat()
        if self.grain == "week":
            year, week, _ = self.start.isocalendar()
            return f"{year:04d}-W{week:02d}"
        if self.grain == "month":
            return f"{self.start.year}-{self.start.month:02d}"
        if self.grain == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start.year}"

    @property
    def months(self) -> list[dt.date]:
        """First days of the months the period touches (a week may touch two)."""
        first = self.start.year * 12 + self.start.month - 1
        last = self.end.year * 12 + self.end.month - 1
        return [dt.date(i // 12, i % 12 + 1, 1) for i in range(first, last + 1)]

    @property
    def first_day(self) -> dt.date:
        return self.start

    @property
    def last_day(self) -> dt.date:
        return self.end if self.grain in DAY_GRAINS else month_end(self.end)

    @property
    def days(self) -> list[dt.date]:
        """Every day the period covers, in order."""
        count = (self.last_day - self.first_day).days + 1
        return [self.first_day + dt.timedelta(days=i) for i in range(count)]

    def covers(self, day: dt.date) -> bool:
        return self.first_day <= day <= self.last_day

    def shift(self, count: int) -> Period:
        """The period ``count`` periods of the same grain later (negative: earlier)."""
        if self.grain in DAY_GRAINS:
            step = count * (7 if self.grain == "week" else 1)
            return Period(add_days(self.start, step), add_days(self.end, step), self.grain)
        step = {"month": 1, "quarter": 3, "year": 12}[self.grain] * count
        return Period(add_months(self.start, step), add_months(self.end, step), self.grain)

    def previous(self) -> Period:
        return self.shift(-1)

    def last_year(self) -> Period:
        """The same period a year earlier: the same date (29 February: the 28th), the
        same ISO week number (week 53: week 52 when the year before has none)."""
        if self.grain == "day":
            day = self.start
            if (day.month, day.day) == (2, 29):
                day = day.replace(day=28)
            return containing(day.replace(year=day.year - 1), "day")
        if self.grain == "week":
            year, week, _ = self.start.isocalendar()
            try:
                monday = _iso_week(year - 1, week)
            except ValueError:
                monday = _iso_week(year - 1, week - 1)
            return containing(monday, "week")
        return Period(add_months(self.start, -12), add_months(self.end, -12), self.grain)

    def __str__(self) -> str:
        return self.label


def containing(day: dt.date, grain: Grain) -> Period:
    """The period of ``grain`` that holds ``day``."""
    if grain == "day":
        return Period(day, day, "day")
    if grain == "week":
        monday = week_start(day)
        return Period(monday, add_days(monday, 6), "week")
    if grain == "month":
        start = month_start(day)
        return Period(start, start, "month")
    if grain == "quarter":
        start = dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
        return Period(start, add_months(start, 2), "quarter")
    return Period(dt.date(day.year, 1, 1), dt.date(day.year, 12, 1), "year")


def parse_period(text: str) -> Period:
    """``2026-12-03``, ``2026-W49``, ``2026-10``, ``2026-Q4`` or ``2026``; raises
    ValueError otherwise (year 0000, 30 February and a week 53 a year lacks too)."""
    text = text.strip()
    if text.startswith("0000"):
        raise ValueError(f"not a period: {text!r} (there is no year 0000)")
    if m := _DAY.match(text):
        try:
            day = dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            raise ValueError(f"not a period: {text!r} (no such day)") from None
        return containing(day, "day")
    if m := _WEEK.match(text):
        try:
            monday = _iso_week(int(m[1]), int(m[2]))
            return containing(monday, "week")
        except ValueError as exc:
            raise ValueError(f"not a period: {text!r} ({exc})") from None
    if m := _MONTH.match(text):
        return containing(dt.date(int(m[1]), int(m[2]), 1), "month")
    if m := _QUARTER.match(text):
        return containing(dt.date(int(m[1]), (int(m[2]) - 1) * 3 + 1, 1), "quarter")
    if m := _YEAR.match(text):
        return containing(dt.date(int(m[1]), 1, 1), "year")
    raise ValueError(f"not a period: {text!r} ({_EXPECTED})")


def is_period(text: str) -> bool:
    """Does :func:`parse_period` accept ``text``?"""
    try:
        parse_period(text)
    except ValueError:
        return False
    return True
