"""The real app under AppTest: sign-in, every page for every role, isolation, scope."""

from __future__ import annotations

import pytest

from command_center import errors
from command_center import testing as apptest
from command_center.plugins import PluginHost
from command_center.settings import get_settings
from command_center.testing import page_problems
from tests.conftest import BACKENDS, make_host, use_db
from tests.plugins import broken_hooks, sample_plugin

ROLES = ["director", "manager", "supervisor", "rep", "admin"]


@pytest.fixture
def app(demo_db, monkeypatch, app_env):
    use_db(monkeypatch, demo_db)
    return demo_db


@pytest.mark.one_backend
def test_sign_in_form(app) -> None:
    at = apptest.start(app.engine)
    assert len(apptest.page_paths(at)) == 1 and "Sales Command Center" in apptest.texts(at)
    at.text_input(key="login_name").input("manager")
    at.text_input(key="login_password").input("wrong-password")
    at.button[0].click().run()
    assert "Wrong login or password." in apptest.texts(at)
    at.text_input(key="login_password").input("demo-pass-2026")
    at.button[0].click().run()
    assert not at.exception
    # home is a manager's default; Today and Notifications lead the core section
    assert apptest.page_paths(at)[:3] == ["", "today", "notifications"]


# Every role in English and Simplified Chinese. Traditional Chinese differs from
# Simplified only in its catalogs (same keys and placeholders: tests/test_i18n.py)
# and Babel locale. With PostgreSQL configured, it tours every role in English (every
# page's SQL on PostgreSQL) and the director (most pages) in Traditional Chinese;
# SQLite tours every role in English and Simplified Chinese: every page is seen in
# every language and on both databases, at no tour twice for a language alone.
TOURS = [(login, lang) for lang in ("en", "zh_CN") for login in ROLES] + [("director", "zh_TW")]


def _tour_elsewhere(login: str, lang: str, backend: str) -> bool:
    if lang == "en" or "postgresql" not in BACKENDS:
        return False
    if backend == "postgresql":
        return (login, lang) != ("director", "zh_TW")
    return lang == "zh_TW"


@pytest.mark.parametrize(("login", "lang"), TOURS)
def test_every_page_renders_for_every_role(app, login: str, lang: str) -> None:
    if _tour_elsewhere(login, lang, app.backend):
        pytest.skip(f"the director's {lang} tour runs on the other backend")
    at = apptest.start(app.engine, login, lang)
    assert not at.exception, at.exception
    paths = apptest.page_paths(at)
    assert ("data" in paths) and len(paths) >= 2
    missing: dict[str, list[str]] = {}
    for path in paths:
        at = apptest.open_page(at, path)
        assert not at.exception, (path, at.exception)
        assert not at.error, (path, [e.value for e in at.error])
        if problems := page_problems(at):  # "None"/"nan" shown for a missing value
            missing[path or "home"] = problems
    assert missing == {}, f"role {login}, language {lang}: {missing}"


@pytest.mark.one_backend
def test_broken_plugin_page_fails_alone(demo_db, monkeypatch, app_env) -> None:
    host = make_host(extra=[("sample", sample_plugin), ("broken_hooks", broken_hooks)])
    use_db(monkeypatch, demo_db, host)
    at = apptest.start(demo_db.engine, "director")
    assert not at.exception
    assert "Hello from the sample plugin" in apptest.texts(at)  # home cards still work
    at = apptest.open_page(at, "broken-page")
    assert any("broken on purpose" in e.summary for e in errors.recent())
    assert any("Error id" in str(e.value) for e in at.exception)  # the trace stays on the server
    assert "failed" in apptest.texts(at)
    at = apptest.open_page(at, "")
    assert not at.exception


def test_rep_home_shows_only_their_numbers(app) -> None:
    at = apptest.open_page(apptest.start(app.engine, "rep"), "home")  # a rep lands on Today
    shown = apptest.texts(at)
    import polars as pl

    from command_center.db import frames

    people = frames.all_people(app.engine)
    me = apptest.signed_in(app.engine, "rep").person_id
    others = people.filter((pl.col("level") == "rep") & (pl.col("person_id") != me))["name"]
    assert people.filter(pl.col("person_id") == me)["name"].item() in shown
    assert not [name for name in others.to_list() if name in shown]


@pytest.mark.one_backend
def test_language_switch_translates_the_page(app) -> None:
    at = apptest.start(app.engine, "manager", "zh_CN")
    assert "指挥中心" in apptest.texts(at)
    at.selectbox(key="_w_lang").set_value("en").run()
    assert "Command center" in apptest.texts(at)


@pytest.mark.one_backend
def test_filters_survive_page_switch(app) -> None:
    at = apptest.start(app.engine, "director")
    at.selectbox(key="_w_flt_grain_en").set_value("quarter").run()
    at = apptest.open_page(at, "data")
    at = apptest.open_page(at, "")
    assert at.selectbox(key="_w_flt_grain_en").value == "quarter"


@pytest.mark.one_backend
def test_plugins_listed_on_admin_page(demo_db, monkeypatch, app_env) -> None:
    host = PluginHost(
        get_settings(),
        entry_points=False,
        builtins=["tests.plugins.broken_import"],
        extra=[("sample", sample_plugin)],
    )
    use_db(monkeypatch, demo_db, host)
    at = apptest.start(demo_db.engine, "admin")  # the admin page is the admin's default
    assert "broken_import" in apptest.texts(at)
    assert "broken on purpose" in apptest.texts(at)
