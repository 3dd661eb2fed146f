"""The notebook API (``command_center.notebook``): the CLI's and app's figures, the app's scope."""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from typer.testing import CliRunner

from command_center import cli, hookimpl, runtime
from command_center.db import frames
from command_center.io import run_export
from command_center.metrics import UnknownMetric
from command_center.notebook import (
    METRIC_COLUMNS,
    CommandCenter,
    PluginUnavailable,
    SignInError,
    connect,
)
from command_center.org.auth import viewer_for
from command_center.periods import parse_period
from command_center.testing import signed_in
from tests.conftest import make_host, use_db

PASSWORD = "demo-pass-2026"
PLAN = Path(__file__).resolve().parent.parent / "plugins" / "incentives" / "data"
runner = CliRunner()


@pytest.fixture
def demo(demo_db, monkeypatch, app_env):
    use_db(monkeypatch, demo_db)
    cli.build_app()
    return demo_db


def run_cli(*args: str, user: str | None = None) -> str:
    prefix = ["--user", user] if user else []
    env = {"COMMAND_CENTER_PASSWORD": PASSWORD} if user else None
    result = runner.invoke(cli.app, [*prefix, *args], env=env)
    assert result.exit_code == 0, result.output
    return result.stdout


def csv(text: str, like: pl.DataFrame) -> pl.DataFrame:
    return pl.read_csv(io.StringIO(text), schema=like.schema)


def viewer(demo, login: str):
    return viewer_for(demo.engine, signed_in(demo.engine, login))


def test_connect_signs_in_with_the_login_scope(demo) -> None:
    cc = connect(user="manager", password=PASSWORD, url=demo.url)
    assert isinstance(cc, CommandCenter)
    assert cc.viewer == viewer(demo, "manager")
    assert {"customers", "incentives"} <= set(cc.namespaces())
    assert "manager (manager)" in repr(cc)
    assert_frame_equal(cc.sample.visits(), cc.frame("sample_visits"))


def test_wrong_password_is_refused(demo) -> None:
    with pytest.raises(SignInError, match=r"(?i)password"):
        connect(user="rep2", password="not-the-password", url=demo.url)
    with pytest.raises(SignInError):
        connect(user="nobody", password=PASSWORD, url=demo.url)
    assert connect(user="rep2", password=PASSWORD, url=demo.url).viewer.role == "rep"


def test_password_prompt_when_omitted(demo, monkeypatch) -> None:
    asked: list[str] = []

    def prompt(text: str) -> str:
        asked.append(text)
        return PASSWORD

    monkeypatch.setattr("command_center.notebook.getpass.getpass", prompt)
    cc = connect(user="supervisor")  # database from COMMAND_CENTER_DB_URL (use_db)
    assert cc.viewer.role == "supervisor" and asked and "supervisor" in asked[0]


@pytest.mark.parametrize("by", ["team", "person"])
def test_metric_equals_the_registry_scorecard_and_the_cli(demo, by) -> None:
    cc = connect(user="manager", password=PASSWORD)
    got = cc.metric("revenue", period="2026-10", by=by)
    assert got.columns == list(METRIC_COLUMNS)
    assert not got.is_empty()

    who = viewer(demo, "manager")
    card = runtime.registry().scorecard(demo.engine, who, "revenue", parse_period("2026-10"))
    people = frames.people(demo.engine, who)
    wanted = people.filter((pl.col("level") == "rep") == (by == "person"))
    assert sorted(got["node_id"]) == sorted(wanted["person_id"])
    assert set(got["level"]) <= ({"rep"} if by == "person" else {"manager", "supervisor"})
    expected = card.select("node_id", "value", "target", "attainment")
    joined = got.select("node_id", "value", "target", "attainment").join(
        expected, on="node_id", how="left", suffix="_card"
    )
    for column in ("value", "target", "attainment"):
        assert joined[column].to_list() == joined[f"{column}_card"].to_list(), column
    assert got["value"].drop_nulls().len() > 0

    printed = run_cli("metrics", "revenue", "--period", "2026-10", "--by", by, user="manager")
    assert_frame_equal(csv(printed, got), got)
    table = run_cli("metrics", "revenue", "--period", "2026-10", "--by", by, "--format", "table")
    assert "attainment" in table


def test_metric_rejects_bad_arguments(demo) -> None:
    cc = connect(user="director", password=PASSWORD)
    with pytest.raises(UnknownMetric):
        cc.metric("no_such_metric", period="2026-10")
    with pytest.raises(ValueError, match="by must be"):
        cc.metric("revenue", period="2026-10", by="region")
    with pytest.raises(ValueError, match="not a period"):
        cc.metric("revenue", period="October")
    refused = runner.invoke(cli.app, ["metrics", "no_such_metric", "--period", "2026-10"])
    assert refused.exit_code != 0 and "revenue" in refused.output
    assert "revenue" in cc.metric_keys()


def test_manager_sees_only_their_region(demo) -> None:
    director = connect(user="director", password=PASSWORD)
    manager = connect(user="manager", password=PASSWORD)
    everyone = director.frame("people")
    own = everyone.filter(pl.col("person_id") == manager.viewer.person_id)["region"].item()
    mine = manager.frame("people")
    assert set(mine["region"]) == {own}
    assert everyone.filter(pl.col("region") != own).height > 0

    scope = manager.viewer.person_ids
    assert scope is not None
    orders = manager.frame("orders")
    assert set(orders["person_id"]) <= scope
    all_orders = director.frame("orders")
    outside = all_orders.filter(~pl.col("person_id").is_in(sorted(scope)))
    assert outside.height > 0
    assert orders.join(outside, on="order_id").is_empty()
    assert orders.height + outside.height == all_orders.height

    board = manager.metric("revenue", period="2026-10", by="person")
    assert set(board["node_id"]) <= scope
    grades = manager.abc(as_of="2026-06-30", months=12)
    owners = set(manager.frame("customers")["customer_id"])
    assert set(grades["customer_id"]) <= owners
    assert len(grades) < len(director.abc(as_of="2026-06-30", months=12))


@pytest.mark.parametrize("kind", ["orders", "customers", "payouts"])
def test_frame_equals_the_scoped_export(demo, tmp_path, kind) -> None:
    cc = connect(user="manager", password=PASSWORD)
    assert kind in cc.kinds()
    got = cc.frame(kind)
    path = tmp_path / f"{kind}.csv"
    rows = run_export(demo.engine, runtime.host(), kind, path, viewer(demo, "manager"))
    assert rows == got.height
    assert_frame_equal(csv(path.read_text(), got), got)
    with pytest.raises(ValueError, match="unknown export kind"):
        cc.frame("no_such_kind")


def test_abc_equals_the_cli(demo) -> None:
    cc = connect(user="manager", password=PASSWORD)
    got = cc.abc(as_of="2026-06-30", months=12)
    assert got.columns == ["customer_id", "revenue", "share", "cumulative_share", "grade"]
    assert set(got["grade"]) == {"A", "B", "C"}
    printed = run_cli("abc", "--as-of", "2026-06-30", "--months", "12", user="manager")
    assert_frame_equal(csv(printed, got), got)
    assert_frame_equal(cc.customers.abc(as_of="2026-06-30", months=12), got)
    narrow = cc.abc(as_of="2026-06-30", months=6, cutoffs="0.5,0.9")
    printed = run_cli(
        "abc", "--as-of", "2026-06-30", "--months", "6", "--cutoffs", "0.5,0.9", user="manager"
    )
    assert_frame_equal(csv(printed, narrow), narrow)


def test_simulate_equals_the_cli(demo) -> None:
    plan = PLAN / "standard_rep.yaml"
    cc = connect(user="manager", password=PASSWORD)
    got = cc.simulate(plan=str(plan), start="2026-01", end="2026-03")
    assert got.columns[:6] == ["person_id", "period", "revenue", "profit", "quota", "attainment"]
    assert got.columns[-1] == "payout" and got["payout"].sum() > 0
    assert set(got["person_id"]) <= (cc.viewer.person_ids or set())
    printed = run_cli(
        "commission", "simulate", "--plan", str(plan), "--from", "2026-01", "--to", "2026-03",
        user="manager",
    )  # fmt: skip
    assert_frame_equal(csv(printed, got), got)
    text = plan.read_text(encoding="utf-8")
    assert_frame_equal(cc.incentives.simulate(text, "2026-01", "2026-03"), got)


def test_plugin_disabled_gives_a_clear_error(demo_db, monkeypatch, app_env) -> None:
    monkeypatch.setenv("COMMAND_CENTER_DISABLED_PLUGINS", "customers")
    use_db(monkeypatch, demo_db, make_host())
    cc = connect(user="manager", password=PASSWORD)
    assert "customers" not in cc.namespaces() and "incentives" in cc.namespaces()
    with pytest.raises(PluginUnavailable, match="disabled"):
        cc.abc(as_of="2026-06-30")
    with pytest.raises(PluginUnavailable, match="disabled"):
        _ = cc.customers
    with pytest.raises(PluginUnavailable, match="no plugin of that name"):
        _ = cc.nothing_here


class _Squatter:
    """A plugin claiming a taken namespace and one of the API's own names."""

    @hookimpl
    def register_notebook(self, cc: CommandCenter) -> dict[str, object]:
        return {"customers": "not the customers", "metric": 1, "squatter": "mine"}


def test_first_plugin_keeps_a_namespace_and_clashes_are_reported(demo_db, monkeypatch, app_env):
    host = use_db(monkeypatch, demo_db, make_host(extra=[("squatter", _Squatter())]))
    cc = connect(user="manager", password=PASSWORD)
    assert cc.squatter == "mine"
    assert type(cc.customers).__name__ == "CustomersNotebook"
    assert callable(cc.metric)
    assert "already taken" in host.infos["squatter"].hook_errors["register_notebook"]
    assert "squatter" in dir(cc)
