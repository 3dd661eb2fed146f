"""Recruiting and training: openings, the candidate funnel with three interview rounds,
background checks and offers, hiring into the org tree, onboarding (bootcamp and
mentors), periodic training, the online learning area with exams and certificates.

Hook implementations only, each forwarding to its room (see docs/recruiting.md).
"""

from __future__ import annotations

import datetime as dt

import typer
from sqlalchemy.orm import Session

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


@hookimpl
def register_metrics() -> list[MetricSpec]:
    from plugins.recruiting.metrics import metric_specs

    return metric_specs()


@hookimpl
def register_pages() -> list[PageSpec]:
    from plugins.recruiting.ui import pages

    return pages()


@hookimpl
def register_home_cards() -> list[HomeCard]:
    from plugins.recruiting.ui.cards import home_cards

    return home_cards()


@hookimpl
def register_panels() -> list[PanelSpec]:
    from plugins.recruiting.ui.cards import panels

    return panels()


@hookimpl
def register_importers() -> list[ImportKind]:
    from plugins.recruiting.io import IMPORTS

    return list(IMPORTS)


@hookimpl
def register_exporters() -> list[ExportKind]:
    from plugins.recruiting.io import EXPORTS

    return list(EXPORTS)


@hookimpl
def register_cli() -> list[typer.Typer]:
    from plugins.recruiting.cli import commands

    return commands()


@hookimpl
def seed_demo(ctx: DemoContext) -> None:
    from plugins.recruiting.demo import seed

    seed(ctx)


@hookimpl
def recruiting_enrol_for_training(
    session: Session, person_id: int, needs: list[str], on: dt.date, actor: str
) -> int:
    from plugins.recruiting.actions.training import enrol_for_needs

    return enrol_for_needs(session, person_id, needs, on, actor)
