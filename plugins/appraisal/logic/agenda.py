"""Appraisal's rows of the Today agenda: the steps waiting on someone."""

from __future__ import annotations

import polars as pl

from command_center.i18n import t
from command_center.types import AgendaItem


def step_items(steps: pl.DataFrame, names: dict[int, str]) -> list[AgendaItem]:
    """One row per step (``step, cycle_id, period, actor_id, subject_id, due_on, what``):
    the actor acts; ``names`` labels the person appraised."""
    return [
        AgendaItem(
            "appraisal",
            row["due_on"],
            row["actor_id"],
            t(
                f"appraisal.agenda.{row['step']}",
                period=row["period"],
                name=names.get(row["subject_id"], str(row["subject_id"])),
                what=row["what"],
            ),
            f"appraisal:{row['step']}:{row['cycle_id']}:{row['subject_id']}:{row['actor_id']}:{i}",
        )
        for i, row in enumerate(steps.iter_rows(named=True))
    ]
