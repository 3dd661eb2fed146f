"""What-if assumptions, comparison, statements' order credits, clawbacks and honours (pure)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from plugins.incentives.logic.engine import evaluate
from plugins.incentives.logic.honours import ranking, winners
from plugins.incentives.logic.plan_edits import apply_edits
from plugins.incentives.logic.plan_model import Condition
from plugins.incentives.logic.settlement import clawbacks, component_lines, contributions
from plugins.incentives.logic.whatif import (
    Assumptions,
    compare,
    scaled,
    scope_revenue,
    summaries,
    winners_losers,
)
from plugins.incentives.settings import HonourDef, HonourSettings
from tests.fixtures_incentives import ANNA, BO, JAN, MARGINAL, amounts, figures, plan

# A manager (10) over supervisors 3 (Anna, Bo) and 4 (Cy).
CY = {"person_id": 5, "revenue": 50_000.0, "profit": 10_000.0, "quota": 50_000.0}
S3 = {
    "person_id": 3,
    "level": "supervisor",
    "team_revenue": 200_000.0,
    "team_profit": 50_000.0,
    "team_quota": 200_000.0,
}
S4 = {
    "person_id": 4,
    "level": "supervisor",
    "team_revenue": 50_000.0,
    "team_profit": 10_000.0,
    "team_quota": 50_000.0,
}
M10 = {
    "person_id": 10,
    "level": "manager",
    "team_revenue": 250_000.0,
    "team_profit": 60_000.0,
    "team_quota": 250_000.0,
}
PEOPLE = pl.DataFrame(
    {
        "person_id": [1, 2, 3, 4, 5, 10],
        "name": ["Anna", "Bo", "S3", "S4", "Cy", "M"],
        "level": ["rep", "rep", "supervisor", "supervisor", "rep", "manager"],
    }
)


def test_team_assumption_reaches_the_team_and_everyone_above() -> None:
    figs = figures([ANNA, BO, CY, S3, S4, M10])
    team = Assumptions(
        everyone=0.0,
        team=0.1,
        team_root=3,
        team_ids=frozenset({1, 2, 3}),
        above_ids=frozenset({10}),
    )
    month = scaled(figs, team).grain("month")
    got = {
        r["person_id"]: (round(r["revenue"]), round(r["team_revenue"]))
        for r in month.iter_rows(named=True)
    }
    assert got == {
        1: (132_000, 0),
        2: (88_000, 0),
        3: (0, 220_000),
        4: (0, 50_000),
        5: (50_000, 0),
        10: (0, 270_000),
    }
    everyone = scaled(figs, Assumptions(everyone=-0.1)).grain("month")
    assert amounts(everyone, "revenue")[1] == 108_000.0
    assert amounts(everyone, "team_attainment")[10] == 0.9
    assert amounts(everyone, "profit")[1] == 27_000.0  # margin kept


def test_growth_moves_with_revenue() -> None:
    growth = {(1, JAN): (20_000.0, 100_000.0)}  # 120,000 now against 100,000 a year before
    figs = figures([ANNA], {"growth": ("ratio", growth)})
    up = scaled(figs, Assumptions(everyone=0.1)).grain("month")
    assert amounts(up, "growth")[1] == 0.32  # 132,000 / 100,000 - 1


def test_compare_summaries_and_winners() -> None:
    figs = figures([ANNA, BO])
    base = evaluate(plan(MARGINAL), figs, JAN, JAN)
    richer = apply_edits(plan(MARGINAL), {"components[0].tiers[1].rate": 0.1})
    scenario = evaluate(richer, figs, JAN, JAN)
    table = compare(base, scenario, PEOPLE)
    rounded = table.select("person_id", pl.col("payout_old", "payout_new", "delta").round(2))
    assert rounded.rows() == [
        (1, 6_200.0, 7_000.0, 800.0),
        (2, 4_000.0, 4_000.0, 0.0),
    ]
    old, new = summaries(table, (200_000.0, 200_000.0))
    assert old.payout == pytest.approx(10_200) and new.payout == pytest.approx(11_000)
    assert new.cost_of_sales == pytest.approx(0.055)
    assert winners_losers(table)["person_id"].to_list() == [1]
    assert scope_revenue(figs, frozenset({2}), JAN, JAN) == 80_000
    # Only the people handed in (the viewer's scope) appear.
    assert compare(base, scenario, PEOPLE.filter(pl.col("person_id") == 2)).height == 1


def test_order_credits_add_up_to_the_attributed_payout() -> None:
    figs = figures([ANNA])
    rate = {"name": "profit_share", "type": "rate", "base": "profit", "rate": 0.02}
    result = evaluate(plan(MARGINAL, rate, cap={"amount": 6_000}), figs, JAN, JAN)
    orders = pl.DataFrame(
        {
            "order_id": [11, 12],
            "customer_id": [7, 8],
            "person_id": [1, 1],
            "order_date": [dt.date(2026, 1, 5), dt.date(2026, 1, 20)],
            "revenue": [80_000.0, 40_000.0],
            "cost": [60_000.0, 30_000.0],
        }
    )
    credits = contributions(result, orders)
    # 6,200 + 600 = 6,800 capped to 6,000: each part scaled by 6,000 / 6,800.
    factor = 6_000 / 6_800
    expected = {
        11: 6_200 * factor * 2 / 3 + 600 * factor * 2 / 3,
        12: 6_200 * factor / 3 + 600 * factor / 3,
    }
    got = dict(credits.select("order_id", "contribution").iter_rows())
    assert got == pytest.approx(expected)
    assert sum(got.values()) == pytest.approx(6_000.0)


def test_statement_lines_show_components_and_adjustments() -> None:
    figs = figures([ANNA, BO])
    gates = [{"metric": "attainment", "below": 0.9, "multiplier": 0.5}]
    result = evaluate(plan(MARGINAL, gates=gates, cap={"amount": 6_000}), figs, JAN, JAN)
    lines = component_lines(result)
    assert lines.select("person_id", "kind", "name", "amount").sort("person_id", "kind").rows() == [
        (1, "cap", "cap", -200.0),
        (1, "component", "revenue_commission", 6_200.0),
        (2, "component", "revenue_commission", 4_000.0),
        (2, "gate", "attainment", -2_000.0),
    ]


def test_clawback_is_the_paid_share_of_the_refund() -> None:
    refunds = pl.DataFrame(
        {
            "refund_id": [1, 2, 3, 4],
            "order_id": [11, 11, 12, 13],
            "refund_date": [
                dt.date(2026, 2, 3),
                dt.date(2026, 3, 9),
                dt.date(2026, 2, 1),
                dt.date(2027, 6, 1),
            ],
            "amount": [20_000.0, 1_000.0, 5_000.0, 100.0],
            "person_id": [1, 1, 1, 1],
        }
    )
    paid = pl.DataFrame(
        {
            "settlement_id": [1, 1, 1],
            "order_id": [11, 12, 13],
            "person_id": [1, 1, 1],
            "customer_id": [7, 8, 9],
            "order_date": [dt.date(2026, 1, 5), dt.date(2026, 1, 20), dt.date(2026, 1, 21)],
            "revenue": [80_000.0, 40_000.0, 1_000.0],
            "profit": [20_000.0, 10_000.0, 100.0],
            "contribution": [4_000.0, 2_000.0, 50.0],
        }
    )
    windows = pl.DataFrame({"person_id": [1], "within_months": [12]})
    got = clawbacks(refunds, paid, {3}, dt.date(2026, 2, 28), windows)
    # Refund 1: 4,000 x 20,000 / 80,000; refund 2 is after the month, 3 was clawed back
    # already, 4 is outside the 12-month window.
    assert got.select("refund_id", "order_id", "amount").rows() == [(1, 11, -1_000.0)]
    assert clawbacks(refunds, paid, set(), dt.date(2026, 2, 28), windows.clear()).is_empty()


def test_honour_ranking_with_requirements_and_levels() -> None:
    people = PEOPLE.select("person_id", "level")
    values = {
        "revenue": pl.DataFrame({"person_id": [1, 2, 5, 3], "value": [120.0, 80.0, 50.0, 999.0]}),
        "growth": pl.DataFrame({"person_id": [1, 2, 5], "value": [0.1, 0.5, 0.3]}),
        "attainment": pl.DataFrame({"person_id": [1, 2, 5], "value": [1.2, 0.8, 1.0]}),
    }
    champion = HonourDef(id="sales_champion", metric="revenue")
    assert ranking(champion, values, people)["person_id"].to_list() == [1, 2, 5]  # reps only
    star = HonourDef(
        id="growth_star", metric="growth", require=[Condition(metric="attainment", min=1.0)]
    )
    assert ranking(star, values, people)["person_id"].to_list() == [5, 1]
    absent = HonourDef(id="new_customer_star", metric="new_customers")
    assert ranking(absent, values, people).is_empty()
    settings = HonourSettings(honours=[champion, star, absent])
    found = winners(settings, "month", values, people)
    assert found.select("honour", "person_id").rows() == [("sales_champion", 1), ("growth_star", 5)]


def test_statement_summaries_for_cards_and_kpis() -> None:
    from plugins.incentives.logic.settlement import draft_periods, latest_paid, month_summary

    current = pl.DataFrame(
        {
            "person_id": [1, 2, 1, 2, 3],
            "period": ["2026-01", "2026-01", "2026-02", "2026-02", "2026-03"],
            "status": ["locked", "locked", "locked", "draft", "draft"],
            "payout": [100.0, 50.0, 80.0, 20.0, 5.0],
            "revenue": [1000.0, 500.0, 800.0, 400.0, 0.0],
        }
    )
    paid = latest_paid(current)
    assert paid is not None and (paid.period, paid.total, paid.people) == ("2026-02", 80.0, 1)
    assert draft_periods(current) == ["2026-02", "2026-03"]
    assert latest_paid(current.filter(pl.col("status") == "draft")) is None
    feb = month_summary(current.filter(pl.col("period") == "2026-02"))
    assert (feb.total, feb.people, feb.locked, feb.revenue) == (100.0, 2, 1, 1200.0)
    assert feb.cost_of_sales == pytest.approx(100.0 / 1200.0)
    nobody = month_summary(current.clear())
    assert (nobody.total, nobody.people, nobody.cost_of_sales) == (None, 0, None)
