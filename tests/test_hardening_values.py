"""Poison values refused at the door, for every import kind (issue 13, defect 3),
and the downstream code that must not crash on what the importer accepts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import func, select

from command_center import runtime
from command_center.db.engine import read_session, write_session
from command_center.db.models import OrderLine, Person, Target
from command_center.io import ImportFailed, import_file, import_kinds, run_import
from command_center.io.validate import Bounds, validate_frame, visible
from command_center.metrics import person_targets
from command_center.org.scope import OPERATOR
from command_center.org.tree import MAX_DEPTH, deepest_below, levels
from command_center.periods import is_period, parse_period
from command_center.types import Column, ImportKind
from tests.conftest import use_db
from tests.factories import load_small_org

HEADERS = {
    "people": "person_id,name,level,manager_id,region,hire_date,status",
    "customers": "customer_id,name,industry,size,owner_id,region,created_on",
    "orders": "order_id,customer_id,person_id,order_date,revenue,cost",
    "targets": "person_id,period,metric,target",
}


@pytest.fixture
def org(empty_db, monkeypatch, app_env):
    """The small org (people 1..7, customer 1, six orders); runtime on the test host."""
    use_db(monkeypatch, empty_db)
    load_small_org(empty_db.engine)
    return empty_db


def write(path: Path, kind: str, body: str, encoding: str = "utf-8") -> Path:
    path.write_bytes((HEADERS[kind] + "\n" + body).encode(encoding))
    return path


def rejected(db, kind: str, path: Path) -> list[str]:
    with pytest.raises(ImportFailed) as caught:
        run_import(db.engine, runtime.host(), kind, path)
    return caught.value.errors


def count(db, column) -> int:
    with read_session(db.engine) as session:
        return int(session.scalar(select(func.count(column))) or 0)


# -- money ----------------------------------------------------------------------------


def test_revenue_beyond_a_trillion_is_refused_with_file_and_row(org, tmp_path) -> None:
    path = write(
        tmp_path / "o.csv", "orders", "10,1,4,2026-10-01,1e17,0\n11,1,4,2026-10-01,5,1e13\n"
    )
    assert rejected(org, "orders", path) == [
        f"{path}:2: revenue: beyond ±1,000,000,000,000 (the most accepted)",
        f"{path}:3: cost: beyond ±1,000,000,000,000 (the most accepted)",
    ]
    assert count(org, OrderLine.order_id) == 6
    edge = write(tmp_path / "e.csv", "orders", "10,1,4,2026-10-01,1e12,1000000000000\n")
    assert run_import(org.engine, runtime.host(), "orders", edge).inserted == 1


def test_negative_amounts_are_bounded_too() -> None:
    columns = (Column("delta", "float"),)
    frame = pl.DataFrame({"_row": [2, 3], "delta": ["-1e12", "-1.5e12"]})
    typed, errors = validate_frame(frame, columns, bounds=Bounds(dt.date(1990, 1, 1), dt.date.max))
    assert typed["delta"].to_list() == [-1e12, None]
    assert [(e.row, e.column) for e in errors] == [(3, "delta")]


def test_whole_numbers_fit_the_database_on_every_backend(org, tmp_path) -> None:
    """INTEGER columns (a plugin's too) refuse what PostgreSQL would refuse mid-write;
    order ids are BIGINT everywhere."""
    visits = tmp_path / "v.csv"
    visits.write_text(
        "visit_id,person_id,visit_date,note\n3000000000,4,2026-01-01,x\n1,-2147483649,2026-01-01,\n",
        encoding="utf-8",
    )
    assert rejected(org, "sample_visits", visits) == [
        f"{visits}:2: visit_id: too large (at most 2147483647)",
        f"{visits}:3: person_id: too small (at least -2147483648)",
    ]
    orders = write(tmp_path / "o.csv", "orders", "3000000000,1,4,2026-10-01,5,1\n")
    assert run_import(org.engine, runtime.host(), "orders", orders).inserted == 1
    refunds = tmp_path / "r.csv"
    refunds.write_text(
        "refund_id,order_id,refund_date,amount,reason\n3000000000,3000000000,2026-10-02,1,\n",
        encoding="utf-8",
    )
    assert rejected(org, "refunds", refunds) == [
        f"{refunds}:2: refund_id: too large (at most 2147483647)"
    ]


# -- dates and periods ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        ("0000-01-01", "before 1990-01-01 (the earliest date accepted)"),
        ("0001-01-01", "before 1990-01-01 (the earliest date accepted)"),
        ("1989-12-31", "before 1990-01-01 (the earliest date accepted)"),
        ("9999-12-31", "after {last} (the latest date accepted)"),
    ],
)
def test_order_dates_outside_the_range_are_refused(org, tmp_path, day: str, reason: str) -> None:
    last = org_last_day()
    path = write(tmp_path / "o.csv", "orders", f"10,1,4,{day},5,1\n")
    assert rejected(org, "orders", path) == [
        f"{path}:2: order_date: {reason.format(last=last.isoformat())}"
    ]
    assert count(org, OrderLine.order_id) == 6


def org_last_day() -> dt.date:
    today = dt.date.today()
    try:
        return today.replace(year=today.year + 5)
    except ValueError:
        return today.replace(year=today.year + 5, day=28)


def test_dates_at_both_ends_of_the_range_are_accepted(org, tmp_path) -> None:
    last = org_last_day().isoformat()
    path = write(tmp_path / "o.csv", "orders", f"10,1,4,1990-01-01,5,1\n11,1,4,{last},5,1\n")
    assert run_import(org.engine, runtime.host(), "orders", path).inserted == 2


@pytest.mark.parametrize(
    ("period", "reason"),
    [
        ("0000-01", "starts before 1990-01 (the earliest month accepted)"),
        ("1989-Q4", "starts before 1990-01 (the earliest month accepted)"),
        ("9999", "starts after {last} (the latest month accepted)"),
    ],
)
def test_target_periods_outside_the_range_are_refused(org, tmp_path, period, reason) -> None:
    last = f"{org_last_day():%Y-%m}"
    path = write(tmp_path / "t.csv", "targets", f"4,{period},revenue,100\n")
    assert rejected(org, "targets", path) == [f"{path}:2: period: {reason.format(last=last)}"]
    assert count(org, Target.person_id) == 5


def test_the_date_range_is_configurable(org, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("COMMAND_CENTER_MIN_DATE", "1980-01-01")
    monkeypatch.setenv("COMMAND_CENTER_MAX_YEARS_AHEAD", "0")
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    path = write(tmp_path / "o.csv", "orders", f"10,1,4,1985-06-01,5,1\n11,1,4,{tomorrow},5,1\n")
    today = dt.date.today().isoformat()
    assert rejected(org, "orders", path) == [
        f"{path}:3: order_date: after {today} (the latest date accepted)"
    ]
    monkeypatch.setenv("COMMAND_CENTER_MAX_YEARS_AHEAD", "1")
    assert run_import(org.engine, runtime.host(), "orders", path).inserted == 2
    monkeypatch.setenv("COMMAND_CENTER_MIN_DATE", "not-a-date")
    with pytest.raises(ValueError, match="COMMAND_CENTER_MIN_DATE must be a date"):
        run_import(org.engine, runtime.host(), "orders", path)


# -- metrics in targets ---------------------------------------------------------------


def test_targets_name_only_known_metrics(org, tmp_path) -> None:
    path = write(tmp_path / "t.csv", "targets", "4,2026-11,revenue,1\n4,2026-11,revenu,1\n")
    errors = rejected(org, "targets", path)
    assert len(errors) == 1
    assert errors[0].startswith(f"{path}:3: metric: unknown metric 'revenu' (known: ")
    assert "revenue" in errors[0] and count(org, Target.person_id) == 5
    metrics = runtime.registry().metrics
    plugin_metric = next(k for k, m in metrics.items() if m.plugin != "core")
    good = write(
        tmp_path / "g.csv", "targets", f"4,2026-11,revenue,1\n4,2026-11,{plugin_metric},2\n"
    )
    assert run_import(org.engine, runtime.host(), "targets", good).inserted == 2


# -- control characters ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "code", "what"),
    [
        ("Eve\x00", "U+0000", "a control character"),
        ("\x1b[31mEve\x1b[0m", "U+001B", "a control character"),
        ("Eve\x9b2J", "U+009B", "a control character"),
        ("Eve\u202eevil", "U+202E", "a text-direction control"),
        ("Eve\u2066x\u2069", "U+2066", "a text-direction control"),
    ],
)
def test_control_characters_in_names_are_refused(org, tmp_path, name, code, what) -> None:
    path = write(tmp_path / "p.csv", "people", f'8,"{name}",rep,3,N,2024-01-01,active\n')
    errors = rejected(org, "people", path)
    assert errors == [f"{path}:2: name: contains {what} ({code})"]
    assert all(ch.isprintable() for line in errors for ch in line)
    assert count(org, Person.person_id) == 7


def test_line_breaks_only_in_free_text(org, tmp_path) -> None:
    path = write(tmp_path / "p.csv", "people", '8,"Two\nLines",rep,3,N,2024-01-01,active\n')
    assert rejected(org, "people", path) == [
        f"{path}:2: name: contains a line break or tab (U+000A) "
        "(tab and line breaks only in free-text columns)"
    ]
    seen: list[pl.DataFrame] = []
    kind = ImportKind(
        "notes",
        (Column("note_id", "int"), Column("title", "str", max_length=80), Column("body", "str")),
        ("note_id",),
        lambda _session, frame: seen.append(frame) or frame.height,
    )
    notes = tmp_path / "n.csv"
    notes.write_text('note_id,title,body\n1,Hi,"line one\n\tline two"\n', encoding="utf-8")
    assert import_file(org.engine, kind, notes).rows == 1
    assert seen[0]["body"].to_list() == ["line one\n\tline two"]
    notes.write_text('note_id,title,body\n1,"a\tb","ok"\n2,ok,"nul\x00"\n', encoding="utf-8")
    with pytest.raises(ImportFailed) as caught:
        import_file(org.engine, kind, notes)
    assert caught.value.errors == [
        f"{notes}:2: title: contains a line break or tab (U+0009) "
        "(tab and line breaks only in free-text columns)",
        f"{notes}:3: body: contains a control character (U+0000)",
    ]


def test_header_names_are_quoted_without_control_characters(org, tmp_path) -> None:
    path = tmp_path / "o.csv"
    path.write_text(
        "order_id,customer_id,person_id,order_date,revenue,cost,\x1b]0;pwned\x07\n"
        "10,1,4,2026-10-01,5,1,x\n",
        encoding="utf-8",
    )
    errors = rejected(org, "orders", path)
    assert errors[0].startswith(f"{path}:1: <U+001B>]0;pwned<U+0007>: unknown column")
    assert visible("a\u202eb\tc") == "a<U+202E>b<U+0009>c"


def test_file_names_are_shown_without_control_characters(org, tmp_path) -> None:
    path = write(tmp_path / "o\x1b[2J\u202e.csv", "orders", "10,1,4,2026-10-01,1e17,0\n")
    shown = str(tmp_path / "o<U+001B>[2J<U+202E>.csv")
    assert rejected(org, "orders", path) == [
        f"{shown}:2: revenue: beyond ±1,000,000,000,000 (the most accepted)"
    ]
    empty = tmp_path / "e\x07.csv"
    empty.write_text("", encoding="utf-8")
    assert rejected(org, "orders", empty) == [
        f"{tmp_path / 'e<U+0007>.csv'}: the file is empty (no header row)"
    ]


def test_quoted_values_show_control_characters_as_code_points() -> None:
    columns = (Column("n", "int"), Column("day", "date"), Column("p", "period"))
    frame = pl.DataFrame({"_row": [2], "n": ["\x00 |4"], "day": ["\x1b[2J"], "p": ["20\u202e26"]})
    _, errors = validate_frame(frame, columns, bounds=Bounds(dt.date(1990, 1, 1), dt.date.max))
    assert [e.reason for e in errors] == [
        "not a whole number: '<U+0000> |4'",
        "not a date (YYYY-MM-DD): '<U+001B>[2J'",
        "not a period (YYYY-MM-DD, YYYY-Www, YYYY-MM, YYYY-Qn or YYYY): '20<U+202E>26'",
    ]


def test_refused_cells_are_null_for_the_kinds_check() -> None:
    columns = (Column("day", "date"), Column("name", "str"), Column("amount", "float"))
    frame = pl.DataFrame(
        {"_row": [2, 3], "day": ["9999-12-31", "2020-01-01"], "name": ["ok", "\x1b"]}
    ).with_columns(amount=pl.Series(["1e17", "5"]))
    bounds = Bounds(dt.date(1990, 1, 1), dt.date(2030, 1, 1))
    typed, errors = validate_frame(frame, columns, bounds=bounds)
    assert typed.rows() == [(2, None, "ok", None), (3, dt.date(2020, 1, 1), None, 5.0)]
    assert sorted((e.row, e.column) for e in errors) == [(2, "amount"), (2, "day"), (3, "name")]


def test_every_kind_gets_the_value_checks(org, tmp_path) -> None:
    """Core and plugin kinds alike, through ``Column.dtype`` (found via the plugin host)."""
    kinds = import_kinds(runtime.host())
    assert {"people", "orders", "targets"} < set(kinds) and len(kinds) > 5
    poison = {"date": "9999-12-31", "period": "0000-01", "float": "1e17", "int": "1"}
    for name, kind in kinds.items():
        cells = [poison.get(c.dtype, "x\x1by") for c in kind.columns]
        path = tmp_path / f"{name}.csv"
        path.write_text(
            ",".join(c.name for c in kind.columns) + "\n" + ",".join(cells) + "\n",
            encoding="utf-8",
        )
        with pytest.raises(ImportFailed) as caught:
            run_import(org.engine, runtime.host(), name, path)
        lines = caught.value.errors
        for column in kind.columns:
            expected = {
                "date": "after ",
                "period": "starts before ",
                "float": "beyond ±",
                "str": "contains a control character (U+001B)",
            }.get(column.dtype)
            if expected is None:
                continue
            prefix = f"{path}:2: {column.name}: "
            assert any(line.startswith(prefix + expected) for line in lines), (name, lines)


# -- org depth ------------------------------------------------------------------------


def chain(start: int, length: int, top: int | None) -> str:
    rows = []
    manager = top
    for person_id in range(start, start + length):
        level = "director" if manager is None else "rep"
        rows.append(
            f"{person_id},P{person_id},{level},{'' if manager is None else manager},N,2020-01-01,"
        )
        manager = person_id
    return "\n".join(rows) + "\n"


def test_org_depth_of_twelve_is_accepted_and_thirteen_refused(org, tmp_path) -> None:
    ok = write(tmp_path / "ok.csv", "people", chain(100, MAX_DEPTH, None))
    assert run_import(org.engine, runtime.host(), "people", ok).inserted == MAX_DEPTH
    deep = write(
        tmp_path / "deep.csv", "people", f"200,Deep,rep,{100 + MAX_DEPTH - 1},N,2020-01-01,\n"
    )
    assert rejected(org, "people", deep) == [
        f"{deep}:2: manager_id: 13 levels below the top of the org (at most 12)"
    ]
    # Moving the small org's director (a 4-level tree) under the bottom of the chain.
    move = write(tmp_path / "move.csv", "people", "1,Dana,manager,108,N,2020-01-01,\n")
    assert rejected(org, "people", move) == [
        f"{move}:2: manager_id: puts someone below 13 levels down the org (at most 12)"
    ]
    assert count(org, Person.person_id) == 7 + MAX_DEPTH


def test_a_very_long_manager_chain_is_refused(org, tmp_path) -> None:
    length = 20_000
    path = write(tmp_path / "chain.csv", "people", chain(1000, length, None))
    with pytest.raises(ImportFailed) as caught:
        run_import(org.engine, runtime.host(), "people", path)
    assert caught.value.total == length  # every row: too deep itself, or someone below it
    assert caught.value.errors[0] == (
        f"{path}:2: manager_id: puts someone below {length} levels down the org (at most 12)"
    )
    assert count(org, Person.person_id) == 7


def test_levels_and_deepest_below() -> None:
    edges: dict[int, int | None] = {1: None, 2: 1, 3: 2, 4: 99, 5: 6, 6: 5, 7: 6}
    level = levels(edges)
    assert level == {1: 1, 2: 2, 3: 3, 4: 1}  # 99 unknown: top; 5, 6 loop; 7 below it
    assert deepest_below(edges, level) == {1: 3, 2: 3, 3: 3, 4: 1}


# -- a kind that checks too little ---------------------------------------------------


def _merge_orders(session, frame: pl.DataFrame) -> int:
    """An ``apply`` whose kind has no ``check``: the ORM writes when it flushes (at commit)."""
    for order_id, person_id in frame.select("order_id", "person_id").iter_rows():
        session.merge(
            OrderLine(
                order_id=order_id,
                customer_id=1,
                person_id=person_id,
                order_date=dt.date(2026, 10, 1),
                revenue=1.0,
                cost=0.0,
            )
        )
    return frame.height


def test_the_databases_refusal_is_one_line_and_nothing_is_written(org, tmp_path) -> None:
    """A reference the kind never checks fails in the database, when the ORM flushes
    at commit: the import is refused with one ``FILE:`` line, never a traceback
    (the fuzz suite found this with the sample plugin's visits), and nothing is written."""
    kind = ImportKind(
        "loose_orders",
        (Column("order_id", "int"), Column("person_id", "int")),
        ("order_id",),
        _merge_orders,
    )
    path = tmp_path / "loose.csv"
    path.write_text("order_id,person_id\n50,4\n51,999\n", encoding="utf-8")
    with pytest.raises(ImportFailed) as caught:
        import_file(org.engine, kind, path)
    (line,) = caught.value.errors
    assert line.startswith(f"{path}: the database refused the rows: ")
    assert line.endswith("(the import kind checks too little; nothing was written)")
    assert "\n" not in line and "Traceback" not in line
    assert count(org, OrderLine.order_id) == 6
    path.write_text("order_id,person_id\n50,4\n", encoding="utf-8")
    assert import_file(org.engine, kind, path).rows == 1
    assert count(org, OrderLine.order_id) == 7


# -- downstream robustness -------------------------------------------------------------


HOSTILE_NAME = "Eve\x1b]0;pwned\x07\u202eevil\x9b"  # PostgreSQL text holds no NUL
SHOWN_NAME = "Eve<U+001B>]0;pwned<U+0007><U+202E>evil<U+009B>"


def test_names_with_control_characters_never_reach_the_terminal(org) -> None:
    """The importer refuses them, but a form or an older version may have stored one:
    the CLI's tables and CSV show such characters as ``<U+XXXX>`` (issue 13, defect 3)."""
    from typer.testing import CliRunner

    from command_center import cli
    from command_center.db.models import Customer
    from plugins.incentives.cli import render_table

    with write_session(org.engine) as session:
        session.get(Person, 4).name = HOSTILE_NAME  # type: ignore[union-attr]
        session.get(Customer, 1).name = HOSTILE_NAME  # type: ignore[union-attr]
    cli.build_app()
    commands = [
        ["metrics", "revenue", "--period", "2026-10", "--by", "person", "--format", "table"],
        ["metrics", "revenue", "--period", "2026-10", "--by", "person"],
        ["abc", "--as-of", "2026-11-01", "--format", "table"],
    ]
    for args in commands:
        result = CliRunner().invoke(cli.app, args)
        assert result.exit_code == 0, result.output
        assert SHOWN_NAME[:20] in result.output, (args, result.output)  # tables cut long text
        hidden = [c for c in result.output if not c.isprintable() and c != "\n"]
        assert hidden == [], (args, hidden)
    table = render_table(pl.DataFrame({"name": [HOSTILE_NAME], "value": [1.0]}))
    assert SHOWN_NAME in table and "\x1b" not in table


def test_year_zero_is_not_a_period() -> None:
    assert not is_period("0000-01") and not is_period("0000") and is_period("2026-Q4")
    with pytest.raises(ValueError, match="no year 0000"):
        parse_period("0000-01")
    with pytest.raises(ValueError, match=r"outside years 1\.\.9999"):
        parse_period("0001-01").previous()
    assert parse_period("9999-12").months == [dt.date(9999, 12, 1)]


def test_targets_stored_before_the_checks_do_not_break_the_registry(org) -> None:
    """A database filled by an older version may hold a period 0000-01."""
    with write_session(org.engine) as session:
        session.add(Target(person_id=4, period="0000-01", metric="revenue", target=1.0))
        session.add(Target(person_id=4, period="0001-01", metric="revenue", target=1.0))
    targets = pl.DataFrame(
        {"person_id": [4, 4], "period": ["0000-01", "2026-10"], "metric": ["revenue"] * 2},
    ).with_columns(target=pl.Series([1.0, 2.0]))
    assert person_targets(targets, "revenue", parse_period("2026-Q4"), True).rows() == [(4, 2.0)]
    registry = runtime.registry()
    goal = registry.targets(org.engine, OPERATOR, "revenue", parse_period("2026-Q4"))
    assert goal.filter(pl.col("node_id") == 4)["target"].to_list() == [900.0]
