"""The demo's target plans: the Targets page opens on real plans for every role.

After the demo's rows (and the plugins') are stored, the year of ``as_of`` gets three
revenue plans, made through the target-plan actions (:mod:`command_center.targets.actions`,
role checks, audit and notifications included), by the demo's own logins:

1. ``director``'s year plan — the force's figure and each region's — saved, submitted
   and approved by the director (the top plan);
2. ``manager``'s split of their region onto their supervisors — saved and submitted by
   the manager, approved by the director;
3. ``supervisor``'s split of their team onto their reps — saved and submitted by the
   supervisor, waiting for ``manager``'s approval (the page's "Waiting for your
   approval"; a notification).

The figures are the demo's targets as the app already shows them: each person's month
target as the registry resolves it (a rep's own row, a leader's team's sum), so the
approved plans write into ``targets`` exactly the figures every page read before (a
leader without any, such as a new team nobody sells in yet, is left out). A month
of the year past the demo's targets (``as_of`` before October) takes the same month of
the year before. The reps' own rows do not change (their supervisor's split is only
submitted).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import polars as pl
from sqlalchemy import Engine, select

from command_center.db.engine import read_session
from command_center.db.models import Person, User
from command_center.metrics import MetricRegistry
from command_center.org.auth import SignedIn, viewer_for
from command_center.org.scope import OPERATOR, Viewer
from command_center.periods import parse_period
from command_center.plugins import PluginHost
from command_center.targets import actions
from command_center.targets.logic import MONTHS
from command_center.targets.queries import month_targets, plannable_metrics

METRIC = "revenue"
LOGINS = ("director", "manager", "supervisor")
WRITES = 8
"""The plans' writes: three saves, three submits, two approvals, each its own transaction
(and data-version bump), as on the page."""


def _viewers(engine: Engine) -> dict[str, Viewer]:
    """The demo's director, manager and supervisor logins as the app signs them in."""
    with read_session(engine) as session:
        users = session.scalars(select(User).where(User.login.in_(LOGINS))).all()
        found = [SignedIn(u.user_id, u.login, u.role, u.person_id) for u in users]
    return {s.login: viewer_for(engine, s) for s in found if s.person_id is not None}


def _figures(engine: Engine, registry: MetricRegistry, year: int) -> dict[int, list[float]]:
    """Each person's target for each month of ``year``, as the registry resolves it today
    (a month without any: the same month of the year before; else 0)."""
    out: dict[int, list[float]] = {}
    for month in range(1, MONTHS + 1):
        goal = pl.DataFrame()
        for label in (f"{year}-{month:02d}", f"{year - 1}-{month:02d}"):
            goal = registry.targets(engine, OPERATOR, METRIC, parse_period(label))
            if goal.height:
                break
        for node, value in goal.select("node_id", "target").iter_rows():
            out.setdefault(int(node), [0.0] * MONTHS)[month - 1] = float(value or 0.0)
    return out


def _lines(engine: Engine, leader: int, figures: dict[int, list[float]]) -> dict[int, list[float]]:
    with read_session(engine) as session:
        rows = session.execute(select(Person.person_id, Person.manager_id, Person.status)).all()
    edges = {p: m for p, m, _ in rows}
    status = {p: s for p, _, s in rows}
    people = actions.plan_people(edges, status, leader)
    # Someone with no target (a team with nobody to sell yet) stays without one.
    none = [0.0] * MONTHS
    return {p: list(figures.get(p, none)) for p in people if p == leader or any(figures.get(p, ()))}


def seed_target_plans(
    engine: Engine,
    host: PluginHost,
    as_of: dt.date,
    progress: Callable[[str], None] = lambda msg: None,
) -> int:
    """Store the demo's three plans for ``as_of``'s year (module docstring); the plans made
    (0 when the demo's logins or the revenue metric are missing)."""
    registry = MetricRegistry(host)
    who = _viewers(engine)
    if METRIC not in plannable_metrics(registry) or set(who) != set(LOGINS):
        return 0
    progress("Target plans: the year's plan, one region's split, one team's split")
    year = as_of.year
    figures = _figures(engine, registry, year)
    director, manager, supervisor = (who[login] for login in LOGINS)

    def plan_of(viewer: Viewer, parent: bool) -> int:
        leader = int(viewer.person_id or 0)
        stored = month_targets(engine, registry, year, METRIC, leader) if parent else None
        lines = _lines(engine, leader, figures)
        saved = actions.save(
            engine, registry, viewer, (year, METRIC, leader), lines, "typed", stored
        )
        actions.submit(engine, viewer, saved.plan_id)
        return saved.plan_id

    actions.approve(engine, director, plan_of(director, parent=False))
    actions.approve(engine, director, plan_of(manager, parent=True))
    plan_of(supervisor, parent=True)  # waiting for the manager's approval
    return 3
