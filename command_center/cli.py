"""The ``command-center`` command. Command names are pinned: scripts use them.

Every command runs as the operator (the machine's owner: everyone, every
command) unless ``--user LOGIN`` (or ``COMMAND_CENTER_USER``) is given; then
the user signs in before anything runs (password asked, or read from
``COMMAND_CENTER_PASSWORD``) and the app's rules apply: reads limited to the
user's scope, writes to their role and scope (imports through the same runner
as the Data page), user and system commands to admins.

Database trouble (an uninitialised database, an unreachable server, a lock
held past the busy timeout) is one translated line on stderr, never a traceback.

Plugins add their commands through the ``register_cli`` hook, which returns
Typer apps; :func:`build_app` mounts them (one group per plugin, named after
it, e.g. ``command-center pipeline stalled``; pinned top-level names such as
``abc`` and ``pool release`` stay as they were).
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, Any, NoReturn

import polars as pl
import typer
import typer.core
from click import Context
from sqlalchemy import Engine, event
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from typer.main import get_command_name
from typer.models import DefaultPlaceholder

from command_center import runtime
from command_center.i18n import t
from command_center.io.validate import visible
from command_center.keys import Kind
from command_center.org.scope import OPERATOR, Viewer
from command_center.plugins import PluginHost

ADMIN = frozenset({"admin"})
"""Roles that may run the system commands (users, init, demo, backup, restore)."""
NO_DATABASE = frozenset({"new-plugin", "run"})
"""Commands that do not open the database themselves (unless ``--user`` asks to sign in)."""
MAY_BE_UNINITIALISED = frozenset({"init", "demo", "restore", "plugins"})
"""Commands that work on a database without the schema (they create it or need none)."""
BUSY_TIMEOUT_ENV = "COMMAND_CENTER_BUSY_TIMEOUT"
"""Seconds a SQLite write waits for another writer's lock (the engine's own: 30)."""
DEFAULT_BUSY_SECONDS = 30.0
HELP_ONLY = "command_center.help_only"
"""Set in the context's meta when the command line only asks for help."""


class _GuardedGroup(typer.core.TyperGroup):
    """The command group: database errors become one translated line, exit code 1."""

    def invoke(self, ctx: Context) -> Any:
        rest = [*ctx._protected_args, *ctx.args]
        command = self.get_command(ctx, rest[0]) if rest else None
        # Help (asked for, or a group named alone) needs no database.
        ctx.meta[HELP_ONLY] = "--help" in rest or (len(rest) == 1 and hasattr(command, "commands"))
        try:
            return super().invoke(ctx)
        except DBAPIError as exc:
            typer.echo(database_problem(exc), err=True)
            raise typer.Exit(1) from None
        except (ArgumentError, NoSuchModuleError) as exc:  # COMMAND_CENTER_DB_URL itself
            typer.echo(t("cli_user.bad_url", error=str(exc).splitlines()[0]), err=True)
            raise typer.Exit(1) from None


app = typer.Typer(
    name="command-center",
    help="Sales Command Center: set up, load data, import/export, run the app.",
    no_args_is_help=True,
    add_completion=False,
    cls=_GuardedGroup,
    pretty_exceptions_show_locals=False,  # locals may hold a password
)
users_app = typer.Typer(help="Manage users (logins).", no_args_is_help=True)
app.add_typer(users_app, name="users")
notify_app = typer.Typer(help="The daily e-mail digest.", no_args_is_help=True)
app.add_typer(notify_app, name="notify")


@app.callback()
def _main(
    ctx: typer.Context,
    user: Annotated[
        str | None,
        typer.Option(
            "--user",
            envvar="COMMAND_CENTER_USER",
            help="Run as this login: its password is checked first, then its role and scope apply.",
        ),
    ] = None,
) -> None:
    runtime.cli().viewer = None
    command = ctx.invoked_subcommand
    if command is None or ctx.resilient_parsing or (command in NO_DATABASE and not user):
        return
    if ctx.meta.get(HELP_ONLY) and not user:
        return
    engine = _prepared_engine()
    if user or command not in MAY_BE_UNINITIALISED:
        _require_schema(engine)
    if user:  # before anything runs: a wrong password stops here
        runtime.cli().viewer = _sign_in(engine, user)


def _prepared_engine() -> Engine:
    """The engine, reachable (checked now), with the CLI's busy timeout on SQLite."""
    engine = runtime.engine()
    busy_seconds()  # a bad value fails before anything runs
    wanted = engine.dialect.name == "sqlite" and bool(os.environ.get(BUSY_TIMEOUT_ENV))
    if wanted and not event.contains(engine, "checkout", _busy_timeout):
        event.listen(engine, "checkout", _busy_timeout)
    with engine.connect():
        pass
    return engine


def busy_seconds() -> float:
    """How long a write waits for a lock (``COMMAND_CENTER_BUSY_TIMEOUT``, seconds)."""
    raw = os.environ.get(BUSY_TIMEOUT_ENV, "")
    try:
        return max(0.0, float(raw)) if raw else DEFAULT_BUSY_SECONDS
    except ValueError:
        fail(t("cli_user.bad_busy_timeout", name=BUSY_TIMEOUT_ENV, value=raw))


def _busy_timeout(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={int(busy_seconds() * 1000)}")
    cursor.close()


def _require_schema(engine: Engine) -> None:
    """Fail with one line unless the database is initialised and up to date."""
    from sqlalchemy import inspect

    if not inspect(engine).has_table("users"):
        fail(t("cli_user.db_uninitialised", url=_shown_url(engine)))
    behind = runtime.schema_behind()
    if behind:
        fail(t("cli_user.db_behind", url=_shown_url(engine), owners=", ".join(behind)))


def _shown_url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def database_problem(exc: DBAPIError) -> str:
    """One translated line for a database error (no traceback)."""
    original = exc.orig if exc.orig is not None else exc
    text = (
        str(original).strip().splitlines()[0] if str(original).strip() else type(original).__name__
    )
    lowered = text.lower()
    try:
        engine = runtime.engine()
        url, dialect = _shown_url(engine), engine.dialect.name
    except Exception:  # the URL itself is broken: say what the driver said
        url, dialect = "?", ""
    if "database is locked" in lowered or "database table is locked" in lowered:
        return t("cli_user.db_locked", url=url, seconds=f"{busy_seconds():g}")
    if "no such table" in lowered or getattr(original, "sqlstate", None) == "42P01":
        return t("cli_user.db_uninitialised", url=url)
    if dialect == "postgresql" and getattr(original, "sqlstate", None) is None:
        return t("cli_user.pg_unreachable", url=url, error=text)
    if "unable to open database file" in lowered:
        return t("cli_user.db_unopenable", url=url)
    return t("cli_user.db_error", url=url, error=text)


def _sign_in(engine: Engine, login: str) -> Viewer:
    from command_center.org.auth import AuthError, authenticate, viewer_for

    password = os.environ.get("COMMAND_CENTER_PASSWORD") or getpass.getpass(
        t("cli.password_for", login=login)
    )
    try:
        signed_in = authenticate(engine, login, password)
    except AuthError as exc:
        fail(t(exc.code, **exc.params))
    return viewer_for(engine, signed_in)


def current_viewer() -> Viewer:
    """The viewer for this command: the operator, or the ``--user`` after sign-in."""
    return runtime.cli().viewer or OPERATOR


def require_role(roles: frozenset[str], command: str) -> Viewer:
    """The viewer, if the operator or one of ``roles``; otherwise fail with one line."""
    viewer = current_viewer()
    if viewer is not OPERATOR and viewer.role not in roles:
        fail(t("cli_user.command_refused", command=command, role=viewer.role))
    return viewer


def fail(message: str, code: int = 1) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def id_for_key(kind: Kind, key: str) -> int:
    """The id behind the key a command line names (``--person E-2031``, ``--team 00417``);
    an unknown key fails with one line. Command lines speak keys, never ids."""
    from command_center.keys import UnknownKey, id_of

    try:
        return id_of(runtime.engine(), kind, key)
    except UnknownKey as exc:
        fail(t(f"keys.unknown_{kind}", key=visible(exc.key)))


def keyed(frame: pl.DataFrame, columns: Mapping[str, Kind] | None = None) -> pl.DataFrame:
    """``frame`` for printing: its id columns (``person_id``, ``customer_id``, ``order_id``,
    ``owner_id``, ``manager_id``, or ``columns``) as the external keys."""
    from command_center.keys import STANDARD_COLUMNS, with_keys

    return with_keys(runtime.engine(), frame, STANDARD_COLUMNS if columns is None else columns)


@app.command()
def init() -> None:
    """Create the database or upgrade its schema (idempotent)."""
    from command_center.db.migrate import current_heads, upgrade

    require_role(ADMIN, "init")
    engine = runtime.engine()
    upgrade(engine, runtime.host())
    heads = ", ".join(sorted(current_heads(engine)))
    typer.echo(t("cli.init_done", url=engine.url.render_as_string(hide_password=True), heads=heads))


@app.command()
def demo(
    scale: Annotated[str, typer.Option(help="small | medium | large")] = "small",
    seed: Annotated[int, typer.Option(help="Same seed, same data.")] = 7,
    reset: Annotated[bool, typer.Option("--reset", help="Delete all data first.")] = False,
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Load only into an empty database.")
    ] = False,
    as_of: Annotated[str | None, typer.Option(help="YYYY-MM-DD; default today.")] = None,
) -> None:
    """Load deterministic demo data (Chinese names and regions)."""
    from command_center.db.migrate import upgrade
    from command_center.demo import DEMO_LOGINS, DEMO_PASSWORD, SCALES, is_empty, load_demo

    require_role(ADMIN, "demo")
    if scale not in SCALES:
        fail(t("cli.bad_scale", scale=scale, scales=", ".join(SCALES)))
    engine = runtime.engine()
    upgrade(engine, runtime.host())
    if if_empty and not is_empty(engine):
        typer.echo(t("cli.demo_skipped"))
        return
    day = _parse_date(as_of) if as_of else None
    try:
        counts = load_demo(
            engine,
            runtime.host(),
            scale=scale,
            seed=seed,
            as_of=day,
            reset=reset,
            progress=lambda msg: typer.echo(f"  {msg}"),
        )
    except ValueError as exc:
        fail(str(exc))
    typer.echo(t("cli.demo_done", counts=", ".join(f"{k} {v:,}" for k, v in counts.items())))
    typer.echo(t("cli.demo_logins", logins=", ".join(DEMO_LOGINS), password=DEMO_PASSWORD))


@app.command("rebuild-summaries")
def rebuild_summaries(
    check: Annotated[
        bool, typer.Option("--check", help="Only compare them with the ledger; change nothing.")
    ] = False,
) -> None:
    """Recompute the ledger summaries (per person / customer and month) from the order lines."""
    from command_center import cash
    from command_center.db import frames, summaries
    from command_center.db.audit import audit
    from command_center.db.engine import touch, write_session

    viewer = current_viewer()
    if viewer is not OPERATOR and viewer.role not in ("director", "admin"):
        fail(t("cli.summaries_refused", role=viewer.role))
    actor = viewer.login
    engine = runtime.engine()
    if check:
        bad = {name: frame.height for name, frame in summaries.differences(engine).items()}
        bad["collected_person_month"] = cash.differences(engine).height  # docs/collections.md
        for name, count in bad.items():
            typer.echo(t("cli.summaries_checked", table=name, count=count))
        if any(bad.values()):
            raise typer.Exit(1)
        return
    with write_session(engine) as session:
        counts = summaries.rebuild(session.connection())
        counts["collected_person_month"] = cash.rebuild(session.connection())
        touch(session, *summaries.SALES_TABLES, *cash.CASH_TABLES)  # their caches follow these
        audit(session, actor, "summaries_rebuilt", "summaries", "", **counts)
    frames.save_snapshots(engine)  # the app's next start loads these, not the tables
    for name, rows in counts.items():
        typer.echo(t("cli.summaries_rebuilt", table=name, rows=rows))


def _parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        fail(t("cli.bad_date", value=text))


@app.command()
def run(
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 8501,
    headless: Annotated[bool, typer.Option(help="Do not open a browser.")] = True,
    address: Annotated[
        str,
        typer.Option(
            "--address",
            envvar="COMMAND_CENTER_ADDRESS",
            help="Address to bind: 127.0.0.1 (this machine only) unless told otherwise; "
            "0.0.0.0 for every interface (put a TLS reverse proxy in front).",
        ),
    ] = "127.0.0.1",
) -> None:
    """Start the Streamlit app (bound to 127.0.0.1 unless --address says otherwise)."""
    script = Path(__file__).resolve().parent / "app.py"
    args = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.address",
        address,
        "--server.port",
        str(port),
        "--server.headless",
        "true" if headless else "false",
        "--browser.gatherUsageStats",
        "false",
    ]
    from command_center.allocator import configure

    configure(os.environ)  # the C allocator's settings, read when the new program starts
    os.execv(sys.executable, args)


@app.command()
def plugins(as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False) -> None:
    """List plugins with their source, state and errors."""
    infos = [info.as_dict() for info in runtime.host().plugins()]
    if as_json:
        typer.echo(json.dumps(infos, ensure_ascii=False, indent=2))
        return
    for info in infos:
        state = t("cli.enabled") if info["enabled"] else t("cli.disabled")
        line = f"{info['name']:<14} {info['version']:<10} {info['source']:<11} {state}"
        if info["error"]:
            line += f"  {t('cli.error')}: {info['error']}"
        typer.echo(line)


@users_app.command("add")
def users_add(
    login: str,
    role: Annotated[str, typer.Option(help="director | manager | supervisor | rep | admin")],
    person: Annotated[
        str | None, typer.Option(help="The key of the person this login signs in as (E-2031).")
    ] = None,
) -> None:
    """Add a user; the password is read from a prompt, or from stdin when piped."""
    from command_center.db.engine import write_session
    from command_center.org.auth import UserError, add_user

    actor = require_role(ADMIN, "users add").login
    if sys.stdin.isatty():
        password = getpass.getpass(t("cli.password_new"))
        if getpass.getpass(t("cli.password_repeat")) != password:
            fail(t("cli.password_mismatch"))
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    person_id = None if person is None else id_for_key("person", person)
    try:
        with write_session(runtime.engine()) as session:
            add_user(session, login, password, role, person_id, actor=actor)
    except UserError as exc:
        fail(str(exc))
    typer.echo(t("cli.user_added", login=login, role=role))


@users_app.command("list")
def users_list() -> None:
    """List users with role, person and lock state."""
    from sqlalchemy import select

    from command_center.db.engine import read_session
    from command_center.db.models import User
    from command_center.keys import keys_for

    require_role(ADMIN, "users list")
    with read_session(runtime.engine()) as session:
        users = list(session.scalars(select(User).order_by(User.login)))
        named = keys_for(session, "person", [u.person_id for u in users if u.person_id])
        for user in users:
            state = "active" if user.active else "inactive"
            if user.locked_until and user.locked_until > dt.datetime.now():
                state = "locked"
            person = named.get(user.person_id, "-") if user.person_id else "-"
            typer.echo(f"{user.login:<20} {user.role:<11} {visible(person):<8} {state}")


@notify_app.command("digest")
def notify_digest(
    day: Annotated[str | None, typer.Option("--date", help="YYYY-MM-DD; default today.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Send to users sent already.")] = False,
) -> None:
    """E-mail the day's digest to every user who asked for it (run daily, e.g. from cron)."""
    import smtplib

    from command_center.notifications import SmtpSettings, send_digests
    from command_center.settings import get_settings

    require_role(ADMIN, "notify digest")
    when = _parse_date(day) if day else dt.date.today()
    try:
        smtp = SmtpSettings.from_env()
    except ValueError as exc:
        fail(str(exc))
    if smtp is None:
        fail(t("notify.cli_no_smtp"))
    lang = get_settings().language
    try:
        report = send_digests(runtime.host(), runtime.engine(), when, smtp, lang=lang, force=force)
    except (OSError, smtplib.SMTPException) as exc:
        fail(t("notify.cli_unreachable", host=smtp.host, port=smtp.port, error=str(exc)))
    typer.echo(t("notify.cli_sent", count=len(report.sent), day=when.isoformat()))
    if report.skipped:
        typer.echo(t("notify.cli_skipped", count=len(report.skipped)))
    for login, reason in report.failed.items():
        typer.echo(t("notify.cli_failed", login=login, reason=reason), err=True)
    if report.failed:
        raise typer.Exit(1)


@app.command("import")
def import_(
    kind: str,
    file: Path,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check only; write nothing.")] = False,
) -> None:
    """Import a CSV or XLSX file, all or nothing; errors name file, row and column."""
    from command_center.io import ImportFailed, run_import
    from command_center.io.runner import ImportRefused

    viewer = current_viewer()

    def progress(fraction: float, message: str) -> None:
        typer.echo(f"  {fraction:6.1%}  {message}", err=True)

    try:
        report = run_import(
            runtime.engine(),
            runtime.host(),
            kind,
            file,
            dry_run=dry_run,
            progress=progress,
            viewer=None if viewer is OPERATOR else viewer,
        )
    except ImportRefused as exc:
        fail(str(exc))
    except ImportFailed as exc:
        for line in exc.errors:
            typer.echo(line, err=True)
        fail(t("cli.import_failed", file=str(file), count=exc.total))
    except (KeyError, ValueError, OSError) as exc:
        fail(str(exc))
    key = "cli.import_checked" if dry_run else "cli.import_done"
    typer.echo(
        t(key, file=str(file), rows=report.rows, inserted=report.inserted, updated=report.updated)
    )


@app.command("export")
def export(kind: str, file: Path) -> None:
    """Export a kind to CSV or XLSX (by the file's suffix), limited to your scope."""
    from command_center.io import run_export

    try:
        rows = run_export(runtime.engine(), runtime.host(), kind, file, current_viewer())
    except (KeyError, ValueError, OSError) as exc:
        fail(str(exc))
    typer.echo(t("cli.export_done", file=str(file), rows=rows))


@app.command("metrics")
def metrics(
    key: Annotated[
        str | None, typer.Argument(help="The metric (the same as --metric).", show_default=False)
    ] = None,
    period: Annotated[
        str | None,
        typer.Option(help="YYYY-MM-DD, YYYY-Www, YYYY-MM, YYYY-Qn or YYYY; default this month."),
    ] = None,
    metric: Annotated[
        str | None, typer.Option("--metric", help="One metric; default every metric.")
    ] = None,
    by: Annotated[str, typer.Option(help="team | person")] = "team",
    fmt: Annotated[str, typer.Option("--format", help="csv | table")] = "csv",
) -> None:
    """Metrics per team (leaders) or per person (reps) in your scope: value, target, attainment."""
    import polars as pl

    from command_center.metrics import UnknownMetric
    from command_center.notebook import metric_table
    from command_center.periods import containing, parse_period

    if fmt not in ("csv", "table"):
        fail(t("cli.bad_format", format=fmt, formats="csv, table"))
    label = period or containing(dt.date.today(), "month").label
    registry = runtime.registry()
    chosen = metric or key
    try:
        keys = (
            [chosen]
            if chosen is not None
            else [k for k in registry.metrics if registry.supports(k, parse_period(label))]
        )
        frames_ = [
            metric_table(runtime.engine(), registry, current_viewer(), k, label, by) for k in keys
        ]
    except UnknownMetric:
        fail(t("cli.unknown_metric", key=chosen, known=", ".join(sorted(registry.keys()))))
    except ValueError as exc:
        fail(str(exc))
    frame = pl.concat(frames_) if len(frames_) != 1 else frames_[0]
    if fmt == "csv":
        from command_center.io import csv_text

        sys.stdout.write(csv_text(frame))
        return
    from command_center.io import printable  # names stored by a form: no escapes to the terminal

    with pl.Config(tbl_rows=-1, tbl_cols=-1, tbl_hide_dataframe_shape=True, tbl_width_chars=200):
        typer.echo(str(printable(frame)))


@app.command("today")
def today(
    day: Annotated[str | None, typer.Option("--date", help="YYYY-MM-DD; default today.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="csv | table")] = "csv",
) -> None:
    """Your agenda for a day (with --user): yours and, for a leader, your team's, by due."""
    from command_center.agenda import NotInScope, agenda_frame, gather, person_viewer
    from command_center.org.scope import people_edges

    if fmt not in ("csv", "table"):
        fail(t("cli.bad_format", format=fmt, formats="csv, table"))
    when = _parse_date(day) if day else dt.date.today()
    engine = runtime.engine()
    try:
        viewer = person_viewer(current_viewer(), None, people_edges(engine))
    except NotInScope:
        fail(t("today.cli_needs_person"))
    frame = keyed(agenda_frame(gather(runtime.host(), engine, viewer, when)))
    if fmt == "csv":
        from command_center.io import csv_text

        sys.stdout.write(csv_text(frame))
        return
    import polars as pl

    from command_center.io import printable

    with pl.Config(tbl_rows=-1, tbl_cols=-1, tbl_hide_dataframe_shape=True, tbl_width_chars=200):
        typer.echo(str(printable(frame)))


@app.command("backup")
def backup_(
    file: Annotated[Path, typer.Argument(help="The backup file to write (must not exist).")],
) -> None:
    """Write a consistent copy of the database to FILE (a SQLite file) while the app runs."""
    from command_center.backup import BackupError, backup
    from command_center.db.audit import audit
    from command_center.db.engine import write_session

    actor = require_role(ADMIN, "backup").login
    engine = runtime.engine()
    try:
        report = backup(engine, runtime.host(), file)
    except BackupError as exc:
        fail(str(exc))
    with write_session(engine) as session:
        audit(session, actor, "backup", "database", "", file=str(file), rows=report.total)
    typer.echo(t("backup.done", file=str(file), tables=len(report.rows), rows=report.total))


@app.command("restore")
def restore_(
    file: Annotated[Path, typer.Argument(help="A file written by `command-center backup`.")],
) -> None:
    """Load a backup into the EMPTY database at COMMAND_CENTER_DB_URL (schema migrated first)."""
    from command_center.backup import BackupError, restore
    from command_center.db.audit import audit
    from command_center.db.engine import write_session

    actor = require_role(ADMIN, "restore").login
    engine = runtime.engine()
    try:
        report = restore(engine, runtime.host(), file)
    except BackupError as exc:
        fail(str(exc))
    with write_session(engine) as session:
        audit(session, actor, "restore", "database", "", file=str(file), rows=report.total)
    url = engine.url.render_as_string(hide_password=True)
    typer.echo(t("backup.restored", file=str(file), url=url, rows=report.total))


@app.command("new-plugin")
def new_plugin(
    name: str,
    directory: Annotated[
        Path | None, typer.Option("--dir", help="Where to write it (default: ./NAME).")
    ] = None,
    extends: Annotated[
        str | None,
        typer.Option("--extends", help="Also implement this module's own hook (incentives)."),
    ] = None,
) -> None:
    """Write an installable plugin package: page, metric, table, migration, demo, tests."""
    from command_center.scaffold import ScaffoldError, render_tree

    target = directory or Path.cwd() / name
    try:
        written = render_tree(name, target, extends)
    except ScaffoldError as exc:
        fail(str(exc))
    typer.echo(t("cli.plugin_written", name=name, path=str(target), files=len(written)))
    typer.echo(t("cli.plugin_next", path=str(target)))


# -- org changes (pinned: people move | leave | promote) ----------------------------------

people_app = typer.Typer(help="Org changes with an effective day: move, promote, leave.")
app.add_typer(people_app, name="people")
MAY_CHANGE_ORG = frozenset({"director", "manager"})
# The options the three commands share (their names and help are pinned).
PersonKey = Annotated[str, typer.Argument(help="The person's key.")]
EffectiveDay = Annotated[str, typer.Option("--effective", help="YYYY-MM-DD (today or before).")]
Reason = Annotated[str, typer.Option("--reason", help="Why (kept in the history).")]


def _org_change(change: Callable[[], Any], done: str) -> None:
    """Run an org change; a refusal is one translated line (exit 1)."""
    from command_center.org.changes import OrgChangeError

    try:
        change()
    except OrgChangeError as exc:
        fail(t(exc.code, **exc.params))
    typer.echo(done)


@people_app.command("move")
def people_move(
    person: PersonKey,
    to: Annotated[str, typer.Option("--to", help="The new manager's key.")],
    effective: EffectiveDay,
    reason: Reason = "",
) -> None:
    """PERSON reports to --to from --effective on (the past stays with the old team)."""
    from command_center.org.changes import move

    viewer = require_role(MAY_CHANGE_ORG, "people move")
    who, manager, day = (
        id_for_key("person", person),
        id_for_key("person", to),
        _parse_date(effective),
    )
    _org_change(
        lambda: move(runtime.engine(), viewer, who, manager, day, reason),
        t("org.cli.moved", person=person, manager=to, day=day.isoformat()),
    )


@people_app.command("promote")
def people_promote(
    person: PersonKey,
    level: Annotated[str, typer.Option("--level", help="rep | supervisor | manager | director")],
    effective: EffectiveDay,
    reason: Reason = "",
) -> None:
    """PERSON holds --level from --effective on (up or down)."""
    from command_center.org.changes import promote

    viewer = require_role(MAY_CHANGE_ORG, "people promote")
    who, day = id_for_key("person", person), _parse_date(effective)
    _org_change(
        lambda: promote(runtime.engine(), viewer, who, level, day, reason),
        t("org.cli.promoted", person=person, level=level, day=day.isoformat()),
    )


@people_app.command("leave")
def people_leave(
    person: PersonKey,
    effective: EffectiveDay,
    handover: Annotated[
        str | None, typer.Option("--handover", help="The colleague who takes over (a key).")
    ] = None,
    reason: Reason = "",
) -> None:
    """PERSON leaves on --effective: customers and open deals handed over, logins off, at once."""
    from command_center.org.changes import leave

    viewer = require_role(MAY_CHANGE_ORG, "people leave")
    who, day = id_for_key("person", person), _parse_date(effective)
    heir = id_for_key("person", handover) if handover is not None else None
    _org_change(
        lambda: leave(runtime.engine(), runtime.host(), viewer, who, day, heir, reason),
        t("org.cli.left", person=person, day=day.isoformat()),
    )


_CORE_COMMANDS = tuple(app.registered_commands)
_CORE_GROUPS = tuple(app.registered_groups)


def _name(value: object) -> str | None:
    return value.value if isinstance(value, DefaultPlaceholder) else value  # type: ignore[return-value]


def command_names(group: typer.Typer) -> list[str]:
    """The names of ``group``'s commands and groups (those of a group without a
    name count as ``group``'s own: Typer merges them)."""
    names = [
        _name(info.name) or get_command_name(info.callback.__name__)
        for info in group.registered_commands
        if info.callback is not None
    ]
    for info in group.registered_groups:
        if info.typer_instance is None:
            continue
        name = _name(info.name) or _name(info.typer_instance.info.name)
        names.extend([name] if name else command_names(info.typer_instance))
    return names


def top_level_names(sub: typer.Typer) -> list[str]:
    """The names ``sub`` takes at the top level of ``command-center`` when mounted:
    its own (a group), or those of its commands (a Typer without a name)."""
    own = _name(sub.info.name)
    return [own] if own else command_names(sub)


def mount_plugin_commands(host: PluginHost) -> None:
    """Put the core's commands on ``app``, then each plugin's ``register_cli`` answer.

    A name already taken (by the core, or by a plugin earlier in the call
    order) is refused and recorded as that plugin's ``register_cli`` error; so
    is an answer that is not a list of Typer apps.
    """
    app.registered_commands[:] = _CORE_COMMANDS
    app.registered_groups[:] = _CORE_GROUPS
    taken = dict.fromkeys(command_names(app), "core")
    for result in host.call("register_cli"):
        errors = host.infos[result.plugin].hook_errors
        subs = result.value if isinstance(result.value, (list, tuple)) else [result.value]
        for sub in subs:
            if not isinstance(sub, typer.Typer):
                errors["register_cli"] = f"TypeError: not a typer.Typer: {sub!r}"
                continue
            names = top_level_names(sub)
            clash = next((name for name in names if name in taken), None)
            if clash is not None:
                errors["register_cli"] = f"ValueError: {clash!r} is taken by {taken[clash]}"
                continue
            app.add_typer(sub)  # a name: a group; none: its commands at the top level
            taken.update(dict.fromkeys(names, result.plugin))


def build_app() -> typer.Typer:
    """The CLI with every plugin's commands mounted (again whenever the host changes)."""
    host = runtime.host()
    state = runtime.cli()
    if state.mounted_for is not host:
        mount_plugin_commands(host)
        state.mounted_for = host
    return app


def main() -> None:
    from command_center.i18n import set_language
    from command_center.settings import get_settings

    set_language(get_settings().language)
    build_app()(prog_name="command-center")


if __name__ == "__main__":
    main()
