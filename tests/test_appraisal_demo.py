"""Appraisal demo data: deterministic, every team calibrated, the current month running."""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl
import pytest

from command_center.db.frames import read_frame
from command_center.org.scope import OPERATOR
from command_center.published import read_published
from plugins.appraisal import queries
from plugins.appraisal.logic import guideline_counts
from plugins.appraisal.settings import AppraisalSettings
from tests.conftest import Db, _drop_db
from tests.fixtures_appraisal import appraisal_demo


@pytest.fixture(scope="module")
def two_demos(tmp_path_factory) -> Iterator[tuple[Db, Db]]:
    first = appraisal_demo("sqlite", tmp_path_factory.mktemp("demo_a"), None)
    second = appraisal_demo("sqlite", tmp_path_factory.mktemp("demo_b"), None)
    yield first, second
    _drop_db(first, None)
    _drop_db(second, None)


def table(db: Db, name: str, order: str) -> pl.DataFrame:
    return read_frame(db.engine, f"SELECT * FROM {name} ORDER BY {order}")


def test_demo_is_deterministic(two_demos) -> None:
    first, second = two_demos
    for name, order in (
        ("appraisal_cycles", "cycle_id"),
        ("appraisal_records", "cycle_id, person_id"),
        ("appraisal_kpis", "kpi_id"),
        ("appraisal_talks", "cycle_id, person_id"),
        ("appraisal_actions", "action_id"),
    ):
        a, b = table(first, name, order), table(second, name, order)
        assert a.height > 0, name
        assert a.equals(b), name


def test_every_team_has_calibrated_closed_months_and_a_running_month(two_demos) -> None:
    db = two_demos[0]
    cycles = queries.all_cycles(db.engine)
    managers = read_frame(db.engine, "SELECT person_id FROM people WHERE level = 'manager'")
    monthly = cycles.filter(pl.col("kind") == "monthly")
    closed = monthly.filter(pl.col("state") == "closed")
    assert sorted(closed["period"].unique().to_list()) == [
        "2025-11",
        "2025-12",
        *(f"2026-{m:02d}" for m in range(1, 11)),
    ]
    for _, per_root in closed.group_by("period"):
        assert set(per_root["root_id"]) == set(managers["person_id"])
    running = monthly.filter(pl.col("state") == "in_progress")
    assert running["period"].unique().to_list() == ["2026-11"]
    assert set(running["root_id"]) == set(managers["person_id"])
    annual = cycles.filter(pl.col("kind") == "annual")
    assert annual["period"].unique().to_list() == ["2025"]

    records = queries.records(db.engine, OPERATOR, closed["cycle_id"].to_list())
    assert records["rating"].null_count() == 0 and records["bonus_multiplier"].null_count() == 0
    shares = AppraisalSettings().shares
    for (_, _), team in records.group_by("cycle_id", "team_id"):
        counts = team["rating"].value_counts()
        got = dict(counts.iter_rows())
        want = guideline_counts(team.height, shares)
        assert {r: got.get(r, 0) for r in want} == want  # calibrated to 271 by rank

    current = queries.records(db.engine, OPERATOR, running["cycle_id"].to_list())
    assert set(current["contract"]) <= {"issued", "acknowledged"}
    assert current["acknowledged"].mean() > 0.5
    lines = queries.kpi_lines(db.engine, OPERATOR, running["cycle_id"].to_list())
    weights = lines.group_by("person_id").agg(pl.col("weight").sum())
    assert (weights["weight"] - 100).abs().max() < 1e-9
    assert lines["target"].null_count() == 0


def test_demo_publishes_every_closed_period(two_demos) -> None:
    db = two_demos[0]
    closed = queries.all_cycles(db.engine).filter(pl.col("state") == "closed")
    for period in closed["period"].unique().to_list():
        ids = closed.filter(pl.col("period") == period)["cycle_id"].to_list()
        records = queries.records(db.engine, OPERATOR, ids)
        facts = read_published(db.engine, OPERATOR, "appraisal.bonus_multiplier", period)
        assert facts.height == records.height
        joined = records.join(facts, on="person_id")
        assert (joined["value"] == joined["bonus_multiplier"]).all()
    annual = queries.records(
        db.engine, OPERATOR, closed.filter(pl.col("kind") == "annual")["cycle_id"].to_list()
    )
    assert annual["raise_pct"].null_count() == 0  # raises come with the annual appraisal
