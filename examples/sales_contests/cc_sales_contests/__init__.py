"""Sales contests: a plugin from outside the core, found through its entry point.

A contest ranks people on any registry metric over a run of months; the
plugin publishes ``contest_podiums`` (top-three finishes per person and
month) back to the registry, so appraisal or incentives can use it too.
"""

from __future__ import annotations

from pathlib import Path

import typer

from cc_sales_contests import actions, queries, ui
from cc_sales_contests.models import Contest
from command_center import DemoContext, ImportKind, MetricSpec, PageSpec, hookimpl
from command_center.i18n import load_catalogs

HERE = Path(__file__).resolve().parent


@hookimpl
def register_pages() -> list[PageSpec]:
    return [PageSpec("contests", "contests.title", ui.render, icon=":material/emoji_events:")]


@hookimpl
def register_metrics() -> list[MetricSpec]:
    return [MetricSpec("contest_podiums", "contests.podiums", "count", queries.podium_facts)]


@hookimpl
def register_tables() -> list[type]:
    return [Contest]


@hookimpl
def register_migrations() -> list[Path]:
    return [HERE / "migrations"]


@hookimpl
def register_importers() -> list[ImportKind]:
    return [actions.IMPORT_KIND]


@hookimpl
def register_translations() -> dict[str, dict[str, str]]:
    return load_catalogs(HERE / "i18n")


@hookimpl
def register_cli(app: typer.Typer) -> None:
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


@hookimpl
def seed_demo(ctx: DemoContext) -> None:
    actions.seed(ctx)
