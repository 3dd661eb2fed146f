"""The one error recruiting raises when it refuses an action, translated when shown."""

from __future__ import annotations

from typing import Any

from command_center.i18n import t
from plugins.recruiting.logic.vocabulary import ALL_STAGES


class RecruitingError(ValueError):
    """An action the plugin refuses: ``key`` names the message ``recruiting.error.<key>``,
    ``params`` its values; ``message()`` says why in the active language."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key, params)
        self.key = key
        self.params = params

    def message(self) -> str:
        params = dict(self.params)
        if params.get("stage") in ALL_STAGES:
            params["stage"] = t(f"recruiting.stage.{params['stage']}")
        return t(f"recruiting.error.{self.key}", **params)

    def __str__(self) -> str:
        return f"{self.key} {self.params}" if self.params else self.key
