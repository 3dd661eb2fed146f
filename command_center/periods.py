"""Periods: a month ``YYYY-MM``, a quarter ``YYYY-Qn`` or a year ``YYYY``."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

Grain = Literal["month", "quarter", "year"]
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")


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


def month_end(month: dt.date) -> dt.date:
    return add_months(month, 1) - dt.timedelta(days=1)


@dataclass(frozen=True, order=True)
class Period:
    """A calendar period: months ``start`` .. ``end`` (first days), inclusive."""

    start: dt.date
    end: dt.date
    grain: Grain

    @property
    def label(self) -> str:
        if self.grain == "month":
            return f"{self.start.year}-{self.start.month:02d}"
        if self.grain == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start.year}"

    @property
    def months(self) -> list[dt.date]:
        first = self.start.year * 12 + self.start.month - 1
        last = self.end.year * 12 + self.end.month - 1
        return [dt.date(i // 12, i % 12 + 1, 1) for i in range(first, last + 1)]

    @property
    def last_day(self) -> dt.date:
        return month_end(self.end)

    def shift(self, count: int) -> Period:
        """The period ``count`` periods of the same grain later (negative: earlier)."""
        step = {"month": 1, "quarter": 3, "year": 12}[self.grain] * count
        return Period(add_months(self.start, step), add_months(self.end, step), self.grain)

    def previous(self) -> Period:
        return self.shift(-1)

    def last_year(self) -> Period:
        return Period(add_months(self.start, -12), add_months(self.end, -12), self.grain)

    def __str__(self) -> str:
        return self.label


def containing(day: dt.date, grain: Grain) -> Period:
    """The period of ``grain`` that holds ``day``."""
    if grain == "month":
        start = month_start(day)
        return Period(start, start, "month")
    if grain == "quarter":
        start = dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
        return Period(start, add_months(start, 2), "quarter")
    return Period(dt.date(day.year, 1, 1), dt.date(day.year, 12, 1), "year")


def parse_period(text: str) -> Period:
    """``2026-10``, ``2026-Q4`` or ``2026``; raises ValueError otherwise (year 0000 too)."""
    text = text.strip()
    if text.startswith("0000"):
        raise ValueError(f"not a period: {text!r} (there is no year 0000)")
    if m := _MONTH.match(text):
        return containing(dt.date(int(m[1]), int(m[2]), 1), "month")
    if m := _QUARTER.match(text):
        return containing(dt.date(int(m[1]), (int(m[2]) - 1) * 3 + 1, 1), "quarter")
    if m := _YEAR.match(text):
        return containing(dt.date(int(m[1]), 1, 1), "year")
    raise ValueError(f"not a period: {text!r} (expected YYYY-MM, YYYY-Qn or YYYY)")


def is_period(text: str) -> bool:
    """Does :func:`parse_period` accept ``text``?"""
    text = text.strip()
    if text.startswith("0000"):
        return False
    return bool(_MONTH.match(text) or _QUARTER.match(text) or _YEAR.match(text))
