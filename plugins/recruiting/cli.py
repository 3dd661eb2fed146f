"""``command-center recruiting funnel``: the funnel as CSV, within the caller's scope.

``recruiting-funnel``, the command's first name, still works (hidden from the help).
"""

from __future__ import annotations

from typing import Annotated

import polars as pl
import typer

from command_center.i18n import t
from command_center.io import csv_text
from plugins.recruiting import queries
from plugins.recruiting.logic import analytics


def funnel_csv(candidates: pl.DataFrame, events: pl.DataFrame, by: str | None) -> str:
    """Reached and conversion per stage (and per ``by`` column) as CSV text."""
    table = analytics.funnel(analytics.furthest(candidates, events), [by] if by else None)
    return csv_text(table.drop("stage_index"), float_precision=4)


def funnel_command(
    period: Annotated[
        str | None, typer.Option(help="Applications in YYYY-MM, YYYY-Qn or YYYY only.")
    ] = None,
    by: Annotated[str | None, typer.Option(help="Split by: source or opening_id.")] = None,
) -> None:
    """Recruiting funnel (reached, conversion) for your scope, as CSV."""
    from command_center import runtime
    from command_center.cli import current_viewer, fail
    from command_center.periods import is_period, parse_period

    if by not in (None, "source", "opening_id"):
        fail(t("recruiting.cli.bad_by", value=by))
    viewer = current_viewer()
    engine = runtime.engine()
    candidates = queries.candidates(engine, viewer)
    if period is not None:
        if not is_period(period):
            fail(t("recruiting.cli.bad_period", value=period))
        span = parse_period(period)
        candidates = candidates.filter(pl.col("applied_on").is_between(span.start, span.last_day))
    typer.echo(funnel_csv(candidates, queries.events(engine, viewer), by), nl=False)


def commands() -> list[typer.Typer]:
    """The ``recruiting`` group, and the old top-level name as a hidden alias."""
    group = typer.Typer(name="recruiting", help="Recruiting: the funnel.", no_args_is_help=True)
    group.command("funnel")(funnel_command)
    aliases = typer.Typer()
    aliases.command("recruiting-funnel", hidden=True)(funnel_command)
    return [group, aliases]
