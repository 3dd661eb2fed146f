"""Column checks for any import kind, vectorised in Polars.

Each :class:`~command_center.types.Column` becomes two expressions over the
(stripped) string column: the typed value, and the reason a cell is wrong,
null where it is fine; a cell with a reason is null in the typed frame, so a
kind's ``check`` and ``apply`` only ever see values that passed. Nothing
loops over rows in Python, so a million-line file is checked in about a second.

Values that would poison later pages are refused here, for every kind
(issue 13, defect 3):

- dates, and the first month of periods, within :meth:`Settings.date_range
  <command_center.settings.Settings.date_range>` (1990-01-01 .. today + 5
  years unless configured);
- numbers (``float``: money, quantities) within ±:data:`MAX_AMOUNT`, whole
  numbers within a 32-bit INTEGER (order ids, BIGINT everywhere, up to 2**53);
- text without control characters (C0, DEL, C1: NUL, terminal escapes …)
  or bidirectional embeddings, overrides and isolates (U+202A..U+202E,
  U+2066..U+2069). Tab and line breaks (LF, CR) are allowed only in free
  text: a ``str`` column without ``choices`` whose ``max_length`` is unset
  or at least :data:`FREE_TEXT_LENGTH` (a ``multiline`` attribute on the
  column, if it has one, decides instead). U+2028/U+2029 are never allowed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from command_center.settings import get_settings
from command_center.types import Column, RowError

ROW = "_row"
"""The column that holds each row's number in the file (header = row 1)."""

DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
PERIOD_PATTERN = (
    r"^\d{4}(?:-(?:0[1-9]|1[0-2])|-Q[1-4]|-(?:0[1-9]|1[0-2])-\d{2}|-W(?:0[1-9]|[1-4]\d|5[0-3]))?$"
)
DTYPES: dict[str, pl.DataType] = {
    "int": pl.Int64(),
    "float": pl.Float64(),
    "str": pl.String(),
    "date": pl.Date(),
    "period": pl.String(),
}
BAD_VALUE = {
    "int": "not a whole number",
    "float": "not a number",
    "date": "not a date (YYYY-MM-DD)",
    "period": "not a period (YYYY-MM-DD, YYYY-Www, YYYY-MM, YYYY-Qn or YYYY)",
}
_SHOWN = 40  # characters of a bad value quoted in its message
_TYPED = "\x00typed:"
_BAD = "\x00bad:"

INT32_MAX = 2**31 - 1
"""The largest ``int`` a column accepts: ids and counts are INTEGER in the database."""
WIDE_INT_COLUMNS = frozenset({"order_id"})
"""``int`` columns stored as BIGINT wherever they live (order ids): up to 2**53."""
MAX_AMOUNT = 1e12
"""The largest magnitude a ``float`` column accepts (money and quantities)."""
FREE_TEXT_LENGTH = 1000
"""A ``str`` column this long (or unbounded) is free text: tab and line breaks allowed."""
FORMULA_STARTS = ("=", "+", "-", "@")
FORMULA_START = r"^[=+\-@]"
FORMULA_REASON = f"a key may not begin with {', '.join(FORMULA_STARTS)} (spreadsheets run it)"
"""Keys a spreadsheet would take for a formula are refused, so an export's neutralising
quote never changes a key on its way back in (products' keys and every key column)."""

_C0_C1 = [chr(c) for c in (*range(0x00, 0x20), *range(0x7F, 0xA0))]
_LAYOUT = ["\t", "\n", "\r"]
_CONTROLS = [c for c in _C0_C1 if c not in _LAYOUT]
_BIDI = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]
_SEPARATORS = ["\u2028", "\u2029"]


def _char_class(chars: Sequence[str]) -> str:
    return "([" + "".join(f"\\x{{{ord(c):X}}}" for c in chars) + "])"


def _code(char: str) -> str:
    return f"U+{ord(char):04X}"


_CODES = {c: _code(c) for c in _C0_C1 + _BIDI + _SEPARATORS}


@dataclass(frozen=True)
class Bounds:
    """The value limits of one import: dates (and period starts) and amounts."""

    first_day: dt.date
    last_day: dt.date
    max_amount: float = MAX_AMOUNT

    @classmethod
    def current(cls) -> Bounds:
        """The limits in force (settings and environment, read at each call)."""
        first, last = get_settings().date_range()
        return cls(first, last)


def visible(text: str) -> str:
    """``text`` with control, direction and separator characters shown as ``U+XXXX``."""
    return "".join(f"<{_CODES[c]}>" if c in _CODES else c for c in text)


def hidden_chars(layout: bool = True) -> list[str]:
    """The characters :func:`visible` shows as ``U+XXXX``; ``layout=False`` leaves out
    tab and line breaks (LF, CR), which CSV quotes and free text may hold."""
    return [c for c in _CODES if layout or c not in _LAYOUT]


def hidden_pattern(layout: bool = True) -> str:
    """A regex character class matching any of :func:`hidden_chars` ``(layout)``."""
    return _char_class(hidden_chars(layout))


def free_text(column: Column) -> bool:
    """May ``column`` hold tab and line breaks? (See the module docstring.)"""
    declared = getattr(column, "multiline", None)
    if declared is not None:
        return bool(declared)
    long = column.max_length is None or column.max_length >= FREE_TEXT_LENGTH
    return column.dtype == "str" and not column.choices and long


def check_header(header: Sequence[str], columns: Sequence[Column], row: int = 1) -> list[RowError]:
    """Unknown, duplicate and missing column names, each an error on the header row
    (a column marked ``optional`` may be missing)."""
    expected = [c.name for c in columns]
    listed = ", ".join(c.name for c in columns if not c.optional)
    optional = [c.name for c in columns if c.optional]
    if optional:
        listed += f"; optional {', '.join(optional)}"
    errors: list[RowError] = []
    seen: set[str] = set()
    for name in header:
        shown = visible(name) or "(blank)"
        if name in seen:
            errors.append(RowError(row, shown, "duplicate column"))
        elif name not in expected:
            errors.append(RowError(row, shown, f"unknown column (expected {listed})"))
        seen.add(name)
    needed = [c.name for c in columns if not c.optional]
    errors += [RowError(row, name, "missing column") for name in needed if name not in seen]
    return errors


def present_columns(header: Sequence[str], columns: Sequence[Column]) -> tuple[Column, ...]:
    """``columns`` less the optional ones ``header`` leaves out (see :class:`Column`)."""
    named = set(header)
    return tuple(c for c in columns if not c.optional or c.name in named)


def validate_frame(
    frame: pl.DataFrame,
    columns: Sequence[Column],
    key: Sequence[str] = (),
    bounds: Bounds | None = None,
) -> tuple[pl.DataFrame, list[RowError]]:
    """Type and check ``frame`` (string columns named after ``columns``, plus ``_row``).

    Returns the typed frame (``_row`` first, then ``columns`` in order; a value
    that failed any check is null) and the errors, including duplicate ``key``s.
    ``bounds`` defaults to :meth:`Bounds.current`.
    """
    limits = bounds or Bounds.current()
    names = [c.name for c in columns]
    cleaned = frame.select(
        pl.col(ROW).cast(pl.Int64),
        *[_clean(pl.col(name)).alias(name) for name in names],
    )
    both = cleaned.with_columns(_typed(c).alias(_TYPED + c.name) for c in columns)
    checks = {c.name: found for c in columns if (found := _checks(c, limits))}
    # First a cheap flag per cell over every row; the messages only for flagged rows.
    both = both.with_columns(
        pl.any_horizontal(flag for flag, _, _ in found).fill_null(False).alias(_BAD + name)
        for name, found in checks.items()
    )
    typed = both.select(
        ROW,
        *[
            pl.when(~pl.col(_BAD + n)).then(pl.col(_TYPED + n)).alias(n)
            if n in checks
            else pl.col(_TYPED + n).alias(n)
            for n in names
        ],
    )
    errors: list[RowError] = []
    if checks:
        flagged = both.filter(pl.any_horizontal(pl.col(_BAD + n) for n in checks))
        reasons = [
            pl.when(pl.col(_BAD + n)).then(_first_reason(found)).alias(n)
            for n, found in checks.items()
        ]
        found_frame = flagged.select(ROW, *reasons)
        # "_column"/"_reason" cannot clash with a kind's own columns (names never start with _).
        long = found_frame.unpivot(index=ROW, variable_name="_column", value_name="_reason")
        errors = [RowError(*r) for r in long.drop_nulls("_reason").iter_rows()]
    return typed, errors + duplicate_keys(typed, key)


def duplicate_keys(typed: pl.DataFrame, key: Sequence[str]) -> list[RowError]:
    """Every repeat of a key already seen higher up in the file."""
    if not key:
        return []
    cols = list(key)
    repeats = (
        typed.filter(pl.all_horizontal(pl.col(cols).is_not_null()))
        .with_columns(pl.col(ROW).min().over(cols).alias("_first"))
        .filter(pl.col(ROW) != pl.col("_first"))
    )
    column = ",".join(cols)
    return [
        RowError(row, column, f"duplicate of row {first}")
        for row, first in repeats.select(ROW, "_first").iter_rows()
    ]


def _clean(col: pl.Expr) -> pl.Expr:
    stripped = col.cast(pl.String).str.strip_chars()
    return pl.when(stripped != "").then(stripped)


def _typed(column: Column) -> pl.Expr:
    v = pl.col(column.name)
    if column.dtype == "int":
        as_float = v.cast(pl.Float64, strict=False)
        whole = as_float.is_finite() & (as_float.floor() == as_float) & (as_float.abs() <= 2**53)
        return pl.coalesce(
            v.cast(pl.Int64, strict=False), pl.when(whole).then(as_float.cast(pl.Int64))
        )
    if column.dtype == "float":
        as_float = v.cast(pl.Float64, strict=False)
        return pl.when(as_float.is_finite()).then(as_float)
    if column.dtype == "date":
        parsed = v.str.to_date("%Y-%m-%d", strict=False)
        return pl.when(v.str.contains(DATE_PATTERN)).then(parsed)
    if column.dtype == "period":
        return pl.when(v.str.contains(PERIOD_PATTERN) & _real_day_or_week(v)).then(v)
    return v


def _week_monday(v: pl.Expr) -> pl.Expr:
    """The Monday of an ISO week label ``YYYY-Www`` (4 January is always in week 1)."""
    jan4 = pl.date(v.str.slice(0, 4).cast(pl.Int32, strict=False), 1, 4)
    week = v.str.slice(6, 2).cast(pl.Int64, strict=False)
    return jan4 - pl.duration(days=jan4.dt.weekday() - 1) + pl.duration(weeks=week - 1)


def _real_day_or_week(v: pl.Expr) -> pl.Expr:
    """A day label names a real day (no 30 February); week 53 only in a year that has one."""
    day = v.str.len_chars() == 10
    week = v.str.contains("-W")
    real_day = v.str.to_date("%Y-%m-%d", strict=False).is_not_null()
    real_week = _week_monday(v).dt.week() == v.str.slice(6, 2).cast(pl.Int8, strict=False)
    return pl.when(day).then(real_day).when(week).then(real_week.fill_null(False)).otherwise(True)


Check = tuple[pl.Expr, pl.Expr, pl.Expr]
"""A cheap flag (over every row), the exact condition and the reason (flagged rows only)."""


def _hidden_checks(column: Column) -> list[Check]:
    """Control, direction and (outside free text) line-break characters, each named.

    Its ``U+XXXX`` goes in the message, never the character itself (it could
    drive a terminal). Only text columns: elsewhere such a value does not parse.
    """
    v = pl.col(column.name)
    free = free_text(column)
    refused = _CONTROLS + _BIDI + _SEPARATORS + ([] if free else _LAYOUT)
    flag = v.str.contains(_char_class(refused))
    char = v.str.extract(_char_class(refused), 1)
    code = pl.lit(" (") + char.replace_strict(_CODES, default="?", return_dtype=pl.String)
    where = ")" if free else ") (tab and line breaks only in free-text columns)"
    return [
        (flag, char.is_in(_CONTROLS), pl.lit("contains a control character") + code + ")"),
        (flag, char.is_in(_BIDI), pl.lit("contains a text-direction control") + code + ")"),
        (flag, char.is_not_null(), pl.lit("contains a line break or tab") + code + where),
    ]


def _period_month(v: pl.Expr) -> pl.Expr:
    """The first month of a period label as ``year * 12 + month - 1`` (a week's: its Monday's)."""
    monday = _week_monday(v)
    year = (
        pl.when(v.str.contains("-W"))
        .then(monday.dt.year().cast(pl.Int64))
        .otherwise(v.str.slice(0, 4).cast(pl.Int64, strict=False))
    )
    month = (
        pl.when(v.str.contains("-Q"))
        .then(v.str.slice(6, 1).cast(pl.Int64, strict=False) * 3 - 2)
        .when(v.str.contains("-W"))
        .then(monday.dt.month().cast(pl.Int64))
        .when(v.str.len_chars().is_in([7, 10]))
        .then(v.str.slice(5, 2).cast(pl.Int64, strict=False))
        .otherwise(1)
    )
    return year * 12 + month - 1


def _range_checks(column: Column, bounds: Bounds) -> list[tuple[pl.Expr, pl.Expr]]:
    """Dates and periods within the configured range, amounts within ±MAX_AMOUNT."""
    t = pl.col(_TYPED + column.name)
    first, last = bounds.first_day, bounds.last_day
    if column.dtype == "date":
        return [
            (t < first, pl.lit(f"before {first.isoformat()} (the earliest date accepted)")),
            (t > last, pl.lit(f"after {last.isoformat()} (the latest date accepted)")),
        ]
    if column.dtype == "period":
        month = _period_month(t)
        earliest, latest = first.year * 12 + first.month - 1, last.year * 12 + last.month - 1
        return [
            (
                month < earliest,
                pl.lit(f"starts before {first:%Y-%m} (the earliest month accepted)"),
            ),
            (month > latest, pl.lit(f"starts after {last:%Y-%m} (the latest month accepted)")),
        ]
    if column.dtype == "int" and column.name not in WIDE_INT_COLUMNS:
        return [
            (t > INT32_MAX, pl.lit(f"too large (at most {INT32_MAX})")),
            (t < -INT32_MAX - 1, pl.lit(f"too small (at least {-INT32_MAX - 1})")),
        ]
    if column.dtype == "float":
        most = f"{bounds.max_amount:,.0f}"
        return [(t.abs() > bounds.max_amount, pl.lit(f"beyond ±{most} (the most accepted)"))]
    return []


def _checks(column: Column, bounds: Bounds) -> list[Check]:
    """Every check of ``column``, in the order they are reported (first one wins)."""
    v = pl.col(column.name)
    t = pl.col(_TYPED + column.name)
    shown = pl.lit("'") + v.str.slice(0, _SHOWN).map_elements(visible, pl.String) + "'"
    plain: list[tuple[pl.Expr, pl.Expr]] = []
    if column.required:
        plain.append((v.is_null(), pl.lit("required value missing")))
    hidden = _hidden_checks(column) if column.dtype == "str" else []
    if column.dtype != "str":
        bad = pl.lit(BAD_VALUE[column.dtype] + ": ") + shown
        plain.append((v.is_not_null() & t.is_null(), bad))
    plain += _range_checks(column, bounds)
    if column.min_value is not None and column.dtype in ("int", "float"):
        least = f"must be at least {column.min_value:g}: "
        plain.append((t < column.min_value, pl.lit(least) + shown))
    if column.choices:
        listed = " is not one of " + ", ".join(column.choices)
        plain.append((t.is_not_null() & ~v.is_in(list(column.choices)), shown + pl.lit(listed)))
    if column.max_length:
        too_long = f"longer than {column.max_length} characters"
        plain.append((v.str.len_chars() > column.max_length, pl.lit(too_long)))
    if getattr(column, "key_of", None) is not None:  # a key column (command_center.io.keys)
        plain.append((v.str.contains(FORMULA_START), pl.lit(FORMULA_REASON)))
    required = [(c, c, r) for c, r in plain[: int(column.required)]]
    rest = [(c, c, r) for c, r in plain[int(column.required) :]]
    return required + hidden + rest  # text checks come before any that quotes the value


def _first_reason(checks: Sequence[Check]) -> pl.Expr:
    """The reason of the first check that holds (null if none)."""
    _, condition, reason = checks[0]
    chain = pl.when(condition).then(reason)
    for _, condition, reason in checks[1:]:
        chain = chain.when(condition).then(reason)
    return chain.otherwise(pl.lit(None, dtype=pl.String))


def typed_schema(columns: Sequence[Column]) -> dict[str, pl.DataType]:
    """The schema of :func:`validate_frame`'s typed frame."""
    return {ROW: pl.Int64(), **{c.name: DTYPES[c.dtype] for c in columns}}
