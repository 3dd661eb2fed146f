"""A contract's payment schedule, checked before it is stored (pure Python).

A schedule is a list of ``(percent, days after signing)``: the lines' amounts fall
due in those parts (docs/pipeline.md, "Payment schedule"). No instalments: the lines
are due after the core's payment terms setting. One instalment of 100 % is a single
due date ``days`` after signing.
"""

from __future__ import annotations

from collections.abc import Sequence

from command_center.schedules import MAX_INSTALMENTS, PERCENT_TOLERANCE, Instalment
from plugins.pipeline.logic.stages import Refusal

Schedule = tuple[Instalment, ...]


def normalised(rows: Sequence[tuple[float, int]]) -> Schedule:
    """Each percent to the hundredth and days as whole numbers, in order of days."""
    clean = ((round(float(percent), 2), int(days)) for percent, days in rows)
    return tuple(sorted(clean, key=lambda row: row[1]))


def check_schedule(rows: Sequence[tuple[float | None, float | None]]) -> Refusal | None:
    """Why ``rows`` (as typed, in the editor's order) cannot be stored, or ``None``."""
    if len(rows) > MAX_INSTALMENTS:
        return Refusal("pipeline.error.schedule_count", {"max": MAX_INSTALMENTS})
    seen: set[float] = set()
    for n, (percent, days) in enumerate(rows, start=1):
        if percent is None or percent != percent or not 0 < percent <= 100:
            return Refusal("pipeline.error.schedule_percent", {"n": n})
        if days is None or days != days or days < 0 or int(days) != days:
            return Refusal("pipeline.error.schedule_days", {"n": n})
        if days in seen:
            return Refusal("pipeline.error.schedule_same_day", {"n": n, "days": int(days)})
        seen.add(days)
    total = sum(float(percent or 0) for percent, _ in rows)
    if rows and abs(total - 100.0) > PERCENT_TOLERANCE:
        return Refusal("pipeline.error.schedule_sum", {"total": f"{total:g}"})
    return None
