"""``cc.appraisal``: appraisal cycles and the 2-7-1 grid in the notebook API.

The same reads as the calibration page, with the signed-in ``cc.viewer``;
``cc.charts.grid_271`` draws the page's grid chart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import polars as pl

from command_center.i18n import t
from plugins.appraisal import charts, queries
from plugins.appraisal.actions import policy
from plugins.appraisal.logic import GRIDS

if TYPE_CHECKING:
    from command_center.notebook import CommandCenter


class AppraisalNotebook:
    """Appraisal records in the signed-in viewer's scope."""

    def __init__(self, cc: CommandCenter) -> None:
        self._cc = cc

    def cycles(self) -> pl.DataFrame:
        """The cycles the viewer may see."""
        return queries.cycles(self._cc.engine, self._cc.viewer)

    def records(self, cycle: int | None = None) -> pl.DataFrame:
        """The cycle's records in scope (default: the newest cycle in calibration or
        closed); the keys beside the ids (``person_key``; ``team_key``, the leader's)."""
        return self._cc.keyed(self._records(cycle), {"team_id": "person"})

    def _records(self, cycle: int | None) -> pl.DataFrame:
        return queries.records(self._cc.engine, self._cc.viewer, [self._cycle_id(cycle)])

    def grid_chart(self, cycle: int | None = None) -> Any:
        """``cc.charts.grid_271``: the calibration page's grid (None when nobody is placed)."""
        rules = policy(self._cc.engine)
        labels = {g: self.grid_label(g) for g in GRIDS}
        return charts.grid_chart(self._records(cycle), rules, labels)

    @staticmethod
    def grid_label(grid: str) -> str:
        """A grid cell's name, as the pages show it."""
        return t(f"appraisal.grid.{grid}")

    def _cycle_id(self, cycle: int | None) -> int:
        visible = self.cycles()
        if cycle is not None:
            if int(cycle) not in visible["cycle_id"].to_list():
                raise ValueError(t("appraisal.error.no_cycle", cycle=cycle))
            return int(cycle)
        ready = visible.filter(pl.col("state").is_in(["calibration", "closed"]))
        if ready.is_empty():
            raise ValueError(t("appraisal.calibration.none"))
        return int(ready.sort("cycle_id", descending=True)["cycle_id"][0])


def helpers(cc: CommandCenter) -> dict[str, object]:
    helper = AppraisalNotebook(cc)
    return {"appraisal": helper, "charts": {"grid_271": helper.grid_chart}}
