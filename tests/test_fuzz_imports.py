"""Fuzzed import files for every import kind, then every page for every role.

The kinds come from the plugin host (the core's and every plugin's
``register_importers``), never from a hand list. Each example writes a file
(encodings, headers, values: empty, huge, negative, unicode, control
characters, dates out of range) built from real rows of the kind's export
with some cells replaced, and imports it into a copy of the small demo. The
import (as the operator, and as a supervisor for the kinds a supervisor may
import within the team) must either succeed or fail with :class:`ImportFailed` whose every line
names the file and a row (``FILE:ROW: column: reason``; ``FILE: reason`` for
the file as a whole) without a control character, and a rejected file must
leave every table as it was (row counts of all tables, a checksum of every
table the attempt wrote to). Then every page is rendered for every role over
the data the fuzz got accepted.

Examples are derandomised (the same in every run, so CI is stable);
``COMMAND_CENTER_FUZZ_EXAMPLES=200`` explores more, with fresh randomness.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import os
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, event, inspect, text

from command_center import runtime
from command_center import testing as apptest
from command_center.db.engine import dispose_engine, get_engine
from command_center.io import ImportFailed, export_kinds, import_kinds, run_import
from command_center.io.validate import MAX_AMOUNT
from command_center.keys import STANDARD_COLUMNS, with_keys
from command_center.org.auth import viewer_for
from command_center.org.scope import OPERATOR, Viewer
from command_center.settings import get_settings
from command_center.testing import signed_in
from command_center.types import Column, ImportKind
from tests.conftest import make_host

KINDS = sorted(import_kinds(make_host()))
SCOPED_KINDS = sorted(
    name
    for name, kind in import_kinds(make_host()).items()
    if "supervisor" in kind.roles and kind.owner_column is not None
)
"""Kinds a supervisor imports within their team (the runner's scope checks run first)."""
ROLES = ["director", "manager", "supervisor", "rep", "admin"]
EXPLORE = int(os.environ.get("COMMAND_CENTER_FUZZ_EXAMPLES", "0"))
FUZZ = settings(
    max_examples=EXPLORE or 4,
    derandomize=not EXPLORE,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # no shrinking: fail fast in CI
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

FIRST_DAY, LAST_DAY = get_settings().date_range()
HIDDEN = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
WRITES = re.compile(
    r"^\s*(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+\"?(\w+)",
    re.IGNORECASE,
)

# -- values ----------------------------------------------------------------------------

POISON = [
    "",
    " ",
    "\x00",
    "\x1b[2J\x1b[31mred",
    "Eve\u202eevil",
    "a\u2066b\u2069",
    "tab\there",
    "two\nlines",
    "名字",
    "😀" * 5,
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://x")',
    "None",
    "null",
    "NaN",
    "-",
    "A" * 5000,
    "\ufeffbom",
    "\u2028",
    "\x85nel",
    "\x9b2J",
    "'",
    '"',
    ",",
]
BY_DTYPE: dict[str, list[str]] = {
    "int": ["0", "1", "2", "-1", "2147483647", "2147483648", "9007199254740993", "1.5", "3.0"],
    "float": [
        f"{MAX_AMOUNT:.0f}",
        f"-{MAX_AMOUNT:.0f}",
        "1000000000001",
        "1e17",
        "-1e17",
        "inf",
        "-inf",
        "nan",
        "1,000",
        "0.1",
        "5e-324",
        "-0.0",
        "1e308",
    ],
    "date": [
        FIRST_DAY.isoformat(),
        LAST_DAY.isoformat(),
        (FIRST_DAY - dt.timedelta(days=1)).isoformat(),
        (LAST_DAY + dt.timedelta(days=1)).isoformat(),
        "0000-01-01",
        "0001-01-01",
        "9999-12-31",
        "2024-02-29",
        "2023-02-29",
        "2024-13-01",
        "2026-11-15 00:00:00",
        "15/11/2026",
    ],
    "period": [
        "2026-11",
        "2026-Q4",
        "2026",
        "0000-01",
        "1989-12",
        f"{FIRST_DAY:%Y-%m}",
        f"{LAST_DAY:%Y-%m}",
        "9999",
        "2026-13",
        "2026-Q5",
    ],
}
ENCODINGS = ["utf-8", "utf-8", "utf-8", "utf-8-sig", "gbk", "utf-16", "latin-1"]


def cell(column: Column) -> st.SearchStrategy[str]:
    """A value for ``column``: mostly edge cases of its type, sometimes anything."""
    typed = BY_DTYPE.get(column.dtype, [])
    choices = list(column.choices or ())
    options = [st.sampled_from(POISON), st.text(max_size=12)]
    if typed:
        options.insert(0, st.sampled_from(typed))
    if choices:
        options.insert(0, st.sampled_from([*choices, choices[0].upper(), f" {choices[0]} "]))
    if column.dtype == "date":
        options.insert(0, st.dates(FIRST_DAY, LAST_DAY).map(dt.date.isoformat))
    if column.dtype == "float":
        options.insert(0, st.floats(-2 * MAX_AMOUNT, 2 * MAX_AMOUNT).map(repr))
    return st.one_of(options)


# -- the database ----------------------------------------------------------------------


@dataclass(repr=False)
class Fuzz:
    """A copy of the demo, what was imported into it, and its tables' checksums."""

    engine: Engine
    folder: Path
    pools: dict[str, pl.DataFrame]
    kinds: dict[str, ImportKind]
    counts: dict[str, int] = field(default_factory=dict)
    sums: dict[str, str] = field(default_factory=dict)
    written: set[str] = field(default_factory=set)
    accepted: list[tuple[str, int]] = field(default_factory=list)
    files: Iterator[int] = field(default_factory=itertools.count)

    def __repr__(self) -> str:
        return f"Fuzz({self.engine.url}, accepted={self.accepted})"

    def table_counts(self) -> dict[str, int]:
        names = inspect(self.engine).get_table_names()
        query = " UNION ALL ".join(f"SELECT '{n}', COUNT(*) FROM \"{n}\"" for n in names)
        with self.engine.connect() as conn:
            return {name: int(n) for name, n in conn.execute(text(query)).all()}

    def checksum(self, table: str) -> str:
        inspector = inspect(self.engine)
        columns = [c["name"] for c in inspector.get_columns(table)]
        keys = inspector.get_pk_constraint(table)["constrained_columns"] or columns
        row = "||','||".join(f'quote("{c}")' for c in columns)
        order = ", ".join(f'"{c}"' for c in keys)
        query = (
            f'SELECT group_concat({row}, char(10)) FROM (SELECT * FROM "{table}" ORDER BY {order})'
        )
        with self.engine.connect() as conn:
            joined = conn.execute(text(query)).scalar() or ""
        return hashlib.sha256(joined.encode("utf-8", "surrogatepass")).hexdigest()

    def remember(self, tables: set[str] | None = None) -> None:
        """Counts of every table, checksums of ``tables`` (all: None)."""
        self.counts = self.table_counts()
        for table in self.counts if tables is None else tables:
            self.sums[table] = self.checksum(table)

    def path(self, suffix: str) -> Path:
        return self.folder / f"f{next(self.files)}{suffix}"


def _copy_sqlite(source: str, target: Path) -> None:
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def _pool(engine: Engine, exports: dict[str, Any], kind: ImportKind) -> pl.DataFrame:
    """Up to 40 real rows of the kind (its export as the operator sees it), as text."""
    names = [c.name for c in kind.columns]
    if kind.kind not in exports:
        return pl.DataFrame(schema=dict.fromkeys(names, pl.String))
    frame = exports[kind.kind].read(engine, OPERATOR).head(40)
    frame = with_keys(engine, frame, STANDARD_COLUMNS)  # as the export file holds it
    return frame.select(
        pl.col(n).cast(pl.String) if n in frame.columns else pl.lit(None, pl.String).alias(n)
        for n in names
    )


@pytest.fixture(scope="module")
def fuzz(demo_db, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fuzz]:
    if demo_db.backend != "sqlite":
        pytest.skip("the fuzz runs on a copy of the SQLite demo (one backend is enough)")
    folder = tmp_path_factory.mktemp("fuzz")
    _copy_sqlite(str(demo_db.engine.url.database), folder / "fuzz.db")
    url = f"sqlite:///{folder / 'fuzz.db'}"
    host = make_host()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COMMAND_CENTER_DB_URL", url)
        runtime.reset(host)
        engine = get_engine(url)
        kinds = import_kinds(host)
        exports = export_kinds(host)
        pools = {name: _pool(engine, exports, kind) for name, kind in kinds.items()}
        state = Fuzz(engine, folder, pools, kinds)

        @event.listens_for(engine, "before_cursor_execute")
        def _note_writes(_conn, _cursor, statement, _params, _context, _many) -> None:
            if found := WRITES.match(statement):
                state.written.add(found[1])

        state.remember()
        yield state
        event.remove(engine, "before_cursor_execute", _note_writes)
        runtime.reset(None)
    dispose_engine(url)


# -- one attempt -------------------------------------------------------------------------


def _write_file(
    fuzz: Fuzz, header: list[str], rows: list[list[str]], encoding: str, xlsx: bool
) -> Path:
    if xlsx and len(set(header)) == len(header):
        path = fuzz.path(".xlsx")
        data = {name: [row[i] for row in rows] for i, name in enumerate(header)}
        pl.DataFrame(data, schema=dict.fromkeys(header, pl.String)).write_excel(path)
        return path
    path = fuzz.path(".csv")
    lines = [header, *rows]
    body = "\n".join(",".join(_quoted(v) for v in line) for line in lines) + "\n"
    path.write_bytes(body.encode(encoding, errors="replace"))
    return path


def _quoted(value: str) -> str:
    if any(c in value for c in ',"\n\r') or value != value.strip():
        return '"' + value.replace('"', '""') + '"'
    return value


def attempt(fuzz: Fuzz, kind: str, path: Path, who: Viewer = OPERATOR) -> bool:
    """Import ``path`` as ``who``; check the outcome; True when it was accepted."""
    fuzz.written.clear()
    try:
        report = run_import(fuzz.engine, runtime.host(), kind, path, viewer=who)
    except ImportFailed as failed:
        file = re.escape(str(path))
        shape = re.compile(rf"^{file}(?::\d+: [^:\n]+)?: \S.*$|^… and \d+ more$", re.DOTALL)
        assert failed.errors, path
        for line in failed.errors:
            assert shape.match(line), line
            assert not HIDDEN.search(line[len(str(path)) :]), repr(line)
            assert "the database refused" not in line, line  # a check the kind is missing
        unchanged(fuzz, kind)
        return False
    except Exception as crash:
        crash.add_note(f"{path}:\n{path.read_bytes()[:3000]!r}")
        raise
    fuzz.accepted.append((kind, report.rows))
    fuzz.remember(set(fuzz.written))
    return True


def unchanged(fuzz: Fuzz, kind: str) -> None:
    """Every table holds the rows it held, and those written to hold the same values."""
    assert fuzz.table_counts() == fuzz.counts, f"{kind}: rows changed on rejection"
    for table in fuzz.written:
        assert fuzz.checksum(table) == fuzz.sums[table], f"{kind}: {table} changed"


# -- the tests -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "login"),
    [(kind, "operator") for kind in KINDS] + [(kind, "supervisor") for kind in SCOPED_KINDS],
)
@FUZZ
@given(data=st.data())
def test_fuzzed_file_is_imported_or_refused_row_by_row(
    fuzz: Fuzz, kind: str, login: str, data
) -> None:
    """As the operator, and as a supervisor (scope checked on fuzzed owners and keys)."""
    who = (
        OPERATOR if login == "operator" else viewer_for(fuzz.engine, signed_in(fuzz.engine, login))
    )
    spec = fuzz.kinds[kind]
    pool = fuzz.pools[kind]
    columns = list(spec.columns)
    rows: list[list[str]] = []
    for _ in range(data.draw(st.integers(1, 4), label="rows")):
        if pool.height and data.draw(st.booleans(), label="real row"):
            base = pool.row(data.draw(st.integers(0, pool.height - 1), label="which"))
            row = ["" if v is None else str(v) for v in base]
        else:
            row = [data.draw(cell(c), label=c.name) for c in columns]
        for i, column in enumerate(columns):
            if data.draw(st.integers(0, 3), label="mutate") == 0:
                row[i] = data.draw(cell(column), label=column.name)
        rows.append(row)
    header = [c.name for c in columns]
    change = data.draw(
        st.sampled_from(["none", "none", "none", "reorder", "drop", "extra", "case", "twice"]),
        label="header",
    )
    if change == "reorder":
        order = data.draw(st.permutations(range(len(header))), label="order")
        header = [header[i] for i in order]
        rows = [[row[i] for i in order] for row in rows]
    elif change == "drop":
        gone = data.draw(st.integers(0, len(header) - 1), label="dropped")
        header = header[:gone] + header[gone + 1 :]
        rows = [row[:gone] + row[gone + 1 :] for row in rows]
    elif change == "extra":
        header = [*header, data.draw(st.sampled_from(["extra", "\x1b[1m", "名字", ""]))]
        rows = [[*row, "x"] for row in rows]
    elif change == "case":
        header = [header[0].upper(), *header[1:]]
    elif change == "twice":
        header = [*header, header[0]]
        rows = [[*row, row[0]] for row in rows]
    encoding = data.draw(st.sampled_from(ENCODINGS), label="encoding")
    xlsx = data.draw(st.integers(0, 7), label="xlsx") == 0
    attempt(fuzz, kind, _write_file(fuzz, header, rows, encoding, xlsx), who)


TEXT_REFERENCES = frozenset({("orders", "product_id")})
"""Text columns that name a stored row: the longest text names none, so it stays as exported."""
EDGES = {
    "low": {"date": FIRST_DAY.isoformat(), "float": "0", "period": f"{FIRST_DAY:%Y-%m}"},
    "high": {
        "date": LAST_DAY.isoformat(),
        "float": f"{MAX_AMOUNT:.0f}",
        "period": f"{LAST_DAY:%Y-%m}",
    },
}


@pytest.mark.parametrize("edge", ["low", "high", "text"])
@pytest.mark.parametrize("kind", KINDS)
def test_values_at_the_limits_are_imported_or_refused_row_by_row(
    fuzz: Fuzz, kind: str, edge: str
) -> None:
    """Real rows with every date, period and amount at a limit (or text at its longest)."""
    spec = fuzz.kinds[kind]
    pool = fuzz.pools[kind]
    if not pool.height:
        pytest.skip(f"{kind} has no export to start from")
    header = [c.name for c in spec.columns]
    rows = []
    seen: set[tuple[str, ...]] = set()
    for base in pool.head(3).rows():
        row = ["" if v is None else str(v) for v in base]
        for i, column in enumerate(spec.columns):
            if edge == "text":
                referenced = (kind, column.name) in TEXT_REFERENCES or hasattr(column, "key_of")
                if column.dtype == "str" and not column.choices and row[i] and not referenced:
                    longest = column.max_length or 300
                    row[i] = ("名字 Ünïcødé 😀 " * 40)[: max(1, min(longest, 300))].strip()
            elif column.dtype in EDGES[edge]:
                row[i] = EDGES[edge][column.dtype]
        key = tuple(row[header.index(k)] for k in spec.key)
        if key not in seen:  # a key with a date or period in it may now repeat
            seen.add(key)
            rows.append(row)
    accepted = attempt(fuzz, kind, _write_file(fuzz, header, rows, "utf-8", xlsx=False))
    plain = {"people", "customers", "orders"} | ({"targets"} if edge != "text" else set())
    if kind in plain:  # nothing to refuse (a target's metric must stay a known key)
        assert accepted, f"{kind}: real rows at the limits ({edge}) were refused"


@pytest.mark.parametrize("login", ROLES)
def test_every_page_renders_for_every_role_over_fuzzed_data(fuzz: Fuzz, login: str) -> None:
    at = apptest.start(fuzz.engine, login)
    assert not at.exception, at.exception
    broken: dict[str, list[str]] = {}
    for path in apptest.page_paths(at):
        at = apptest.open_page(at, path)
        shown = [str(e.value) for e in at.exception] + [str(e.value) for e in at.error]
        if shown:
            broken[path or "home"] = shown
    assert broken == {}, f"{login} over {fuzz.accepted}"
