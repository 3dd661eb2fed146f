"""Reads: SQLAlchemy selects -> Polars frames, every public one taking a Viewer.

Whole tables are read once per data version (``frames.cached``) and each
viewer gets their slice: opportunities, surveys and complaints by the
person they belong to; history, contracts and their lines by the
opportunities the viewer may see; milestones by the deal's owner or the
milestone's owner.
"""

from __future__ import annotations

from typing import Any

import polars as pl
from sqlalchemy import Engine, Select, select

from command_center.db import frames
from command_center.org.scope import OPERATOR, Viewer
from plugins.pipeline.models import (
    Complaint,
    Contract,
    ContractLine,
    ContractReview,
    Milestone,
    NegotiationPrep,
    Opportunity,
    SpinNote,
    StageChange,
    Survey,
)

TS = pl.Datetime("us")
OPP_SCHEMA: dict[str, pl.DataType] = {
    "opp_id": pl.Int64(),
    "title": pl.String(),
    "customer_id": pl.Int64(),
    "owner_id": pl.Int64(),
    "amount": pl.Float64(),
    "expected_close": pl.Date(),
    "source": pl.String(),
    "channel": pl.String(),
    "stage": pl.String(),
    "stage_since": TS,
    "created_at": TS,
    "closed_on": pl.Date(),
    "lost_reason": pl.String(),
    "lost_note": pl.String(),
}
HISTORY_SCHEMA: dict[str, pl.DataType] = {
    "change_id": pl.Int64(),
    "opp_id": pl.Int64(),
    "from_stage": pl.String(),
    "to_stage": pl.String(),
    "changed_at": TS,
    "changed_by": pl.String(),
    "note": pl.String(),
}
CONTRACT_SCHEMA: dict[str, pl.DataType] = {
    "contract_id": pl.Int64(),
    "opp_id": pl.Int64(),
    "status": pl.String(),
    "payment_terms": pl.String(),
    "delivery_date": pl.Date(),
    "terms": pl.String(),
    "created_at": TS,
    "submitted_at": TS,
    "signed_at": TS,
    "signed_by": pl.String(),
}
LINE_SCHEMA: dict[str, pl.DataType] = {
    "line_id": pl.Int64(),
    "contract_id": pl.Int64(),
    "description": pl.String(),
    "quantity": pl.Float64(),
    "unit_price": pl.Float64(),
    "unit_cost": pl.Float64(),
    "order_id": pl.Int64(),
}
REVIEW_SCHEMA: dict[str, pl.DataType] = {
    "review_id": pl.Int64(),
    "contract_id": pl.Int64(),
    "reviewer_id": pl.Int64(),
    "reviewer": pl.String(),
    "decision": pl.String(),
    "comment": pl.String(),
    "reviewed_at": TS,
}
MILESTONE_SCHEMA: dict[str, pl.DataType] = {
    "milestone_id": pl.Int64(),
    "contract_id": pl.Int64(),
    "kind": pl.String(),
    "title": pl.String(),
    "owner_id": pl.Int64(),
    "due_date": pl.Date(),
    "status": pl.String(),
    "done_on": pl.Date(),
    "note": pl.String(),
}
SURVEY_SCHEMA: dict[str, pl.DataType] = {
    "survey_id": pl.Int64(),
    "opp_id": pl.Int64(),
    "customer_id": pl.Int64(),
    "person_id": pl.Int64(),
    "score": pl.Int64(),
    "comment": pl.String(),
    "surveyed_on": pl.Date(),
}
COMPLAINT_SCHEMA: dict[str, pl.DataType] = {
    "complaint_id": pl.Int64(),
    "customer_id": pl.Int64(),
    "opp_id": pl.Int64(),
    "person_id": pl.Int64(),
    "opened_at": TS,
    "resolved_at": TS,
    "description": pl.String(),
    "resolution": pl.String(),
}
SPIN_SCHEMA: dict[str, pl.DataType] = {
    "opp_id": pl.Int64(),
    "situation": pl.String(),
    "problem": pl.String(),
    "implication": pl.String(),
    "need_payoff": pl.String(),
    "updated_at": TS,
    "updated_by": pl.String(),
}
NEGOTIATION_SCHEMA: dict[str, pl.DataType] = {
    "opp_id": pl.Int64(),
    "competitors": pl.String(),
    "strengths": pl.String(),
    "strategy": pl.String(),
    "bottom_line": pl.Float64(),
    "concessions": pl.String(),
    "updated_at": TS,
    "updated_by": pl.String(),
}


def _read(engine: Engine, query: Select[Any], schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """``read_frame`` typed by ``schema``, timestamps parsed however the driver hands them over."""
    raw = frames.read_frame(engine, query, None)
    if not raw.columns:
        return pl.DataFrame(schema=schema)
    exprs = []
    for name, dtype in schema.items():
        col, given = pl.col(name), raw.schema[name]
        if given == pl.String and dtype == TS:
            exprs.append(col.str.to_datetime(time_unit="us", strict=False))
        elif given == pl.String and dtype == pl.Date:
            exprs.append(col.str.to_date("%Y-%m-%d", strict=False))
        elif isinstance(given, pl.Datetime) and dtype == pl.Date:
            exprs.append(col.dt.date())
        else:
            exprs.append(col.cast(dtype, strict=False))
    return raw.select(exprs)


def _table(engine: Engine, name: str, model: type, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    table = model.__table__  # type: ignore[attr-defined]
    query = select(*(table.c[c] for c in schema)).order_by(*table.primary_key.columns)
    return frames.cached(
        engine, f"pipeline:{name}", lambda: _read(engine, query, schema), tables=(table.name,)
    )


# -- whole tables (the metrics' and the logic's inputs; never shown unscoped) ----
def all_opportunities(engine: Engine) -> pl.DataFrame:
    return _table(engine, "opps", Opportunity, OPP_SCHEMA)


def all_history(engine: Engine) -> pl.DataFrame:
    return _table(engine, "history", StageChange, HISTORY_SCHEMA)


def all_surveys(engine: Engine) -> pl.DataFrame:
    return _table(engine, "surveys", Survey, SURVEY_SCHEMA)


def all_complaints(engine: Engine) -> pl.DataFrame:
    return _table(engine, "complaints", Complaint, COMPLAINT_SCHEMA)


# -- scoped ------------------------------------------------------------------------
def opportunities(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    """The opportunities owned by people the viewer may see."""
    return viewer.filter(all_opportunities(engine), "owner_id")


def _of_opps(frame: pl.DataFrame, opps: pl.DataFrame) -> pl.DataFrame:
    return frame.filter(pl.col("opp_id").is_in(opps["opp_id"].implode()))


def history(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    return _of_opps(all_history(engine), opportunities(engine, viewer))


def contracts(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    """Contracts of the viewer's opportunities, with the deal's owner, customer and title."""
    table = _table(engine, "contracts", Contract, CONTRACT_SCHEMA)
    opps = opportunities(engine, viewer).select("opp_id", "owner_id", "customer_id", "title")
    return table.join(opps, on="opp_id", how="inner")


def contract_lines(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    lines = _table(engine, "lines", ContractLine, LINE_SCHEMA)
    mine = contracts(engine, viewer).select("contract_id")
    return lines.join(mine, on="contract_id", how="semi")


def reviews(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    table = _table(engine, "reviews", ContractReview, REVIEW_SCHEMA)
    return table.join(contracts(engine, viewer).select("contract_id"), on="contract_id", how="semi")


def milestones(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    """Milestones of deals the viewer may see, or that someone in scope owns.

    Each comes with its deal (``opp_id``, ``title``, ``customer_id``,
    ``deal_owner_id``).
    """
    table = _table(engine, "milestones", Milestone, MILESTONE_SCHEMA)
    deals = _table(engine, "contracts", Contract, CONTRACT_SCHEMA).select("contract_id", "opp_id")
    opps = all_opportunities(engine).select(
        "opp_id",
        pl.col("title").alias("deal_title"),
        "customer_id",
        pl.col("owner_id").alias("deal_owner_id"),
    )
    full = table.join(deals, on="contract_id", how="left").join(opps, on="opp_id", how="left")
    if viewer.person_ids is None:
        return full
    ids = sorted(viewer.person_ids)
    return full.filter(pl.col("owner_id").is_in(ids) | pl.col("deal_owner_id").is_in(ids))


def surveys(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    return viewer.filter(all_surveys(engine))


def complaints(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    return viewer.filter(all_complaints(engine))


def spin(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    return _of_opps(_table(engine, "spin", SpinNote, SPIN_SCHEMA), opportunities(engine, viewer))


def negotiation(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    table = _table(engine, "negotiation", NegotiationPrep, NEGOTIATION_SCHEMA)
    return _of_opps(table, opportunities(engine, viewer))


def names(engine: Engine) -> dict[int, str]:
    """Person id -> name, to label rows the viewer already sees (owners, reviewers)."""
    people = frames.all_people(engine)
    return dict(zip(people["person_id"].to_list(), people["name"].to_list(), strict=True))


def customer_names(engine: Engine, ids: list[int]) -> dict[int, str]:
    """Customer id -> name for the customers of rows the viewer already sees."""
    table = frames.customers(engine, OPERATOR)
    found = table.filter(pl.col("customer_id").is_in(ids)).select("customer_id", "name")
    return dict(found.iter_rows())
