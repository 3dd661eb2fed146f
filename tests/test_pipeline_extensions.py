"""Stage models and win-probability estimators as extension points: the built-ins through
the registries, an outside package's (tests/plugins/extends_pipeline.py) used, failures
isolated; applying a model and choosing an estimator on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import types
from typing import Any

import polars as pl
import pytest

from command_center import hookimpl
from command_center.plugins import PluginHost
from command_center.settings import get_settings
from plugins.pipeline import actions
from plugins.pipeline import settings as cfg
from plugins.pipeline.logic import analytics
from plugins.pipeline.logic import stage_models as sm
from plugins.pipeline.logic.stages import with_probability
from plugins.pipeline.queries import opportunities
from tests.conftest import use_db
from tests.fixtures_pipeline import DIRECTOR, REP4, new_deal, org, refused
from tests.plugins import broken_extensions, extends_pipeline

TODAY = dt.date(2026, 11, 30)
MODEL = cfg.stage_model(cfg.PipelineSettings())


def host(*extra: tuple[str, object]) -> PluginHost:
    return PluginHost(
        get_settings(), builtins=["plugins.pipeline"], extra=extra, entry_points=False
    )


def deals() -> pl.DataFrame:
    """Four deals: negotiation (0.6) since 10 and since 40 days, won, lost."""
    since = [TODAY - dt.timedelta(days=d) for d in (10, 40, 90, 90)]
    return pl.DataFrame(
        {
            "owner_id": [4, 4, 4, 5],
            "amount": [1000.0, 1000.0, 500.0, 700.0],
            "expected_close": [dt.date(2026, 12, 15)] * 4,
            "stage": ["negotiation", "negotiation", "won", "lost"],
            "stage_since": [dt.datetime.combine(d, dt.time()) for d in since],
        }
    )


def test_the_builtins_go_through_the_registries() -> None:
    plain = host()
    assert list(sm.installed_models(plain)) == ["standard"]
    assert list(sm.installed_estimators(plain)) == ["stage"]
    standard = sm.installed_models(plain)["standard"]
    assert standard.settings(cfg.PipelineSettings()) == cfg.PipelineSettings()
    out = with_probability(deals(), MODEL, TODAY)
    assert out["probability"].to_list() == [0.6, 0.6, 1.0, 0.0]
    assert out["weighted"].to_list() == [600.0, 600.0, 500.0, 0.0]


def test_an_outside_estimator_weighs_the_pipeline_and_the_forecast() -> None:
    h = host(("ext", extends_pipeline))
    assert list(sm.installed_estimators(h)) == ["stage", "aging"]
    assert sm.installed_estimators(h)["aging"].plugin == "ext"
    aging = MODEL.using("aging")
    out = sm.with_estimate(deals(), aging, TODAY, h)
    assert out["probability"].to_list() == [0.6, 0.3, 1.0, 0.0]  # stale deal halved
    team = pl.DataFrame({"person_id": [4, 5], "team_id": [3, 3]})
    none = pl.DataFrame(schema={"person_id": pl.Int64, "month": pl.Date, "revenue": pl.Float64})
    goals = pl.DataFrame(schema={"team_id": pl.Int64, "month": pl.Date, "target": pl.Float64})
    month = dt.date(2026, 12, 1)
    plain = analytics.forecast(deals(), MODEL, none, team, goals, [month], month, TODAY)
    assert plain["weighted"].to_list() == [1200.0]
    from command_center.plugins import set_host

    set_host(h)
    try:
        weighed = analytics.forecast(deals(), aging, none, team, goals, [month], month, TODAY)
    finally:
        set_host(None)
    assert weighed["weighted"].to_list() == [900.0]  # 600 + 300; won and lost are not open


def test_failing_estimators_and_hooks_are_recorded_and_the_stage_rules() -> None:
    bad = types.ModuleType("bad")

    @hookimpl(optionalhook=True)
    def pipeline_register_estimators(kit: Any) -> list[Any]:
        return [
            kit.Estimator("missing_col", "x", lambda model, today: pl.col("no_such_column")),
            kit.Estimator("Bad", "x", lambda model, today: pl.lit(1.0)),
        ]

    @hookimpl(optionalhook=True)
    def pipeline_register_stage_models(kit: Any) -> list[Any]:
        stages = (kit.Stage("a", 0.5), kit.Stage("w", 1.0, "won"))
        return [kit.StageModel("no_lost", "x", stages)]

    bad.pipeline_register_estimators = pipeline_register_estimators  # type: ignore[attr-defined]
    bad.pipeline_register_stage_models = pipeline_register_stage_models  # type: ignore[attr-defined]
    h = host(("bad", bad), ("broken", broken_extensions))
    assert list(sm.installed_estimators(h)) == ["stage", "missing_col"]
    assert list(sm.installed_models(h)) == ["standard"]
    errors = h.infos["bad"].hook_errors
    assert "'Bad': lower-case" in errors[sm.ESTIMATORS_HOOK]
    assert "'no_lost': exactly one won stage and one lost stage" in errors[sm.MODELS_HOOK]
    assert "broken on purpose" in h.infos["broken"].hook_errors[sm.MODELS_HOOK]
    assert "broken on purpose" in h.infos["broken"].hook_errors[sm.ESTIMATORS_HOOK]
    errors.clear()
    out = sm.with_estimate(deals(), MODEL.using("missing_col"), TODAY, h)
    assert out["probability"].to_list() == [0.6, 0.6, 1.0, 0.0]
    assert "no_such_column" in (sm.estimator_problem("missing_col", h) or "")
    gone = sm.with_estimate(deals(), MODEL.using("uninstalled"), TODAY, h)
    assert gone["probability"].to_list() == [0.6, 0.6, 1.0, 0.0]


def test_a_director_applies_a_model_and_picks_an_estimator(
    empty_db: Any, monkeypatch: pytest.MonkeyPatch, app_env: None
) -> None:
    engine = empty_db.engine
    org(engine)
    use_db(monkeypatch, empty_db, host(("ext", extends_pipeline)))
    deal = new_deal(engine)  # in "lead"
    with refused("pipeline.error.settings_role"):
        actions.apply_stage_model(engine, REP4, "bant")
    with refused("pipeline.error.unknown_stage_model"):
        actions.apply_stage_model(engine, DIRECTOR, "meddic")
    applied = actions.apply_stage_model(engine, DIRECTOR, "bant")
    stored = cfg.current(engine)
    assert stored == applied and stored.open_stages == [
        "lead", "budget", "authority", "contract_review"
    ]  # fmt: skip
    assert stored.stage("budget").name == "Budget confirmed"  # type: ignore[union-attr]
    actions.move_stage(engine, REP4, deal, "budget", at=dt.datetime(2026, 11, 3, 9, 0))
    with refused("pipeline.error.stage_in_use"):
        actions.apply_stage_model(engine, DIRECTOR, "standard")  # "budget" holds the deal
    with refused("pipeline.error.unknown_estimator"):
        actions.save_pipeline_settings(
            engine, DIRECTOR, stored.model_copy(update={"win_probability": "crystal_ball"})
        )
    actions.save_pipeline_settings(
        engine, DIRECTOR, stored.model_copy(update={"win_probability": "aging"})
    )
    model = cfg.stage_model(cfg.current(engine))
    assert model.estimator == "aging"
    weighed = with_probability(opportunities(engine, REP4), model, dt.date(2027, 1, 15))
    assert weighed["probability"].to_list() == [0.15]  # budget 0.3, in it since Nov 3: halved


@pytest.mark.one_backend
def test_the_settings_page_offers_the_outside_model_and_estimator(
    demo_db: Any, monkeypatch: pytest.MonkeyPatch, app_env: None
) -> None:
    from command_center import testing as apptest

    use_db(monkeypatch, demo_db, host(("ext", extends_pipeline)))
    at = apptest.open_page(apptest.start(demo_db.engine, "director"), "pipeline-settings")
    assert not at.exception, at.exception
    assert at.selectbox(key="pipeline_stage_model_pick").options == [
        "Standard (lead to contract review)",
        "bant.label",
    ]
    picker = at.selectbox(key="pipeline_settings_estimator")
    assert picker.options == ["The stage's win probability", "aging.label"]
    assert picker.value == "stage"
