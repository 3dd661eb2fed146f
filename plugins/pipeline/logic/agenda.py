"""The pipeline plugin's rows of the Today agenda: order milestones due or overdue."""

from __future__ import annotations

import polars as pl

from command_center.i18n import t
from command_center.types import AgendaItem


def _kind(kind: str) -> str:
    key = f"pipeline.kind.{kind}"
    text = t(key)
    return kind if text == key else text


def milestone_items(milestones: pl.DataFrame) -> list[AgendaItem]:
    """One row per milestone (``milestone_id, kind, title, owner_id, due_date,
    customer_id, deal_title``): its owner acts, by its due date."""
    return [
        AgendaItem(
            "milestone",
            row["due_date"],
            row["owner_id"],
            t(
                "pipeline.agenda.milestone",
                what=row["title"] or _kind(str(row["kind"])),
                deal=row["deal_title"] or "",
            ),
            f"pipeline:milestone:{row['milestone_id']}",
            customer_id=row["customer_id"],
        )
        for row in milestones.iter_rows(named=True)
    ]
