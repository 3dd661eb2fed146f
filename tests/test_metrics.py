"""The metric registry: roll-ups up the org tree, ratios, targets, scope."""

from __future__ import annotations

import polars as pl
import pytest

from command_center.metrics import MetricRegistry, total
from command_center.org.scope import OPERATOR, Viewer, scope_for, team_viewer
from command_center.periods import parse_period
from tests.conftest import make_host
from tests.factories import load_small_org

OCT = parse_period("2026-10")


@pytest.fixture
def org(empty_db):
    load_small_org(empty_db.engine)
    return empty_db


def rows(frame: pl.DataFrame, value: str = "value") -> dict[int, float]:
    return {
        nid: round(v, 6) for nid, v in frame.select("node_id", value).iter_rows() if v is not None
    }


def test_revenue_rolls_up_the_tree(org) -> None:
    reg = MetricRegistry(make_host())
    got = rows(reg.rollup(org.engine, OPERATOR, "revenue", OCT))
    assert got == {1: 1000.0, 2: 1000.0, 3: 500.0, 4: 200.0, 5: 300.0, 6: 500.0, 7: 500.0}


def test_ratio_is_sum_num_over_sum_den(org) -> None:
    reg = MetricRegistry(make_host())
    margin = rows(reg.rollup(org.engine, OPERATOR, "margin", OCT))
    # team 3: profit (80 + 150) / revenue (200 + 300) = 0.46, not the mean of 0.4 and 0.5
    assert margin[3] == pytest.approx(0.46)
    assert margin[1] == pytest.approx((80 + 150 + 100) / 1000)


def test_growth_against_same_month_last_year(org) -> None:
    reg = MetricRegistry(make_host())
    growth = rows(reg.rollup(org.engine, OPERATOR, "growth", OCT))
    assert growth[4] == pytest.approx(1.0)  # 200 vs 100
    assert growth[3] == pytest.approx((500 - 200) / 200)
    assert 7 not in growth  # nothing a year before: no ratio


def test_targets_explicit_team_target_wins_else_sum(org) -> None:
    reg = MetricRegistry(make_host())
    goals = rows(reg.targets(org.engine, OPERATOR, "revenue", OCT), "target")
    assert goals == {4: 250.0, 5: 250.0, 7: 400.0, 6: 1000.0, 3: 500.0, 2: 1500.0, 1: 1500.0}


def test_quarter_targets_prefer_explicit_then_sum_of_months(org) -> None:
    reg = MetricRegistry(make_host())
    goals = rows(reg.targets(org.engine, OPERATOR, "revenue", parse_period("2026-Q4")), "target")
    assert goals[4] == 900.0  # explicit quarter target
    assert goals[5] == 250.0  # only October given


def test_attainment_metric_per_person(org) -> None:
    reg = MetricRegistry(make_host())
    att = reg.person_values(org.engine, OPERATOR, "attainment", OCT)
    got = {pid: v for pid, v in att.select("person_id", "value").iter_rows()}
    assert got[4] == pytest.approx(200 / 250)
    assert got[7] == pytest.approx(500 / 400)


def test_scorecard_has_previous_and_attainment(org) -> None:
    reg = MetricRegistry(make_host())
    card = reg.scorecard(org.engine, OPERATOR, "revenue", OCT)
    row = card.filter(pl.col("node_id") == 6).row(0, named=True)
    assert row["value"] == 500.0 and row["previous"] == 50.0
    assert row["attainment"] == pytest.approx(0.5)


def test_scope_limits_every_read(org) -> None:
    reg = MetricRegistry(make_host())
    edges = {pid: mid for pid, _, _, mid in __import__("tests.factories").factories.ORG}
    rep = Viewer("rep", "rep", 4, scope_for("rep", 4, edges))
    assert set(reg.rollup(org.engine, rep, "revenue", OCT)["node_id"]) == {4}
    sup = Viewer("sup", "supervisor", 3, scope_for("supervisor", 3, edges))
    assert set(reg.rollup(org.engine, sup, "revenue", OCT)["node_id"]) == {3, 4, 5}
    assert total(reg, org.engine, sup, "revenue", OCT, [3]).value == 500.0
    director = Viewer("d", "director", 1, scope_for("director", 1, edges))
    narrowed = team_viewer(director, 6, edges)
    assert narrowed.person_ids == frozenset({6, 7})
    # a team filter never widens a scope
    assert team_viewer(sup, 6, edges).person_ids == frozenset()
    admin = Viewer("a", "admin", None, scope_for("admin", None, edges))
    assert reg.rollup(org.engine, admin, "revenue", OCT).is_empty()
