"""Issue 13, defects 1 and 7 (CLI part): every command honours ``--user``; database
trouble is one clear line; the app binds 127.0.0.1 unless told otherwise.

Writes go through the same runner as the app's Data page
(``command_center.io.run_import`` with the signed-in viewer), so the runner-level
tests below hold for the page too.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select
from typer.testing import CliRunner

from command_center import cli, runtime
from command_center.db.engine import read_session
from command_center.db.models import AuditEntry, Customer, OrderLine, Person, User
from command_center.io import ImportFailed, run_import
from command_center.io.runner import ImportRefused, importable_kinds
from command_center.keys import key_of
from command_center.org.auth import viewer_for
from command_center.org.scope import OPERATOR, Viewer
from command_center.testing import signed_in
from tests.conftest import BACKENDS, Db, _demo, _drop_db, _new_db, make_host, use_db

runner = CliRunner()
PASSWORD = {"COMMAND_CENTER_PASSWORD": "demo-pass-2026"}
WRONG = {"COMMAND_CENTER_PASSWORD": "not-the-password"}
ORDER_HEADER = "order_id,customer_id,person_id,order_date,revenue,cost\n"


@pytest.fixture(scope="module", params=BACKENDS)
def own_demo(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, pg_databases
) -> Iterator[Db]:
    """The small demo, this module's own: these tests write to it."""
    db = _demo(request.param, tmp_path_factory.mktemp("cli-user"), pg_databases)
    yield db
    _drop_db(db, pg_databases)


@pytest.fixture
def demo(own_demo: Db, monkeypatch: pytest.MonkeyPatch, app_env: None) -> Db:
    use_db(monkeypatch, own_demo)
    cli.build_app()
    return own_demo


def invoke(*args: str, env: dict[str, str] | None = None, input: str | None = None):
    return runner.invoke(cli.app, list(args), env=env, input=input)


def viewer(db: Db, login: str) -> Viewer:
    return viewer_for(db.engine, signed_in(db.engine, login))


def count(db: Db, statement) -> int:
    with read_session(db.engine) as session:
        return int(session.execute(statement).scalar_one())


def orders(db: Db) -> int:
    return count(db, select(func.count()).select_from(OrderLine))


def audits(db: Db, action: str) -> list[tuple[str, str]]:
    with read_session(db.engine) as session:
        query = select(AuditEntry.actor, AuditEntry.entity).where(AuditEntry.action == action)
        return [tuple(row) for row in session.execute(query).all()]


def stored_order(db: Db, inside: bool, who: Viewer) -> tuple[str, str, str]:
    """The keys (order, customer, person) of an order inside or outside ``who``'s scope,
    as a file names them."""
    assert who.person_ids is not None
    with read_session(db.engine) as session:
        column = OrderLine.person_id
        where = column.in_(who.person_ids) if inside else column.not_in(who.person_ids)
        query = (
            select(OrderLine.order_key, Customer.customer_key, Person.person_key)
            .join(Customer, Customer.customer_id == OrderLine.customer_id)
            .join(Person, Person.person_id == OrderLine.person_id)
            .where(where)
            .limit(1)
        )
        return tuple(session.execute(query).one())  # type: ignore[return-value]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# -- sign-in before anything runs ------------------------------------------------


def test_wrong_password_is_refused_before_the_import_runs(demo: Db, tmp_path: Path) -> None:
    before, imports = orders(demo), len(audits(demo, "import"))
    _, customer_id, person_id = stored_order(demo, True, viewer(demo, "rep"))
    path = write(
        tmp_path / "o.csv", ORDER_HEADER + f"990001,{customer_id},{person_id},2026-10-01,10,1\n"
    )
    result = invoke("--user", "rep", "import", "orders", str(path), env=WRONG)
    assert result.exit_code != 0
    assert "Wrong login or password" in result.output
    assert "imported" not in result.output
    assert orders(demo) == before and len(audits(demo, "import")) == imports


@pytest.mark.parametrize("command", [("users", "list"), ("plugins",), ("metrics", "revenue")])
def test_every_command_signs_in_first(demo: Db, command: tuple[str, ...]) -> None:
    result = invoke("--user", "director", *command, env=WRONG)
    assert result.exit_code != 0 and "Wrong login or password" in result.output


# -- roles: imports ----------------------------------------------------------------


def test_rep_cannot_import_orders(demo: Db, tmp_path: Path) -> None:
    _, customer_id, person_id = stored_order(demo, True, viewer(demo, "rep"))
    path = write(
        tmp_path / "o.csv", ORDER_HEADER + f"990002,{customer_id},{person_id},2026-10-01,10,1\n"
    )
    before = orders(demo)
    result = invoke("--user", "rep", "import", "orders", str(path), env=PASSWORD)
    assert result.exit_code != 0
    assert "rep may not import orders" in result.output
    assert orders(demo) == before


def test_admin_cannot_import_business_rows_and_learns_nothing(demo: Db, tmp_path: Path) -> None:
    order_id, *_ = stored_order(demo, True, viewer(demo, "supervisor"))
    path = write(
        tmp_path / "r.csv",
        f"refund_id,order_id,refund_date,amount,reason\n990003,{order_id},2026-10-02,1e11,x\n",
    )
    for kind, file in (("refunds", path), ("orders", path)):
        result = invoke("--user", "admin", "import", kind, str(file), env=PASSWORD)
        assert result.exit_code != 0
        assert f"admin may not import {kind}" in result.output
        assert "exceed" not in result.output and "revenue" not in result.output


def test_refund_errors_never_quote_orders_outside_scope(demo: Db, tmp_path: Path) -> None:
    """Refunds name no person: only a whole-force caller may import them, so the
    revenue check ("refunds on order N exceed its revenue …") never runs for others."""
    sup = viewer(demo, "supervisor")
    order_id, *_ = stored_order(demo, False, sup)
    path = write(
        tmp_path / "r.csv",
        f"refund_id,order_id,refund_date,amount,reason\n990004,{order_id},2026-10-02,1e11,x\n",
    )
    result = invoke("--user", "supervisor", "import", "refunds", str(path), env=PASSWORD)
    assert result.exit_code != 0
    assert "only someone who sees the whole force" in result.output
    assert "exceed" not in result.output
    # the director sees everything, so the same file gets the full check
    result = invoke("--user", "director", "import", "refunds", str(path), env=PASSWORD)
    assert result.exit_code != 0 and "exceed its revenue" in result.output


def test_supervisor_imports_only_rows_in_scope(demo: Db, tmp_path: Path) -> None:
    sup = viewer(demo, "supervisor")
    _, customer_id, mine = stored_order(demo, True, sup)
    theirs_id, their_customer, theirs = stored_order(demo, False, sup)
    bad = write(
        tmp_path / "bad.csv",
        ORDER_HEADER
        + f"990005,{customer_id},{mine},2026-10-01,10,1\n"
        + f"990006,{customer_id},{theirs},2026-10-01,10,1\n"
        + f"{theirs_id},{their_customer},{mine},2026-10-01,1e11,1\n",
    )
    before = orders(demo)
    result = invoke("--user", "supervisor", "import", "orders", str(bad), env=PASSWORD)
    assert result.exit_code != 0
    assert f"{bad}:3: person_id: person {theirs} is outside your scope" in result.output
    assert f"{bad}:4: order_id: replaces a stored row outside your scope" in result.output
    assert f"{bad}:2:" not in result.output
    assert orders(demo) == before
    good = write(
        tmp_path / "good.csv", ORDER_HEADER + f"990005,{customer_id},{mine},2026-10-01,10,1\n"
    )
    result = invoke("--user", "supervisor", "import", "orders", str(good), env=PASSWORD)
    assert result.exit_code == 0, result.output
    assert orders(demo) == before + 1
    assert ("supervisor", "orders") in audits(demo, "import")


def test_scope_is_checked_before_the_kinds_own_checks(demo: Db, tmp_path: Path) -> None:
    """A value check that quotes stored rows must not run on rows outside scope."""
    sup = viewer(demo, "supervisor")
    *_, theirs = stored_order(demo, False, sup)
    path = write(tmp_path / "o.csv", ORDER_HEADER + f"990007,424242,{theirs},2026-10-01,10,1\n")
    with pytest.raises(ImportFailed) as caught:
        run_import(demo.engine, make_host(), "orders", path, viewer=sup)
    lines = "\n".join(caught.value.errors)
    assert "outside your scope" in lines and "unknown customer" not in lines
    fine = write(
        tmp_path / "f.csv",
        ORDER_HEADER
        + f"990007,424242,{key_of(demo.engine, 'person', sup.person_id)},2026-10-01,10,1\n",
    )
    with pytest.raises(ImportFailed) as caught:
        run_import(demo.engine, make_host(), "orders", fine, viewer=sup)
    assert "unknown customer '424242'" in "\n".join(caught.value.errors)


def test_runner_policy_is_what_the_data_page_offers(demo: Db) -> None:
    """The Data page and the CLI share ``run_import``; the kinds each role may import."""
    host = make_host()
    offered = {
        login: set(importable_kinds(host, viewer(demo, login))) for login in ("rep", "admin")
    }
    assert offered == {"rep": set(), "admin": set()}
    director = set(importable_kinds(host, viewer(demo, "director")))
    assert {"people", "customers", "orders", "targets", "refunds"} <= director
    supervisor = set(importable_kinds(host, viewer(demo, "supervisor")))
    assert {"orders", "customers", "targets"} <= supervisor and "refunds" not in supervisor
    from command_center.io import import_kinds

    assert set(importable_kinds(host, OPERATOR)) == set(import_kinds(host))


@pytest.mark.one_backend
@pytest.mark.parametrize("login", ["director", "supervisor", "rep", "admin"])
def test_the_data_page_offers_what_the_runner_allows(demo: Db, login: str) -> None:
    """The page's import form lists exactly the kinds the runner lets its user import
    (a supervisor imports within the team; an admin and a rep get no form)."""
    from command_center import testing as apptest

    at = apptest.open_page(apptest.start(demo.engine, login), "data")
    assert not at.exception
    allowed = set(importable_kinds(make_host(), viewer(demo, login)))
    forms = [box for box in at.selectbox if box.key == "import_kind"]
    if not allowed:
        assert forms == [] and login in ("rep", "admin")
        return
    (form,) = forms
    offered = {re.sub(r"^.*\((\w+)\)$", r"\1", str(option)) for option in form.options}
    assert offered == allowed
    assert ("refunds" in offered) == (login == "director")


@pytest.mark.parametrize("login", ["admin", "rep"])
def test_the_data_pages_call_is_held_to_its_user(demo: Db, tmp_path: Path, login: str) -> None:
    """The Data page calls ``run_import(..., actor=ctx.actor)``: a user's login never
    imports with more than that user's rights."""
    _, customer_id, person_id = stored_order(demo, True, viewer(demo, "rep"))
    path = write(
        tmp_path / "o.csv", ORDER_HEADER + f"990009,{customer_id},{person_id},2026-10-01,10,1\n"
    )
    before = orders(demo)
    with pytest.raises(ImportRefused, match=f"{login} may not import orders"):
        run_import(demo.engine, make_host(), "orders", path, actor=login)
    assert orders(demo) == before
    sup = viewer(demo, "supervisor")
    *_, theirs = stored_order(demo, False, sup)
    outside = write(
        tmp_path / "x.csv", ORDER_HEADER + f"990010,{customer_id},{theirs},2026-10-01,10,1\n"
    )
    with pytest.raises(ImportFailed, match="outside your scope"):
        run_import(demo.engine, make_host(), "orders", outside, actor="supervisor")


def test_runner_refuses_by_role_before_reading(demo: Db, tmp_path: Path) -> None:
    missing = tmp_path / "does-not-exist.csv"
    with pytest.raises(ImportRefused):
        run_import(demo.engine, make_host(), "orders", missing, viewer=viewer(demo, "rep"))


# -- roles: users and system commands ---------------------------------------------


def test_rep_cannot_add_or_list_users(demo: Db) -> None:
    args = ("users", "add", "evil", "--role", "director", "--person", "E00001")
    result = invoke("--user", "rep", *args, env=PASSWORD, input="a-long-password-1\n")
    assert result.exit_code != 0 and "not allowed for role rep" in result.output
    assert count(demo, select(func.count()).select_from(User).where(User.login == "evil")) == 0
    listed = invoke("--user", "rep", "users", "list", env=PASSWORD)
    assert listed.exit_code != 0 and "director" not in listed.output


@pytest.mark.parametrize("login", ["director", "manager"])
def test_only_admin_manages_users(demo: Db, login: str) -> None:
    result = invoke(
        "--user", login, "users", "add", f"x-{login}", "--role", "admin",
        env=PASSWORD, input="a-long-password-1\n",
    )  # fmt: skip
    assert result.exit_code != 0 and f"not allowed for role {login}" in result.output
    for command in (("init",), ("demo", "--if-empty")):
        refused = invoke("--user", login, *command, env=PASSWORD)
        assert refused.exit_code != 0 and "not allowed" in refused.output


def test_admin_adds_a_user_and_is_the_audited_actor(demo: Db) -> None:
    result = invoke(
        "--user", "admin", "users", "add", "newsup", "--role", "supervisor", "--person", "E00001",
        env=PASSWORD, input="a-long-password-1\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert ("admin", "user") in audits(demo, "user_added")
    assert "newsup" in invoke("--user", "admin", "users", "list", env=PASSWORD).output


def test_without_user_the_operator_runs_everything(demo: Db, tmp_path: Path) -> None:
    _, customer_id, person_id = stored_order(demo, True, viewer(demo, "rep"))
    path = write(
        tmp_path / "o.csv", ORDER_HEADER + f"990008,{customer_id},{person_id},2026-10-01,10,1\n"
    )
    result = invoke("import", "orders", str(path))
    assert result.exit_code == 0, result.output
    assert ("operator", "orders") in audits(demo, "import")
    assert invoke("users", "list").exit_code == 0


def table_counts(db: Db) -> dict[str, int]:
    from sqlalchemy import MetaData, Table

    with read_session(db.engine) as session:
        names = inspect(session.connection()).get_table_names()
        return {
            name: int(
                session.execute(
                    select(func.count()).select_from(Table(name, MetaData()))
                ).scalar_one()
            )
            for name in names
            if name != "audit_log"
        }


def write_commands(db: Db, folder: Path) -> list[tuple[str, ...]]:
    """Every command that writes, with arguments that would write for the operator."""
    from plugins.appraisal.models import Cycle

    with read_session(db.engine) as session:
        running = session.scalars(
            select(Cycle.cycle_id).where(Cycle.state == "in_progress")
        ).first()
    _, customer_id, person_id = stored_order(db, True, viewer(db, "rep"))
    orders = write(
        folder / "o.csv", ORDER_HEADER + f"990011,{customer_id},{person_id},2026-10-01,10,1\n"
    )
    plan = Path(__file__).resolve().parents[1] / "plugins/incentives/data/standard_rep.yaml"
    return [
        ("import", "orders", str(orders)),
        ("users", "add", "evil", "--role", "director", "--person", "E00001"),
        ("init",),
        ("demo", "--reset"),
        ("rebuild-summaries",),
        ("backup", str(folder / "x.backup")),
        ("restore", str(folder / "x.backup")),
        ("pool", "release"),
        ("commission", "settle", "--period", "2026-11"),
        ("commission", "load", str(plan), "--effective", "2026-12"),
        ("commission", "honours", "--period", "2026-10", "--publish"),
        ("appraisal", "move", str(running), "self_review"),
    ]


def test_a_rep_runs_no_write_command(demo: Db, tmp_path: Path) -> None:
    """Issue 13, defect 1: with ``--user rep`` every command that writes is refused
    and nothing changes (the sign-in's own audit entry aside)."""
    commands = write_commands(demo, tmp_path)
    before, actions = table_counts(demo), {a for (a,) in audit_actions(demo)}
    for command in commands:
        result = invoke("--user", "rep", *command, env=PASSWORD, input="a-long-password-1\n")
        assert result.exit_code != 0, (command, result.output)
        assert "Traceback" not in result.output, (command, result.output)
    assert table_counts(demo) == before
    assert {a for (a,) in audit_actions(demo)} - actions <= {"login"}
    assert not (tmp_path / "x.backup").exists()


def audit_actions(db: Db) -> list[tuple[str]]:
    with read_session(db.engine) as session:
        return [tuple(row) for row in session.execute(select(AuditEntry.action)).all()]


# -- database trouble: one line, no traceback ---------------------------------------


def one_clear_line(result) -> str:
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    return lines[0]


@pytest.mark.parametrize(
    "command", [("users", "list"), ("export", "orders", "x.csv"), ("metrics", "revenue")]
)
def test_uninitialised_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, app_env: None, command: tuple[str, ...]
) -> None:
    monkeypatch.setenv("COMMAND_CENTER_DB_URL", f"sqlite:///{tmp_path}/never-initialised.db")
    runtime.reset(make_host())
    cli.build_app()
    line = one_clear_line(invoke(*command))
    assert "not initialised" in line and "command-center init" in line
    line = one_clear_line(invoke("--user", "rep", *command, env=PASSWORD))
    assert "not initialised" in line


def test_unreachable_postgresql(monkeypatch: pytest.MonkeyPatch, app_env: None) -> None:
    monkeypatch.setenv("COMMAND_CENTER_DB_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    runtime.reset(make_host())
    cli.build_app()
    for command in (("users", "list"), ("init",)):
        line = one_clear_line(invoke(*command))
        assert line.startswith("Cannot reach PostgreSQL at postgresql+psycopg://nobody@127.0.0.1:1")


@pytest.mark.parametrize("url", ["not a url", "oracle+nodriver://x@y/z"])
def test_unusable_database_url(monkeypatch: pytest.MonkeyPatch, app_env: None, url: str) -> None:
    monkeypatch.setenv("COMMAND_CENTER_DB_URL", url)
    runtime.reset(make_host())
    cli.build_app()
    assert "is not a database URL" in one_clear_line(invoke("users", "list"))


def test_database_locked_after_the_busy_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, app_env: None
) -> None:
    db = _new_db("sqlite", tmp_path, None)
    try:
        use_db(monkeypatch, db)
        from command_center.db.migrate import upgrade

        upgrade(db.engine, runtime.host())
        cli.build_app()
        monkeypatch.setenv(cli.BUSY_TIMEOUT_ENV, "0.2")
        holder = sqlite3.connect(db.url.removeprefix("sqlite:///"), isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock
        try:
            result = invoke("users", "add", "late", "--role", "admin", input="a-long-password-1\n")
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        line = one_clear_line(result)
        assert "is locked by another writer (waited 0.2 s)" in line
        assert (
            invoke("users", "add", "late", "--role", "admin", input="a-long-password-1\n").exit_code
            == 0
        )
    finally:
        _drop_db(db, None)


# -- bind address ----------------------------------------------------------------------


def served_on(
    monkeypatch: pytest.MonkeyPatch, *args: str, env: dict[str, str] | None = None
) -> str:
    seen: list[list[str]] = []
    monkeypatch.setattr(cli.os, "execv", lambda _exe, argv: seen.append(list(argv)))
    result = invoke("run", *args, env=env)
    assert result.exit_code == 0, result.output
    argv = seen[0]
    return argv[argv.index("--server.address") + 1]


def test_app_binds_loopback_unless_told(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COMMAND_CENTER_ADDRESS", raising=False)
    assert served_on(monkeypatch) == "127.0.0.1"
    assert served_on(monkeypatch, "--address", "0.0.0.0") == "0.0.0.0"
    assert served_on(monkeypatch, env={"COMMAND_CENTER_ADDRESS": "10.1.2.3"}) == "10.1.2.3"
