"""Demo data: shape of the org tree, determinism, users, reset/if_empty, all or nothing."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from argon2 import PasswordHasher
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    func,
    select,
    text,
)

from command_center import demo, hookimpl
from command_center.db import bulk
from command_center.db.bulk import bulk_insert
from command_center.db.engine import create_db_engine, data_version, write_session
from command_center.db.migrate import upgrade
from command_center.db.models import (
    LEVELS,
    Customer,
    OrderLine,
    Person,
    PriceList,
    PriceListItem,
    Product,
    Target,
    User,
)
from command_center.db.target_plans import TargetPlan, TargetPlanLine
from command_center.demo import (
    DEMO_LOGINS,
    DEMO_PASSWORD,
    SCALES,
    demo_months,
    generate,
    is_empty,
    load_demo,
    with_demo_keys,
)
from command_center.demo_plans import WRITES as PLAN_WRITES
from command_center.org import auth
from command_center.org.auth import add_user, authenticate
from command_center.org.scope import people_edges, scope_for
from command_center.plugins import PluginHost
from command_center.types import DemoContext

AS_OF = dt.date(2025, 11, 27)
SEED = 7
SMALL = SCALES["small"]
TABLES = {
    "people": (Person, "person_id"),
    "customers": (Customer, "customer_id"),
    "orders": (OrderLine, "order_id"),
    "targets": (Target, "target_id"),
    "products": (Product, "product_id"),
    "price_lists": (PriceList, "price_list_id"),
    "price_list_items": (PriceListItem, "price_list_id, product_id"),
}


def core_host(**kwargs: Any) -> PluginHost:
    """Only the core (plus ``extra``): other plugins' demo data stay out of these tests."""
    return PluginHost(entry_points=False, builtins=(), **kwargs)


def new_engine(folder: Path, name: str = "demo.db") -> Engine:
    engine = create_db_engine(f"sqlite:///{folder / name}")
    upgrade(engine, PluginHost(entry_points=False))
    return engine


@pytest.fixture(scope="module", autouse=True)
def cheap_hashes() -> Iterator[None]:
    """Argon2 at its lowest cost: six users per load, many loads in this module."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
        yield


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = new_engine(tmp_path)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, dict[str, int]]]:
    """The small demo, loaded once for the read-only checks."""
    engine = new_engine(tmp_path_factory.mktemp("demo"))
    counts = load_demo(engine, core_host(), scale="small", seed=SEED, as_of=AS_OF)
    yield engine, counts
    engine.dispose()


def read(engine: Engine, key: str) -> pl.DataFrame:
    """A core table as a typed frame, in key order."""
    model, pk = TABLES[key]
    columns = list(model.__table__.columns)
    with engine.connect() as conn:
        rows = conn.execute(select(*columns).order_by(text(pk))).all()
    names = [c.name for c in columns]
    return pl.DataFrame(rows, schema=names, orient="row", infer_schema_length=None)


LEFT_TO_THE_DATABASE = {"credit_share": 1.0, "credit_group": None}
"""Ledger columns the generator leaves to their defaults (no demo line of the core is split)."""


def as_stored(key: str, frame: pl.DataFrame, stored: pl.DataFrame) -> pl.DataFrame:
    """A generated frame as the table stores it: demo keys, the defaulted columns."""
    made = with_demo_keys(key, frame)
    defaults = [
        pl.lit(value, dtype=stored.schema[name]).alias(name)
        for name, value in LEFT_TO_THE_DATABASE.items()
        if name in stored.columns and name not in made.columns
    ]
    return made.with_columns(defaults).select(stored.columns).cast(stored.schema)  # type: ignore[arg-type]


def core_rows(engine: Engine, key: str) -> pl.DataFrame:
    """``read`` without the leaders' target rows the demo's approved plans wrote
    (command_center.demo_plans): the rows :func:`generate` made."""
    stored = read(engine, key)
    if key != "targets":
        return stored
    reps = read(engine, "people").filter(pl.col("level") == "rep")["person_id"]
    return stored.filter(pl.col("person_id").is_in(reps.implode()))


def planned_rows(engine: Engine) -> int:
    """The target rows of the demo's approved plans: one per line and month."""
    with engine.connect() as conn:
        query = (
            select(func.count())
            .select_from(TargetPlanLine)
            .join(TargetPlan, TargetPlan.plan_id == TargetPlanLine.plan_id)
            .where(TargetPlan.state == "approved")
        )
        return int(conn.execute(query).scalar_one())


def count(engine: Engine, model: type) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(model)).scalar_one())


# -- shape ------------------------------------------------------------------------
def test_months_are_the_full_months_before_as_of() -> None:
    months = demo_months(dt.date(2025, 1, 15))
    assert len(months) == 24
    assert months[0] == dt.date(2023, 1, 1)
    assert months[-1] == dt.date(2024, 12, 1)


def test_small_counts(loaded: tuple[Engine, dict[str, int]]) -> None:
    engine, counts = loaded
    reps = read(engine, "people").filter(pl.col("level") == "rep").height
    counts = dict(counts)
    paid = counts.pop("payments")  # most lines paid (command_center.demo_payments)
    assert counts.pop("payment_credits") == paid  # no split line in the core's demo
    assert 0.9 * SMALL.order_lines < paid < 1.04 * SMALL.order_lines
    assert counts == {
        "people": SMALL.people,
        "customers": SMALL.customers,
        "orders": SMALL.order_lines,
        "targets": reps * 27 * 2,
        "products": 16,
        "price_lists": 1,
        "price_list_items": 8,
        "users": len(DEMO_LOGINS),
    }
    for key in TABLES:
        assert core_rows(engine, key).height == counts[key]
    assert count(engine, Target) == counts["targets"] + planned_rows(engine) > counts["targets"]
    assert count(engine, User) == len(DEMO_LOGINS)
    assert data_version(engine) == 1 + PLAN_WRITES  # one bump for the load, one per plan write


def test_org_tree(loaded: tuple[Engine, dict[str, int]]) -> None:
    people = read(loaded[0], "people")
    assert set(people["level"]) == set(LEVELS)
    assert set(people["status"]) <= {"active", "leave", "left"}
    director = people.filter(pl.col("level") == "director")
    assert director.height == 1 and director["manager_id"][0] is None
    boss = people.select(
        pl.col("person_id").alias("manager_id"),
        pl.col("level").alias("boss_level"),
        pl.col("region").alias("boss_region"),
    )
    below = people.filter(pl.col("level") != "director").join(boss, on="manager_id", how="left")
    one_up = {LEVELS[i]: LEVELS[i + 1] for i in range(len(LEVELS) - 1)}
    assert below["boss_level"].to_list() == [one_up[lv] for lv in below["level"]]
    # Supervisors and reps work in their manager's region; managers' regions differ.
    managers = people.filter(pl.col("level") == "manager")
    assert managers["region"].n_unique() == managers.height
    assert (
        below.filter(pl.col("level") != "manager")
        .select((pl.col("region") == pl.col("boss_region")).all())
        .item()
    )
    team = below.filter(pl.col("level") == "rep").group_by("manager_id").len()["len"]
    assert team.min() >= 5 and team.max() <= 13
    assert people["name"].str.len_chars().is_between(2, 3).all()


def test_customers_and_orders(loaded: tuple[Engine, dict[str, int]]) -> None:
    engine = loaded[0]
    people = read(engine, "people")
    customers = read(engine, "customers")
    orders = read(engine, "orders")
    months = demo_months(AS_OF)
    assert customers["name"].n_unique() == customers.height
    assert customers["name"].str.ends_with("公司").all()
    assert set(customers["size"]) == {"key_account", "smb", "prospect"}
    owners = customers.join(people, left_on="owner_id", right_on="person_id")
    assert (owners["level"] == "rep").all()
    assert (owners["region"] == owners["region_right"]).all()

    assert orders["order_id"].to_list() == list(range(1, SMALL.order_lines + 1))
    assert orders["order_date"].is_sorted()
    assert orders["order_date"].min() >= months[0]
    assert orders["order_date"].max() < AS_OF.replace(day=1)
    assert orders["order_date"].dt.truncate("1mo").n_unique() == 24
    assert (
        (orders["cost"] >= orders["revenue"] * 0.549)
        & (orders["cost"] <= orders["revenue"] * 0.801)
    ).all()
    first = orders.group_by("customer_id").agg(pl.col("order_date").min().alias("first"))
    joined = first.join(customers, on="customer_id")
    assert (joined["created_on"] < joined["first"]).all()
    assert (joined["size"] != "prospect").all()
    assert customers["created_on"].max() < AS_OF

    booked = orders.join(customers.select("customer_id", "owner_id"), on="customer_id")
    own_share = (booked["person_id"] == booked["owner_id"]).mean()
    assert own_share is not None and 0.9 < own_share < 1.0
    # Skewed: the top fifth of customers bring most of the revenue (ABC grading).
    by_customer = (
        orders.group_by("customer_id").agg(pl.col("revenue").sum()).sort("revenue", descending=True)
    )
    top = by_customer.head(customers.height // 5)["revenue"].sum()
    assert top / by_customer["revenue"].sum() > 0.6


def test_targets(loaded: tuple[Engine, dict[str, int]]) -> None:
    engine = loaded[0]
    people = read(engine, "people")
    targets = core_rows(engine, "targets")
    reps = people.filter(pl.col("level") == "rep")["person_id"]
    planned = read(engine, "targets").filter(~pl.col("person_id").is_in(reps.implode()))
    assert set(planned["period"]) == {f"{AS_OF.year}-{m:02d}" for m in range(1, 13)}
    assert set(planned["metric"]) == {"revenue"}  # the approved plans: leaders' months
    months = demo_months(AS_OF)
    periods = [m.strftime("%Y-%m") for m in months] + ["2025-11", "2025-12", "2026-01"]
    for metric in ("revenue", "new_customers"):
        rows = targets.filter(pl.col("metric") == metric)
        assert set(rows["person_id"]) == set(reps)
        per_rep = rows.group_by("person_id").agg(pl.col("period").sort())
        assert all(p == periods for p in per_rep["period"].to_list())
    new = targets.filter(pl.col("metric") == "new_customers")["target"]
    assert (new >= 1).all() and (new == new.round()).all()
    actual = (
        read(engine, "orders")
        .group_by("person_id", pl.col("order_date").dt.strftime("%Y-%m").alias("period"))
        .agg(pl.col("revenue").sum())
    )
    hits = targets.filter(pl.col("metric") == "revenue").join(actual, on=["person_id", "period"])
    rate = (hits["revenue"] >= hits["target"]).mean()
    assert rate is not None and 0.15 < rate < 0.85  # some hit, some miss


# -- determinism ---------------------------------------------------------------------
def test_same_seed_same_rows(tmp_path: Path, loaded: tuple[Engine, dict[str, int]]) -> None:
    other = new_engine(tmp_path, "again.db")
    try:
        load_demo(other, core_host(), scale="small", seed=SEED, as_of=AS_OF)
        for key in TABLES:
            assert read(other, key).equals(read(loaded[0], key)), key
    finally:
        other.dispose()


def test_stored_rows_are_the_generated_rows(loaded: tuple[Engine, dict[str, int]]) -> None:
    data = generate("small", SEED, AS_OF)
    for key in TABLES:
        stored = core_rows(loaded[0], key)
        assert stored.equals(as_stored(key, getattr(data, key), stored)), key


def test_other_seed_other_rows() -> None:
    a, b = generate("small", 1, AS_OF), generate("small", 2, AS_OF)
    assert not a.orders.equals(b.orders)
    assert not a.people.equals(b.people)
    assert generate("small", 1, AS_OF).orders.equals(a.orders)


# -- users -------------------------------------------------------------------------
def test_demo_users_sign_in_along_one_chain(loaded: tuple[Engine, dict[str, int]]) -> None:
    engine = loaded[0]
    signed = {login: authenticate(engine, login, DEMO_PASSWORD) for login in DEMO_LOGINS}
    assert {login: s.role for login, s in signed.items()} == DEMO_LOGINS
    assert signed["admin"].person_id is None
    edges = people_edges(engine)
    person = {login: s.person_id for login, s in signed.items()}
    assert edges[person["director"]] is None
    assert edges[person["manager"]] == person["director"]
    assert edges[person["supervisor"]] == person["manager"]
    assert edges[person["rep"]] == person["supervisor"]
    assert edges[person["rep2"]] != person["supervisor"]
    team = scope_for("supervisor", person["supervisor"], edges)
    assert team is not None and person["rep"] in team and person["rep2"] not in team
    people = read(engine, "people").filter(pl.col("person_id").is_in(list(person.values())))
    assert (people["status"] == "active").all()


# -- reset, if_empty, all or nothing -----------------------------------------------------
def test_refuses_a_loaded_database_without_reset(engine: Engine) -> None:
    host = core_host()
    assert is_empty(engine)
    load_demo(engine, host, seed=SEED, as_of=AS_OF)
    assert not is_empty(engine)
    with pytest.raises(ValueError, match="use --reset"):
        load_demo(engine, host, seed=SEED, as_of=AS_OF)

    skipped = load_demo(engine, host, seed=SEED, as_of=AS_OF, if_empty=True)
    assert set(skipped.values()) == {0}
    assert data_version(engine) == 1 + PLAN_WRITES

    before = read(engine, "orders")
    counts = load_demo(engine, host, seed=SEED + 1, as_of=AS_OF, reset=True)
    assert counts["people"] == SMALL.people and counts["users"] == len(DEMO_LOGINS)
    assert count(engine, User) == len(DEMO_LOGINS)
    assert count(engine, OrderLine) == SMALL.order_lines
    assert not read(engine, "orders").equals(before)
    assert data_version(engine) == 2 * (1 + PLAN_WRITES)  # survives a reset and moves on


def test_if_empty_loads_an_empty_database(engine: Engine) -> None:
    counts = load_demo(engine, core_host(), seed=SEED, as_of=AS_OF, if_empty=True)
    assert counts["orders"] == SMALL.order_lines


def test_an_existing_login_is_kept(engine: Engine) -> None:
    with write_session(engine) as session:
        add_user(session, "admin", "an-own-password", "admin")
    counts = load_demo(engine, core_host(), seed=SEED, as_of=AS_OF)
    assert counts["users"] == len(DEMO_LOGINS) - 1
    assert authenticate(engine, "admin", "an-own-password").role == "admin"
    assert authenticate(engine, "rep", DEMO_PASSWORD).role == "rep"


def test_a_failure_leaves_the_database_as_it_was(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*_args: object) -> int:
        raise RuntimeError("boom")

    host = core_host()
    with monkeypatch.context() as patch:
        patch.setattr(demo, "_store_users", boom)
        with pytest.raises(RuntimeError, match="boom"):
            load_demo(engine, host, seed=SEED, as_of=AS_OF)
    assert is_empty(engine)
    assert count(engine, OrderLine) == 0
    assert data_version(engine) == 0

    load_demo(engine, host, seed=SEED, as_of=AS_OF)
    before = {key: read(engine, key) for key in TABLES}
    with monkeypatch.context() as patch:
        patch.setattr(demo, "_store_users", boom)
        with pytest.raises(RuntimeError, match="boom"):
            load_demo(engine, host, seed=SEED + 1, as_of=AS_OF, reset=True)
    for key, frame in before.items():
        assert read(engine, key).equals(frame), key
    assert count(engine, User) == len(DEMO_LOGINS)
    assert data_version(engine) == 1 + PLAN_WRITES


def test_broken_references_are_refused(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    real = demo.generate

    def broken(*args: Any) -> demo.DemoData:
        data = real(*args)
        data.orders = data.orders.with_columns(
            pl.when(pl.col("order_id") == 5)
            .then(10**6)
            .otherwise("customer_id")
            .alias("customer_id")
        )
        return data

    monkeypatch.setattr(demo, "generate", broken)
    with pytest.raises(RuntimeError, match="foreign key"):
        load_demo(engine, core_host(), seed=SEED, as_of=AS_OF)
    assert is_empty(engine) and data_version(engine) == 0
    with engine.connect() as conn:  # the pooled connection enforces foreign keys again
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1


def test_unknown_scale(engine: Engine) -> None:
    with pytest.raises(ValueError, match="unknown scale"):
        load_demo(engine, core_host(), scale="huge")


def test_every_backend_stores_the_generated_rows(
    empty_db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite and (with COMMAND_CENTER_TEST_PG_URL) PostgreSQL: COPY, reset, rollback."""
    engine = empty_db.engine
    host = core_host()
    load_demo(engine, host, seed=SEED, as_of=AS_OF)
    data = generate("small", SEED, AS_OF)
    for key in TABLES:
        stored = core_rows(engine, key)
        assert stored.equals(as_stored(key, getattr(data, key), stored)), key
    assert authenticate(engine, "rep", DEMO_PASSWORD).person_id == data.logins["rep"]
    version = data_version(engine)
    monkeypatch.setattr(demo, "_store_users", lambda *_args: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        load_demo(engine, host, seed=SEED + 1, as_of=AS_OF, reset=True)
    stored = read(engine, "orders")
    assert stored.equals(as_stored("orders", data.orders, stored))
    assert data_version(engine) == version


# -- plugins -----------------------------------------------------------------------
class Recorder:
    def __init__(self) -> None:
        self.contexts: list[DemoContext] = []

    @hookimpl
    def seed_demo(self, ctx: DemoContext) -> None:
        assert not is_empty(ctx.engine)  # the core rows are committed already
        self.contexts.append(ctx)


class Broken:
    @hookimpl
    def seed_demo(self, ctx: DemoContext) -> None:
        raise RuntimeError("no demo today")


def test_every_plugin_seeds_with_its_own_rng(engine: Engine) -> None:
    first, second = Recorder(), Recorder()
    host = core_host(extra=[("first", first), ("broken", Broken()), ("second", second)])
    messages: list[str] = []
    counts = load_demo(engine, host, seed=SEED, as_of=AS_OF, progress=messages.append)
    assert counts["orders"] == SMALL.order_lines
    assert host.infos["broken"].hook_errors["seed_demo"] == "RuntimeError: no demo today"
    assert any("broken" in m and "no demo today" in m for m in messages)
    (a,), (b,) = first.contexts, second.contexts
    assert a.rng.random() == random.Random(f"{SEED}:first").random()
    assert b.rng.random() == random.Random(f"{SEED}:second").random()
    assert a.people.height == SMALL.people and a.customers.height == SMALL.customers
    assert a.months == demo_months(AS_OF) and a.as_of == AS_OF and a.scale == "small"


# -- bulk insert -------------------------------------------------------------------
def test_bulk_insert_round_trips_types(tmp_path: Path) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'bulk.db'}")
    metadata = MetaData()
    table = Table(
        "things",
        metadata,
        Column("thing_id", Integer, primary_key=True),
        Column("name", String(20), nullable=True),
        Column("day", Date),
        Column("at", DateTime),
        Column("flag", Boolean),
        Column("amount", Float),
    )
    metadata.create_all(engine)
    frame = pl.DataFrame(
        {
            "thing_id": [1, 2, 3],
            "name": ["甲", "", None],
            "day": [dt.date(2024, 2, 29), dt.date(2025, 1, 1), dt.date(1999, 12, 31)],
            "at": [dt.datetime(2024, 2, 29, 13, 5, 7, 123456), dt.datetime(2025, 1, 1), None],
            "flag": [True, False, None],
            "amount": [0.1, 1e12 / 3, -2.5],
        }
    )
    assert bulk_insert(engine, table, frame, chunk=2) == 3
    with engine.connect() as conn:
        rows = conn.execute(select(table).order_by(table.c.thing_id)).all()
    assert [tuple(r) for r in rows] == frame.rows()
    with pytest.raises(ValueError, match="no column"):
        bulk_insert(engine, table, pl.DataFrame({"nope": [1]}))
    engine.dispose()


def test_bulk_insert_rebuilds_indexes_and_rolls_back(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "REBUILD_INDEXES_FROM", 1)
    data = generate("small", SEED, AS_OF)
    table = Person.__table__

    def indexes() -> set[str]:
        with engine.connect() as conn:
            sql = "SELECT name FROM sqlite_master WHERE type='index' AND tbl_name='people'"
            return set(conn.exec_driver_sql(sql).scalars())

    before = indexes()
    assert "ix_people_manager_id" in before
    with pytest.raises(RuntimeError), engine.begin() as conn:
        bulk_insert(conn, table, data.people)  # type: ignore[arg-type]
        raise RuntimeError("roll back")
    assert indexes() == before and is_empty(engine)
    assert bulk_insert(engine, table, data.people) == SMALL.people  # type: ignore[arg-type]
    assert indexes() == before and count(engine, Person) == SMALL.people
