"""What every page receives: the data layer, the viewer and the sidebar filters."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from sqlalchemy import Engine

from command_center.db import frames
from command_center.metrics import MetricRegistry
from command_center.org.scope import Viewer
from command_center.periods import Period
from command_center.plugins import PluginHost


@dataclass(frozen=True)
class PageContext:
    """Handed to every page and home card.

    ``viewer`` is already narrowed to the sidebar's team; ``signed_in_viewer``
    is the user's whole scope. Read business data only through ``viewer``.
    """

    engine: Engine
    host: PluginHost
    registry: MetricRegistry
    viewer: Viewer
    signed_in_viewer: Viewer
    period: Period
    team_root: int | None
    user_id: int

    @property
    def actor(self) -> str:
        """The name written to the audit log for this user's writes."""
        return self.viewer.login

    def people(self) -> pl.DataFrame:
        return frames.people(self.engine, self.viewer)

    def roots(self) -> list[int]:
        """The top people of the viewer's (team-narrowed) scope."""
        people = self.people()
        ids = set(people["person_id"].to_list())
        return [
            pid
            for pid, mid in people.select("person_id", "manager_id").iter_rows()
            if mid is None or mid not in ids
        ]
