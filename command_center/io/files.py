"""Reading and writing table files: CSV (UTF-8, BOM tolerated) and XLSX.

Every value is read as a string; typing is :mod:`command_center.io.validate`'s
job. Each data row keeps its row number in the file (the header being row 1),
so errors point at the line a person sees in an editor or in Excel.

CSV is read by Polars. When a record does not sit on exactly one line (a
quoted value spanning lines) or a row has too many values, the file is read
again with the :mod:`csv` module, which knows each record's line; the slow
path only ever runs on such files.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from command_center.io.errors import ROW_COLUMN, ImportFailed, file_error
from command_center.types import RowError

SUFFIXES = (".csv", ".xlsx")
XLSX_MAX_ROWS = 1_048_575  # a sheet's 1,048,576 rows, less the header
_EXCEL_MIDNIGHT = r"^(\d{4}-\d{2}-\d{2})[ T]00:00:00(?:\.0+)?$"


@dataclass
class Grid:
    """A table file as read: ``header`` names, string ``frame`` (columns ``c0..``),
    each frame row's file row number in ``rows``, and structural ``errors``."""

    header: list[str]
    header_row: int
    frame: pl.DataFrame
    rows: pl.Series
    errors: list[RowError] = field(default_factory=list)


def file_format(path: Path) -> str:
    """``"csv"`` or ``"xlsx"`` from the suffix; anything else is a ``ValueError``."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ValueError(f"unsupported file type {suffix or '(none)'!r} (use .csv or .xlsx)")
    return suffix[1:]


def load_grid(path: Path, file: str | None = None) -> Grid:
    """Read ``path`` into a :class:`Grid`; unreadable files raise :class:`ImportFailed`."""
    shown = file or str(path)
    try:
        kind = file_format(path)
    except ValueError as exc:
        raise file_error(shown, str(exc)) from None
    if not path.is_file():
        raise file_error(shown, "no such file")
    grid = _read_xlsx(path, shown) if kind == "xlsx" else _read_csv(path, shown)
    grid.frame = grid.frame.with_columns(
        pl.when(pl.col(c) != "").then(pl.col(c)).alias(c) for c in grid.frame.columns
    )
    return _drop_blank_columns(grid)


def read_table_file(path: Path | str) -> pl.DataFrame:
    """The table in ``path`` (.csv or .xlsx), every column as strings.

    Blank rows are skipped; a malformed file raises :class:`ImportFailed`.
    """
    path = Path(path)
    grid = load_grid(path)
    duplicates = sorted({n for n in grid.header if grid.header.count(n) > 1})
    errors = [RowError(grid.header_row, n, "duplicate column") for n in duplicates]
    if grid.errors or errors:
        raise ImportFailed([e.format(str(path)) for e in [*errors, *grid.errors]])
    return grid.frame.rename(dict(zip(grid.frame.columns, grid.header, strict=True)))


def write_table_file(frame: pl.DataFrame, path: Path, sheet: str = "data") -> None:
    """Write ``frame`` as CSV (UTF-8, dates ``YYYY-MM-DD``) or XLSX, by suffix.

    XLSX is written by xlsxwriter at roughly 20k rows a second; CSV is ~50x faster.
    """
    kind = file_format(path)
    if kind == "xlsx" and frame.height > XLSX_MAX_ROWS:
        raise ValueError(
            f"{frame.height} rows do not fit in one .xlsx sheet (at most {XLSX_MAX_ROWS}); "
            "export to .csv instead"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "csv":
        frame.write_csv(path, date_format="%Y-%m-%d")
        return
    ints = [name for name, dtype in frame.schema.items() if dtype.is_integer()]
    frame.write_excel(
        path,
        worksheet=sheet[:31],
        dtype_formats={pl.Date: "yyyy-mm-dd"},
        column_formats={name: "0" for name in ints} or None,
        float_precision=2,
        autofit=True,
    )


# -- CSV ------------------------------------------------------------------------


def _read_csv(path: Path, file: str) -> Grid:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0  # exc.start counts after it
        line = data.count(b"\n", 0, exc.start + bom) + 1
        reason = "not valid UTF-8 text (save the file as CSV UTF-8)"
        raise ImportFailed([RowError(line, ROW_COLUMN, reason).format(file)]) from None
    if not text.strip():
        raise file_error(file, "the file is empty (no header row)")
    try:
        raw = pl.read_csv(data, has_header=False, infer_schema=False)
    except pl.exceptions.PolarsError:
        return _read_csv_slow(text, file)
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    first = raw.row(0)
    if raw.height != lines or all(v is None for v in first):
        return _read_csv_slow(text, file)
    header = [(v or "").strip() for v in first]
    body = raw.slice(1).with_row_index("_i", offset=2)
    body = body.filter(pl.any_horizontal(pl.exclude("_i").str.strip_chars().fill_null("") != ""))
    errors = _short_rows(body, text, len(header))
    frame = body.drop("_i")
    return Grid(header, 1, frame, body["_i"].cast(pl.Int64).rename("_row"), errors)


def _short_rows(body: pl.DataFrame, text: str, width: int) -> list[RowError]:
    """Rows with too few values (Polars pads them with nulls): checked on the raw line."""
    if width < 2:
        return []
    suspects = body.filter(pl.col(body.columns[-1]).is_null())["_i"].to_list()
    if not suspects:
        return []
    lines = text.split("\n")
    errors = []
    for row in suspects:
        line = lines[row - 1].rstrip("\r")
        found = line.count(",") + 1 if '"' not in line else len(next(csv.reader([line])))
        if found < width:
            errors.append(RowError(row, ROW_COLUMN, f"expected {width} values, found {found}"))
    return errors


def _read_csv_slow(text: str, file: str) -> Grid:
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    header_row = 1
    records: list[list[str]] = []
    rows: list[int] = []
    errors: list[RowError] = []
    previous = 0
    try:
        for record in reader:
            start, previous = previous + 1, reader.line_num
            if not any(v.strip() for v in record):
                continue
            if header is None:
                header, header_row = [v.strip() for v in record], start
                continue
            if len(record) != len(header):
                reason = f"expected {len(header)} values, found {len(record)}"
                errors.append(RowError(start, ROW_COLUMN, reason))
                record = (record + [""] * len(header))[: len(header)]
            records.append(record)
            rows.append(start)
    except csv.Error as exc:
        raise file_error(file, f"not a readable CSV file ({exc})") from None
    if header is None:
        raise file_error(file, "the file is empty (no header row)")
    names = [f"column_{i}" for i in range(len(header))]
    columns = list(zip(*records, strict=True)) if records else [() for _ in names]
    frame = pl.DataFrame(
        {n: pl.Series(n, list(c), dtype=pl.String) for n, c in zip(names, columns, strict=True)}
    )
    return Grid(header, header_row, frame, pl.Series("_row", rows, dtype=pl.Int64), errors)


# -- XLSX -----------------------------------------------------------------------


def _read_xlsx(path: Path, file: str) -> Grid:
    try:
        raw = pl.read_excel(
            path,
            engine="calamine",
            has_header=False,
            infer_schema_length=0,
            drop_empty_rows=False,
            drop_empty_cols=False,
            raise_if_empty=False,
        )
    except Exception as exc:
        raise file_error(file, f"not a readable .xlsx workbook ({exc})") from None
    if raw.width == 0 or raw.height == 0:
        raise file_error(file, "the file is empty (no header row)")
    # Date cells come back as "YYYY-MM-DD 00:00:00"; keep the date.
    raw = raw.with_columns(
        pl.col(pl.String).str.strip_chars().str.replace(_EXCEL_MIDNIGHT, "${1}")
    ).with_row_index("_i", offset=_sheet_first_row(path))
    raw = raw.filter(pl.any_horizontal(pl.exclude("_i").is_not_null() & (pl.exclude("_i") != "")))
    if raw.height == 0:
        raise file_error(file, "the file is empty (no header row)")
    first = raw.row(0)
    header = [(v or "").strip() for v in first[1:]]
    body = raw.slice(1)
    return Grid(header, int(first[0]), body.drop("_i"), body["_i"].cast(pl.Int64).rename("_row"))


def _sheet_first_row(path: Path) -> int:
    """The sheet row where the data range starts (calamine skips leading empty rows)."""
    try:
        with zipfile.ZipFile(path) as zf:
            target = "xl/worksheets/sheet1.xml"
            workbook = zf.read("xl/workbook.xml").decode("utf-8", "replace")
            rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
            rid = re.search(r'<(?:\w+:)?sheet\b[^>]*?\b\w+:id="([^"]+)"', workbook)
            for rel in re.findall(r"<(?:\w+:)?Relationship\b[^>]*>", rels):
                if rid and f'Id="{rid.group(1)}"' in rel:
                    found = re.search(r'Target="([^"]+)"', rel)
                    if found:
                        name = found.group(1)
                        target = name.lstrip("/") if name.startswith("/") else f"xl/{name}"
            with zf.open(target) as sheet:
                head = sheet.read(1 << 16).decode("utf-8", "replace")
    except (KeyError, OSError, zipfile.BadZipFile):
        return 1
    cell = re.search(
        r'<(?:\w+:)?c\b[^>]*?\br="[A-Z]+(\d+)"[^>]*?(?<!/)>\s*<(?:\w+:)?(?:v|is|f)\b', head
    )
    return int(cell.group(1)) if cell else 1


def _drop_blank_columns(grid: Grid) -> Grid:
    """Drop columns with no header and no values (trailing commas, formatted cells)."""
    keep = [
        i
        for i, (name, col) in enumerate(zip(grid.header, grid.frame.columns, strict=True))
        if name or grid.frame[col].is_not_null().any()
    ]
    if len(keep) == len(grid.header):
        return grid
    frame = grid.frame.select([grid.frame.columns[i] for i in keep])
    return Grid([grid.header[i] for i in keep], grid.header_row, frame, grid.rows, grid.errors)
