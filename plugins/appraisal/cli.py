"""``command-center appraisal …``: list cycles and move one, scoped like the app."""

from __future__ import annotations

from typing import Annotated

import polars as pl
import typer

from command_center import runtime
from command_center.i18n import t
from plugins.appraisal import actions, queries
from plugins.appraisal.errors import AppraisalError, state_label


def commands() -> list[typer.Typer]:
    """The ``appraisal`` group."""
    group = typer.Typer(
        name="appraisal", help="Appraisal cycles (list, move).", no_args_is_help=True
    )

    @group.command("cycles")
    def cycles() -> None:
        """List the cycles you may see: id, period, kind, unit, state, people."""
        from command_center.cli import current_viewer

        engine = runtime.engine()
        viewer = current_viewer()
        rows = queries.cycles(engine, viewer)
        counts = (
            queries.records(engine, viewer, rows["cycle_id"].to_list())
            .group_by("cycle_id")
            .agg(pl.len().alias("people"))
        )
        names = queries.names(engine)
        for row in rows.join(counts, on="cycle_id", how="left").iter_rows(named=True):
            typer.echo(
                f"{row['cycle_id']:>5}  {row['period']:<7}  {row['kind']:<7}  "
                f"{names.get(row['root_id'], '?')}  {state_label(row['state'])}  "
                f"{row['people'] or 0}"
            )

    @group.command("move")
    def move(
        cycle_id: Annotated[int, typer.Argument(help="The cycle's id (see `appraisal cycles`).")],
        state: Annotated[
            str,
            typer.Argument(
                help="planning | in_progress | self_review | manager_review | calibration | closed"
            ),
        ],
    ) -> None:
        """Move a cycle one step (closing it publishes the bonus multipliers)."""
        from command_center.cli import current_viewer, fail

        viewer = current_viewer()
        try:
            actions.move_cycle(
                runtime.engine(), runtime.registry(), viewer, viewer.login, cycle_id, state
            )
        except AppraisalError as exc:
            fail(exc.message())
        typer.echo(t("appraisal.cli.moved", cycle=cycle_id, state=state_label(state)))

    return [group]
