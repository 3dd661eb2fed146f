"""The public types that hooks return and receive.

Plugins build these; the core consumes them. Everything here is plain data
plus callables, so a plugin can be tested without Streamlit running.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args

from command_center.periods import DAY_GRAINS, GRAINS, Grain, Period

if TYPE_CHECKING:
    import polars as pl
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from command_center.org.scope import Viewer

ALL_ROLES: frozenset[str] = frozenset({"director", "manager", "supervisor", "rep", "admin"})
BUSINESS_ROLES: frozenset[str] = frozenset({"director", "manager", "supervisor", "rep"})
LEADER_ROLES: frozenset[str] = frozenset({"director", "manager", "supervisor"})

Unit = Literal["currency", "count", "ratio", "percent", "days", "score", "hours"]


@dataclass(frozen=True)
class PageSpec:
    """A page in the app's navigation.

    ``render`` receives a :class:`command_center.context.PageContext`; ``title``
    is a translation key; ``key`` must be unique and becomes the URL path.
    """

    key: str
    title: str
    render: Callable[[Any], None]
    roles: frozenset[str] = BUSINESS_ROLES
    icon: str | None = None
    order: int = 100


@dataclass(frozen=True)
class MetricQuery:
    """What a metric's ``compute`` is asked for: months ``start``..``end`` inclusive.

    ``person_ids`` is the viewer's scope (``None`` = everyone); computing only
    for them is an optimisation, the registry filters again regardless.
    """

    engine: Engine
    start: dt.date
    end: dt.date
    person_ids: frozenset[int] | None = None


MONTH_GRAINS: frozenset[Grain] = frozenset({"month", "quarter", "year"})
"""What a metric computed per month (:attr:`MetricSpec.compute`) has figures for."""
ALL_GRAINS: frozenset[Grain] = frozenset(GRAINS)
"""Every grain: a metric that also computes per day (:attr:`MetricSpec.compute_days`)."""


@dataclass(frozen=True)
class DayQuery:
    """What a metric's ``compute_days`` is asked for: the days of ``period`` (a day or
    an ISO week), for ``person_ids`` (the viewer's scope, ``None`` = everyone).

    Unlike :class:`MetricQuery` the scope is part of the question: a day read is
    meant to name the people in SQL (a rep's page reads a rep's rows); the registry
    caches it per scope and filters again regardless.
    """

    engine: Engine
    period: Period
    person_ids: frozenset[int] | None = None


@dataclass(frozen=True)
class MetricSpec:
    """A KPI in the registry.

    ``compute`` returns a Polars frame with columns ``person_id`` (Int64),
    ``month`` (Date, first day of the month), ``num`` and ``den`` (Float64).
    The value for any group of people and months is ``sum(num) / sum(den)``;
    a plain sum has ``den = 1`` per row and ``kind="sum"``.

    ``grains`` are the periods the metric has figures for. Month-based metrics
    (the default) have none for a day or an ISO week: the registry then answers
    "no figure" rather than a month's. A metric that has them gives
    ``compute_days``: a :class:`DayQuery` in, ``person_id``, ``day`` (Date, a day
    of the query's period), ``num`` and ``den`` out, summed the same way.
    """

    key: str
    label: str
    unit: Unit
    compute: Callable[[MetricQuery], pl.DataFrame]
    kind: Literal["sum", "ratio"] = "sum"
    higher_is_better: bool = True
    description: str = ""
    tables: tuple[str, ...] | None = None
    """Tables ``compute`` (and ``compute_days``) read; its cache then survives writes elsewhere.

    ``None`` (the safe default): recompute after any write."""
    grains: frozenset[Grain] = MONTH_GRAINS
    compute_days: Callable[[DayQuery], pl.DataFrame] | None = None

    def __post_init__(self) -> None:
        if self.grains & DAY_GRAINS and self.compute_days is None:
            raise ValueError(f"metric {self.key!r} offers day or week figures but no compute_days")

    def supports(self, grain: Grain) -> bool:
        """Does the metric have figures for periods of ``grain``?"""
        return grain in self.grains


@dataclass(frozen=True)
class Column:
    """One column of an import file and how to check it.

    ``required``: every row needs a value. ``optional``: the header may leave the
    column out (a pinned header stays valid without it); a kind's ``check`` and
    ``apply`` then see a frame without that column, so stored values are kept.
    """

    name: str
    dtype: Literal["int", "float", "str", "date", "period"]
    required: bool = True
    choices: tuple[str, ...] | None = None
    min_value: float | None = None
    max_length: int | None = None
    optional: bool = False


@dataclass(frozen=True)
class RowError:
    """A problem in an import file; printed as ``FILE:ROW: column: reason``."""

    row: int
    column: str
    reason: str

    def format(self, file: str) -> str:
        return f"{file}:{self.row}: {self.column}: {self.reason}"


OWNER_AUTO = "<auto>"
""":attr:`ImportKind.owner`'s default: the first of :data:`OWNER_COLUMNS` the kind has."""
OWNER_COLUMNS: tuple[str, ...] = ("person_id", "owner_id")


@dataclass(frozen=True)
class ImportKind:
    """An import kind (``command-center import KIND FILE``).

    ``columns`` are checked first, vectorised in Polars, every row at once. ``check`` then sees
    the typed frame (with a ``_row`` column holding file row numbers) and the
    session, and returns cross-row and reference errors. ``apply`` upserts the
    frame inside the same transaction and returns the number of rows written.

    Who may import it is data too (:attr:`roles`, :attr:`owner`): the runner
    enforces it for the app's Data page and the CLI alike, and checks the scope
    before ``check`` runs, so its messages never quote rows outside the caller's scope.
    """

    kind: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    apply: Callable[[Session, pl.DataFrame], int]
    check: Callable[[Session, pl.DataFrame], list[RowError]] | None = None
    label: str = ""
    roles: frozenset[str] = LEADER_ROLES
    """Roles that may import this kind (the CLI's operator always may). Business rows
    are never an admin's or a rep's to import unless a kind says so."""
    owner: str | None = OWNER_AUTO
    """The column naming the person each row belongs to. A caller who does not see
    everyone may import only rows whose owner is in their scope, and may not replace
    a stored row whose owner is outside it. :data:`OWNER_AUTO`: the first of
    :data:`OWNER_COLUMNS` the kind has; ``None`` (or no such column): the rows name no
    person, so only callers who see everyone may import the kind."""
    table: Any = None
    """The mapped class or table the kind writes, for the stored-row check; ``None``:
    the table whose primary key is :attr:`key` (found in the models' metadata)."""

    @property
    def owner_column(self) -> str | None:
        """The column that carries the person each row belongs to, if any."""
        names = [c.name for c in self.columns]
        if self.owner != OWNER_AUTO:
            return self.owner if self.owner in names else None
        return next((name for name in OWNER_COLUMNS if name in names), None)


@dataclass(frozen=True)
class ExportKind:
    """An export kind: ``read`` returns the viewer's rows, already scoped."""

    kind: str
    read: Callable[[Engine, Viewer], pl.DataFrame]
    label: str = ""


@dataclass(frozen=True)
class HomeCard:
    """A card on the home page; ``render`` receives the page context."""

    key: str
    title: str
    render: Callable[[Any], None]
    roles: frozenset[str] = BUSINESS_ROLES
    order: int = 100


@dataclass(frozen=True)
class PanelSpec:
    """A panel another plugin shows on an entity's page (e.g. a customer's).

    The page that owns the entity calls ``render(ctx, entity_id)`` for every
    panel registered for its ``entity`` ("customer" or "person"), so the
    pipeline plugin can show a customer's complaints on the customers
    plugin's page without either importing the other.
    """

    entity: Literal["customer", "person"]
    key: str
    title: str
    render: Callable[[Any, int], None]
    roles: frozenset[str] = BUSINESS_ROLES
    order: int = 100


AgendaKind = Literal[
    "followup",
    "visit",
    "pool_release",
    "milestone",
    "action_item",
    "meeting",
    "appraisal",
    "report",
    "receivable",
]
AGENDA_KINDS: tuple[AgendaKind, ...] = get_args(AgendaKind)
"""The kinds of :class:`AgendaItem`, pinned (``command-center today`` prints them)."""


@dataclass(frozen=True)
class AgendaItem:
    """One row of a person's day: the Today page and ``command-center today``.

    ``due`` is a ``datetime`` for a thing at a time (a meeting, a planned
    visit) and a ``date`` for a thing due by that day (a follow-up, a
    milestone); a date before the day asked for means overdue, a later one a
    warning ahead (a customer the pool will release). ``person_id`` is who
    acts, ``customer_id`` the customer it concerns (if any). ``title`` is
    already translated. ``key`` names the row, unique within its plugin and
    stable across reruns (widget keys hang on it).

    ``render_action(ctx, key)``, when given, draws the row's one-tap form on
    the Today page (``ctx`` the page's :class:`command_center.context.PageContext`,
    ``key`` a widget-key prefix) and writes through the plugin's own action,
    with its role checks: the page never imports the plugin. ``action_label``
    is the button that opens it (translated; empty: "Log").
    """

    kind: AgendaKind
    due: dt.date
    person_id: int | None
    title: str
    key: str
    customer_id: int | None = None
    render_action: Callable[[Any, str], None] | None = field(default=None, compare=False)
    action_label: str = ""


@dataclass
class DemoContext:
    """Handed to every ``seed_demo``: the core's demo rows are already stored.

    ``rng`` is seeded from the demo seed and the plugin's name, so one
    plugin's data do not change when another plugin is added.
    """

    engine: Engine
    scale: str
    seed: int
    as_of: dt.date
    rng: random.Random
    months: Sequence[dt.date]
    people: pl.DataFrame
    customers: pl.DataFrame
    progress: Callable[[str], None] = field(default=lambda _msg: None)


MigrationDir = Path
