"""Sales Command Center: the core.

Plugins need only this module: ``hookimpl`` to mark hook implementations and
the public types they return.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import pluggy

from command_center.types import (
    AGENDA_KINDS,
    ALL_ROLES,
    BUSINESS_ROLES,
    LEADER_ROLES,
    AgendaItem,
    Column,
    DemoContext,
    ExportKind,
    HomeCard,
    ImportKind,
    MetricQuery,
    MetricSpec,
    PageSpec,
    PanelSpec,
    RowError,
)

__version__ = "0.1.0"

hookimpl = pluggy.HookimplMarker("command_center")

_Seed = TypeVar("_Seed", bound=Callable[..., None])


def seeds_after(*plugins: str) -> Callable[[_Seed], _Seed]:
    """Declare that a ``seed_demo`` implementation needs the named plugins' demo data.

    >>> @hookimpl
    ... @seeds_after("appraisal")
    ... def seed_demo(ctx: DemoContext) -> None: ...

    The demo loader seeds those plugins first (when they are enabled); other
    plugins keep the load order.
    """

    def mark(seed: _Seed) -> _Seed:
        seed.seeds_after = tuple(plugins)  # type: ignore[attr-defined]
        return seed

    return mark


__all__ = [
    "AGENDA_KINDS",
    "ALL_ROLES",
    "BUSINESS_ROLES",
    "LEADER_ROLES",
    "AgendaItem",
    "Column",
    "DemoContext",
    "ExportKind",
    "HomeCard",
    "ImportKind",
    "MetricQuery",
    "MetricSpec",
    "PageSpec",
    "PanelSpec",
    "RowError",
    "__version__",
    "hookimpl",
    "seeds_after",
]
