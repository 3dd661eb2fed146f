"""The notebook API (``command_center.notebook``): the CLI's and app's figures, the app's scope."""

from __future__ import annotations

import ast
import io
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from typer.testing import CliRunner

from command_center import cli, hookimpl, i18n, runtime
from command_center import testing as apptest
from command_center.db import frames
from command_center.i18n import fmt_value
from command_center.io import run_export
from command_center.keys import key_of, keys_for, with_keys
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
    assert_frame_equal(cc.keyed(cc.sample.visits()), cc.frame("sample_visits"))


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
    assert sorted(got["node_id"]) == sorted(cc.with_keys(wanted)["person_id"])
    assert set(got["level"]) <= ({"rep"} if by == "person" else {"manager", "supervisor"})
    card = with_keys(demo.engine, card, {"node_id": "person"})  # node_id: the person's key
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
    with pytest.raises(ValueError, match=r"(?i)not a period"):
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
    assert set(board["node_id"]) <= set(keys_for(demo.engine, "person", scope).values())
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
    keyed = cc.with_keys(got)  # the file names people, customers and orders by key
    assert_frame_equal(csv(path.read_text(), keyed), keyed)
    with pytest.raises(ValueError, match=r"(?i)unknown export kind"):
        cc.frame("no_such_kind")


@pytest.mark.one_backend  # key lookups: tests/test_text_keys.py on both backends
def test_frames_carry_the_keys_beside_the_ids(demo) -> None:
    """Every frame names people, customers and orders by id and, right after, by key."""
    cc = connect(user="manager", password=PASSWORD)
    orders = cc.frame("orders")
    assert orders.schema["order_id"] == pl.String  # the export reads the lines' keys itself
    assert "order_key" not in orders.columns
    for name, kind in (("person", "person"), ("customer", "customer")):
        at = orders.columns.index(f"{name}_id")
        assert orders.columns[at + 1] == f"{name}_key"
        wanted = keys_for(demo.engine, kind, orders[f"{name}_id"].to_list())
        assert orders[f"{name}_key"].to_list() == [wanted[i] for i in orders[f"{name}_id"]]
    people = cc.frame("people")
    assert people.select("person_id", "person_key", "manager_id", "manager_key").columns == [
        c for c in people.columns if c.split("_")[0] in ("person", "manager")
    ]
    me = people.filter(pl.col("person_id") == cc.viewer.person_id)
    assert me["person_key"].item() == key_of(demo.engine, "person", cc.viewer.person_id)
    boss = me["manager_id"].item()
    assert me["manager_key"].item() == key_of(demo.engine, "person", boss)
    # the file's shape: the keys in place of the ids, no column twice
    assert cc.with_keys(people).columns == [c for c in people.columns if not c.endswith("_key")]
    assert cc.with_keys(people)["person_id"].to_list() == people["person_key"].to_list()

    book = cc.customers.book()
    assert {"customer_key", "owner_key"} <= set(book.columns)
    owned = book.filter(pl.col("owner_id").is_not_null()).head(1)
    assert owned["owner_key"].item() == key_of(demo.engine, "person", owned["owner_id"].item())
    records = cc.appraisal.records()
    assert records.columns[records.columns.index("person_id") + 1] == "person_key"
    assert "team_key" in records.columns
    one = records.head(1)
    assert one["person_key"].item() == key_of(demo.engine, "person", one["person_id"].item())


def test_abc_equals_the_cli(demo) -> None:
    cc = connect(user="manager", password=PASSWORD)
    got = cc.abc(as_of="2026-06-30", months=12)
    assert got.columns == [
        "customer_id", "customer_key", "revenue", "share", "cumulative_share", "grade"
    ]  # fmt: skip
    assert set(got["grade"]) == {"A", "B", "C"}
    printed = run_cli("abc", "--as-of", "2026-06-30", "--months", "12", user="manager")
    assert_frame_equal(csv(printed, cc.with_keys(got)), cc.with_keys(got))
    assert_frame_equal(cc.customers.abc(as_of="2026-06-30", months=12), got)
    narrow = cc.abc(as_of="2026-06-30", months=6, cutoffs="0.5,0.9")
    printed = run_cli(
        "abc", "--as-of", "2026-06-30", "--months", "6", "--cutoffs", "0.5,0.9", user="manager"
    )
    assert_frame_equal(csv(printed, cc.with_keys(narrow)), cc.with_keys(narrow))


def test_simulate_equals_the_cli(demo) -> None:
    plan = PLAN / "standard_rep.yaml"
    cc = connect(user="manager", password=PASSWORD)
    got = cc.simulate(plan=str(plan), start="2026-01", end="2026-03")
    assert got.columns[:7] == [
        "person_id", "person_key", "period", "revenue", "profit", "quota", "attainment"
    ]  # fmt: skip
    assert got.columns[-1] == "payout" and got["payout"].sum() > 0
    assert set(got["person_id"]) <= (cc.viewer.person_ids or set())
    printed = run_cli(
        "commission", "simulate", "--plan", str(plan), "--from", "2026-01", "--to", "2026-03",
        user="manager",
    )  # fmt: skip
    assert_frame_equal(csv(printed, cc.with_keys(got)), cc.with_keys(got))
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


@pytest.mark.one_backend  # the same reads on both; the figures per backend: tests above
def test_manager_region_is_the_one_the_app_and_the_cli_show(demo, tmp_path) -> None:
    """The manager's people, boards and KPI cards: the notebook's = the CLI's = the home page's."""
    cc = connect(user="manager", password=PASSWORD)
    people = cc.frame("people")
    path = tmp_path / "people.csv"
    run_cli("export", "people", str(path), user="manager")
    keyed = cc.with_keys(people)  # files name people by their keys
    assert_frame_equal(csv(path.read_text(encoding="utf-8-sig"), keyed), keyed)

    at = apptest.start(demo.engine, "manager")
    at.selectbox(key="_w_flt_period_en").set_value("2026-10").run()
    assert not at.exception and not at.error
    caption = at.caption[0].value
    assert f"{people.height} people · 2026-10" in caption

    teams = cc.metric("revenue", period="2026-10", by="team")
    mine = teams.filter(pl.col("node_id") == key_of(demo.engine, "person", cc.viewer.person_id))
    cards = {m.label: m.value for m in at.metric}
    assert cards["Revenue"] == fmt_value(mine["value"].item(), "currency", compact=True)
    assert cards["Target attainment"] == fmt_value(mine["attainment"].item(), "percent")

    def board(frame: pl.DataFrame) -> list[tuple[object, ...]]:
        rows = frame.select("name", "value", "target").with_columns(pl.col(pl.Float64).round(2))
        return sorted(rows.rows(), key=repr)

    shown = [pl.from_pandas(frame.value).fill_nan(None) for frame in at.dataframe[:2]]
    by_team, by_person = (
        f.select(
            pl.col("Name").alias("name"),
            pl.col("Revenue").alias("value"),
            pl.col("Target").alias("target"),
        )
        for f in shown
    )
    supervisors = teams.filter(pl.col("level") == "supervisor")
    assert board(by_team) == board(supervisors) and supervisors.height > 0
    reps = cc.metric("revenue", period="2026-10", by="person")
    assert board(by_person) == board(reps) and reps.height > 0
    assert set(reps["node_id"]) | set(teams["node_id"]) == set(keyed["person_id"])


def test_messages_follow_the_session_language(demo) -> None:
    """Errors from the API and the plugins' helpers are the translation layer's, in ``lang``."""
    cc = connect(user="director", password=PASSWORD, lang="zh_CN")
    plan = PLAN / "standard_rep.yaml"
    try:
        assert cc.lang == "zh_CN" and "全员" in repr(cc)
        expected = {
            "notebook.bad_period": lambda: cc.metric("revenue", period="October"),
            "notebook.no_chart": lambda: cc.charts.nope,
            "notebook.unknown_kind": lambda: cc.frame("no_such_kind"),
            "notebook.no_namespace": lambda: cc.nothing_here,
            "notebook.bad_months": lambda: cc.charts.revenue_trend(period="2026-10", months=0),
            "customers.cli.bad_months": lambda: cc.abc(months=0),
            "customers.cli.bad_cutoffs": lambda: cc.abc(cutoffs="a,b"),
            "incentives.cli.bad_month": lambda: cc.simulate(plan, "2026", "2026-03"),
            "incentives.notebook.range_backwards": lambda: cc.simulate(plan, "2026-03", "2026-01"),
            "incentives.notebook.no_stored_plan": lambda: cc.whatif("nope"),
            "incentives.notebook.no_plan": lambda: cc.incentives.plan("no-such-plan"),
            "recruiting.notebook.bad_basis": lambda: cc.recruiting.funnel(basis="weekly"),
            "appraisal.error.no_cycle": lambda: cc.appraisal.records(cycle=999_999),
        }  # fmt: skip
        chinese = re.compile(r"[\u4e00-\u9fff]")
        for key, call in expected.items():
            with pytest.raises((ValueError, AttributeError, OSError, UnknownMetric)) as caught:
                call()
            message = str(caught.value)
            head = i18n.catalogs()["zh_CN"][key].split("{")[0][:3].strip()
            assert head and chinese.search(message), (key, message)
            assert head in message, (key, message)
        with pytest.raises(UnknownMetric, match="未知指标"):
            cc.metric("no_such_metric", period="2026-10")
        with pytest.raises(SignInError) as refused:
            connect(user="nobody", password=PASSWORD, lang="zh_CN")
        assert chinese.search(str(refused.value))
        with pytest.raises(ValueError, match="klingon"):
            connect(user="director", password=PASSWORD, lang="klingon")
    finally:
        i18n.set_language("en")
    assert "everyone" in repr(connect(user="director", password=PASSWORD, lang="en"))


def test_notebook_messages_all_go_through_the_translation_layer() -> None:
    """No ``raise SomeError("English")`` in the notebook API, its charts or the plugins' helpers."""
    root = Path(__file__).resolve().parent.parent
    files = [
        root / "command_center" / "notebook.py",
        root / "command_center" / "charts.py",
        *root.glob("plugins/*/notebook.py"),
        *root.glob("plugins/*/charts.py"),
    ]
    assert len(files) >= 6
    literal: list[str] = []
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args:
                first = node.exc.args[0]
                if isinstance(first, ast.Constant | ast.JoinedStr | ast.BinOp):
                    literal.append(f"{path.relative_to(root)}:{node.lineno}")
    assert literal == []


def test_the_api_needs_no_jupyter_package(sqlite_demo_db) -> None:
    """``command_center.notebook`` works in a Python where no Jupyter package can be imported.

    A fresh interpreter refuses every Jupyter module (IPython, ipykernel,
    ipywidgets, anywidget, jupyter*, nb*); the API signs in, reads and draws a
    chart, and ``cc.whatif`` says, translated, what to install.
    """
    script = textwrap.dedent(
        """
        import json, sys
        BLOCKED = ("IPython", "ipykernel", "ipywidgets", "anywidget", "widgetsnbextension",
                   "jupyter", "jupyterlab", "jupyter_client", "jupyter_core", "jupyter_server",
                   "nbformat", "nbclient", "notebook", "comm")
        for name in BLOCKED:  # as if not installed: imports fail, find_spec answers None
            sys.modules[name] = None
        from command_center.notebook import connect
        cc = connect(user="manager", password="demo-pass-2026")
        out = {
            "metric": cc.metric("revenue", period="2026-10", by="person").height,
            "abc": cc.abc(as_of="2026-06-30", months=12).height,
            "simulate": cc.simulate(sys.argv[1], "2026-01", "2026-03").height,
            "chart": sorted(cc.charts.pareto(as_of="2026-06-30", months=12).to_dict()),
        }
        try:
            cc.whatif(cc.incentives.plans()["name"][0])
        except ImportError as exc:
            out["whatif"] = str(exc)
        print(json.dumps(out))
        """
    )
    env = {**os.environ, "COMMAND_CENTER_DB_URL": sqlite_demo_db.url, "COMMAND_CENTER_LANG": "en"}
    done = subprocess.run(
        [sys.executable, "-c", script, str(PLAN / "standard_rep.yaml")],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parent.parent,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["metric"] > 0 and out["abc"] > 0 and out["simulate"] > 0
    assert "datasets" in out["chart"]
    assert out["whatif"] == i18n.t("notebook.needs_widgets", what="cc.whatif")


@pytest.mark.one_backend  # the pack on PostgreSQL: tests/test_team_events_pack.py
def test_team_events_pack_is_the_clis(demo, tmp_path) -> None:
    """``cc.team_events.pack``: the review page's builder, the CLI's document, the scope."""
    cc = connect(user="manager", password=PASSWORD)
    assert "team_events" in cc.namespaces()
    me = cc.viewer.person_id
    assert me is not None
    built = cc.team_events.pack(team=me, month="2026-10")
    assert built.team_root == me and built.month == "2026-10" and built.members.height > 0
    assert set(built.members["person_id"]) <= (cc.viewer.person_ids or set())
    out = tmp_path / "pack.md"
    run_cli(
        "team-events",
        "pack",
        "--team",
        key_of(demo.engine, "person", me),
        "--month",
        "2026-10",
        str(out),
        user="manager",
    )
    assert cc.team_events.pack_markdown(team=me, month="2026-10") == out.read_text(encoding="utf-8")

    director = connect(user="director", password=PASSWORD).viewer.person_id
    with pytest.raises(ValueError, match="scope"):
        cc.team_events.pack(team=director, month="2026-10")
    with pytest.raises(ValueError, match="one month"):
        cc.team_events.pack(team=me, month="2026")
    rep = connect(user="rep2", password=PASSWORD)
    with pytest.raises(ValueError) as refused:
        rep.team_events.pack(team=me, month="2026-10")
    assert "team_events." not in str(refused.value)  # the reason, not its key
