"""The translation layer: every user-facing string goes through :func:`t`.

Catalogs are TOML files (``en.toml``, ``zh_CN.toml``, ``zh_TW.toml``) beside
this module, flattened to dotted keys; plugins add theirs through the
``register_translations`` hook. Numbers, money, percentages and dates are
formatted with Babel for the active language.

``zh_TW`` (Traditional Chinese, Taiwan usage) is produced from ``zh_CN`` by
``python -m command_center.i18n.traditional`` (OpenCC plus a list of Taiwan
terms) and then kept by hand; a key missing in it falls back to ``zh_CN``,
then to English (:data:`FALLBACKS`).

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
import functools
import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from babel import Locale
from babel.numbers import format_compact_currency, format_decimal, format_percent

LANGUAGES: dict[str, str] = {"en": "English", "zh_CN": "简体中文", "zh_TW": "繁體中文"}
LOCALES: dict[str, str] = {"en": "en_US", "zh_CN": "zh_Hans_CN", "zh_TW": "zh_Hant_TW"}
# Where a message missing in a language is looked up before English.
FALLBACKS: dict[str, tuple[str, ...]] = {"zh_TW": ("zh_CN",)}
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
    """Each language's ``<lang>.toml`` from ``folder``, flattened to dotted keys.

    ``en.toml`` must be there; a language whose file is missing is left out
    (its messages fall back, see :data:`FALLBACKS`), so a plugin written before
    ``zh_TW`` existed still loads. Plugins return this from ``register_translations``.
    """
    catalogs = {}
    for lang in LANGUAGES:
        path = folder / f"{lang}.toml"
        if lang != "en" and not path.exists():
            continue
        catalogs[lang] = _flatten(tomllib.loads(path.read_text("utf-8")))
    return catalogs


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
    language): ``one`` for 1 in English, always ``other`` in Chinese (both scripts)."""
    return _plural_form(abs(count), lang or get_language())


@functools.lru_cache(maxsize=4096)
def _plural_form(count: float, lang: str) -> str:
    """Remembered: Babel evaluates the rule each call, and a page of 10,000 rows asks often."""
    rule = _plural_rules.get(lang)
    if rule is None:
        rule = _plural_rules[lang] = Locale.parse(LOCALES.get(lang, "en_US")).plural_form
    return rule(count)


def lookup_order(lang: str) -> tuple[str, ...]:
    """The catalogs a message of ``lang`` is looked up in, first to last."""
    if lang == "en":
        return ("en",)
    return (lang, *FALLBACKS.get(lang, ()), "en")


def _lookup(key: str, count: Any) -> str | None:
    cats = catalogs()
    order = lookup_order(get_language())
    empty = None
    for lang in order:
        text = cats.get(lang, {}).get(key)
        if text:
            return text
        empty = empty if text is None else text
    if empty is not None:
        return empty
    counted = isinstance(count, int | float)
    for lang in order:
        messages = cats.get(lang, {})
        form = plural_form(count, lang) if counted else "other"
        text = messages.get(f"{key}.{form}")
        if text is None:
            text = messages.get(f"{key}.other")
        if text is not None:
            return text
    return None


def t(key: str, /, **params: Any) -> str:
    """The message ``key`` in the active language, formatted with ``params``.

    A message with plural forms takes the one for ``params["count"]``. A key
    missing in the active language falls back (:func:`lookup_order`: ``zh_TW``
    to ``zh_CN``, any language to English), then to the key itself (a test
    keeps every catalog complete).
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
    """Short yuan for KPI cards: ``¥7.1M`` in English, ``¥709.55万`` (``¥709.55萬``) in Chinese."""
    if value is None:
        return "—"
    text = format_compact_currency(value, CURRENCY, locale=locale(), fraction_digits=2)
    return text.replace("CN¥", "¥")  # zh_Hant_TW (and en) write the yuan as CN¥


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
