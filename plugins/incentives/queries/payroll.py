"""Reads for the payroll file: a month's locked statements and their lines, in scope.

Only locked statements are paid: a draft is still under review, an unlocked
version is history. The scope is pushed into SQL (a manager's file holds
their people only).
"""

from __future__ import annotations

import polars as pl
from sqlalchemy import Engine, select

from command_center.db import frames
from command_center.keys import keys_for
from command_center.org.scope import Viewer
from plugins.incentives.logic.payroll import payroll_rows
from plugins.incentives.models import Line, Settlement, Statement
from plugins.incentives.queries import plans

LOCKED_SCHEMA: dict[str, pl.DataType] = {
    "settlement_id": pl.Int64(),
    "version": pl.Int64(),
    "person_id": pl.Int64(),
    "period": pl.String(),
    "plan_version_id": pl.Int64(),
    "payout": pl.Float64(),
}
LINE_SCHEMA: dict[str, pl.DataType] = {
    "settlement_id": pl.Int64(),
    "person_id": pl.Int64(),
    "kind": pl.String(),
    "name": pl.String(),
    "amount": pl.Float64(),
}


def locked_statements(engine: Engine, viewer: Viewer, period: str) -> pl.DataFrame:
    """The month's locked statements in the viewer's scope."""
    query = (
        select(
            Statement.settlement_id,
            Settlement.version,
            Statement.person_id,
            Settlement.period,
            Statement.plan_version_id,
            Statement.payout,
        )
        .join(Settlement, Settlement.settlement_id == Statement.settlement_id)
        .where(Settlement.period == period, Settlement.status == "locked")
        .order_by(Statement.person_id)
    )
    if viewer.person_ids is not None:
        query = query.where(Statement.person_id.in_(sorted(viewer.person_ids)))
    return frames.read_frame(engine, query, LOCKED_SCHEMA)


def locked_lines(engine: Engine, viewer: Viewer, settlement_ids: list[int]) -> pl.DataFrame:
    """The lines of those settlements in the viewer's scope."""
    if not settlement_ids:
        return pl.DataFrame(schema=LINE_SCHEMA)
    query = select(Line.settlement_id, Line.person_id, Line.kind, Line.name, Line.amount).where(
        Line.settlement_id.in_(settlement_ids)
    )
    if viewer.person_ids is not None:
        query = query.where(Line.person_id.in_(sorted(viewer.person_ids)))
    return frames.read_frame(engine, query.order_by(Line.line_id), LINE_SCHEMA)


def component_types_of(engine: Engine, version_ids: list[int]) -> dict[int, dict[str, str]]:
    """Per stored plan version: component name -> its ``type``."""
    out: dict[int, dict[str, str]] = {}
    for version_id in version_ids:
        plan = plans.plan(engine, int(version_id))
        out[int(version_id)] = {comp.name: str(comp.type) for comp in plan.components}
    return out


def payroll(engine: Engine, viewer: Viewer, period: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(the payroll rows in fen, the locked statements they come from) for ``period``."""
    found = locked_statements(engine, viewer, period)
    ids = sorted(set(found["settlement_id"].to_list()))
    lines = locked_lines(engine, viewer, ids)
    versions = sorted(set(found["plan_version_id"].drop_nulls().to_list()))
    types = component_types_of(engine, versions)
    keys = keys_for(engine, "person", found["person_id"].to_list())
    return payroll_rows(found, lines, types, keys), found
