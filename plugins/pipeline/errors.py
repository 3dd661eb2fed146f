"""The one error the pipeline's actions raise: an illegal move, with a translated message."""

from __future__ import annotations

from command_center.i18n import t
from plugins.pipeline.logic.stages import Refusal


class PipelineError(ValueError):
    """A refused action. ``key``/``params`` translate it; ``str()`` is the active language."""

    def __init__(self, key: str, **params: object) -> None:
        self.key = key
        self.params = params
        super().__init__(key)

    @classmethod
    def of(cls, refusal: Refusal) -> PipelineError:
        return cls(refusal.key, **dict(refusal.params))

    def message(self) -> str:
        return t(self.key, **{k: _shown(v) for k, v in self.params.items()})

    def __str__(self) -> str:
        return self.message()


def _shown(value: object) -> object:
    """Message keys, stage, status and action codes are shown translated."""
    if isinstance(value, str) and value.startswith("pipeline."):
        return t(value)
    if isinstance(value, str):
        for prefix in ("pipeline.stage.", "pipeline.contract_status.", "pipeline.action."):
            label = t(prefix + value)
            if label != prefix + value:
                return label
    return value
