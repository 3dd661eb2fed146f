"""Scenario edits of a plan: ``{path: value}`` at the same paths the plan's errors name.

``components[0].tiers[1].rate`` addresses a number in the document; the
simulator's levers, saved scenarios and the notebook's ``edit`` all change a
plan this way, and the result is validated again like any plan.
"""

from __future__ import annotations

import copy
import itertools
import re
from typing import Any

from plugins.incentives.errors import Issue, PlanInvalid
from plugins.incentives.logic.plan_model import Plan, parse_data

_STEP = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)((?:\[\d+\])*)")


def _steps(path: str) -> list[str | int]:
    steps: list[str | int] = []
    for part in path.split("."):
        match = _STEP.fullmatch(part)
        if match is None:
            raise KeyError(path)
        steps.append(match.group(1))
        steps.extend(int(n) for n in re.findall(r"\[(\d+)\]", match.group(2)))
    return steps


def get_path(data: Any, path: str) -> Any:
    node = data
    for step in _steps(path):
        node = node[step]
    return node


def set_path(data: Any, path: str, value: Any) -> None:
    """Set ``value`` at ``path``; an absent mapping on the way (``cap: null``) is made."""
    steps = _steps(path)
    node = data
    for step, after in itertools.pairwise(steps):
        if isinstance(after, str) and isinstance(step, str) and node.get(step) is None:
            node[step] = {}
        node = node[step]
    node[steps[-1]] = value


def plan_data(plan: Plan) -> dict[str, Any]:
    """The plan as plain data keyed the way YAML spells it (``from``, not ``lo``)."""
    return plan.model_dump(by_alias=True, mode="json")


def apply_edits(plan: Plan, edits: dict[str, Any]) -> Plan:
    """``plan`` with each ``path: value`` in ``edits`` changed, validated again
    (with the component types ``plan`` was validated with)."""
    if not edits:
        return plan
    data = copy.deepcopy(plan_data(plan))
    for path, value in edits.items():
        try:
            set_path(data, path, value)
        except (KeyError, IndexError, TypeError):
            raise PlanInvalid([Issue(path, "no_such_key")]) from None
    return parse_data(data, types=plan.types()).plan
