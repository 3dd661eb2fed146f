"""Every refusal of the incentives plugin: a translation key and its values.

:class:`IncentivesError` is what an action raises when it refuses (not
allowed, nothing to settle, a locked month …); :class:`PlanInvalid` is the
refusal of a plan document, with one :class:`Issue` per bad key naming its
path the way a person reads the document (``components[0].tiers[1].rate``).

Messages are looked up with :func:`message`, which falls back on this
plugin's own catalogs: plans are parsed by the CLI, the bench and tests
without the app (and its translations) running.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from command_center.i18n import get_language, load_catalogs, t

I18N = Path(__file__).resolve().parent / "i18n"


@functools.cache
def _own_catalogs() -> dict[str, dict[str, str]]:
    return load_catalogs(I18N)


def message(key: str, **params: Any) -> str:
    """``t(key)``, or this plugin's own catalog when the host has not installed it."""
    found = t(key, **params)
    if found != key:
        return found
    own = _own_catalogs()
    text = own.get(get_language(), {}).get(key) or own["en"].get(key)
    if text is None:
        return key
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return text


class IncentivesError(ValueError):
    """An action refused: ``key`` (``incentives.error.<code>``) and ``params`` say why."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.key = f"incentives.error.{code}"
        self.params = params
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """The refusal in the active language."""
        return message(self.key, **self.params)


@dataclass(frozen=True)
class Issue:
    """One problem in a plan: where (``path``), what (a message code and its values)."""

    path: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)
    fallback: str = ""

    @property
    def message(self) -> str:
        key = f"incentives.err.{self.code}"
        found = message(key, **self.params)
        return self.fallback if found == key and self.fallback else found

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class PlanInvalid(IncentivesError):
    """The document is not a valid plan; ``issues`` say where and why."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        super().__init__("plan_invalid", count=len(issues))

    @property
    def message(self) -> str:
        return "\n".join(str(i) for i in self.issues)


def month_label(month: dt.date) -> str:
    return f"{month.year}-{month.month:02d}"
