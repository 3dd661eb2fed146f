"""``command-center contests list``."""

from __future__ import annotations

import typer

from cc_sales_contests import queries


def register(app: typer.Typer) -> None:
    contests = typer.Typer(help="Sales contests.", no_args_is_help=True)

    @contests.command("list")
    def list_contests() -> None:
        """List contests with their metric and months."""
        from command_center import runtime

        for row in queries.contests(runtime.engine()).iter_rows(named=True):
            typer.echo(
                f"{row['contest_id']:>4}  {row['name']}  {row['metric']}  "
                f"{row['start_month']:%Y-%m}..{row['end_month']:%Y-%m}  {row['prize']}"
            )

    app.add_typer(contests, name="contests")
