"""All-or-nothing imports and scoped exports (command_center.io)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from sqlalchemy import Engine, text

from command_center import hookimpl
from command_center.db.engine import create_db_engine, write_session
from command_center.db.frames import clear_cache
from command_center.db.migrate import upgrade
from command_center.db.models import Customer, OrderLine, Person, Target
from command_center.io import (
    CORE_EXPORTS,
    CORE_IMPORTS,
    MAX_ERRORS,
    ImportFailed,
    UnknownKindError,
    import_kinds,
    read_table_file,
    run_export,
    run_import,
    upsert,
    validate_frame,
)
from command_center.org.scope import OPERATOR, Viewer
from command_center.plugins import PluginHost
from command_center.types import Column, ImportKind

HEADERS = {
    "people": "person_id,name,level,manager_id,region,hire_date,status",
    "customers": "customer_id,name,industry,size,owner_id,region,created_on",
    "orders": "order_id,customer_id,person_id,order_date,revenue,cost",
    "targets": "person_id,period,metric,target",
}
TABLES = ("people", "customers", "orders", "targets", "audit_log", "meta")
KINDS = ("people", "customers", "orders", "targets")


class CoreIO:
    @hookimpl
    def register_importers(self) -> list[Any]:
        return list(CORE_IMPORTS)

    @hookimpl
    def register_exporters(self) -> list[Any]:
        return list(CORE_EXPORTS)


def d(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def new_engine(path: Path) -> Engine:
    engine = create_db_engine(f"sqlite:///{path}")
    upgrade(engine, PluginHost(entry_points=False))
    return engine


def seed(engine: Engine) -> None:
    people = [
        Person(
            person_id=1,
            name="Dana",
            level="director",
            manager_id=None,
            region="North",
            hire_date=d("2015-01-01"),
            status="active",
        ),
        Person(
            person_id=2,
            name="Max",
            level="manager",
            manager_id=1,
            region="North",
            hire_date=d("2016-02-01"),
            status="active",
        ),
        Person(
            person_id=3,
            name="Sue",
            level="supervisor",
            manager_id=2,
            region="North",
            hire_date=d("2017-03-01"),
            status="active",
        ),
        Person(
            person_id=4,
            name="Ray",
            level="rep",
            manager_id=3,
            region="North",
            hire_date=d("2018-04-01"),
            status="active",
        ),
        Person(
            person_id=5,
            name="Ria, Jr.",
            level="rep",
            manager_id=3,
            region="South",
            hire_date=d("2019-05-01"),
            status="leave",
        ),
    ]
    customers = [
        Customer(
            customer_id=100,
            name="Acme",
            industry="retail",
            size="small",
            owner_id=4,
            region="North",
            created_on=d("2020-01-01"),
        ),
        Customer(
            customer_id=101,
            name='Beta "B"',
            industry="",
            size="",
            owner_id=5,
            region="South",
            created_on=d("2020-02-01"),
        ),
        Customer(
            customer_id=102,
            name="Gamma",
            industry="industry",
            size="large",
            owner_id=None,
            region="North",
            created_on=d("2020-03-01"),
        ),
    ]
    orders = [
        OrderLine(
            order_id=1000,
            customer_id=100,
            person_id=4,
            order_date=d("2024-01-15"),
            revenue=1200.5,
            cost=800.25,
        ),
        OrderLine(
            order_id=1001,
            customer_id=101,
            person_id=5,
            order_date=d("2024-02-01"),
            revenue=99.99,
            cost=0.0,
        ),
        OrderLine(
            order_id=1002,
            customer_id=100,
            person_id=4,
            order_date=d("2024-03-10"),
            revenue=0.0,
            cost=0.0,
        ),
        OrderLine(
            order_id=1003,
            customer_id=102,
            person_id=3,
            order_date=d("2024-03-11"),
            revenue=5000.0,
            cost=3000.0,
        ),
    ]
    targets = [
        Target(person_id=4, period="2024-01", metric="revenue", target=1000.0),
        Target(person_id=5, period="2024-Q1", metric="revenue", target=3000.0),
        Target(person_id=3, period="2024", metric="order_lines", target=12.5),
    ]
    with write_session(engine) as session:
        for group in (people, customers, orders, targets):
            for row in group:
                session.add(row)
                session.flush()


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    clear_cache()
    engine = new_engine(tmp_path / "cc.db")
    seed(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def host() -> PluginHost:
    return PluginHost(entry_points=False, extra=[("core_io", CoreIO())])


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    with engine.connect() as conn:
        return {t: sorted(map(tuple, conn.execute(text(f"SELECT * FROM {t}")))) for t in TABLES}


def rows(engine: Engine, table: str, columns: str = "*") -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return sorted(map(tuple, conn.execute(text(f"SELECT {columns} FROM {table}"))))


def write(path: Path, body: str, kind: str | None = None) -> Path:
    header = HEADERS[kind] + "\n" if kind else ""
    path.write_text(header + body, encoding="utf-8")
    return path


def rejected(engine: Engine, host: PluginHost, kind: str, path: Path) -> list[str]:
    """Import ``path``, expecting a rejection that leaves the database as it was."""
    before = snapshot(engine)
    with pytest.raises(ImportFailed) as info:
        run_import(engine, host, kind, path)
    assert snapshot(engine) == before
    return info.value.errors


# -- round trips ----------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_round_trip_into_an_empty_database(engine, host, tmp_path, suffix):
    fresh = new_engine(tmp_path / "fresh.db")
    for kind in KINDS:
        path = tmp_path / f"{kind}{suffix}"
        written = run_export(engine, host, kind, path, OPERATOR)
        assert written == len(rows(engine, kind))
        assert read_table_file(path).columns == HEADERS[kind].split(",")
        report = run_import(fresh, host, kind, path, actor="tester")
        assert (report.rows, report.inserted, report.updated) == (written, written, 0)
    for kind, columns in HEADERS.items():
        assert rows(fresh, kind, columns) == rows(engine, kind, columns)
    fresh.dispose()


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("kind", KINDS)
def test_reimporting_an_export_updates_every_row_and_changes_nothing(
    engine, host, tmp_path, kind, suffix
):
    path = tmp_path / f"{kind}{suffix}"
    written = run_export(engine, host, kind, path, OPERATOR)
    before = rows(engine, kind)
    report = run_import(engine, host, kind, path)
    assert (report.kind, report.rows) == (kind, written)
    assert (report.inserted, report.updated) == (0, written)
    assert rows(engine, kind) == before


def test_csv_export_format(engine, host, tmp_path):
    path = tmp_path / "orders.csv"
    run_export(engine, host, "orders", path, OPERATOR)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == HEADERS["orders"]
    assert lines[1] == "1000,100,4,2024-01-15,1200.5,800.25"
    people = tmp_path / "people.csv"
    run_export(engine, host, "people", people, OPERATOR)
    assert people.read_text(encoding="utf-8").splitlines()[1] == (
        "1,Dana,director,,North,2015-01-01,active"
    )


def test_export_is_scoped_to_the_viewer(engine, host, tmp_path):
    rep = Viewer("rep", "rep", 4, frozenset({4}))
    path = tmp_path / "orders.csv"
    assert run_export(engine, host, "orders", path, rep) == 2
    frame = read_table_file(path)
    assert frame["person_id"].unique().to_list() == ["4"]
    assert frame["order_id"].to_list() == ["1000", "1002"]
    assert run_export(engine, host, "customers", tmp_path / "c.xlsx", rep) == 1
    assert run_export(engine, host, "people", tmp_path / "p.csv", rep) == 1
    assert run_export(engine, host, "targets", tmp_path / "t.csv", rep) == 1
    supervisor = Viewer("sue", "supervisor", 3, frozenset({3, 4, 5}))
    assert run_export(engine, host, "orders", tmp_path / "o2.csv", supervisor) == 4


# -- the rules --------------------------------------------------------------------------

RULES = [
    (
        "people",
        "6,Zed,boss,3,North,2024-01-01,active",
        "level: 'boss' is not one of rep, supervisor, manager, director",
    ),
    ("people", "6,Zed,rep,99,North,2024-01-01,active", "manager_id: unknown person '99'"),
    ("people", "6,Zed,rep,,North,2024-01-01,", "manager_id: required unless level is director"),
    ("people", "6,,rep,3,North,2024-01-01,active", "name: required value missing"),
    (
        "people",
        "6,Zed,rep,3,North,2024-01-01,gone",
        "status: 'gone' is not one of active, leave, left",
    ),
    (
        "people",
        "6,Zed,rep,3,North,01/02/2024,active",
        "hire_date: not a date (YYYY-MM-DD): '01/02/2024'",
    ),
    (
        "people",
        "=x6,Zed,rep,3,North,2024-01-01,active",
        "person_id: a key may not begin with =, +, -, @ (spreadsheets run it)",
    ),
    ("customers", "200,Delta,,,77,North,2024-01-01", "owner_id: unknown person '77'"),
    ("customers", "200,Delta,,,4,North,", "created_on: required value missing"),
    ("customers", f"200,{'x' * 201},,,4,North,2024-01-01", "name: longer than 200 characters"),
    ("orders", "2000,100,4,2024-02-30,10,1", "order_date: not a date (YYYY-MM-DD): '2024-02-30'"),
    ("orders", "2000,100,4,2024-02-03,abc,1", "revenue: not a number: 'abc'"),
    ("orders", "2000,100,4,2024-02-03,-5,1", "revenue: must be at least 0: '-5'"),
    ("orders", "2000,100,4,2024-02-03,5,-0.5", "cost: must be at least 0: '-0.5'"),
    ("orders", "2000,100,4,2024-02-03,inf,1", "revenue: not a number: 'inf'"),
    ("orders", "2000,555,4,2024-02-03,5,1", "customer_id: unknown customer '555'"),
    ("orders", "2000,100,44,2024-02-03,5,1", "person_id: unknown person '44'"),
    (
        "orders",
        "+1.5,100,4,2024-02-03,5,1",
        "order_id: a key may not begin with =, +, -, @ (spreadsheets run it)",
    ),
    ("orders", "2000,100,4,2024-02-03,,1", "revenue: required value missing"),
    (
        "targets",
        "4,2024-13,revenue,10",
        "period: not a period (YYYY-MM-DD, YYYY-Www, YYYY-MM, YYYY-Qn or YYYY): '2024-13'",
    ),
    ("targets", "9,2024-Q2,revenue,10", "person_id: unknown person '9'"),
]


@pytest.mark.parametrize(("kind", "line", "message"), RULES)
def test_each_rule_rejects_the_file_with_its_line(engine, host, tmp_path, kind, line, message):
    path = write(tmp_path / f"{kind}.csv", f"{line}\n", kind)
    assert rejected(engine, host, kind, path) == [f"{path}:2: {message}"]


def test_a_good_row_is_not_written_when_another_is_bad(engine, host, tmp_path):
    path = write(
        tmp_path / "o.csv", "2000,100,4,2024-02-03,5,1\n2001,100,4,2024-02-03,x,1\n", "orders"
    )
    assert rejected(engine, host, "orders", path) == [f"{path}:3: revenue: not a number: 'x'"]


def test_duplicate_ids_in_the_file(engine, host, tmp_path):
    path = write(
        tmp_path / "o.csv",
        "2000,100,4,2024-02-03,5,1\n2001,100,4,2024-02-03,5,1\n2000,100,4,2024-02-04,6,1\n",
        "orders",
    )
    assert rejected(engine, host, "orders", path) == [f"{path}:4: order_id: duplicate of row 2"]
    targets = write(tmp_path / "t.csv", "4,2024-05,revenue,1\n4,2024-05,revenue,2\n", "targets")
    assert rejected(engine, host, "targets", targets) == [
        f"{targets}:3: person_id,period,metric: duplicate of row 2"
    ]


def test_manager_loop_across_file_and_database(engine, host, tmp_path):
    # The database has 3 -> 2; the file makes 2 report to 3.
    path = write(tmp_path / "p.csv", "2,Max,manager,3,North,2016-02-01,active\n", "people")
    assert rejected(engine, host, "people", path) == [
        f"{path}:2: manager_id: manager loop 2 -> 3 -> 2"
    ]
    within = write(
        tmp_path / "p2.csv",
        "7,A,manager,8,N,2020-01-01,\n8,B,manager,7,N,2020-01-01,\n9,C,rep,9,N,2020-01-01,\n",
        "people",
    )
    assert rejected(engine, host, "people", within) == [
        f"{within}:2: manager_id: manager loop 7 -> 8 -> 7",
        f"{within}:3: manager_id: manager loop 7 -> 8 -> 7",
        f"{within}:4: manager_id: manager loop 9 -> 9",
    ]


def test_every_manager_loop_is_counted(engine, host, tmp_path):
    # 20,000 two-person loops: 40,000 problems; 200 are listed, the total is true.
    loops = 20_000
    body = "".join(
        f"{10_000 + 2 * i},A,manager,{10_001 + 2 * i},N,2020-01-01,\n"
        f"{10_001 + 2 * i},B,manager,{10_000 + 2 * i},N,2020-01-01,\n"
        for i in range(loops)
    )
    path = write(tmp_path / "loops.csv", body, "people")
    before = snapshot(engine)
    with pytest.raises(ImportFailed) as info:
        run_import(engine, host, "people", path)
    assert snapshot(engine) == before
    assert info.value.total == 2 * loops
    assert len(info.value.errors) == MAX_ERRORS + 1
    assert info.value.errors[0] == f"{path}:2: manager_id: manager loop 10000 -> 10001 -> 10000"
    assert info.value.errors[-1] == f"… and {2 * loops - MAX_ERRORS} more"


def test_header_must_match(engine, host, tmp_path):
    path = write(
        tmp_path / "o.csv",
        "order_id,customer_id,person_id,order_date,revenue,discount\n2000,100,4,2024-02-03,5,1\n",
    )
    expected = ", ".join(HEADERS["orders"].split(","))
    assert rejected(engine, host, "orders", path) == [
        f"{path}:1: discount: unknown column (expected {expected}; optional product_id)",
        f"{path}:1: cost: missing column",
    ]


def test_all_errors_are_listed_in_row_order(engine, host, tmp_path):
    path = write(
        tmp_path / "o.csv",
        "2000,100,4,2024-02-30,-1,1\n2001,100,4,2024-02-03,5,1\n"
        "2002,555,4,,x,\n2001,100,44,2024-02-03,5,1\n",
        "orders",
    )
    assert rejected(engine, host, "orders", path) == [
        f"{path}:2: order_date: not a date (YYYY-MM-DD): '2024-02-30'",
        f"{path}:2: revenue: must be at least 0: '-1'",
        f"{path}:4: customer_id: unknown customer '555'",
        f"{path}:4: order_date: required value missing",
        f"{path}:4: revenue: not a number: 'x'",
        f"{path}:5: order_id: duplicate of row 3",
        f"{path}:5: person_id: unknown person '44'",
    ]


def test_many_errors_are_capped(engine, host, tmp_path):
    body = "".join(f"{3000 + i},100,4,2024-01-01,bad,0\n" for i in range(250))
    path = write(tmp_path / "o.csv", body, "orders")
    errors = rejected(engine, host, "orders", path)
    assert len(errors) == 201
    assert errors[0] == f"{path}:2: revenue: not a number: 'bad'"
    assert errors[199] == f"{path}:201: revenue: not a number: 'bad'"
    assert errors[200] == "… and 50 more"


def test_row_numbers_follow_the_file(engine, host, tmp_path):
    path = write(
        tmp_path / "o.csv", "2000,100,4,2024-02-03,5,1\n\n2001,100,4,2024-02-03,y,1\n", "orders"
    )
    assert rejected(engine, host, "orders", path) == [f"{path}:4: revenue: not a number: 'y'"]
    quoted = write(
        tmp_path / "p.csv",
        '6,"Two\nLines",rep,3,N,2024-01-01,\n7,Zed,rep,3,N,2024-01-01,nope\n',
        "people",
    )
    assert rejected(engine, host, "people", quoted) == [
        f"{quoted}:2: name: contains a line break or tab (U+000A) "
        "(tab and line breaks only in free-text columns)",
        f"{quoted}:4: status: 'nope' is not one of active, leave, left",
    ]
    short = write(
        tmp_path / "s.csv", "2000,100,4,2024-02-03,5\n2001,100,4,2024-02-03,5,1,9\n", "orders"
    )
    assert rejected(engine, host, "orders", short) == [
        f"{short}:2: (row): expected 6 values, found 5",
        f"{short}:3: (row): expected 6 values, found 7",
    ]
    fewer = write(
        tmp_path / "f.csv", '2000,100,4,2024-02-03,5,\n2001,100,4,"2024-02-03",5\n', "orders"
    )
    assert rejected(engine, host, "orders", fewer) == [
        f"{fewer}:3: (row): expected 6 values, found 5"
    ]


def test_xlsx_rows_are_sheet_rows(engine, host, tmp_path):
    frame = pl.DataFrame(
        {
            "order_id": [2000, 2001, 2002],
            "customer_id": [100, 100, 100],
            "person_id": [4, 4, 4],
            "order_date": [d("2024-02-01")] * 3,
            "revenue": [1.0, 2.0, -3.0],
            "cost": [0.0] * 3,
        }
    )
    path = tmp_path / "o.xlsx"
    frame.write_excel(path, position="A3")  # header on sheet row 3
    assert rejected(engine, host, "orders", path) == [
        f"{path}:6: revenue: must be at least 0: '-3'"
    ]


def test_unreadable_files(engine, host, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(HEADERS["orders"].encode() + b"\n2000,100,4,2024-02-03,5,1\n\xff\n")
    assert rejected(engine, host, "orders", bad) == [
        f"{bad}:3: (row): not valid UTF-8 text (save the file as CSV UTF-8)"
    ]
    empty = write(tmp_path / "empty.csv", "")
    assert rejected(engine, host, "orders", empty) == [
        f"{empty}: the file is empty (no header row)"
    ]
    other = write(tmp_path / "o.txt", "x")
    assert rejected(engine, host, "orders", other) == [
        f"{other}: unsupported file type '.txt' (use .csv or .xlsx)"
    ]


# -- writing ----------------------------------------------------------------------------


def test_reimport_updates_and_inserts(engine, host, tmp_path):
    path = write(
        tmp_path / "o.csv", "1000,100,4,2024-01-15,1500,900\n2000,101,5,2024-04-01,10,\n", "orders"
    )
    report = run_import(engine, host, "orders", path, actor="alice")
    assert (report.rows, report.inserted, report.updated, report.dry_run) == (2, 1, 1, False)
    stored = rows(engine, "orders", "order_id, customer_id, person_id, order_date, revenue, cost")
    assert (1000, 100, 4, "2024-01-15", 1500.0, 900.0) in stored
    assert (2000, 101, 5, "2024-04-01", 10.0, 0.0) in stored
    audit = rows(engine, "audit_log", "actor, action, entity, detail")
    assert len(audit) == 1
    assert audit[0][:3] == ("alice", "import", "orders")
    assert '"inserted": 1' in audit[0][3] and '"updated": 1' in audit[0][3]


def test_people_defaults_and_managers_later_in_the_file(engine, host, tmp_path):
    path = write(
        tmp_path / "p.csv",
        "8,Rep,rep,7,,2024-01-01,\n7,Sup,supervisor,2,,2024-01-01,"
        "left\n4,Ray,rep,7,North,2018-04-01,active\n",
        "people",
    )
    report = run_import(engine, host, "people", path)
    assert (report.inserted, report.updated) == (2, 1)
    people = {r[0]: r for r in rows(engine, "people")}
    assert people[8][3:7] == (7, "", "2024-01-01", "active")
    assert people[7][6] == "left"
    assert people[4][3] == 7


def test_targets_upsert_on_the_natural_key(engine, host, tmp_path):
    path = write(tmp_path / "t.csv", "4,2024-01,revenue,2000\n4,2024-Q2,revenue,5\n", "targets")
    report = run_import(engine, host, "targets", path)
    assert (report.inserted, report.updated) == (1, 1)
    stored = rows(engine, "targets", "person_id, period, metric, target")
    assert (4, "2024-01", "revenue", 2000.0) in stored


def test_dry_run_writes_nothing(engine, host, tmp_path):
    path = write(
        tmp_path / "o.csv", "1000,100,4,2024-01-15,1500,900\n2000,101,5,2024-04-01,10,1\n", "orders"
    )
    before = snapshot(engine)
    report = run_import(engine, host, "orders", path, dry_run=True)
    assert (report.rows, report.inserted, report.updated, report.dry_run) == (2, 1, 1, True)
    assert snapshot(engine) == before


def test_progress_is_reported(engine, host, tmp_path):
    body = "".join(f"{5000 + i},100,4,2024-01-01,1,0\n" for i in range(12_000))
    path = write(tmp_path / "o.csv", body, "orders")
    seen: list[tuple[float, str]] = []
    run_import(engine, host, "orders", path, progress=lambda f, m: seen.append((f, m)))
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0
    assert any(m == "writing chunk 3 of 3" for _, m in seen)
    assert len(rows(engine, "orders")) == 12_004


def test_unknown_kind(engine, host, tmp_path):
    path = write(tmp_path / "x.csv", "a\n1\n")
    with pytest.raises(
        UnknownKindError,
        match=r"unknown import kind 'nope'; known kinds: ",
    ) as failed:
        run_import(engine, host, "nope", path)
    listed = str(failed.value).split("known kinds: ")[1].split(", ")
    assert {"customers", "orders", "people", "refunds", "targets"} <= set(listed)
    assert listed == sorted(listed)
    with pytest.raises(UnknownKindError, match="unknown export kind 'nope'"):
        run_export(engine, host, "nope", path, OPERATOR)
    with pytest.raises(ValueError, match=r"unsupported file type '\.txt' \(use \.csv or \.xlsx\)"):
        run_export(engine, host, "orders", tmp_path / "orders.txt", OPERATOR)


def test_a_plugin_kind_gets_the_generic_checks_and_upsert(engine, tmp_path):
    quota_columns = (
        Column("person_id", "int"),
        Column("quarter", "period"),
        Column("kind", "str", choices=("calls", "visits")),
        Column("value", "float", min_value=1),
    )

    def apply(session, frame):
        frame = frame.rename({"quarter": "period", "kind": "metric", "value": "target"})
        return upsert(session, Target, frame, ["person_id", "period", "metric"], chunk_rows=1)

    calls: list[str] = []

    def apply_plain(session, frame):
        calls.append("plain")
        return frame.height

    class Quotas:
        @hookimpl
        def register_importers(self):
            return [
                ImportKind("quotas", quota_columns, ("person_id", "quarter", "kind"), apply),
                ImportKind("plain", quota_columns, ("person_id", "quarter"), apply_plain),
            ]

    host = PluginHost(entry_points=False, extra=[("quotas", Quotas())])
    assert {"quotas", "plain"} <= set(import_kinds(host))
    bad = write(
        tmp_path / "q.csv",
        "person_id,quarter,kind,value\n4,2024-Q1,calls,0\n4,2024-Q1,calls,5\n4,2024-Q2,emails,5\n",
    )
    assert rejected(engine, host, "quotas", bad) == [
        f"{bad}:2: value: must be at least 1: '0'",
        f"{bad}:3: person_id,quarter,kind: duplicate of row 2",
        f"{bad}:4: kind: 'emails' is not one of calls, visits",
    ]
    good = write(
        tmp_path / "q2.csv", "person_id,quarter,kind,value\n4,2024-Q1,calls,5\n4,2024-Q2,visits,7\n"
    )
    report = run_import(engine, host, "quotas", good)
    assert (report.rows, report.inserted, report.updated) == (2, 2, 0)
    report = run_import(engine, host, "quotas", good)
    assert (report.rows, report.inserted, report.updated) == (2, 0, 2)
    stored = rows(engine, "targets", "person_id, period, metric, target")
    assert (4, "2024-Q2", "visits", 7.0) in stored
    report = run_import(engine, host, "plain", good, dry_run=True)
    assert (report.inserted, report.updated, calls) == (2, 0, ["plain"])


# -- pieces -----------------------------------------------------------------------------


def test_validate_frame_types_values():
    frame = pl.DataFrame(
        {
            "_row": [2, 3, 4, 5],
            "n": ["1", " 2.0 ", "1e3", "2.5"],
            "x": ["1.5", "nan", "", None],
            "p": ["2024", "2024-Q4", "2024-12", "2024-Q5"],
        }
    )
    columns = (Column("n", "int"), Column("x", "float", required=False), Column("p", "period"))
    typed, errors = validate_frame(frame, columns)
    assert typed["n"].to_list() == [1, 2, 1000, None]
    assert typed["x"].to_list() == [1.5, None, None, None]
    assert typed["p"].to_list() == ["2024", "2024-Q4", "2024-12", None]
    assert sorted((e.row, e.column, e.reason) for e in errors) == [
        (3, "x", "not a number: 'nan'"),
        (5, "n", "not a whole number: '2.5'"),
        (5, "p", "not a period (YYYY-MM-DD, YYYY-Www, YYYY-MM, YYYY-Qn or YYYY): '2024-Q5'"),
    ]


def test_read_table_file_tolerates_a_bom_and_reads_xlsx(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes("\ufeffa,b\n1,x\n".encode())
    assert read_table_file(path).to_dicts() == [{"a": "1", "b": "x"}]
    book = tmp_path / "a.xlsx"
    pl.DataFrame({"a": [1, 2], "b": [d("2024-01-02"), None]}).write_excel(book)
    assert read_table_file(book).to_dicts() == [
        {"a": "1", "b": "2024-01-02"},
        {"a": "2", "b": None},
    ]
