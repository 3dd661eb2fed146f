"""The `command-center` CLI: pinned command names, scope with --user, all-or-nothing import."""

from __future__ import annotations

import json

import polars as pl
import pytest
from typer.testing import CliRunner

from command_center import cli
from command_center.keys import key_of
from tests.conftest import use_db

runner = CliRunner()


@pytest.fixture
def fresh(empty_db, monkeypatch, app_env):
    use_db(monkeypatch, empty_db)
    cli.build_app()
    return empty_db


@pytest.fixture
def demo(demo_db, monkeypatch, app_env):
    use_db(monkeypatch, demo_db)
    cli.build_app()
    return demo_db


def invoke(*args: str, input: str | None = None, env: dict[str, str] | None = None):
    return runner.invoke(cli.app, list(args), input=input, env=env)


def test_init_is_idempotent(fresh) -> None:
    for _ in range(2):
        result = invoke("init")
        assert result.exit_code == 0, result.output
        assert "Database ready" in result.output


def test_demo_loads_then_if_empty_skips(fresh) -> None:
    result = invoke("demo", "--scale", "small", "--as-of", "2026-11-15")
    assert result.exit_code == 0, result.output
    assert "people 80" in result.output and "demo-pass-2026" in result.output
    again = invoke("demo", "--if-empty")
    assert again.exit_code == 0 and "already holds data" in again.output
    refused = invoke("demo")
    assert refused.exit_code != 0


def test_bad_scale_and_date(fresh) -> None:
    assert "Unknown scale" in invoke("demo", "--scale", "huge").output
    assert "Not a date" in invoke("demo", "--as-of", "2026-13-01").output


def test_plugins_json(fresh) -> None:
    result = invoke("plugins", "--json")
    data = json.loads(result.output)
    names = {item["name"]: item for item in data}
    assert {"core", "sample"} <= set(names)
    for item in data:
        assert {"name", "version", "source", "enabled", "error"} <= set(item)


def test_plugin_cli_command(fresh) -> None:
    assert invoke("sample-hello", "--name", "铁军").output.strip() == "hello 铁军"


def test_users_add_reads_password_from_stdin(demo) -> None:
    result = invoke(
        "users", "add", "newrep", "--role", "rep", "--person", "E00080", input="a-long-password\n"
    )
    assert result.exit_code == 0, result.output
    listed = invoke("users", "list").output
    assert "newrep" in listed
    bad = invoke("users", "add", "x", "--role", "rep", "--person", "E00080", input="short\n")
    assert bad.exit_code != 0 and "at least" in bad.output


def test_export_as_rep_is_scoped(demo, tmp_path) -> None:
    out = tmp_path / "orders.csv"
    env = {"COMMAND_CENTER_PASSWORD": "demo-pass-2026"}
    result = invoke("--user", "rep", "export", "orders", str(out), env=env)
    assert result.exit_code == 0, result.output
    frame = pl.read_csv(out)
    from command_center.testing import signed_in

    me = signed_in(demo.engine, "rep").person_id
    assert frame.height > 0 and frame["person_id"].unique().to_list() == [
        key_of(demo.engine, "person", me)
    ]
    wrong = invoke(
        "--user", "rep", "export", "orders", str(out), env={"COMMAND_CENTER_PASSWORD": "nope-nope"}
    )
    assert wrong.exit_code != 0 and "Wrong login or password" in wrong.output


def test_import_rejects_bad_file_whole(demo, tmp_path) -> None:
    from command_center.db.frames import clear_cache, read_frame

    before = read_frame(demo.engine, "SELECT COUNT(*) AS n FROM people")["n"].item()
    path = tmp_path / "people.csv"
    path.write_text(
        "person_id,name,level,manager_id,region,hire_date,status\n"
        "9001,新人甲,rep,1,华东,2026-01-05,active\n"
        "9002,新人乙,boss,1,华东,2026-01-05,active\n"
        "9003,新人丙,rep,1,华东,2026-02-30,active\n",
        encoding="utf-8",
    )
    result = invoke("import", "people", str(path))
    assert result.exit_code != 0
    assert f"{path}:3: level:" in result.output
    assert f"{path}:4: hire_date:" in result.output
    clear_cache()
    assert read_frame(demo.engine, "SELECT COUNT(*) AS n FROM people")["n"].item() == before


def test_sample_files_import_in_order_into_an_empty_database(fresh) -> None:
    from command_center.settings import PROJECT_ROOT

    for kind in ("people", "customers", "orders", "targets"):
        path = PROJECT_ROOT / "data" / "samples" / f"{kind}.csv"
        result = invoke("import", kind, str(path))
        assert result.exit_code == 0, result.output
        assert "imported" in result.output


def _csv_of(*args: str) -> str:
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    return result.output


def test_one_group_per_plugin_and_the_old_names_still_work(demo) -> None:
    assert _csv_of("customers", "abc", "--as-of", "2026-11-15") == _csv_of(
        "abc", "--as-of", "2026-11-15"
    )
    stalled = _csv_of("pipeline", "stalled")
    assert stalled == _csv_of("pipeline-stalled") and stalled.split()[0].isdigit()
    assert _csv_of("pipeline", "overdue") == _csv_of("pipeline-overdue")
    funnel = _csv_of("recruiting", "funnel", "--by", "source")
    assert funnel == _csv_of("recruiting-funnel", "--by", "source")
    assert funnel.startswith("source,stage,reached")
    assert _csv_of("incentives", "plans") == _csv_of("commission", "plans")
    assert "cycles" in _csv_of("appraisal", "--help")
    assert "pack" in _csv_of("team-events", "--help")
    for pool in (["customers", "pool"], ["pool"]):
        assert "release" in _csv_of(*pool, "--help")


def test_help_lists_the_groups_and_pinned_names_not_the_old_spellings(fresh) -> None:
    listed = invoke("--help").output
    for name in ("customers", "recruiting", "pipeline", "appraisal", "incentives", "team-events"):
        assert f" {name} " in listed
    for pinned in ("abc", "pool", "commission"):
        assert f" {pinned} " in listed
    for hidden in ("pipeline-stalled", "pipeline-overdue", "recruiting-funnel"):
        assert hidden not in listed


def test_plugin_commands_are_data_the_core_mounts(empty_db, monkeypatch, app_env) -> None:
    import types

    import typer

    from command_center import hookimpl
    from tests.conftest import make_host

    def plugin(name: str, answer: object) -> types.ModuleType:
        module = types.ModuleType(name)
        module.register_cli = hookimpl(lambda: answer)  # type: ignore[attr-defined]
        return module

    def echo() -> None:
        typer.echo("mine")

    clash, own = typer.Typer(), typer.Typer(name="mine")
    clash.command("import")(echo)
    own.command("hello")(echo)
    extra = [("clash", plugin("clash", [clash])), ("own", plugin("own", [own, "not a Typer"]))]
    host = use_db(monkeypatch, empty_db, make_host(builtins=["plugins.pipeline"], extra=extra))
    names = cli.command_names(cli.build_app())
    assert {"mine", "pipeline", "pipeline-stalled", "import"} <= set(names)
    assert "customers" not in names and len(names) == len(set(names))
    assert "'import' is taken by core" in host.infos["clash"].hook_errors["register_cli"]
    assert "not a typer.Typer" in host.infos["own"].hook_errors["register_cli"]
    assert invoke("mine", "hello").output == "mine\n"
    use_db(monkeypatch, empty_db)  # another host: its commands, the old ones gone
    names = cli.command_names(cli.build_app())
    assert "mine" not in names and "customers" in names and "sample-hello" in names


def test_readme_lists_every_command(fresh) -> None:
    import typer
    from typer.core import TyperGroup

    from command_center.settings import PROJECT_ROOT

    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    top = typer.main.get_command(cli.app)
    assert isinstance(top, TyperGroup)
    listed = []
    for name, command in top.commands.items():
        if isinstance(command, TyperGroup):
            listed += [f"`{name} {sub}" for sub in command.commands]
        elif name != "sample-hello":  # the test plugin's
            listed.append(f"`{name}")
    assert listed and [entry for entry in listed if entry not in readme] == []


def test_a_groups_help_needs_no_database(tmp_path, monkeypatch, app_env) -> None:
    from command_center import runtime

    monkeypatch.setenv("COMMAND_CENTER_DB_URL", f"sqlite:///{tmp_path}/never-made.db")
    runtime.reset()
    cli.build_app()
    for group, command in (("pipeline", "stalled"), ("customers", "abc"), ("appraisal", "move")):
        shown = invoke(group, "--help")
        assert shown.exit_code == 0 and command in shown.output
    assert "--cutoffs" in invoke("customers", "abc", "--help").output
    assert "overdue" in invoke("pipeline").output  # a group named alone shows its help
    refused = invoke("pipeline", "stalled")
    assert refused.exit_code == 1 and "not initialised" in refused.output
