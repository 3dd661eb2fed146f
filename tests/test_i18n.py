"""Translation layer: every language complete, every key used exists, no raw UI text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from command_center import i18n, runtime, settings
from command_center import testing as apptest
from command_center.i18n import (
    core_catalogs,
    language,
    load_catalogs,
    money,
    money_compact,
    percent,
    plural_form,
    t,
    tn,
)
from command_center.ui import shell
from tests.conftest import make_host, use_db

ROOT = Path(__file__).resolve().parent.parent


def _sources() -> list[Path]:
    """The core's files and those of the enabled built-in plugins."""
    enabled = [
        name
        for name, info in make_host().infos.items()
        if info.source == "builtin" and info.enabled
    ]
    files = [*ROOT.glob("command_center/**/*.py"), *ROOT.glob("pages/**/*.py")]
    for name in enabled:
        files += ROOT.glob(f"plugins/{name}/**/*.py")
    return files


SOURCES = _sources()
KEY_USE = re.compile(r"""\bt\(\s*["']([a-zA-Z0-9_.]+)["']""")
RAW_UI = re.compile(
    r"""\bst\.(?:sidebar\.)?(?:title|header|subheader|caption|button|markdown|info|warning|error|"""
    r"""success|text_input|selectbox|radio|checkbox|number_input|form_submit_button|metric|"""
    r"""tabs|download_button|file_uploader|expander)\(\s*f?(["'])(.*?)\1"""
)
LETTERS = re.compile(r"[A-Za-z\u4e00-\u9fff]")


def raw_text(line: str) -> bool:
    """A widget whose first argument is a literal with words outside ``{...}``."""
    match = RAW_UI.search(line)
    return bool(match and LETTERS.search(re.sub(r"\{[^}]*\}", "", match.group(2))))


def all_catalogs() -> dict[str, dict[str, str]]:
    i18n.install(make_host().translations())
    return i18n.catalogs()


def test_languages_hold_the_same_keys() -> None:
    cats = all_catalogs()
    assert set(cats) == {"en", "zh_CN", "zh_TW"} == set(i18n.LANGUAGES)
    for lang in ("zh_CN", "zh_TW"):
        assert set(cats["en"]) == set(cats[lang]), (lang, set(cats["en"]) ^ set(cats[lang]))


def test_settings_offer_the_same_languages() -> None:
    assert settings.LANGUAGES == tuple(i18n.LANGUAGES) == tuple(i18n.LOCALES)


def test_core_catalog_placeholders_agree() -> None:
    cats = core_catalogs()
    fields = re.compile(r"\{(\w+)")
    for key, text in cats["en"].items():
        for lang in ("zh_CN", "zh_TW"):
            assert set(fields.findall(text)) == set(fields.findall(cats[lang][key])), (lang, key)


def test_every_literal_key_exists() -> None:
    known = set(all_catalogs()["en"])
    known |= {key.rsplit(".", 1)[0] for key in known if key.endswith(".one")}  # plural messages
    missing = []
    for path in SOURCES:
        for key in KEY_USE.findall(path.read_text(encoding="utf-8")):
            if key not in known:
                missing.append(f"{path.relative_to(ROOT)}: {key}")
    assert missing == []


def test_no_raw_text_in_widgets() -> None:
    offenders = []
    for path in SOURCES:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if raw_text(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


@pytest.mark.parametrize(
    ("lang", "expected"), [("en", "Revenue"), ("zh_CN", "销售额"), ("zh_TW", "銷售額")]
)
def test_language_switch(lang: str, expected: str) -> None:
    with language(lang):
        assert t("metric.revenue") == expected


def test_number_formats() -> None:
    with language("zh_CN"):
        assert money(1234567.8) == "¥1,234,568"
        assert percent(0.8734) == "87.3%"
        assert money_compact(7095500) == "¥709.55万"
    with language("zh_TW"):
        assert i18n.locale() == "zh_Hant_TW"
        assert money(1234567.8) == "¥1,234,568"
        assert percent(0.8734) == "87.3%"
        assert money_compact(7095500) == "¥709.55萬"  # Babel writes CN¥ for this locale
    assert t("no.such.key") == "no.such.key"


@pytest.mark.parametrize("count", [0, 1, 2, 1.5])
def test_traditional_chinese_has_one_plural_form(count: float) -> None:
    assert plural_form(count, "zh_TW") == "other"
    all_catalogs()
    with language("zh_TW"):
        text = tn("scope.caption", count, who="全員", period="2026-10")
    assert text == f"全員 · {count} 人 · 2026-10"


def test_a_message_missing_in_zh_tw_falls_back_to_zh_cn_then_english(monkeypatch) -> None:
    monkeypatch.setattr(
        i18n,
        "_catalogs",
        {
            "en": {"x.both": "Both", "x.only_en": "English", "x.n.one": "{count} row"},
            "zh_CN": {"x.both": "两者", "x.n.other": "{count} 行"},
            "zh_TW": {"x.both": "兩者"},
        },
    )
    with language("zh_TW"):
        assert (t("x.both"), t("x.only_en"), tn("x.n", 1)) == ("兩者", "English", "1 行")
    with language("zh_CN"):
        assert t("x.only_en") == "English"


def test_a_plugin_without_zh_tw_still_loads(tmp_path) -> None:
    (tmp_path / "en.toml").write_text('[p]\nhello = "Hello"\n', "utf-8")
    (tmp_path / "zh_CN.toml").write_text('[p]\nhello = "你好"\n', "utf-8")
    assert load_catalogs(tmp_path) == {"en": {"p.hello": "Hello"}, "zh_CN": {"p.hello": "你好"}}
    (tmp_path / "en.toml").unlink()
    with pytest.raises(FileNotFoundError):
        load_catalogs(tmp_path)


@pytest.fixture
def app(demo_db, monkeypatch, app_env):
    use_db(monkeypatch, demo_db)
    return demo_db


@pytest.mark.one_backend
def test_language_switch_keeps_page_and_filters_at_rerun_cost(app, monkeypatch) -> None:
    """Switching language re-renders the same page with the same period and team,
    in one script run, without rebuilding catalogs or the metric registry."""
    at = apptest.start(app.engine, "director", "en")
    at.selectbox(key="_w_flt_grain_en").set_value("quarter").run()
    at.selectbox(key="_w_flt_period_en").select_index(1).run()
    at.selectbox(key="_w_flt_team_en").select_index(1).run()
    at = apptest.open_page(at, "customers")
    before = {key: at.session_state[key] for key in ("flt_grain", "flt_period", "flt_team")}
    assert before["flt_grain"] == "quarter" and before["flt_team"] is not None
    page, registry = at._page_hash, runtime.registry()
    runs, installs = [], []
    monkeypatch.setattr(shell, "main", lambda real=shell.main: (runs.append(1), real())[1])
    monkeypatch.setattr(i18n, "install", lambda *a, real=i18n.install: installs.append(real(*a)))

    at.selectbox(key="_w_lang").set_value("zh_CN").run()

    assert not at.exception, at.exception
    assert len(runs) == 1 and installs == [] and runtime.registry() is registry
    assert at._page_hash == page
    with language("zh_CN"):
        assert t("customers.archive.title") in [el.value for el in at.title]
    after = {key: at.session_state[key] for key in before}
    assert after == before
    assert at.selectbox(key="_w_flt_grain_zh_CN").value == "quarter"
    assert at.selectbox(key="_w_flt_period_zh_CN").value == before["flt_period"]
    assert at.selectbox(key="_w_flt_team_zh_CN").value == before["flt_team"]
