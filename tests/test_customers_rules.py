"""Customers plugin, pure logic: cadence, pool release and claim rules, ownership
history, duplicate keys and per-team counts; answers computed by hand."""

from __future__ import annotations

import datetime as dt

import polars as pl

from plugins.customers.logic import cadence, dedupe, pool
from plugins.customers.logic.teams import by_team

D = dt.date
TODAY = D(2026, 11, 27)
INTERVALS = {"A": 7, "B": 14, "C": 30}


def book(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={
            "customer_id": pl.Int64,
            "owner_id": pl.Int64,
            "locked": pl.Boolean,
            "owned_since": pl.Date,
            "created_on": pl.Date,
        },
        orient="row",
    )


def last_fu(rows: list[tuple[int, dt.date]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows, schema={"customer_id": pl.Int64, "last_followup": pl.Date}, orient="row"
    )


def wins(rows: list[tuple[int, dt.date]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={"customer_id": pl.Int64, "last_win": pl.Date}, orient="row")


# -- cadence ----------------------------------------------------------------------------


def test_due_dates_per_grade_from_the_later_of_followup_and_takeover() -> None:
    b = book(
        [
            (1, 10, False, D(2020, 1, 1), D(2020, 1, 1)),  # A, followed 7 days ago: due today
            (2, 10, False, D(2020, 1, 1), D(2020, 1, 1)),  # B, followed 15 days ago: overdue 1
            (3, 10, False, D(2026, 11, 20), D(2020, 1, 1)),  # C, taken over 7 days ago: ok
            (4, None, False, None, D(2020, 1, 1)),  # public pool: no cadence
            (5, 11, False, None, D(2026, 10, 1)),  # no follow-up, no owned_since: created_on
        ]
    )
    grades = pl.DataFrame({"customer_id": [1, 2, 3], "grade": ["A", "B", "C"]})
    out = cadence.due_dates(
        b, last_fu([(1, D(2026, 11, 20)), (2, D(2026, 11, 12)), (3, D(2026, 9, 1))]),
        grades, INTERVALS, TODAY,
    ).sort("customer_id")  # fmt: skip
    assert out["customer_id"].to_list() == [1, 2, 3, 5]
    assert out["due_on"].to_list() == [D(2026, 11, 27), D(2026, 11, 26), D(2026, 12, 20),
                                       D(2026, 10, 31)]  # fmt: skip
    assert out["status"].to_list() == ["due", "overdue", "ok", "overdue"]
    assert out["days_overdue"].to_list() == [0, 1, -23, 27]
    assert out["grade"].to_list() == ["A", "B", "C", "C"]  # missing grade counts as C


def test_overdue_at_points_follows_ownership_spells() -> None:
    spells = pl.DataFrame(
        {
            "customer_id": [1, 1, 2],
            "owner_id": [10, 11, 10],
            "start": [D(2026, 1, 1), D(2026, 10, 20), D(2026, 1, 1)],
            "end": [D(2026, 10, 10), None, None],
        }
    )
    followups = pl.DataFrame(
        {"customer_id": [1, 2], "followup_date": [D(2026, 9, 1), D(2026, 10, 25)]}
    )
    grades = pl.DataFrame(
        {
            "as_of": [D(2026, 9, 30), D(2026, 9, 30), D(2026, 10, 31), D(2026, 10, 31)],
            "customer_id": [1, 2, 1, 2],
            "grade": ["B", "C", "B", "C"],
        }
    )
    out = cadence.overdue_at_points(
        spells, followups, grades, INTERVALS, [D(2026, 9, 30), D(2026, 10, 31)]
    ).sort("as_of", "person_id")
    # Sep 30: 10 owns 1 (B, last 9-01 -> due 9-15: overdue) and 2 (C, start 1-01: overdue)
    # Oct 31: 11 owns 1 since 10-20 (due 11-03: fine); 10 owns 2 (last 10-25: fine)
    assert out.rows() == [(D(2026, 9, 30), 10, 2)]


# -- pool rules ------------------------------------------------------------------------


def test_release_reasons_lock_and_the_clock_of_the_current_owner() -> None:
    b = book(
        [
            (1, 10, False, D(2026, 1, 1), D(2020, 1, 1)),  # last follow-up 31 days ago
            (2, 10, False, D(2026, 1, 1), D(2020, 1, 1)),  # last follow-up 30 days ago: kept
            (3, 10, False, D(2026, 1, 1), D(2020, 1, 1)),  # followed, last win 91 days ago
            (4, 10, True, D(2026, 1, 1), D(2020, 1, 1)),  # locked: never released
            (5, 10, False, D(2026, 11, 1), D(2020, 1, 1)),  # claimed 26 days ago, never won
            (6, None, False, None, D(2020, 1, 1)),  # already public
            (7, 10, False, D(2026, 8, 28), D(2020, 1, 1)),  # owned 91 days, no win: no_win
        ]
    )
    fu = last_fu([(1, D(2026, 10, 27)), (2, D(2026, 10, 28)), (3, D(2026, 11, 20)),
                  (7, D(2026, 11, 25))])  # fmt: skip
    w = wins([(1, D(2026, 11, 1)), (2, D(2026, 11, 1)), (3, D(2026, 8, 28))])
    out = pool.release_candidates(b, fu, w, TODAY, 30, 90)
    assert out.rows() == [(1, 10, "no_followup", 31), (3, 10, "no_win", 91), (7, 10, "no_win", 91)]


def test_claim_refusals_in_order() -> None:
    ok = pool.ClaimState(private_count=199, claims_today=9, cap=200, daily_limit=10)
    assert pool.claim_refusal(ok, True, False) is None
    assert ok.remaining == 1
    assert pool.claim_refusal(ok, False, False) == "not_public"
    full = pool.ClaimState(200, 0, 200, 10)
    assert pool.claim_refusal(full, True, False) == "cap_reached" and full.remaining == 0
    limit = pool.ClaimState(5, 10, 200, 10)
    assert pool.claim_refusal(limit, True, False) == "daily_limit" and limit.remaining == 0
    assert pool.claim_refusal(ok, True, True) == "cooldown"


def test_ownership_spells_from_moves() -> None:
    customers = pl.DataFrame(
        {
            "customer_id": [1, 2, 3],
            "owner_id": [11, 10, None],
            "created_on": [D(2025, 1, 1), D(2025, 2, 1), D(2025, 3, 1)],
        }
    )
    moves = pl.DataFrame(
        {
            "move_id": [1, 2, 3, 4],
            "customer_id": [1, 1, 3, 3],
            "moved_on": [D(2026, 3, 1), D(2026, 4, 1), D(2025, 3, 1), D(2025, 3, 1)],
            "from_owner_id": [10, None, None, None],
            "to_owner_id": [None, 11, 12, None],
        },
        schema_overrides={"from_owner_id": pl.Int64, "to_owner_id": pl.Int64},
    )
    out = pool.ownership_spells(customers, moves)
    assert out.rows() == [
        (1, 10, D(2025, 1, 1), D(2026, 3, 1)),
        (1, 11, D(2026, 4, 1), None),
        (2, 10, D(2025, 2, 1), None),
    ]  # customer 3: created into the public pool, claimed and released the same day


# -- duplicate keys ----------------------------------------------------------------------


def test_duplicate_keys_normalise() -> None:
    assert dedupe.name_key("上海 星辰（集团）有限公司") == dedupe.name_key("上海星辰(集团)有限公司")
    assert dedupe.name_key(" ＡＢＣ Trading Co., Ltd. ") == dedupe.name_key("abc trading co ltd")
    assert dedupe.phone_key("+86 138-0013-8000") == dedupe.phone_key("13800138000")
    assert dedupe.phone_key("0086 21 6888 0000") == "2168880000"
    assert dedupe.phone_key("12-34") == ""  # too short to compare
    assert dedupe.tax_key("91310000-MA1FL0 0x1a") == "91310000MA1FL00X1A"
    assert dedupe.name_key("") == "" and dedupe.phone_key(None) == "" and dedupe.tax_key(None) == ""


def test_matches_on_any_key() -> None:
    cand = pl.DataFrame(
        {
            "customer_id": [1, 2, 3],
            "name_key": [dedupe.name_key("甲公司"), "b", "c"],
            "phone_key": ["1", "13800138000", "3"],
            "tax_key": ["x", "y", "91310000MA1FL00X1A"],
        }
    )
    out = dedupe.matches(cand, "甲 公司", "+86 13800138000", "91310000ma1fl00x1a")
    assert out.rows() == [(1, ["name"]), (2, ["phone"]), (3, ["tax_id"])]
    assert dedupe.matches(cand, "甲公司", "", "", exclude=1).height == 0
    assert dedupe.matches(cand, "", "", "").height == 0


def test_by_team_counts_customers_under_each_node() -> None:
    graded = pl.DataFrame(
        {
            "customer_id": [1, 2, 3, 4],
            "owner_id": [4, 5, 7, None],
            "revenue": [100.0, 50.0, 10.0, 5.0],
            "grade": ["A", "B", "A", "C"],
        }
    )
    tree = pl.DataFrame(
        {
            "ancestor_id": [3, 3, 3, 6, 6, 4, 5, 7],
            "person_id": [3, 4, 5, 6, 7, 4, 5, 7],
        }
    )
    out = by_team(graded, tree, [3, 6])
    assert out.filter(pl.col("customers") > 0).rows() == [
        (3, "A", 1, 100.0),
        (3, "B", 1, 50.0),
        (6, "A", 1, 10.0),
    ]
    assert out.height == 6


def test_team_table_keeps_two_teams_whose_leaders_share_a_name() -> None:
    """The ABC page's team table has one row per team, also when two leaders have one name."""
    from command_center import i18n
    from plugins.customers.logic.display import team_table
    from tests.conftest import make_host

    i18n.install(make_host().translations())
    table = pl.DataFrame(
        {
            "node_id": [1, 1, 1, 2, 2, 2],
            "grade": ["A", "B", "C"] * 2,
            "customers": [1, 2, 3, 4, 5, 6],
            "revenue": [10.0, 20.0, 30.0, 40.0, 50.0, 60.0],
            "team": ["李伟"] * 6,
        }
    )
    with i18n.language("en"):
        wide = team_table(table)
    assert wide.height == 2
    assert wide["Team"].to_list() == ["李伟", "李伟"]
    assert wide["A customers"].to_list() == [1, 4]
    assert wide["C revenue"].to_list() == [30.0, 60.0]
