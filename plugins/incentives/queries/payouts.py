"""The ``payouts`` export: every line of every locked statement in the viewer's scope."""

from __future__ import annotations

import polars as pl
from sqlalchemy import Engine, select

from command_center.db import frames
from command_center.db.tables import polars_schema
from command_center.org.scope import Viewer
from plugins.incentives.models import Line, Settlement, Statement

PAYOUT_SCHEMA: dict[str, pl.DataType] = {
    **polars_schema(Line, ["person_id"]),
    **polars_schema(Settlement, ["period", "version"]),
    **polars_schema(Statement, ["plan_name", "plan_period"]),
    **polars_schema(Line, ["kind"]),
    "component": polars_schema(Line, ["name"])["name"],
    **polars_schema(Line, ["amount", "order_id", "refund_id"]),
}


def payouts(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    """Every line of every locked statement in the viewer's scope."""
    query = (
        select(
            Line.person_id,
            Settlement.period,
            Settlement.version,
            Statement.plan_name,
            Statement.plan_period,
            Line.kind,
            Line.name.label("component"),
            Line.amount,
            Line.order_id,
            Line.refund_id,
        )
        .join(Settlement, Settlement.settlement_id == Line.settlement_id)
        .join(
            Statement,
            (Statement.settlement_id == Line.settlement_id)
            & (Statement.person_id == Line.person_id),
        )
        .where(Settlement.status == "locked")
        .order_by(Settlement.period, Line.person_id, Line.seq)
    )
    if viewer.person_ids is not None:
        query = query.where(Line.person_id.in_(sorted(viewer.person_ids)))
    return frames.read_frame(engine, query, PAYOUT_SCHEMA)
