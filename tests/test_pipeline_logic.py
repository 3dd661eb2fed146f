"""Pipeline rules on hand-built frames, checked against answers worked out by hand."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from plugins.pipeline.logic import analytics, facts, service, stages
from plugins.pipeline.logic.stages import StageModel, check_contract, check_move
from plugins.pipeline.settings import PipelineSettings, stage_model

MODEL: StageModel = stage_model(PipelineSettings())
REASONS = PipelineSettings().lost_reasons
T0 = dt.datetime(2026, 11, 1, 9, 0)


def ts(days: float) -> dt.datetime:
    return T0 + dt.timedelta(days=days)


# -- legal moves -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("current", "target", "reason", "status", "expected"),
    [
        ("lead", "qualified", None, None, None),
        ("negotiation", "lead", None, None, None),  # backwards is fine
        ("lead", "nowhere", None, None, "pipeline.error.unknown_stage"),
        ("lead", "lead", None, None, "pipeline.error.same_stage"),
        ("won", "lost", "price", "signed", "pipeline.error.won_is_final"),
        ("won", "negotiation", None, "signed", "pipeline.error.won_is_final"),
        ("contract_review", "won", None, "approved", "pipeline.error.won_by_signing"),
        ("solution", "lost", None, None, "pipeline.error.lost_reason_required"),
        ("solution", "lost", "aliens", None, "pipeline.error.unknown_lost_reason"),
        ("solution", "lost", "price", None, None),
        ("contract_review", "lost", "competitor", "in_review", None),
        ("negotiation", "contract_review", None, None, "pipeline.error.review_needs_contract"),
        ("negotiation", "contract_review", None, "draft", "pipeline.error.review_needs_contract"),
        ("contract_review", "negotiation", None, "approved", "pipeline.error.contract_pending"),
        ("contract_review", "negotiation", None, "rejected", None),
        ("lost", "qualified", None, "cancelled", None),  # reopening a lost deal
    ],
)
def test_check_move(
    current: str, target: str, reason: str | None, status: str | None, expected: str | None
) -> None:
    refusal = check_move(
        MODEL, current, target, lost_reason=reason, lost_reasons=REASONS, contract_status=status
    )
    assert (refusal.key if refusal else None) == expected


@pytest.mark.parametrize(
    ("action", "status", "expected"),
    [
        ("submit", "draft", None),
        ("submit", "rejected", None),
        ("submit", "approved", "pipeline.error.contract_action"),
        ("approve", "draft", "pipeline.error.not_in_review"),
        ("reject", "in_review", None),
        ("sign", "draft", "pipeline.error.sign_needs_approval"),
        ("sign", "in_review", "pipeline.error.sign_needs_approval"),
        ("sign", "rejected", "pipeline.error.sign_needs_approval"),
        ("sign", "approved", None),
        ("withdraw", "signed", "pipeline.error.contract_signed"),
        ("edit", "signed", "pipeline.error.contract_signed"),
        ("reopen", "signed", "pipeline.error.contract_signed"),
        ("edit", "in_review", "pipeline.error.contract_action"),
        ("reopen", "cancelled", None),
    ],
)
def test_check_contract(action: str, status: str, expected: str | None) -> None:
    refusal = check_contract(action, status)
    assert (refusal.key if refusal else None) == expected


def test_contract_after() -> None:
    assert stages.contract_after("submit", "rejected") == "in_review"
    assert stages.contract_after("edit", "rejected") == "rejected"
    assert stages.contract_after("sign", "approved") == "signed"


# -- probabilities and stalled deals ----------------------------------------------------------
def opps_frame(rows: list[dict[str, object]]) -> pl.DataFrame:
    base: dict[str, object] = {
        "owner_id": 4,
        "customer_id": 1,
        "expected_close": dt.date(2026, 12, 1),
        "stage_since": T0,
        "created_at": T0,
        "closed_on": None,
        "lost_reason": None,
    }
    return pl.DataFrame(
        [{**base, **row} for row in rows],
        schema_overrides={
            "closed_on": pl.Date,
            "lost_reason": pl.String,
            "created_at": pl.Datetime("us"),
            "stage_since": pl.Datetime("us"),
        },
    )


def test_probabilities_and_weighted_amounts() -> None:
    opps = opps_frame(
        [
            {"opp_id": 1, "stage": "lead", "amount": 1000.0},
            {"opp_id": 2, "stage": "negotiation", "amount": 1000.0},
            {"opp_id": 3, "stage": "contract_review", "amount": 250.0},
            {"opp_id": 4, "stage": "won", "amount": 70.0},
            {"opp_id": 5, "stage": "retired_stage", "amount": 90.0},
        ]
    )
    out = stages.with_probability(opps, MODEL)
    assert out["probability"].to_list() == [0.10, 0.60, 0.80, 1.0, 0.0]
    assert out["weighted"].to_list() == pytest.approx([100.0, 600.0, 200.0, 70.0, 0.0])


def test_configured_probabilities_are_used() -> None:
    conf = PipelineSettings()
    conf.stages[0].probability = 0.05
    opps = opps_frame([{"opp_id": 1, "stage": "lead", "amount": 2000.0}])
    assert stages.with_probability(opps, stage_model(conf))["weighted"].item() == 100.0


def test_stalled_counts_whole_days_from_the_last_change() -> None:
    now = ts(20)
    opps = opps_frame(
        [
            {"opp_id": 1, "stage": "lead", "amount": 1.0, "stage_since": ts(6)},  # 14.0 days
            {"opp_id": 2, "stage": "lead", "amount": 1.0, "stage_since": ts(6.01)},  # 13.99
            {"opp_id": 3, "stage": "won", "amount": 1.0, "stage_since": ts(0)},  # closed
            {"opp_id": 4, "stage": "solution", "amount": 1.0, "stage_since": ts(19.5)},
        ]
    )
    out = stages.with_stalled(opps, MODEL, now, 14)
    assert out["days_in_stage"].to_list() == [14, 13, 20, 0]
    assert out["stalled"].to_list() == [True, False, False, False]


# -- funnel, conversion, velocity -------------------------------------------------------------
def history_frame(paths: dict[int, list[tuple[str, float]]]) -> pl.DataFrame:
    rows = []
    change = 0
    for opp_id, path in paths.items():
        for stage, day in path:
            change += 1
            rows.append(
                {"change_id": change, "opp_id": opp_id, "to_stage": stage, "changed_at": ts(day)}
            )
    return pl.DataFrame(rows, schema_overrides={"changed_at": pl.Datetime("us")})


PATHS = {
    1: [
        ("lead", 0),
        ("qualified", 2),
        ("solution", 5),
        ("negotiation", 9),
        ("contract_review", 10),
        ("won", 12),
    ],
    2: [("lead", 0), ("qualified", 4), ("lost", 10)],
    3: [("lead", 1)],
    4: [("solution", 3)],  # imported straight into Solution
}


def funnel_inputs() -> tuple[pl.DataFrame, pl.DataFrame]:
    opps = opps_frame(
        [
            {"opp_id": 1, "stage": "won", "amount": 100.0},
            {"opp_id": 2, "stage": "lost", "amount": 50.0},
            {"opp_id": 3, "stage": "lead", "amount": 30.0},
            {"opp_id": 4, "stage": "solution", "amount": 20.0},
        ]
    )
    return history_frame(PATHS), opps


def test_funnel_counts_deals_that_reached_each_stage() -> None:
    history, opps = funnel_inputs()
    out = analytics.funnel(history, opps, MODEL)
    assert out["stage"].to_list() == [*MODEL.open, "won"]
    assert out["count"].to_list() == [4, 3, 2, 1, 1, 1]
    assert out["amount"].to_list() == [200.0, 170.0, 120.0, 100.0, 100.0, 100.0]
    assert out["conversion"].to_list()[:5] == pytest.approx([0.75, 2 / 3, 0.5, 1.0, 1.0])
    assert out["conversion"][5] is None
    assert out["share"].to_list() == pytest.approx([1.0, 0.75, 0.5, 0.25, 0.25, 0.25])


def test_funnel_of_nothing_is_zeros() -> None:
    history, opps = funnel_inputs()
    out = analytics.funnel(history.clear(), opps.clear(), MODEL)
    assert out["count"].to_list() == [0] * 6 and out["conversion"].null_count() == 6


def test_velocity_averages_completed_stays() -> None:
    history, _ = funnel_inputs()
    out = analytics.velocity(history, MODEL)
    got = {
        r["stage"]: (r["stays"], r["mean_days"], r["median_days"])
        for r in out.iter_rows(named=True)
    }
    assert got["lead"] == (2, pytest.approx(3.0), pytest.approx(3.0))  # 2 and 4 days
    assert got["qualified"] == (2, pytest.approx(4.5), pytest.approx(4.5))  # 3 and 6
    assert got["solution"] == (1, pytest.approx(4.0), pytest.approx(4.0))
    assert got["negotiation"] == (1, pytest.approx(1.0), pytest.approx(1.0))
    assert got["contract_review"] == (1, pytest.approx(2.0), pytest.approx(2.0))


def test_win_rate_and_lost_reasons_in_a_window() -> None:
    opps = opps_frame(
        [
            {"opp_id": 1, "stage": "won", "amount": 100.0, "closed_on": dt.date(2026, 10, 3)},
            {"opp_id": 2, "stage": "won", "amount": 200.0, "closed_on": dt.date(2026, 10, 30)},
            {
                "opp_id": 3,
                "stage": "lost",
                "amount": 50.0,
                "closed_on": dt.date(2026, 10, 5),
                "lost_reason": "price",
            },
            {
                "opp_id": 4,
                "stage": "lost",
                "amount": 60.0,
                "closed_on": dt.date(2026, 10, 6),
                "lost_reason": "price",
            },
            {
                "opp_id": 5,
                "stage": "lost",
                "amount": 70.0,
                "closed_on": dt.date(2026, 10, 7),
                "lost_reason": "timing",
            },
            {
                "opp_id": 6,
                "stage": "lost",
                "amount": 80.0,
                "closed_on": dt.date(2026, 9, 30),
                "lost_reason": "timing",
            },
            {"opp_id": 7, "stage": "lead", "amount": 90.0},
        ]
    )
    rate = analytics.win_rate(opps, MODEL, dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert rate == {"won": 2, "lost": 3, "won_amount": 300.0, "rate": pytest.approx(0.4)}
    reasons = analytics.lost_reasons(opps, MODEL, dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert reasons.rows() == [
        ("price", 2, 110.0, pytest.approx(2 / 3)),
        ("timing", 1, 70.0, pytest.approx(1 / 3)),
    ]


# -- forecast --------------------------------------------------------------------------------
def test_weighted_forecast_against_target_by_month_and_team() -> None:
    opps = opps_frame(
        [
            {
                "opp_id": 1,
                "owner_id": 4,
                "amount": 1000.0,
                "stage": "negotiation",
                "expected_close": dt.date(2026, 12, 10),
            },
            {
                "opp_id": 2,
                "owner_id": 5,
                "amount": 2000.0,
                "stage": "lead",
                "expected_close": dt.date(2026, 9, 20),
            },
            {
                "opp_id": 3,
                "owner_id": 7,
                "amount": 500.0,
                "stage": "contract_review",
                "expected_close": dt.date(2026, 11, 30),
            },
            {
                "opp_id": 4,
                "owner_id": 7,
                "amount": 900.0,
                "stage": "won",
                "expected_close": dt.date(2026, 11, 2),
            },
            {
                "opp_id": 5,
                "owner_id": 4,
                "amount": 300.0,
                "stage": "qualified",
                "expected_close": dt.date(2027, 2, 1),
            },
        ]
    )
    oct_, nov, dec = dt.date(2026, 10, 1), dt.date(2026, 11, 1), dt.date(2026, 12, 1)
    booked = pl.DataFrame(
        {
            "person_id": [4, 5, 7, 7],
            "month": [oct_, nov, nov, dt.date(2026, 9, 1)],
            "revenue": [100.0, 50.0, 70.0, 999.0],
        }
    )
    team_of = pl.DataFrame({"person_id": [3, 4, 5, 6, 7], "team_id": [3, 3, 3, 6, 6]})
    targets = pl.DataFrame(
        {"team_id": [3, 6, 3], "month": [nov, nov, dec], "target": [1000.0, 500.0, 800.0]}
    )
    out = analytics.forecast(opps, MODEL, booked, team_of, targets, [oct_, nov, dec], nov)
    rows = {(r["team_id"], r["month"]): r for r in out.iter_rows(named=True)}
    assert len(rows) == 6
    assert rows[(3, oct_)] | {} == {
        "team_id": 3,
        "month": oct_,
        "booked": 100.0,
        "pipeline": 0.0,
        "weighted": 0.0,
        "forecast": 100.0,
        "target": None,
        "gap": None,
        "attainment": None,
    }
    nov3 = rows[(3, nov)]  # the September lead slipped into the current month
    assert (nov3["booked"], nov3["pipeline"], nov3["weighted"], nov3["forecast"]) == (
        50.0,
        2000.0,
        pytest.approx(200.0),
        pytest.approx(250.0),
    )
    assert (nov3["target"], nov3["gap"], nov3["attainment"]) == (
        1000.0,
        pytest.approx(-750.0),
        pytest.approx(0.25),
    )
    dec3 = rows[(3, dec)]
    assert (dec3["pipeline"], dec3["weighted"], dec3["forecast"], dec3["attainment"]) == (
        1000.0,
        pytest.approx(600.0),
        pytest.approx(600.0),
        pytest.approx(0.75),
    )
    nov6 = rows[(6, nov)]
    assert (nov6["booked"], nov6["weighted"], nov6["forecast"], nov6["gap"]) == (
        70.0,
        pytest.approx(400.0),
        pytest.approx(470.0),
        pytest.approx(-30.0),
    )
    assert rows[(6, dec)]["forecast"] == 0.0 and rows[(6, oct_)]["target"] is None


def test_teams_are_the_roots_direct_reports() -> None:
    people = pl.DataFrame({"person_id": [2, 3, 4, 5, 6, 7], "manager_id": [None, 2, 3, 3, 2, 6]})
    assert analytics.team_heads(people, [2]) == [3, 6]
    assert analytics.team_heads(people, [4, 7]) == [4, 7]
    members = analytics.team_membership(people, [3, 6])
    assert members.rows() == [(3, 3), (4, 3), (5, 3), (6, 6), (7, 6)]


# -- SLA and milestones --------------------------------------------------------------------------
def complaints_frame() -> pl.DataFrame:
    at = dt.datetime
    return pl.DataFrame(
        {
            "complaint_id": [1, 2, 3, 4, 5],
            "person_id": [4, 4, 5, 5, 7],
            "opened_at": [
                at(2026, 11, 1, 9),
                at(2026, 11, 1, 9),
                at(2026, 11, 1, 9),
                at(2026, 11, 5, 10),
                at(2026, 11, 9, 12),
            ],
            "resolved_at": [
                at(2026, 11, 2, 9),
                at(2026, 11, 3, 9),
                at(2026, 11, 3, 9, 1),
                None,
                None,
            ],
        },
        schema_overrides={"opened_at": pl.Datetime("us"), "resolved_at": pl.Datetime("us")},
    )


def test_sla_states_and_rate_by_hand() -> None:
    now = dt.datetime(2026, 11, 10, 12, 0)
    out = service.with_sla(complaints_frame(), now, 48)
    # 24 h in time; exactly 48 h still in time; 48 h 1 min late; open 122 h overdue; open 24 h
    assert out["sla_state"].to_list() == ["in_time", "in_time", "late", "overdue", "open"]
    assert out["hours"].to_list() == pytest.approx([24.0, 48.0, 48 + 1 / 60, 122.0, 24.0])
    assert out["due_at"][3] == dt.datetime(2026, 11, 7, 10, 0)
    rate = service.sla_rate(out)
    assert (rate["in_time"], rate["late"], rate["overdue"], rate["open"], rate["decided"]) == (
        2,
        1,
        1,
        1,
        4,
    )
    assert rate["rate"] == 0.5


def test_sla_of_24_hours_changes_the_answer() -> None:
    out = service.with_sla(complaints_frame(), dt.datetime(2026, 11, 10, 12, 0), 24)
    # the last one is open exactly 24 h: due now, not yet past due
    assert out["sla_state"].to_list() == ["in_time", "late", "late", "overdue", "open"]
    assert service.sla_rate(out)["rate"] == pytest.approx(1 / 4)


def test_sla_rate_without_decided_complaints_is_none() -> None:
    out = service.with_sla(complaints_frame().tail(1), dt.datetime(2026, 11, 9, 13, 0), 48)
    assert service.sla_rate(out)["rate"] is None


def milestones_frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "milestone_id": [1, 2, 3, 4],
            "kind": ["production", "shipping", "installation", "custom"],
            "due_date": [
                dt.date(2026, 11, 1),
                dt.date(2026, 11, 5),
                dt.date(2026, 11, 14),
                dt.date(2026, 12, 20),
            ],
            "status": ["done", "in_progress", "planned", "planned"],
            "done_on": [dt.date(2026, 11, 2), None, None, None],
        }
    )


def test_overdue_milestones_and_customer_progress() -> None:
    today = dt.date(2026, 11, 10)
    late = service.with_overdue(milestones_frame(), today)
    assert late["overdue"].to_list() == [False, True, False, False]
    assert late["days_overdue"].to_list() == [0, 5, 0, 0]
    progress = service.order_progress(milestones_frame(), today)
    assert progress["state"].to_list() == ["done", "late", "due_soon", "scheduled"]
    assert progress["is_next"].to_list() == [False, True, False, False]
    assert not service.delivered(milestones_frame())
    assert service.delivered(milestones_frame().with_columns(pl.lit("done").alias("status")))


# -- metric facts ------------------------------------------------------------------------------
def test_metric_facts_by_person_and_month() -> None:
    opps = opps_frame(
        [
            {
                "opp_id": 1,
                "owner_id": 4,
                "stage": "negotiation",
                "amount": 1000.0,
                "expected_close": dt.date(2026, 12, 5),
            },
            {
                "opp_id": 2,
                "owner_id": 4,
                "stage": "lead",
                "amount": 500.0,
                "expected_close": dt.date(2026, 12, 25),
            },
            {
                "opp_id": 3,
                "owner_id": 4,
                "stage": "won",
                "amount": 800.0,
                "created_at": dt.datetime(2026, 10, 1, 9),
                "closed_on": dt.date(2026, 10, 31),
            },
            {
                "opp_id": 4,
                "owner_id": 4,
                "stage": "lost",
                "amount": 300.0,
                "created_at": dt.datetime(2026, 10, 2, 9),
                "closed_on": dt.date(2026, 10, 20),
            },
            {
                "opp_id": 5,
                "owner_id": 5,
                "stage": "won",
                "amount": 100.0,
                "created_at": dt.datetime(2026, 9, 1, 9),
                "closed_on": dt.date(2026, 10, 11),
            },
        ]
    )
    dec, oct_ = dt.date(2026, 12, 1), dt.date(2026, 10, 1)

    def as_dict(frame: pl.DataFrame) -> dict[tuple[int, dt.date], tuple[float, float]]:
        return {(p, m): (n, d) for p, m, n, d in frame.select(facts.FACTS).iter_rows()}

    assert as_dict(facts.pipeline_value(opps, MODEL)) == {(4, dec): (1500.0, 2.0)}
    assert as_dict(facts.weighted_pipeline(opps, MODEL)) == {(4, dec): (pytest.approx(650.0), 2.0)}
    assert as_dict(facts.win_rate(opps, MODEL)) == {(4, oct_): (1.0, 2.0), (5, oct_): (1.0, 1.0)}
    conversion = as_dict(facts.conversion_rate(opps, MODEL))
    assert conversion[(4, oct_)] == (1.0, 2.0) and conversion[(5, dt.date(2026, 9, 1))] == (
        1.0,
        1.0,
    )
    assert conversion[(4, dt.date(2026, 11, 1))] == (
        0.0,
        2.0,
    )  # the two open deals, made 2026-11-01
    assert as_dict(facts.days_to_close(opps, MODEL)) == {
        (4, oct_): (30.0, 1.0),
        (5, oct_): (40.0, 1.0),
    }
    surveys = pl.DataFrame(
        {"person_id": [4, 4, 5], "surveyed_on": [dt.date(2026, 10, 3)] * 3, "score": [5, 3, 4]}
    )
    assert as_dict(facts.satisfaction(surveys)) == {(4, oct_): (8.0, 2.0), (5, oct_): (4.0, 1.0)}
    sla = as_dict(facts.complaints_in_time(complaints_frame(), dt.datetime(2026, 11, 10, 12), 48))
    nov = dt.date(2026, 11, 1)
    assert sla == {(4, nov): (2.0, 2.0), (5, nov): (0.0, 2.0)}  # person 7's is still open


def test_settings_reject_inconsistent_stages() -> None:
    data = PipelineSettings().model_dump()
    data["stages"] = [s for s in data["stages"] if s["key"] != "won"]
    with pytest.raises(ValueError, match="won stage"):
        PipelineSettings.model_validate(data)
    data = PipelineSettings().model_dump()
    data["contract_stage"] = "won"
    with pytest.raises(ValueError, match="not an open stage"):
        PipelineSettings.model_validate(data)
    data = PipelineSettings().model_dump()
    data["stages"][0]["key"] = "Bad Key"
    with pytest.raises(ValueError, match="lower-case"):
        PipelineSettings.model_validate(data)


def test_review_rows_name_the_reviewer_and_translate_the_decision() -> None:
    from command_center.i18n import catalogs, install
    from plugins.pipeline.logic.labels import review_rows

    saved = {lang: dict(messages) for lang, messages in catalogs().items()}
    install([saved, {"en": {"pipeline.decision.approve": "Approved"}}])
    reviews = pl.DataFrame(
        {
            "reviewed_at": [dt.datetime(2026, 3, 1, 9, 5), dt.datetime(2026, 3, 2, 17, 30)],
            "reviewer_id": [7, None],
            "reviewer": ["li.wei", "operator"],
            "decision": ["approve", "escalate"],
        }
    )
    shown = review_rows(reviews, {7: "李伟"})
    assert shown.rows() == [
        ("2026-03-01 09:05", 7, "李伟", "Approved"),
        ("2026-03-02 17:30", None, "operator", "escalate"),
    ]
    install([saved])
