"""Reads: SQLAlchemy selects -> Polars frames, every public one taking a Viewer.

Whole tables are read once per data version (``frames.cached``) and each
viewer gets their slice: opportunities, surveys and complaints by the
person they belong to; history, contracts and their lines by the
opportunities the viewer may see; milestones by the deal's owner or the
milestone's owner.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from sqlalchemy import Engine, Select, select

from command_center.db import catalog, frames
from command_center.db.tables import polars_schema
from command_center.metrics import MetricRegistry
from command_center.org.scope import OPERATOR, Viewer
from command_center.periods import Period, add_months
from command_center.types import LEADER_ROLES
from plugins.pipeline.logic import analytics
from plugins.pipeline.logic import credits as credit_rules
from plugins.pipeline.logic.stages import StageModel
from plugins.pipeline.models import (
    Complaint,
    Contract,
    ContractCredit,
    ContractInstalment,
    ContractLine,
    ContractReview,
    DealCredit,
    Milestone,
    NegotiationPrep,
    Opportunity,
    Quote,
    QuoteApproval,
    QuoteLine,
    SpinNote,
    StageChange,
    Survey,
)

TS = pl.Datetime("us")
# Every table read whole, typed by its model (timestamps as TS).
OPP_SCHEMA: dict[str, pl.DataType] = polars_schema(Opportunity)
HISTORY_SCHEMA: dict[str, pl.DataType] = polars_schema(StageChange)
CONTRACT_SCHEMA: dict[str, pl.DataType] = polars_schema(Contract)
LINE_SCHEMA: dict[str, pl.DataType] = polars_schema(ContractLine)
REVIEW_SCHEMA: dict[str, pl.DataType] = polars_schema(ContractReview)
MILESTONE_SCHEMA: dict[str, pl.DataType] = polars_schema(Milestone)
SURVEY_SCHEMA: dict[str, pl.DataType] = polars_schema(Survey)
COMPLAINT_SCHEMA: dict[str, pl.DataType] = polars_schema(Complaint)
SPIN_SCHEMA: dict[str, pl.DataType] = polars_schema(SpinNote)
NEGOTIATION_SCHEMA: dict[str, pl.DataType] = polars_schema(NegotiationPrep)


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
    """Lines of the viewer's contracts. A line made from a quote holds the product's
    standard cost, which a viewer who reads no costs (a rep) gets empty."""
    lines = _table(engine, "lines", ContractLine, LINE_SCHEMA)
    mine = contracts(engine, viewer).select("contract_id")
    scoped = lines.join(mine, on="contract_id", how="semi")
    if catalog.reads_costs(viewer):
        return scoped
    hidden = pl.when(pl.col("product_id").is_null()).then(pl.col("unit_cost"))
    return scoped.with_columns(hidden.alias("unit_cost"))


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


def customers_of(engine: Engine, viewer: Viewer, owner_id: int) -> list[tuple[int, str]]:
    """``(customer_id, name)`` of the customers ``owner_id`` owns, by name (scoped)."""
    mine = frames.customers(engine, viewer).filter(pl.col("owner_id") == owner_id)
    return list(mine.sort("name").select("customer_id", "name").iter_rows())


FORECAST_AHEAD_MONTHS = 3
"""Months after the period the forecast looks at."""


def forecast_table(
    engine: Engine,
    registry: MetricRegistry,
    viewer: Viewer,
    people: pl.DataFrame,
    period: Period,
    model: StageModel,
    opps: pl.DataFrame,
    roots: list[int],
    today: dt.date,
) -> pl.DataFrame:
    """The forecast for ``period``'s months and the next ones, per team of the viewer
    (``people``: the viewer's people; ``opps``: their opportunities).

    Booked revenue and revenue targets come from the core's ``revenue`` metric
    (targets table, metric "revenue"), read through the registry.
    """
    ahead = (add_months(period.end, i + 1) for i in range(FORECAST_AHEAD_MONTHS))
    months = [*period.months, *ahead]
    heads = analytics.team_heads(people, roots)
    team_of = analytics.team_membership(people, heads)
    booked = pl.DataFrame(schema={"person_id": pl.Int64, "month": pl.Date, "revenue": pl.Float64})
    targets = pl.DataFrame(schema={"team_id": pl.Int64, "month": pl.Date, "target": pl.Float64})
    if "revenue" in registry:
        facts = registry.facts(engine, viewer, "revenue", months[0], months[-1])
        booked = facts.select("person_id", "month", pl.col("num").alias("revenue"))
        goals = [
            registry.targets(engine, viewer, "revenue", Period(month, month, "month"))
            .filter(pl.col("node_id").is_in(heads))
            .select(pl.col("node_id").alias("team_id"), pl.lit(month).alias("month"), "target")
            for month in months
        ]
        targets = pl.concat([targets, *goals])
    return analytics.forecast(
        opps, model, booked, team_of, targets, months, today.replace(day=1), today
    )


AGENDA_MILESTONE_SCHEMA: dict[str, pl.DataType] = {
    **polars_schema(Milestone, ["milestone_id", "kind", "title", "owner_id", "due_date"]),
    **polars_schema(Opportunity, ["customer_id"]),
    "deal_title": pl.String(),
}


def milestones_due(engine: Engine, viewer: Viewer, day: dt.date) -> pl.DataFrame:
    """Milestones not done, due on or before ``day``, owned by people in scope (the
    Today agenda): ``milestone_id, kind, title, owner_id, due_date, customer_id,
    deal_title``, read with the scope in SQL."""
    if viewer.person_ids == frozenset():
        return pl.DataFrame(schema=AGENDA_MILESTONE_SCHEMA)
    m = Milestone
    query = (
        select(
            m.milestone_id,
            m.kind,
            m.title,
            m.owner_id,
            m.due_date,
            Opportunity.customer_id,
            Opportunity.title.label("deal_title"),
        )
        .join(Contract, Contract.contract_id == m.contract_id)
        .join(Opportunity, Opportunity.opp_id == Contract.opp_id)
        .where(m.status != "done", m.due_date <= day)
        .order_by(m.due_date, m.milestone_id)
    )
    if viewer.person_ids is not None:
        query = query.where(m.owner_id.in_(sorted(viewer.person_ids)))
    return frames.read_frame(engine, query, AGENDA_MILESTONE_SCHEMA)


OPEN_DEAL_SCHEMA: dict[str, pl.DataType] = {
    **polars_schema(
        Opportunity, ["opp_id", "title", "customer_id", "amount", "expected_close", "stage"]
    ),
    "stage_label": pl.String(),
    "probability": pl.Float64(),
}


def open_deals(engine: Engine, viewer: Viewer, person_id: int) -> pl.DataFrame:
    """The open deals ``person_id`` owns (nothing outside the viewer's scope), read by
    owner and stage in SQL, with each stage's label and win probability
    (the ``pipeline_open_deals`` hook)."""
    from plugins.pipeline import settings as cfg
    from plugins.pipeline.logic.labels import stage_labels
    from plugins.pipeline.logic.stages import with_probability

    if not viewer.can_see(person_id):
        return pl.DataFrame(schema=OPEN_DEAL_SCHEMA)
    conf = cfg.current(engine)
    model = cfg.stage_model(conf)
    query = (
        select(*(Opportunity.__table__.c[c] for c in OPP_SCHEMA))
        .where(Opportunity.owner_id == person_id, Opportunity.stage.in_(list(model.open)))
        .order_by(Opportunity.expected_close, Opportunity.opp_id)
    )
    deals = _read(engine, query, OPP_SCHEMA)
    labels = stage_labels(conf)
    return (
        with_probability(deals, model)
        .with_columns(
            pl.col("stage")
            .replace_strict(labels, default=pl.col("stage"), return_dtype=pl.String)
            .alias("stage_label")
        )
        .select(list(OPEN_DEAL_SCHEMA))
        .cast(OPEN_DEAL_SCHEMA)  # type: ignore[arg-type]
    )


# -- quotes (scope in SQL: the deal's owner) -----------------------------------------
DEAL_COLUMNS: dict[str, pl.DataType] = {
    **polars_schema(Opportunity, ["owner_id", "customer_id"]),
    "title": pl.String(),
}
QUOTE_SCHEMA: dict[str, pl.DataType] = {**polars_schema(Quote), **DEAL_COLUMNS}
QUOTE_LINE_SCHEMA: dict[str, pl.DataType] = polars_schema(QuoteLine)
QUOTE_APPROVAL_SCHEMA: dict[str, pl.DataType] = polars_schema(QuoteApproval)


def _scoped(query: Select[Any], viewer: Viewer) -> Select[Any]:
    """``query`` (joined to the deal) limited to deals whose owner is in scope."""
    if viewer.person_ids is None:
        return query
    return query.where(Opportunity.owner_id.in_(sorted(viewer.person_ids)))


def _quotes_query(viewer: Viewer) -> Select[Any]:
    columns = [Quote.__table__.c[c] for c in polars_schema(Quote)]  # type: ignore[attr-defined]
    query = select(*columns, Opportunity.owner_id, Opportunity.customer_id, Opportunity.title).join(
        Opportunity, Opportunity.opp_id == Quote.opp_id
    )
    return _scoped(query, viewer)


def deal_quotes(engine: Engine, viewer: Viewer, opp_id: int) -> pl.DataFrame:
    """Every version of the deal's quote, oldest first, with the deal's owner, customer
    and title (nothing when the deal is not in the viewer's scope)."""
    if viewer.person_ids == frozenset():
        return pl.DataFrame(schema=QUOTE_SCHEMA)
    query = _quotes_query(viewer).where(Quote.opp_id == opp_id).order_by(Quote.version)
    return _read(engine, query, QUOTE_SCHEMA)


def quote_lines(engine: Engine, viewer: Viewer, quote_ids: list[int]) -> pl.DataFrame:
    """The lines of ``quote_ids`` the viewer may see, in the order they were added; a
    viewer who reads no costs (a rep) gets ``unit_cost`` empty."""
    if viewer.person_ids == frozenset() or not quote_ids:
        return pl.DataFrame(schema=QUOTE_LINE_SCHEMA)
    columns = [QuoteLine.__table__.c[c] for c in QUOTE_LINE_SCHEMA]  # type: ignore[attr-defined]
    query = (
        select(*columns)
        .join(Quote, Quote.quote_id == QuoteLine.quote_id)
        .join(Opportunity, Opportunity.opp_id == Quote.opp_id)
        .where(QuoteLine.quote_id.in_(quote_ids))
        .order_by(QuoteLine.quote_id, QuoteLine.line_id)
    )
    lines = _read(engine, _scoped(query, viewer), QUOTE_LINE_SCHEMA)
    if not catalog.reads_costs(viewer):
        lines = lines.with_columns(pl.lit(None, dtype=pl.Float64).alias("unit_cost"))
    return lines


def quote_approvals(engine: Engine, viewer: Viewer, quote_ids: list[int]) -> pl.DataFrame:
    """The approval decisions on ``quote_ids`` the viewer may see, in time order."""
    if viewer.person_ids == frozenset() or not quote_ids:
        return pl.DataFrame(schema=QUOTE_APPROVAL_SCHEMA)
    columns = [QuoteApproval.__table__.c[c] for c in QUOTE_APPROVAL_SCHEMA]  # type: ignore[attr-defined]
    query = (
        select(*columns)
        .join(Quote, Quote.quote_id == QuoteApproval.quote_id)
        .join(Opportunity, Opportunity.opp_id == Quote.opp_id)
        .where(QuoteApproval.quote_id.in_(quote_ids))
        .order_by(QuoteApproval.decided_at, QuoteApproval.approval_id)
    )
    return _read(engine, _scoped(query, viewer), QUOTE_APPROVAL_SCHEMA)


QUOTE_TABLES = (
    Quote.__tablename__,
    QuoteLine.__tablename__,
    QuoteApproval.__tablename__,
    Opportunity.__tablename__,
)


def quotes_waiting(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    """Quotes waiting for a leader's approval that ``viewer`` may decide: the deal's owner
    in their scope and not themselves (a leader's own quotes go to their own leader)."""
    if viewer.person_ids == frozenset():
        return pl.DataFrame(schema=QUOTE_SCHEMA)

    def load() -> pl.DataFrame:
        query = _quotes_query(viewer).where(Quote.status == "pending")
        if viewer.person_id is not None:
            query = query.where(Opportunity.owner_id != viewer.person_id)
        return _read(engine, query.order_by(Quote.requested_at, Quote.quote_id), QUOTE_SCHEMA)

    return frames.cached(engine, "pipeline:quotes_waiting", load, viewer, tables=QUOTE_TABLES)


def quote_decisions(engine: Engine, viewer: Viewer, since: dt.date) -> pl.DataFrame:
    """Approval decisions since ``since`` on quotes of deals in scope, newest first, with
    the quote's deal, version and owner."""
    schema = {**QUOTE_APPROVAL_SCHEMA, "opp_id": pl.Int64(), "version": pl.Int64(), **DEAL_COLUMNS}
    if viewer.person_ids == frozenset():
        return pl.DataFrame(schema=schema)
    columns = [QuoteApproval.__table__.c[c] for c in QUOTE_APPROVAL_SCHEMA]  # type: ignore[attr-defined]
    query = (
        select(
            *columns,
            Quote.opp_id,
            Quote.version,
            Opportunity.owner_id,
            Opportunity.customer_id,
            Opportunity.title,
        )
        .join(Quote, Quote.quote_id == QuoteApproval.quote_id)
        .join(Opportunity, Opportunity.opp_id == Quote.opp_id)
        .where(QuoteApproval.decided_at >= dt.datetime.combine(since, dt.time()))
        .order_by(QuoteApproval.decided_at.desc(), QuoteApproval.approval_id.desc())
        .limit(200)
    )
    return _read(engine, _scoped(query, viewer), schema)


def quote_catalogue(engine: Engine, viewer: Viewer, day: dt.date) -> pl.DataFrame:
    """The active products the viewer may quote, with their price on ``day``
    (:func:`command_center.db.catalog.priced_products`), by name."""
    priced = catalog.priced_products(engine, viewer, day)
    return priced.filter(pl.col("active")).sort("category", "name", "product_id")


MOVE_SCHEMA: dict[str, pl.DataType] = {"person_id": pl.Int64(), "changed_at": TS}


def stage_moves(
    engine: Engine, first: dt.date, last: dt.date, person_ids: frozenset[int] | None = None
) -> pl.DataFrame:
    """``person_id, changed_at``: each move of a deal from one stage to another on the days
    ``first..last``, credited to the deal's owner (``person_ids``: only theirs, in SQL)."""
    h, o = StageChange, Opportunity
    query = (
        select(o.owner_id.label("person_id"), h.changed_at)
        .join(o, o.opp_id == h.opp_id)
        .where(
            h.from_stage.is_not(None),
            h.changed_at >= dt.datetime.combine(first, dt.time.min),
            h.changed_at < dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min),
        )
    )
    if person_ids is not None:
        query = query.where(o.owner_id.in_(sorted(person_ids)))
    return _read(engine, query, MOVE_SCHEMA)


CREDIT_SCHEMA: dict[str, pl.DataType] = {"person_id": pl.Int64(), "share_pct": pl.Float64()}


def deal_credits(engine: Engine, viewer: Viewer, opp_id: int) -> pl.DataFrame:
    """The deal's credit split (``person_id``, ``share_pct``) in booking order; no rows:
    the owner's 100 % (and nothing when the deal is outside the viewer's scope)."""
    query = (
        select(DealCredit.person_id, DealCredit.share_pct)
        .join(Opportunity, Opportunity.opp_id == DealCredit.opp_id)
        .where(DealCredit.opp_id == opp_id)
        .order_by(DealCredit.position)
    )
    return _read(engine, _scoped(query, viewer), CREDIT_SCHEMA)


def contract_credits(engine: Engine, viewer: Viewer, contract_id: int) -> pl.DataFrame:
    """The contract's credit split, as :func:`deal_credits`."""
    query = (
        select(ContractCredit.person_id, ContractCredit.share_pct)
        .join(Contract, Contract.contract_id == ContractCredit.contract_id)
        .join(Opportunity, Opportunity.opp_id == Contract.opp_id)
        .where(ContractCredit.contract_id == contract_id)
        .order_by(ContractCredit.position)
    )
    return _read(engine, _scoped(query, viewer), CREDIT_SCHEMA)


SCHEDULE_SCHEMA: dict[str, pl.DataType] = {"percent": pl.Float64(), "days": pl.Int64()}


def contract_schedule(engine: Engine, viewer: Viewer, contract_id: int) -> pl.DataFrame:
    """The contract's payment schedule (``percent``, ``days`` after signing) in order of
    days; no rows: due after the terms setting (nothing outside the viewer's scope)."""
    query = (
        select(ContractInstalment.percent, ContractInstalment.days)
        .join(Contract, Contract.contract_id == ContractInstalment.contract_id)
        .join(Opportunity, Opportunity.opp_id == Contract.opp_id)
        .where(ContractInstalment.contract_id == contract_id)
        .order_by(ContractInstalment.days)
    )
    return _read(engine, _scoped(query, viewer), SCHEDULE_SCHEMA)


def creditable_people(engine: Engine, viewer: Viewer, owner_id: int) -> list[tuple[int, str]]:
    """``(person_id, name)`` of whom ``viewer`` may credit on a deal of ``owner_id``
    (:func:`plugins.pipeline.logic.credits.creditable`), the owner first, then by name.
    Names only: the owner's leaders and colleagues are named, none of their rows read."""
    people = frames.all_people(engine)
    edges = dict(zip(people["person_id"].to_list(), people["manager_id"].to_list(), strict=True))
    active = set(people.filter(pl.col("status") == "active")["person_id"].to_list())
    leads = viewer.role in LEADER_ROLES
    allowed = credit_rules.creditable(edges, active, owner_id, viewer.person_id, leads)
    found = people.filter(pl.col("person_id").is_in(sorted(allowed)))
    found = found.sort(pl.col("person_id") != owner_id, "name", "person_id")
    return list(found.select("person_id", "name").iter_rows())
