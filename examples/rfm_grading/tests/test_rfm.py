"""The example's own tests: RFM grades worked out by hand (see ``cc_rfm_grading.demo``),
through public doors only: the CLI's ``customers abc --rule``, the settings page and the
grading page. The plugin never imports customers, and neither do its tests.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import cc_rfm_grading
import polars as pl
import pytest
from cc_rfm_grading.demo import ABC, AS_OF, PASSWORD, RFM, RFM_ORDER, load_small_shop
from cc_rfm_grading.logic import rfm
from sqlalchemy import Engine
from typer.testing import CliRunner

from command_center import cli, runtime, testing
from command_center.db.engine import get_engine
from command_center.db.migrate import upgrade
from command_center.plugins import PluginHost

runner = CliRunner()
D = dt.date


def test_scores_are_quintiles_of_recency_frequency_and_money() -> None:
    facts = pl.DataFrame(
        {
            "customer_id": [201, 202, 203, 204, 205, 206],
            "revenue": [60_000.0, 9_000.0, 90_000.0, 20_000.0, 3_000.0, None],
            "orders": [6, 3, 1, 4, 2, 0],
            "last_order": [D(2026, 3, 20), D(2026, 3, 5), D(2025, 5, 10), D(2026, 2, 15),
                           D(2025, 11, 1), None],
        }
    )  # fmt: skip
    out = rfm(facts)
    assert out.select("customer_id", "r", "f", "m", "score", "grade").rows() == [
        (201, 5, 5, 4, 14.0, "A"),
        (202, 4, 3, 2, 9.0, "B"),
        (203, 1, 1, 5, 7.0, "C"),
        (204, 3, 4, 3, 10.0, "B"),
        (205, 2, 2, 1, 5.0, "C"),
        (206, None, None, None, 0.0, "C"),
    ]
    ties = rfm(facts.with_columns(pl.lit(5).alias("orders")))  # everyone 5 days: F is 5
    assert set(ties.filter(pl.col("customer_id") != 206)["f"]) == {5}


def host(*, with_plugin: bool = True) -> PluginHost:
    return testing.host_with(*([("rfm", cc_rfm_grading)] if with_plugin else []))


@pytest.fixture
def shop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    url = f"sqlite:///{tmp_path}/shop.db"
    engine = get_engine(url)
    upgrade(engine, host())
    load_small_shop(engine)
    monkeypatch.setenv("COMMAND_CENTER_DB_URL", url)
    runtime.reset(host())
    cli.build_app()
    yield engine
    runtime.reset(None)


def grades(*args: str) -> tuple[int, pl.DataFrame | str]:
    env = {"COMMAND_CENTER_PASSWORD": PASSWORD}
    result = runner.invoke(
        cli.app, ["--user", "director", "customers", "abc", "--as-of", AS_OF.isoformat(), *args],
        env=env,
    )  # fmt: skip
    if result.exit_code:
        return result.exit_code, result.stderr
    return 0, pl.read_csv(io.StringIO(result.stdout))


def test_the_cli_grades_by_rfm_on_request_and_abc_by_default(shop: Engine) -> None:
    code, by_rfm = grades("--rule", "rfm")
    assert code == 0 and isinstance(by_rfm, pl.DataFrame)
    assert by_rfm["customer_id"].to_list() == RFM_ORDER
    assert dict(by_rfm.select("customer_id", "grade").rows()) == RFM
    assert by_rfm["revenue"].sum() == 182_000.0 and by_rfm["cumulative_share"][-1] == 1.0
    code, by_abc = grades()
    assert code == 0 and isinstance(by_abc, pl.DataFrame)
    assert dict(by_abc.select("customer_id", "grade").rows()) == ABC


def test_a_director_picks_rfm_and_the_grading_page_follows(shop: Engine) -> None:
    at = testing.open_page(testing.start(shop, "director"), "customers-settings")
    assert not at.exception
    picker = at.selectbox(key="customers_settings_grading")
    assert picker.options == ["abc", "rfm"]
    assert "rfm: RFM (recency, frequency, monetary)" in testing.texts(at)
    picker.set_value("rfm")
    at.button[0].click().run()
    assert not at.exception and "Settings saved." in testing.texts(at)
    at = testing.open_page(at, "customers-abc")
    at.date_input(key="customers_abc_asof").set_value(AS_OF).run()
    assert not at.exception and not at.error
    shown = testing.texts(at)
    assert "score 1 to 5 on their last order" in shown and "Pareto curve" not in shown
    ranked = next(f.value for f in at.dataframe if "Cumulative share" in f.value.columns)
    assert ranked["Grade"].tolist() == [RFM[c] for c in RFM_ORDER]
    counts = {m.label: m.value for m in at.metric}
    assert (counts["A customers"], counts["B customers"], counts["C customers"]) == ("1", "2", "3")


def test_without_the_plugin_the_company_is_graded_by_abc_and_told(shop: Engine) -> None:
    at = testing.open_page(testing.start(shop, "director"), "customers-settings")
    at.selectbox(key="customers_settings_grading").set_value("rfm")
    at.button[0].click().run()
    runtime.reset(host(with_plugin=False))
    cli.build_app()
    code, error = grades("--rule", "rfm")
    assert code == 1 and "No grading rule rfm; installed: abc." in str(error)
    at = testing.open_page(testing.start(shop, "director"), "customers-abc")
    at.date_input(key="customers_abc_asof").set_value(AS_OF).run()
    assert not at.exception
    assert any("grading rule rfm is not installed" in w.value for w in at.warning)
    ranked = next(f.value for f in at.dataframe if "Cumulative share" in f.value.columns)
    assert dict(zip(ranked["Rank"], ranked["Grade"], strict=True)) == {
        1: "A", 2: "A", 3: "B", 4: "B", 5: "C", 6: "C"
    }  # fmt: skip
