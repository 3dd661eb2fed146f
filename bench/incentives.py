"""``python -m bench.incentives [--scale small|medium|large] [--repeat N]``: the what-if engine.

The simulator's engine (:func:`plugins.incentives.logic.engine.evaluate`, vectorised
Polars over the cached person-period table) beside a pandas implementation
and a plain-Python loop of the same plan, in the same run, on the same
table; all three must agree to the fen. The table comes from
``data/bench/<scale>.db`` when it exists (the core's demo data: revenue,
profit, quotas), else it is synthesised with NumPy (people x 24 months).

The plan has a marginal tiered commission with an accelerator, a profit
rate, a monthly and a quarterly target bonus, an attainment gate and a cap
of 3 x the target incentive (5 % of quota). Timed: the engine on the table
(baseline), the engine on a scenario (+10 % revenue for one team, which also
moves every team figure above it), and the three implementations.

Beside it, in the same run: **commission on collected cash** (the same plan
with ``base: collected``; the cash of a month is the database's collected
summary when it has payments, else synthesised: 55 % of a month's revenue
paid in it, 35 % the month after, 5 % the month after that, the rest never),
checked against the baseline when cash equals revenue; and a settlement's
per-line hold back and release for one month (``contributions`` over every
line of the month, synthetic lines when the table is synthetic).
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import polars as pl

from plugins.incentives.logic.breakdowns import COLLECTED, booked_plan
from plugins.incentives.logic.engine import evaluate
from plugins.incentives.logic.figures import ATTR_REVENUE, MONTH_SCHEMA, Figures
from plugins.incentives.logic.plan_model import Plan, parse_plan
from plugins.incentives.logic.settlement import BOOKED, contributions
from plugins.incentives.logic.whatif import Assumptions, scaled

ROOT = Path(__file__).resolve().parent.parent
SCALES = {"small": 80, "medium": 500, "large": 5_000}
MONTHS = 24
PLAN = """
name: Bench plan
period: month
target_incentive: {share_of_quota: 0.05}
components:
  - name: revenue_commission
    type: tiered
    base: revenue
    measure: attainment
    mode: marginal
    tiers:
      - {from: 0.0, rate: 0.04}
      - {from: 1.0, rate: 0.06}
    accelerators:
      - {from: 1.5, multiplier: 1.5}
  - name: profit_commission
    type: rate
    base: profit
    rate: 0.015
  - name: target_bonus
    type: bonus
    amount: 500
    when: [{metric: attainment, min: 1.0}]
  - name: quarter_bonus
    type: bonus
    every: quarter
    amount: 3000
    when: [{metric: attainment, min: 1.0}]
gates:
  - {metric: attainment, below: 0.5, multiplier: 0.5,
     applies_to: [revenue_commission, profit_commission]}
cap: {multiple: 3.0}
"""
CASH_PLAN = PLAN.replace(
    "    base: revenue\n    measure: attainment", "    base: collected\n    measure: attainment"
)
TIERS = ((0.0, 1.0, 0.04), (1.0, 1.5, 0.06), (1.5, math.inf, 0.06 * 1.5))
RATE, MONTHLY, QUARTERLY, GATE, GATE_MULT, TI_SHARE, CAP_MULT = (
    0.015,
    500.0,
    3000.0,
    0.5,
    0.5,
    0.05,
    3.0,
)


# -- the person-period table ------------------------------------------------------


def from_database(path: Path) -> pl.DataFrame:
    from command_center.db.engine import get_engine
    from plugins.incentives.queries.figures import person_months

    return person_months(get_engine(f"sqlite:///{path}"))


def synthetic(people: int, seed: int = 7) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    months = pl.date_range(dt.date(2024, 11, 1), dt.date(2026, 10, 1), "1mo", eager=True)
    n = people * MONTHS
    skill = rng.lognormal(0.0, 0.35, people)
    quota = np.round(np.repeat(rng.uniform(120_000, 260_000, people), MONTHS), -2)
    revenue = np.round(quota * np.repeat(skill, MONTHS) * rng.lognormal(0.0, 0.3, n), 2)
    return pl.DataFrame(
        {
            "person_id": np.repeat(np.arange(1, people + 1), MONTHS),
            "level": ["rep"] * n,
            "month": pl.Series(np.tile(months.to_numpy(), people)),
            "revenue": revenue,
            "profit": np.round(revenue * rng.uniform(0.2, 0.45, n), 2),
            "quota": quota,
            "team_revenue": 0.0,
            "team_profit": 0.0,
            "team_quota": None,
        },
        schema=MONTH_SCHEMA,
    )


def collected_from_database(path: Path) -> pl.DataFrame | None:
    """``person_id, month, collected`` from the database's summary (``None``: no payments)."""
    from command_center.db.engine import get_engine
    from plugins.incentives.queries.figures import _collected_months

    try:
        found = _collected_months(get_engine(f"sqlite:///{path}"))
    except Exception:  # an older bench database without the payment tables
        return None
    return None if found.is_empty() else found


def with_collected(month: pl.DataFrame, cash: pl.DataFrame | None) -> pl.DataFrame:
    """``month`` with a ``collected`` column: ``cash`` when given, else 55 % of a month's
    revenue paid in it, 35 % the month after and 5 % the month after that."""
    if cash is not None:
        return month.join(cash, on=["person_id", "month"], how="left").with_columns(
            pl.col(COLLECTED).fill_null(0.0)
        )
    revenue = pl.col("revenue")
    lagged = (
        0.55 * revenue
        + 0.35 * revenue.shift(1).over("person_id").fill_null(0.0)
        + 0.05 * revenue.shift(2).over("person_id").fill_null(0.0)
    )
    return month.sort("person_id", "month").with_columns(lagged.round(2).alias(COLLECTED))


def month_lines(month: pl.DataFrame, last: dt.date, seed: int = 5) -> tuple[pl.DataFrame, ...]:
    """A month's order lines (about 80 a person, summing to each one's revenue) and their
    cash: paid in full, half or not at all. ``(orders, paid)`` as a settlement reads them."""
    rng = np.random.default_rng(seed)
    rows = month.filter(pl.col("month") == last).select("person_id", "revenue")
    per = 80
    n = rows.height * per
    weights = rng.uniform(0.2, 1.8, n)
    people = np.repeat(rows["person_id"].to_numpy(), per)
    totals = np.repeat(rows["revenue"].to_numpy(), per)
    share = weights / np.repeat(weights.reshape(-1, per).sum(axis=1), per)
    revenue = np.round(totals * share, 2)
    paid_share = rng.choice([0.0, 0.5, 1.0], n, p=[0.3, 0.3, 0.4])
    orders = pl.DataFrame(
        {
            "order_id": np.arange(1, n + 1),
            "customer_id": rng.integers(1, 50_000, n),
            "person_id": people,
            "order_date": pl.Series([last] * n),
            "revenue": revenue,
            "cost": np.round(revenue * 0.7, 2),
            "product_id": pl.Series([None] * n, dtype=pl.String),
            "credit_share": 1.0,
        }
    )
    paid = orders.with_columns(
        (pl.col("revenue") * paid_share).round(2).alias("collected"),
        (pl.col("revenue") * (1 - paid_share)).round(2).alias("outstanding"),
    )
    return orders, paid


# -- the same plan in pandas and in plain Python -------------------------------------


def _round(value: float) -> float:
    """To the fen, half to even on ``value * 100`` (what NumPy and Polars do)."""
    scaled = value * 100
    low = math.floor(scaled)
    rest = scaled - low
    if rest > 0.5 or (rest == 0.5 and low % 2):
        low += 1
    return low / 100


def with_pandas(frame: pd.DataFrame) -> pd.DataFrame:
    """The bench plan, vectorised with pandas/NumPy."""
    df = frame.sort_values(["person_id", "month"]).reset_index(drop=True)
    quota = df["quota"].to_numpy(dtype=float)
    revenue = df["revenue"].to_numpy(dtype=float)
    profit = df["profit"].to_numpy(dtype=float)
    valid = ~np.isnan(quota) & (quota > 0)
    att = np.where(valid, revenue / np.where(valid, quota, 1.0), np.nan)
    m = np.nan_to_num(att, nan=0.0)
    base = np.maximum(revenue, 0.0)
    safe = np.where(m > 0, m, 1.0)
    share = sum(
        rate
        * (
            np.maximum(1.0 - lo / safe, 0.0)
            if math.isinf(hi)
            else np.maximum(np.clip(m, lo, hi) - lo, 0.0) / safe
        )
        for lo, hi, rate in TIERS
    )
    commission = np.round(np.where(m > 0, base * share, 0.0), 2)
    profit_c = np.round(np.maximum(profit, 0.0) * RATE, 2)
    monthly = np.where(~np.isnan(att) & (att >= 1.0), MONTHLY, 0.0)
    df["quarter"] = df["month"].dt.year * 4 + (df["month"].dt.month - 1) // 3
    grouped = df.groupby(["person_id", "quarter"], sort=False)
    q_rev = grouped["revenue"].transform("sum").to_numpy()
    q_sum = grouped["quota"].transform("sum").to_numpy()
    q_quota = np.where(grouped["quota"].transform("count").to_numpy() > 0, q_sum, np.nan)
    q_valid = ~np.isnan(q_quota) & (q_quota > 0)
    q_att = np.where(q_valid, q_rev / np.where(q_valid, q_quota, 1.0), np.nan)
    quarter_end = df["month"].dt.month.to_numpy() % 3 == 0
    quarterly = np.where(quarter_end & ~np.isnan(q_att) & (q_att >= 1.0), QUARTERLY, 0.0)
    gate = np.where(~np.isnan(att) & (att < GATE), GATE_MULT, 1.0)
    pre = np.round(commission * gate, 2) + np.round(profit_c * gate, 2) + monthly + quarterly
    cap = quota * TI_SHARE * CAP_MULT
    capped = np.where(np.isnan(cap), pre, np.minimum(pre, np.nan_to_num(cap, nan=np.inf)))
    df["payout"] = np.round(capped, 2)
    return df[["person_id", "month", "payout"]]


def with_python(rows: list[dict[str, Any]]) -> list[tuple[int, dt.date, float]]:
    """The bench plan, one person-month at a time."""
    quarters: dict[tuple[int, int, int], list[float]] = {}
    for row in rows:
        key = (row["person_id"], row["month"].year, (row["month"].month - 1) // 3)
        total = quarters.setdefault(key, [0.0, 0.0, 0.0])
        total[0] += row["revenue"]
        if row["quota"] is not None:
            total[1] += row["quota"]
            total[2] += 1
    out = []
    for row in rows:
        quota, revenue = row["quota"], row["revenue"]
        att = revenue / quota if quota else None
        m = att or 0.0
        commission = 0.0
        if m > 0:
            share = 0.0
            for lo, hi, rate in TIERS:
                if math.isinf(hi):
                    share += rate * max(1.0 - lo / m, 0.0)
                else:
                    share += rate * (max(min(max(m, lo), hi) - lo, 0.0) / m)
            commission = _round(max(revenue, 0.0) * share)
        profit_c = _round(max(row["profit"], 0.0) * RATE)
        bonus = MONTHLY if att is not None and att >= 1.0 else 0.0
        q_rev, q_quota, q_n = quarters[
            (row["person_id"], row["month"].year, (row["month"].month - 1) // 3)
        ]
        q_att = q_rev / q_quota if q_n and q_quota else None
        if row["month"].month % 3 == 0 and q_att is not None and q_att >= 1.0:
            bonus += QUARTERLY
        gate = GATE_MULT if att is not None and att < GATE else 1.0
        pre = _round(commission * gate) + _round(profit_c * gate) + bonus
        if quota is not None:
            pre = min(pre, quota * TI_SHARE * CAP_MULT)
        out.append((row["person_id"], row["month"], _round(pre)))
    return out


# -- timing -----------------------------------------------------------------------------


def timed(fn: Callable[[], Any], repeat: int) -> tuple[list[float], Any]:
    samples, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.incentives", description=__doc__)
    parser.add_argument("--scale", choices=list(SCALES), default="large")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument(
        "--synthetic", action="store_true", help="synthesise the table even if the db exists"
    )
    args = parser.parse_args(argv)
    path = ROOT / "data" / "bench" / f"{args.scale}.db"
    began = time.perf_counter()
    if path.exists() and not args.synthetic:
        source = f"data/bench/{args.scale}.db"
        month = from_database(path)
        month = month.filter(pl.col("month") < dt.date(2026, 11, 1))
    else:
        source = "synthetic (NumPy)"
        month = synthetic(SCALES[args.scale])
    built = time.perf_counter() - began
    plan: Plan = parse_plan(PLAN).plan
    start, end = month["month"].min(), month["month"].max()
    assert isinstance(start, dt.date) and isinstance(end, dt.date)
    figures = Figures(month, {})
    for grain in ("month", "quarter"):
        figures.grain(grain)
    figures.link("month", "quarter")
    people = month["person_id"].n_unique()
    months = month["month"].n_unique()
    print(
        f"person-period table: {source}, {people:,} people x {months} months "
        f"({month.height:,} rows), built in {built:.1f} s"
    )

    engine_ms, result = timed(lambda: evaluate(plan, figures, start, end), args.repeat)
    ids = month["person_id"].unique().sort().to_list()
    team = Assumptions(0.0, 0.1, ids[0], frozenset(ids[: max(1, people // 10)]), frozenset())
    scenario_ms, _ = timed(lambda: evaluate(plan, scaled(figures, team), start, end), args.repeat)
    pandas_in = month.select("person_id", "month", "revenue", "profit", "quota").to_pandas()
    pandas_in["month"] = pd.to_datetime(pandas_in["month"])
    pandas_ms, by_pandas = timed(lambda: with_pandas(pandas_in), args.repeat)
    rows = month.select("person_id", "month", "revenue", "profit", "quota").to_dicts()
    python_ms, by_python = timed(lambda: with_python(rows), max(1, min(args.repeat, 3)))

    engine = result.frame.select("person_id", "pay_month", "payout").sort("person_id", "pay_month")
    reference = engine["payout"].to_numpy()
    pandas_out = by_pandas["payout"].to_numpy()
    python_out = np.array([p for _, _, p in sorted(by_python, key=lambda r: (r[0], r[1]))])
    table = [
        ("polars engine (baseline)", engine_ms, reference),
        ("polars engine (scenario: +10% one team)", scenario_ms, None),
        ("pandas / NumPy", pandas_ms, pandas_out),
        ("plain Python loop", python_ms, python_out),
    ]
    print()
    print(
        f"{'implementation':<42}{'rows':>10}{'median ms':>12}{'min ms':>10}"
        f"{'total payout':>18}{'max |diff|':>12}"
    )
    failed = False
    for name, samples, values in table:
        total = f"{values.sum():,.2f}" if values is not None else "-"
        diff = "-" if values is None else f"{np.abs(values - reference).max():.4f}"
        if values is not None and np.abs(values - reference).max() > 0.011:
            failed = True
        print(
            f"{name:<42}{engine.height:>10,}{statistics.median(samples):>12.1f}"
            f"{min(samples):>10.1f}{total:>18}{diff:>12}"
        )
    print()
    print("agree to the fen" if not failed else "MISMATCH between implementations")
    failed = _collected(args, path, month, plan, figures, start, end, engine_ms) or failed
    return 1 if failed else 0


def _collected(
    args: argparse.Namespace,
    path: Path,
    month: pl.DataFrame,
    plan: Plan,
    figures: Figures,
    start: dt.date,
    end: dt.date,
    engine_ms: list[float],
) -> bool:
    """Commission on collected cash beside the baseline; ``True`` when a check fails."""
    cash_plan = parse_plan(CASH_PLAN).plan
    from_db = collected_from_database(path) if path.exists() and not args.synthetic else None
    cash_month = with_collected(month, from_db)
    cash_figures = Figures(cash_month, {}, None, (COLLECTED,))
    for grain in ("month", "quarter"):
        cash_figures.grain(grain)
    cash_figures.link("month", "quarter")
    cash_ms, cash_result = timed(lambda: evaluate(cash_plan, cash_figures, start, end), args.repeat)
    # Check: with every month's revenue collected in the month, the cash plan pays the baseline.
    same = month.with_columns(pl.col("revenue").alias(COLLECTED))
    same_figures = Figures(same, {}, None, (COLLECTED,))
    mirror = evaluate(cash_plan, same_figures, start, end).frame.sort("person_id", "pay_month")
    base = evaluate(plan, figures, start, end).frame.sort("person_id", "pay_month")
    diff = float((mirror["payout"] - base["payout"]).abs().max() or 0.0)
    # One month's statement lines: booked, held back, released.
    orders, paid = month_lines(cash_month, end)
    one = evaluate(cash_plan, cash_figures, end, end)
    twin = booked_plan(cash_plan)
    assert twin is not None
    booked = evaluate(twin, cash_figures, end, end).frame.select(
        "person_id", "period", pl.col(ATTR_REVENUE).alias(BOOKED)
    )
    lines_ms, credits = timed(lambda: contributions(one, orders, paid, booked), args.repeat)
    source = "database's collected summary" if from_db is not None else "synthesised (NumPy)"
    print()
    print(f"commission on collected cash (cash: {source})")
    print(f"{'run':<52}{'rows':>11}{'median ms':>12}{'min ms':>10}{'total payout':>18}")
    for name, samples, rows, total in (
        ("polars engine, booked revenue (baseline)", engine_ms, base.height, base["payout"].sum()),
        (
            "polars engine, base: collected",
            cash_ms,
            cash_result.frame.height,
            cash_result.frame["payout"].sum(),
        ),
        (
            f"hold back / release per line ({end:%Y-%m})",
            lines_ms,
            credits.height,
            credits["released"].sum(),
        ),
    ):
        print(
            f"{name:<52}{rows:>11,}{statistics.median(samples):>12.1f}"
            f"{min(samples):>10.1f}{total:>18,.2f}"
        )
    held = float(credits["held_back"].sum())
    print(
        f"held back in {end:%Y-%m}: {held:,.2f}; collected = revenue gives the baseline: "
        f"max |diff| {diff:.4f}"
    )
    return diff > 0.011


if __name__ == "__main__":
    sys.exit(main())
