"""The plugin host: loading, isolation, disabling, typos, and the hooks doc."""

from __future__ import annotations

import json
import types
from collections.abc import Iterator

import pluggy
import pytest

from command_center import MetricSpec, PageSpec, hookimpl
from command_center.hookdocs import DOC_PATH, render
from command_center.hookspecs import hookspec
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
    text = render()
    for name in PluginHost.hook_names():
        assert f"## `{name}`" in text


def test_builtin_names_are_the_pinned_ones() -> None:
    names = {path.rsplit(".", 1)[-1] for path in DEFAULT_PLUGINS}
    assert names <= PINNED_BUILTINS


def test_sample_plugin_implements_every_hook(monkeypatch: pytest.MonkeyPatch) -> None:
    host = host_with(monkeypatch, extra=[("sample", sample_plugin)])
    info = host.infos["sample"]
    assert info.enabled and info.error is None
    assert set(info.hooks) == set(PluginHost.hook_names())
    assert info.declares == ["sample_visit_kinds"]


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


def _module(name: str, **hooks: object) -> types.ModuleType:
    module = types.ModuleType(name)
    for attr, function in hooks.items():
        setattr(module, attr, function)
    return module


def _pages_plugin(name: str, **opts: bool) -> types.ModuleType:
    def register_pages() -> list[PageSpec]:
        return [PageSpec(f"{name}-page", f"{name}.page", lambda ctx: None)]

    marker = hookimpl(**opts) if opts else hookimpl
    return _module(name, register_pages=marker(register_pages))


def test_calls_keep_pluggys_order_with_load_order_for_plain_hooks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    extra = [
        ("late", _pages_plugin("late", trylast=True)),
        ("plain_a", _pages_plugin("plain_a")),
        ("early", _pages_plugin("early", tryfirst=True)),
        ("plain_b", _pages_plugin("plain_b")),
    ]
    host = host_with(monkeypatch, builtins=[], extra=extra)
    order = [plugin for plugin, _ in host.collect("register_pages")]
    assert order == ["early", "plain_a", "plain_b", "late"]
    assert order == [impl.plugin_name for impl in host.implementations("register_pages")]


def test_hook_wrappers_are_refused_at_registration(monkeypatch: pytest.MonkeyPatch) -> None:
    def register_pages() -> Iterator[None]:
        yield

    wrapping = _module("wrapping", register_pages=hookimpl(wrapper=True)(register_pages))
    host = host_with(monkeypatch, builtins=[], extra=[("wrapping", wrapping)])
    assert not host.enabled("wrapping")
    assert "wrappers are not supported" in (host.infos["wrapping"].error or "")


def test_a_hook_error_is_forgotten_once_the_hook_works_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answers: list[object] = [RuntimeError("down for now"), []]

    @hookimpl
    def register_pages() -> list[PageSpec]:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer  # type: ignore[return-value]

    flaky = _module("flaky", register_pages=register_pages)
    host = host_with(monkeypatch, builtins=[], extra=[("flaky", flaky)])
    host.collect("register_pages")
    assert "down for now" in host.infos["flaky"].hook_errors["register_pages"]
    host.collect("register_pages")
    assert host.infos["flaky"].hook_errors == {}


def test_tables_migrations_and_translations_come_from_the_package_layout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from plugins.customers.models import TABLES

    host = host_with(monkeypatch, builtins=["plugins.customers"])
    assert host.tables()["customers"] == list(TABLES)
    folders = dict(host.migration_folders())
    assert folders["customers"].name == "migrations"
    assert folders["customers"].parent.name == "customers"
    assert len(host.migration_folders()) == len(folders)  # hook and convention counted once
    catalogs = host.translations()
    assert any("customers.section" in catalog["en"] for catalog in catalogs if "en" in catalog)


def test_contributions_are_collected_once_per_host(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    @hookimpl
    def register_pages() -> list[PageSpec]:
        calls.append(1)
        return []

    counting = _module("counting", register_pages=register_pages)
    host = host_with(monkeypatch, builtins=[], extra=[("counting", counting)])
    host.contributions("register_pages")
    host.contributions("register_pages")
    assert calls == [1]


_PLAIN = {
    "wrapper": False,
    "hookwrapper": False,
    "optionalhook": False,
    "tryfirst": False,
    "trylast": False,
    "specname": None,
}


def test_demo_seeding_follows_declared_order() -> None:
    from command_center import seeds_after
    from command_center.demo import seeding_order

    def impl(name: str, after: tuple[str, ...] = ()) -> pluggy.HookImpl:
        def seed_demo(ctx: object) -> None: ...

        if after:
            seeds_after(*after)(seed_demo)
        return pluggy.HookImpl(None, name, seed_demo, _PLAIN)

    impls = [impl("incentives", ("appraisal", "missing")), impl("appraisal"), impl("pipeline")]
    assert [i.plugin_name for i in seeding_order(impls)] == ["appraisal", "incentives", "pipeline"]
    loop = [impl("a", ("b",)), impl("b", ("a",))]
    assert sorted(i.plugin_name for i in seeding_order(loop)) == ["a", "b"]


def test_reset_forgets_cached_frames_and_the_old_host(monkeypatch: pytest.MonkeyPatch) -> None:
    from command_center import runtime
    from command_center.db import frames

    host = host_with(monkeypatch, builtins=[])
    runtime.reset(host)
    registry = runtime.registry()
    frames._cache[("test", "key")] = (object(), 1)
    runtime.reset(None)
    assert ("test", "key") not in frames._cache
    assert runtime.host() is not host and runtime.registry() is not registry


# -- hooks owned by plugins ---------------------------------------------------------


class OwnerSpecs:
    """The hooks the test plugin "owner" declares."""

    @hookspec
    def owner_colours(self, shade: str) -> list[str]:
        """Colours of ``shade`` that other plugins add."""

    @hookspec(firstresult=True)
    def owner_pick(self) -> str:
        """The one colour to use: the first plugin that answers decides."""


def _owner(name: str = "owner", specs: object = OwnerSpecs) -> types.ModuleType:
    @hookimpl
    def register_hookspecs() -> object:
        return specs

    return _module(name, register_hookspecs=register_hookspecs)


def _colours(name: str, colours: list[str], **opts: bool) -> types.ModuleType:
    def owner_colours(shade: str) -> list[str]:
        if colours == ["boom"]:
            raise RuntimeError(f"{name} broke on purpose")
        return [f"{shade} {c}" for c in colours]

    return _module(name, owner_colours=hookimpl(**opts)(owner_colours))


def test_a_plugin_declares_hooks_others_implement_in_pluggys_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    extra = [
        ("owner", _owner()),
        ("late", _colours("late", ["grey"], trylast=True)),
        ("plain", _colours("plain", ["red", "blue"])),
        ("early", _colours("early", ["gold"], tryfirst=True)),
        ("broken", _colours("broken", ["boom"])),
    ]
    host = host_with(monkeypatch, builtins=[], extra=extra)
    assert host.declared_hooks() == {"owner_colours": "owner", "owner_pick": "owner"}
    assert host.infos["owner"].declares == ["owner_colours", "owner_pick"]
    assert host.infos["plain"].hooks == ["owner_colours"]
    found = host.collect("owner_colours", shade="dark")
    assert found == [
        ("early", "dark gold"),
        ("plain", "dark red"),
        ("plain", "dark blue"),
        ("late", "dark grey"),
    ]
    order = [impl.plugin_name for impl in host.implementations("owner_colours")]
    assert order == ["early", "plain", "broken", "late"]
    assert "broke on purpose" in host.infos["broken"].hook_errors["owner_colours"]
    assert host.infos["broken"].enabled  # isolated: recorded, skipped, still loaded


def test_a_firstresult_hook_stops_at_the_first_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    def picker(name: str, answer: str | None, **opts: bool) -> types.ModuleType:
        def owner_pick() -> str | None:
            if answer == "boom":
                raise RuntimeError("no pick")
            return answer

        return _module(name, owner_pick=hookimpl(**opts)(owner_pick))

    extra = [
        ("owner", _owner()),
        ("silent", picker("silent", None)),
        ("raising", picker("raising", "boom")),
        ("second", picker("second", "green")),
        ("third", picker("third", "blue")),
    ]
    host = host_with(monkeypatch, builtins=[], extra=extra)
    assert [(r.plugin, r.value) for r in host.call("owner_pick")] == [("second", "green")]
    assert "no pick" in host.infos["raising"].hook_errors["owner_pick"]


def test_hooks_must_carry_the_declaring_plugins_name(monkeypatch: pytest.MonkeyPatch) -> None:
    class Stray:
        @hookspec
        def colours(self) -> list[str]:
            """Not namespaced."""

    class Core:
        @hookspec
        def register_pages(self) -> list[object]:
            """A core hook's name."""

    extra = [
        ("owner", _owner(specs=Stray)),
        ("register", _owner("register", specs=Core)),
        ("user", _module("user", colours=hookimpl(lambda: []))),
    ]
    host = host_with(monkeypatch, builtins=[], extra=extra)
    assert host.declared_hooks() == {}
    assert "start with 'owner_'" in host.infos["owner"].hook_errors["register_hookspecs"]
    assert "already declared by 'core'" in host.infos["register"].hook_errors["register_hookspecs"]
    assert host.enabled("owner") and host.enabled("register")
    assert not host.enabled("user") and "unknown hook 'colours'" in (host.infos["user"].error or "")


def test_a_hook_declared_twice_keeps_the_first(monkeypatch: pytest.MonkeyPatch) -> None:
    class Again:
        @hookspec
        def owner_colours(self, shade: str) -> list[str]:
            """Declared a second time."""

    extra = [("owner", _owner())]
    host = host_with(monkeypatch, builtins=[], extra=extra)
    with pytest.raises(ValueError, match="already declared by 'owner'"):
        host.add_hookspecs("owner", Again)
    with pytest.raises(ValueError, match="holds no hookspec"):
        host.add_hookspecs("owner", object)


def test_an_implementation_the_spec_cannot_feed_fails_its_plugin(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    wrong = _module("wrong", owner_colours=hookimpl(lambda shade, size: []))
    extra = [("owner", _owner()), ("wrong", wrong), ("plain", _colours("plain", ["red"]))]
    host = host_with(monkeypatch, builtins=[], extra=extra)
    assert not host.enabled("wrong")
    assert "size not in its hookspec" in (host.infos["wrong"].error or "")
    assert host.collect("owner_colours", shade="pale") == [("plain", "pale red")]


def test_extending_a_plugin_that_is_off(monkeypatch: pytest.MonkeyPatch) -> None:
    """An optional implementation waits quietly; an unmarked one is a typo."""
    extra = [
        ("owner", _owner()),
        ("optional", _colours("optional", ["red"], optionalhook=True)),
        ("strict", _colours("strict", ["red"])),
    ]
    host = host_with(monkeypatch, disabled="owner", builtins=[], extra=extra)
    assert host.enabled("optional") and host.infos["optional"].error is None
    assert host.infos["optional"].hooks == []
    assert not host.enabled("strict") and "owner_colours" in (host.infos["strict"].error or "")
    assert not host.declares("owner_colours")
    with pytest.raises(KeyError, match="owner_colours"):
        host.call("owner_colours", shade="dark")
    on = host_with(monkeypatch, builtins=[], extra=extra)
    assert on.collect("owner_colours", shade="dark") == [
        ("optional", "dark red"),
        ("strict", "dark red"),
    ]


def test_a_package_declares_hooks_in_its_hookspecs_module(monkeypatch: pytest.MonkeyPatch) -> None:
    host = host_with(monkeypatch, builtins=["tests.plugins.owner_package"])
    assert host.declared_hooks() == {"owner_package_greetings": "owner_package"}
    assert host.collect("owner_package_greetings") == [("owner_package", "hello")]


def test_the_reference_lists_each_plugins_hooks_under_it(monkeypatch: pytest.MonkeyPatch) -> None:
    host = host_with(monkeypatch, builtins=[], extra=[("owner", _owner())])
    text = render(host)
    owned = text.index("## Hooks owned by `owner`")
    assert text.index("### `owner_colours`") > owned
    assert "def owner_colours(self, shade: str) -> list[str]" in text
    assert "Colours of ``shade`` that other plugins add." in text


def test_the_reference_lists_every_hook_the_builtins_declare(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    host = host_with(monkeypatch)
    text = render(host)
    for hook, owner in host.declared_hooks().items():
        assert f"### `{hook}`" in text[text.index(f"## Hooks owned by `{owner}`") :]
