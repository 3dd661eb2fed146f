"""The pipeline's pages under AppTest: a rep works a deal from lead to signed contract
through the forms (with a supervisor's review in between), sees the order's
milestones, and the new revenue shows on the home page; a manager's analytics."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from command_center import runtime
from command_center import testing as apptest
from command_center.i18n import language, money_compact
from command_center.metrics import MetricRegistry, total
from command_center.org.auth import viewer_for
from command_center.periods import containing
from plugins.pipeline import queries
from tests.fixtures_pipeline import page_fixtures

pipeline_db, app = page_fixtures("walk")  # the walk writes to its own demo


def page(login: str, key: str, lang: str = "en") -> AppTest:
    at = apptest.start(runtime.engine(), login, lang)
    return apptest.open_page(at, key)


def submit(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    assert not at.exception, at.exception
    return at


def shown(at: AppTest) -> str:
    return apptest.texts(at)


def revenue_now(login: str) -> float | None:
    engine = runtime.engine()
    viewer = viewer_for(engine, apptest.signed_in(engine, login))
    registry = MetricRegistry(runtime.host())
    period = containing(dt.date.today(), "month")
    return total(registry, engine, viewer, "revenue", period, [viewer.person_id]).value


def test_a_rep_works_a_deal_from_lead_to_signed_contract(app: str) -> None:
    engine = runtime.engine()
    rep = apptest.signed_in(engine, "rep").person_id
    revenue_before = revenue_now("rep") or 0.0

    # 1. the board: a new opportunity, then moved to Qualified
    at = page("rep", "pipeline-board")
    at.text_input(key="pipeline_new_title").input("智能仓储管理系统 · 试点项目")
    at.number_input(key="pipeline_new_amount").set_value(88_000.0)
    at = submit(at, "pipeline_new_submit")
    assert "Opportunity “智能仓储管理系统 · 试点项目” created." in shown(at)
    opps = queries.all_opportunities(engine).filter(pl.col("owner_id") == rep)
    opp = int(opps["opp_id"].max())  # type: ignore[arg-type]
    assert opps.filter(pl.col("opp_id") == opp)["stage"].item() == "lead"
    at.selectbox(key="pipeline_move_deal").set_value(opp)
    at.selectbox(key="pipeline_move_stage").set_value("won")
    at = submit(at, "pipeline_move_submit")
    assert "A deal is won only by signing its approved contract" in shown(at)
    at.selectbox(key="pipeline_move_stage").set_value("qualified")
    at = submit(at, "pipeline_move_submit")
    assert f"Deal #{opp} moved to Qualified." in shown(at)

    # 2. the deal page: SPIN notes, the contract draft and a line
    at = page("rep", "pipeline-deal")
    at.selectbox(key="pipeline_deal_pick").set_value(opp).run()
    at.text_area(key=f"pipeline_spin_situation_{opp}").input("三个仓库，Excel 管库存")
    at.text_area(key=f"pipeline_spin_need_payoff_{opp}").input("库存准确率到98%")
    at = submit(at, "pipeline_spin_submit")
    assert "SPIN notes saved." in shown(at)
    at = submit(at, "pipeline_terms_submit")
    assert "Contract terms saved." in shown(at)
    cid = int(
        queries.contracts(engine, viewer_for(engine, apptest.signed_in(engine, "rep")))
        .filter(pl.col("opp_id") == opp)["contract_id"]
        .item()
    )
    at.text_input(key=f"pipeline_line_description_{cid}").input("智能仓储管理系统")
    at.number_input(key=f"pipeline_line_quantity_{cid}").set_value(2.0)
    at.number_input(key=f"pipeline_line_price_{cid}").set_value(40_000.0)
    at.number_input(key=f"pipeline_line_cost_{cid}").set_value(25_000.0)
    at = submit(at, "pipeline_line_submit")
    assert "Line added." in shown(at)
    at = submit(at, "pipeline_contract_sign")  # not reviewed yet: refused, with the reason
    assert "it needs an approved review first (now: Draft)" in shown(at)
    at = submit(at, "pipeline_contract_submit")
    assert "Contract submitted for review" in shown(at)

    # 3. the supervisor approves it
    at = page("supervisor", "pipeline-reviews")
    at.selectbox(key="pipeline_review_pick").set_value(cid).run()
    at.selectbox(key=f"pipeline_review_decision_{cid}").set_value("approve")
    at.text_area(key=f"pipeline_review_comment_{cid}").input("价格在授权范围内")
    at = submit(at, "pipeline_review_submit")
    assert f"Contract #{cid} approved." in shown(at)

    # 4. the rep signs; the order's milestones appear; the revenue moved
    at = page("rep", "pipeline-deal")
    at.selectbox(key="pipeline_deal_pick").set_value(opp).run()
    at = submit(at, "pipeline_contract_sign")
    assert "Contract signed: the deal is won and ¥80,000 was booked to the ledger." in shown(at)
    text = shown(at)
    for expected in ("Production", "Shipping", "Installation & commissioning"):
        assert expected in text, expected
    summary = at.code[0].value  # what the customer is told
    assert summary.startswith("Dear ") and "Next step: Production, planned for" in summary
    assert revenue_now("rep") == pytest.approx(revenue_before + 80_000.0)
    home = apptest.open_page(apptest.start(engine, "rep"), "home")  # a rep lands on Today
    assert not home.exception
    # the home page opens on the latest month with sales: this one, thanks to the signature
    revenue_card = next(m for m in home.metric if m.label == "Revenue")
    with language("en"):
        assert revenue_card.value == money_compact(revenue_now("rep"))


def test_a_manager_sees_funnel_forecast_and_stalled_deals(app: str) -> None:
    at = page("manager", "pipeline-analytics")
    assert not at.exception and not at.error
    text = shown(at)
    for expected in ("Stage funnel", "Weighted forecast vs target", "Stalled deals", "Lead"):
        assert expected in text, expected
    assert len(at.get("vega_lite_chart")) >= 3
    board = page("manager", "pipeline-board")
    assert "stalled" in shown(board)


def test_pages_in_chinese(app: str) -> None:
    at = page("supervisor", "pipeline-deal", "zh_CN")
    assert not at.exception and not at.error
    assert "商机跟进" in shown(at)


def test_refusals_show_as_errors_not_exceptions(app: str) -> None:
    at = page("rep", "pipeline-board")
    at.selectbox(key="pipeline_move_stage").set_value("contract_review")
    at = submit(at, "pipeline_move_submit")
    assert [e.value for e in at.error] == [
        "A deal enters contract review when its contract is submitted for review, not by hand."
    ]


def test_director_changes_settings_through_the_forms(app: str) -> None:
    from plugins.pipeline import settings as cfg
    from plugins.pipeline.actions import save_pipeline_settings

    engine = runtime.engine()
    at = page("director", "pipeline-settings")
    at.number_input(key="pipeline_settings_stalled").set_value(10)
    at.number_input(key="pipeline_settings_p_lead").set_value(0.15)
    at = submit(at, "pipeline_settings_submit")
    assert "Settings saved." in shown(at)
    conf = cfg.current(engine)
    assert conf.stalled_days == 10 and conf.probabilities["lead"] == 0.15
    at.text_input(key="pipeline_stage_key").input("site_visit")
    at.text_input(key="pipeline_stage_name").input("现场考察")
    at.selectbox(key="pipeline_stage_before").set_value("solution")
    at = submit(at, "pipeline_stage_add")
    assert cfg.current(engine).open_stages[:4] == ["lead", "qualified", "site_visit", "solution"]
    assert "现场考察" in shown(at)
    at.text_input(key="pipeline_stage_key").input("Bad Key")
    at = submit(at, "pipeline_stage_add")
    assert any("lower-case" in e.value for e in at.error)
    at.selectbox(key="pipeline_stage_remove_pick").set_value("lead")  # holds deals
    at = submit(at, "pipeline_stage_remove")
    assert any("still holds" in e.value for e in at.error)
    director = viewer_for(engine, apptest.signed_in(engine, "director"))
    save_pipeline_settings(engine, director, cfg.PipelineSettings())  # back to the defaults
