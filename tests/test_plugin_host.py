"""The plugin host: loading, isolation, disabling, typos, and the hooks doc."""

from __future__ import annotations

import json
import types

import pytest

from command_center import MetricSpec, hookimpl
from command_center.hookdocs import DOC_PATH, render
from command_center.metrics import MetricRegistry
from command_center.plugins import DEFAULT_PLUGINS, PluginHost
from command_center.settings import get_settings
from tests.plugins import broken_hooks, sample_plugin

PINNED_BUILTINS = {"recruiting", "customers", "pipeline", "appraisal", "incentives", "team_events"}


def host_with(monkeypatch: pytest.MonkeyPatch, disabled: str = "", **kwargs: object) -> PluginHost:
    monkeypatch.setenv("COMMAND_CENTER_DISABLED_PLUGINS", disabled)
    return PluginHost(get_settings(), entry_points=False, **kwargs)  # type: ignore[arg-type]


def test_docs_match_hookspecs() -> None:
    assert DOC_PATH.read_text(encoding="utf-8") == render(), (
        "docs/plugin-hooks.md is stale: run `python -m command_center.hookdocs`"
    )


def test_every_hook_documented_in_spec() -> None:
    for name in PluginHost.hook_names():
        assert f"## `{name}`" in render()


def test_builtin_names_are_the_pinned_ones() -> None:
    names = {path.rsplit(".", 1)[-1] for path in DEFAULT_PLUGINS}
    assert names <= PINNED_BUILTINS


def test_sample_plugin_implements_every_hook(monkeypatch: pytest.MonkeyPatch) -> None:
    host = host_with(monkeypatch, extra=[("sample", sample_plugin)])
    info = host.infos["sample"]
    assert info.enabled and info.error is None
    assert set(info.hooks) == set(PluginHost.hook_names())


def test_broken_import_is_reported_and_rest_works(monkeypatch: pytest.MonkeyPatch) -> None:
    host = host_with(
        monkeypatch, builtins=["tests.plugins.broken_import"], extra=[("sample", sample_plugin)]
    )
    broken = host.infos["broken_import"]
    assert not broken.enabled
    assert "broken on purpose" in (broken.error or "")
    keys = [spec.key for _, spec in host.collect("register_pages")]
    assert keys == ["sample-visits"]


def test_raising_hook_is_isolated(monkeypatch: pytest.MonkeyPatch) -> None:
    host = host_with(monkeypatch, extra=[("broken_hooks", broken_hooks), ("sample", sample_plugin)])
    registry = MetricRegistry(host)
    assert "sample_visits" in registry and "revenue" in registry
    errors = host.infos["broken_hooks"].hook_errors
    assert "register_metrics" in errors and "broken on purpose" in errors["register_metrics"]
    listed = host.infos["broken_hooks"].as_dict()
    assert listed["error"] and "register_metrics" in listed["error"]


def test_disabled_plugins_are_not_called(monkeypatch: pytest.MonkeyPatch) -> None:
    host = host_with(monkeypatch, disabled="sample, other", extra=[("sample", sample_plugin)])
    assert not host.infos["sample"].enabled
    assert all(plugin != "sample" for plugin, _ in host.collect("register_pages"))
    assert not host.enabled("sample")


def test_core_cannot_be_disabled(monkeypatch: pytest.MonkeyPatch) -> None:
    host = host_with(monkeypatch, disabled="core")
    assert "revenue" in MetricRegistry(host)


def test_misspelt_hook_disables_that_plugin(monkeypatch: pytest.MonkeyPatch) -> None:
    typo = types.ModuleType("typo")

    @hookimpl
    def register_page() -> list[object]:  # missing "s"
        return []

    typo.register_page = register_page  # type: ignore[attr-defined]
    host = host_with(monkeypatch, extra=[("typo", typo), ("sample", sample_plugin)])
    assert not host.infos["typo"].enabled
    assert "register_page" in (host.infos["typo"].error or "")
    assert host.enabled("sample")


def test_duplicate_metric_key_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    dup = types.ModuleType("dup")

    @hookimpl
    def register_metrics() -> list[MetricSpec]:
        return [MetricSpec("revenue", "x", "currency", lambda q: None)]  # type: ignore[arg-type,return-value]

    dup.register_metrics = register_metrics  # type: ignore[attr-defined]
    host = host_with(monkeypatch, extra=[("dup", dup)])
    registry = MetricRegistry(host)
    assert registry.metrics["revenue"].plugin == "core"
    assert "already published" in host.infos["dup"].hook_errors["register_metrics"]


def test_trace_prints_each_hook_call(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COMMAND_CENTER_TRACE_PLUGINS", "1")
    host = host_with(monkeypatch, extra=[("sample", sample_plugin)])
    host.collect("register_pages")
    err = capsys.readouterr().err
    assert "[plugins] register_pages sample" in err and " ms" in err


def test_plugins_json_shape(monkeypatch: pytest.MonkeyPatch) -> None:
    host = host_with(
        monkeypatch, builtins=["tests.plugins.broken_import"], extra=[("sample", sample_plugin)]
    )
    data = json.loads(json.dumps([info.as_dict() for info in host.plugins()]))
    for item in data:
        assert {"name", "version", "source", "enabled", "error"} <= set(item)
