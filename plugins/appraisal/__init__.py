"""Appraisal: monthly and annual cycles, KPI contracts on live metrics, reviews, 271
calibration, results applied (bonus multipliers published for incentives).

Hook implementations only; the parts live in the modules beside this one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from command_center import hookimpl
from command_center.i18n import load_catalogs
from command_center.types import (
    BUSINESS_ROLES,
    LEADER_ROLES,
    DemoContext,
    ExportKind,
    HomeCard,
    MetricSpec,
    PageSpec,
    PanelSpec,
)

HERE = Path(__file__).resolve().parent
APPRAISED = frozenset({"manager", "supervisor", "rep"})


def _page(module: str) -> Any:
    """The ``render`` of ``ui/<module>.py``, imported when the page runs."""

    def render(ctx: Any) -> None:
        from importlib import import_module

        import_module(f"plugins.appraisal.ui.{module}").render(ctx)

    return render


@hookimpl
def register_pages() -> list[PageSpec]:
    return [
        PageSpec(
            "appraisal-mine",
            "appraisal.mine.title",
            _page("mine"),
            APPRAISED,
            ":material/person_check:",
            10,
        ),
        PageSpec(
            "appraisal-cycles",
            "appraisal.cycles.title",
            _page("cycles"),
            LEADER_ROLES,
            ":material/event_repeat:",
            20,
        ),
        PageSpec(
            "appraisal-contracts",
            "appraisal.contracts.title",
            _page("contracts"),
            LEADER_ROLES,
            ":material/contract:",
            30,
        ),
        PageSpec(
            "appraisal-progress",
            "appraisal.progress.title",
            _page("progress"),
            LEADER_ROLES,
            ":material/monitoring:",
            40,
        ),
        PageSpec(
            "appraisal-reviews",
            "appraisal.reviews.title",
            _page("reviews"),
            LEADER_ROLES,
            ":material/rate_review:",
            50,
        ),
        PageSpec(
            "appraisal-calibration",
            "appraisal.calibration.title",
            _page("calibration"),
            LEADER_ROLES,
            ":material/balance:",
            60,
        ),
        PageSpec(
            "appraisal-results",
            "appraisal.results.title",
            _page("results"),
            BUSINESS_ROLES,
            ":material/workspace_premium:",
            70,
        ),
        PageSpec(
            "appraisal-policy",
            "appraisal.policy.title",
            _page("policy"),
            frozenset({"director"}),
            ":material/tune:",
            80,
        ),
    ]


@hookimpl
def register_tables() -> list[type]:
    from plugins.appraisal.models import TABLES

    return list(TABLES)


@hookimpl
def register_migrations() -> list[Path]:
    return [HERE / "migrations"]


@hookimpl
def register_metrics() -> list[MetricSpec]:
    from plugins.appraisal.metrics import metrics

    return metrics()


@hookimpl
def register_translations() -> dict[str, dict[str, str]]:
    return load_catalogs(HERE / "i18n")


@hookimpl
def register_home_cards() -> list[HomeCard]:
    from plugins.appraisal.ui.cards import home_card

    return [HomeCard("appraisal-todo", "appraisal.card.title", home_card, BUSINESS_ROLES, 40)]


@hookimpl
def register_panels() -> list[PanelSpec]:
    from plugins.appraisal.ui.cards import person_panel

    return [
        PanelSpec(
            "person", "appraisal-history", "appraisal.panel.title", person_panel, BUSINESS_ROLES, 40
        )
    ]


@hookimpl
def register_exporters() -> list[ExportKind]:
    from plugins.appraisal.exports import exporters

    return exporters()


@hookimpl
def register_cli(app: typer.Typer) -> None:
    from plugins.appraisal.cli import register

    register(app)


@hookimpl(trylast=True)
def seed_demo(ctx: DemoContext) -> None:
    from plugins.appraisal.demo import seed

    seed(ctx)
