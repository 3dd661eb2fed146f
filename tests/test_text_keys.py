"""Issue 14, item 1: people, customers and orders are named by text keys at every
boundary (import, export, command line), kept exactly; integer ids stay inside.

Known answers by hand: a fresh database allocates ids in the file's order from 1
(no key is a plain number), a plain-number key keeps its number when it is free,
and any other new key takes the next id above the largest.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import inspect, select, text
from typer.testing import CliRunner

from command_center import cli, keys
from command_center.db.engine import read_session, write_session
from command_center.db.migrate import upgrade
from command_center.db.models import Customer, OrderLine, Person
from command_center.demo import with_demo_keys
from command_center.io import ImportFailed, run_export, run_import
from tests.conftest import BACKENDS, Db, _drop_db, _new_db, make_host, use_db

runner = CliRunner()
PEOPLE = (
    "person_id,name,level,manager_id,region,hire_date,status\n"
    "D1,Dora,director,,North,2020-01-01,active\n"
    "M1,Max,manager,D1,North,2021-01-01,active\n"
    "S1,Sue,supervisor,M1,North,2022-01-01,active\n"
    "R1,Ray,rep,S1,North,2023-01-01,active\n"
    "00417,Lin,rep,S1,North,2023-06-01,active\n"
)
PEOPLE_KEYS = ["D1", "M1", "S1", "R1", "00417"]
CUSTOMERS = (
    "customer_id,name,industry,size,owner_id,region,created_on\n"
    "CUST-000123,Acme,制造,smb,R1,North,2024-01-01\n"
    "客户-甲,甲公司,制造,smb,00417,North,2024-02-01\n"
    "c-7,Beta,,,R1,North,2024-03-01\n"
)
ORDERS = (
    "order_id,customer_id,person_id,order_date,revenue,cost\n"
    "SO/2026/0042,CUST-000123,R1,2026-10-05,1000,400\n"
    "SO/2026/0043,客户-甲,00417,2026-10-06,300,100\n"
    "so/2026/0044,c-7,R1,2026-10-07,50,10\n"
)
FOLLOWUPS = (
    "followup_id,customer_id,person_id,followup_date,channel,notes,next_step,next_date,spin_stage\n"
    "1,CUST-000123,R1,2026-11-20,visit,,call back,2026-12-03,\n"
)
PLAN = Path(__file__).resolve().parents[1] / "plugins/incentives/data/standard_rep.yaml"


def write(path: Path, body: str) -> Path:
    path.write_text(body, encoding="utf-8")
    return path


def column(path: Path, name: str) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [row[name] for row in csv.DictReader(handle)]


def invoke(*args: str, env: dict[str, str] | None = None, input: str | None = None):
    return runner.invoke(cli.app, list(args), env=env, input=input)


def csv_rows(output: str) -> list[dict[str, str]]:
    return list(csv.DictReader(output.splitlines()))


@pytest.fixture
def shop(empty_db: Db, tmp_path: Path) -> Db:
    """People, customers and orders imported with text keys into an empty database."""
    host = make_host()
    for kind, body in (("people", PEOPLE), ("customers", CUSTOMERS), ("orders", ORDERS)):
        run_import(empty_db.engine, host, kind, write(tmp_path / f"{kind}.csv", body))
    return empty_db


# -- import and export ------------------------------------------------------------


def test_keys_get_ids_in_file_order_and_are_kept_exactly(shop: Db) -> None:
    with read_session(shop.engine) as session:
        people = session.execute(select(Person.person_key, Person.person_id, Person.manager_id))
        ids = {key: (pid, boss) for key, pid, boss in people}
        customers = dict(session.execute(select(Customer.customer_key, Customer.owner_id)).all())
        lines = dict(session.execute(select(OrderLine.order_key, OrderLine.customer_id)).all())
    # No key is a plain number: ids 1.. in the file's order; managers by their keys.
    assert ids == {"D1": (1, None), "M1": (2, 1), "S1": (3, 2), "R1": (4, 3), "00417": (5, 3)}
    assert customers == {"CUST-000123": 4, "客户-甲": 5, "c-7": 4}
    assert lines == {"SO/2026/0042": 1, "SO/2026/0043": 2, "so/2026/0044": 3}


def test_exports_write_the_keys_back_exactly(shop: Db, tmp_path: Path) -> None:
    host = make_host()
    from command_center.org.scope import OPERATOR

    out = {}
    for kind in ("people", "customers", "orders"):
        out[kind] = tmp_path / f"out-{kind}.csv"
        run_export(shop.engine, host, kind, out[kind], OPERATOR)
    assert column(out["people"], "person_id") == PEOPLE_KEYS
    assert column(out["people"], "manager_id") == ["", "D1", "M1", "S1", "S1"]
    assert column(out["customers"], "customer_id") == ["CUST-000123", "客户-甲", "c-7"]
    assert column(out["customers"], "owner_id") == ["R1", "00417", "R1"]
    assert column(out["orders"], "order_id") == ["SO/2026/0042", "SO/2026/0043", "so/2026/0044"]
    assert column(out["orders"], "customer_id") == ["CUST-000123", "客户-甲", "c-7"]
    assert column(out["orders"], "person_id") == ["R1", "00417", "R1"]
    # The export imports again unchanged: every row an update, no new id.
    for kind in ("people", "customers", "orders"):
        report = run_import(shop.engine, host, kind, out[kind])
        assert (report.inserted, report.updated) == (0, report.rows)


def test_a_plain_number_keeps_its_id_others_go_above_the_largest(shop: Db, tmp_path: Path) -> None:
    body = (
        "person_id,name,level,manager_id,region,hire_date,status\n"
        "9,Nine,rep,S1,North,2024-01-01,active\n"
        "E-2031,Eve,rep,S1,North,2024-01-01,active\n"
        "4,Four,rep,S1,North,2024-01-01,active\n"
        "0009,Zero-nine,rep,S1,North,2024-01-01,active\n"
    )
    run_import(shop.engine, make_host(), "people", write(tmp_path / "more.csv", body))
    found = keys.ids_for(shop.engine, "person", ["9", "E-2031", "4", "0009", "R1"])
    # "9" is free: 9. Id 4 is R1's, so "4" is not; "E-2031", "4", "0009" take 10, 11, 12.
    assert found == {"9": 9, "E-2031": 10, "4": 11, "0009": 12, "R1": 4}


def test_unknown_and_formula_keys_are_row_errors(shop: Db, tmp_path: Path) -> None:
    body = (
        "order_id,customer_id,person_id,order_date,revenue,cost\n"
        "SO/2026/0050,CUST-000123,E-2031,2026-10-05,1,0\n"
        "SO/2026/0051,CUST-999,R1,2026-10-05,1,0\n"
        "=cmd|' /C calc'!A0,CUST-000123,R1,2026-10-05,1,0\n"
        "SO/2026/0053,CUST-000123,r1,2026-10-05,1,0\n"
    )
    path = write(tmp_path / "bad.csv", body)
    with pytest.raises(ImportFailed) as failed:
        run_import(shop.engine, make_host(), "orders", path)
    assert failed.value.errors == [
        f"{path}:2: person_id: unknown person 'E-2031'",
        f"{path}:3: customer_id: unknown customer 'CUST-999'",
        f"{path}:4: order_id: a key may not begin with =, +, -, @ (spreadsheets run it)",
        f"{path}:5: person_id: unknown person 'r1'",  # keys are case-sensitive
    ]
    with read_session(shop.engine) as session:
        assert session.scalar(select(OrderLine.order_id).where(OrderLine.order_id > 3)) is None


def test_a_key_longer_than_64_characters_is_refused(shop: Db, tmp_path: Path) -> None:
    long_key = "K" * 65
    body = PEOPLE.splitlines()[0] + f"\n{long_key},Long,rep,S1,North,2024-01-01,active\n"
    path = write(tmp_path / "long.csv", body)
    with pytest.raises(ImportFailed) as failed:
        run_import(shop.engine, make_host(), "people", path)
    assert failed.value.errors == [f"{path}:2: person_id: longer than 64 characters"]


def test_refund_messages_name_the_order_key(shop: Db, tmp_path: Path) -> None:
    body = "refund_id,order_id,refund_date,amount,reason\n1,SO/2026/0043,2026-10-20,301,x\n"
    path = write(tmp_path / "refunds.csv", body)
    with pytest.raises(ImportFailed) as failed:
        run_import(shop.engine, make_host(), "refunds", path)
    assert failed.value.errors == [
        f"{path}:2: amount: refunds on order SO/2026/0043 exceed its revenue 300.00"
    ]


def test_manager_loops_are_named_by_key(shop: Db, tmp_path: Path) -> None:
    body = (
        "person_id,name,level,manager_id,region,hire_date,status\n"
        "M1,Max,manager,S1,North,2021-01-01,active\n"
    )
    path = write(tmp_path / "loop.csv", body)
    with pytest.raises(ImportFailed) as failed:
        run_import(shop.engine, make_host(), "people", path)
    assert failed.value.errors == [f"{path}:2: manager_id: manager loop M1 -> S1 -> M1"]


def test_a_scoped_importer_sees_keys_in_scope_messages(shop: Db, tmp_path: Path) -> None:
    from command_center.org.scope import Viewer, people_edges, scope_for

    lin = keys.id_of(shop.engine, "person", "00417")
    sue = Viewer("sue", "supervisor", lin, scope_for("rep", lin, people_edges(shop.engine)))
    sue = Viewer("sue", "supervisor", lin, frozenset({lin}))
    body = ORDERS.splitlines()[0] + "\nSO/2026/0060,c-7,R1,2026-10-05,1,0\n"
    path = write(tmp_path / "outside.csv", body)
    with pytest.raises(ImportFailed) as failed:
        run_import(shop.engine, make_host(), "orders", path, viewer=sue)
    assert failed.value.errors == [f"{path}:2: person_id: person R1 is outside your scope"]


# -- the command line -----------------------------------------------------------


@pytest.fixture
def cli_shop(shop: Db, monkeypatch: pytest.MonkeyPatch, app_env: None, tmp_path: Path) -> Db:
    use_db(monkeypatch, shop)
    cli.build_app()
    result = invoke("import", "followups", str(write(tmp_path / "f.csv", FOLLOWUPS)))
    assert result.exit_code == 0, result.output
    return shop


def test_cli_round_trips_the_keys(cli_shop: Db, tmp_path: Path) -> None:
    out = tmp_path / "people.csv"
    assert invoke("export", "people", str(out)).exit_code == 0
    assert column(out, "person_id") == PEOPLE_KEYS

    metrics = invoke("metrics", "revenue", "--period", "2026-10", "--by", "person")
    assert metrics.exit_code == 0, metrics.output
    by_node = {row["node_id"]: row["value"] for row in csv_rows(metrics.output)}
    assert by_node == {"R1": "1050.0", "00417": "300.0"}
    teams = csv_rows(invoke("metrics", "revenue", "--period", "2026-10").output)
    assert [row["node_id"] for row in teams] == ["D1", "M1", "S1"]

    abc = invoke("abc", "--as-of", "2026-10-31", "--months", "12")
    assert abc.exit_code == 0, abc.output
    assert [row["customer_id"] for row in csv_rows(abc.output)] == [
        "CUST-000123",
        "客户-甲",
        "c-7",
    ]

    simulated = invoke(
        "commission", "simulate", "--plan", str(PLAN), "--from", "2026-10", "--to", "2026-10"
    )
    assert simulated.exit_code == 0, simulated.output
    assert {row["person_id"] for row in csv_rows(simulated.output)} == {"R1", "00417"}

    added = invoke("users", "add", "ray", "--role", "rep", "--person", "R1", input="long-pass-1\n")
    assert added.exit_code == 0, added.output
    assert "R1" in invoke("users", "list").output
    env = {"COMMAND_CENTER_PASSWORD": "long-pass-1"}
    today = invoke("--user", "ray", "today", "--date", "2026-12-03", env=env)
    assert today.exit_code == 0, today.output
    rows = csv_rows(today.output)
    assert {r["person_id"] for r in rows} == {"R1"}
    assert {r["customer_id"] for r in rows} <= {"CUST-000123", "c-7", ""}
    due = [r["customer_id"] for r in rows if r["kind"] == "followup" and r["due"] == "2026-12-03"]
    assert due == ["CUST-000123"]


def test_cli_refuses_an_unknown_person_key(cli_shop: Db) -> None:
    result = invoke("users", "add", "x", "--role", "rep", "--person", "4", input="long-pass-1\n")
    assert result.exit_code == 1
    assert "No person has the key “4”." in result.output  # 4 is R1's id, not a key


# -- demo keys ----------------------------------------------------------------------


def test_demo_keys_look_real_and_are_unique() -> None:
    people = with_demo_keys("people", pl.DataFrame({"person_id": [1, 417, 12345]}))
    assert people["person_key"].to_list() == ["E00001", "E00417", "E12345"]
    customers = with_demo_keys("customers", pl.DataFrame({"customer_id": [123, 500000]}))
    assert customers["customer_key"].to_list() == ["CUST-000123", "CUST-500000"]
    orders = with_demo_keys(
        "orders",
        pl.DataFrame({"order_id": [42, 10_000_001], "order_date": [dt.date(2026, 3, 1)] * 2}),
    )
    assert orders["order_key"].to_list() == ["SO/2026/000042", "SO/2026/10000001"]


def test_the_demo_runs_on_text_keys(demo_db: Db) -> None:
    with read_session(demo_db.engine) as session:
        person = session.execute(select(Person.person_id, Person.person_key).limit(1)).one()
        customer = session.execute(
            select(Customer.customer_id, Customer.customer_key).order_by(Customer.customer_id)
        ).first()
        line = session.execute(
            select(OrderLine.order_key).where(OrderLine.order_key.like("SO/%")).limit(1)
        ).first()
    assert person.person_key == f"E{person.person_id:05d}"
    assert customer is not None and customer.customer_key == f"CUST-{customer.customer_id:06d}"
    assert line is not None


# -- the migration: existing databases upgrade in place ------------------------------


@pytest.fixture(params=BACKENDS)
def blank_db(request: pytest.FixtureRequest, tmp_path: Path, pg_databases) -> Iterator[Db]:
    db = _new_db(request.param, tmp_path, pg_databases)
    yield db
    _drop_db(db, pg_databases)


def test_upgrade_fills_keys_with_the_text_of_the_ids(blank_db: Db) -> None:
    host = make_host()
    upgrade(blank_db.engine, host, "0012_core", plugins=False)
    with blank_db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO people (person_id, name, level, manager_id, region, hire_date, "
                "status) VALUES (1, 'D', 'director', NULL, '', '2020-01-01', 'active'), "
                "(417, 'R', 'rep', 1, '', '2020-01-01', 'active')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO customers (customer_id, name, industry, size, owner_id, region, "
                "created_on) VALUES (7, 'C', '', '', 417, '', '2024-01-01')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO orders (order_id, customer_id, person_id, order_date, revenue, cost) "
                "VALUES (90000000001, 7, 417, '2026-10-01', 10, 1)"
            )
        )
    upgrade(blank_db.engine, host)
    with read_session(blank_db.engine) as session:
        assert dict(session.execute(select(Person.person_id, Person.person_key)).all()) == {
            1: "1",
            417: "417",
        }
        assert session.scalar(select(Customer.customer_key)) == "7"
        assert session.scalar(select(OrderLine.order_key)) == "90000000001"
    unique = {
        (ix["name"], bool(ix["unique"]))
        for table in ("people", "customers", "orders")
        for ix in inspect(blank_db.engine).get_indexes(table)
    }
    assert {
        ("ix_people_person_key", True),
        ("ix_customers_customer_key", True),
        ("ix_orders_order_key", True),
    } <= unique
    # The ledger's summaries were left as they were (no trigger saw a change).
    from command_center.db import summaries

    assert all(frame.is_empty() for frame in summaries.differences(blank_db.engine).values())
    # A row the app makes itself is known by its id; a second such key is refused.
    with write_session(blank_db.engine) as session:
        session.add(
            Person(person_id=500, name="N", level="rep", manager_id=1, hire_date=dt.date.today())
        )
    assert keys.key_of(blank_db.engine, "person", 500) == "500"


def test_the_notebook_speaks_keys(cli_shop: Db) -> None:
    from command_center.notebook import connect

    added = invoke(
        "users", "add", "sue", "--role", "supervisor", "--person", "S1", input="long-pass-1\n"
    )
    assert added.exit_code == 0, added.output
    cc = connect(user="sue", password="long-pass-1", url=cli_shop.url)
    board = cc.metric("revenue", period="2026-10", by="person")
    assert dict(board.select("node_id", "value").iter_rows()) == {"R1": 1050.0, "00417": 300.0}
    people = cc.frame("people")  # ids for joining; with_keys for reading
    assert people["person_id"].dtype == pl.Int64
    assert sorted(cc.with_keys(people)["person_id"]) == ["00417", "R1", "S1"]
    sue = keys.id_of(cli_shop.engine, "person", "S1")
    assert cc.team_events.pack(team="S1", month="2026-10").team_root == sue
    with pytest.raises(ValueError, match="No person has the key “s1”"):
        cc.team_events.pack(team="s1", month="2026-10")
