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
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from command_center.io.errors import ROW_COLUMN, ImportFailed, file_error
from command_center.io.validate import hidden_pattern, visible
from command_center.types import RowError

SUFFIXES = (".csv", ".xlsx")
XLSX_MAX_ROWS = 1_048_575  # a sheet's 1,048,576 rows, less the header
_EXCEL_MIDNIGHT = r"^(\d{4}-\d{2}-\d{2})[ T]00:00:00(?:\.0+)?$"
_MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """The most a table file may hold; each has an environment variable (README)."""

    file_bytes: int = 512 * _MB  # COMMAND_CENTER_MAX_FILE_MB: the file on disk
    unzipped_bytes: int = 2048 * _MB  # COMMAND_CENTER_MAX_UNZIPPED_MB: an XLSX, decompressed
    rows: int = 10_000_000  # COMMAND_CENTER_MAX_ROWS: data rows
    columns: int = 256  # COMMAND_CENTER_MAX_COLUMNS
    cells: int = 20_000_000  # COMMAND_CENTER_MAX_CELLS: rows x columns

    @classmethod
    def from_env(cls) -> Limits:
        """The limits in force: defaults, or the environment's (read at each call)."""

        def number(name: str, default: int, scale: int = 1) -> int:
            value = os.environ.get(f"COMMAND_CENTER_MAX_{name}", "").strip()
            return int(value) * scale if value else default

        default = cls()
        return cls(
            file_bytes=number("FILE_MB", default.file_bytes, _MB),
            unzipped_bytes=number("UNZIPPED_MB", default.unzipped_bytes, _MB),
            rows=number("ROWS", default.rows),
            columns=number("COLUMNS", default.columns),
            cells=number("CELLS", default.cells),
        )

    def check_shape(self, file: str, what: str, rows: int, columns: int) -> None:
        """Refuse a table of ``rows`` (header included) by ``columns``."""
        if columns > self.columns:
            raise file_error(file, f"{what} spans {columns:,} columns (at most {self.columns:,})")
        if rows - 1 > self.rows:
            raise file_error(file, f"{what} spans {rows - 1:,} data rows (at most {self.rows:,})")
        if rows * columns > self.cells:
            raise file_error(
                file,
                f"{what} spans {rows:,} rows x {columns:,} columns = {rows * columns:,} cells "
                f"(at most {self.cells:,})",
            )


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
    limits = Limits.from_env()
    size = path.stat().st_size
    if size > limits.file_bytes:
        raise file_error(
            shown, f"the file is {size / _MB:,.1f} MB (at most {limits.file_bytes / _MB:,.0f} MB)"
        )
    read = _read_xlsx if kind == "xlsx" else _read_csv
    grid = read(path, shown, limits)
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
    errors = [RowError(grid.header_row, visible(n), "duplicate column") for n in duplicates]
    if grid.errors or errors:
        raise ImportFailed([e.format(visible(str(path))) for e in [*errors, *grid.errors]])
    return grid.frame.rename(dict(zip(grid.frame.columns, grid.header, strict=True)))


_FORMULA_START = r"^[=+\-@\t\r]"
_PLAIN_NUMBER = r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$"


def _text_columns(frame: pl.DataFrame) -> list[str]:
    return [
        name
        for name, dtype in frame.schema.items()
        if dtype == pl.String or isinstance(dtype, pl.Categorical | pl.Enum)
    ]


def printable(frame: pl.DataFrame, *, layout: bool = True) -> pl.DataFrame:
    """``frame`` with control, text-direction and separator characters in text cells
    shown as ``<U+XXXX>``, as import errors show them: a value stored by a form or an
    older version cannot drive a terminal (NUL, escape sequences, RTL overrides).

    ``layout=False`` keeps tab and line breaks (for CSV, which quotes them). Only the
    characters a column holds are replaced; a clean column costs one scan.
    """
    pattern = hidden_pattern(layout)
    changed = []
    for name in _text_columns(frame):
        column = frame[name].cast(pl.String)
        if not column.str.contains(pattern).any():
            continue
        found = column.str.extract_all(pattern).explode().drop_nulls().unique().to_list()
        expr = pl.col(name).cast(pl.String)
        for char in found:
            expr = expr.str.replace_all(char, visible(char), literal=True)
        changed.append(expr.alias(name))
    return frame.with_columns(changed) if changed else frame


def csv_safe(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with text cells a spreadsheet could run made inert (OWASP's rule).

    A text cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
    return gets a leading ``'``. Numbers are left alone: numeric columns are not
    touched, nor is text that is a plain number (``-5``, ``+1.5e3``). Control and
    text-direction characters are shown as ``<U+XXXX>`` (:func:`printable`; tab
    and line breaks stay, quoted), so a CSV printed to a terminal is inert too.
    """
    text = _text_columns(frame)
    if not text:
        return frame
    shown = printable(frame, layout=False)
    return shown.with_columns(
        _neutralised(pl.col(name).cast(pl.String)).alias(name) for name in text
    )


def _neutralised(column: pl.Expr) -> pl.Expr:
    risky = column.str.contains(_FORMULA_START) & ~column.str.contains(_PLAIN_NUMBER)
    return pl.when(risky).then(pl.lit("'") + column).otherwise(column)


def write_csv(frame: pl.DataFrame, path: Path | None = None, **options: Any) -> str | None:
    """:meth:`polars.DataFrame.write_csv` of :func:`csv_safe` ``(frame)``: every CSV the
    app or the CLI writes goes through here."""
    return csv_safe(frame).write_csv(path, **options)


def csv_text(frame: pl.DataFrame, **options: Any) -> str:
    """The CSV text of :func:`csv_safe` ``(frame)`` (for stdout and download buttons)."""
    return csv_safe(frame).write_csv(**options)


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
        write_csv(frame, path, date_format="%Y-%m-%d")
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


def _read_csv(path: Path, file: str, limits: Limits) -> Grid:
    data = path.read_bytes()
    _check_csv_shape(data, file, limits)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0  # exc.start counts after it
        line = data.count(b"\n", 0, exc.start + bom) + 1
        reason = "not valid UTF-8 text (save the file as CSV UTF-8)"
        raise ImportFailed([RowError(line, ROW_COLUMN, reason).format(visible(file))]) from None
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


def _check_csv_shape(data: bytes, file: str, limits: Limits) -> None:
    """Rows and columns of a CSV, counted on the bytes before any parsing."""
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    end = data.find(b"\n")
    first = data if end < 0 else data[:end]
    columns = first.count(b",") + 1
    if columns > limits.columns and b'"' in first:  # quoted commas: count the real values
        try:
            text = first.decode("utf-8-sig", "replace")
            columns = len(next(csv.reader([text]), []))
        except csv.Error as exc:
            raise file_error(file, f"not a readable CSV file ({exc})") from None
    limits.check_shape(file, "the file", lines, columns)


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


def _read_xlsx(path: Path, file: str, limits: Limits) -> Grid:
    _inspect_xlsx(path, file, limits)
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


def _sheet_target(zf: zipfile.ZipFile) -> str:
    """The first sheet's member name (the one the reader loads)."""
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
    return target


def _sheet_first_row(path: Path) -> int:
    """The sheet row where the data range starts (calamine skips leading empty rows)."""
    try:
        with zipfile.ZipFile(path) as zf, zf.open(_sheet_target(zf)) as sheet:
            head = sheet.read(1 << 16).decode("utf-8", "replace")
    except (KeyError, OSError, zipfile.BadZipFile):
        return 1
    cell = re.search(
        r'<(?:\w+:)?c\b[^>]*?\br="[A-Z]+(\d+)"[^>]*?(?<!/)>\s*<(?:\w+:)?(?:v|is|f)\b', head
    )
    return int(cell.group(1)) if cell else 1


_CHUNK = 1 << 20
SPARSE_SPAN = 1_000_000
"""A sheet's cell range may span this many cells however few of them are written."""
SPARSE_RATIO = 10
"""Beyond :data:`SPARSE_SPAN`, the range may span at most this many times the cells written:
the reader allocates the whole range (a 1.5 KB file with one far cell costs ~1 GB)."""
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*?\bref="([^"]*)"')
_CELL_REF = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,3})(\d{1,7})"')
_CELL = re.compile(rb"<(?:\w+:)?c\b")
_ROW = re.compile(rb"<(?:\w+:)?row\b")
_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d{1,7})$")


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _column_letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _range_shape(ref: str) -> tuple[int, int] | None:
    """``(rows, columns)`` of an ``A1:C9`` reference; ``None`` when unreadable."""
    corners = [_REF.match(part.strip().upper()) for part in ref.split(":")]
    if not corners or len(corners) > 2 or not all(corners):
        return None
    first, last = corners[0], corners[-1]
    assert first is not None and last is not None
    rows = abs(int(last.group(2)) - int(first.group(2))) + 1
    columns = abs(_column_number(last.group(1)) - _column_number(first.group(1))) + 1
    return rows, columns


def _inspect_xlsx(path: Path, file: str, limits: Limits) -> None:
    """Refuse a workbook the reader could not hold, before the reader runs.

    Every member is decompressed as a stream and its bytes counted against
    ``limits.unzipped_bytes`` (declared sizes are not trusted; Python checks each
    member's CRC). The first sheet's declared dimension and its actual cell
    range, row and cell counts must fit the row, column and cell limits, and a
    range over :data:`SPARSE_SPAN` cells must not be mostly empty (the reader
    allocates the range, not the cells written).
    """
    budget = limits.unzipped_bytes
    too_big = f"the workbook unpacks to more than {budget / _MB:,.0f} MB (a zip bomb?)"
    try:
        with zipfile.ZipFile(path) as zf:
            members = zf.infolist()
            if sum(info.file_size for info in members) > budget:
                raise file_error(file, too_big)
            try:
                target = _sheet_target(zf)
            except KeyError:
                target = ""
            used = 0
            for info in members:
                sheet = _SheetScan() if info.filename == target else None
                with zf.open(info) as member:
                    rest = b""
                    while chunk := member.read(_CHUNK):
                        used += len(chunk)
                        if used > budget:
                            raise file_error(file, too_big)
                        if sheet is not None:
                            rest = sheet.feed(rest + chunk, file, limits)
                if sheet is not None:
                    sheet.feed(rest, file, limits, last=True)
                    sheet.check(file, limits)
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
        raise file_error(file, f"not a readable .xlsx workbook ({exc})") from None


class _SheetScan:
    """Counts a sheet's XML as it streams past: dimension, cell range, rows, cells."""

    def __init__(self) -> None:
        self.dimension: str | None = None
        self.rows = self.cells = 0
        self.min_row = self.min_col = 1 << 30
        self.max_row = self.max_col = 0

    def feed(self, data: bytes, file: str, limits: Limits, *, last: bool = False) -> bytes:
        """Scan ``data`` up to its last complete tag; return the rest for the next chunk."""
        cut = len(data) if last else data.rfind(b">") + 1
        block, rest = data[:cut], data[cut:]
        if self.dimension is None:
            found = _DIMENSION.search(block)
            if found:
                self.dimension = found.group(1).decode("ascii", "replace")
                shape = _range_shape(self.dimension)
                if shape is not None:
                    what = f"the sheet's dimension {self.dimension}"
                    limits.check_shape(file, what, *shape)
        self.rows += len(_ROW.findall(block))
        self.cells += len(_CELL.findall(block))
        if self.rows - 1 > limits.rows or self.cells > limits.cells:
            self.check(file, limits)
        refs = _CELL_REF.findall(block)
        if refs:
            numbers = [int(row) for _, row in refs]
            letters = {column for column, _ in refs}
            columns = [_column_number(c.decode("ascii")) for c in letters]
            self.min_row, self.max_row = min(self.min_row, *numbers), max(self.max_row, *numbers)
            self.min_col, self.max_col = min(self.min_col, *columns), max(self.max_col, *columns)
        return rest

    def check(self, file: str, limits: Limits) -> None:
        if self.rows - 1 > limits.rows:
            raise file_error(
                file, f"the sheet has {self.rows - 1:,} data rows (at most {limits.rows:,})"
            )
        if self.cells > limits.cells:
            raise file_error(file, f"the sheet has {self.cells:,} cells (at most {limits.cells:,})")
        if self.max_row:
            rows = self.max_row - self.min_row + 1
            columns = self.max_col - self.min_col + 1
            used = f"{_column_letters(self.min_col)}{self.min_row}:"
            used += f"{_column_letters(self.max_col)}{self.max_row}"
            limits.check_shape(file, f"the sheet's cells {used}", rows, columns)
            span = rows * columns
            if span > SPARSE_SPAN and span > SPARSE_RATIO * self.cells:
                raise file_error(
                    file,
                    f"the sheet's cells {used} span {span:,} cells but only {self.cells:,} "
                    "are written (delete the stray cells far from the data)",
                )


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
