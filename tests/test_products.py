"""Products and price lists (issue 16, item 1): the price rule, the migration in place,
the ``products`` and ``price_lists`` kinds, orders with and without ``product_id``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from command_center import testing as apptest
from command_center.db import catalog
from command_center.db.engine import write_session
from command_center.db.migrate import upgrade
from command_center.db.models import OrderLine
from command_center.io import ImportFailed, read_table_file, run_export, run_import
from command_center.io.runner import ImportRefused
from command_center.org.scope import OPERATOR, Viewer
from command_center.pricing import prices_at, prices_on
from tests.conftest import BACKENDS, _drop_db, _new_db, make_host, use_db
from tests.factories import load_small_org

PRODUCTS = (
    "product_id,name,category,list_price,standard_cost,active\n"
    "P-001,云服务器 标准版,Cloud,100,60,true\n"
    "007,Support plan,Services,10,,\n"
    "P-002,Backup,Cloud,50.5,20,false\n"
)
PRICE_LISTS = (
    "price_list_id,name,valid_from,valid_to,product_id,price\n"
    "STD,Standard 2026,2026-01-01,,P-001,90\n"
    "STD,Standard 2026,2026-01-01,,P-002,48\n"
    "PROMO,Double 11,2026-11-01,2026-11-30,P-001,80\n"
)
D = dt.date


def write(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text(body, encoding="utf-8")
    return path


def refused(engine, kind: str, path: Path, viewer: Viewer = OPERATOR) -> list[str]:
    with pytest.raises(ImportFailed) as failed:
        run_import(engine, make_host(), kind, path, viewer=viewer)
    return [line.replace(f"{path.parent}/", "") for line in failed.value.errors]


# -- the price rule ---------------------------------------------------------------


def test_price_on_a_day_is_the_valid_lists_else_the_list_price() -> None:
    products = pl.DataFrame(
        {"product_id": ["P-001", "P-002", "007"], "list_price": [100.0, 50.0, 10.0]}
    )
    lists = pl.DataFrame(
        {
            "price_list_id": ["STD", "PROMO", "A-FLASH"],
            "valid_from": [D(2026, 1, 1), D(2026, 11, 1), D(2026, 11, 1)],
            "valid_to": [None, D(2026, 11, 30), D(2026, 11, 30)],
        }
    )
    items = pl.DataFrame(
        {
            "price_list_id": ["STD", "PROMO", "PROMO", "A-FLASH"],
            "product_id": ["P-001", "P-001", "P-002", "P-002"],
            "price": [90.0, 80.0, 45.0, 44.0],
        }
    )

    def on(day: dt.date) -> dict[str, tuple[float, str | None]]:
        frame = prices_on(products, lists, items, day)
        return {
            p: (v, s)
            for p, v, s in frame.select("product_id", *("price", "price_list_id")).iter_rows()
        }

    # before any list: list prices
    assert on(D(2025, 12, 31)) == {
        "P-001": (100.0, None),
        "P-002": (50.0, None),
        "007": (10.0, None),
    }
    # STD is open-ended and prices P-001 only
    assert on(D(2026, 6, 1)) == {"P-001": (90.0, "STD"), "P-002": (50.0, None), "007": (10.0, None)}
    # both November lists start later than STD; between them, the id sorting first
    assert on(D(2026, 11, 30)) == {
        "P-001": (80.0, "PROMO"),
        "P-002": (44.0, "A-FLASH"),
        "007": (10.0, None),
    }
    # valid_to is inclusive, the day after falls back to STD / the list price
    assert on(D(2026, 12, 1)) == {
        "P-001": (90.0, "STD"),
        "P-002": (50.0, None),
        "007": (10.0, None),
    }
    # many (product, day) pairs at once keep their order; an unknown product has no price
    pairs = pl.DataFrame(
        {
            "product_id": ["P-001", "X-9", "P-001"],
            "day": [D(2026, 11, 5), D(2026, 11, 5), D(2025, 1, 1)],
        }
    )
    assert prices_at(pairs, products, lists, items)["price"].to_list() == [80.0, None, 100.0]


# -- the migration ----------------------------------------------------------------

OLD_ROWS = (
    "INSERT INTO people (person_id, name, level, region, hire_date, status) "
    "VALUES (1, '总监', 'director', '华东', '2020-01-01', 'active')",
    "INSERT INTO customers (customer_id, name, industry, size, owner_id, region, created_on) "
    "VALUES (1, '甲公司', '', 'smb', 1, '', '2020-01-01')",
    "INSERT INTO orders (order_id, customer_id, person_id, order_date, revenue, cost) "
    "VALUES (1, 1, 1, '2026-01-05', 100, 60), (2, 1, 1, '2026-02-05', 50, 10)",
)


@pytest.mark.parametrize("backend", BACKENDS)
def test_upgrade_in_place_keeps_order_lines_without_a_product(
    backend: str, tmp_path: Path, pg_databases
) -> None:
    db = _new_db(backend, tmp_path, pg_databases)
    try:
        upgrade(db.engine, make_host(), "0009_core", plugins=False)
        with db.engine.begin() as conn:  # the schema of 0009: no product_id on orders yet
            for statement in OLD_ROWS:
                conn.execute(text(statement))
        upgrade(db.engine, make_host())
        assert {"products", "price_lists", "price_list_items"} <= set(
            inspect(db.engine).get_table_names()
        )
        with db.engine.connect() as conn:
            stored = conn.execute(text("SELECT COUNT(*), COUNT(product_id) FROM orders")).one()
        assert tuple(stored) == (2, 0)
        # the foreign key holds for lines written after the upgrade
        with pytest.raises(IntegrityError), write_session(db.engine) as session:
            session.add(
                OrderLine(
                    order_id=99,
                    customer_id=1,
                    person_id=4,
                    order_date=D(2026, 1, 2),
                    revenue=1.0,
                    cost=0.0,
                    product_id="NOPE",
                )
            )
        run_import(db.engine, make_host(), "products", write(tmp_path, "p.csv", PRODUCTS))
        with write_session(db.engine) as session:
            session.get(OrderLine, 1).product_id = "P-001"  # type: ignore[union-attr]
        lines = catalog.orders_with_products(db.engine, OPERATOR)
        assert lines.filter(pl.col("order_id") == 1)["product_id"].item() == "P-001"
    finally:
        _drop_db(db, pg_databases)


# -- the products and price_lists kinds ---------------------------------------------


def test_products_import_keeps_keys_exactly_and_fills_defaults(empty_db, tmp_path) -> None:
    report = run_import(
        empty_db.engine, make_host(), "products", write(tmp_path, "p.csv", PRODUCTS)
    )
    assert (report.rows, report.inserted) == (3, 3)
    rows = catalog.products(empty_db.engine, OPERATOR).rows()
    assert rows == [
        ("007", "Support plan", "Services", 10.0, 0.0, True),
        ("P-001", "云服务器 标准版", "Cloud", 100.0, 60.0, True),
        ("P-002", "Backup", "Cloud", 50.5, 20.0, False),
    ]


def test_products_refusals_name_file_row_and_column(empty_db, tmp_path) -> None:
    body = (
        "product_id,name,category,list_price,standard_cost,active\n"
        "P-1,Inf,C,inf,1,true\n"
        "P-2,NaN,C,nan,1,true\n"
        "P-3,Negative,C,-5,1,true\n"
        "P-4,Huge,C,1e13,1,true\n"
        "P-5,Bad cost,C,5,-1,true\n"
        "P-6,Bad flag,C,5,1,maybe\n"
        "=cmd|' /C calc'!A0,Formula key,C,5,1,true\n"
        "P-1,Again,C,5,1,true\n"
        "P-9,,C,5,1,true\n"
        f"{'X' * 41},Long key,C,5,1,true\n"
    )
    errors = refused(empty_db.engine, "products", write(tmp_path, "bad.csv", body))
    assert errors == [
        "bad.csv:2: list_price: not a number: 'inf'",
        "bad.csv:3: list_price: not a number: 'nan'",
        "bad.csv:4: list_price: must be at least 0: '-5'",
        "bad.csv:5: list_price: beyond ±1,000,000,000,000 (the most accepted)",
        "bad.csv:6: standard_cost: must be at least 0: '-1'",
        "bad.csv:7: active: 'maybe' is not one of true, false",
        "bad.csv:8: product_id: a key may not begin with =, +, -, @ (spreadsheets run it)",
        "bad.csv:9: product_id: duplicate of row 2",
        "bad.csv:10: name: required value missing",
        "bad.csv:11: product_id: longer than 40 characters",
    ]
    assert catalog.all_products(empty_db.engine).is_empty()


def test_only_directors_and_the_operator_write_the_catalogue(users_db, tmp_path) -> None:
    path = write(tmp_path, "p.csv", PRODUCTS)
    for viewer in (
        Viewer("root", "admin", None, frozenset()),
        Viewer("mgr", "manager", 2, frozenset({2, 3, 4, 5, 6, 7})),
        Viewer("rep4", "rep", 4, frozenset({4})),
    ):
        with pytest.raises(ImportRefused):
            run_import(users_db.engine, make_host(), "products", path, viewer=viewer)
        with pytest.raises(ImportRefused):
            run_import(users_db.engine, make_host(), "price_lists", path, viewer=viewer)
    director = Viewer("dana", "director", 1, None)
    run_import(users_db.engine, make_host(), "products", path, viewer=director)
    # everyone in a business role reads the catalogue; a rep without costs, an admin nothing
    rep = catalog.products(users_db.engine, Viewer("rep4", "rep", 4, frozenset({4})))
    assert rep.height == 3 and rep["standard_cost"].null_count() == 3
    assert catalog.products(users_db.engine, Viewer("root", "admin", None, frozenset())).is_empty()


def test_price_lists_import_and_refusals(empty_db, tmp_path) -> None:
    engine = empty_db.engine
    run_import(engine, make_host(), "products", write(tmp_path, "p.csv", PRODUCTS))
    run_import(engine, make_host(), "price_lists", write(tmp_path, "l.csv", PRICE_LISTS))
    shown = catalog.priced_products(engine, OPERATOR, D(2026, 11, 11))
    assert shown.select("product_id", "price", "price_list").rows() == [
        ("007", 10.0, None),
        ("P-001", 80.0, "Double 11"),
        ("P-002", 48.0, "Standard 2026"),
    ]
    bad = (
        "price_list_id,name,valid_from,valid_to,product_id,price\n"
        "Q1,Spring,2026-03-31,2026-01-01,P-001,1\n"
        "Q1,Spring sale,2026-03-31,2026-01-01,P-002,1\n"
        "Q2,Summer,2026-06-01,,P-404,-1\n"
        "Q2,Summer,2026-06-01,,P-001,1e400\n"
    )
    assert refused(engine, "price_lists", write(tmp_path, "bad.csv", bad)) == [
        "bad.csv:2: valid_to: before valid_from 2026-03-31",
        "bad.csv:3: name: differs from row 2 of list Q1 (Spring)",
        "bad.csv:3: valid_to: before valid_from 2026-03-31",
        "bad.csv:4: product_id: unknown product P-404",
        "bad.csv:4: price: must be at least 0: '-1'",
        "bad.csv:5: price: not a number: '1e400'",
    ]


# -- orders with and without product_id, exports ------------------------------------

ORDERS = "order_id,customer_id,person_id,order_date,revenue,cost"


def test_orders_import_with_and_without_product_id(empty_db, tmp_path) -> None:
    engine = empty_db.engine
    load_small_org(engine)
    run_import(engine, make_host(), "products", write(tmp_path, "p.csv", PRODUCTS))
    with_product = f"{ORDERS},product_id\n10,1,4,2026-10-01,90,50,P-001\n11,1,4,2026-10-02,10,0,\n"
    run_import(engine, make_host(), "orders", write(tmp_path, "o1.csv", with_product))
    # the pinned header alone still imports, and leaves stored products as they are
    pinned = f"{ORDERS}\n10,1,4,2026-10-01,95,50\n12,1,5,2026-10-03,20,5\n"
    report = run_import(engine, make_host(), "orders", write(tmp_path, "o2.csv", pinned))
    assert (report.inserted, report.updated) == (1, 1)
    lines = catalog.orders_with_products(engine, OPERATOR).filter(pl.col("order_id") >= 10)
    assert lines.select("order_id", "revenue", "product_id").rows() == [
        (10, 95.0, "P-001"),
        (11, 10.0, None),
        (12, 20.0, None),
    ]
    unknown = f"{ORDERS},product_id\n13,1,4,2026-10-01,90,50,P-404\n"
    assert refused(engine, "orders", write(tmp_path, "o3.csv", unknown)) == [
        "o3.csv:2: product_id: unknown product P-404"
    ]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_exports_round_trip(empty_db, tmp_path, suffix: str) -> None:
    engine = empty_db.engine
    load_small_org(engine)
    host = make_host()
    # without a product on any line the orders export keeps the pinned header
    run_export(engine, host, "orders", tmp_path / f"plain{suffix}", OPERATOR)
    assert read_table_file(tmp_path / f"plain{suffix}").columns == ORDERS.split(",")
    run_import(engine, host, "products", write(tmp_path, "p.csv", PRODUCTS))
    run_import(engine, host, "price_lists", write(tmp_path, "l.csv", PRICE_LISTS))
    run_import(
        engine,
        host,
        "orders",
        write(tmp_path, "o.csv", f"{ORDERS},product_id\n1,1,4,2025-10-05,100,60,007\n"),
    )
    for kind in ("products", "price_lists", "orders"):
        path = tmp_path / f"{kind}{suffix}"
        run_export(engine, host, kind, path, OPERATOR)
        before = read_table_file(path)
        report = run_import(engine, host, kind, path)
        assert (report.inserted, report.updated) == (0, before.height)
        run_export(engine, host, kind, tmp_path / f"again{suffix}", OPERATOR)
        assert read_table_file(tmp_path / f"again{suffix}").equals(before)
    orders = read_table_file(tmp_path / f"orders{suffix}")
    assert orders.columns == [*ORDERS.split(","), "product_id"]
    assert orders.filter(pl.col("order_id") == "1")["product_id"].item() == "007"


def test_product_export_neutralises_formulas(empty_db, tmp_path) -> None:
    header = "product_id,name,category,list_price,standard_cost,active"
    body = f'{header}\nP-1,=HYPERLINK("x"),@SUM,5,1,true\n'
    run_import(empty_db.engine, make_host(), "products", write(tmp_path, "p.csv", body))
    run_export(empty_db.engine, make_host(), "products", tmp_path / "out.csv", OPERATOR)
    row = read_table_file(tmp_path / "out.csv").row(0, named=True)
    assert (row["name"], row["category"]) == ('\'=HYPERLINK("x")', "'@SUM")


# -- the Data page ---------------------------------------------------------------------


@pytest.mark.one_backend
def test_data_page_lists_products_with_todays_price(demo_db, monkeypatch, app_env) -> None:
    use_db(monkeypatch, demo_db)
    at = apptest.open_page(apptest.start(demo_db.engine, "rep", "zh_CN"), "data")
    assert not at.exception and "产品与今日价格" in apptest.texts(at)
    table = at.dataframe[0].value
    assert len(table) == 16 and table["product_id"].iloc[0] == "P-001"
    assert (table["price"] <= table["list_price"]).all()
    assert "standard_cost" not in table.columns
