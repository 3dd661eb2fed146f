"""``command-center customers abc|pool release``; the pinned top-level ``abc`` and
``pool release`` are the same commands (names and options pinned)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import polars as pl
import typer

from command_center import runtime
from command_center.cli import current_viewer, fail, keyed
from command_center.i18n import t
from command_center.io import csv_text, printable
from plugins.customers import settings as settings_mod
from plugins.customers.logic.abc import CSV_COLUMNS, parse_cutoffs
from plugins.customers.logic.grading import installed_rules
from plugins.customers.queries import book as book_q
from plugins.customers.queries.grades import scoped_grades

FORMATS = ("csv", "table")
RELEASE_ROLES = frozenset({"director", "admin"})


def _date(text: str | None) -> dt.date:
    if text is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        fail(t("customers.cli.bad_date", value=text))


def abc_table(graded: pl.DataFrame, names: dict[int, str]) -> str:
    """The graded customers as an aligned text table."""
    header = (
        f"{'#':>6}  {'customer_id':>11}  {'revenue':>16}  {'share':>8}  {'cum.':>8}  grade  name"
    )
    lines = [header]
    for rank, cid, revenue, share, cumulative, grade in graded.select(
        "rank", "customer_id", "revenue", "share", "cumulative_share", "grade"
    ).iter_rows():
        lines.append(
            f"{rank:>6}  {cid:>11}  {revenue:>16,.2f}  {share:>8.2%}  {cumulative:>8.2%}  "
            f"{grade:^5}  {names.get(cid, '')}"
        )
    return "\n".join(lines)


def abc_command(
    as_of: Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD; default today.")] = None,
    months: Annotated[
        int | None, typer.Option("--months", help="Window in months; default 12 (setting).")
    ] = None,
    cutoffs: Annotated[
        str | None, typer.Option("--cutoffs", help="a,b e.g. 0.8,0.95 (default: setting).")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="csv | table")] = "csv",
    rule: Annotated[
        str,
        typer.Option("--rule", help="Grading rule: abc (pinned, default) or one a plugin adds."),
    ] = "abc",
) -> None:
    """ABC grades of the customers in your scope, in rank order (pinned rule; --rule picks
    another installed grading rule)."""
    day = _date(as_of)
    if fmt not in FORMATS:
        fail(t("customers.cli.bad_format", value=fmt))
    rules = installed_rules()
    if rule not in rules:
        fail(t("customers.cli.bad_rule", value=rule, known=", ".join(rules.names())))
    engine = runtime.engine()
    rules = settings_mod.get(engine)
    window = rules.abc_months if months is None else months
    if window < 1:
        fail(t("customers.cli.bad_months", value=window))
    try:
        cuts = rules.cutoffs if cutoffs is None else parse_cutoffs(cutoffs)
    except ValueError:
        fail(t("customers.cli.bad_cutoffs", value=cutoffs))
    viewer = current_viewer()
    graded = scoped_grades(engine, viewer, day, window, cuts, rule)
    if fmt == "csv":
        typer.echo(csv_text(keyed(graded.select(CSV_COLUMNS))), nl=False)  # customer keys
        return
    book = book_q.book(engine, viewer)
    names = dict(printable(keyed(book.select("customer_id", "name"))).iter_rows())  # no escapes
    typer.echo(abc_table(keyed(graded), names))


def release_command(
    as_of: Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD; default today.")] = None,
) -> None:
    """Release overdue private-pool customers to the public pool (idempotent)."""
    from plugins.customers.actions.pool import release_due

    day = _date(as_of)
    viewer = current_viewer()
    if viewer.role not in RELEASE_ROLES:
        fail(t("customers.cli.release_forbidden"))
    released = release_due(runtime.engine(), day, actor=viewer.login)
    typer.echo(t("customers.cli.released", count=released, day=day.isoformat()))


def commands() -> list[typer.Typer]:
    """``customers abc`` and ``customers pool release``; ``abc`` and ``pool release``
    stay at the top level too (pinned names)."""
    pool = typer.Typer(name="pool", help="Public and private customer pools.", no_args_is_help=True)
    pool.command("release")(release_command)
    group = typer.Typer(
        name="customers", help="Customers: ABC grades, pools.", no_args_is_help=True
    )
    group.command("abc")(abc_command)
    group.add_typer(pool)
    pinned = typer.Typer()
    pinned.command("abc")(abc_command)
    pinned.add_typer(pool)
    return [group, pinned]
