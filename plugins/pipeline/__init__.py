"""The pipeline plugin: opportunities from lead to signed contract, order execution,
satisfaction and complaints, and the analytics on top (funnel, forecast).

Hook implementations only; the work lives in the modules beside this one.
"""

from __future__ import annotations

import datetime as dt

import typer
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from command_center import (
    AgendaItem,
    ExportKind,
    HomeCard,
    ImportKind,
    MetricSpec,
    PageSpec,
    PanelSpec,
    hookimpl,
)
from command_center.org.scope import Viewer
from command_center.types import DemoContext


@hookimpl
def register_metrics() -> list[MetricSpec]:
    from plugins.pipeline.metrics import metric_specs

    return metric_specs()


@hookimpl
def person_leaving(
    session: Session, person_id: int, handover_id: int | None, effective: dt.date, actor: str
) -> int:
    from plugins.pipeline.actions.handover import hand_over

    return hand_over(session, person_id, handover_id, effective, actor)


@hookimpl
def register_pages() -> list[PageSpec]:
    from plugins.pipeline.ui import pages

    return pages()


@hookimpl
def register_home_cards() -> list[HomeCard]:
    from plugins.pipeline.ui.cards import home_cards

    return home_cards()


@hookimpl
def register_panels() -> list[PanelSpec]:
    from plugins.pipeline.ui.cards import panels

    return panels()


@hookimpl
def register_importers() -> list[ImportKind]:
    from plugins.pipeline.io import IMPORTS

    return list(IMPORTS)


@hookimpl
def register_exporters() -> list[ExportKind]:
    from plugins.pipeline.io import EXPORTS

    return list(EXPORTS)


@hookimpl
def register_cli() -> list[typer.Typer]:
    from plugins.pipeline.cli import commands

    return commands()


@hookimpl
def today_agenda(engine: Engine, viewer: Viewer, day: dt.date) -> list[AgendaItem]:
    from plugins.pipeline.logic.agenda import milestone_items
    from plugins.pipeline.queries import milestones_due

    return milestone_items(milestones_due(engine, viewer, day))


@hookimpl
def pipeline_open_deals(engine: Engine, viewer: Viewer, person_id: int) -> object:
    from plugins.pipeline.queries import open_deals

    return open_deals(engine, viewer, person_id)


@hookimpl
def seed_demo(ctx: DemoContext) -> None:
    from plugins.pipeline.demo import seed

    seed(ctx)
