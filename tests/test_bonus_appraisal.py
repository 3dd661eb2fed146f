"""Issue 14 item 4: the published appraisal multiplier weights monthly and quarterly bonuses
(``weighted_by: appraisal``), not only the year-end pool; hand-computed figures."""

from __future__ import annotations

import polars as pl

from command_center import i18n
from plugins.incentives.logic.engine import evaluate
from plugins.incentives.logic.wording import pays_bonus
from tests.conftest import make_host
from tests.fixtures_incentives import ANNA, BO, FEB, JAN, MAR, amounts, figures, plan

MONTHLY = {
    "name": "target_bonus",
    "type": "bonus",
    "amount": 1000,
    "when": [{"metric": "attainment", "min": 0.5}],
    "weighted_by": "appraisal",
}
QUARTERLY = {**MONTHLY, "name": "quarter_bonus", "every": "quarter", "amount": 3000}


def published(*rows: tuple[int, str, float]) -> pl.DataFrame:
    """What ``queries.figures.published_multipliers`` returns: years and finer periods."""
    return pl.DataFrame(
        rows,
        schema={"person_id": pl.Int64, "period": pl.String, "multiplier": pl.Float64},
        orient="row",
    )


def test_a_monthly_bonus_takes_the_months_multiplier_else_the_years() -> None:
    mults = published((1, "2026", 1.2), (1, "2026-01", 1.5), (2, "2026", 0.5))
    result = evaluate(plan(MONTHLY), figures([ANNA, BO]), JAN, JAN, mults)
    # Anna: her January multiplier 1.5; Bo: only his year's, 0.5.
    assert amounts(result.frame, "target_bonus") == {1: 1_500.0, 2: 500.0}


def test_without_a_published_multiplier_the_bonus_is_unweighted() -> None:
    result = evaluate(plan(MONTHLY), figures([ANNA, BO]), JAN, JAN, None)
    assert amounts(result.frame, "target_bonus") == {1: 1_000.0, 2: 1_000.0}
    unweighted = {k: v for k, v in MONTHLY.items() if k != "weighted_by"}
    mults = published((1, "2026", 2.0))
    plain = evaluate(plan(unweighted), figures([ANNA]), JAN, JAN, mults)
    assert amounts(plain.frame, "target_bonus") == {1: 1_000.0}


def test_a_quarterly_bonus_takes_the_quarters_multiplier() -> None:
    rows = [{**ANNA, "month": m} for m in (JAN, FEB, MAR)]
    mults = published((1, "2026", 1.0), (1, "2026-Q1", 1.3))
    result = evaluate(plan(QUARTERLY), figures(rows), JAN, MAR, mults)
    got = dict(result.frame.select("period", "quarter_bonus").iter_rows())
    assert got == {"2026-01": 0.0, "2026-02": 0.0, "2026-03": 3_900.0}


def test_the_plan_says_so() -> None:
    i18n.install(make_host().translations())
    rep = plan(MONTHLY)
    assert pays_bonus(rep.components[0], rep, str).endswith(  # type: ignore[arg-type]
        " × the published appraisal multiplier"
    )
