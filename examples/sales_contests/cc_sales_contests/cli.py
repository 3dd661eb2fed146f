"""``command-center contests list``."""

from __future__ import annotations

import typer

from cc_sales_contests import queries


def list_contests() -> None:
    """List contests with their metric and months."""
    from command_center import runtime

    for row in queries.contests(runtime.engine()).iter_rows(named=True):
        typer.echo(
            f"{row['contest_id']:>4}  {row['name']}  {row['metric']}  "
            f"{row['start_month']:%Y-%m}..{row['end_month']:%Y-%m}  {row['prize']}"
        )


def commands() -> list[typer.Typer]:
    """One group named after the plugin: ``command-center contests list``."""
    contests = typer.Typer(name="contests", help="Sales contests.", no_args_is_help=True)
    contests.command("list")(list_contests)
    return [contests]
