"""Issue 15, item 7: pay a rep can follow, on known answers.

The tiny shop of tests/fixtures_incentives.py with its two plans (reps: 5 % of
revenue up to 100 % attainment, 6 % above, plus 2 % of profit; leaders: 1 % of the
revenue below them), and December 2026 running (today, 3 December): Anna has booked
80,000 (cost 60,000) against a quota of 100,000, and owns two open deals of 30,000
and 50,000; Bo owns one of 40,000. By hand:

- Anna's estimate: 80,000 x 5 % = 4,000 and 20,000 profit x 2 % = 400: 4,400;
  20,000 more revenue reaches the 6 % tier.
- Her margin so far this year: (30,000 + 25,000 + 20,000) / (120,000 + 100,000 +
  80,000) = 25 %. With the 30,000 deal: revenue 110,000 pays 100,000 x 5 % +
  10,000 x 6 % = 5,600, profit 27,500 x 2 % = 550: 6,150, every tier reached.
  With both (80,000): 160,000 pays 5,000 + 3,600 = 8,600, profit 40,000 x 2 % =
  800: 9,400.
- Supervisor 3's estimate: 1 % of the team's 80,000: 800.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import polars as pl
import pytest

from command_center import runtime
from command_center import testing as apptest
from command_center.db.engine import write_session
from command_center.db.models import OrderLine, Target
from command_center.metrics import MetricRegistry
from command_center.notifications import inbox
from command_center.org.scope import OPERATOR, Viewer
from command_center.plugins import PluginHost
from command_center.settings import get_settings
from plugins.incentives.actions import disputes as dispute_actions
from plugins.incentives.actions import plans as plan_actions
from plugins.incentives.actions import settlement as settlement_actions
from plugins.incentives.queries import estimate as estimate_reads
from plugins.incentives.queries import settlements as settlement_reads
from plugins.pipeline.models import Opportunity
from tests.conftest import Db, use_db
from tests.fixtures_incentives import JAN, LEADER_PLAN, REP_PLAN, build_shop, viewer_for

TODAY = dt.date.today()
DEC = dt.date(2026, 12, 1)
ANNA = Viewer("rep", "rep", 4, frozenset({4}))
BO = Viewer("rep2", "rep", 5, frozenset({5}))


@pytest.fixture
def shop(empty_db: Db, monkeypatch: pytest.MonkeyPatch, app_env: None) -> Db:
    use_db(monkeypatch, empty_db)
    engine = empty_db.engine
    build_shop(engine)
    plan_actions.save_plan(engine, OPERATOR, REP_PLAN, "test", JAN)
    plan_actions.save_plan(engine, OPERATOR, LEADER_PLAN, "test", JAN)
    moment = dt.datetime(2026, 11, 20, 9, 0)
    with write_session(engine) as session:
        session.add(Target(person_id=4, period="2026-12", metric="revenue", target=100_000.0))
        session.add(Target(person_id=5, period="2026-12", metric="revenue", target=100_000.0))
        session.add(OrderLine(order_id=8, customer_id=10, person_id=4, order_date=DEC,
                              revenue=80_000.0, cost=60_000.0))  # fmt: skip
        for opp, owner, customer, amount, stage in (
            (1, 4, 10, 30_000.0, "negotiation"),
            (2, 4, 11, 50_000.0, "qualified"),
            (3, 5, 12, 40_000.0, "solution"),
            (4, 4, 10, 99_000.0, "won"),  # closed: not an open deal
        ):
            session.add(
                Opportunity(opp_id=opp, title=f"商机{opp}", customer_id=customer, owner_id=owner,
                            amount=amount, expected_close=dt.date(2026, 12, 10 + opp),
                            stage=stage, stage_since=moment, created_at=moment)
            )  # fmt: skip
    return empty_db


@pytest.fixture
def registry(shop: Db) -> MetricRegistry:
    return runtime.registry()


def test_the_running_months_estimate_line_by_line(shop: Db, registry: MetricRegistry) -> None:
    found = estimate_reads.running_breakdown(shop.engine, registry, 4, DEC)
    assert found is not None
    assert found.estimate.payout == 4_400.0 and found.estimate.next_tier == 20_000.0
    assert found.lines.select("plan", "period", "name", "amount").rows() == [
        ("Test rep plan", "2026-12", "revenue_commission", 4_000.0),
        ("Test rep plan", "2026-12", "profit_share", 400.0),
    ]
    assert found.periods.select("revenue", "quota", "attainment").rows() == [
        (80_000.0, 100_000.0, 0.8)
    ]
    # The strip's card says the same.
    card = estimate_reads.running_estimate(shop.engine, registry, 4, DEC)
    assert card is not None and card.payout == found.estimate.payout
    leader = estimate_reads.running_breakdown(shop.engine, registry, 3, DEC)
    assert leader is not None and leader.estimate.payout == 800.0
    assert leader.lines["name"].to_list() == ["team_override"]


def test_if_these_open_deals_close(shop: Db, registry: MetricRegistry) -> None:
    one = estimate_reads.running_breakdown(shop.engine, registry, 4, DEC, 30_000.0)
    assert one is not None
    assert dict(zip(one.lines["name"], one.lines["amount"], strict=True)) == {
        "revenue_commission": 5_600.0,
        "profit_share": 550.0,
    }
    assert one.estimate.payout == 6_150.0 and one.estimate.next_tier is None
    both = estimate_reads.running_breakdown(shop.engine, registry, 4, DEC, 80_000.0)
    assert both is not None and both.estimate.payout == 9_400.0


def test_open_deals_come_through_the_pipelines_hook(shop: Db) -> None:
    host = runtime.host()
    deals = estimate_reads.open_deals(host, shop.engine, ANNA, 4)
    assert deals is not None
    assert deals.select("opp_id", "title", "amount", "stage_label", "probability").rows() == [
        (1, "商机1", 30_000.0, "Negotiation", 0.6),
        (2, "商机2", 50_000.0, "Qualified", 0.25),
    ]
    # Anna's deals are not Bo's to read; a supervisor reads his rep's.
    assert estimate_reads.open_deals(host, shop.engine, BO, 4).is_empty()  # type: ignore[union-attr]
    sup = viewer_for(shop.engine, "supervisor")
    assert estimate_reads.open_deals(host, shop.engine, sup, 4).height == 2  # type: ignore[union-attr]
    # Without pipeline, nobody offers deals: the estimate stands alone.
    settings = dataclasses.replace(get_settings(), disabled_plugins=frozenset({"pipeline"}))
    without = PluginHost(settings, entry_points=False)
    assert estimate_reads.open_deals(without, shop.engine, ANNA, 4) is None


def test_a_rep_ticks_open_deals_on_the_pay_page(shop: Db) -> None:
    assert TODAY.replace(day=1) == DEC  # the page estimates today's month
    at = apptest.start(shop.engine, "rep")
    at = apptest.open_page(at, "incentives-statements")
    assert not at.exception and not at.error
    cards = {m.label: str(m.value) for m in at.metric}
    assert cards["Estimated commission"] == "¥4.4K"
    assert cards["Revenue so far"] == "¥80K"
    assert cards["Attainment"] == "80.0%"
    shown = apptest.texts(at)
    assert "Estimated so far: ¥4,400.00" in shown
    assert "¥20,000 more revenue reaches the next tier" in shown
    lines = at.dataframe[0].value
    assert lines["Amount"].tolist() == [4_000.0, 400.0]
    deals = at.multiselect(key="incentives_est_deals")
    assert deals.options and len(deals.options) == 2  # Anna's two open deals, not Bo's
    deals.set_value([1]).run()
    assert "With these deals: ¥6,150.00** · Every tier reached" in apptest.texts(at)
    at.multiselect(key="incentives_est_deals").set_value([1, 2]).run()
    assert "With these deals: ¥9,400.00" in apptest.texts(at)
    cards = {m.label: str(m.value) for m in at.metric}
    assert cards["Deals ticked"] == "¥80K"


def test_a_dispute_answered_notifies_its_rep(shop: Db, registry: MetricRegistry) -> None:
    engine = shop.engine
    done = settlement_actions.compute_settlement(engine, registry, OPERATOR, JAN, "director")
    settlement_actions.lock_settlement(engine, OPERATOR, done.settlement_id, "director")
    line = int(settlement_reads.lines(engine, OPERATOR, done.settlement_id, 4)["line_id"][0])
    anna = viewer_for(engine, "rep")
    dispute = dispute_actions.raise_dispute(engine, anna, done.settlement_id, "为什么？", "rep",
                                            line_id=line)  # fmt: skip
    assert inbox(engine, anna).is_empty()
    dispute_actions.answer_dispute(engine, viewer_for(engine, "supervisor"), dispute, "已核实。",
                                   "supervisor")  # fmt: skip
    found = inbox(engine, anna)
    assert found.select("kind", "link").rows() == [("dispute_answered", "incentives-statements")]
    assert "2026-01" in found["text"][0] and "supervisor" in found["text"][0]
    assert inbox(engine, viewer_for(engine, "rep2")).is_empty()
    assert isinstance(found, pl.DataFrame)


# -- supervisors simulate their team ----------------------------------------------------


def _version(engine: object, name: str) -> int:
    from plugins.incentives.queries import plans as plan_reads

    found = plan_reads.plan_versions(engine).filter(pl.col("name") == name)  # type: ignore[arg-type]
    return int(found["version_id"][0])


def test_a_supervisors_simulation_covers_their_team_only(
    shop: Db, registry: MetricRegistry
) -> None:
    """January: Anna 120,000 of 100,000 pays 5,000 + 1,200 and 30,000 x 2 % = 6,800; Bo
    80,000 pays 4,000 + 400 = 4,400; supervisor 3's override 1 % of 200,000 = 2,000."""
    from plugins.incentives.queries import figures as figure_reads
    from plugins.incentives.queries import simulation

    engine = shop.engine
    sup = viewer_for(engine, "supervisor")
    rep_plan, leader_plan = _version(engine, "Test rep plan"), _version(engine, "Test leader plan")
    view = simulation.team_baseline_view(engine, registry, rep_plan, JAN, JAN, sup)
    assert view is not None
    assert sorted(view.side.people.select("person_id", "payout").rows()) == [
        (4, 6_800.0),
        (5, 4_400.0),
    ]
    leaders = simulation.team_baseline_view(engine, registry, leader_plan, JAN, JAN, sup)
    assert leaders is not None and leaders.side.people.select("person_id", "payout").rows() == [
        (3, 2_000.0)
    ]
    # The same answers as the force's run cut to the team (no pool in these plans) ...
    force = simulation.baseline_view(engine, registry, rep_plan, JAN, JAN, sup.person_ids)
    assert sorted(force.side.people.rows()) == sorted(view.side.people.rows())
    # ... from the team's rows only.
    plan = simulation.team_plan(simulation.plans.plan(engine, rep_plan))
    assert plan is not None
    team = figure_reads.team_figures_between(engine, registry, plan, JAN, JAN, sup)
    assert set(team.month["person_id"].to_list()) == {3, 4, 5}


def test_a_supervisor_opens_the_simulator_and_saves_nothing(shop: Db) -> None:
    from sqlalchemy import func, select

    from plugins.incentives.models import Scenario

    at = apptest.start(shop.engine, "supervisor")
    assert "incentives-simulator" in apptest.page_paths(at)
    at = apptest.open_page(at, "incentives-simulator")
    assert not at.exception and not at.error
    shown = apptest.texts(at)
    assert "Your team's simulation" in shown
    assert "Save scenario" not in [b.label for b in at.button]
    assert "incentives_sim_saved" not in [s.key for s in at.selectbox]
    table = at.dataframe[0].value
    assert set(table["Name"].tolist()) <= {"主管甲", "安娜", "博文"}  # never 崔毅 (team 6)
    # February (the last closed month): Anna 5,000 + 500, Bo 4,500 + 400 = 10,400; the
    # profit share at 4 % instead of 2 %: 500 + 400 more, both better off.
    cards = {m.label: str(m.value) for m in at.metric}
    assert cards["Baseline payout"] == cards["Scenario payout"] == "¥10.4K"
    rate = next(n for n in at.number_input if n.key.endswith("components[1].rate"))
    rate.set_value(4.0).run()
    assert not at.exception and not at.error
    cards = {m.label: str(m.value) for m in at.metric}
    assert cards["Scenario payout"] == "¥11.3K" and cards["People better off"] == "2"
    rep2 = apptest.start(shop.engine, "rep2")
    assert "incentives-simulator" not in apptest.page_paths(rep2)
    with write_session(shop.engine) as session:
        assert session.scalar(select(func.count()).select_from(Scenario)) == 0
