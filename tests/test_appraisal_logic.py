"""Appraisal logic against hand-computed answers: weights, rules, scores, 271, grid, pace."""

from __future__ import annotations

import datetime as dt
import itertools

import polars as pl
import pytest

from plugins.appraisal.logic import (
    STATES,
    Line,
    apply_results,
    check_lines,
    check_move,
    distribution,
    elapsed_share,
    finalize_annual,
    finalize_monthly,
    forced_ratings,
    guideline_counts,
    kpi_scores,
    next_state,
    outliers,
    parse_steps,
    person_progress,
    previous_state,
    score_lines,
    team_progress,
    training_needs,
    values_mean,
)
from plugins.appraisal.settings import AppraisalSettings

SHARES = {"exceeds": 0.2, "meets": 0.7, "below": 0.1}


def lines(*rows: dict) -> pl.DataFrame:
    base = {
        "person_id": 1,
        "weight": 100.0,
        "rule": "linear",
        "ceiling": 1.2,
        "floor": 0.0,
        "steps": "",
        "available": True,
        "higher_is_better": True,
    }
    full = [{"line_id": i, **base, **row} for i, row in enumerate(rows, start=1)]
    return pl.DataFrame(
        full,
        schema_overrides={"target": pl.Float64, "actual": pl.Float64, "person_id": pl.Int64},
    )


# -- weights and contract checks ----------------------------------------------------------


def test_weights_must_add_up_to_100() -> None:
    known = {"revenue": True, "margin": True}
    ok = [Line("revenue", 70, 100.0), Line("margin", 30, 0.3)]
    assert check_lines(ok, known) is None
    short = check_lines([Line("revenue", 70, 100.0), Line("margin", 20, 0.3)], known)
    assert short is not None and short.key == "appraisal.error.weights"
    assert short.params == {"total": 90}
    over = check_lines([Line("revenue", 70, 100.0), Line("margin", 40, 0.3)], known)
    assert over is not None and over.params == {"total": 110}
    # a hair off 100 from decimals is fine, a whole point is not
    assert check_lines([Line("revenue", 33.333, 1.0), Line("margin", 66.667, 0.3)], known) is None
    assert check_lines([Line("revenue", 99, 1.0)], known).key == "appraisal.error.weights"


def test_contract_refusals_name_the_problem() -> None:
    known = {"revenue": True, "days_to_close": False}
    assert check_lines([], known).key == "appraisal.error.no_lines"
    dup = check_lines([Line("revenue", 50, 1.0), Line("revenue", 50, 1.0)], known)
    assert dup.key == "appraisal.error.duplicate_metric" and dup.params == {"metric": "revenue"}
    assert check_lines([Line("revenue", 0, 1.0)], known).key == "appraisal.error.weight_positive"
    assert check_lines([Line("revenue", 100, None)], known).key == "appraisal.error.no_target"
    assert check_lines([Line("revenue", 100, None)], known, need_targets=False) is None
    assert check_lines([Line("revenue", 100, 0.0)], known).key == "appraisal.error.bad_target"
    # a target of 0 is fine when lower is better (no complaints, no overdue customers)
    assert check_lines([Line("days_to_close", 100, 0.0)], known) is None
    bad = check_lines([Line("revenue", 100, 1.0, "steps", steps="120:1x")], known)
    assert bad.key == "appraisal.error.bad_steps" and bad.params["part"] == "120:1x"
    assert check_lines([Line("revenue", 100, 1.0, ceiling=0.9)], known).key == (
        "appraisal.error.bad_ceiling"
    )
    # a metric nobody registers may stay in a contract (shown unavailable)
    assert check_lines([Line("visits", 100, 8.0)], known) is None


def test_parse_steps() -> None:
    assert parse_steps("100:100, 120:120，80：60; 60%:40") == [
        (120.0, 120.0),
        (100.0, 100.0),
        (80.0, 60.0),
        (60.0, 40.0),
    ]
    for bad in ("", "abc", "100", "100:100, 100:90", "-5:10"):
        with pytest.raises(ValueError):
            parse_steps(bad)


# -- scoring rules --------------------------------------------------------------------


def test_linear_rule_with_ceiling_and_floor() -> None:
    scored = score_lines(
        lines(
            {"metric": "a", "target": 250.0, "actual": 200.0},  # 80 %
            {"metric": "b", "target": 250.0, "actual": 400.0},  # 160 % -> capped at 120 %
            {"metric": "c", "target": 0.5, "actual": 0.2, "floor": 0.5},  # 40 % under the floor
            {"metric": "d", "target": 100.0, "actual": 110.0, "ceiling": 1.5},
            {"metric": "e", "target": 100.0, "actual": -30.0},  # negative growth: 0, not < 0
        )
    )
    got = dict(scored.select("metric", "score").iter_rows())
    assert got["a"] == pytest.approx(80.0)
    assert got["b"] == pytest.approx(120.0)
    assert got["c"] == pytest.approx(0.0)
    assert got["d"] == pytest.approx(110.0)
    assert got["e"] == pytest.approx(0.0)
    assert scored.filter(pl.col("metric") == "b")["attainment"].item() == pytest.approx(1.6)


def test_steps_rule_takes_the_highest_step_reached() -> None:
    table = "120:120, 100:100, 80:80, 60:60"
    scored = score_lines(
        lines(
            {"metric": "a", "target": 4.5, "actual": 4.5, "rule": "steps", "steps": table},
            {"metric": "b", "target": 4.5, "actual": 4.0, "rule": "steps", "steps": table},
            {"metric": "c", "target": 10.0, "actual": 5.9, "rule": "steps", "steps": table},
            {"metric": "d", "target": 10.0, "actual": 13.0, "rule": "steps", "steps": table},
            {"metric": "e", "target": 10.0, "actual": 8.0, "rule": "steps", "steps": "80:50"},
        )
    )
    got = dict(scored.select("metric", "score").iter_rows())
    # 4.0 / 4.5 = 88.9 % -> the 80 % step
    assert got == {"a": 100.0, "b": 80.0, "c": 0.0, "d": 120.0, "e": 50.0}


def test_lower_is_better_mirrors_attainment() -> None:
    scored = score_lines(
        lines(
            {"metric": "days", "target": 20.0, "actual": 22.0, "higher_is_better": False},
            {"metric": "fast", "target": 20.0, "actual": 15.0, "higher_is_better": False},
            {"metric": "zero_ok", "target": 0.0, "actual": 0.0, "higher_is_better": False},
            {"metric": "zero_bad", "target": 0.0, "actual": 2.0, "higher_is_better": False},
            {"metric": "awful", "target": 10.0, "actual": 30.0, "higher_is_better": False},
        )
    )
    got = {m: round(s, 6) for m, s in scored.select("metric", "score").iter_rows()}
    # 2 - 22/20 = 0.9; 2 - 15/20 = 1.25 capped at 1.2; 2 - 30/10 < 0 -> 0
    assert got == {"days": 90.0, "fast": 120.0, "zero_ok": 100.0, "zero_bad": 0.0, "awful": 0.0}


def test_statuses_and_kpi_score_spreads_weight_of_unavailable_lines() -> None:
    scored = score_lines(
        lines(
            {"metric": "revenue", "weight": 50.0, "target": 100.0, "actual": 90.0},
            {"metric": "margin", "weight": 30.0, "target": 0.3, "actual": 0.36},
            {"metric": "visits", "weight": 20.0, "target": 8.0, "actual": None, "available": False},
            {
                "person_id": 2,
                "metric": "satisfaction",
                "weight": 100.0,
                "target": 4.5,
                "actual": None,
            },
        )
    )
    status = dict(scored.select("metric", "status").iter_rows())
    assert status == {
        "revenue": "scored",
        "margin": "scored",
        "visits": "unavailable",
        "satisfaction": "no_data",
    }
    kpi = dict(kpi_scores(scored).select("person_id", "kpi_score").iter_rows())
    # (50 x 90 + 30 x 120) / 80 = 101.25; person 2 has nothing scored
    assert kpi[1] == pytest.approx(101.25)
    assert kpi[2] is None


# -- final scores ---------------------------------------------------------------------


def test_values_mean_and_monthly_final() -> None:
    assert (
        values_mean({"teamwork": 4, "integrity": 5, "other": 1}, ["teamwork", "integrity"]) == 4.5
    )
    assert values_mean({}, ["teamwork"]) is None
    policy = AppraisalSettings()
    frame = pl.DataFrame(
        {
            "kpi_score": [80.0, 114.0, 145.0, None],
            "judgement": [5.0, 0.0, 25.0, 0.0],
            "values_score": [4.0, 4.0, 2.5, 5.0],
        }
    )
    out = finalize_monthly(frame, policy)
    # 0.7 x (80 + 5) + 0.3 x 4 x 20 = 83.5; judgement capped at +10 and results at 150
    assert out["results_score"].to_list()[:3] == pytest.approx([85.0, 114.0, 150.0])
    assert out["final_score"].to_list()[:3] == pytest.approx([83.5, 103.8, 120.0])
    # no KPI scored: no final score, no proposed rating (rated by hand in calibration)
    assert out["final_score"][3] is None
    assert out["proposed_rating"].to_list() == ["meets", "exceeds", "exceeds", None]
    assert out["grid"].to_list() == ["ox", "star", "wild_dog", None]


def test_annual_final_combines_months_ability_and_attitude() -> None:
    policy = AppraisalSettings()
    frame = pl.DataFrame(
        {
            "monthly_final": [90.0, None],
            "results_score": [95.0, None],
            "values_score": [3.5, None],
            "ability": [4.0, 3.0],
            "attitude": [3.0, 5.0],
        }
    )
    out = finalize_annual(frame, policy)
    # 0.6 x 90 + 0.2 x 80 + 0.2 x 60 = 82; without months: (0.2 x 60 + 0.2 x 100) / 0.4 = 80
    assert out["final_score"].to_list() == pytest.approx([82.0, 80.0])
    assert out["proposed_rating"].to_list() == ["meets", "meets"]


def test_policy_refuses_weights_not_adding_up() -> None:
    with pytest.raises(ValueError):
        AppraisalSettings(results_weight=0.6, values_weight=0.3)
    with pytest.raises(ValueError):
        AppraisalSettings(share_exceeds=0.3)
    with pytest.raises(ValueError):
        AppraisalSettings(values=["teamwork", "teamwork"])
    with pytest.raises(ValueError):
        AppraisalSettings(default_steps="nonsense")


# -- calibration ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (10, {"exceeds": 2, "meets": 7, "below": 1}),
        (5, {"exceeds": 1, "meets": 4, "below": 0}),  # 1 / 3.5 / 0.5: the tie goes to meets
        (7, {"exceeds": 1, "meets": 5, "below": 1}),  # 1.4 / 4.9 / 0.7
        (2, {"exceeds": 1, "meets": 1, "below": 0}),  # 0.4 / 1.4 / 0.2
        (1, {"exceeds": 0, "meets": 1, "below": 0}),
        (0, {"exceeds": 0, "meets": 0, "below": 0}),
    ],
)
def test_guideline_counts(n: int, expected: dict[str, int]) -> None:
    assert guideline_counts(n, SHARES) == expected


def team(ratings: list[str | None], team_id: int = 1, start: int = 1) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "team_id": [team_id] * len(ratings),
            "person_id": list(range(start, start + len(ratings))),
            "rating": ratings,
        },
        schema={"team_id": pl.Int64, "person_id": pl.Int64, "rating": pl.String},
    )


def test_distribution_counts_and_flags() -> None:
    records = pl.concat(
        [
            team(["exceeds"] * 2 + ["meets"] * 7 + ["below"], team_id=1),  # exactly 271
            team(["exceeds"] * 4 + ["meets"] * 6, team_id=2, start=20),  # too generous
            team([None, "meets"], team_id=3, start=40),
        ]
    )
    got = distribution(records, SHARES, tolerance=0.1)
    one = got.filter(pl.col("team_id") == 1)
    assert one["count"].to_list() == [2, 7, 1]
    assert one["expected"].to_list() == [2, 7, 1]
    assert not one["flagged"].any()
    two = got.filter(pl.col("team_id") == 2)
    assert two["count"].to_list() == [4, 6, 0]
    assert two["share"].to_list() == pytest.approx([0.4, 0.6, 0.0])
    # exceeds is 20 points over the guideline: flagged; meets and below are within 10 points
    assert two["flagged"].to_list() == [True, False, False]
    three = got.filter(pl.col("team_id") == 3)
    assert three["size"].to_list() == [1, 1, 1]  # the unrated person is left out
    assert three["count"].to_list() == [0, 1, 0]


def test_forced_ratings_by_rank() -> None:
    scores = [95.0, 80.0, 101.0, 70.0, 88.0, 88.0, 60.0, 92.0, 75.0, 99.0]
    records = pl.DataFrame(
        {"team_id": [1] * 10, "person_id": list(range(1, 11)), "final_score": scores}
    )
    forced = dict(forced_ratings(records, SHARES).iter_rows())
    assert [p for p, r in forced.items() if r == "exceeds"] == [3, 10]  # 101 and 99
    assert [p for p, r in forced.items() if r == "below"] == [7]  # 60
    assert sum(r == "meets" for r in forced.values()) == 7


def test_outliers_flag_rank_inversions_and_overrides() -> None:
    records = pl.DataFrame(
        {
            "team_id": [1, 1, 1, 2],
            "person_id": [1, 2, 3, 4],
            "final_score": [90.0, 80.0, 70.0, 50.0],
            "rating": ["meets", "exceeds", "meets", "below"],
            "proposed_rating": ["meets", "meets", "meets", "below"],
        }
    )
    got = {r["person_id"]: r for r in outliers(records).iter_rows(named=True)}
    assert got[2]["rated_above"] and got[2]["override"]  # rated above person 1 who scored more
    assert got[1]["rated_below"] and not got[1]["rated_above"]
    assert not any(got[3][k] for k in ("rated_above", "rated_below", "override"))
    assert not any(got[4][k] for k in ("rated_above", "rated_below", "override"))


def test_results_applied_and_training() -> None:
    policy = AppraisalSettings()
    records = pl.DataFrame(
        {
            "person_id": [1, 2, 3],
            "rating": ["exceeds", "meets", "below"],
            "grid": ["star", "ox", "dog"],
            "values_score": [4.5, 3.5, 2.5],
            "ability": [None, None, 2.0],
            "attitude": [None, None, 4.0],
        },
        schema_overrides={"ability": pl.Float64, "attitude": pl.Float64},
    )
    monthly = apply_results(records, policy.multipliers, None)
    assert monthly["bonus_multiplier"].to_list() == [1.5, 1.0, 0.5]
    assert monthly["raise_pct"].to_list() == [None, None, None]
    assert monthly["promotion"].to_list() == [True, False, False]
    annual = apply_results(records, policy.multipliers, policy.raises)
    assert annual["raise_pct"].to_list() == pytest.approx([0.08, 0.04, 0.0])
    kpis = pl.DataFrame(
        {
            "person_id": [1, 3, 3, 3],
            "metric": ["revenue", "revenue", "margin", "visits"],
            "score": [120.0, 50.0, 70.0, None],
            "status": ["scored", "scored", "scored", "unavailable"],
        }
    )
    needs = dict(training_needs(kpis, records, 80.0, 3.0).iter_rows())
    assert needs == {1: [], 2: [], 3: ["revenue", "margin", "values", "ability"]}


# -- the state machine ------------------------------------------------------------------


def test_state_machine_one_step_at_a_time() -> None:
    assert STATES[0] == "planning" and STATES[-1] == "closed"
    for current, forward in itertools.pairwise(STATES):
        assert next_state(current) == forward
        assert check_move(current, forward) is None
    assert check_move("calibration", "manager_review") is None  # one step back
    assert previous_state("planning") is None and previous_state("closed") is None
    skip = check_move("planning", "self_review")
    assert skip.key == "appraisal.error.out_of_order"
    assert skip.params == {"current": "planning", "target": "self_review", "next": "in_progress"}
    assert check_move("in_progress", "closed").key == "appraisal.error.out_of_order"
    assert check_move("closed", "calibration").key == "appraisal.error.closed"
    assert check_move("planning", "planning").key == "appraisal.error.same_state"
    assert check_move("planning", "finished").key == "appraisal.error.unknown_state"


# -- monitoring -------------------------------------------------------------------------


def test_elapsed_share() -> None:
    start, last = dt.date(2026, 11, 1), dt.date(2026, 11, 30)
    assert elapsed_share(start, last, dt.date(2026, 11, 15)) == pytest.approx(0.5)
    assert elapsed_share(start, last, dt.date(2026, 10, 20)) == 0.0
    assert elapsed_share(start, last, dt.date(2027, 1, 1)) == 1.0


def test_person_progress_pace() -> None:
    frame = lines(
        {"metric": "revenue", "weight": 60.0, "target": 1000.0, "actual": 600.0},
        {"metric": "visits", "weight": 20.0, "target": 10.0, "actual": 4.0},
        {"metric": "margin", "weight": 20.0, "target": 0.3, "actual": 0.33},
    ).with_columns(
        pl.Series("kind", ["sum", "sum", "ratio"]),
    )
    got = {r["metric"]: r for r in person_progress(frame, 0.5).iter_rows(named=True)}
    assert got["revenue"]["on_track"] is True  # 600 >= 1000 x 50 %
    assert got["revenue"]["projected_attainment"] == pytest.approx(1.2)
    assert got["revenue"]["projected_score"] == pytest.approx(120.0)
    assert got["visits"]["on_track"] is False  # 4 < 5
    assert got["visits"]["projected_score"] == pytest.approx(80.0)
    assert got["margin"]["projected_attainment"] == pytest.approx(1.1)  # a ratio stands as is
    assert got["margin"]["on_track"] is True


def test_team_progress_ratio_is_sum_num_over_sum_den() -> None:
    frame = pl.DataFrame(
        {
            "team_id": [1, 1, 1, 1],
            "person_id": [4, 5, 4, 5],
            "metric": ["revenue", "revenue", "margin", "margin"],
            "kind": ["sum", "sum", "ratio", "ratio"],
            "num": [200.0, 300.0, 80.0, 150.0],
            "den": [0.0, 0.0, 200.0, 300.0],
            "target": [250.0, 250.0, 0.4, 0.5],
            "available": [True] * 4,
            "higher_is_better": [True] * 4,
        }
    )
    got = {r["metric"]: r for r in team_progress(frame).iter_rows(named=True)}
    assert got["revenue"]["actual"] == 500.0 and got["revenue"]["target"] == 500.0
    assert got["revenue"]["attainment"] == pytest.approx(1.0)
    # margin: (80 + 150) / (200 + 300) = 0.46, not the mean of 0.4 and 0.5; target: mean 0.45
    assert got["margin"]["actual"] == pytest.approx(0.46)
    assert got["margin"]["target"] == pytest.approx(0.45)
    assert got["margin"]["attainment"] == pytest.approx(0.46 / 0.45)


def test_stage_counts_and_shares_per_cycle() -> None:
    from plugins.appraisal.logic import stage_counts, stage_share, stage_shares

    cycles = pl.DataFrame({"cycle_id": [1, 2], "state": ["in_progress", "planning"]})
    records = pl.DataFrame(
        {
            "cycle_id": [1, 1, 1, 1],
            "contract": ["issued", "issued", "issued", "none"],
            "acknowledged": [True, True, False, False],
            "self_done": [True, False, False, False],
            "reviewed": [False, False, False, False],
            "rating": [None, None, None, None],
        },
        schema_overrides={"rating": pl.String},
    )
    counts = stage_counts(cycles, records)
    first = counts.filter(pl.col("cycle_id") == 1)
    assert first.select("people", "contract", "acknowledged", "self_done", "rated").row(0) == (
        4,
        3,
        2,
        1,
        0,
    )
    empty = counts.filter(pl.col("cycle_id") == 2)
    assert empty["people"][0] == 0  # a cycle nobody is in counts 0, not null
    assert stage_share(counts, "acknowledged") == pytest.approx(0.5)  # 2 of 4 people
    assert stage_share(empty, "acknowledged") is None
    shares = stage_shares(first)
    assert shares["stage"].to_list() == [
        "contract",
        "acknowledged",
        "self_done",
        "reviewed",
        "rated",
    ]
    assert shares["share"].to_list() == pytest.approx([0.75, 0.5, 0.25, 0.0, 0.0])
    assert stage_shares(empty).is_empty()


def test_weight_mix_and_totals() -> None:
    from plugins.appraisal.logic import weight_mix, weight_totals

    lines = pl.DataFrame(
        {
            "person_id": [4, 4, 5, 5, 3],
            "metric": ["revenue", "margin", "revenue", "margin", "revenue"],
            "weight": [70.0, 30.0, 50.0, 40.0, 100.0],
        }
    )
    records = pl.DataFrame({"person_id": [3, 4, 5], "level": ["supervisor", "rep", "rep"]})
    mix = {(r["level"], r["metric"]): r["weight"] for r in weight_mix(lines, records).to_dicts()}
    assert mix == {
        ("rep", "revenue"): 60.0,
        ("rep", "margin"): 35.0,
        ("supervisor", "revenue"): 100.0,
    }
    totals = dict(weight_totals(lines).iter_rows())
    assert totals == {3: 100.0, 4: 100.0, 5: 90.0}


def test_rating_mix_and_team_table() -> None:
    from plugins.appraisal.logic import rating_mix, team_table

    rated = pl.DataFrame(
        {
            "period": ["2026-09", "2026-09", "2026-09", "2026-10"],
            "rating": ["meets", "meets", None, "below"],
        }
    )
    mix = {(r["period"], r["rating"]): r["people"] for r in rating_mix(rated).to_dicts()}
    assert mix == {("2026-09", "meets"): 2, ("2026-10", "below"): 1}  # unrated left out
    spread = pl.DataFrame(
        {
            "team_id": [1, 1, 1],
            "team": ["A", "A", "A"],
            "size": [10, 10, 10],
            "rating": ["exceeds", "meets", "below"],
            "count": [4, 5, 1],
            "expected": [2, 7, 1],
            "flagged": [True, True, False],
        }
    )
    row = team_table(spread).row(0, named=True)
    assert (row["exceeds"], row["exceeds_expected"], row["meets"], row["meets_expected"]) == (
        4,
        2,
        5,
        7,
    )
    assert row["flagged"] is True and row["size"] == 10
