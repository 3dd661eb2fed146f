"""Commission on collected cash: the base, tiers reached by the month's cash, hold back and
release per line (pure logic; hand-computed figures)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from plugins.incentives.errors import PlanInvalid
from plugins.incentives.logic.breakdowns import COLLECTED, booked_plan, plan_needs
from plugins.incentives.logic.earnings_curve import earnings_curve
from plugins.incentives.logic.engine import evaluate
from plugins.incentives.logic.figures import ATTR_REVENUE, Figures
from plugins.incentives.logic.levers import edits_from, plan_levers
from plugins.incentives.logic.plan_edits import apply_edits
from plugins.incentives.logic.settlement import BOOKED, contributions
from tests.fixtures_incentives import ANNA, BO, JAN, amounts, figures, plan

CASH_RATE = {"name": "cash_commission", "type": "rate", "base": "collected", "rate": 0.05}
CASH_TIERS = {
    "name": "cash_commission",
    "type": "tiered",
    "base": "collected",
    "measure": "amount",
    "mode": "retroactive",
    "tiers": [{"from": 0.0, "rate": 0.04}, {"from": 50_000.0, "rate": 0.06}],
}


def with_cash(found: Figures, cash: dict[int, float]) -> Figures:
    """``found`` with a ``collected`` column (person -> this month's cash)."""
    month = found.month.with_columns(
        pl.col("person_id")
        .replace_strict(cash, default=0.0, return_dtype=pl.Float64)
        .alias(COLLECTED)
    )
    return Figures(month, found.kinds, found.quotas, (COLLECTED,))


def test_collected_base_pays_on_the_months_cash() -> None:
    # Anna booked 120,000 and was paid 60,000 this month; Bo booked 80,000, was paid 0.
    found = with_cash(figures([ANNA, BO]), {1: 60_000.0, 2: 0.0})
    result = evaluate(plan(CASH_RATE), found, JAN, JAN)
    assert amounts(result.frame, "cash_commission") == {1: 3_000.0, 2: 0.0}


def test_tiers_on_collected_are_reached_by_the_months_cash() -> None:
    # Retroactive on the amount of cash: Anna's 60,000 reaches 6 %: 3,600; Bo's 40,000: 4 %.
    found = with_cash(figures([ANNA, BO]), {1: 60_000.0, 2: 40_000.0})
    result = evaluate(plan(CASH_TIERS), found, JAN, JAN)
    assert amounts(result.frame, "cash_commission") == {1: 3_600.0, 2: 1_600.0}


def test_attainment_on_collected_reads_cash_over_quota() -> None:
    # 110,000 collected against a quota of 100,000: 100,000 x 5 % + 10,000 x 6 % = 5,600.
    comp = {**CASH_TIERS, "measure": "attainment", "mode": "marginal"}
    comp["tiers"] = [{"from": 0.0, "rate": 0.05}, {"from": 1.0, "rate": 0.06}]
    found = with_cash(figures([ANNA]), {1: 110_000.0})
    assert amounts(evaluate(plan(comp), found, JAN, JAN).frame, "cash_commission") == {1: 5_600.0}


def test_without_the_collected_column_the_component_pays_nothing_and_says_so() -> None:
    result = evaluate(plan(CASH_RATE), figures([ANNA]), JAN, JAN)
    assert amounts(result.frame, "cash_commission") == {1: 0.0}
    assert [n.code for n in result.notes] == ["absent_figure"]


def test_a_plan_on_collected_cash_needs_the_column_and_has_a_booked_twin() -> None:
    rep = plan(CASH_RATE)
    assert plan_needs(rep).columns == (COLLECTED,)
    twin = booked_plan(rep)
    assert twin is not None and twin.components[0].base == "revenue"  # type: ignore[union-attr]
    assert booked_plan(plan({**CASH_RATE, "base": "revenue"})) is None


def test_the_base_lever_switches_revenue_and_collected() -> None:
    rep = plan({**CASH_RATE, "base": "revenue"})
    levers = plan_levers(rep)
    base = next(lever for lever in levers if lever.path == "components[0].base")
    assert base.kind == "base" and base.value == "revenue"
    edits = edits_from({"components[0].base": "collected"}, levers)
    assert edits == {"components[0].base": "collected"}
    changed = apply_edits(rep, edits)
    found = with_cash(figures([ANNA]), {1: 60_000.0})
    assert amounts(evaluate(changed, found, JAN, JAN).frame, "cash_commission") == {1: 3_000.0}


def test_a_bad_base_names_the_field() -> None:
    with pytest.raises(PlanInvalid) as caught:
        plan(
            {
                "name": "cash_commission",
                "type": "product_rate",
                "base": "cash",
                "rates": [{"category": "A", "rate": 0.1}],
            }
        )
    assert [i.path for i in caught.value.issues] == ["components[0].base"]


ORDERS_SCHEMA = {
    "order_id": pl.Int64,
    "customer_id": pl.Int64,
    "person_id": pl.Int64,
    "order_date": pl.Date,
    "revenue": pl.Float64,
    "cost": pl.Float64,
    "product_id": pl.String,
    "credit_share": pl.Float64,
}


def test_each_line_shows_booked_held_back_and_released() -> None:
    # Anna booked two lines in January: 80,000 (paid 40,000 in January) and 40,000 (unpaid),
    # and was paid 20,000 in January on a December line. Cash this month: 60,000 at 5 %.
    found = with_cash(figures([ANNA]), {1: 60_000.0})
    rep = plan(CASH_RATE)
    result = evaluate(rep, found, JAN, JAN)
    orders = pl.DataFrame(
        [
            (1, 10, 1, dt.date(2026, 1, 5), 80_000.0, 60_000.0, "P-1", 1.0),
            (2, 10, 1, dt.date(2026, 1, 9), 40_000.0, 30_000.0, "P-2", 1.0),
        ],
        schema=ORDERS_SCHEMA,
        orient="row",
    )
    december = pl.DataFrame(
        [(3, 11, 1, dt.date(2025, 12, 20), 50_000.0, 0.0, None, 1.0)],
        schema=ORDERS_SCHEMA,
        orient="row",
    )
    paid = pl.concat([orders, december]).with_columns(
        pl.Series("collected", [40_000.0, 0.0, 20_000.0]),
        pl.Series("outstanding", [40_000.0, 40_000.0, 30_000.0]),
    )
    twin = booked_plan(rep)
    assert twin is not None
    booked = evaluate(twin, found, JAN, JAN).frame.select(
        "person_id", "period", pl.col(ATTR_REVENUE).alias(BOOKED)
    )
    credits = contributions(result, orders, paid, booked).sort("order_id")
    # Booked at 5 % of 120,000 = 6,000: 4,000 and 2,000; the December line was booked before.
    assert credits["booked"].to_list() == [4_000.0, 2_000.0, 0.0]
    # Released: 3,000 on 60,000 of cash, 40,000 : 20,000.
    assert credits["released"].to_list() == [2_000.0, 0.0, 1_000.0]
    assert credits["contribution"].round(2).to_list() == [2_000.0, 0.0, 1_000.0]
    # Held back: what is unpaid at the booked rate of 5 %.
    assert credits["held_back"].to_list() == [2_000.0, 2_000.0, 1_500.0]
    assert credits["product_id"].to_list() == ["P-1", "P-2", None]


def test_without_cash_the_credits_are_as_before() -> None:
    result = evaluate(plan({**CASH_RATE, "base": "revenue"}), figures([ANNA]), JAN, JAN)
    orders = pl.DataFrame(
        [(1, 10, 1, dt.date(2026, 1, 5), 120_000.0, 90_000.0, None, 1.0)],
        schema=ORDERS_SCHEMA,
        orient="row",
    ).drop("product_id", "credit_share")
    credits = contributions(result, orders)
    assert credits["contribution"].to_list() == [6_000.0]
    assert credits.select("booked", "held_back", "released").row(0) == (0.0, 0.0, 0.0)
    assert credits["credit_share"].to_list() == [1.0]


def test_the_earnings_curve_collects_cash_as_booked() -> None:
    # A typical quota of 100,000: at 100 % the month's cash is 100,000, at 5 %: 5,000.
    curve = earnings_curve(plan(CASH_RATE), figures([ANNA]).grain("month"), {}, points=3)
    assert curve.rows() == [(0.0, 0.0), (1.0, 5_000.0), (2.0, 10_000.0)]
