"""Team events at scale: the review pack and the digest read less, and show the same.

The pack used to call ``metrics.total`` (the registry's targets resolved up the
whole tree for every metric) and ``registry.scorecard`` / ``rollup`` (every node
of the team); the digest read every order line of two weeks. The reference
implementations below are those old paths, verbatim; the new ones must give the
same figures on the full small demo (every plugin's metrics), on each backend.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from command_center.db import frames
from command_center.db.engine import write_session
from command_center.db.models import Person
from command_center.metrics import MetricRegistry, total
from command_center.org.scope import Viewer
from command_center.periods import Period, parse_period
from plugins.team_events import queries
from plugins.team_events.logic import comms, review
from plugins.team_events.models import Event
from plugins.team_events.queries import digest, pack
from plugins.team_events.queries.teams import team_members
from tests.conftest import AS_OF, Db, make_host
from tests.fixtures_team_events import viewer

pytestmark = pytest.mark.one_backend  # old vs new path in Polars: SQLite suffices

D = dt.date


# -- the old paths, as they were --------------------------------------------------------------
def old_results(
    engine, registry: MetricRegistry, team: Viewer, root: int, month: Period
) -> pl.DataFrame:
    rows = []
    for key in review.ordered_keys(registry.keys(), pack.PREFERRED):
        spec = registry.spec(key)
        tot = total(registry, engine, team, key, month, [root])
        rows.append(
            {
                "key": key,
                "label": spec.label,
                "unit": spec.unit,
                "higher_is_better": spec.higher_is_better,
                "value": tot.value,
                "target": tot.target,
                "previous": tot.previous,
            }
        )
    return review.results(pl.DataFrame(rows, schema=pack.RESULT_SCHEMA))


def old_members(
    engine, registry: MetricRegistry, team: Viewer, root: int, month: Period
) -> pl.DataFrame:
    people = frames.people(engine, team)
    direct = people.filter(pl.col("manager_id") == root).select("person_id", "name", "level")
    card = registry.scorecard(engine, team, "revenue", month)
    out = direct.join(
        card.select(
            pl.col("node_id").alias("person_id"),
            pl.col("value").alias("revenue"),
            "target",
            "attainment",
            "previous",
        ),
        on="person_id",
        how="left",
    )
    growth = registry.rollup(engine, team, "growth", month).select(
        pl.col("node_id").alias("person_id"), pl.col("value").alias("growth")
    )
    out = out.join(growth, on="person_id", how="left")
    return (
        out.select(list(pack.MEMBER_SCHEMA))
        .cast(pack.MEMBER_SCHEMA)
        .sort(["revenue", "person_id"], descending=[True, False], nulls_last=True)
    )


def old_week_sales(engine, team: Viewer, start: D) -> tuple[float, int, float, pl.DataFrame]:
    end = start + dt.timedelta(days=6)
    orders = frames.orders(engine, team, start - dt.timedelta(days=7), end)
    return comms.week_sales(orders, frames.people(engine, team), start)


def _team(engine, who: Viewer, root: int) -> Viewer:
    return who.narrow(frozenset(team_members(engine, root, include_left=True)))


def _equal(new: pl.DataFrame, old: pl.DataFrame) -> None:
    assert_frame_equal(new, old, check_exact=False, rel_tol=1e-9, abs_tol=1e-9)


# -- the pack -----------------------------------------------------------------------------------
@pytest.mark.parametrize("login", ["director", "manager", "supervisor"])
@pytest.mark.parametrize("month", ["2026-10", "2026-06", "2025-12"])
def test_pack_figures_equal_the_old_path(demo_db: Db, login: str, month: str) -> None:
    engine = demo_db.engine
    registry = MetricRegistry(make_host())
    who = viewer(engine, login)
    built = pack.build(engine, registry, who, who.person_id, month, today=AS_OF)
    team, period = _team(engine, who, who.person_id), parse_period(month)
    old = old_results(engine, registry, team, who.person_id, period)
    assert built.results["key"].to_list() == old["key"].to_list()
    assert len(registry.keys()) > 20  # every plugin's metrics are in the comparison
    _equal(built.results, old)
    # the comparison is not empty: figures and targets are there to compare
    assert built.results["value"].drop_nulls().len() >= 10
    assert built.result("revenue")["target"] is not None  # type: ignore[index]
    members = old_members(engine, registry, team, who.person_id, period)
    assert members.height >= 1 and members["revenue"].drop_nulls().len() >= 1
    _equal(built.members, members)


def test_pack_of_a_sub_team_seen_from_above_equals_the_old_path(demo_db: Db) -> None:
    """The director opening a manager's team: the team narrows the director's scope."""
    engine = demo_db.engine
    registry = MetricRegistry(make_host())
    boss, manager = viewer(engine, "director"), viewer(engine, "manager")
    assert manager.person_id is not None
    built = pack.build(engine, registry, boss, manager.person_id, "2026-09", today=AS_OF)
    team, period = _team(engine, boss, manager.person_id), parse_period("2026-09")
    _equal(built.results, old_results(engine, registry, team, manager.person_id, period))
    _equal(built.members, old_members(engine, registry, team, manager.person_id, period))


def test_root_target_shortcut_only_skips_metrics_without_rows(demo_db: Db) -> None:
    """A metric with no target row for the month has no team target; one with rows has."""
    engine = demo_db.engine
    registry = MetricRegistry(make_host())
    who = viewer(engine, "manager")
    assert who.person_id is not None
    team, period = _team(engine, who, who.person_id), parse_period("2026-10")
    goals = frames.targets(engine, team)
    with_rows = set(goals.filter(pl.col("period") == "2026-10")["metric"].to_list())
    assert "revenue" in with_rows
    keys = registry.keys()
    for key in keys:
        got = pack._root_target(engine, registry, team, key, period, who.person_id, goals)
        expected = total(registry, engine, team, key, period, [who.person_id]).target
        assert got == pytest.approx(expected), key
        if key not in with_rows:
            assert got is None


# -- the digest ---------------------------------------------------------------------------------
@pytest.mark.parametrize("login", ["director", "manager", "supervisor"])
def test_digest_sales_equal_the_order_lines(demo_db: Db, login: str) -> None:
    engine = demo_db.engine
    who = viewer(engine, login)
    assert who.person_id is not None
    counted = []
    for day in (D(2026, 10, 14), D(2026, 11, 11), D(2026, 3, 2)):
        built = digest.build(engine, who, who.person_id, day, today=AS_OF)
        revenue, lines, previous, top = old_week_sales(
            engine, _team(engine, who, who.person_id), built.week_start
        )
        assert built.revenue == pytest.approx(revenue)
        assert built.order_lines == lines
        assert built.previous_revenue == pytest.approx(previous)
        _equal(built.top_sellers, top)
        counted.append(lines)
    assert counted[0] > 0 and counted[2] > 0


def test_daily_sales_is_scoped_in_sql(demo_db: Db) -> None:
    engine = demo_db.engine
    rep = viewer(engine, "rep")
    start, end = D(2026, 10, 1), D(2026, 10, 31)
    days = queries.daily_sales(engine, rep, start, end)
    assert set(days["person_id"].to_list()) == {rep.person_id}
    lines = frames.orders(engine, rep, start, end)
    assert int(days["lines"].sum()) == lines.height > 0
    assert float(days["revenue"].sum()) == pytest.approx(float(lines["revenue"].sum()))


# -- caches follow the tables they read --------------------------------------------------------
def test_plugin_caches_survive_writes_elsewhere_and_follow_their_tables(empty_db: Db) -> None:
    engine = empty_db.engine
    events = queries._all_events(engine)
    invitations = queries._all_invitations(engine)
    actions = queries._all_actions(engine)
    _, audience = queries._all_announcements(engine)
    with write_session(engine) as session:  # people: not read by events, invitations, items
        session.add(Person(person_id=1, name="New", level="director", hire_date=D(2026, 1, 5)))
    assert queries._all_events(engine) is events
    assert queries._all_invitations(engine) is invitations
    assert queries._all_actions(engine) is actions
    _, after = queries._all_announcements(engine)
    assert after is not audience  # an audience follows the org chart
    with write_session(engine) as session:
        session.add(
            Event(
                kind="weekly_meeting",
                title="Weekly",
                team_root=1,
                organiser_id=1,
                event_date=D(2026, 1, 12),
                start_time="09:00",
            )
        )
    assert queries._all_events(engine).height == events.height + 1
    assert queries._all_invitations(engine) is not invitations  # joined with events


def test_metric_tables_are_declared() -> None:
    registry = MetricRegistry(make_host())
    assert registry.spec("meeting_attendance").tables == queries.INVITATION_TABLES
    # actions_on_time depends on today's date: it keeps the safe default
    assert registry.spec("actions_on_time").tables is None
