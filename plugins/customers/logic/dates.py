"""Calendar arithmetic for windows and month-end points."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

DAY = dt.timedelta(days=1)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: dt.date, count: int) -> dt.date:
    """The same day ``count`` months later (earlier when negative), clamped to the month's end.

    2026-03-31 minus one month is 2026-02-28: the convention of Polars
    ``offset_by``, DuckDB interval arithmetic and pandas ``DateOffset``.
    """
    index = day.year * 12 + day.month - 1 + count
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def month_ends(last: dt.date, count: int) -> list[dt.date]:
    """The ends of the ``count`` months up to ``last``'s month, oldest first."""
    return [month_end(add_months(month_start(last), i - count + 1)) for i in range(count)]


@dataclass(frozen=True)
class Window:
    """Order dates ``after < order_date <= until`` (the pinned ABC window)."""

    after: dt.date
    until: dt.date

    @classmethod
    def of(cls, as_of: dt.date, months: int) -> Window:
        if months < 1:
            raise ValueError("months must be at least 1")
        return cls(add_months(as_of, -months), as_of)

    def split(self) -> tuple[tuple[dt.date, dt.date] | None, list[tuple[dt.date, dt.date]]]:
        """Whole months (first, last month start) inside the window, and the leftover day ranges.

        Summing monthly totals over the whole months and daily totals over the
        day ranges gives exactly the window's total.
        """
        first_day, last_day = self.after + DAY, self.until
        if first_day > last_day:
            return None, []
        first_whole = first_day if first_day.day == 1 else month_end(first_day) + DAY
        last_whole = month_start(last_day) if last_day == month_end(last_day) else None
        if last_whole is None:
            last_whole = add_months(month_start(last_day), -1)
        if first_whole > last_whole:
            return None, [(first_day, last_day)]
        ranges = []
        if first_day < first_whole:
            ranges.append((first_day, first_whole - DAY))
        if month_end(last_whole) < last_day:
            ranges.append((month_end(last_whole) + DAY, last_day))
        return (first_whole, last_whole), ranges
