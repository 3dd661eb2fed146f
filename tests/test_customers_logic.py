"""Customers plugin, pure logic: ABC (pinned rule and edge cases), windows, cadence,
pool rules, ownership history, duplicate keys; answers computed by hand."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plugins.customers.logic import abc
from plugins.customers.logic.dates import Window, add_months, month_ends

D = dt.date


def lines(rows: list[tuple[int, dt.date, float]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={"customer_id": pl.Int64, "order_date": pl.Date, "revenue": pl.Float64},
        orient="row",
    )


def ids(*values: int) -> pl.DataFrame:
    return pl.DataFrame({"customer_id": list(values)}, schema={"customer_id": pl.Int64})


def graded(rows: list[tuple[int, dt.date, float]], customers: list[int], **kw) -> pl.DataFrame:
    return abc.abc_from_lines(lines(rows), ids(*customers), kw.pop("as_of", D(2026, 10, 31)), **kw)


# -- dates and windows ---------------------------------------------------------------


def test_add_months_clamps_to_the_month_end() -> None:
    assert add_months(D(2026, 3, 31), -1) == D(2026, 2, 28)
    assert add_months(D(2024, 2, 29), -12) == D(2023, 2, 28)
    assert add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert add_months(D(2026, 11, 15), -12) == D(2025, 11, 15)


def test_window_is_after_the_same_day_n_months_before_up_to_as_of() -> None:
    w = Window.of(D(2026, 11, 15), 12)
    assert (w.after, w.until) == (D(2025, 11, 15), D(2026, 11, 15))
    with pytest.raises(ValueError):
        Window.of(D(2026, 11, 15), 0)


def test_month_ends() -> None:
    assert month_ends(D(2026, 2, 10), 3) == [D(2025, 12, 31), D(2026, 1, 31), D(2026, 2, 28)]


@settings(max_examples=200, deadline=None)
@given(
    st.dates(min_value=D(2020, 1, 1), max_value=D(2030, 12, 31)),
    st.integers(min_value=1, max_value=30),
)
def test_window_split_covers_every_day_exactly_once(as_of: dt.date, months: int) -> None:
    w = Window.of(as_of, months)
    whole, ranges = w.split()
    days: list[dt.date] = []
    if whole is not None:
        m = whole[0]
        while m <= whole[1]:
            nxt = add_months(m, 1)
            days += [m + dt.timedelta(d) for d in range((nxt - m).days)]
            m = nxt
    for first, last in ranges:
        days += [first + dt.timedelta(d) for d in range((last - first).days + 1)]
    expected = [w.after + dt.timedelta(d) for d in range(1, (w.until - w.after).days + 1)]
    assert sorted(days) == expected


# -- ABC: the pinned rule --------------------------------------------------------------


def test_basic_grades_by_share_of_those_above() -> None:
    # revenue 50, 30, 15, 5 of 100: above-shares 0, .50, .80, .95
    rows = [(1, D(2026, 5, 1), 50.0), (2, D(2026, 5, 1), 30.0), (3, D(2026, 5, 1), 15.0),
            (4, D(2026, 5, 1), 5.0)]  # fmt: skip
    out = graded(rows, [1, 2, 3, 4])
    assert out["customer_id"].to_list() == [1, 2, 3, 4]
    # 3 has exactly 80 % above it: not < 0.80, so B; 4 has exactly 95 % above: C
    assert out["grade"].to_list() == ["A", "A", "B", "C"]
    assert out["share"].to_list() == pytest.approx([0.5, 0.3, 0.15, 0.05])
    assert out["cumulative_share"].to_list() == pytest.approx([0.5, 0.8, 0.95, 1.0])
    assert out["rank"].to_list() == [1, 2, 3, 4]


def test_ties_are_ranked_by_customer_id() -> None:
    rows = [(7, D(2026, 5, 1), 40.0), (3, D(2026, 5, 2), 40.0), (5, D(2026, 5, 3), 20.0)]
    out = graded(rows, [7, 3, 5])
    assert out["customer_id"].to_list() == [3, 7, 5]
    # 3: above 0 -> A; 7: above .4 -> A; 5: above .8 -> B
    assert out["grade"].to_list() == ["A", "A", "B"]
    # equal revenue, different grades when the cut falls between them
    out = graded([(2, D(2026, 5, 1), 80.0), (9, D(2026, 5, 1), 10.0), (4, D(2026, 5, 1), 10.0)],
                 [2, 4, 9])  # fmt: skip
    assert out["customer_id"].to_list() == [2, 4, 9]
    assert out["grade"].to_list() == ["A", "B", "B"]  # 4: above .80 -> B; 9: above .90 -> B


def test_one_customer_holding_more_than_80_percent() -> None:
    out = graded([(1, D(2026, 5, 1), 900.0), (2, D(2026, 5, 1), 60.0), (3, D(2026, 5, 1), 40.0)],
                 [1, 2, 3])  # fmt: skip
    # 1: above 0 -> A; 2: above .90 -> B; 3: above .96 -> C
    assert out["grade"].to_list() == ["A", "B", "C"]


def test_zero_revenue_customers_are_c_and_rank_last() -> None:
    out = graded([(5, D(2026, 5, 1), 10.0)], [1, 5, 3])
    assert out["customer_id"].to_list() == [5, 1, 3]
    assert out["grade"].to_list() == ["A", "C", "C"]
    assert out["share"].to_list() == [1.0, 0.0, 0.0]
    assert out["cumulative_share"].to_list() == [1.0, 1.0, 1.0]


def test_empty_window_everyone_c_with_zero_shares() -> None:
    out = graded([(1, D(2020, 1, 1), 10.0)], [1, 2])
    assert out["grade"].to_list() == ["C", "C"]
    assert out["share"].to_list() == [0.0, 0.0]
    assert out["cumulative_share"].to_list() == [0.0, 0.0]
    assert (
        abc.grade(pl.DataFrame(schema={"customer_id": pl.Int64, "revenue": pl.Float64})).height == 0
    )


def test_window_boundaries() -> None:
    as_of = D(2026, 10, 31)  # window: 2025-10-31 < date <= 2026-10-31
    rows = [
        (1, D(2025, 10, 31), 1000.0),  # the same day N months before: outside
        (1, D(2025, 11, 1), 1.0),  # the first day inside
        (2, D(2026, 10, 31), 5.0),  # as_of itself: inside
        (3, D(2026, 11, 1), 1000.0),  # after as_of: outside
    ]
    out = graded(rows, [1, 2, 3], as_of=as_of).sort("customer_id")
    assert out["revenue"].to_list() == [1.0, 5.0, 0.0]
    # a clamped month: as_of 2026-03-31 with 1 month -> after 2026-02-28
    out = graded([(1, D(2026, 2, 28), 7.0), (2, D(2026, 3, 1), 3.0)], [1, 2],
                 as_of=D(2026, 3, 31), months=1)  # fmt: skip
    assert out.sort("customer_id")["revenue"].to_list() == [0.0, 3.0]


def test_lines_outside_the_universe_are_ignored_and_cents_sum_exactly() -> None:
    rows = [(1, D(2026, 5, 1), 0.1), (1, D(2026, 5, 2), 0.2), (2, D(2026, 5, 1), 0.3),
            (99, D(2026, 5, 1), 1e6)]  # fmt: skip
    out = graded(rows, [1, 2])
    # 0.1 + 0.2 == 0.3 in cents: a tie, broken by id
    assert out["customer_id"].to_list() == [1, 2]
    assert out["revenue"].to_list() == [0.3, 0.3]


def test_custom_cutoffs_and_their_checks() -> None:
    rows = [(1, D(2026, 5, 1), 50.0), (2, D(2026, 5, 1), 30.0), (3, D(2026, 5, 1), 20.0)]
    assert graded(rows, [1, 2, 3], cutoffs=(0.5, 0.5))["grade"].to_list() == ["A", "C", "C"]
    assert graded(rows, [1, 2, 3], cutoffs=(0.6, 0.9))["grade"].to_list() == ["A", "A", "B"]
    assert abc.parse_cutoffs(" 0.7, 0.9") == (0.7, 0.9)
    for bad in ("0.9,0.8", "0,0.5", "0.5", "a,b", "0.5,1.5"):
        with pytest.raises(ValueError):
            abc.parse_cutoffs(bad)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(1, 12),
            st.dates(min_value=D(2025, 1, 1), max_value=D(2026, 12, 31)),
            st.integers(0, 50_000).map(lambda c: c / 100),
        ),
        max_size=60,
    ),
    st.dates(min_value=D(2025, 6, 1), max_value=D(2026, 12, 31)),
    st.integers(1, 14),
)
def test_totals_path_equals_lines_path_and_the_rule(rows, as_of, months) -> None:
    frame = lines(rows)
    direct = abc.abc_from_lines(frame, ids(*range(1, 13)), as_of, months)
    monthly = frame.group_by(
        "customer_id", pl.col("order_date").dt.truncate("1mo").alias("month")
    ).agg(pl.col("revenue").sum())
    via = abc.abc_from_totals(monthly, frame, ids(*range(1, 13)), as_of, months)
    assert direct.equals(via)
    # the rule, spelled out in plain Python
    w = Window.of(as_of, months)
    cents = {c: 0 for c in range(1, 13)}
    for c, day, revenue in rows:
        if w.after < day <= w.until:
            cents[c] += round(revenue * 100)
    order = sorted(cents, key=lambda c: (-cents[c], c))
    total, above, expected = sum(cents.values()), 0, []
    for c in order:
        share = above / total if total else 0.0
        expected.append(
            "C" if cents[c] == 0 else "A" if share < 0.8 else "B" if share < 0.95 else "C"
        )
        above += cents[c]
    assert direct["customer_id"].to_list() == order
    assert direct["grade"].to_list() == expected


def test_summary_migration_and_pareto() -> None:
    g = graded([(1, D(2026, 5, 1), 50.0), (2, D(2026, 5, 1), 30.0), (3, D(2026, 5, 1), 20.0)],
               [1, 2, 3, 4])  # fmt: skip
    s = abc.summary(g)
    assert s["grade"].to_list() == ["A", "B", "C"]
    assert s["customers"].to_list() == [2, 1, 1]
    assert s["revenue_share"].to_list() == pytest.approx([0.8, 0.2, 0.0])
    before = pl.DataFrame({"customer_id": [1, 2, 3], "grade": ["A", "B", "C"]})
    after = pl.DataFrame({"customer_id": [1, 2, 3, 4], "grade": ["A", "A", "B", "C"]})
    m = abc.migration(before, after)
    assert m.rows() == [("A", 1, 0, 0), ("B", 1, 0, 0), ("C", 0, 1, 0), ("new", 0, 0, 1)]
    p = abc.pareto_points(g)
    assert p["customer_share"].to_list()[-1] == 1.0
    assert p["cumulative_share"].to_list() == [0.5, 0.8, 1.0, 1.0]


def test_history_grades_only_customers_that_existed() -> None:
    frame = lines([(1, D(2026, 1, 10), 10.0), (2, D(2026, 2, 10), 30.0)])
    monthly = frame.group_by(
        "customer_id", pl.col("order_date").dt.truncate("1mo").alias("month")
    ).agg(pl.col("revenue").sum())
    customers = pl.DataFrame({"customer_id": [1, 2], "created_on": [D(2025, 1, 1), D(2026, 2, 1)]})
    h = abc.history(monthly, frame, customers, [D(2026, 1, 31), D(2026, 2, 28)], 12)
    jan = h.filter(pl.col("as_of") == D(2026, 1, 31))
    assert jan["customer_id"].to_list() == [1] and jan["grade"].to_list() == ["A"]
    feb = h.filter(pl.col("as_of") == D(2026, 2, 28)).sort("customer_id")
    # 2 (30) ranks first; 1 has 75 % above it, still under 80 %: both A
    assert feb["grade"].to_list() == ["A", "A"]
