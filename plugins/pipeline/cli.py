"""``command-center pipeline stalled|overdue``: stalled deals and overdue milestones,
scoped like every read. ``pipeline-stalled`` and ``pipeline-overdue``, the commands'
first names, still work (hidden from the help)."""

from __future__ import annotations

import polars as pl
import typer
from sqlalchemy import Engine

from command_center import runtime
from command_center.i18n import t
from command_center.io import csv_text
from command_center.org.scope import Viewer
from plugins.pipeline import queries
from plugins.pipeline import settings as cfg
from plugins.pipeline.logic import with_overdue, with_stalled
from plugins.pipeline.logic.clock import now


def stalled_frame(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    """The viewer's stalled deals, longest idle first."""
    settings = cfg.current(engine)
    opps = queries.opportunities(engine, viewer)
    flagged = with_stalled(opps, cfg.stage_model(settings), now(), settings.stalled_days)
    return (
        flagged.filter(pl.col("stalled"))
        .select("opp_id", "title", "owner_id", "stage", "days_in_stage", "amount")
        .sort("days_in_stage", "opp_id", descending=[True, False])
    )


def overdue_frame(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    """The viewer's overdue milestones, most overdue first."""
    milestones = queries.milestones(engine, viewer)
    late = with_overdue(milestones, now().date()).filter(pl.col("overdue"))
    return late.select(
        "milestone_id", "opp_id", "deal_title", "kind", "owner_id", "due_date", "days_overdue"
    ).sort("days_overdue", "milestone_id", descending=[True, False])


def stalled_command() -> None:
    """Deals with no stage change for the configured number of days (your scope)."""
    from command_center.cli import current_viewer, keyed

    frame = keyed(stalled_frame(runtime.engine(), current_viewer()))  # owners' keys
    typer.echo(t("pipeline.cli.stalled", count=frame.height))
    if frame.height:
        typer.echo(csv_text(frame))


def overdue_command() -> None:
    """Order milestones past their due date and not done (your scope)."""
    from command_center.cli import current_viewer, keyed

    frame = keyed(overdue_frame(runtime.engine(), current_viewer()))  # owners' keys
    typer.echo(t("pipeline.cli.overdue", count=frame.height))
    if frame.height:
        typer.echo(csv_text(frame))


def commands() -> list[typer.Typer]:
    """The ``pipeline`` group, and the old top-level names as hidden aliases."""
    group = typer.Typer(
        name="pipeline", help="Pipeline: stalled deals, overdue milestones.", no_args_is_help=True
    )
    group.command("stalled")(stalled_command)
    group.command("overdue")(overdue_command)
    aliases = typer.Typer()
    aliases.command("pipeline-stalled", hidden=True)(stalled_command)
    aliases.command("pipeline-overdue", hidden=True)(overdue_command)
    return [group, aliases]
