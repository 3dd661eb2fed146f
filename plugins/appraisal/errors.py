"""Refusals raised by the actions, worded in the reader's language when shown."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from command_center.i18n import has, t
from plugins.appraisal.logic.cycle import Refusal

STATE_PARAMS = ("state", "current", "target", "next")


class AppraisalError(ValueError):
    """An action refused; ``key`` is a translation key, ``params`` its values."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    @classmethod
    def of(cls, refusal: Refusal) -> AppraisalError:
        return cls(refusal.key, **refusal.params)

    def message(self, metric_label: Callable[[str], str] | None = None) -> str:
        return explain(self.key, self.params, metric_label)

    def __str__(self) -> str:
        return self.message()


def state_label(state: str) -> str:
    return t(f"appraisal.state.{state}") if state else "—"


def explain(
    key: str, params: dict[str, Any], metric_label: Callable[[str], str] | None = None
) -> str:
    """The message for ``key`` with state names and metric keys put into words."""
    shown = dict(params)
    for name in STATE_PARAMS:
        if isinstance(shown.get(name), str):
            shown[name] = state_label(shown[name])
    if isinstance(shown.get("metric"), str):
        metric = shown["metric"]
        if metric_label is not None:
            shown["metric"] = metric_label(metric)
        elif has(f"metric.{metric}"):
            shown["metric"] = t(f"metric.{metric}")
    if isinstance(shown.get("what"), str):
        shown["what"] = t(f"appraisal.field.{shown['what']}")
    if isinstance(shown.get("value"), str) and has(f"appraisal.value.{shown['value']}"):
        shown["value"] = t(f"appraisal.value.{shown['value']}")
    if isinstance(shown.get("level"), str):
        shown["level"] = t(f"level.{shown['level']}")
    return t(key, **shown)
