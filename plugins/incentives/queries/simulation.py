"""Plans run on the stored figures: what the simulator page, the CLI and the notebook show.

The simulator page, ``commission simulate`` and ``cc.incentives.simulate``
all call these, so what a manager sees on screen is what the CLI prints.
Every result a person sees is cut to the viewer's scope (the engine runs on
everyone: pools and team figures need the whole force). A supervisor's
simulation is their team's only (:func:`team_baseline_view`): the figures of
their people, pools left out.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from command_center.db import frames
from command_center.metrics import MetricRegistry
from command_center.org.scope import Viewer
from command_center.org.tree import children_map, subtree
from plugins.incentives.logic.engine import Evaluation, evaluate
from plugins.incentives.logic.estimate import without_pools
from plugins.incentives.logic.plan_model import Plan
from plugins.incentives.logic.whatif import Assumptions, BaselineView, within
from plugins.incentives.logic.whatif import baseline_view as baseline_view_of
from plugins.incentives.queries import plans
from plugins.incentives.queries.figures import (
    figure_tables,
    figures_between,
    multipliers,
    team_figures_between,
)


def simulate(
    engine: Engine,
    registry: MetricRegistry,
    viewer: Viewer,
    plan: Plan,
    start: dt.date,
    end: dt.date,
) -> Evaluation:
    """The plan over ``start..end`` for the people in the viewer's scope."""
    figures = figures_between(engine, registry, plan, start, end)
    result = evaluate(plan, figures, start, end, multipliers(engine))
    return within(result, viewer.person_ids)


def baseline(
    engine: Engine, registry: MetricRegistry, version_id: int, start: dt.date, end: dt.date
) -> Evaluation:
    """A stored plan version's result for everyone, cached per data version."""

    plan = plans.plan(engine, version_id)

    def load() -> Evaluation:
        figures = figures_between(engine, registry, plan, start, end)
        return evaluate(plan, figures, start, end, multipliers(engine))

    return frames.cached(
        engine,
        "incentives:baseline",
        load,
        version_id,
        start,
        end,
        tables=_baseline_tables(registry, plan),
    )


def baseline_view(
    engine: Engine,
    registry: MetricRegistry,
    version_id: int,
    start: dt.date,
    end: dt.date,
    person_ids: frozenset[int] | None,
) -> BaselineView:
    """The simulator's :class:`BaselineView` for a scope (``None``: everyone), cached
    like :func:`baseline`: a lever move recomputes only the scenario's side."""
    plan = plans.plan(engine, version_id)

    def load() -> BaselineView:
        figures = figures_between(engine, registry, plan, start, end)
        base = baseline(engine, registry, version_id, start, end)
        return baseline_view_of(base, figures, plan, person_ids, start, end)

    return frames.cached(
        engine,
        "incentives:baseline_view",
        load,
        version_id,
        start,
        end,
        person_ids,
        tables=_baseline_tables(registry, plan),
    )


def team_plan(plan: Plan) -> Plan | None:
    """``plan`` as a team's simulation runs it: pools (shares of the whole force's year)
    left out; ``None`` when only pools pay."""
    return without_pools(plan)


def team_baseline_view(
    engine: Engine,
    registry: MetricRegistry,
    version_id: int,
    start: dt.date,
    end: dt.date,
    viewer: Viewer,
) -> BaselineView | None:
    """A supervisor's :class:`BaselineView`: the stored plan (pools left out) run on the
    figures of the viewer's people only (:func:`team_figures_between`), cached per
    data version and scope; ``None`` when only pools pay."""
    stored = plans.plan(engine, version_id)
    plan = team_plan(stored)
    if plan is None:
        return None

    def load() -> BaselineView:
        figures = team_figures_between(engine, registry, plan, start, end, viewer)
        base = evaluate(plan, figures, start, end, multipliers(engine))
        return baseline_view_of(base, figures, plan, viewer.person_ids, start, end)

    return frames.cached(
        engine,
        "incentives:team_baseline_view",
        load,
        version_id,
        start,
        end,
        viewer.person_ids,
        tables=_baseline_tables(registry, stored),
    )


def _baseline_tables(registry: MetricRegistry, plan: Plan) -> tuple[str, ...] | None:
    """What a stored plan's baseline reads (``None``: some metric does not say)."""
    read = figure_tables(registry, plan.metrics())
    return None if read is None else (*read, *plans.PLAN_TABLES, "published_facts")


def team_assumptions(engine: Engine, everyone: float, root: int | None, team: float) -> Assumptions:
    """:class:`Assumptions` with the team's subtree and the managers above it."""
    if root is None or team == 0:
        return Assumptions(everyone=everyone)
    people = frames.all_people(engine)
    edges = dict(people.select("person_id", "manager_id").iter_rows())
    members = frozenset(subtree(root, children_map(edges.items())))
    above: set[int] = set()
    node = edges.get(root)
    while node is not None and node not in above:
        above.add(node)
        node = edges.get(node)
    return Assumptions(everyone, team, root, members, frozenset(above))
