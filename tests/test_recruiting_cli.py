"""``command-center recruiting-funnel``: the funnel as CSV, scoped with --user."""

from __future__ import annotations

import io

import polars as pl
import pytest
from typer.testing import CliRunner

from command_center import cli
from command_center.org.scope import OPERATOR
from plugins.recruiting import queries
from tests.conftest import use_db
from tests.fixtures_recruiting import recruiting_host

runner = CliRunner()


@pytest.fixture
def demo(rdemo, monkeypatch, app_env):
    use_db(monkeypatch, rdemo, recruiting_host())
    cli.build_app()
    return rdemo


def funnel(*args: str, env: dict[str, str] | None = None) -> pl.DataFrame:
    result = runner.invoke(cli.app, list(args), env=env)
    assert result.exit_code == 0, result.output
    return pl.read_csv(io.StringIO(result.output))


def test_funnel_csv_for_everyone_and_for_a_supervisor(demo) -> None:
    everyone = funnel("recruiting-funnel")
    assert everyone.columns == ["stage", "reached", "conversion", "of_applied"]
    applied = everyone.filter(pl.col("stage") == "applied")["reached"].item()
    assert applied == queries.candidates(demo.engine, OPERATOR).height
    env = {"COMMAND_CENTER_PASSWORD": "demo-pass-2026"}
    mine = funnel("--user", "supervisor", "recruiting-funnel", "--by", "source", env=env)
    assert 0 < mine.filter(pl.col("stage") == "applied")["reached"].sum() < applied
    october = funnel("recruiting-funnel", "--period", "2026-10")
    assert october["reached"][0] < applied
    bad = runner.invoke(cli.app, ["recruiting-funnel", "--by", "mood"])
    assert bad.exit_code != 0
