"""Errors users see (issue 13, defect 7, the app part).

A user other than admin never sees a traceback or the exception's text: a short
message and an error id. The trace goes to the server log and to the Admin
page's recent errors; an admin also sees it where it happened.
"""

from __future__ import annotations

import logging
import re
import types
from collections.abc import Iterator

import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest

from command_center import errors, hookimpl
from command_center import testing as apptest
from command_center.types import ALL_ROLES, BUSINESS_ROLES, HomeCard, PageSpec
from tests.conftest import Db, make_host, use_db
from tests.plugins import sample_plugin

SECRET = "order 1 of 甲公司 exceeds 8771.66"  # what an exception might quote
ERROR_ID = re.compile(r"E-[0-9A-F]{8}")


def _fail_page(ctx: object) -> None:
    raise RuntimeError(f"page broke: {SECRET}")


def _fail_card(ctx: object) -> None:
    raise RuntimeError(f"card broke: {SECRET}")


def _failing_plugin() -> types.ModuleType:
    module = types.ModuleType("failing_plugin")

    @hookimpl
    def register_pages() -> list[PageSpec]:
        return [PageSpec("failing-page", "failing.page", _fail_page, ALL_ROLES)]

    @hookimpl
    def register_home_cards() -> list[HomeCard]:
        return [HomeCard("failing-card", "failing.card", _fail_card, BUSINESS_ROLES)]

    module.register_pages = register_pages  # type: ignore[attr-defined]
    module.register_home_cards = register_home_cards  # type: ignore[attr-defined]
    return module


@pytest.fixture
def failing_app(demo_db: Db, monkeypatch: pytest.MonkeyPatch, app_env: None) -> Iterator[Db]:
    host = make_host(extra=[("sample", sample_plugin), ("failing", _failing_plugin())])
    use_db(monkeypatch, demo_db, host)
    yield demo_db


def _shown(at: AppTest) -> str:
    """Everything on screen, exception boxes (message and trace) included."""
    boxes = ["\n".join([str(e.value), *e.stack_trace]) for e in at.exception]
    return "\n".join([apptest.texts(at), *boxes])


def _assert_no_trace(at: AppTest) -> str:
    """The failure shows as message + id only; returns the id shown."""
    shown = _shown(at)
    assert SECRET not in shown and "Traceback" not in shown and "RuntimeError" not in shown
    assert all(not e.stack_trace for e in at.exception)
    ids = ERROR_ID.findall(" ".join(str(e.value) for e in at.exception))
    assert len(ids) == 1, shown
    return ids[0]


@pytest.mark.one_backend
@pytest.mark.parametrize("login", ["director", "manager", "supervisor", "rep"])
def test_page_failure_shows_message_and_id_not_trace(
    failing_app: Db, login: str, caplog: pytest.LogCaptureFixture
) -> None:
    at = apptest.start(failing_app.engine, login)
    caplog.clear()
    at = apptest.open_page(at, "failing-page")
    error_id = _assert_no_trace(at)
    assert "The page “failing.page” failed" in apptest.texts(at)
    recorded = next(e for e in errors.recent() if e.error_id == error_id)
    assert (recorded.where, recorded.login) == ("page:failing-page", login)
    assert SECRET in recorded.summary and "_fail_page" in recorded.trace
    logged = [r for r in caplog.records if r.name == "command_center.errors"]
    assert any(error_id in r.getMessage() and r.exc_info for r in logged)
    at = apptest.open_page(at, "data")  # the rest of the app keeps working
    assert not at.exception and not at.error


@pytest.mark.one_backend
def test_admin_sees_the_trace_and_the_recent_errors(failing_app: Db) -> None:
    at = apptest.start(failing_app.engine, "admin")
    at = apptest.open_page(at, "failing-page")
    assert any(SECRET in str(e.value) and e.stack_trace for e in at.exception)
    shown_id = ERROR_ID.findall(apptest.texts(at))
    assert len(shown_id) == 1
    at = apptest.open_page(at, "")  # the Admin page is the admin's home
    assert "Recent errors" in [tab.label for tab in at.tabs]
    assert shown_id[0] in apptest.texts(at)
    assert SECRET in apptest.texts(at)  # the summary column, admin only
    assert not at.exception and not apptest.page_problems(at)


@pytest.mark.one_backend
def test_shell_failure_shows_message_and_id(
    failing_app: Db, monkeypatch: pytest.MonkeyPatch
) -> None:
    from command_center.ui import shell

    def broken() -> object:
        raise RuntimeError(f"shell broke: {SECRET}")

    monkeypatch.setattr(shell, "_latest_month", broken)
    at = apptest.start(failing_app.engine, "rep")
    error_id = _assert_no_trace(at)
    assert "Something went wrong" in apptest.texts(at)
    assert errors.recent()[0].error_id == error_id
    assert errors.recent()[0].where == "shell"


@pytest.mark.one_backend
@pytest.mark.parametrize("login", ["director", "rep"])
def test_card_failure_shows_message_and_id_not_trace(failing_app: Db, login: str) -> None:
    at = apptest.start(failing_app.engine, login)
    if login == "rep":  # a rep lands on Today: the cards are on home
        at = apptest.open_page(at, "home")
    error_id = _assert_no_trace(at)
    assert "Hello from the sample plugin" in apptest.texts(at)  # other cards still work
    recorded = next(e for e in errors.recent() if e.error_id == error_id)
    assert (recorded.where, recorded.login) == ("card:failing-card", login)
    assert SECRET in recorded.summary and "_fail_card" in recorded.trace


@pytest.mark.one_backend
def test_streamlit_shows_no_details_of_uncaught_errors(failing_app: Db) -> None:
    apptest.start(failing_app.engine, "rep")
    assert config.get_option("client.showErrorDetails") == "type"


def test_record_logs_and_keeps_recent(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR, logger="command_center.errors")
    try:
        raise ValueError("first")
    except ValueError as exc:
        first = errors.record(exc, "test", "someone")
    entries = []
    for n in range(errors.RECENT_LIMIT + 5):
        try:
            raise KeyError(n)
        except KeyError as exc:
            entries.append(errors.record(exc, "test"))
    recent = errors.recent()
    assert len(recent) == errors.RECENT_LIMIT
    assert recent[0] == entries[-1] and first not in recent
    assert len({e.error_id for e in entries}) == len(entries)
    assert ERROR_ID.fullmatch(first.error_id)
    assert first.summary == "ValueError: first" and "raise ValueError" in first.trace
    record = next(r for r in caplog.records if first.error_id in r.getMessage())
    assert record.exc_info is not None and "someone" in record.getMessage()
