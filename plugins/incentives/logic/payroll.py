"""The payroll hand-off, pure: a locked month's statements as one row per person.

Per person and month: ``gross_commission`` (every commission component and
the gate and cap adjustments), ``bonuses`` (the components of a bonus type:
``bonus``, ``pool``, ``spiff``), ``clawbacks`` (the clawback lines, negative)
and ``total`` = their sum = the statement's payout. Money is counted in whole
fen (integer cents) so the three parts add up to the total exactly, and
written with two decimals.

The file holds nothing that changes between two exports of the same
statements: no timestamp, rows ordered by the person's key, the XLSX
workbook's creation date fixed to the period's first day. A second export
is byte-identical (tests compare the bytes).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping

import polars as pl

PAYROLL_COLUMNS = ("person_key", "period", "gross_commission", "bonuses", "clawbacks", "total")
BONUS_TYPES = frozenset({"bonus", "pool", "spiff"})
SHEET = "payroll"
PAYROLL_SCHEMA: dict[str, pl.DataType] = {
    "person_key": pl.String(),
    "period": pl.String(),
    "gross_commission": pl.String(),
    "bonuses": pl.String(),
    "clawbacks": pl.String(),
    "total": pl.String(),
}


def cents(amount: pl.Expr) -> pl.Expr:
    """An amount in yuan as whole fen (half away from zero, as amounts were rounded)."""
    return (amount * 100).round(0).cast(pl.Int64)


def _yuan(column: str) -> pl.Expr:
    """Whole fen as ``-1234.50`` text (exact: no float is printed)."""
    value = pl.col(column)
    sign = pl.when(value < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    whole = (value.abs() // 100).cast(pl.String)
    frac = (value.abs() % 100).cast(pl.String).str.zfill(2)
    return pl.concat_str([sign, whole, pl.lit("."), frac]).alias(column)


def line_part(kind: str, name: str, types: Mapping[str, str]) -> str:
    """Which payroll column a statement line goes to (``types``: component name -> type)."""
    if kind == "clawback":
        return "clawbacks"
    if kind == "component" and types.get(name) in BONUS_TYPES:
        return "bonuses"
    return "gross_commission"


def payroll_rows(
    statements: pl.DataFrame,
    lines: pl.DataFrame,
    types: Mapping[int, Mapping[str, str]],
    keys: Mapping[int, str],
) -> pl.DataFrame:
    """The payroll table, in fen: one row per locked statement.

    ``statements``: ``settlement_id, person_id, period, plan_version_id``;
    ``lines``: ``settlement_id, person_id, kind, name, amount``; ``types``:
    per plan version, component name -> component type; ``keys``: person id
    -> ``people.person_key``. Columns :data:`PAYROLL_COLUMNS` (money as
    Int64 fen), ordered by key, then period.
    """
    version_of = dict(
        zip(
            statements["settlement_id"].cast(pl.String)
            + ":"
            + statements["person_id"].cast(pl.String),
            statements["plan_version_id"].to_list(),
            strict=True,
        )
    )
    parts = [
        line_part(k, n, types.get(version_of.get(f"{s}:{p}") or -1, {}))
        for s, p, k, n in lines.select("settlement_id", "person_id", "kind", "name").iter_rows()
    ]
    by_part = (
        lines.select("settlement_id", "person_id", cents(pl.col("amount")).alias("fen"))
        .with_columns(pl.Series("part", parts, dtype=pl.String))
        .group_by("settlement_id", "person_id", "part")
        .agg(pl.col("fen").sum())
    )
    wide = statements.select("settlement_id", "person_id", "period")
    for part in ("gross_commission", "bonuses", "clawbacks"):
        one = by_part.filter(pl.col("part") == part).select(
            "settlement_id", "person_id", pl.col("fen").alias(part)
        )
        wide = wide.join(one, on=["settlement_id", "person_id"], how="left")
    money = ["gross_commission", "bonuses", "clawbacks"]
    return (
        wide.with_columns(pl.col(money).fill_null(0))
        .with_columns(
            pl.col("person_id")
            .map_elements(lambda p: keys.get(p, str(p)), return_dtype=pl.String)
            .alias("person_key"),
            pl.sum_horizontal(money).alias("total"),
        )
        .select(PAYROLL_COLUMNS)
        .sort("person_key", "period")
    )


def payroll_text(rows: pl.DataFrame) -> pl.DataFrame:
    """:func:`payroll_rows` with money as exact two-decimal text (what the files hold)."""
    money = [c for c in PAYROLL_COLUMNS if c not in ("person_key", "period")]
    return rows.with_columns(_yuan(c) for c in money).cast(PAYROLL_SCHEMA)  # type: ignore[arg-type]


def csv_bytes(rows: pl.DataFrame) -> bytes:
    """The payroll CSV: UTF-8 without BOM, ``\\n`` line ends, the pinned header."""
    lines = [",".join(PAYROLL_COLUMNS)]
    for row in payroll_text(rows).iter_rows():
        lines.append(",".join(_csv_cell(str(v)) for v in row))
    return ("\n".join(lines) + "\n").encode("utf-8")


def _csv_cell(value: str) -> str:
    """A cell quoted when it must be; a key starting with a formula sign is kept as text."""
    if value[:1] in ("=", "+", "@") or (value[:1] == "-" and not _is_number(value)):
        value = "'" + value
    if any(c in value for c in ',"\n\r'):
        return '"' + value.replace('"', '""') + '"'
    return value


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def xlsx_bytes(rows: pl.DataFrame, period: str) -> bytes:
    """The payroll workbook: one sheet, the pinned header, money as numbers to the fen.

    The workbook's creation date is the period's first day (xlsxwriter would
    write the time of export), so the same rows always give the same bytes.
    """
    import xlsxwriter

    year, month = int(period[:4]), int(period[5:7])
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False}) as book:
        book.set_properties({"created": dt.datetime(year, month, 1)})
        sheet = book.add_worksheet(SHEET)
        yuan = book.add_format({"num_format": "0.00"})
        sheet.write_row(0, 0, PAYROLL_COLUMNS)
        for r, row in enumerate(rows.iter_rows(), start=1):
            sheet.write_string(r, 0, str(row[0]))
            sheet.write_string(r, 1, str(row[1]))
            for c, fen in enumerate(row[2:], start=2):
                sheet.write_number(r, c, int(fen) / 100, yuan)
        sheet.set_column(0, 1, 14)
        sheet.set_column(2, len(PAYROLL_COLUMNS) - 1, 16)
    return buffer.getvalue()
