"""Sales Command Center: the core.

Plugins need only this module: ``hookimpl`` to mark hook implementations and
the public types they return.
"""

from __future__ import annotations

import pluggy

from command_center.types import (
    ALL_ROLES,
    BUSINESS_ROLES,
    LEADER_ROLES,
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

__all__ = [
    "ALL_ROLES",
    "BUSINESS_ROLES",
    "LEADER_ROLES",
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
]
