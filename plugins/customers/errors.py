"""The customers plugin's refusals: every one carries a translation key and its parameters.

Actions raise them before anything is written; pages show ``t(exc.key, **exc.params)``.
"""

from __future__ import annotations

from typing import Any


class CustomersError(Exception):
    """Base of the plugin's errors: ``key`` is a translation key, ``params`` its values."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


class ActionRefused(CustomersError, ValueError):
    """An action the rules forbid; ``key`` is a translation key under ``customers.refused``."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(f"customers.refused.{key}", **params)


class DuplicateFound(CustomersError, ValueError):
    """The customer being saved matches existing ones (same name, phone or tax id)."""

    def __init__(self, matches: list[dict[str, Any]] | None = None) -> None:
        self.matches: list[dict[str, Any]] = list(matches or [])
        super().__init__("customers.duplicate.found", count=len(self.matches))

    def __str__(self) -> str:
        ids = ", ".join(str(m["customer_id"]) for m in self.matches)
        return f"duplicate of customer(s) {ids}"
