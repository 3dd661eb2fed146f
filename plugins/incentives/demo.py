"""Demo data: two plans (one with two versions), settled months, disputes, scenarios, honours.

- the standard rep plan (version 2 from four months back raises the profit
  commission) and the team leaders' plan with overrides;
- the three months before the last settled, reviewed and locked; the last
  month computed as a draft awaiting review, with clawbacks for a few
  orders of a locked month refunded since;
- disputes by reps on locked lines, some answered by their supervisor;
- three saved what-if scenarios of the demo manager (one pays the revenue commission
  on collected cash); honour titles published.

Deterministic: choices come from ``ctx.rng`` and the stored data only.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
from sqlalchemy import select

from command_center import runtime
from command_center.db import frames
from command_center.db.engine import read_session, write_session
from command_center.db.models import User
from command_center.ledger import refund
from command_center.org.scope import OPERATOR, Viewer
from command_center.periods import Period, add_months, containing
from command_center.types import DemoContext
from plugins.incentives.actions import disputes as dispute_actions
from plugins.incentives.actions import honours as honour_actions
from plugins.incentives.actions import plans as plan_actions
from plugins.incentives.actions import scenarios as scenario_actions
from plugins.incentives.actions import settlement as settlement_actions
from plugins.incentives.queries import figures as figure_reads
from plugins.incentives.queries import honours as honour_reads
from plugins.incentives.queries import plans as plan_reads
from plugins.incentives.queries import settlements as settlement_reads

PLANS = Path(__file__).resolve().parent / "data"
ACTOR = "demo"
REASONS = ("客户退货，部分退款", "合同变更，减少采购数量", "质量问题协商退款", "客户取消部分订单")
QUESTIONS = (
    "本月有一笔订单没有计入销售额提成，麻烦核实一下。",
    "季度达标奖为什么没有发放？我的季度达成率已经超过 100%。",
    "毛利提成金额和我自己算的对不上，请帮忙看一下。",
    "这笔扣回是哪张订单的退款？",
)
ANSWERS = (
    "已核实：该订单签约日期在下月初，计入下月业绩。",
    "季度达标奖按整季度计算，本季度累计达成率为 96%，未达到 100%。",
    "毛利按订单销售额减成本计算，已在明细中列出每笔订单的贡献。",
)


def _login_person(ctx: DemoContext, login: str) -> int | None:
    with read_session(ctx.engine) as session:
        return session.scalar(select(User.person_id).where(User.login == login))


def _plans(ctx: DemoContext) -> None:
    first = ctx.months[0]
    rep_text = (PLANS / "standard_rep.yaml").read_text(encoding="utf-8")
    leaders = (PLANS / "team_leaders.yaml").read_text(encoding="utf-8")
    plan_actions.save_plan(ctx.engine, OPERATOR, rep_text, ACTOR, first, "首版方案")
    plan_actions.save_plan(ctx.engine, OPERATOR, leaders, ACTOR, first, "首版方案")
    raised = rep_text.replace("rate: 0.015", "rate: 0.02").replace(
        "毛利另按 1.5% 提成", "毛利另按 2% 提成"
    )
    plan_actions.save_plan(
        ctx.engine, OPERATOR, raised, ACTOR, ctx.months[-4], "提高毛利提成，鼓励高毛利订单"
    )


def _refunds(ctx: DemoContext, month: dt.date, when: dt.date, rep: int | None) -> None:
    """A few orders of a locked month refunded later (drives the clawback lines)."""
    orders = frames.orders(ctx.engine, OPERATOR, month, add_months(month, 1) - dt.timedelta(1))
    if orders.is_empty():
        return
    picks = []
    if rep is not None:
        mine = orders.filter(pl.col("person_id") == rep)
        if not mine.is_empty():
            picks.append(mine.row(ctx.rng.randrange(mine.height), named=True))
    for _ in range(4):
        picks.append(orders.row(ctx.rng.randrange(orders.height), named=True))
    given = frames.refunds(ctx.engine, OPERATOR).group_by("order_id").agg(pl.col("amount").sum())
    already = dict(given.iter_rows())
    with write_session(ctx.engine) as session:
        for i, order in enumerate(picks):
            share = ctx.rng.choice((0.3, 0.5, 1.0))
            day = when + dt.timedelta(days=ctx.rng.randrange(3, 25))
            left = order["revenue"] - already.get(order["order_id"], 0.0)
            amount = round(min(order["revenue"] * share, left), 2)
            if amount <= 0:
                continue
            already[order["order_id"]] = already.get(order["order_id"], 0.0) + amount
            refund(session, order["order_id"], day, amount, REASONS[i % len(REASONS)], ACTOR)


def _settlements(ctx: DemoContext, rep: int | None) -> None:
    registry = runtime.registry()
    engine = ctx.engine
    locked = ctx.months[-4:-1]
    metrics: set[str] = set()
    for month in ctx.months[-4:]:
        for _, plan in plan_reads.effective_plans(engine, month):
            metrics |= plan.metrics()
    # Read once: settling writes only this plugin's tables and refunds, not what it reads.
    figures = figure_reads.figures(engine, registry, metrics)
    for month in locked:
        ctx.progress(f"Settling {month:%Y-%m}")
        done = settlement_actions.compute_settlement(
            engine, registry, OPERATOR, month, ACTOR, figures
        )
        settlement_actions.lock_settlement(engine, OPERATOR, done.settlement_id, ACTOR)
    _refunds(ctx, locked[1], ctx.months[-1], rep)
    ctx.progress(f"Settling {ctx.months[-1]:%Y-%m} (draft)")
    settlement_actions.compute_settlement(
        engine, registry, OPERATOR, ctx.months[-1], ACTOR, figures
    )


def _disputes(ctx: DemoContext, rep: int | None, supervisor: int | None) -> None:
    engine = ctx.engine
    locked = settlement_reads.settlements(engine).filter(pl.col("status") == "locked")
    if locked.is_empty():
        return
    ids = sorted(locked["settlement_id"].to_list())
    people = frames.all_people(engine)
    reps = people.filter((pl.col("level") == "rep") & (pl.col("status") == "active"))
    chosen = [rep] if rep is not None else []
    others = [p for p in reps["person_id"].to_list() if p != rep]
    chosen += [others[ctx.rng.randrange(len(others))] for _ in range(2)] if others else []
    for n, person in enumerate(chosen):
        settlement_id = ids[(n + 1) % len(ids)]
        viewer = Viewer(f"demo-{person}", "rep", person, frozenset({person}))
        lines = settlement_reads.lines(engine, viewer, settlement_id, person)
        if lines.is_empty():
            continue
        line = int(lines["line_id"][0 if n != 1 else min(3, lines.height - 1)])
        asker = "rep" if person == rep else ACTOR
        dispute = dispute_actions.raise_dispute(
            engine, viewer, settlement_id, QUESTIONS[n % len(QUESTIONS)], asker, line_id=line
        )
        if n < 2:
            boss = people.filter(pl.col("person_id") == person)["manager_id"].item()
            if n == 0 and supervisor is not None:
                boss = supervisor
            leader = Viewer(f"demo-{boss}", "supervisor", boss, None)
            answerer = "supervisor" if n == 0 and supervisor is not None else ACTOR
            dispute_actions.answer_dispute(engine, leader, dispute, ANSWERS[n], answerer)


def _scenarios(ctx: DemoContext) -> None:
    versions = plan_reads.effective_versions(ctx.engine, ctx.months[-1])
    rep_plan = versions.filter(pl.col("name") == "销售代表标准提成方案")
    if rep_plan.is_empty():
        return
    version_id = int(rep_plan["version_id"][0])
    start, end = ctx.months[-3], ctx.months[-1]
    scenario_actions.save_scenario(
        ctx.engine,
        OPERATOR,
        "manager",
        "超额档提成提高到 7%",
        version_id,
        start,
        end,
        {"components[0].tiers[1].rate": 0.07},
        {},
    )
    scenario_actions.save_scenario(
        ctx.engine,
        OPERATOR,
        "manager",
        "全员销售额下滑 10%，取消季度增长奖",
        version_id,
        start,
        end,
        {"components[4].enabled": False},
        {"everyone": -0.1, "team": 0.0, "team_root": None},
    )
    scenario_actions.save_scenario(
        ctx.engine,
        OPERATOR,
        "manager",
        "销售额提成改按回款计提",
        version_id,
        start,
        end,
        {"components[0].base": "collected"},
        {},
    )


def _honours(ctx: DemoContext) -> None:
    registry = runtime.registry()
    last = ctx.months[-1]
    periods: list[Period] = [containing(add_months(last, -i), "month") for i in range(6)]
    periods += [containing(add_months(last, -3 * i), "quarter") for i in range(1, 3)]
    periods.append(containing(dt.date(last.year - 1, 1, 1), "year"))
    periods = [p for p in periods if p.end <= last]
    found = honour_reads.honour_winners(ctx.engine, registry, OPERATOR, periods)
    honour_actions.publish_honours(
        ctx.engine, OPERATOR, {p.label: w for p, w in found.items()}, ACTOR
    )


def seed(ctx: DemoContext) -> None:
    if len(ctx.months) < 4:
        return
    ctx.progress("Incentives: plans")
    _plans(ctx)
    rep = _login_person(ctx, "rep")
    supervisor = _login_person(ctx, "supervisor")
    _settlements(ctx, rep)
    ctx.progress("Incentives: disputes, scenarios, honours")
    _disputes(ctx, rep, supervisor)
    _scenarios(ctx)
    _honours(ctx)
