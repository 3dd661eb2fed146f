"""Contract lines that override the core target: the core target is the single source.

A KPI line's target normally is the person's core target (set and approved on
the Targets page). A leader may type another one into a person's contract; that
line is then an override, kept explicit: listed in the audit of the save and
marked on screen with the core figure beside it.

>>> overrides([Line("revenue", 100, 120.0)], {"revenue": 100.0})
[{'metric': 'revenue', 'target': 120.0, 'core': 100.0}]
>>> overrides([Line("revenue", 100, 100.0)], {"revenue": 100.0})
[]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from plugins.appraisal.logic.scoring import Line

TOLERANCE = 0.005
"""Half a cent: closer than this is the same figure."""


def is_override(target: float | None, core: float | None) -> bool:
    """Does a line's ``target`` depart from the person's ``core`` target (when there is one)?"""
    return target is not None and core is not None and abs(target - core) >= TOLERANCE


def overrides(lines: Sequence[Line], core: Mapping[str, float]) -> list[dict[str, object]]:
    """The lines whose target differs from the core target: metric, target and core figure."""
    return [
        {"metric": line.metric, "target": line.target, "core": core[line.metric]}
        for line in lines
        if is_override(line.target, core.get(line.metric))
    ]
