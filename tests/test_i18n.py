"""Translation layer: both languages complete, every key used exists, no raw UI text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from command_center import i18n
from command_center.i18n import core_catalogs, language, money, percent, t
from tests.conftest import make_host

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
    i18n.install([r.value for r in make_host().call("register_translations")])
    return i18n.catalogs()


def test_languages_hold_the_same_keys() -> None:
    cats = all_catalogs()
    assert set(cats) == {"en", "zh_CN"}
    assert set(cats["en"]) == set(cats["zh_CN"]), set(cats["en"]) ^ set(cats["zh_CN"])


def test_core_catalog_placeholders_agree() -> None:
    cats = core_catalogs()
    fields = re.compile(r"\{(\w+)")
    for key, text in cats["en"].items():
        assert set(fields.findall(text)) == set(fields.findall(cats["zh_CN"][key])), key


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


@pytest.mark.parametrize(("lang", "expected"), [("en", "Revenue"), ("zh_CN", "销售额")])
def test_language_switch(lang: str, expected: str) -> None:
    with language(lang):
        assert t("metric.revenue") == expected


def test_number_formats() -> None:
    with language("zh_CN"):
        assert money(1234567.8) == "¥1,234,568"
        assert percent(0.8734) == "87.3%"
    assert t("no.such.key") == "no.such.key"
