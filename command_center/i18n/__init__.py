"""The translation layer: every user-facing string goes through :func:`t`.

Catalogs are TOML files (``en.toml``, ``zh_CN.toml``) beside this module,
flattened to dotted keys; plugins add theirs through the
``register_translations`` hook. Numbers, money, percentages and dates are
formatted with Babel for the active language.

A message that counts something has plural forms, a table keyed by the CLDR
plural categories of the languages (English: ``one`` and ``other``; Chinese
has one form, written as ``other`` and repeated as ``one`` so both catalogs
hold the same keys)::

    caption = { one = "{count} person", other = "{count} people" }

:func:`t` picks the form for its ``count`` parameter (Babel's plural rules of
the active locale); :func:`tn` does it for a count under any name.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from babel import Locale
from babel.numbers import format_compact_currency, format_decimal, format_percent

LANGUAGES: dict[str, str] = {"en": "English", "zh_CN": "简体中文"}
LOCALES: dict[str, str] = {"en": "en_US", "zh_CN": "zh_Hans_CN"}
CURRENCY = "CNY"
_HERE = Path(__file__).resolve().parent

_language: contextvars.ContextVar[str] = contextvars.ContextVar("language", default="en")
_catalogs: dict[str, dict[str, str]] = {}


def _flatten(tree: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in tree.items():
        full = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(_flatten(value, f"{full}."))
        else:
            out[full] = str(value)
    return out


def load_catalogs(folder: Path) -> dict[str, dict[str, str]]:
    """``en.toml`` and ``zh_CN.toml`` from ``folder``, flattened to dotted keys.

    Plugins return this from ``register_translations``.
    """
    return {
        lang: _flatten(tomllib.loads((folder / f"{lang}.toml").read_text("utf-8")))
        for lang in LANGUAGES
    }


def core_catalogs() -> dict[str, dict[str, str]]:
    """The core's own catalogs."""
    return load_catalogs(_HERE)


def install(extra: list[dict[str, dict[str, str]]] | None = None) -> None:
    """(Re)build the catalogs: the core's plus each plugin's."""
    catalogs = core_catalogs()
    for contribution in extra or []:
        for lang, messages in contribution.items():
            catalogs.setdefault(lang, {}).update(messages)
    _catalogs.clear()
    _catalogs.update(catalogs)


def catalogs() -> dict[str, dict[str, str]]:
    if not _catalogs:
        install()
    return _catalogs


def set_language(lang: str) -> None:
    _language.set(lang if lang in LANGUAGES else "en")


def get_language() -> str:
    return _language.get()


@contextmanager
def language(lang: str) -> Iterator[None]:
    token = _language.set(lang if lang in LANGUAGES else "en")
    try:
        yield
    finally:
        _language.reset(token)


_plural_rules: dict[str, Callable[[float], str]] = {}


def plural_form(count: float, lang: str | None = None) -> str:
    """The CLDR plural category of ``count`` in ``lang`` (default: the active
    language): ``one`` for 1 in English, always ``other`` in Chinese."""
    lang = lang or get_language()
    rule = _plural_rules.get(lang)
    if rule is None:
        rule = _plural_rules[lang] = Locale.parse(LOCALES.get(lang, "en_US")).plural_form
    return rule(abs(count))


def _lookup(key: str, count: Any) -> str | None:
    cats = catalogs()
    active, english = cats.get(get_language(), {}), cats.get("en", {})
    text = active.get(key) or english.get(key)
    if text is not None:
        return text
    counted = isinstance(count, int | float)
    choices = (
        (active, plural_form(count) if counted else "other"),
        (active, "other"),
        (english, plural_form(count, "en") if counted else "other"),
        (english, "other"),
    )
    for messages, form in choices:
        text = messages.get(f"{key}.{form}")
        if text is not None:
            return text
    return None


def t(key: str, /, **params: Any) -> str:
    """The message ``key`` in the active language, formatted with ``params``.

    A message with plural forms takes the one for ``params["count"]``. A key
    missing in the active language falls back to English, then to the key
    itself (a test keeps both catalogs complete).
    """
    text = _lookup(key, params.get("count")) or key
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text
    return text


def tn(key: str, count: float, /, **params: Any) -> str:
    """The plural form of ``key`` for ``count`` (given to the message as
    ``{count}`` too), formatted with ``params``."""
    text = _lookup(key, count) or key
    try:
        return text.format(count=count, **params)
    except (KeyError, IndexError, ValueError):
        return text


def is_plural(key: str) -> bool:
    """Whether ``key`` is a message with plural forms (``key.one``, ``key.other``)."""
    english = catalogs().get("en", {})
    return f"{key}.other" in english and f"{key}.one" in english


def has(key: str) -> bool:
    return key in catalogs().get("en", {}) or is_plural(key)


def locale() -> str:
    return LOCALES[get_language()]


def money(value: float | None, digits: int = 0) -> str:
    """Yuan with thousands separators: ``¥1,234,568`` (negative: ``-¥12``)."""
    if value is None:
        return "—"
    sign = "-" if value < 0 else ""
    return f"{sign}¥{number(abs(value), digits)}"


def money_compact(value: float | None) -> str:
    """Short yuan for KPI cards: ``¥7.1M`` in English, ``¥709.55万`` in Chinese."""
    if value is None:
        return "—"
    text = format_compact_currency(value, CURRENCY, locale=locale(), fraction_digits=2)
    return text.replace("CN¥", "¥")


def number(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "—"
    fmt = "#,##0" if digits == 0 else "#,##0." + "0" * digits
    return format_decimal(value, format=fmt, locale=locale())


def percent(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "—"
    fmt = "#,##0%" if digits == 0 else "#,##0." + "0" * digits + "%"
    return format_percent(value, format=fmt, locale=locale())


def fmt_value(value: float | None, unit: str, compact: bool = False) -> str:
    """A metric value in its unit (``compact``: short money for KPI cards)."""
    if unit == "currency":
        return money_compact(value) if compact else money(value)
    if unit in ("percent", "ratio"):
        return percent(value)
    if unit in ("days", "hours", "score"):
        return number(value, 1)
    return number(value)


def date(value: dt.date | None) -> str:
    return "—" if value is None else value.isoformat()


def labels_now(options: Iterable[Any], label: Callable[[Any], str]) -> Callable[[Any], str]:
    """A ``format_func`` whose labels are computed now, in the active language.

    Streamlit may call a widget's ``format_func`` outside this run (AppTest
    does), where the active language is not set; fixed labels stay right.
    """
    table = {option: label(option) for option in options}
    return lambda option: table.get(option, str(option))
