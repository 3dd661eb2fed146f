"""``cc.incentives``: commission plans in the notebook API (``register_notebook``).

``simulate`` runs what ``command-center commission simulate`` runs (the
plan checked against the registry, :func:`queries.simulation.simulate` scoped to
``cc.viewer``, the CLI's columns and rounding); ``cc.simulate(...)`` forwards
here.
"""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from command_center.i18n import t
from command_center.periods import parse_period
from plugins.incentives import charts
from plugins.incentives.logic.earnings_curve import earnings_curve, typical_sample
from plugins.incentives.logic.engine import simulation_table
from plugins.incentives.logic.plan_edits import apply_edits
from plugins.incentives.logic.plan_model import Plan, parse_plan
from plugins.incentives.logic.whatif import curves
from plugins.incentives.queries import figures as figure_reads
from plugins.incentives.queries import plans as plan_reads
from plugins.incentives.queries import simulation

if TYPE_CHECKING:
    from command_center.notebook import CommandCenter


def _month(value: str | dt.date) -> dt.date:
    if isinstance(value, dt.date):
        return value.replace(day=1)
    period = parse_period(value)
    if period.grain != "month":
        raise ValueError(f"not a month: {value!r} (expected YYYY-MM)")
    return period.start


class IncentivesNotebook:
    """Commission plans and simulations in the signed-in viewer's scope."""

    def __init__(self, cc: CommandCenter) -> None:
        self._cc = cc

    def plans(self) -> pl.DataFrame:
        """Every stored plan version (``name, version, effective_from, …``)."""
        return plan_reads.plan_versions(self._cc.engine)

    def plan(self, plan: str | Path | Plan) -> Plan:
        """A checked plan from a YAML file, YAML text, a stored plan's name, or a Plan.

        A plan that is not valid raises ``PlanInvalid`` (a ``ValueError``)
        naming every bad key; warnings are issued as Python warnings.
        """
        if isinstance(plan, Plan):
            return plan
        text = self._source(plan)
        checked = parse_plan(text, frozenset(self._cc.registry.keys()))
        for warning in checked.warnings:
            warnings.warn(f"{t('incentives.cli.warning')}: {warning}", stacklevel=3)
        return checked.plan

    def edit(self, plan: str | Path | Plan, edits: dict[str, Any]) -> Plan:
        """A scenario: ``plan`` with each ``path: value`` changed, checked again.

        Paths are the ones the plan's errors name, e.g.
        ``{"components[0].tiers[1].rate": 0.07, "cap.amount": 30000}``, the
        same edits as the simulator page's levers.
        """
        return apply_edits(self.plan(plan), edits)

    def _source(self, plan: str | Path) -> str:
        if isinstance(plan, Path) or (isinstance(plan, str) and "\n" not in plan):
            path = Path(plan)
            if path.is_file():
                return path.read_text(encoding="utf-8")
            stored = self.plans().filter(pl.col("name") == str(plan))
            if stored.height:
                return plan_reads.plan_source(self._cc.engine, int(stored["version_id"][0]))
            raise FileNotFoundError(f"no plan file or stored plan named {str(plan)!r}")
        return plan

    def simulate(
        self, plan: str | Path | Plan, start: str | dt.date, end: str | dt.date
    ) -> pl.DataFrame:
        """One row per person and plan period paid in ``start``..``end`` (``YYYY-MM``).

        The columns of ``commission simulate``: ``person_id, period, revenue,
        profit, quota, attainment``, one per component, then
        ``gate_adjustment, cap_adjustment, payout``. The engine's notes come
        as Python warnings.
        """
        checked = self.plan(plan)
        first, last = _month(start), _month(end)
        if last < first:
            raise ValueError(f"the range ends before it starts: {start} .. {end}")
        cc = self._cc
        result = simulation.simulate(cc.engine, cc.registry, cc.viewer, checked, first, last)
        for note in result.notes:
            message = t(f"incentives.note.{note.code}", **note.params)
            warnings.warn(f"{t('incentives.cli.note')}: {message}", stacklevel=2)
        return simulation_table(result.frame, result.components)

    def curve_data(
        self,
        plan: str | Path | Plan,
        start: str | dt.date,
        end: str | dt.date,
        edits: dict[str, Any] | None = None,
    ) -> pl.DataFrame:
        """The simulator page's earnings curve data: baseline and (edited) scenario.

        The typical person of the viewer's scope in ``start``..``end``, paid
        by ``plan`` and by ``plan`` with ``edits`` (see :meth:`edit`), as
        :func:`~plugins.incentives.logic.whatif.curves` shapes it for the page.
        """
        base = self.plan(plan)
        changed = apply_edits(base, edits) if edits else base
        first, last = _month(start), _month(end)
        cc = self._cc
        figures = figure_reads.figures_between(cc.engine, cc.registry, base, first, last)
        sample = typical_sample(figures, base, cc.viewer.person_ids, first, last)
        return curves(
            earnings_curve(base, sample, figures.kinds),
            earnings_curve(changed, sample, figures.kinds),
            curve_labels(),
        )

    def earnings_curve_chart(
        self,
        plan: str | Path | Plan,
        start: str | dt.date,
        end: str | dt.date,
        edits: dict[str, Any] | None = None,
    ) -> Any:
        """``cc.charts.earnings_curve``: the simulator page's curve chart."""
        return charts.earnings_curve(self.curve_data(plan, start, end, edits), *curve_labels())


def curve_labels() -> tuple[str, str]:
    """The baseline and scenario series names, as the simulator page shows them."""
    return (t("incentives.sim.baseline"), t("incentives.sim.scenario"))


def helpers(cc: CommandCenter) -> dict[str, object]:
    helper = IncentivesNotebook(cc)
    return {"incentives": helper, "charts": {"earnings_curve": helper.earnings_curve_chart}}
