"""Customers: archive, ABC grading, follow-up cadence, public and private pools.

Hook implementations only: each forwards to the room of the plugin layout
(``docs/plugin-guide.md`` §Layout) that holds the part.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import typer
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from command_center import (
    AgendaItem,
    DemoContext,
    ExportKind,
    HomeCard,
    ImportKind,
    MetricSpec,
    PageSpec,
    PanelSpec,
    hookimpl,
)
from command_center.org.scope import Viewer

if TYPE_CHECKING:
    from command_center.agenda import TodayCard


@hookimpl
def register_pages() -> list[PageSpec]:
    from plugins.customers.ui import pages

    return pages()


@hookimpl
def person_leaving(
    session: Session, person_id: int, handover_id: int | None, effective: dt.date, actor: str
) -> int:
    from plugins.customers.actions.pool import hand_over

    return hand_over(session, person_id, handover_id, effective, actor)


@hookimpl
def register_metrics() -> list[MetricSpec]:
    from plugins.customers.metrics import metric_specs

    return metric_specs()


@hookimpl
def register_importers() -> list[ImportKind]:
    from plugins.customers.io import IMPORTS

    return IMPORTS


@hookimpl
def register_exporters() -> list[ExportKind]:
    from plugins.customers.io import EXPORTS

    return EXPORTS


@hookimpl
def register_home_cards() -> list[HomeCard]:
    from plugins.customers.ui.cards import home_cards

    return home_cards()


@hookimpl
def register_panels() -> list[PanelSpec]:
    from plugins.customers.ui.cards import panels

    return panels()


@hookimpl
def register_cli() -> list[typer.Typer]:
    from plugins.customers.cli import commands

    return commands()


@hookimpl
def register_notebook(cc: object) -> dict[str, object]:
    from plugins.customers.notebook import helpers

    return helpers(cc)  # type: ignore[arg-type]


@hookimpl
def today_agenda(engine: Engine, viewer: Viewer, day: dt.date) -> list[AgendaItem]:
    from plugins.customers.queries.agenda import agenda_items

    return agenda_items(engine, viewer, day)


@hookimpl
def today_cards(engine: Engine, viewer: Viewer, day: dt.date) -> list[TodayCard]:
    from plugins.customers.queries.strip import today_cards as cards

    return cards(engine, viewer, day)


@hookimpl
def seed_demo(ctx: DemoContext) -> None:
    from plugins.customers.demo import seed

    seed(ctx)


@hookimpl
def on_startup(engine: Engine) -> None:
    """Warm the company's customer-month totals, then the housekeeping writes."""
    from plugins.customers.actions.pool import housekeeping
    from plugins.customers.queries import warm

    warm(engine)
    housekeeping(engine)
