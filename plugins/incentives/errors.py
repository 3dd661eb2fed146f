"""The error every incentives action raises when it refuses: translated, with a code."""

from __future__ import annotations

import datetime as dt
from typing import Any

from command_center.i18n import t


class IncentivesError(ValueError):
    """An action refused; ``message`` says why in the active language."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return t(f"incentives.error.{code}", **self.params) if (code := self.code) else ""


def month_label(month: dt.date) -> str:
    return f"{month.year}-{month.month:02d}"
