"""Swapping a built-in for an outside package that keeps its data, end to end (SQLite and
PostgreSQL): tests/plugins/customers_next declares ``REPLACES = "customers"``.

1. The built-in customers writes follow-ups; its track is at ``customers_0003``.
2. With customers still enabled, the replacement is refused (and says why); nothing moves.
3. With customers disabled, the replacement runs under its own name: its migration
   continues customers' track to ``customers_0004``, the follow-ups are still there and
   its ``followups`` metric gives the built-in's figures; customers' own hook, declared
   again by the replacement, still reaches the packages that extend customers.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect

from command_center.db import frames
from command_center.db.migrate import current_heads, pending, tracks, upgrade
from command_center.layout import layout_problems
from command_center.metrics import MetricRegistry
from command_center.org.scope import OPERATOR, Viewer
from command_center.plugins import PluginHost
from command_center.settings import get_settings
from plugins.customers.actions.followups import FollowUpInput, log_followup
from tests.factories import load_small_org
from tests.plugins import customers_next, extends_customers, sample_plugin

REP4 = Viewer("rep4", "rep", 4, frozenset({4}))
OCT, NOV = dt.date(2026, 10, 1), dt.date(2026, 11, 1)


def host(monkeypatch: pytest.MonkeyPatch, disabled: str, *extra: tuple[str, object]) -> PluginHost:
    monkeypatch.setenv("COMMAND_CENTER_DISABLED_PLUGINS", disabled)
    plugins = [("sample", sample_plugin), ("customers_next", customers_next), *extra]
    return PluginHost(get_settings(), entry_points=False, extra=plugins)


def customers_track(h: PluginHost) -> Any:
    return next(track for track in tracks(h) if track.owner == "customers")


def followup_counts(h: PluginHost, engine: Any) -> list[tuple[int, dt.date, float]]:
    facts = MetricRegistry(h).facts(engine, OPERATOR, "followups", OCT, NOV)
    return sorted(facts.select("person_id", "month", "num").rows())


def test_a_replacement_takes_over_the_data_of_the_plugin_it_replaces(
    empty_db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = empty_db.engine
    load_small_org(engine)
    for day in (dt.date(2026, 10, 8), dt.date(2026, 10, 20), dt.date(2026, 11, 3)):
        log_followup(engine, REP4, 1, FollowUpInput(day, "phone"), dt.date(2026, 11, 5))
    monkeypatch.setenv("COMMAND_CENTER_DISABLED_PLUGINS", "")
    builtin = PluginHost(get_settings(), entry_points=False, extra=[("sample", sample_plugin)])
    before = followup_counts(builtin, engine)
    assert before == [(4, OCT, 2.0), (4, NOV, 1.0)]

    kept = host(monkeypatch, "")  # customers still enabled: the replacement is refused
    assert kept.enabled("customers") and not kept.infos["customers_next"].enabled
    assert "disable it (COMMAND_CENTER_DISABLED_PLUGINS=customers)" in str(
        kept.infos["customers_next"].error
    )
    assert not pending(engine, kept)

    swapped = host(monkeypatch, "customers", ("frequency", extends_customers))
    info = swapped.infos["customers_next"]
    assert info.enabled and info.error is None and info.replaces == "customers"
    assert swapped.infos["customers"].replaced_by == "customers_next"
    assert not swapped.enabled("customers")
    folders = customers_track(swapped).folders
    assert [f.parent.name for f in folders] == ["customers", "customers_next"]
    assert pending(engine, swapped) == ["customers"]
    upgrade(engine, swapped)
    assert current_heads(engine, customers_track(swapped)) == {"customers_0004"}
    assert not pending(engine, swapped)
    assert "customers_tags" in inspect(engine).get_table_names()
    frames.clear_cache()  # as after a restart: the figures come from the replacement alone
    assert MetricRegistry(swapped).spec("followups").label == "metric.followups"
    assert followup_counts(swapped, engine) == before
    assert swapped.declared_hooks()["customers_register_grading_rules"] == "customers_next"
    answers = swapped.call("customers_register_grading_rules", kit=_Kit)
    assert [(r.plugin, [rule.name for rule in r.value]) for r in answers] == [
        ("frequency", ["frequency"])
    ]


class _Kit:
    """The replacement's kit for customers' hook: a rule is its positional fields."""

    class Rule:
        def __init__(self, name: str, *args: Any, **kwargs: Any) -> None:
            self.name = name


def test_replacements_that_cannot_be_used_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    import types

    twin = types.ModuleType("twin")
    twin.REPLACES = "customers"  # type: ignore[attr-defined]
    itself = types.ModuleType("itself")
    itself.REPLACES = "itself"  # type: ignore[attr-defined]
    h = host(monkeypatch, "customers", ("twin", twin), ("itself", itself))
    assert h.infos["customers_next"].enabled
    assert h.infos["twin"].error == "replaces 'customers', already replaced by 'customers_next'"
    assert h.infos["itself"].error == "REPLACES must name another plugin, not 'itself'"


def test_the_replacement_keeps_the_layout_under_the_replaced_name() -> None:
    folder = Path(customers_next.__file__).parent
    assert layout_problems(folder, "customers") == []
