"""Properties of the engine over random plans and figures (hypothesis).

- no negative payout (only a clawback, outside the engine, is negative);
- payout never decreases as revenue grows, when every rate is >= 0 (and
  retroactive tiers do not fall: the validator warns about those);
- caps hold: a component never exceeds its cap, the period never its plan's.
"""

from __future__ import annotations

from typing import Any

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plugins.incentives.logic.engine import evaluate
from plugins.incentives.logic.plan_model import Plan, parse_data
from tests.fixtures_incentives import DEC, JAN, figures

rates = st.floats(0, 0.2, allow_nan=False)
bounds = st.floats(0, 2.5, allow_nan=False)


@st.composite
def tiered(draw: Any, name: str, rising: bool) -> dict[str, Any]:
    starts = sorted(set(draw(st.lists(bounds, min_size=1, max_size=4))))
    tier_rates = draw(st.lists(rates, min_size=len(starts), max_size=len(starts)))
    mode = draw(st.sampled_from(["marginal", "retroactive"]))
    if mode == "retroactive" and rising:
        tier_rates = sorted(tier_rates)
    comp: dict[str, Any] = {
        "name": name,
        "type": "tiered",
        "base": draw(st.sampled_from(["revenue", "profit"])),
        "measure": draw(st.sampled_from(["attainment", "amount"])),
        "mode": mode,
        "tiers": [{"from": lo, "rate": r} for lo, r in zip(starts, tier_rates, strict=True)],
    }
    if comp["measure"] == "amount":
        comp["tiers"] = [{"from": t["from"] * 100_000, "rate": t["rate"]} for t in comp["tiers"]]
    if draw(st.booleans()):
        lo = draw(bounds)
        comp["accelerators"] = [{"from": lo, "multiplier": draw(st.floats(1, 3))}]
    if draw(st.booleans()):
        lo = draw(bounds)
        comp["decelerators"] = [{"from": lo, "multiplier": draw(st.floats(0, 1))}]
    if draw(st.booleans()):
        comp["upto"] = comp["tiers"][0]["from"] + draw(st.floats(0.1, 2)) * (
            100_000 if comp["measure"] == "amount" else 1
        )
    if draw(st.booleans()):
        comp["cap"] = draw(st.floats(0, 20_000))
    return comp


@st.composite
def plans(draw: Any, rising: bool = True) -> Plan:
    comps: list[dict[str, Any]] = [draw(tiered("c0", rising))]
    if draw(st.booleans()):
        comps.append({"name": "c1", "type": "rate", "base": "profit", "rate": draw(rates)})
    if draw(st.booleans()):
        comps.append(
            {
                "name": "c2",
                "type": "bonus",
                "every": draw(st.sampled_from(["month", "quarter", "year"])),
                "amount": draw(st.floats(0, 5_000)),
                "when": [{"metric": "attainment", "min": draw(bounds)}],
            }
        )
    if draw(st.booleans()):
        comps.append(
            {
                "name": "c3",
                "type": "pool",
                "amount": draw(st.floats(0, 50_000)),
                "split": "attainment",
                "min_attainment": draw(st.floats(0, 1)),
            }
        )
    top: dict[str, Any] = {"name": "P", "period": "month", "components": comps}
    if draw(st.booleans()):
        top["gates"] = [
            {"metric": "attainment", "below": draw(bounds), "multiplier": draw(st.floats(0, 1))}
        ]
    cap = draw(st.sampled_from([None, "amount", "multiple"]))
    if cap == "amount":
        top["cap"] = {"amount": draw(st.floats(0, 30_000))}
    elif cap == "multiple":
        top["cap"] = {"multiple": draw(st.floats(0.1, 4))}
        top["target_incentive"] = {"share_of_quota": draw(st.floats(0, 0.2))}
    return parse_data(top).plan


money = st.floats(0, 400_000, allow_nan=False)


def person(pid: int, revenue: float, margin: float, quota: float | None) -> dict[str, Any]:
    return {
        "person_id": pid,
        "month": DEC,
        "revenue": revenue,
        "profit": revenue * margin,
        "quota": quota,
    }


def payouts(p: Plan, rows: list[dict[str, Any]]) -> pl.DataFrame:
    return evaluate(p, figures(rows), DEC, JAN).frame


CONFIG = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@CONFIG
@given(
    plans(rising=False),
    money,
    st.floats(-0.5, 0.8),
    st.one_of(st.none(), money),
    money,
)
def test_no_negative_payout(
    p: Plan, revenue: float, margin: float, quota: float | None, other: float
) -> None:
    frame = payouts(p, [person(1, revenue, margin, quota), person(2, other, 0.3, 100_000.0)])
    amounts = frame.select(*[c.name for c in p.components if c.enabled], "payout")
    assert (amounts.min_horizontal() >= 0).all()
    assert (frame["gate_adjustment"] <= 0).all() and (frame["cap_adjustment"] <= 0).all()


@CONFIG
@given(plans(), money, money, st.floats(0, 0.8), st.one_of(st.none(), money), money)
def test_payout_never_falls_as_revenue_grows(
    p: Plan, low: float, extra: float, margin: float, quota: float | None, other: float
) -> None:
    peer = person(2, other, 0.3, 100_000.0)
    before = payouts(p, [person(1, low, margin, quota), peer])
    after = payouts(p, [person(1, low + extra, margin, quota), peer])
    first = before.filter(pl.col("person_id") == 1)["payout"].item()
    second = after.filter(pl.col("person_id") == 1)["payout"].item()
    assert second >= first - 0.011  # amounts are rounded to the fen per component


@CONFIG
@given(plans(rising=False), money, st.floats(-0.2, 0.8), st.one_of(st.none(), money))
def test_caps_hold(p: Plan, revenue: float, margin: float, quota: float | None) -> None:
    frame = payouts(p, [person(1, revenue, margin, quota)])
    row = frame.row(0, named=True)
    for comp in p.components:
        if comp.cap is not None:
            assert row[comp.name] <= comp.cap + 0.005
    pools = sum(row[c.name] for c in p.components if c.type == "pool")
    if p.cap is not None and p.cap.amount is not None:
        assert row["payout"] - pools <= p.cap.amount + 0.011
    if p.cap is not None and p.cap.multiple is not None and quota is not None:
        ti = p.target_incentive
        assert ti is not None and ti.share_of_quota is not None
        assert row["payout"] - pools <= p.cap.multiple * ti.share_of_quota * quota + 0.011
