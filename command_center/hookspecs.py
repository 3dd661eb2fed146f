"""Every extension point of the Sales Command Center.

A plugin is a module (or object) with functions named after these specs and
decorated with ``command_center.hookimpl``. List hooks return a list; the
core concatenates the lists of all plugins, calling each plugin in
isolation, so one plugin that raises is reported and the others still run.

``docs/plugin-hooks.md`` documents each hook below, and the hooks plugins
declare for each other (see ``register_hookspecs``); a test keeps the two in
step.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    import typer
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from command_center.agenda import TodayCard
    from command_center.metrics import MetricRegistry
    from command_center.notebook import CommandCenter
    from command_center.org.scope import Viewer
    from command_center.types import (
        AgendaItem,
        DemoContext,
        ExportKind,
        HomeCard,
        ImportKind,
        MetricSpec,
        PageSpec,
        PanelSpec,
    )

hookspec = pluggy.HookspecMarker("command_center")


@hookspec
def register_pages() -> list[PageSpec]:
    """Pages this plugin adds to the navigation, each with the roles that see it.

    The app shows them in a section named after the plugin and wraps each
    ``render`` so that an exception is shown inside that page only.
    """


@hookspec
def register_metrics() -> list[MetricSpec]:
    """Metrics for the registry: per person and month a numerator and a denominator.

    The core rolls them up the org tree (ratio = sum(num) / sum(den)), joins
    targets and serves them to every page and plugin.
    """


@hookspec
def register_tables() -> list[type]:
    """ORM classes (on ``command_center.db.Base``) this plugin owns.

    Table names start with the plugin's name. Their schema is created by the
    plugin's migrations, never by ``create_all``.
    """


@hookspec
def register_migrations() -> list[Path]:
    """Alembic version folders holding this plugin's migrations.

    Each plugin has its own version table (``alembic_version_<plugin>``) and
    is migrated after the core, so its first revision has
    ``down_revision = None`` and may reference core tables freely. A disabled
    plugin's tables and history stay untouched.
    """


@hookspec
def register_importers() -> list[ImportKind]:
    """Import kinds (``command-center import KIND FILE``), checked all or nothing."""


@hookspec
def register_exporters() -> list[ExportKind]:
    """Export kinds (``command-center export KIND FILE``); every read is scoped."""


@hookspec
def register_translations() -> dict[str, dict[str, str]]:
    """Message catalogs: ``{"en": {...}, "zh_CN": {...}, "zh_TW": {...}}``, each ``{key: text}``.

    Keys start with the plugin's name; every language must hold the same keys
    (``python -m command_center.i18n.traditional`` fills zh_TW from zh_CN).
    """


@hookspec
def register_home_cards() -> list[HomeCard]:
    """Cards this plugin adds to the home page, filtered by role."""


@hookspec
def register_panels() -> list[PanelSpec]:
    """Panels for other plugins' entity pages (a customer's, a person's).

    The plugin owning the page renders every panel registered for its entity
    with ``command_center.ui.render_panels``; a panel that raises shows its
    error inside that panel only.
    """


@hookspec
def register_cli() -> list[typer.Typer]:
    """Commands for the ``command-center`` CLI: Typer apps that the core mounts.

    A Typer with a name (``typer.Typer(name="pipeline")``) becomes a command
    group, ``command-center pipeline …``: a plugin has one, named after it. A
    Typer without a name adds its commands at the top level (for pinned names
    and old spellings, usually ``hidden=True``). A name that the core or an
    earlier plugin already uses is refused and reported against the plugin.
    Commands read through ``command_center.cli.current_viewer()`` (the
    operator, or the ``--user`` after sign-in) and stop with
    ``command_center.cli.fail(message)``.
    """


@hookspec
def register_notebook(cc: CommandCenter) -> dict[str, object]:
    """Namespaces this plugin adds to the notebook API: ``{name: helper}``.

    ``command_center.notebook.connect`` calls it once per session with the
    signed-in ``cc`` (a ``command_center.notebook.CommandCenter``:
    ``cc.engine``, ``cc.viewer``, ``cc.registry``, ``cc.host``); each helper
    then shows as ``cc.NAME`` (use the plugin's name), e.g.
    ``cc.customers.abc(...)``. Helpers read through the same functions as the
    plugin's pages and commands, scoped by ``cc.viewer``, and return Polars
    frames. The first plugin to claim a name keeps it; a name the API itself
    uses is refused and reported against the plugin.

    An answer may also hold a ``"charts"`` entry, ``{name: function}``, merged
    into ``cc.charts`` (the first plugin to claim a chart name keeps it). A
    plugin without this hook whose package has a ``notebook.py`` with
    ``helpers(cc)`` is picked up by that convention instead.
    """


@hookspec
def register_hookspecs() -> object:
    """Hooks this plugin declares for other plugins to implement: a module or class
    (or a list of them) holding functions marked with ``@hookspec``
    (``from command_center.hookspecs import hookspec``).

    pytest's ``pytest_addhooks`` is the model. A package needs no
    implementation: the host reads the ``hookspecs`` module of the plugin's
    package by convention. Every name starts with the plugin's name and an
    underscore (``incentives_register_components``); the host refuses other
    names, names already declared, wrappers and historic hooks, and records
    the refusal against the declaring plugin. The owner calls its hooks with
    ``host.call(NAME, **kwargs)``: pluggy's order (``tryfirst``, load order,
    ``trylast``), each implementation isolated like the core's hooks, and a
    ``firstresult`` spec stops at the first answer. An implementation of a hook
    that may be absent (its plugin off or not installed) is marked
    ``@hookimpl(optionalhook=True)``; unmarked, an unknown name fails its plugin.
    The reference lists each plugin's hooks under its name.
    """


@hookspec
def seed_demo(ctx: DemoContext) -> None:
    """Write this plugin's demo data; the core's people, customers and orders exist.

    Must be deterministic for ``ctx.seed`` and ``ctx.as_of``.
    """


@hookspec
def on_startup(engine: Engine) -> None:
    """Run once per process when the app starts (after migrations), e.g. housekeeping.

    The app calls it in a background thread: the first page does not wait for
    it, and it may run while pages read (write through ``write_session``).
    """


@hookspec
def today_agenda(engine: Engine, viewer: Viewer, day: dt.date) -> list[AgendaItem]:
    """Rows this plugin adds to a person's day (``AgendaItem``): the Today page and
    ``command-center today``.

    ``viewer`` is the agenda's scope: the person whose day it is
    (``viewer.person_id``) and, for a leader, their team (``viewer.person_ids``,
    never wider than the signed-in user's scope; ``None`` only for a director's
    own day). Read with that scope in the SQL: a rep's agenda reads a rep's
    rows. Return what is due on ``day`` or overdue by then (``due`` before
    ``day``), things at a time on ``day`` as a ``datetime``, and warnings ahead
    (``due`` after ``day``). The core drops rows about people outside the
    scope, sorts by ``due`` and shows them; ``kind`` is one of
    ``AGENDA_KINDS``. A row may carry ``render_action(ctx, key)``: the
    one-tap form that writes through this plugin's own action.
    """


@hookspec
def today_cards(
    engine: Engine, registry: MetricRegistry, viewer: Viewer, day: dt.date
) -> list[TodayCard]:
    """Figures for the strip above a person's agenda on the Today page (``TodayCard``,
    from ``command_center.agenda``), such as today's activity against daily targets
    or the estimated pay of the running month.

    ``viewer`` is the day's scope as for ``today_agenda``: the person is
    ``viewer.person_id``. Read that person's rows with the scope in the SQL
    (a rep's card reads a rep's rows); only counts, ranks and the person's own
    amounts belong on a card. Labels and values come translated and formatted;
    the core adds its own cards (the month's attainment, rank in the team) and
    shows all of them by ``order``.
    """


@hookspec
def person_leaving(
    session: Session, person_id: int, handover_id: int | None, effective: dt.date, actor: str
) -> int:
    """Someone leaves the force (``command-center people leave``, the org page): hand over
    what this plugin keeps in their name, inside ``session`` (the leave's one
    transaction: a failure here undoes the whole leave).

    ``handover_id`` is the colleague the leader named, or ``None``: then give
    back what can be given back (customers to the public pool) and hand the
    rest to the leaver's manager. Return how many rows were handed over.
    """
