"""Customers: archive, ABC grading, follow-up cadence, public and private pools.

Hook implementations only; the parts live in the modules beside this one.
"""

from __future__ import annotations

from pathlib import Path

import typer
from sqlalchemy import Engine

from command_center import (
    BUSINESS_ROLES,
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
SETTINGS_ROLES = frozenset({"director", "admin"})


@hookimpl
def register_tables() -> list[type]:
    from plugins.customers.models import TABLES

    return TABLES


@hookimpl
def register_migrations() -> list[Path]:
    return [HERE / "migrations"]


@hookimpl
def register_translations() -> dict[str, dict[str, str]]:
    return load_catalogs(HERE / "i18n")


@hookimpl
def register_pages() -> list[PageSpec]:
    from plugins.customers.ui import abc_page, archive, create, followups, pool, settings_page

    return [
        PageSpec("customers", "customers.archive.title", archive.render, BUSINESS_ROLES,
                 ":material/contacts:", 10),
        PageSpec("customers-followups", "customers.followups.title", followups.render,
                 BUSINESS_ROLES, ":material/event_upcoming:", 11),
        PageSpec("customers-pool", "customers.pool.title", pool.render, BUSINESS_ROLES,
                 ":material/waves:", 12),
        PageSpec("customers-abc", "customers.abc.title", abc_page.render, BUSINESS_ROLES,
                 ":material/stacked_bar_chart:", 13),
        PageSpec("customers-new", "customers.create.title", create.render, BUSINESS_ROLES,
                 ":material/person_add:", 14),
        PageSpec("customers-settings", "customers.settings.title", settings_page.render,
                 SETTINGS_ROLES, ":material/tune:", 15),
    ]  # fmt: skip


@hookimpl
def register_metrics() -> list[MetricSpec]:
    from plugins.customers import metrics

    return metrics.specs()


@hookimpl
def register_importers() -> list[ImportKind]:
    from plugins.customers.io_kinds import IMPORTS

    return IMPORTS


@hookimpl
def register_exporters() -> list[ExportKind]:
    from plugins.customers.io_kinds import EXPORTS

    return EXPORTS


@hookimpl
def register_home_cards() -> list[HomeCard]:
    from plugins.customers.ui import cards

    return [HomeCard("customers-overdue", "customers.card.title", cards.overdue_card,
                     BUSINESS_ROLES, 20)]  # fmt: skip


@hookimpl
def register_panels() -> list[PanelSpec]:
    from plugins.customers.ui import cards

    return [PanelSpec("person", "customers-book", "customers.panel.book", cards.person_panel,
                      BUSINESS_ROLES, 20)]  # fmt: skip


@hookimpl
def register_cli(app: typer.Typer) -> None:
    from plugins.customers import cli

    cli.register(app)


@hookimpl
def register_notebook(cc: object) -> dict[str, object]:
    from plugins.customers.notebook import helpers

    return helpers(cc)  # type: ignore[arg-type]


@hookimpl
def seed_demo(ctx: DemoContext) -> None:
    from plugins.customers import demo

    demo.seed(ctx)


@hookimpl
def on_startup(engine: Engine) -> None:
    """The company's customer-month totals read once (every grade needs them), then
    housekeeping: profiles for customers added through the core, today's release."""
    from command_center.db import frames
    from plugins.customers.actions.pool import backfill_profiles, release_due

    frames.all_customer_months(engine)
    backfill_profiles(engine)
    release_due(engine)
