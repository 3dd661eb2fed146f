"""Sales contests: a plugin from outside the core, found through its entry point.

A contest ranks people on any registry metric over a run of months; the
plugin publishes ``contest_podiums`` (top-three finishes per person and
month) back to the registry, so appraisal or incentives can use it too.

Hook implementations only, each forwarding to its room (the layout every
plugin shares); tables, migrations and translations come from the layout.
"""

from __future__ import annotations

import typer

from command_center import DemoContext, ImportKind, MetricSpec, PageSpec, hookimpl


@hookimpl
def register_pages() -> list[PageSpec]:
    from cc_sales_contests.ui import pages

    return pages()


@hookimpl
def register_metrics() -> list[MetricSpec]:
    from cc_sales_contests.metrics import metric_specs

    return metric_specs()


@hookimpl
def register_importers() -> list[ImportKind]:
    from cc_sales_contests.io import IMPORTS

    return list(IMPORTS)


@hookimpl
def register_cli() -> list[typer.Typer]:
    from cc_sales_contests.cli import commands

    return commands()


@hookimpl
def seed_demo(ctx: DemoContext) -> None:
    from cc_sales_contests.demo import seed

    seed(ctx)
