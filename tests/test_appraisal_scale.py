"""Appraisal at scale: live KPI actuals roll up only the nodes shown, and equal the old path.

The old path called ``registry.rollup`` over the whole cycle unit for every
metric of the contracts (the unit's closure rebuilt per metric) and kept the
rows of the people shown; the new one sums the registry's cached facts over
those people's subtrees only. The reference below is the old code, verbatim;
both must give the same figures on the full small demo, on each backend.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from command_center.metrics import MetricRegistry
from command_center.org.scope import OPERATOR
from command_center.periods import parse_period
from plugins.appraisal import queries
from plugins.appraisal.queries import CycleInfo, live
from tests.conftest import Db, make_host
from tests.fixtures_appraisal import login_viewer as viewer

pytestmark = pytest.mark.one_backend  # old vs new path in Polars: SQLite suffices


def old_actuals(
    engine, registry: MetricRegistry, cycle: CycleInfo, metrics: list[str], person_ids: list[int]
) -> tuple[pl.DataFrame, set[str]]:
    period = parse_period(cycle.period)
    scope = live.unit_viewer(engine, cycle.root_id)
    parts: list[pl.DataFrame] = []
    failed: set[str] = set()
    wanted = pl.DataFrame({"person_id": person_ids}, schema={"person_id": pl.Int64})
    for key in dict.fromkeys(metrics):
        if key not in registry:
            continue
        try:
            rolled = registry.rollup(engine, scope, key, period)
        except Exception:
            failed.add(key)
            continue
        summed = registry.spec(key).kind == "sum"
        part = wanted.join(
            rolled.select(pl.col("node_id").alias("person_id"), "num", "den", "value"),
            on="person_id",
            how="left",
        ).select(
            "person_id",
            pl.lit(key).alias("metric"),
            pl.col("num").fill_null(0.0) if summed else pl.col("num"),
            pl.col("den").fill_null(0.0) if summed else pl.col("den"),
            (pl.col("value").fill_null(0.0) if summed else pl.col("value")).alias("actual"),
        )
        parts.append(part.cast(live.ACTUAL_SCHEMA))  # type: ignore[arg-type]
    frame = pl.concat(parts) if parts else pl.DataFrame(schema=live.ACTUAL_SCHEMA)
    return frame, failed


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort("metric", "person_id")


def test_live_actuals_equal_the_old_rollup_for_every_cycle(demo_db: Db) -> None:
    engine = demo_db.engine
    registry = MetricRegistry(make_host())
    cycles = queries.all_cycles(engine)
    assert cycles.height >= 3 and "in_progress" in cycles["state"].to_list()
    compared = 0
    for row in cycles.iter_rows(named=True):
        cycle = queries.cycle_info(row)
        lines = queries.kpi_lines(engine, OPERATOR, [cycle.cycle_id])
        if lines.is_empty():
            continue
        metrics = [*lines["metric"].unique().sort().to_list(), "not_registered"]
        people = lines["person_id"].unique().sort().to_list()
        # the people of the cycle, plus its leader's team seen as one node, plus an outsider
        people = [*people, cycle.root_id, 10_000_000]
        new, failed = live.actuals(engine, registry, cycle, metrics, people)
        old, old_failed = old_actuals(engine, registry, cycle, metrics, people)
        assert failed == old_failed
        assert_frame_equal(_sorted(new), _sorted(old), check_exact=False, rel_tol=1e-9)
        compared += new.filter(pl.col("actual") != 0).height
    assert compared > 50


@pytest.mark.parametrize("login", ["director", "manager", "supervisor", "rep"])
def test_live_lines_equal_the_old_path_per_viewer(demo_db: Db, login: str, monkeypatch) -> None:
    engine = demo_db.engine
    registry = MetricRegistry(make_host())
    who = viewer(engine, login)
    cycle = queries.cycle_info(
        queries.cycles(engine, who).filter(pl.col("state") == "in_progress").row(0, named=True)
    )
    new = live.live_lines(engine, registry, who, cycle)
    monkeypatch.setattr(
        live,
        "actuals",
        lambda engine, registry, cycle, metrics, people: old_actuals(
            engine, registry, cycle, metrics, people
        ),
    )
    old = live.live_lines(engine, registry, who, cycle)
    assert new.height == old.height > 0
    assert_frame_equal(new.sort("kpi_id"), old.sort("kpi_id"), check_exact=False, rel_tol=1e-9)
    assert new["actual"].drop_nulls().len() > 0


def test_node_tree_holds_each_node_with_its_subtree(demo_db: Db) -> None:
    engine = demo_db.engine
    mgr, rep = viewer(engine, "manager"), viewer(engine, "rep")
    assert mgr.person_id is not None and rep.person_id is not None
    tree = live.node_tree(engine, mgr.person_id, [rep.person_id, mgr.person_id, 10_000_000])
    assert tree.filter(pl.col("ancestor_id") == rep.person_id)["person_id"].to_list() == [
        rep.person_id
    ]
    team = set(tree.filter(pl.col("ancestor_id") == mgr.person_id)["person_id"].to_list())
    assert team == set(live.unit_viewer(engine, mgr.person_id).person_ids or ())
    assert 10_000_000 not in set(tree["ancestor_id"].to_list())


def _history_uncached(engine, who, kind: str) -> pl.DataFrame:
    closed = queries.all_cycles(engine).filter(
        (pl.col("state") == "closed") & (pl.col("kind") == kind)
    )
    rows = queries.records(engine, who, closed["cycle_id"].to_list())
    return rows.join(closed.select("cycle_id", "period"), on="cycle_id", how="left")


@pytest.mark.parametrize("login", ["director", "manager", "rep"])
def test_history_cached_per_scope_equals_a_fresh_read(demo_db: Db, login: str) -> None:
    engine = demo_db.engine
    who = viewer(engine, login)
    for kind in ("monthly", "annual"):
        got = queries.history(engine, who, kind)
        assert got is queries.history(engine, who, kind)  # served from the cache
        assert_frame_equal(got, _history_uncached(engine, who, kind))
    assert queries.history(engine, who, "monthly").height > 0
    if who.person_ids is not None:
        seen = set(queries.history(engine, who)["person_id"].to_list())
        assert seen <= who.person_ids


def test_history_follows_writes_to_records(empty_db: Db) -> None:
    from command_center.db.engine import write_session
    from command_center.db.models import Person
    from plugins.appraisal.models import Cycle, Record

    engine = empty_db.engine
    with write_session(engine) as session:
        session.add(
            Person(person_id=1, name="Boss", level="manager", hire_date=dt.date(2026, 1, 1))
        )
        session.add(Cycle(cycle_id=1, kind="monthly", period="2026-09", root_id=1, state="closed"))
    assert queries.history(engine, OPERATOR).is_empty()
    with write_session(engine) as session:
        session.add(Record(cycle_id=1, person_id=1, level="manager", team_id=1, final_score=88.0))
    after = queries.history(engine, OPERATOR)
    assert after["final_score"].to_list() == [88.0] and after["period"].to_list() == ["2026-09"]
