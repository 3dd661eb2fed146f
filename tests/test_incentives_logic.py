"""The engine against hand-computed answers: every component type, gates, caps, pools.

Anna: quota 100,000, revenue 120,000 (attainment 120 %), profit 30,000.
Bo:   quota 100,000, revenue  80,000 (attainment  80 %), profit 20,000.
"""

from __future__ import annotations

import polars as pl
import pytest

from plugins.incentives.logic.earnings_curve import earnings_curve
from plugins.incentives.logic.engine import evaluate
from tests.fixtures_incentives import (
    ANNA,
    BO,
    DEC,
    FEB,
    JAN,
    MAR,
    MARGINAL,
    RETROACTIVE,
    amounts,
    figures,
    plan,
)


def run(p, figs, start=JAN, end=JAN, multipliers=None):
    return evaluate(p, figs, start, end, multipliers)


def test_marginal_and_retroactive_on_the_same_data() -> None:
    figs = figures([ANNA, BO])
    marginal = run(plan(MARGINAL), figs).frame
    retro = run(plan(RETROACTIVE), figs).frame
    # Marginal: 100,000 x 5 % + 20,000 x 6 %; retroactive: 120,000 x 6 %.
    assert amounts(marginal, "revenue_commission") == {1: 6_200.0, 2: 4_000.0}
    assert amounts(retro, "revenue_commission") == {1: 7_200.0, 2: 4_000.0}
    assert amounts(marginal, "payout") == {1: 6_200.0, 2: 4_000.0}
    assert amounts(marginal, "attainment") == {1: 1.2, 2: 0.8}


def test_upto_ignores_the_measure_above() -> None:
    figs = figures([ANNA])
    marginal = run(plan({**MARGINAL, "upto": 1.1}), figs).frame
    retro = run(plan({**RETROACTIVE, "upto": 1.1}), figs).frame
    assert amounts(marginal, "payout") == {1: 5_600.0}  # 5,000 + 10,000 x 6 %
    assert amounts(retro, "payout") == {1: 6_600.0}  # 110,000 x 6 %


def test_rate_on_profit_and_first_tier_above_zero() -> None:
    figs = figures([ANNA, BO])
    rate = {"name": "profit_share", "type": "rate", "base": "profit", "rate": 0.02}
    assert amounts(run(plan(rate), figs).frame, "profit_share") == {1: 600.0, 2: 400.0}
    late = {**MARGINAL, "tiers": [{"from": 0.9, "rate": 0.05}]}
    # Marginal from 90 %: only the slice above it earns (30,000 x 5 %); Bo's 80 % earns nothing.
    assert amounts(run(plan(late), figs).frame, "payout") == {1: 1_500.0, 2: 0.0}
    retro_late = {**late, "mode": "retroactive"}
    assert amounts(run(plan(retro_late), figs).frame, "payout") == {1: 6_000.0, 2: 0.0}


def test_accelerators_and_decelerators() -> None:
    figs = figures([ANNA, BO])
    fast = {**MARGINAL, "accelerators": [{"from": 1.1, "multiplier": 1.5}]}
    # 5,000 + 10,000 x 6 % + 10,000 x 6 % x 1.5
    assert amounts(run(plan(fast), figs).frame, "payout")[1] == 6_500.0
    windfall = {**MARGINAL, "decelerators": [{"from": 1.15, "multiplier": 0.5}]}
    # 5,000 + 15,000 x 6 % + 5,000 x 6 % x 0.5
    assert amounts(run(plan(windfall), figs).frame, "payout")[1] == 6_050.0
    low = {**MARGINAL, "decelerators": [{"from": 0.0, "to": 0.5, "multiplier": 0.5}]}
    # Bo: 50,000 x 5 % x 0.5 + 30,000 x 5 %
    assert amounts(run(plan(low), figs).frame, "payout")[2] == 2_750.0
    retro_fast = {**RETROACTIVE, "accelerators": [{"from": 1.1, "multiplier": 1.5}]}
    # Retroactive rate 6 % on 110,000, and x 1.5 on the 10,000 above 110 %.
    assert amounts(run(plan(retro_fast), figs).frame, "payout")[1] == 7_500.0


def test_measure_amount_and_profit_base_on_attainment() -> None:
    figs = figures([ANNA])
    tiers = [{"from": 0, "rate": 0.03}, {"from": 50_000, "rate": 0.05}]
    by_amount = {**MARGINAL, "measure": "amount", "tiers": tiers}
    assert amounts(run(plan(by_amount), figs).frame, "payout") == {1: 5_000.0}
    retro = {**by_amount, "mode": "retroactive"}
    assert amounts(run(plan(retro), figs).frame, "payout") == {1: 6_000.0}
    profit = {
        **MARGINAL,
        "base": "profit",
        "tiers": [{"from": 0, "rate": 0.1}, {"from": 1.0, "rate": 0.2}],
    }
    # 30,000 profit split by revenue attainment: 25,000 up to 100 % at 10 %, 5,000 above at 20 %.
    assert amounts(run(plan(profit), figs).frame, "payout") == {1: 3_500.0}


def test_override_on_the_team_revenue() -> None:
    leader = {
        "person_id": 3,
        "level": "supervisor",
        "team_revenue": 200_000.0,
        "team_profit": 50_000.0,
        "team_quota": 200_000.0,
    }
    figs = figures([ANNA, BO, leader])
    override = {"name": "team_override", "type": "override", "rate": 0.01}
    p = plan(override, eligible={"levels": ["supervisor"]})
    result = run(p, figs).frame
    assert amounts(result, "team_override") == {3: 2_000.0}  # only the supervisor is eligible
    strict = plan({**override, "min_team_attainment": 1.05}, eligible={"levels": ["supervisor"]})
    assert amounts(run(strict, figs).frame, "payout") == {3: 0.0}
    tiered = {**RETROACTIVE, "name": "team_bonus", "base": "team_revenue"}
    p = plan(tiered, eligible={"levels": ["supervisor"]})
    assert amounts(run(p, figs).frame, "payout") == {3: 12_000.0}  # team at 100 %: 200,000 x 6 %


def test_monthly_bonuses_and_absent_metrics() -> None:
    growth = {(1, JAN): (20_000.0, 100_000.0), (2, JAN): (5_000.0, 100_000.0)}
    figs = figures([ANNA, BO], {"growth": ("ratio", growth)})
    target = {
        "name": "target_bonus",
        "type": "bonus",
        "amount": 1000,
        "when": [{"metric": "attainment", "min": 1.0}],
    }
    strong = {
        "name": "growth_bonus",
        "type": "bonus",
        "amount": 800,
        "when": [{"metric": "growth", "min": 0.1}],
    }
    fresh = {
        "name": "new_customer_bonus",
        "type": "bonus",
        "amount": 500,
        "when": [{"metric": "new_customers", "min": 3}],
    }
    result = run(plan(target, strong, fresh), figs)
    assert amounts(result.frame, "target_bonus") == {1: 1_000.0, 2: 0.0}
    assert amounts(result.frame, "growth_bonus") == {1: 800.0, 2: 0.0}  # 20 % vs 5 %
    assert amounts(result.frame, "new_customer_bonus") == {1: 0.0, 2: 0.0}
    assert [n.code for n in result.notes] == ["absent_condition"]
    assert result.notes[0].params == {"metric": "new_customers"}


def test_quarterly_bonus_is_paid_in_the_quarter_end_month() -> None:
    rows = [
        {**ANNA, "month": JAN, "revenue": 120_000.0},
        {**ANNA, "month": FEB, "revenue": 120_000.0},
        {**ANNA, "month": MAR, "revenue": 60_000.0},
    ]
    figs = figures(rows)
    bonus = {
        "name": "quarter_bonus",
        "type": "bonus",
        "every": "quarter",
        "amount": 3000,
        "when": [{"metric": "attainment", "min": 1.0}],
    }
    result = run(plan(bonus), figs, JAN, MAR).frame
    # The quarter: 300,000 / 300,000 = 100 %; paid once, in March.
    assert result.select("period", "quarter_bonus").rows() == [
        ("2026-01", 0.0),
        ("2026-02", 0.0),
        ("2026-03", 3_000.0),
    ]
    assert run(plan(bonus), figs, JAN, FEB).frame["quarter_bonus"].sum() == 0


def test_quarterly_plan_is_one_row_per_quarter() -> None:
    rows = [{**ANNA, "month": m} for m in (JAN, FEB, MAR)]
    result = run(plan(MARGINAL, period="quarter"), figures(rows), JAN, MAR).frame
    assert result.select("period", "quota", "revenue", "payout").rows() == [
        ("2026-Q1", 300_000.0, 360_000.0, 18_600.0),  # 300,000 x 5 % + 60,000 x 6 %
    ]


def test_gates_multiply_and_absent_gates_are_noted() -> None:
    satisfaction = {(1, JAN): (3.0, 1.0), (2, JAN): (4.5, 1.0)}
    figs = figures([ANNA, BO], {"satisfaction": ("ratio", satisfaction)})
    gates = [
        {"metric": "attainment", "below": 0.9, "multiplier": 0.0},
        {"metric": "satisfaction", "below": 3.5, "multiplier": 0.5},
        {"metric": "complaints_in_time", "below": 0.9, "multiplier": 0.5},
    ]
    result = run(plan(MARGINAL, gates=gates), figs)
    assert amounts(result.frame, "revenue_commission") == {1: 6_200.0, 2: 4_000.0}
    assert amounts(result.frame, "gate_adjustment") == {1: -3_100.0, 2: -4_000.0}
    assert amounts(result.frame, "payout") == {1: 3_100.0, 2: 0.0}
    assert [n.code for n in result.notes] == ["absent_gate"]


def test_gate_applies_to_named_components_only() -> None:
    figs = figures([BO])
    bonus = {
        "name": "flat",
        "type": "bonus",
        "amount": 300,
        "when": [{"metric": "revenue", "min": 1}],
    }
    gate = {"metric": "attainment", "below": 0.9, "applies_to": ["revenue_commission"]}
    result = run(plan(MARGINAL, bonus, gates=[gate]), figs).frame
    assert amounts(result, "payout") == {2: 300.0}


def test_caps_absolute_multiple_and_per_component() -> None:
    figs = figures([ANNA, BO])
    absolute = run(plan(MARGINAL, cap={"amount": 5_000}), figs).frame
    assert amounts(absolute, "cap_adjustment") == {1: -1_200.0, 2: 0.0}
    assert amounts(absolute, "payout") == {1: 5_000.0, 2: 4_000.0}
    multiple = plan(MARGINAL, cap={"multiple": 1.2}, target_incentive={"share_of_quota": 0.05})
    assert amounts(run(multiple, figs).frame, "payout") == {1: 6_000.0, 2: 4_000.0}
    fixed = plan(MARGINAL, cap={"multiple": 0.5}, target_incentive=9000)
    assert amounts(run(fixed, figs).frame, "payout") == {1: 4_500.0, 2: 4_000.0}
    own = plan({**MARGINAL, "cap": 5_500})
    assert amounts(run(own, figs).frame, "revenue_commission") == {1: 5_500.0, 2: 4_000.0}


def test_pool_split_by_attainment_and_by_appraisal() -> None:
    rows = [{**ANNA, "month": DEC}, {**BO, "month": DEC}]
    figs = figures(rows)
    pool = {"name": "year_end", "type": "pool", "amount": 10_000, "split": "attainment"}
    result = run(plan(pool), figs, DEC, DEC).frame
    assert amounts(result, "year_end") == {1: 6_000.0, 2: 4_000.0}  # weights 1.2 : 0.8
    floor = run(plan({**pool, "min_attainment": 0.9}), figs, DEC, DEC).frame
    assert amounts(floor, "year_end") == {1: 10_000.0, 2: 0.0}
    ceiling = run(plan({**pool, "max_attainment": 1.0}), figs, DEC, DEC).frame
    assert amounts(ceiling, "year_end") == {1: 5_555.56, 2: 4_444.44}  # 1.0 : 0.8
    share = {**pool, "amount": None, "share_of_profit": 0.1}
    # 10 % of the force's 50,000 profit, split 1.2 : 0.8.
    assert amounts(run(plan(share), figs, DEC, DEC).frame, "year_end") == {1: 3_000.0, 2: 2_000.0}
    multipliers = pl.DataFrame(
        {"person_id": [1, 2], "period": ["2025", "2025"], "multiplier": [1.5, 0.5]}
    )
    appraised = run(plan({**pool, "split": "appraisal"}), figs, DEC, DEC, multipliers)
    assert amounts(appraised.frame, "year_end") == {1: 7_500.0, 2: 2_500.0}
    assert [n.code for n in appraised.notes] == ["pool_appraisal"]
    # No multipliers published: the appraisal split falls back to attainment.
    fallback = run(plan({**pool, "split": "appraisal"}), figs, DEC, DEC).frame
    assert amounts(fallback, "year_end") == {1: 6_000.0, 2: 4_000.0}


def test_pool_is_paid_at_year_end_only_and_outside_the_cap() -> None:
    rows = [{**ANNA, "month": m} for m in (DEC, JAN)]
    pool = {"name": "year_end", "type": "pool", "amount": 10_000, "split": "attainment"}
    result = run(plan(MARGINAL, pool, cap={"amount": 1_000}), figures(rows), DEC, JAN).frame
    assert result.select("period", "year_end", "payout").rows() == [
        ("2025-12", 10_000.0, 11_000.0),
        ("2026-01", 0.0, 1_000.0),
    ]


def test_disabled_components_and_no_quota() -> None:
    figs = figures([ANNA, {"person_id": 9, "revenue": 50_000.0, "profit": 1.0}])
    result = run(
        plan({**MARGINAL, "enabled": False}, {"name": "r", "type": "rate", "rate": 0.01}), figs
    )
    assert "revenue_commission" not in result.frame.columns
    # Without a quota there is no attainment: attainment tiers pay nothing, a rate still pays.
    assert amounts(run(plan(MARGINAL), figs).frame, "payout")[9] == 0.0
    assert amounts(result.frame, "payout") == {1: 1_200.0, 9: 500.0}


def test_negative_profit_earns_nothing() -> None:
    figs = figures([{**ANNA, "profit": -5_000.0}])
    rate = {"name": "profit_share", "type": "rate", "base": "profit", "rate": 0.02}
    assert amounts(run(plan(rate), figs).frame, "payout") == {1: 0.0}


def test_earnings_curve_matches_the_tiers() -> None:
    figs = figures([ANNA, BO])
    curve = earnings_curve(plan(MARGINAL), figs.grain("month"), {})
    points = dict(curve.iter_rows())
    assert points[0.0] == 0
    assert points[1.0] == pytest.approx(5_000.0)
    assert points[1.5] == pytest.approx(8_000.0)  # 5,000 + 50,000 x 6 %
    assert points[2.0] == pytest.approx(11_000.0)
    retro = dict(earnings_curve(plan(RETROACTIVE), figs.grain("month"), {}).iter_rows())
    assert retro[0.98] == pytest.approx(4_900.0) and retro[1.0] == pytest.approx(6_000.0)
