"""The incentives demo data: plans with versions, locked months, a draft with clawbacks,
disputes, scenarios and published honours."""

from __future__ import annotations

import polars as pl

from command_center.org.scope import OPERATOR
from command_center.published import read_published
from plugins.incentives.queries import plans as plan_reads
from plugins.incentives.queries import scenarios as scenario_reads
from plugins.incentives.queries import settlements as settlement_reads


def test_demo_plans_and_versions(demo_db) -> None:
    versions = plan_reads.plan_versions(demo_db.engine)
    counts = dict(versions.group_by("name").agg(pl.len()).iter_rows())
    assert counts == {"销售代表标准提成方案": 2, "主管与经理团队提成方案": 1}
    leaders = plan_reads.plan(
        demo_db.engine,
        int(versions.filter(pl.col("name") == "主管与经理团队提成方案")["version_id"][0]),
    )
    assert leaders.components[0].type == "override"


def test_demo_settlements_locked_months_and_a_draft(demo_db) -> None:
    settled = settlement_reads.settlements(demo_db.engine)
    status = dict(settled.select("period", "status").iter_rows())
    assert status == {
        "2026-07": "locked",
        "2026-08": "locked",
        "2026-09": "locked",
        "2026-10": "draft",
    }
    draft = int(settled.filter(pl.col("status") == "draft")["settlement_id"][0])
    lines = settlement_reads.settlement_lines(demo_db.engine, OPERATOR, draft)
    claws = lines.filter(pl.col("kind") == "clawback")
    assert claws.height >= 1 and (claws["amount"] < 0).all()
    people = settled.filter(pl.col("period") == "2026-09")["people"].item()
    assert people > 70  # every rep, supervisor and manager of the small demo


def test_demo_disputes_scenarios_and_honours(demo_db) -> None:
    disputes = settlement_reads.disputes(demo_db.engine, OPERATOR)
    assert disputes.height >= 3
    assert set(disputes["status"]) == {"open", "answered"}
    assert disputes.filter(pl.col("raised_by") == "rep").height >= 1
    assert scenario_reads.scenarios(demo_db.engine, "manager").height >= 2
    honours = read_published(demo_db.engine, OPERATOR, "honours", "2026-10")
    assert "sales_champion" in honours["key"].to_list()
    assert set(honours["text"]) >= {"incentives.honour.sales_champion"}
    year = read_published(demo_db.engine, OPERATOR, "honours", "2025")
    assert not year.is_empty()
