"""Sections of the monthly review pack: what the built-ins and other plugins add.

A :class:`PackSection` is one heading of the pack and what it shows: a list
of blocks, each a table (a Polars frame, display-ready) or a paragraph (a
string). The built-in sections (results, members, movers, honours, next
month's targets, meetings) are defined this way in
:mod:`plugins.team_events.io.documents`; other plugins add theirs through the
hook ``team_events_register_sections`` (``plugins/team_events/hookspecs.py``),
collected once per plugin host by :func:`installed_sections`. A plugin's
section ``gather`` s its figures while the pack is built (with
:class:`SectionInputs`: the team, the month, the metric registry) and
renders them in every document: on the page, HTML, Markdown and XLSX.

Pure: the registry and the types; the reads are the ``gather`` functions'.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import polars as pl

from command_center import extensions

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from command_center.metrics import MetricRegistry
    from command_center.org.scope import Viewer
    from command_center.periods import Period
    from plugins.team_events.queries.pack import Pack

HOOK = "team_events_register_sections"
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
BUILTIN_KEYS: tuple[str, ...] = (
    "results",
    "members",
    "top_movers",
    "bottom_movers",
    "honours",
    "next_targets",
    "meetings",
)
Block = pl.DataFrame | str


@dataclass(frozen=True)
class SectionInputs:
    """What a section's ``gather`` reads from: the team within the viewer's scope.

    ``team`` is the viewer narrowed to the team's members (pass it to every
    read); ``people`` the team's ``person_id, name, level, manager_id, …``;
    ``period`` the pack's month (``.start``, ``.end``, ``.label``, ``.previous()``).
    """

    engine: Engine
    registry: MetricRegistry
    team: Viewer
    team_root: int
    period: Period
    people: pl.DataFrame
    today: dt.date

    def person_values(self, metric: str, period: Period | None = None) -> pl.DataFrame:
        """``person_id, num, den, value`` of a registry metric for the team (default: the month)."""
        return self.registry.person_values(self.engine, self.team, metric, period or self.period)


@dataclass(frozen=True)
class PackSection:
    """One section of the review pack.

    - ``key``: its name (lower-case letters, digits and ``_``);
    - ``title``: the message key of its heading, formatted with ``month``,
      ``next_month`` and ``team`` (or a function of the pack giving the heading);
    - ``content(pack, data)``: its blocks, display-ready in the active
      language: tables (Polars frames, translated headers) or paragraphs;
    - ``gather(inputs)``: the figures it needs, read when the pack is built
      (``data`` above; ``None`` without it);
    - ``sheet(pack, data)``: its XLSX sheet (numbers as numbers), titled
      ``sheet_title`` (a message key, default the heading); without it, its
      first table.

    ``plugin`` is set by :func:`installed_sections` to the plugin that added it.
    """

    key: str
    title: str | Callable[[Pack], str]
    content: Callable[[Pack, Any], Sequence[Block]]
    gather: Callable[[SectionInputs], Any] | None = None
    sheet: Callable[[Pack, Any], pl.DataFrame] | None = None
    sheet_title: str | None = None
    plugin: str = "team_events"


class SectionKit:
    """What implementations of ``team_events_register_sections`` build with (no import of
    team_events): ``kit.Section`` and, for type hints, ``kit.Inputs``."""

    Section = PackSection
    Inputs = SectionInputs


def refusal(found: Any) -> str | None:
    """Why ``found`` (one answer of the hook) cannot be a section, or ``None``."""
    if not isinstance(found, PackSection):
        return f"{found!r} is not a kit.Section"
    if not KEY_PATTERN.match(found.key):
        return f"section {found.key!r}: lower-case letters, digits and _ only"
    if found.key in BUILTIN_KEYS:
        return f"section {found.key!r} is a built-in section"
    if not callable(found.content):
        return f"section {found.key!r}: content must be a function"
    return None


installed_sections = extensions.registry(
    HOOK, tuple, name=lambda s: s.key, refuse=refusal, kit=SectionKit
)
"""``{key: PackSection}`` the plugins add, for a host (default: the process's)."""


def section_failed(section: PackSection, step: str, exc: Exception) -> None:
    """Record a plugin section's failure against its plugin (it is left out of the pack)."""
    from command_center.plugins import get_host

    error = f"section {section.key!r} ({step}): {type(exc).__name__}: {exc}"
    extensions.failed(get_host(), section.plugin, HOOK, error)
