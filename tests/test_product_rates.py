"""Per-product and per-category rates and SPIFFs: the plan document, hand-computed amounts,
the levers (no ledger read per move), and the columns read from a real database."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from command_center import cash
from command_center.db.engine import write_session
from command_center.db.models import OrderLine, Product
from command_center.metrics import MetricRegistry
from command_center.org.scope import OPERATOR
from plugins.incentives.errors import PlanInvalid
from plugins.incentives.logic.breakdowns import (
    PRODUCT_MONTH_SCHEMA,
    SPIFF_LINE_SCHEMA,
    plan_needs,
    slice_columns,
    spiff_columns,
    with_columns,
)
from plugins.incentives.logic.engine import evaluate
from plugins.incentives.logic.figures import Figures
from plugins.incentives.logic.levers import edits_from, plan_levers
from plugins.incentives.logic.plan_edits import apply_edits
from plugins.incentives.logic.whatif import Assumptions, scaled
from plugins.incentives.queries import figures as figure_reads
from tests.conftest import make_host
from tests.fixtures_incentives import JAN, amounts, build_shop, figures, plan

PRODUCT_RATES = {
    "name": "product_commission",
    "type": "product_rate",
    "base": "revenue",
    "default": 0.03,
    "rates": [
        {"product": "P-1", "rate": 0.08},
        {"category": "软件", "rate": 0.05},
    ],
}
SPIFF = {
    "name": "launch_spiff",
    "type": "spiff",
    "product": "P-2",
    "from": "2026-01-10",
    "to": "2026-01-31",
    "amount": 200,
}
# Anna's January: P-1 (软件) 50,000; P-2 (软件) 30,000 on 5 Jan and 20,000 on 15 Jan (split
# 50 % with Bo); P-3 (硬件) 10,000; lines of no product 10,000: revenue 120,000 (Bo: 10,000).
PRODUCTS = pl.DataFrame(
    [
        (1, JAN, "P-1", "软件", 50_000.0, 20_000.0, 0.0),
        (1, JAN, "P-2", "软件", 50_000.0, 10_000.0, 0.0),
        (1, JAN, "P-3", "硬件", 10_000.0, 2_000.0, 0.0),
        (2, JAN, "P-2", "软件", 10_000.0, 2_000.0, 0.0),
    ],
    schema=PRODUCT_MONTH_SCHEMA,
    orient="row",
)
LINES = pl.DataFrame(
    [
        (1, dt.date(2026, 1, 5), "P-2", "软件", 1.0),
        (1, dt.date(2026, 1, 15), "P-2", "软件", 0.5),
        (2, dt.date(2026, 1, 15), "P-2", "软件", 0.5),
        (1, dt.date(2026, 1, 20), "P-1", "软件", 1.0),
    ],
    schema=SPIFF_LINE_SCHEMA,
    orient="row",
)
ANNA = {"person_id": 1, "revenue": 120_000.0, "profit": 30_000.0, "quota": 100_000.0}
BO = {"person_id": 2, "revenue": 10_000.0, "profit": 2_000.0, "quota": 100_000.0}


def loaded(rep) -> Figures:
    """The figures with the plan's extra columns, as the query layer builds them."""
    found = figures([ANNA, BO])
    needs = plan_needs(rep)
    month = found.month
    if needs.slices:
        cols = slice_columns(PRODUCTS, needs.slices)
        month = with_columns(month, cols, tuple(s.column for s in needs.slices))
    if needs.spiffs:
        cols = spiff_columns(LINES, needs.spiffs)
        month = with_columns(month, cols, tuple(s.column for s in needs.spiffs))
    for column in needs.columns:
        if column not in month.columns:
            month = month.with_columns(pl.lit(0.0).alias(column))
    return Figures(month, found.kinds, found.quotas, needs.columns)


def test_each_product_and_category_at_its_rate_the_rest_at_the_default() -> None:
    rep = plan(PRODUCT_RATES)
    result = evaluate(rep, loaded(rep), JAN, JAN)
    # Anna: P-1 50,000 x 8 % + the rest of 软件 (P-2) 50,000 x 5 % + 20,000 x 3 % = 7,100.
    # Bo: P-2 10,000 x 5 % = 500.
    assert amounts(result.frame, "product_commission") == {1: 7_100.0, 2: 500.0}


def test_a_spiff_pays_per_credited_line_in_its_dates() -> None:
    rep = plan(SPIFF)
    result = evaluate(rep, loaded(rep), JAN, JAN)
    # Only the 15 January line is in the dates: half a line each, 100 each.
    assert amounts(result.frame, "launch_spiff") == {1: 100.0, 2: 100.0}


def test_the_levers_move_rates_and_spiff_amounts_without_the_ledger() -> None:
    rep = plan(PRODUCT_RATES, SPIFF)
    found = loaded(rep)
    levers = {lever.path: lever for lever in plan_levers(rep)}
    assert levers["components[0].rates[0].rate"].params == (("what", "P-1"),)
    assert levers["components[0].default"].kind == "rate"
    assert levers["components[1].amount"].kind == "amount"
    moved = {
        "components[0].rates[0].rate": 10.0,  # percent on the widget
        "components[0].default": 0.0,
        "components[1].amount": 500.0,
    }
    changed = apply_edits(rep, edits_from(moved, list(levers.values())))
    result = evaluate(changed, found, JAN, JAN)  # the same figures: nothing read again
    # Anna: 50,000 x 10 % + 50,000 x 5 % = 7,500 and half a line x 500.
    assert amounts(result.frame, "product_commission") == {1: 7_500.0, 2: 500.0}
    assert amounts(result.frame, "launch_spiff") == {1: 250.0, 2: 250.0}


def test_a_revenue_assumption_moves_product_sales_not_spiff_lines() -> None:
    rep = plan(PRODUCT_RATES, SPIFF)
    result = evaluate(rep, scaled(loaded(rep), Assumptions(everyone=0.1)), JAN, JAN)
    assert amounts(result.frame, "product_commission") == {1: 7_810.0, 2: 550.0}
    assert amounts(result.frame, "launch_spiff") == {1: 100.0, 2: 100.0}


@pytest.mark.parametrize(
    ("component", "path", "code"),
    [
        (
            {**PRODUCT_RATES, "rates": [{"rate": 0.1}]},
            "components[0].rates[0]",
            "product_or_category",
        ),
        (
            {**PRODUCT_RATES, "rates": [{"product": "P-1", "category": "软件", "rate": 0.1}]},
            "components[0].rates[0]",
            "product_or_category",
        ),
        (
            {**PRODUCT_RATES, "rates": [{"product": "P-1", "rate": 0.1}] * 2},
            "components[0].rates[1]",
            "duplicate_rate",
        ),
        (
            {**PRODUCT_RATES, "rates": [{"product": "P-1", "rate": -1}]},
            "components[0].rates[0].rate",
            "ge",
        ),
        ({**PRODUCT_RATES, "default": "high"}, "components[0].default", "number"),
        ({**SPIFF, "to": "2026-01-01"}, "components[0].to", "spiff_dates"),
        ({**SPIFF, "from": "soon"}, "components[0].from", None),
        ({**SPIFF, "unit": 3}, "components[0].unit", "unknown_key"),
    ],
)
def test_bad_entries_name_the_field(component: dict, path: str, code: str | None) -> None:
    with pytest.raises(PlanInvalid) as caught:
        plan(component)
    issues = caught.value.issues
    assert [i.path for i in issues] == [path]
    if code is not None:
        assert issues[0].code == code


def test_the_plan_round_trips_through_yaml() -> None:
    rep = plan(PRODUCT_RATES, SPIFF)
    again = plan(*[c.model_dump(by_alias=True, mode="json") for c in rep.components])
    assert again == rep


# -- read from a real database --------------------------------------------------------


def test_the_columns_come_from_the_ledger_and_the_catalogue(empty_db) -> None:
    engine = empty_db.engine
    build_shop(engine)  # Anna (4) sold 80,000 and 40,000 in January, no product
    with write_session(engine) as session:
        session.add(Product(product_id="P-1", name="软件一", category="软件", list_price=1.0))
        session.add(Product(product_id="P-2", name="软件二", category="软件", list_price=1.0))
        session.flush()
        session.add_all(
            [
                OrderLine(
                    order_id=20,
                    customer_id=10,
                    person_id=4,
                    order_date=dt.date(2026, 1, 12),
                    revenue=10_000.0,
                    cost=5_000.0,
                    product_id="P-1",
                ),
                OrderLine(
                    order_id=21,
                    customer_id=10,
                    person_id=4,
                    order_date=dt.date(2026, 1, 15),
                    revenue=6_000.0,
                    cost=1_000.0,
                    product_id="P-2",
                ),
            ]
        )
    rep = plan(PRODUCT_RATES, SPIFF, eligible={"levels": ["rep"]})
    registry = MetricRegistry(make_host())
    found = figure_reads.figures_for(engine, registry, rep)
    result = evaluate(rep, found, JAN, JAN)
    # Anna: 136,000 in all: P-1 10,000 x 8 % + P-2 6,000 x 5 % + 120,000 x 3 % = 4,700;
    # one P-2 line on 15 January: 200.
    assert amounts(result.frame.filter(pl.col("person_id") == 4), "product_commission") == {
        4: 4_700.0
    }
    assert amounts(result.frame.filter(pl.col("person_id") == 4), "launch_spiff") == {4: 200.0}
    assert figure_reads.figures_for(engine, registry, rep) is found  # cached per data version
    # Paid per product: 3,000 of the P-2 line in January, at P-2's 10 % on collected cash.
    with write_session(engine) as session:
        cash.record_payment(session, OPERATOR, 21, dt.date(2026, 1, 25), 3_000.0)
    on_cash = {
        "name": "cash_by_product",
        "type": "product_rate",
        "base": "collected",
        "default": 0.01,
        "rates": [{"product": "P-2", "rate": 0.1}],
    }
    paid = plan(on_cash, eligible={"levels": ["rep"]})
    result = evaluate(paid, figure_reads.figures_for(engine, registry, paid), JAN, JAN)
    assert amounts(result.frame.filter(pl.col("person_id") == 4), "cash_by_product") == {4: 300.0}
