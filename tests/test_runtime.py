"""``runtime.reset`` forgets everything the process keeps between calls (tests rely on it)."""

from __future__ import annotations

import pytest

from command_center import cli, i18n, plugins, runtime
from command_center.db import engine, frames
from command_center.org.scope import Viewer
from tests.conftest import make_host, use_db


def test_reset_forgets_every_singleton(empty_db, monkeypatch: pytest.MonkeyPatch, app_env) -> None:
    host = use_db(monkeypatch, empty_db)
    runtime.registry()
    cli.build_app()
    runtime.cli().viewer = Viewer("rep", "rep", 1, frozenset({1}))
    frames.cached(runtime.engine(), "test-people", lambda: frames.all_people(runtime.engine()))
    assert plugins._host is host and "customers.section" in i18n.catalogs()["en"]
    assert engine._engines and frames._cache and runtime._state.registry is not None

    runtime.reset(None)

    assert plugins._host is None
    assert runtime._state == runtime.Runtime()  # registry, schema check, housekeeping, CLI
    assert not any(key.startswith("customers.") for key in i18n.catalogs()["en"])
    assert engine._engines == {}
    assert frames._cache == {} and frames._copies == {}
    assert cli.current_viewer().login == "operator"


def test_after_a_reset_everything_is_built_again(empty_db, monkeypatch, app_env) -> None:
    use_db(monkeypatch, empty_db)
    first = (runtime.engine(), runtime.registry(), runtime.host())
    use_db(monkeypatch, empty_db, make_host())
    again = (runtime.engine(), runtime.registry(), runtime.host())
    assert all(new is not old for new, old in zip(again, first, strict=True))
    assert frames.all_people(runtime.engine()).height == 0
    assert "customers.section" in i18n.catalogs()["en"]


def test_a_loader_asking_for_its_own_key_raises_instead_of_hanging(empty_db) -> None:
    db = empty_db.engine

    def itself() -> int:
        return frames.cached(db, "test-nested", itself, 1, tables=("people",))

    with pytest.raises(RuntimeError, match="loads itself"):
        frames.cached(db, "test-nested", itself, 1, tables=("people",))
    inner = frames.cached(db, "test-outer", lambda: frames.cached(db, "test-inner", lambda: 7))
    assert inner == 7  # other keys nest as before
    assert frames.cached(db, "test-nested", lambda: 3, 1, tables=("people",)) == 3  # not stuck
