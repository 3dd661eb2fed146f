"""Incentives: commission plans as code, settlement and statements, what-if simulator, honours.

Hook implementations only, each forwarding to its room (see
``docs/commission-plans.md`` for the plan format and the layout).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import typer
from sqlalchemy import Engine

from command_center import (
    DemoContext,
    ExportKind,
    HomeCard,
    MetricSpec,
    PageSpec,
    PanelSpec,
    hookimpl,
    seeds_after,
)

if TYPE_CHECKING:
    from command_center.agenda import TodayCard
    from command_center.metrics import MetricRegistry
    from command_center.org.scope import Viewer


@hookimpl
def register_metrics() -> list[MetricSpec]:
    from plugins.incentives.metrics import metric_specs

    return metric_specs()


@hookimpl
def register_pages() -> list[PageSpec]:
    from plugins.incentives.ui import pages

    return pages()


@hookimpl
def register_home_cards() -> list[HomeCard]:
    from plugins.incentives.ui.cards import home_cards

    return home_cards()


@hookimpl
def register_panels() -> list[PanelSpec]:
    from plugins.incentives.ui.cards import panels

    return panels()


@hookimpl
def register_exporters() -> list[ExportKind]:
    from plugins.incentives.io import EXPORTS

    return list(EXPORTS)


@hookimpl
def register_cli() -> list[typer.Typer]:
    from plugins.incentives.cli import commands

    return commands()


@hookimpl
def register_notebook(cc: object) -> dict[str, object]:
    from plugins.incentives.notebook import helpers

    return helpers(cc)  # type: ignore[arg-type]


@hookimpl
@seeds_after("customers", "pipeline", "appraisal")  # plans pay on their metrics and multipliers
def seed_demo(ctx: DemoContext) -> None:
    from plugins.incentives.demo import seed

    seed(ctx)


@hookimpl
def today_cards(
    engine: Engine, registry: MetricRegistry, viewer: Viewer, day: dt.date
) -> list[TodayCard]:
    from plugins.incentives.queries.strip import today_cards as cards

    return cards(engine, registry, viewer, day)
