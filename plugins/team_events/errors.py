"""The plugin's refusals: one base type carrying a translation key and its parameters."""

from __future__ import annotations


class TeamEventsError(ValueError):
    """A refused read or write; ``key`` and ``params`` give the translated reason."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


class RecurrenceError(TeamEventsError):
    """A repeat rule that cannot be scheduled (raised by the pure recurrence logic)."""
