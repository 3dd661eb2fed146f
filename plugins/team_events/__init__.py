"""Team events: meetings with action items, the monthly review pack, team building,
announcements and the weekly digest (DOMAIN.md §5).

Hook implementations only: each forwards to its room (``ui``, ``metrics``, ``io``,
``cli``, ``demo``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer
from sqlalchemy import Engine

from command_center import (
    AgendaItem,
    DemoContext,
    ExportKind,
    HomeCard,
    MetricSpec,
    PageSpec,
    hookimpl,
)
from command_center.i18n import load_catalogs
from command_center.org.scope import Viewer

HERE = Path(__file__).resolve().parent


@hookimpl
def register_tables() -> list[type]:
    from plugins.team_events.models import TABLES

    return list(TABLES)


@hookimpl
def register_migrations() -> list[Path]:
    return [HERE / "migrations"]


@hookimpl
def register_translations() -> dict[str, dict[str, str]]:
    return load_catalogs(HERE / "i18n")


@hookimpl
def register_metrics() -> list[MetricSpec]:
    from plugins.team_events.metrics import metric_specs

    return metric_specs()


@hookimpl
def register_pages() -> list[PageSpec]:
    from plugins.team_events.ui import pages

    return pages()


@hookimpl
def register_home_cards() -> list[HomeCard]:
    from plugins.team_events.ui.cards import home_cards

    return home_cards()


@hookimpl
def register_exporters() -> list[ExportKind]:
    from plugins.team_events.io import EXPORTS

    return list(EXPORTS)


@hookimpl
def register_cli() -> list[typer.Typer]:
    from plugins.team_events.cli import commands

    return commands()


@hookimpl
def today_agenda(engine: Engine, viewer: Viewer, day: dt.date) -> list[AgendaItem]:
    from plugins.team_events.queries.agenda import agenda_items

    return agenda_items(engine, viewer, day)


@hookimpl
def seed_demo(ctx: DemoContext) -> None:
    from plugins.team_events.demo import seed

    seed(ctx)
