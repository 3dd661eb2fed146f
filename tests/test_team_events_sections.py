"""Review-pack sections as an extension point: the built-ins through the same type, an
outside section (tests/plugins/extends_team_events.py) in every document, failures left
out and recorded; SQLite and PostgreSQL.

The org (tests/factories.py), October 2026, manager 2's team: rep 7 sold 500, rep 5
300, rep 4 200.
"""

from __future__ import annotations

import datetime as dt
import io
import types
from typing import Any

import polars as pl
import pytest

from command_center import hookimpl, i18n
from command_center.metrics import MetricRegistry
from command_center.org.scope import Viewer
from command_center.plugins import PluginHost
from command_center.settings import get_settings
from plugins.team_events.io import documents
from plugins.team_events.logic import sections as sec
from plugins.team_events.queries import pack
from tests.conftest import use_db
from tests.factories import load_small_org
from tests.plugins import broken_extensions, extends_team_events

DIRECTOR = Viewer("boss", "director", 1, None)
TODAY = dt.date(2026, 11, 20)


def host(*extra: tuple[str, object]) -> PluginHost:
    return PluginHost(
        get_settings(), builtins=["plugins.team_events"], extra=extra, entry_points=False
    )


def built(db: Any, monkeypatch: pytest.MonkeyPatch, h: PluginHost) -> pack.Pack:
    use_db(monkeypatch, db, h)
    i18n.install([r.value for r in h.call("register_translations")])
    return pack.build(db.engine, MetricRegistry(h), DIRECTOR, 2, "2026-10", today=TODAY)


@pytest.fixture
def org(empty_db: Any) -> Any:
    load_small_org(empty_db.engine)
    return empty_db


def test_the_builtin_sections_are_sections_like_any_other() -> None:
    keys = tuple(section.key for section in documents.BUILTIN_SECTIONS)
    assert keys == sec.BUILTIN_KEYS
    assert all(section.plugin == "team_events" for section in documents.BUILTIN_SECTIONS)
    assert sec.installed_sections(host()) == {}


def test_an_outside_section_is_in_every_document(
    org: Any, monkeypatch: pytest.MonkeyPatch, app_env: None
) -> None:
    h = host(("ext", extends_team_events))
    assert list(sec.installed_sections(h)) == ["top_sellers"]
    with i18n.language("en"):
        made = built(org, monkeypatch, h)
        [(section, heading, blocks)] = documents.section_blocks(made, builtins=False)
        assert (section.plugin, heading) == ("ext", "sellers.title")
        assert blocks[0] == "3 sellers in 2026-10"
        assert blocks[1].rows() == [("代表三", 500.0), ("代表二", 300.0), ("代表一", 200.0)]
        markdown = documents.pack_markdown(made)
        html = documents.pack_html(made)
        sheets = pl.read_excel(io.BytesIO(documents.pack_xlsx(made)), sheet_id=0)
    after_meetings = markdown.split("## Meetings and action items this month")[1]
    assert "## sellers.title" in after_meetings and "3 sellers in 2026-10" in after_meetings
    assert "| 代表三 | 500 |" in after_meetings
    assert "<h2>sellers.title</h2>" in html
    sheet = sheets["sellers.title"]
    assert sheet.columns == ["Seller", "Revenue"]
    assert sheet.row(0) == ("代表三", 500.0)


def test_failing_sections_are_left_out_and_recorded(
    org: Any, monkeypatch: pytest.MonkeyPatch, app_env: None
) -> None:
    bad = types.ModuleType("bad")

    def gather(inputs: Any) -> Any:
        raise LookupError("gather broken on purpose")

    def content(pack: Any, data: Any) -> Any:
        raise ValueError("content broken on purpose")

    @hookimpl(optionalhook=True)
    def team_events_register_sections(kit: Any) -> list[Any]:
        return [
            kit.Section("no_data", "x", content, gather=gather),
            kit.Section("no_words", "no_words.title", content),
            kit.Section("results", "x", content),
        ]

    bad.team_events_register_sections = team_events_register_sections  # type: ignore[attr-defined]
    h = host(("bad", bad), ("broken", broken_extensions), ("ext", extends_team_events))
    assert list(sec.installed_sections(h)) == ["no_data", "no_words", "top_sellers"]
    assert "'results' is a built-in section" in h.infos["bad"].hook_errors[sec.HOOK]
    assert "broken on purpose" in h.infos["broken"].hook_errors[sec.HOOK]
    made = built(org, monkeypatch, h)
    assert [section.key for section, _ in made.sections] == ["no_words", "top_sellers"]
    assert "gather broken on purpose" in h.infos["bad"].hook_errors[sec.HOOK]
    markdown = documents.pack_markdown(made)
    assert "no_words.title" not in markdown and "sellers.title" in markdown
    assert "content broken on purpose" in h.infos["bad"].hook_errors[sec.HOOK]


@pytest.mark.one_backend
def test_the_review_page_shows_the_outside_section(
    demo_db: Any, monkeypatch: pytest.MonkeyPatch, app_env: None
) -> None:
    from command_center import testing as apptest

    use_db(monkeypatch, demo_db, host(("ext", extends_team_events)))
    at = apptest.open_page(apptest.start(demo_db.engine, "manager"), "team-review")
    month = next(box for box in at.selectbox if box.label == "Month")
    at = month.set_value(dt.date(2026, 10, 1)).run()
    assert not at.exception, at.exception
    shown = apptest.texts(at)
    assert "sellers.title" in shown and "sellers in 2026-10" in shown
    assert any(frame.value.columns.tolist() == ["Seller", "Revenue"] for frame in at.dataframe)
