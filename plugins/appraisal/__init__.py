"""Appraisal: monthly and annual cycles, KPI contracts on live metrics, reviews, 271
calibration, results applied (bonus multipliers published for incentives).

Hook implementations only: each forwards to its room (``ui``, ``metrics``, ``io``,
``cli``, ``demo``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer
from sqlalchemy import Engine

from command_center import hookimpl, seeds_after
from command_center.i18n import load_catalogs
from command_center.org.scope import Viewer
from command_center.types import (
    AgendaItem,
    DemoContext,
    ExportKind,
    HomeCard,
    MetricSpec,
    PageSpec,
    PanelSpec,
)

HERE = Path(__file__).resolve().parent


@hookimpl
def register_pages() -> list[PageSpec]:
    from plugins.appraisal.ui import pages

    return pages()


@hookimpl
def register_tables() -> list[type]:
    from plugins.appraisal.models import TABLES

    return list(TABLES)


@hookimpl
def register_migrations() -> list[Path]:
    return [HERE / "migrations"]


@hookimpl
def register_metrics() -> list[MetricSpec]:
    from plugins.appraisal.metrics import metric_specs

    return metric_specs()


@hookimpl
def register_translations() -> dict[str, dict[str, str]]:
    return load_catalogs(HERE / "i18n")


@hookimpl
def register_home_cards() -> list[HomeCard]:
    from plugins.appraisal.ui.cards import home_cards

    return home_cards()


@hookimpl
def register_panels() -> list[PanelSpec]:
    from plugins.appraisal.ui.cards import panels

    return panels()


@hookimpl
def register_exporters() -> list[ExportKind]:
    from plugins.appraisal.io import EXPORTS

    return list(EXPORTS)


@hookimpl
def register_cli() -> list[typer.Typer]:
    from plugins.appraisal.cli import commands

    return commands()


@hookimpl
def today_agenda(engine: Engine, viewer: Viewer, day: dt.date) -> list[AgendaItem]:
    from plugins.appraisal.queries.agenda import agenda_items

    return agenda_items(engine, viewer, day)


@hookimpl
@seeds_after("recruiting", "customers", "pipeline")  # their metrics score the contracts
def seed_demo(ctx: DemoContext) -> None:
    from plugins.appraisal.demo import seed

    seed(ctx)
