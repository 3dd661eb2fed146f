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
from plugins.incentives.logic.engine import simulation_table
from plugins.incentives.logic.plan_edits import apply_edits
from plugins.incentives.logic.plan_model import Plan, parse_plan
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


def helpers(cc: CommandCenter) -> dict[str, object]:
    return {"incentives": IncentivesNotebook(cc)}
