"""``cc.incentives``: commission plans in the notebook API (``register_notebook``).

``simulate`` runs what ``command-center commission simulate`` runs (the
plan checked against the registry, :func:`queries.simulation.simulate` scoped to
``cc.viewer``, the CLI's columns and rounding); ``cc.simulate(...)`` forwards
here.
"""

from __future__ import annotations

import datetime as dt
import html
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from command_center.db import frames
from command_center.i18n import language, t
from command_center.periods import parse_period
from plugins.incentives import charts
from plugins.incentives.actions import scenarios as scenario_actions
from plugins.incentives.errors import PlanInvalid
from plugins.incentives.logic.earnings_curve import earnings_curve, typical_sample
from plugins.incentives.logic.engine import simulation_table
from plugins.incentives.logic.levers import BASE_CHOICES, plan_levers
from plugins.incentives.logic.plan_edits import apply_edits
from plugins.incentives.logic.plan_model import Plan, parse_plan
from plugins.incentives.logic.whatif import compare, curves, run_scenario, summaries, within
from plugins.incentives.queries import figures as figure_reads
from plugins.incentives.queries import plans as plan_reads
from plugins.incentives.queries import simulation

if TYPE_CHECKING:
    from command_center.notebook import CommandCenter


def _month(value: str | dt.date) -> dt.date:
    if isinstance(value, dt.date):
        return value.replace(day=1)
    try:
        period = parse_period(value)
    except (ValueError, TypeError):
        raise ValueError(t("incentives.cli.bad_month", value=value)) from None
    if period.grain != "month":
        raise ValueError(t("incentives.cli.bad_month", value=value))
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
            raise FileNotFoundError(t("incentives.notebook.no_plan", name=str(plan)))
        return plan

    def simulate(
        self, plan: str | Path | Plan, start: str | dt.date, end: str | dt.date
    ) -> pl.DataFrame:
        """One row per person and plan period paid in ``start``..``end`` (``YYYY-MM``).

        The columns of ``commission simulate``: ``person_id`` (and its key,
        ``person_key``, as the command prints it), ``period, revenue, profit, quota,
        attainment``, one per component, then ``gate_adjustment, cap_adjustment,
        payout``. The engine's notes come as Python warnings.
        """
        checked = self.plan(plan)
        first, last = _month(start), _month(end)
        _in_order(first, last)
        cc = self._cc
        result = simulation.simulate(cc.engine, cc.registry, cc.viewer, checked, first, last)
        for note in result.notes:
            message = t(f"incentives.note.{note.code}", **note.params)
            warnings.warn(f"{t('incentives.cli.note')}: {message}", stacklevel=2)
        return cc.keyed(simulation_table(result.frame, result.components))

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

    def whatif(
        self,
        plan: str | int,
        start: str | dt.date | None = None,
        end: str | dt.date | None = None,
    ) -> WhatIf:
        """The simulator page's what-if for a stored plan (name: its newest version; or id).

        ``start``/``end`` (``YYYY-MM``) default to the current quarter so far.
        """
        versions = self.plans()
        if isinstance(plan, int):
            chosen = versions.filter(pl.col("version_id") == plan)
        else:
            chosen = versions.filter(pl.col("name") == str(plan)).sort("version", descending=True)
        if chosen.is_empty():
            known = ", ".join(sorted(set(versions["name"].to_list())))
            raise ValueError(t("incentives.notebook.no_stored_plan", plan=plan, known=known))
        today = dt.date.today().replace(day=1)
        first = _month(start) if start else today.replace(month=(today.month - 1) // 3 * 3 + 1)
        last = _month(end) if end else today
        _in_order(first, last)
        return WhatIf(self._cc, int(chosen["version_id"][0]), first, last)


def _in_order(first: dt.date, last: dt.date) -> None:
    if last < first:
        raise ValueError(
            t("incentives.notebook.range_backwards", start=f"{first:%Y-%m}", end=f"{last:%Y-%m}")
        )


def curve_labels() -> tuple[str, str]:
    """The baseline and scenario series names, as the simulator page shows them."""
    return (t("incentives.sim.baseline"), t("incentives.sim.scenario"))


class WhatIf:
    """``cc.whatif(plan)``: the simulator page's what-if as an ipywidgets widget.

    The same levers (:func:`~plugins.incentives.logic.levers.plan_levers`), the
    same sources and engine as the page (stored plan's baseline, the scope's
    figures, :func:`~plugins.incentives.logic.whatif.run_scenario`). Move a
    lever in Jupyter, or from code with :meth:`set` or by setting
    ``controls[path].value``: :attr:`table` (baseline vs scenario per person)
    and :attr:`curve` (earnings curves) are recomputed and redrawn; the table
    names each person by ``person_id`` and ``person_key``.
    :meth:`save` stores the scenario for the app's simulator page (managers
    and directors); :meth:`to_yaml` exports the edited plan.
    """

    def __init__(self, cc: CommandCenter, version_id: int, start: dt.date, end: dt.date) -> None:
        try:
            import ipywidgets as widgets
        except ImportError as exc:  # tested in a process without ipywidgets
            raise ImportError(t("notebook.needs_widgets", what="cc.whatif")) from exc
        self._cc = cc
        self.version_id = version_id
        self.start, self.end = start, end
        self.plan = plan_reads.plan(cc.engine, version_id)
        self.levers = {lever.path: lever for lever in plan_levers(self.plan)}
        self.figures = figure_reads.figures_between(cc.engine, cc.registry, self.plan, start, end)
        self._baseline = simulation.baseline(cc.engine, cc.registry, version_id, start, end)
        self._multipliers = figure_reads.multipliers(cc.engine)
        self._people = frames.people(cc.engine, cc.viewer)
        self.problem: str | None = None
        self.changed: Plan = self.plan
        self.table = pl.DataFrame()
        self.curve = pl.DataFrame()
        self.controls: dict[str, Any] = {}
        for path, lever in self.levers.items():
            label = f"{lever.owner} · {t(lever.label, **dict(lever.params))}"
            if lever.kind == "toggle":
                control = widgets.Checkbox(value=bool(lever.value), description=label)
            elif lever.kind == "base":
                control = widgets.Dropdown(
                    options=list(BASE_CHOICES), value=str(lever.value), description=label
                )
            else:
                control = widgets.FloatText(value=float(lever.value or 0), description=label)
            control.style.description_width = "initial"
            control.observe(self._moved, names="value")
            self.controls[path] = control
        self.everyone = widgets.FloatSlider(
            value=0.0, min=-0.5, max=0.5, step=0.01, description=t("incentives.sim.everyone")
        )
        self.everyone.style.description_width = "initial"
        self.everyone.observe(self._moved, names="value")
        self._status = widgets.HTML()
        self._table_out = widgets.Output()
        self._curve_out = widgets.Output()
        self.widget = widgets.VBox(
            [
                widgets.HTML(f"<b>{html.escape(self.plan.name)}</b> · {start:%Y-%m}..{end:%Y-%m}"),
                widgets.VBox([*self.controls.values(), self.everyone]),
                self._status,
                widgets.HBox([self._curve_out, self._table_out]),
            ]
        )
        self.recompute()

    # -- levers -------------------------------------------------------------------
    def set(self, path: str, value: Any) -> None:
        """Move the lever at ``path`` (as the widget does); recomputes."""
        if path not in self.controls:
            known = ", ".join(self.controls)
            raise KeyError(
                t("incentives.notebook.no_lever", path=path, plan=self.plan.name, known=known)
            )
        self.controls[path].value = value

    def edits(self) -> dict[str, Any]:
        """``{path: value}`` of the levers moved away from the plan's value."""
        out: dict[str, Any] = {}
        for path, lever in self.levers.items():
            value = self.controls[path].value
            if lever.kind == "toggle":
                if bool(value) != bool(lever.value):
                    out[path] = bool(value)
            elif lever.kind == "base":
                if str(value) != str(lever.value):
                    out[path] = str(value)
            elif lever.value is None or abs(float(value) - float(lever.value)) > 1e-12:
                out[path] = float(value)
        return out

    def assumptions(self) -> dict[str, Any]:
        """The revenue assumption, in the page's shape (everyone's change; no team)."""
        return {"everyone": float(self.everyone.value), "team_root": None, "team": 0.0}

    # -- recomputing ----------------------------------------------------------------
    def _moved(self, _change: object) -> None:
        # A widget's callback may run outside the cell's context: the session's language.
        with language(self._cc.lang):
            self.recompute()

    def recompute(self) -> None:
        """Run the engine for the current levers and redraw the table and curve."""
        cc = self._cc
        try:
            self.changed = apply_edits(self.plan, self.edits())
            self.problem = None
        except PlanInvalid as exc:
            self.changed = self.plan
            self.problem = t("incentives.sim.invalid", issues="; ".join(str(i) for i in exc.issues))
        assumed = self.assumptions()
        assumptions = simulation.team_assumptions(
            cc.engine, assumed["everyone"], assumed["team_root"], assumed["team"]
        )
        timed = run_scenario(
            self.figures, self.changed, self.start, self.end, assumptions, self._multipliers
        )
        scope = cc.viewer.person_ids
        self.table = cc.keyed(
            compare(within(self._baseline, scope), within(timed.evaluation, scope), self._people)
        )
        sample = typical_sample(self.figures, self.plan, scope, self.start, self.end)
        self.curve = curves(
            earnings_curve(self.plan, sample, self.figures.kinds),
            earnings_curve(self.changed, sample, self.figures.kinds),
            curve_labels(),
        )
        self._draw()

    def totals(self) -> tuple[float, float]:
        """(baseline, scenario) payout of the viewer's scope."""
        old, new = summaries(self.table)
        return old.payout, new.payout

    def chart(self) -> Any:
        """The earnings curve chart (the simulator page's builder)."""
        return charts.earnings_curve(self.curve, *curve_labels())

    def _draw(self) -> None:
        from IPython.display import display

        old, new = self.totals() if self.table.height else (0.0, 0.0)
        status = t("notebook_widget.totals", baseline=f"{old:,.0f}", scenario=f"{new:,.0f}")
        if self.problem:
            status = f"{html.escape(self.problem)}<br>{status}"
        self._status.value = status
        with self._curve_out:
            self._curve_out.clear_output(wait=True)
            display(self.chart())
        with self._table_out:
            self._table_out.clear_output(wait=True)
            display(self.table)

    # -- results --------------------------------------------------------------------
    def save(self, name: str) -> int:
        """Store the scenario as ``name`` for the app's simulator page; its id.

        Role-checked by the incentives actions (managers and directors);
        a refusal raises ``IncentivesError`` with its translated message.
        """
        cc = self._cc
        return scenario_actions.save_scenario(
            cc.engine,
            cc.viewer,
            cc.viewer.login,
            name,
            self.version_id,
            self.start,
            self.end,
            self.edits(),
            self.assumptions(),
        )

    def to_yaml(self) -> str:
        """The edited plan as YAML (what the page's export button downloads)."""
        return self.changed.to_yaml()

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)


def helpers(cc: CommandCenter) -> dict[str, object]:
    helper = IncentivesNotebook(cc)
    return {"incentives": helper, "charts": {"earnings_curve": helper.earnings_curve_chart}}
