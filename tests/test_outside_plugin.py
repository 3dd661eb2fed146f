"""An outside plugin (examples/sales_contests) through its entry point; replacing a plugin."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import types

import pytest

from command_center import hookimpl, runtime
from command_center import testing as apptest
from command_center.metrics import MetricRegistry
from command_center.plugins import PluginHost
from command_center.settings import get_settings
from tests.conftest import use_db
from tests.plugins import sample_plugin


def entry_point_host() -> PluginHost:
    return PluginHost(get_settings(), entry_points=True, extra=[("sample", sample_plugin)])


def test_example_is_found_through_its_entry_point() -> None:
    infos = {info.name: info for info in entry_point_host().plugins()}
    assert "contests" in infos, "run `make test`: it installs examples/sales_contests"
    assert infos["contests"].source == "entrypoint" and infos["contests"].enabled
    assert infos["contests"].error is None


def test_cli_lists_the_outside_plugin_in_a_fresh_process(tmp_path) -> None:
    env = {**os.environ, "COMMAND_CENTER_DB_URL": f"sqlite:///{tmp_path}/x.db"}
    out = subprocess.run(
        [sys.executable, "-m", "command_center.cli", "plugins", "--json"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    names = {item["name"]: item["source"] for item in json.loads(out)}
    assert names["contests"] == "entrypoint"


def test_outside_plugin_page_metric_and_migration(demo_db, monkeypatch, app_env) -> None:
    host = entry_point_host()
    use_db(monkeypatch, demo_db, host)
    from command_center.db.migrate import pending, upgrade

    upgrade(demo_db.engine, host)  # its own migration track, no core change
    assert not pending(demo_db.engine, host)
    assert "contest_podiums" in MetricRegistry(host)
    at = apptest.start(demo_db.engine, "manager")
    assert "contests" in apptest.page_paths(at)
    at = apptest.open_page(at, "contests")
    assert not at.exception


def test_disabling_the_outside_plugin(monkeypatch) -> None:
    monkeypatch.setenv("COMMAND_CENTER_DISABLED_PLUGINS", "contests")
    host = PluginHost(get_settings(), entry_points=True)
    assert not host.infos["contests"].enabled
    assert all(plugin != "contests" for plugin, _ in host.collect("register_pages"))


def test_replacing_a_plugin_with_another_package(monkeypatch) -> None:
    """Disable a plugin and provide the same page and metric keys from elsewhere."""
    replacement = types.ModuleType("replacement")

    @hookimpl
    def register_pages():
        return [sample_plugin.register_pages()[0]]

    @hookimpl
    def register_metrics():
        return sample_plugin.register_metrics()

    replacement.register_pages = register_pages  # type: ignore[attr-defined]
    replacement.register_metrics = register_metrics  # type: ignore[attr-defined]
    monkeypatch.setenv("COMMAND_CENTER_DISABLED_PLUGINS", "sample")
    host = PluginHost(
        get_settings(),
        entry_points=False,
        extra=[("sample", sample_plugin), ("replacement", replacement)],
    )
    pages = {spec.key: plugin for plugin, spec in host.collect("register_pages")}
    assert pages["sample-visits"] == "replacement"
    assert MetricRegistry(host).metrics["sample_visits"].plugin == "replacement"


@pytest.fixture(autouse=True)
def _reset_runtime():
    yield
    runtime.reset(None)
