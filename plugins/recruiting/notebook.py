"""``cc.recruiting``: the recruiting funnel in the notebook API.

The same reads and logic as the funnel page (:mod:`plugins.recruiting.ui.funnel`),
with the signed-in ``cc.viewer``; ``cc.charts.funnel`` draws the page's chart.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import polars as pl

from command_center.i18n import t
from command_center.periods import containing, parse_period
from plugins.recruiting import charts, queries
from plugins.recruiting.logic import funnel

if TYPE_CHECKING:
    from command_center.notebook import CommandCenter


class RecruitingNotebook:
    """Recruiting figures in the signed-in viewer's scope."""

    def __init__(self, cc: CommandCenter) -> None:
        self._cc = cc

    def funnel(
        self,
        period: str | None = None,
        basis: str = "period",
        opening: int = 0,
        source: str = "",
    ) -> pl.DataFrame:
        """The funnel page's table: stage, reached, conversion, share of applications.

        ``period`` ``YYYY-MM``/``YYYY-Qn``/``YYYY`` (default this month);
        ``basis`` ``period``, ``last_12`` or ``all``; ``opening`` 0 and
        ``source`` "" mean all, as on the page.
        """
        return funnel.funnel_table(self._cohort(period, basis, opening, source).reached)

    def funnel_chart(
        self,
        period: str | None = None,
        basis: str = "period",
        opening: int = 0,
        source: str = "",
    ) -> Any:
        """``cc.charts.funnel``: the funnel page's chart."""
        table = self.funnel(period, basis, opening, source)
        stage, count = t("recruiting.col.stage"), t("recruiting.col.reached")
        conversion = t("recruiting.col.conversion")
        return charts.funnel_bars(table, stage, count, conversion, funnel.stage_order())

    def _cohort(self, period: str | None, basis: str, opening: int, source: str) -> funnel.Cohort:
        if basis not in funnel.BASES:
            known = ", ".join(funnel.BASES)
            raise ValueError(t("recruiting.notebook.bad_basis", basis=basis, known=known))
        try:
            chosen = parse_period(period) if period else containing(dt.date.today(), "month")
        except (ValueError, TypeError):
            raise ValueError(t("recruiting.notebook.bad_period", value=period)) from None
        start, end = funnel.window(chosen, basis)
        cc = self._cc
        return funnel.cohort(
            queries.candidates(cc.engine, cc.viewer),
            queries.events(cc.engine, cc.viewer),
            queries.offers(cc.engine, cc.viewer),
            int(opening),
            str(source),
            start,
            end,
        )


def helpers(cc: CommandCenter) -> dict[str, object]:
    helper = RecruitingNotebook(cc)
    return {"recruiting": helper, "charts": {"funnel": helper.funnel_chart}}
