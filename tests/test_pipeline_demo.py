"""The demo pipeline: per rep open deals (some stalled), lost deals with reasons, won
deals tied to the core ledger with contracts, plans, surveys and complaints."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from command_center.db import frames
from command_center.db.engine import create_db_engine
from command_center.db.migrate import upgrade
from command_center.demo import SCALES, generate, load_demo
from command_center.org.scope import OPERATOR
from command_center.plugins import PluginHost
from plugins.pipeline import queries
from plugins.pipeline.logic import sla_rate, with_overdue, with_sla, with_stalled
from plugins.pipeline.settings import PipelineSettings, stage_model
from tests.conftest import AS_OF, SEED

MODEL = stage_model(PipelineSettings())
NOW = dt.datetime.combine(AS_OF, dt.time(18, 0))


def test_open_and_lost_deals_per_rep(demo_db) -> None:
    engine = demo_db.engine
    opps = queries.opportunities(engine, OPERATOR)
    owners_of_customers = frames.customers(engine, OPERATOR)["owner_id"].unique()
    reps = frames.all_people(engine).filter(  # other plugins may add people without customers
        (pl.col("level") == "rep")
        & (pl.col("status") != "left")
        & pl.col("person_id").is_in(owners_of_customers.implode())
    )
    open_deals = opps.filter(pl.col("stage").is_in(list(MODEL.open)))
    assert set(open_deals["stage"].unique().to_list()) == set(MODEL.open)
    per_rep = open_deals.group_by("owner_id").len()
    assert per_rep.height >= 0.9 * reps.height and per_rep["len"].mean() > 5
    stalled = with_stalled(open_deals, MODEL, NOW, 14).filter(pl.col("stalled"))
    assert 0.1 < stalled.height / open_deals.height < 0.4
    lost = opps.filter(pl.col("stage") == "lost")
    assert (
        lost.height > reps.height
        and lost["lost_reason"].is_in(PipelineSettings().lost_reasons).all()
    )
    assert lost["closed_on"].max() <= AS_OF  # type: ignore[operator]
    # reps work their own customers (as the core demo made them; other plugins may move some)
    core = generate("small", SEED, AS_OF).customers
    owners = core.select("customer_id", pl.col("owner_id").alias("o"))
    mismatched = open_deals.join(owners, on="customer_id").filter(pl.col("o") != pl.col("owner_id"))
    assert mismatched.is_empty()
    assert opps["title"].str.contains("[\u4e00-\u9fff]").all()


def test_history_agrees_with_the_deals(demo_db) -> None:
    engine = demo_db.engine
    opps = queries.opportunities(engine, OPERATOR)
    history = queries.history(engine, OPERATOR).sort("opp_id", "changed_at", "change_id")
    last = history.group_by("opp_id", maintain_order=True).last()
    joined = opps.join(last, on="opp_id")
    assert joined.height == opps.height
    assert (joined["stage"] == joined["to_stage"]).all()
    assert (joined["stage_since"] == joined["changed_at"]).all()
    chained = history.with_columns(pl.col("to_stage").shift(1).over("opp_id").alias("before"))
    assert (chained["before"].eq_missing(chained["from_stage"])).all()
    assert history["changed_at"].max() <= NOW  # type: ignore[operator]


def test_won_deals_are_the_ledgers_order_lines(demo_db) -> None:
    engine = demo_db.engine
    opps = queries.opportunities(engine, OPERATOR)
    won = opps.filter(pl.col("stage") == "won")
    reps = frames.all_people(engine).filter(pl.col("level") == "rep")
    assert won.height > 2 * reps.height
    contracts = queries.contracts(engine, OPERATOR)
    signed = contracts.filter(pl.col("status") == "signed")
    assert set(signed["opp_id"].to_list()) == set(won["opp_id"].to_list())
    lines = queries.contract_lines(engine, OPERATOR).join(
        signed.select("contract_id", "opp_id"), on="contract_id"
    )
    orders = frames.orders(engine, OPERATOR)
    matched = lines.join(orders, on="order_id").join(
        won.select("opp_id", "customer_id", "owner_id", "closed_on", "amount"), on="opp_id"
    )
    assert matched.height == won.height
    assert (matched["customer_id"] == matched["customer_id_right"]).all()
    assert (matched["person_id"] == matched["owner_id"]).all()
    assert (matched["order_date"] == matched["closed_on"]).all()
    assert (matched["revenue"] == matched["amount"]).all()
    assert matched["order_id"].is_unique().all()  # one ledger line per contract line
    reviews = queries.reviews(engine, OPERATOR)
    approved = reviews.filter(pl.col("decision") == "approve")["contract_id"]
    assert set(signed["contract_id"].to_list()) <= set(approved.to_list())
    waiting = contracts.filter(pl.col("status") == "in_review")
    assert waiting.height > 0 and (reviews["decision"] == "reject").any()


def test_plans_surveys_and_complaints(demo_db) -> None:
    engine = demo_db.engine
    plan = with_overdue(queries.milestones(engine, OPERATOR), AS_OF)
    per_order = plan.group_by("contract_id").len()
    assert per_order["len"].min() >= 3  # type: ignore[operator]
    assert plan["overdue"].any() and (plan["status"] == "done").any()
    assert (plan.filter(pl.col("status") == "done")["done_on"] <= AS_OF).all()
    surveys = queries.surveys(engine, OPERATOR)
    assert surveys.height > 0 and surveys["score"].is_between(1, 5).all()
    assert 3.5 < surveys["score"].mean() < 4.8  # type: ignore[operator]
    complaints = with_sla(queries.complaints(engine, OPERATOR), NOW, 48)
    states = set(complaints["sla_state"].to_list())
    assert {"in_time", "late"} <= states
    rate = sla_rate(complaints)["rate"]
    assert rate is not None and 0.5 < rate < 0.95


def _load(folder: Path) -> dict[str, pl.DataFrame]:
    engine = create_db_engine(f"sqlite:///{folder / 'demo.db'}")
    host = PluginHost(entry_points=False, builtins=["plugins.pipeline"])
    upgrade(engine, host)
    load_demo(engine, host, scale="small", seed=3, as_of=AS_OF)
    out = {
        "opps": queries.all_opportunities(engine),
        "history": queries.all_history(engine),
        "complaints": queries.all_complaints(engine),
        "milestones": queries.milestones(engine, OPERATOR),
        "orders": frames.orders(engine, OPERATOR),
    }
    engine.dispose()
    frames.clear_cache()
    return out


def test_demo_is_deterministic(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, second = _load(tmp_path / "a"), _load(tmp_path / "b")
    for name in first:
        assert first[name].equals(second[name]), name
    assert first["orders"].height == SCALES["small"].order_lines  # the pipeline adds no revenue
