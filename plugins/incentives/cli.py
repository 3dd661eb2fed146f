"""``command-center incentives …`` (pinned name: ``commission …``): simulate a plan
file, settle a month, load plans, list plans, honour titles, the payroll file, the
ranking wall's publication.

Every command reads through ``command_center.cli.current_viewer()``: the
operator sees everyone, ``--user LOGIN`` limits the output to that login's
scope exactly as in the app.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path
from typing import Annotated

import polars as pl
import typer

from command_center import runtime
from command_center.i18n import t
from command_center.io import csv_text, printable
from command_center.periods import parse_period
from plugins.incentives.actions import honours as honour_actions
from plugins.incentives.actions import payroll as payroll_actions
from plugins.incentives.actions import plans as plan_actions
from plugins.incentives.actions import settlement as settlement_actions
from plugins.incentives.errors import IncentivesError, PlanInvalid
from plugins.incentives.logic.engine import simulation_table
from plugins.incentives.logic.plan_model import parse_plan
from plugins.incentives.queries import honours as honour_reads
from plugins.incentives.queries import plans as plan_reads
from plugins.incentives.queries import simulation

commission = typer.Typer(help="Commission plans: simulate, settle, load.", no_args_is_help=True)
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def _fail(message: str) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(1)


def _month(text: str) -> dt.date:
    if not MONTH.match(text.strip()):
        raise _fail(t("incentives.cli.bad_month", value=text))
    return dt.date(int(text[:4]), int(text[5:7]), 1)


def _read_plan(file: Path, available: frozenset[str]) -> tuple[str, object]:
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise _fail(t("incentives.cli.cannot_read", file=str(file), error=str(exc))) from None
    try:
        checked = parse_plan(text, available)
    except PlanInvalid as exc:
        for issue in exc.issues:
            typer.echo(f"{file}: {issue}", err=True)
        raise _fail(
            t("incentives.cli.plan_invalid", file=str(file), count=len(exc.issues))
        ) from None
    for warning in checked.warnings:
        typer.echo(f"{file}: {t('incentives.cli.warning')}: {warning}", err=True)
    return text, checked


def render_table(frame: pl.DataFrame) -> str:
    """A plain aligned text table (numbers right-aligned)."""
    cells = [[("" if v is None else str(v)) for v in row] for row in printable(frame).iter_rows()]
    header = frame.columns
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(header)]
    numeric = [frame.schema[c].is_numeric() for c in header]

    def line(values: list[str]) -> str:
        return "  ".join(
            v.rjust(w) if n else v.ljust(w) for v, w, n in zip(values, widths, numeric, strict=True)
        ).rstrip()

    out = [line(list(header)), line(["-" * w for w in widths])]
    out.extend(line(r) for r in cells)
    return "\n".join(out)


@commission.command("simulate")
def simulate(
    plan: Annotated[Path, typer.Option("--plan", help="The plan's YAML file.")],
    start: Annotated[str, typer.Option("--from", help="First pay month, YYYY-MM.")],
    end: Annotated[str, typer.Option("--to", help="Last pay month, YYYY-MM.")],
    fmt: Annotated[str, typer.Option("--format", help="csv | table")] = "csv",
) -> None:
    """One row per person and plan period paid in --from..--to, a column per component."""
    from command_center.cli import current_viewer, keyed

    if fmt not in ("csv", "table"):
        raise _fail(t("incentives.cli.bad_format", value=fmt))
    first, last = _month(start), _month(end)
    if last < first:
        raise _fail(t("incentives.cli.bad_range", start=start, end=end))
    registry = runtime.registry()
    _, checked = _read_plan(plan, frozenset(registry.keys()))
    viewer = current_viewer()
    result = simulation.simulate(
        runtime.engine(),
        registry,
        viewer,
        checked.plan,
        first,
        last,  # type: ignore[attr-defined]
    )
    for note in result.notes:
        typer.echo(
            f"{t('incentives.cli.note')}: {t(f'incentives.note.{note.code}', **note.params)}",
            err=True,
        )
    table = keyed(simulation_table(result.frame, result.components))  # person keys, not ids
    if fmt == "csv":
        sys.stdout.write(csv_text(table))
    else:
        typer.echo(render_table(table))


@commission.command("settle")
def settle(
    period: Annotated[str, typer.Option("--period", help="The month to settle, YYYY-MM.")],
    lock: Annotated[bool, typer.Option("--lock", help="Lock the new version at once.")] = False,
) -> None:
    """Compute a new draft settlement of a month for everyone in scope (and lock it)."""
    from command_center.cli import current_viewer

    month = _month(period)
    viewer = current_viewer()
    engine = runtime.engine()
    try:
        done = settlement_actions.compute_settlement(
            engine, runtime.registry(), viewer, month, viewer.login
        )
        if lock:
            settlement_actions.lock_settlement(engine, viewer, done.settlement_id, viewer.login)
    except IncentivesError as exc:
        raise _fail(exc.message) from None
    status = t("incentives.status.locked") if lock else t("incentives.status.draft")
    typer.echo(
        t(
            "incentives.cli.settled",
            period=done.period,
            version=done.version,
            people=done.people,
            total=f"{done.total:,.2f}",
            status=status,
            locked=done.skipped_locked,
        )
    )


@commission.command("load")
def load(
    file: Path,
    effective: Annotated[
        str | None, typer.Option("--effective", help="First month it applies, YYYY-MM.")
    ] = None,
    note: Annotated[str, typer.Option("--note", help="Why this version.")] = "",
) -> None:
    """Store a plan file as the next version of the plan it names."""
    from command_center.cli import current_viewer

    viewer = current_viewer()
    if viewer.role not in plan_actions.PLAN_EDITORS:
        raise _fail(t("incentives.error.not_allowed"))
    registry = runtime.registry()
    text, _ = _read_plan(file, frozenset(registry.keys()))
    month = _month(effective) if effective else None
    try:
        saved = plan_actions.save_plan(
            runtime.engine(), viewer, text, viewer.login, month, note, frozenset(registry.keys())
        )
    except IncentivesError as exc:
        raise _fail(exc.message) from None
    typer.echo(
        t(
            "incentives.cli.loaded",
            name=saved.checked.plan.name,
            version=saved.version,
        )
    )


@commission.command("plans")
def plans() -> None:
    """List the stored plans and their versions."""
    versions = plan_reads.plan_versions(runtime.engine())
    table = versions.select(
        "name", "version", pl.col("effective_from").cast(pl.String), "created_by", "note"
    )
    typer.echo(render_table(table))


@commission.command("honours")
def honours(
    period: Annotated[str, typer.Option("--period", help="YYYY-MM, YYYY-Qn or YYYY.")],
    publish: Annotated[bool, typer.Option("--publish", help="Publish for all plugins.")] = False,
) -> None:
    """The honour titles of a period (in your scope); directors may publish them."""
    from command_center.cli import current_viewer

    try:
        chosen = parse_period(period)
    except ValueError as exc:
        raise _fail(str(exc)) from None
    viewer = current_viewer()
    engine = runtime.engine()
    found = honour_reads.honour_winners(engine, runtime.registry(), viewer, [chosen])[chosen]
    typer.echo(render_table(found.with_columns(pl.col("value").round(4))))
    if publish:
        try:
            count = honour_actions.publish_honours(
                engine, viewer, {chosen.label: found}, viewer.login
            )
        except IncentivesError as exc:
            raise _fail(exc.message) from None
        typer.echo(t("incentives.cli.published", count=count, period=chosen.label))


@commission.command("payroll")
def payroll(
    period: Annotated[str, typer.Option("--period", help="The locked month, YYYY-MM.")],
    out: Annotated[Path, typer.Option("--out", help="The file to write.")],
    fmt: Annotated[str, typer.Option("--format", help="csv | xlsx")] = "csv",
) -> None:
    """Write the payroll file of a locked month (person key, gross commission, bonuses,
    clawbacks, total); the export is audited."""
    from command_center.cli import current_viewer

    month = _month(period)
    viewer = current_viewer()
    try:
        done = payroll_actions.export_payroll(
            runtime.engine(), viewer, f"{month:%Y-%m}", fmt, viewer.login
        )
    except IncentivesError as exc:
        raise _fail(exc.message) from None
    try:
        out.write_bytes(done.data)
    except OSError as exc:
        raise _fail(t("incentives.cli.cannot_write", file=str(out), error=str(exc))) from None
    typer.echo(
        t(
            "incentives.cli.payroll_written",
            file=str(out),
            people=done.people,
            total=f"{done.total_fen / 100:,.2f}",
        )
    )


@commission.command("publish")
def publish(
    period: Annotated[
        str | None, typer.Option("--period", help="YYYY-MM, YYYY-Qn or YYYY (default: this month).")
    ] = None,
    metric: Annotated[
        str | None, typer.Option("--metric", help="A registry metric (default: the wall's).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Publish even if current.")] = False,
) -> None:
    """Publish the ranking wall of a period when it is due (or ``--force``): for a
    scheduler after the month turns or a big import, so no reader waits for it."""
    from command_center.cli import current_viewer
    from plugins.incentives.actions import wall as wall_actions
    from plugins.incentives.settings import load_honour_settings

    try:
        chosen = parse_period(period or f"{dt.date.today():%Y-%m}")
    except ValueError as exc:
        raise _fail(str(exc)) from None
    engine = runtime.engine()
    viewer = current_viewer()
    name = metric or load_honour_settings(engine).wall.metric
    try:
        ranked = wall_actions.publish_wall(
            engine, runtime.registry(), viewer, name, chosen, viewer.login, force=force
        )
    except IncentivesError as exc:
        raise _fail(exc.message) from None
    if ranked is None:
        typer.echo(t("incentives.cli.wall_current", metric=name, period=chosen.label))
    else:
        typer.echo(
            t("incentives.cli.wall_published", count=ranked, metric=name, period=chosen.label)
        )


def commands() -> list[typer.Typer]:
    """The ``incentives`` group; ``commission``, its pinned name, is the same group."""
    group = typer.Typer(
        name="incentives",
        help="Incentives: commission plans (simulate, settle, load); the same as `commission`.",
        no_args_is_help=True,
    )
    group.add_typer(commission)
    pinned = typer.Typer()
    pinned.add_typer(commission, name="commission")
    return [group, pinned]
