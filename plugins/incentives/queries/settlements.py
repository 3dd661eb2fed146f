"""Reads of settlements, statements, their lines and order credits, and disputes.

Every read of a person's rows takes the :class:`Viewer` and filters by its
scope in SQL; a rep sees only their own statements, and only locked ones (a
draft is still under review). Settlement versions hold no person's rows
(counts and totals of the whole batch).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import polars as pl
from sqlalchemy import Engine, Select, select

from command_center import cash
from command_center.db import frames
from command_center.db.tables import polars_schema, read_table
from command_center.i18n import money, percent, t
from command_center.org.scope import Viewer
from plugins.incentives.io.statement_files import StatementDoc
from plugins.incentives.logic.wording import component_labels, line_label
from plugins.incentives.models import Dispute, Line, OrderCredit, Settlement, Statement
from plugins.incentives.queries import plans

SETTLEMENT_SCHEMA: dict[str, pl.DataType] = polars_schema(Settlement)
STATEMENT_SCHEMA: dict[str, pl.DataType] = {
    **polars_schema(Statement),
    **polars_schema(Settlement, ["period", "version", "status"]),
}
LINE_SCHEMA: dict[str, pl.DataType] = polars_schema(Line)
CREDIT_SCHEMA: dict[str, pl.DataType] = polars_schema(OrderCredit)
DISPUTE_SCHEMA: dict[str, pl.DataType] = {
    **polars_schema(Dispute),
    **polars_schema(Settlement, ["period"]),
}


def _in_scope(column: Any, viewer: Viewer) -> list[Any]:
    """The viewer's scope as a WHERE condition on ``column`` (none for everyone)."""
    return [] if viewer.person_ids is None else [column.in_(sorted(viewer.person_ids))]


def _scoped(query: Select[tuple[object, ...]], column: Any, viewer: Viewer) -> Select:  # type: ignore[type-arg]
    return query.where(*_in_scope(column, viewer))


# -- settlements ---------------------------------------------------------------------


def settlements(engine: Engine, period: str | None = None) -> pl.DataFrame:
    """Settlement versions (no person's rows: counts and totals of the whole batch)."""
    where = [] if period is None else [Settlement.period == period]
    return read_table(engine, Settlement, where=where).sort(
        ["period", "version"], descending=[True, True]
    )


def _statement_query() -> Select:  # type: ignore[type-arg]
    return select(
        *Statement.__table__.c, Settlement.period, Settlement.version, Settlement.status
    ).join(Settlement, Settlement.settlement_id == Statement.settlement_id)


def statements(
    engine: Engine,
    viewer: Viewer,
    settlement_id: int | None = None,
    period: str | None = None,
    person_id: int | None = None,
) -> pl.DataFrame:
    """Statements in the viewer's scope; reps see only locked ones."""
    query = _scoped(_statement_query(), Statement.person_id, viewer)
    if settlement_id is not None:
        query = query.where(Statement.settlement_id == settlement_id)
    if period is not None:
        query = query.where(Settlement.period == period)
    if person_id is not None:
        query = query.where(Statement.person_id == person_id)
    if viewer.role == "rep":
        query = query.where(Settlement.status == "locked")
    return frames.read_frame(engine, query, STATEMENT_SCHEMA)


def current_statements(engine: Engine, viewer: Viewer, period: str | None = None) -> pl.DataFrame:
    """Per person and month the statement that counts: locked, else the draft."""
    rows = statements(engine, viewer, period=period).filter(pl.col("status") != "unlocked")
    return (
        rows.sort(
            ["person_id", "period", "status", "version"], descending=[False, False, True, True]
        )
        .group_by("person_id", "period", maintain_order=True)
        .first()
    )


def locked_people(engine: Engine, period: str) -> set[int]:
    query = (
        select(Statement.person_id)
        .join(Settlement, Settlement.settlement_id == Statement.settlement_id)
        .where(Settlement.period == period, Settlement.status == "locked")
    )
    with engine.connect() as conn:
        return {int(p) for p in conn.execute(query).scalars()}


def lines(engine: Engine, viewer: Viewer, settlement_id: int, person_id: int) -> pl.DataFrame:
    if not viewer.can_see(person_id):
        return pl.DataFrame(schema=LINE_SCHEMA)
    where = [Line.settlement_id == settlement_id, Line.person_id == person_id]
    return read_table(engine, Line, where=where).sort("seq")


def settlement_lines(engine: Engine, viewer: Viewer, settlement_id: int) -> pl.DataFrame:
    where = [Line.settlement_id == settlement_id, *_in_scope(Line.person_id, viewer)]
    return read_table(engine, Line, where=where)


def credits(engine: Engine, viewer: Viewer, settlement_id: int, person_id: int) -> pl.DataFrame:
    if not viewer.can_see(person_id):
        return pl.DataFrame(schema=CREDIT_SCHEMA)
    where = [OrderCredit.settlement_id == settlement_id, OrderCredit.person_id == person_id]
    return read_table(engine, OrderCredit, where=where).sort("order_date", "order_id")


def paid_credits(engine: Engine, order_ids: list[int], before: str) -> pl.DataFrame:
    """Credits of ``order_ids`` in locked settlements of months before ``before``."""
    if not order_ids:
        return pl.DataFrame(schema=CREDIT_SCHEMA)
    query = (
        select(*OrderCredit.__table__.c)
        .join(Settlement, Settlement.settlement_id == OrderCredit.settlement_id)
        .where(
            Settlement.status == "locked",
            Settlement.period < before,
            OrderCredit.order_id.in_(order_ids),
        )
    )
    return frames.read_frame(engine, query, CREDIT_SCHEMA)


def clawed_refunds(engine: Engine, skip: list[int]) -> set[int]:
    """Refunds already clawed back by a locked or draft settlement (not in ``skip``)."""
    query = (
        select(Line.refund_id)
        .join(Settlement, Settlement.settlement_id == Line.settlement_id)
        .where(Line.refund_id.is_not(None), Settlement.status != "unlocked")
    )
    if skip:
        query = query.where(Line.settlement_id.not_in(skip))
    with engine.connect() as conn:
        return {int(r) for r in conn.execute(query).scalars()}


# -- disputes ------------------------------------------------------------


def disputes(
    engine: Engine, viewer: Viewer, person_id: int | None = None, status: str | None = None
) -> pl.DataFrame:
    query = _scoped(
        select(*Dispute.__table__.c, Settlement.period).join(
            Settlement, Settlement.settlement_id == Dispute.settlement_id
        ),
        Dispute.person_id,
        viewer,
    )
    if person_id is not None:
        query = query.where(Dispute.person_id == person_id)
    if status is not None:
        query = query.where(Dispute.status == status)
    return frames.read_frame(engine, query, DISPUTE_SCHEMA).sort("raised_at", descending=True)


# -- what the settlement and statement pages show ------------------------------------


def versions_in_scope(engine: Engine, viewer: Viewer, period: str) -> pl.DataFrame:
    """The month's settlement versions, ``people`` and ``total`` counted within the scope.

    A version may cover more people than the viewer sees: its batch totals
    are replaced by the viewer's share.
    """
    versions = settlements(engine, period)
    mine = (
        statements(engine, viewer, period=period)
        .group_by("settlement_id")
        .agg(pl.len().alias("_people"), pl.col("payout").sum().alias("_total"))
    )
    return (
        versions.join(mine, on="settlement_id", how="left")
        .with_columns(
            pl.col("_people").fill_null(0).alias("people"),
            pl.col("_total").fill_null(0.0).alias("total"),
        )
        .drop("_people", "_total")
    )


def review_lines(engine: Engine, viewer: Viewer, current: pl.DataFrame) -> pl.DataFrame:
    """The lines (in scope) of every settlement the ``current`` statements belong to."""
    ids = current["settlement_id"].unique().to_list()
    if not ids:
        return pl.DataFrame(schema=LINE_SCHEMA)
    return pl.concat([settlement_lines(engine, viewer, int(sid)) for sid in ids])


def disputes_to_answer(engine: Engine, viewer: Viewer, status: str | None = None) -> pl.DataFrame:
    """Disputes in the viewer's scope raised by others (what the viewer may answer)."""
    found = disputes(engine, viewer, status=status)
    if viewer.person_id is not None:
        found = found.filter(pl.col("person_id") != viewer.person_id)
    return found


CASH_SHOWN = ("collected", "outstanding", "booked", "held_back", "released")


def on_cash(credits: pl.DataFrame) -> bool:
    """Whether a statement's credits carry commission on collected cash (its columns show)."""
    return bool(
        not credits.is_empty()
        and credits.select(pl.col("booked", "held_back", "released").abs().sum()).sum_horizontal()[
            0
        ]
    )


def collection_now(
    engine: Engine, credits: pl.DataFrame, as_of: dt.date | None = None
) -> pl.DataFrame:
    """``collected_to_date, outstanding`` on ``as_of`` (default today) of each credited
    line, in ``credits``' order."""
    first = credits["order_date"].min()
    assert isinstance(first, dt.date)
    last = as_of if as_of is not None else dt.date.today()
    states = cash.line_states(engine, credits["order_id"].to_list(), first, last)
    return (
        credits.select("order_id")
        .join(
            states.select("order_id", "collected_to_date", "outstanding"),
            on="order_id",
            how="left",
            maintain_order="left",
        )
        .with_columns(pl.col("collected_to_date", "outstanding").fill_null(0.0).round(2))
    )


def statement_doc(
    engine: Engine,
    viewer: Viewer,
    row: dict[str, Any],
    names: dict[int, str],
    metric_label: Callable[[str], str],
) -> tuple[StatementDoc, pl.DataFrame]:
    """One statement (a row of :func:`current_statements`) as a document, and its raw lines.

    Labels are translated; ``names`` maps person ids to names and
    ``metric_label`` names the metrics of gate lines. The raw lines serve
    disputes (their ids).
    """
    sid, pid = int(row["settlement_id"]), int(row["person_id"])
    found_lines = lines(engine, viewer, sid, pid)
    found_credits = credits(engine, viewer, sid, pid)
    labels: dict[str, str] = {}
    if row["plan_version_id"] is not None:
        labels = component_labels(plans.plan(engine, int(row["plan_version_id"])))
    item, amount = t("incentives.st.item"), t("incentives.st.amount")
    detail = t("incentives.st.detail")
    shown_lines = pl.DataFrame(
        {
            item: [
                line_label(k, n, labels, metric_label)
                for k, n in found_lines.select("kind", "name").iter_rows()
            ],
            amount: found_lines["amount"].round(2),
            detail: [
                t("incentives.st.refund_detail", refund=r, order=o) if r is not None else ""
                for r, o in found_lines.select("refund_id", "order_id").iter_rows()
            ],
        },
        schema={item: pl.String, amount: pl.Float64, detail: pl.String},
    )
    customers = dict(frames.customers(engine, viewer).select("customer_id", "name").iter_rows())
    shown_orders = found_credits.select(
        pl.col("order_id").alias(t("incentives.st.order")),
        pl.col("order_date").cast(pl.String).alias(t("incentives.st.date")),
        pl.col("customer_id")
        .map_elements(lambda c: customers.get(c, f"#{c}"), return_dtype=pl.String)
        .alias(t("incentives.st.customer")),
        pl.col("product_id").fill_null("").alias(t("incentives.st.product")),
        pl.col("credit_share").alias(t("incentives.st.credit_share")),
        pl.col("revenue").round(2).alias(t("incentives.st.revenue")),
        pl.col("profit").round(2).alias(t("incentives.st.profit")),
        pl.col("contribution").round(2).alias(t("incentives.st.contribution")),
    )
    if on_cash(found_credits):
        shown_orders = shown_orders.with_columns(
            found_credits[c].round(2).alias(t(f"incentives.st.{c}")) for c in CASH_SHOWN
        )
    elif not found_credits.is_empty():
        # Commission on booked revenue: each line's collection state now (the core's).
        states = collection_now(engine, found_credits)
        shown_orders = shown_orders.with_columns(
            states["collected_to_date"].round(2).alias(t("incentives.st.collected_to_date")),
            states["outstanding"].round(2).alias(t("incentives.st.outstanding")),
        )
    name = names.get(pid, str(pid))
    status = t(f"incentives.status.{row['status']}")
    summary = [
        (t("incentives.person"), name),
        (t("incentives.month"), str(row["period"])),
        (t("incentives.plan"), f"{row['plan_name']} ({row['plan_period']})"),
        (t("incentives.st.status"), status),
        (t("incentives.st.revenue"), money(row["revenue"], 2)),
        (t("incentives.st.quota"), money(row["quota"], 2)),
        (t("incentives.st.attainment"), percent(row["attainment"])),
        (t("incentives.st.payout"), money(row["payout"], 2)),
    ]
    doc = StatementDoc(
        name,
        str(row["period"]),
        str(row["plan_name"]),
        status,
        summary,
        shown_lines,
        shown_orders,
        float(row["payout"]),
    )
    return doc, found_lines
