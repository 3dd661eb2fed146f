"""Recruiting and training: openings, the candidate funnel with three interview rounds,
background checks and offers, hiring into the org tree, onboarding (bootcamp and
mentors), periodic training, the online learning area with exams and certificates.

Hook implementations only; the parts live in the modules beside this one.
"""

from __future__ import annotations

from pathlib import Path

import typer

from command_center import (
    DemoContext,
    ExportKind,
    HomeCard,
    ImportKind,
    MetricSpec,
    PageSpec,
    PanelSpec,
    hookimpl,
)
from command_center.i18n import load_catalogs

HERE = Path(__file__).resolve().parent


@hookimpl
def register_tables() -> list[type]:
    from plugins.recruiting.models import TABLES

    return list(TABLES)


@hookimpl
def register_migrations() -> list[Path]:
    return [HERE / "migrations"]


@hookimpl
def register_translations() -> dict[str, dict[str, str]]:
    return load_catalogs(HERE / "i18n")


@hookimpl
def register_metrics() -> list[MetricSpec]:
    from plugins.recruiting.metrics import METRICS

    return list(METRICS)


@hookimpl
def register_pages() -> list[PageSpec]:
    from plugins.recruiting.ui import PAGES

    return list(PAGES)


@hookimpl
def register_home_cards() -> list[HomeCard]:
    from plugins.recruiting.ui.cards import CARDS

    return list(CARDS)


@hookimpl
def register_panels() -> list[PanelSpec]:
    from plugins.recruiting.ui.cards import PANELS

    return list(PANELS)


@hookimpl
def register_importers() -> list[ImportKind]:
    from plugins.recruiting.io_kinds import IMPORTS

    return list(IMPORTS)


@hookimpl
def register_exporters() -> list[ExportKind]:
    from plugins.recruiting.io_kinds import EXPORTS

    return list(EXPORTS)


@hookimpl
def register_cli(app: typer.Typer) -> None:
    from plugins.recruiting.cli import add_commands

    add_commands(app)


@hookimpl
def seed_demo(ctx: DemoContext) -> None:
    from plugins.recruiting.demo import seed_demo as seed

    seed(ctx)
