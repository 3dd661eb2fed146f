"""Schema, migrations, data version and transactions."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, inspect, select, text

from command_center.db.base import Base
from command_center.db.engine import data_version, write_session
from command_center.db.migrate import current_heads, pending, upgrade
from command_center.db.models import Person
from tests.conftest import make_host


def test_init_is_idempotent(empty_db) -> None:
    host = make_host()
    before = current_heads(empty_db.engine)
    upgrade(empty_db.engine, host)
    assert current_heads(empty_db.engine) == before
    assert not pending(empty_db.engine, host)
    assert before == {"0018_core"}


def test_models_match_migrations(empty_db) -> None:
    """The tables of the core and of the host's plugins are exactly what migrations make."""
    host = make_host()
    core = {
        "people",
        "customers",
        "orders",
        "targets",
        "users",
        "audit_log",
        "meta",
        "plugin_settings",
        "published_facts",
        "order_refunds",
        "products",
        "price_lists",
        "price_list_items",
        "sales_person_month",
        "sales_customer_month",
        "notifications",
        "notification_digests",
        "org_history",
        "target_plans",
        "target_plan_lines",
        "payments",
        "payment_credits",
        "collected_person_month",
        "order_due",
    }
    owned = core | {cls.__tablename__ for tables in host.tables().values() for cls in tables}
    expected = MetaData()
    for table in Base.metadata.sorted_tables:  # other packages' models may be imported too
        if table.name in owned:
            table.to_metadata(expected)

    def include(obj, name, type_, reflected, compare_to) -> bool:
        return not (type_ == "table" and name.startswith("alembic_version"))

    with empty_db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": include})
        diff = compare_metadata(context, expected)
    assert diff == []


def test_upgrade_older_schema_in_place(tmp_path) -> None:
    from command_center.db.engine import get_engine

    engine = get_engine(f"sqlite:///{tmp_path}/old.db")
    host = make_host()
    upgrade(engine, host, "0001_core", plugins=False)
    assert "users" not in inspect(engine).get_table_names()
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO people (person_id, name, level, region, hire_date, status) "
                "VALUES (1, '总监', 'director', '华东', '2020-01-01', 'active')"
            )
        )
    upgrade(engine, host)
    assert {"users", "audit_log", "meta", "sample_visits"} <= set(inspect(engine).get_table_names())
    with engine.connect() as conn:
        assert conn.execute(text("SELECT name FROM people")).scalar() == "总监"


def test_sqlite_pragmas(tmp_path) -> None:
    from command_center.db.engine import get_engine

    engine = get_engine(f"sqlite:///{tmp_path}/p.db")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_write_bumps_version_and_failure_rolls_back(empty_db) -> None:
    engine = empty_db.engine
    v0 = data_version(engine)
    with write_session(engine) as session:
        session.add(Person(person_id=1, name="a", level="director", hire_date=dt.date(2020, 1, 1)))
    assert data_version(engine) == v0 + 1
    with pytest.raises(RuntimeError), write_session(engine) as session:
        session.add(
            Person(person_id=2, name="b", level="rep", manager_id=1, hire_date=dt.date(2020, 1, 1))
        )
        session.flush()
        raise RuntimeError("boom")
    with engine.connect() as conn:
        assert conn.execute(select(Person.person_id)).scalars().all() == [1]
    assert data_version(engine) == v0 + 1


def test_foreign_keys_enforced(empty_db) -> None:
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), write_session(empty_db.engine) as session:
        session.add(
            Person(
                person_id=9, name="x", level="rep", manager_id=12345, hire_date=dt.date(2020, 1, 1)
            )
        )


def test_disabled_plugin_keeps_its_tables_and_init_still_works(empty_db, monkeypatch) -> None:
    from command_center.plugins import PluginHost
    from command_center.settings import get_settings

    monkeypatch.setenv("COMMAND_CENTER_DISABLED_PLUGINS", "sample")
    host = PluginHost(get_settings(), entry_points=False)
    upgrade(empty_db.engine, host)  # the sample plugin's history is left alone
    assert not pending(empty_db.engine, host)
    assert "sample_visits" in inspect(empty_db.engine).get_table_names()


def test_fast_reads_see_every_committed_write(tmp_path) -> None:
    """connectorx (out of process for SQLite) never reads stale data or breaks locks."""
    from command_center.db import frames
    from command_center.db.engine import get_engine

    engine = get_engine(f"sqlite:///{tmp_path}/rw.db")
    upgrade(engine, make_host())
    for i in range(1, 30):
        with write_session(engine) as session:
            session.add(
                Person(person_id=i, name=f"p{i}", level="director", hire_date=dt.date(2020, 1, 1))
            )
        frames.clear_cache()
        assert frames.all_people(engine).height == i
    with engine.connect() as conn:  # the in-process SQLite still works
        assert conn.execute(text("SELECT COUNT(*) FROM people")).scalar() == 29


def test_the_worker_is_recycled_after_a_big_read(tmp_path, monkeypatch) -> None:
    """A big reply stops the SQLite worker (its memory goes with it); the next read works."""
    from command_center.db import cx_worker, frames
    from command_center.db.engine import get_engine

    engine = get_engine(f"sqlite:///{tmp_path}/big.db")
    upgrade(engine, make_host())
    frames.read_frame(engine, "SELECT 1 AS one")
    first = cx_worker._worker.proc
    assert first is not None and first.poll() is None
    monkeypatch.setattr(cx_worker, "RECYCLE_AFTER_BYTES", 10)
    assert frames.read_frame(engine, "SELECT 1 AS one")["one"].to_list() == [1]
    assert cx_worker._worker.proc is None and first.poll() is not None  # stopped
    monkeypatch.setattr(cx_worker, "RECYCLE_AFTER_BYTES", 1 << 40)
    assert frames.read_frame(engine, "SELECT 2 AS two")["two"].to_list() == [2]
    assert cx_worker._worker.proc is not None and cx_worker._worker.proc.pid != first.pid


def test_ddl_in_a_failed_write_is_rolled_back_too(empty_db) -> None:
    """SQLite: BEGIN is emitted by us, so DDL joins the transaction and rolls back."""
    with pytest.raises(RuntimeError), write_session(empty_db.engine) as session:
        session.execute(text("CREATE INDEX ix_tmp_people_name ON people (name)"))
        raise RuntimeError("boom")
    assert "ix_tmp_people_name" not in {
        ix["name"] for ix in inspect(empty_db.engine).get_indexes("people")
    }


def test_sign_in_does_not_invalidate_caches(empty_db) -> None:
    from command_center.org.auth import add_user, authenticate
    from tests.factories import load_small_org

    load_small_org(empty_db.engine)
    with write_session(empty_db.engine) as session:
        add_user(session, "rep4", "secret-pass", "rep", 4)
    version = data_version(empty_db.engine)
    authenticate(empty_db.engine, "rep4", "secret-pass")
    assert data_version(empty_db.engine) == version


def test_table_versions_keep_unrelated_caches(empty_db) -> None:
    """A write to targets keeps the cached ledger; orders or an unknown write drop it."""
    from command_center.db import frames
    from command_center.db.models import Target
    from command_center.ledger import NewLine, book_lines
    from tests.factories import load_small_org

    engine = empty_db.engine
    load_small_org(engine)
    ledger = frames.all_orders(engine)
    with write_session(engine) as session:
        session.add(Target(person_id=4, period="2026-12", metric="revenue", target=1.0))
    assert frames.all_orders(engine) is ledger  # same object: not re-read
    with write_session(engine) as session:
        book_lines(session, [NewLine(1, 4, dt.date(2026, 11, 3), 10.0)], "t", "test")
    fresh = frames.all_orders(engine)
    assert fresh is not ledger and fresh.height == ledger.height + 1
    with write_session(engine) as session:
        session.execute(text("UPDATE people SET region = '华南' WHERE person_id = 4"))
    assert frames.all_orders(engine) is not fresh  # unknown tables: every cache refreshes
