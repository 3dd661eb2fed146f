"""Counts read naturally: plural forms from the translation layer.

English has ``one`` and ``other``; Chinese has one form (the same text under both keys).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from command_center import i18n
from command_center.i18n import language, plural_form, t, tn
from tests.conftest import make_host

ROOT = Path(__file__).resolve().parent.parent
CALL = re.compile(r"""\b(?:t|tn|[A-Z]\w*Error)\(\s*f?["']([a-zA-Z0-9_.]+)["']""")


@pytest.fixture(scope="module")
def catalogs() -> dict[str, dict[str, str]]:
    i18n.install(make_host().translations())
    return i18n.catalogs()


def plural_keys(catalogs: dict[str, dict[str, str]]) -> list[str]:
    english = catalogs["en"]
    return sorted(
        key[: -len(".other")]
        for key in english
        if key.endswith(".other") and f"{key[: -len('.other')]}.one" in english
    )


@pytest.mark.parametrize(
    ("lang", "count", "form"),
    [("en", 0, "other"), ("en", 1, "one"), ("en", 2, "other"), ("en", 1.5, "other")]
    + [(lang, n, "other") for lang in ("zh_CN", "zh_TW") for n in (0, 1, 2)],
)
def test_plural_rules(lang: str, count: float, form: str) -> None:
    assert plural_form(count, lang) == form


@pytest.mark.parametrize(
    ("lang", "count", "expected"),
    [
        ("en", 0, "Team of Li · 0 people · 2026-10"),
        ("en", 1, "Team of Li · 1 person · 2026-10"),
        ("en", 2, "Team of Li · 2 people · 2026-10"),
    ],
)
def test_scope_caption_counts(catalogs, lang: str, count: int, expected: str) -> None:
    with language(lang):
        who = t("scope.team_of", name="Li")
        assert t("scope.caption", who=who, count=count, period="2026-10") == expected
        assert tn("scope.caption", count, who=who, period="2026-10") == expected


@pytest.mark.parametrize("count", [0, 1, 2])
def test_chinese_has_one_form(catalogs, count: int) -> None:
    with language("zh_CN"):
        text = t("scope.caption", who="全员", count=count, period="2026-10")
    assert text == f"全员 · {count} 人 · 2026-10"


@pytest.mark.parametrize(
    ("key", "params", "texts"),
    [
        (
            "incentives.card.disputes",
            {},
            [
                "0 questions from your people wait for an answer.",
                "1 question from your people waits for an answer.",
                "2 questions from your people wait for an answer.",
            ],
        ),
        (
            "team_events.card.unread",
            {},
            [
                "**0** unread announcements for you.",
                "**1** unread announcement for you.",
                "**2** unread announcements for you.",
            ],
        ),
    ],
)
def test_named_strings_count_naturally(
    catalogs, key: str, params: dict[str, str], texts: list[str]
) -> None:
    with language("en"):
        assert [t(key, count=n, **params) for n in (0, 1, 2)] == texts
    with language("zh_CN"):
        assert len({t(key, count=n).replace(str(n), "#") for n in (0, 1, 2)}) == 1


def test_every_plural_message_has_its_forms(catalogs) -> None:
    keys = plural_keys(catalogs)
    assert "scope.caption" in keys and len(keys) >= 20
    for key in keys:
        for chinese in ("zh_CN", "zh_TW"):
            assert f"{key}.one" in catalogs[chinese] and f"{key}.other" in catalogs[chinese], key
            assert catalogs[chinese][f"{key}.one"] == catalogs[chinese][f"{key}.other"], key
        one, many = catalogs["en"][f"{key}.one"], catalogs["en"][f"{key}.other"]
        assert one != many and "{count}" in one and "{count}" in many, key


def test_no_either_or_plurals_left(catalogs) -> None:
    assert [k for k, v in catalogs["en"].items() if "(s)" in v] == []


def _call_text(text: str, start: int) -> str:
    """The call that starts at ``start``, up to its closing parenthesis."""
    depth = 0
    for index in range(text.index("(", start), len(text)):
        depth += {"(": 1, ")": -1}.get(text[index], 0)
        if depth == 0:
            return text[start : index + 1]
    return text[start:]


def test_plural_messages_are_given_a_count(catalogs) -> None:
    """Every literal use of a plural message passes ``count`` (or uses ``tn``)."""
    plural = set(plural_keys(catalogs))
    sources = [*ROOT.glob("command_center/**/*.py"), *ROOT.glob("pages/*.py")]
    sources += ROOT.glob("plugins/**/*.py")
    uses, missing = 0, []
    for path in sources:
        text = path.read_text("utf-8")
        for match in CALL.finditer(text):
            key = match.group(1)
            names = {key, f"incentives.error.{key}", f"recruiting.error.{key}"}
            if not names & plural:
                continue
            uses += 1
            call = _call_text(text, match.start())
            if not (call.startswith("tn(") or "count=" in call):
                missing.append(f"{path.relative_to(ROOT)}: {call[:80]}")
    assert uses >= 10 and missing == []
