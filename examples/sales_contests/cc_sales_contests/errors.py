"""The contests plugin's refusals: ``key`` is a translation key, ``params`` its values."""

from __future__ import annotations


class ContestError(ValueError):
    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params
