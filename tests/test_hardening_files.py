"""Hardening of file reading and writing (issue 13): bounded reads, true problem
counts, CSV and Markdown injection."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from command_center import cli
from tests.conftest import use_db

runner = CliRunner()


@pytest.fixture
def fresh(empty_db, monkeypatch, app_env):
    use_db(monkeypatch, empty_db)
    cli.build_app()
    return empty_db


# -- problem counts ---------------------------------------------------------------


def test_cli_prints_the_true_number_of_problems(fresh, tmp_path) -> None:
    loops = 20_000
    path = tmp_path / "people.csv"
    path.write_text(
        "person_id,name,level,manager_id,region,hire_date,status\n"
        + "".join(
            f"{2 * i + 1},A,manager,{2 * i + 2},N,2020-01-01,active\n"
            f"{2 * i + 2},B,manager,{2 * i + 1},N,2020-01-01,active\n"
            for i in range(loops)
        ),
        encoding="utf-8",
    )
    result = runner.invoke(cli.app, ["import", "people", str(path)])
    assert result.exit_code == 1
    assert f"rejected with {2 * loops} problems" in result.output
    assert f"… and {2 * loops - 200} more" in result.output
