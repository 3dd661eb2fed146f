"""Messages for code that may run without the app (CLI, bench, tests of pure modules)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from command_center.i18n import get_language, load_catalogs, t

I18N = Path(__file__).resolve().parent / "i18n"


@functools.cache
def _own_catalogs() -> dict[str, dict[str, str]]:
    return load_catalogs(I18N)


def text(key: str, **params: Any) -> str:
    """``t(key)``, or this plugin's own catalog when the host has not installed it

    (plans are parsed by the CLI, the bench and tests without the app running).
    """
    found = t(key, **params)
    if found != key:
        return found
    own = _own_catalogs()
    message = own.get(get_language(), {}).get(key) or own["en"].get(key)
    if message is None:
        return key
    try:
        return message.format(**params)
    except (KeyError, IndexError, ValueError):
        return message
