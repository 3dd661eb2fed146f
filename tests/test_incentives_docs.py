"""The worked examples of docs/commission-plans.md, computed by the engine.

Each example's YAML is read from the page itself (after its
``<!-- example: NAME -->`` marker); the numbers asserted here are the ones
the page states.
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest
import yaml

from plugins.incentives.logic.engine import evaluate
from plugins.incentives.logic.plan_edits import apply_edits
from plugins.incentives.logic.plan_model import Plan, parse_plan
from plugins.incentives.logic.settlement import clawbacks, contributions
from plugins.incentives.logic.whatif import compare
from tests.fixtures_incentives import ANNA, BO, DEC, FEB, JAN, MAR, amounts, figures

DOC = Path(__file__).resolve().parent.parent / "docs" / "commission-plans.md"
TEXT = DOC.read_text(encoding="utf-8")


def example(name: str) -> Plan:
    match = re.search(rf"<!-- example: {name} -->\s*```yaml\n(.*?)```", TEXT, re.S)
    assert match, name
    return parse_plan(match.group(1)).plan


def stated(*numbers: str) -> None:
    for number in numbers:
        assert f"**{number}**" in TEXT, number


def payouts(plan: Plan, rows, start=JAN, end=JAN, metrics=None, multipliers=None):
    return evaluate(plan, figures(rows, metrics), start, end, multipliers).frame


def test_minimal_shape_is_the_pinned_one() -> None:
    block = re.search(r"## The minimal shape\s*```yaml\n(.*?)```", TEXT, re.S)
    assert block is not None
    plan = parse_plan(block.group(1)).plan
    assert [c.name for c in plan.components] == ["revenue_commission", "profit_share"]


def test_example_marginal_retroactive_upto() -> None:
    plan = example("marginal")
    assert amounts(payouts(plan, [ANNA, BO]), "payout") == {1: 6_200.0, 2: 4_000.0}
    retro = apply_edits(plan, {"components[0].mode": "retroactive"})
    assert amounts(payouts(retro, [ANNA, BO]), "payout") == {1: 7_200.0, 2: 4_000.0}
    capped = apply_edits(plan, {"components[0].upto": 1.1})
    assert amounts(payouts(capped, [ANNA]), "payout") == {1: 5_600.0}
    retro_capped = apply_edits(retro, {"components[0].upto": 1.1})
    assert amounts(payouts(retro_capped, [ANNA]), "payout") == {1: 6_600.0}
    stated("6,200", "4,000", "7,200", "5,600", "6,600")


def test_example_accelerator() -> None:
    result = payouts(example("accelerator"), [ANNA, BO])
    assert amounts(result, "payout") == {1: 5_250.0, 2: 2_750.0}
    stated("5,250", "2,750")


def test_example_gated() -> None:
    plan = example("gated")
    satisfaction = {(1, JAN): (3.2, 1.0), (2, JAN): (4.6, 1.0)}
    result = payouts(plan, [ANNA, BO], metrics={"satisfaction": ("ratio", satisfaction)})
    columns = [
        "revenue_commission",
        "profit_share",
        "target_bonus",
        "gate_adjustment",
        "cap_adjustment",
        "payout",
    ]
    got = result.select("person_id", *columns).rows()
    assert got == [
        (1, 6_200.0, 600.0, 1_000.0, -3_100.0, 0.0, 4_700.0),
        (2, 4_000.0, 400.0, 0.0, 0.0, 0.0, 4_400.0),
    ]
    happier = {(1, JAN): (4.0, 1.0), (2, JAN): (4.6, 1.0)}
    capped = payouts(plan, [ANNA, BO], metrics={"satisfaction": ("ratio", happier)})
    assert amounts(capped, "cap_adjustment")[1] == -1_800.0
    assert amounts(capped, "payout")[1] == 6_000.0
    stated("4,700", "4,400", "6,000")


def test_example_quarterly() -> None:
    rows = [{**ANNA, "month": m, "revenue": r} for m, r in ((JAN, 1.2e5), (FEB, 1.2e5), (MAR, 6e4))]
    result = payouts(example("quarterly"), rows, JAN, MAR)
    assert result["quarter_bonus"].to_list() == [0.0, 0.0, 3_000.0]
    stated("3,000")


def test_example_override() -> None:
    leader = {
        "person_id": 3,
        "level": "supervisor",
        "team_revenue": 200_000.0,
        "team_quota": 200_000.0,
    }
    plan = example("override")
    assert amounts(payouts(plan, [ANNA, BO, leader]), "payout") == {3: 2_000.0}
    strict = apply_edits(plan, {"components[0].min_team_attainment": 1.05})
    assert amounts(payouts(strict, [ANNA, BO, leader]), "payout") == {3: 0.0}
    stated("2,000")


def test_example_pool() -> None:
    rows = [{**ANNA, "month": DEC}, {**BO, "month": DEC}]
    plan = example("pool")
    assert amounts(payouts(plan, rows, DEC, DEC), "payout") == {1: 6_000.0, 2: 4_000.0}
    multipliers = pl.DataFrame(
        {"person_id": [1, 2], "period": ["2025", "2025"], "multiplier": [1.5, 0.5]}
    )
    appraised = payouts(plan, rows, DEC, DEC, multipliers=multipliers)
    assert amounts(appraised, "payout") == {1: 7_500.0, 2: 2_500.0}
    stated("6,000", "4,000", "7,500", "2,500")


def test_example_clawback() -> None:
    import datetime as dt

    block = re.search(r"## The minimal shape\s*```yaml\n(.*?)```", TEXT, re.S)
    assert block is not None
    plan = apply_edits(parse_plan(block.group(1)).plan, {"components[0].upto": None})
    result = evaluate(plan, figures([ANNA]), JAN, JAN)
    orders = pl.DataFrame(
        {
            "order_id": [1, 2],
            "customer_id": [10, 11],
            "person_id": [1, 1],
            "order_date": [dt.date(2026, 1, 5), dt.date(2026, 1, 20)],
            "revenue": [80_000.0, 40_000.0],
            "cost": [60_000.0, 30_000.0],
        }
    )
    credits = contributions(result, orders)
    got = dict(credits.select("order_id", pl.col("contribution").round(2)).iter_rows())
    assert got == {1: 4_533.33, 2: 2_266.67}
    refunds = pl.DataFrame(
        {
            "refund_id": [1],
            "order_id": [1],
            "refund_date": [dt.date(2026, 2, 10)],
            "amount": [20_000.0],
            "person_id": [1],
        }
    )
    windows = pl.DataFrame({"person_id": [1], "within_months": [12]})
    claw = clawbacks(refunds, credits, set(), dt.date(2026, 2, 28), windows)
    assert claw["amount"].to_list() == [-1_133.33]
    stated("4,533.33", "2,266.67", "−1,133.33")


def test_example_what_if() -> None:
    plan = example("marginal")
    figs = figures([ANNA, BO])
    richer = apply_edits(plan, {"components[0].tiers[1].rate": 0.10})
    people = pl.DataFrame({"person_id": [1, 2], "name": ["Anna", "Bo"], "level": ["rep", "rep"]})
    table = compare(evaluate(plan, figs, JAN, JAN), evaluate(richer, figs, JAN, JAN), people)
    assert dict(table.select("person_id", pl.col("delta").round(2)).iter_rows()) == {
        1: 800.0,
        2: 0.0,
    }
    stated("+800")


@pytest.mark.parametrize("path", ["components[0].tiers[1].rate", "components[1].rat"])
def test_error_examples_are_the_real_messages(path: str) -> None:
    assert f"plan.yaml: {path}:" in TEXT


def test_example_collected() -> None:
    from tests.test_commission_collected import CASH_TIERS, with_cash

    plan = example("collected")
    found = with_cash(figures([ANNA]), {1: 60_000.0})
    assert amounts(evaluate(plan, found, JAN, JAN).frame, "payout") == {1: 3_000.0}
    tiers = apply_edits(plan, {"components[0]": CASH_TIERS})
    assert amounts(evaluate(tiers, found, JAN, JAN).frame, "payout") == {1: 3_600.0}
    stated("3,000", "4,000", "3,600")


def test_example_product_rates_and_spiff() -> None:
    from tests.test_product_rates import loaded

    blocks = re.findall(r"```yaml\ncomponents:\n(.*?)```", TEXT, re.S)
    components = [c for block in blocks for c in yaml_components(block)]
    rates = next(c for c in components if c["type"] == "product_rate")
    spiff = next(c for c in components if c["type"] == "spiff")
    plan = parse_plan(
        yaml.safe_dump({"name": "Doc", "period": "month", "components": [rates, spiff]})
    ).plan
    result = evaluate(plan, loaded(plan), JAN, JAN).frame
    assert amounts(result, "product_commission") == {1: 7_100.0, 2: 500.0}
    assert amounts(result, "launch_spiff") == {1: 100.0, 2: 100.0}
    stated("7,100", "500", "100")


def yaml_components(block: str) -> list[dict]:
    return list(yaml.safe_load("components:\n" + block)["components"])
