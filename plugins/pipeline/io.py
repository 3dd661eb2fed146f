"""Import kinds ``opportunities``, ``complaints``, ``surveys`` and their scoped exports.

Imports are for data from other systems: an opportunity imported as won
books nothing (the ledger has its own ``orders`` import). Headers are pinned
(exports write these columns in this order).
"""

from __future__ import annotations

import polars as pl
from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session

from command_center.io import ROW, upsert
from command_center.io.keys import key_column
from command_center.org.scope import Viewer
from command_center.types import Column, ExportKind, ImportKind, RowError
from plugins.pipeline import queries
from plugins.pipeline import settings as cfg
from plugins.pipeline.logic.clock import now
from plugins.pipeline.models import Complaint, Contract, Opportunity, StageChange, Survey

OPPORTUNITY_COLUMNS = (
    Column("opp_id", "int", min_value=1),
    Column("title", "str", max_length=200),
    key_column("customer_id", "customer"),
    key_column("owner_id", "person"),
    Column("amount", "float", min_value=0),
    Column("expected_close", "date"),
    Column("source", "str", choices=cfg.SOURCES),
    Column("channel", "str", choices=cfg.CHANNELS),
    Column("stage", "str", max_length=40),
    Column("created_on", "date"),
    Column("closed_on", "date", required=False),
    Column("lost_reason", "str", required=False, max_length=60),
)
COMPLAINT_COLUMNS = (
    Column("complaint_id", "int", min_value=1),
    key_column("customer_id", "customer"),
    key_column("person_id", "person"),
    Column("opened_at", "str", max_length=19),
    Column("resolved_at", "str", required=False, max_length=19),
    Column("opp_id", "int", required=False, min_value=1),
    Column("description", "str", max_length=4000),
    Column("resolution", "str", required=False, max_length=4000),
)
SURVEY_COLUMNS = (
    Column("survey_id", "int", min_value=1),
    Column("opp_id", "int", min_value=1),
    Column("score", "int", min_value=1),
    Column("comment", "str", required=False, max_length=4000),
    Column("surveyed_on", "date"),
)
TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M")


# -- helpers ------------------------------------------------------------------------
def _ids(session: Session, column: object) -> pl.Series:
    return pl.Series("id", session.execute(select(column)).scalars().all(), dtype=pl.Int64)  # type: ignore[call-overload]


def _unknown(frame: pl.DataFrame, column: str, known: pl.Series, what: str) -> list[RowError]:
    bad = frame.filter(pl.col(column).is_not_null() & ~pl.col(column).is_in(known.implode()))
    return [
        RowError(r, column, f"unknown {what} {v}") for r, v in bad.select(ROW, column).iter_rows()
    ]


def _errors(frame: pl.DataFrame, condition: pl.Expr, column: str, reason: str) -> list[RowError]:
    return [RowError(row, column, reason) for row in frame.filter(condition)[ROW]]


def parse_time(column: str) -> pl.Expr:
    """``YYYY-MM-DD HH:MM[:SS]`` (or with ``T``) as a timestamp; null when it does not parse."""
    text = pl.col(column)
    return pl.coalesce(
        [text.str.strptime(pl.Datetime("us"), f, strict=False) for f in TIME_FORMATS]
    ).alias(column)


# -- opportunities --------------------------------------------------------------------
def check_opportunities(session: Session, frame: pl.DataFrame) -> list[RowError]:
    settings = cfg.in_session(session)
    model = cfg.stage_model(settings)
    errors: list[RowError] = []
    stage = pl.col("stage")
    closed = stage.is_in([model.won, model.lost])
    errors += _errors(
        frame,
        stage.is_not_null() & ~stage.is_in(list(model.stages)),
        "stage",
        f"unknown stage (expected one of {', '.join(model.stages)})",
    )
    errors += _errors(
        frame,
        closed & pl.col("closed_on").is_null(),
        "closed_on",
        "required for won and lost deals",
    )
    errors += _errors(
        frame,
        stage.is_in(list(model.open)) & pl.col("closed_on").is_not_null(),
        "closed_on",
        "must be empty for an open deal",
    )
    errors += _errors(
        frame, pl.col("closed_on") < pl.col("created_on"), "closed_on", "before created_on"
    )
    reason = pl.col("lost_reason")
    errors += _errors(
        frame, (stage == model.lost) & reason.is_null(), "lost_reason", "required for a lost deal"
    )
    errors += _errors(
        frame,
        (stage == model.lost) & reason.is_not_null() & ~reason.is_in(settings.lost_reasons),
        "lost_reason",
        f"not a configured lost reason ({', '.join(settings.lost_reasons)})",
    )
    ids = frame["opp_id"].drop_nulls().to_list()
    signed = set(
        session.scalars(
            select(Contract.opp_id).where(Contract.opp_id.in_(ids), Contract.status == "signed")
        )
    )
    errors += _errors(
        frame,
        pl.col("opp_id").is_in(sorted(signed)),
        "opp_id",
        "its contract is signed; a signed deal cannot be changed",
    )
    return errors


def apply_opportunities(session: Session, frame: pl.DataFrame) -> int:
    """Upsert the deals; a new deal or a changed stage gets a stage history row."""
    ids = frame["opp_id"].to_list()
    before = dict(
        session.execute(
            select(Opportunity.opp_id, Opportunity.stage).where(Opportunity.opp_id.in_(ids))
        ).all()
    )
    at = now()
    created = pl.col("created_on").cast(pl.Datetime("us"))
    closed = pl.col("closed_on").cast(pl.Datetime("us"))
    old = pl.col("opp_id").replace_strict(before, default=None, return_dtype=pl.String)
    rows = frame.with_columns(old.alias("_old")).with_columns(
        created.alias("created_at"),
        pl.when(pl.col("_old").is_null())
        .then(pl.coalesce(closed, created))
        .otherwise(pl.lit(at))
        .alias("stage_since"),
        pl.lit("").alias("lost_note"),
    )
    kept = rows.filter(pl.col("_old") == pl.col("stage")).select("opp_id")
    if kept.height:  # an unchanged stage keeps its date
        since = dict(
            session.execute(
                select(Opportunity.opp_id, Opportunity.stage_since).where(
                    Opportunity.opp_id.in_(kept["opp_id"].to_list())
                )
            ).all()
        )
        rows = rows.with_columns(
            pl.when(pl.col("_old") == pl.col("stage"))
            .then(
                pl.col("opp_id").replace_strict(since, default=None, return_dtype=pl.Datetime("us"))
            )
            .otherwise(pl.col("stage_since"))
            .alias("stage_since")
        )
    written = upsert(session, Opportunity, rows.drop("_old", "created_on"), ["opp_id"])
    moved = rows.filter(pl.col("_old").is_null() | (pl.col("_old") != pl.col("stage")))
    present = set(
        session.scalars(
            select(Opportunity.opp_id).where(Opportunity.opp_id.in_(moved["opp_id"].to_list()))
        )
    )
    moved = moved.filter(pl.col("opp_id").is_in(sorted(present)))  # none on a dry run
    if moved.height:
        first = (
            int(
                session.scalar(
                    select(StageChange.change_id).order_by(StageChange.change_id.desc()).limit(1)
                )
                or 0
            )
            + 1
        )
        session.execute(
            insert(StageChange),
            [
                {
                    "change_id": first + i,
                    "opp_id": opp_id,
                    "from_stage": old_stage,
                    "to_stage": stage,
                    "changed_at": since,
                    "changed_by": "import",
                    "note": "",
                }
                for i, (opp_id, old_stage, stage, since) in enumerate(
                    moved.select("opp_id", "_old", "stage", "stage_since").iter_rows()
                )
            ],
        )
    return written


def export_opportunities(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    opps = queries.opportunities(engine, viewer)
    return (
        opps.with_columns(pl.col("created_at").dt.date().alias("created_on"))
        .select([c.name for c in OPPORTUNITY_COLUMNS])
        .sort("opp_id")
    )


# -- complaints -------------------------------------------------------------------------
def _typed_complaints(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(parse_time("opened_at"), parse_time("resolved_at"))


def check_complaints(session: Session, frame: pl.DataFrame) -> list[RowError]:
    typed = _typed_complaints(frame)
    errors = _unknown(frame, "opp_id", _ids(session, Opportunity.opp_id), "opportunity")
    shape = "not a time (YYYY-MM-DD HH:MM[:SS])"
    for column in ("opened_at", "resolved_at"):
        bad = frame.select(ROW, pl.col(column).alias("_text")).with_columns(
            typed[column].alias("_parsed")
        )
        errors += _errors(
            bad, pl.col("_text").is_not_null() & pl.col("_parsed").is_null(), column, shape
        )
    errors += _errors(
        typed, pl.col("resolved_at") < pl.col("opened_at"), "resolved_at", "before opened_at"
    )
    errors += _errors(
        typed,
        pl.col("resolved_at").is_not_null() & pl.col("resolution").is_null(),
        "resolution",
        "required when resolved_at is given",
    )
    ids = frame["opp_id"].drop_nulls().to_list()
    owner = dict(
        session.execute(
            select(Opportunity.opp_id, Opportunity.customer_id).where(Opportunity.opp_id.in_(ids))
        ).all()
    )
    wrong = frame.filter(
        pl.col("opp_id").is_not_null()
        & pl.col("opp_id").is_in(list(owner))
        & (
            pl.col("opp_id").replace_strict(owner, default=None, return_dtype=pl.Int64)
            != pl.col("customer_id")
        )
    )
    errors += [RowError(row, "opp_id", "belongs to another customer") for row in wrong[ROW]]
    return errors


def apply_complaints(session: Session, frame: pl.DataFrame) -> int:
    rows = _typed_complaints(frame).with_columns(pl.col("resolution").fill_null(""))
    return upsert(session, Complaint, rows, ["complaint_id"])


def export_complaints(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    fmt = "%Y-%m-%d %H:%M:%S"
    return (
        queries.complaints(engine, viewer)
        .with_columns(pl.col("opened_at").dt.strftime(fmt), pl.col("resolved_at").dt.strftime(fmt))
        .select([c.name for c in COMPLAINT_COLUMNS])
        .sort("complaint_id")
    )


# -- surveys ------------------------------------------------------------------------------
def check_surveys(session: Session, frame: pl.DataFrame) -> list[RowError]:
    model = cfg.stage_model(cfg.in_session(session))
    errors = _errors(frame, pl.col("score") > 5, "score", "must be at most 5")
    ids = frame["opp_id"].drop_nulls().to_list()
    stages = dict(
        session.execute(
            select(Opportunity.opp_id, Opportunity.stage).where(Opportunity.opp_id.in_(ids))
        ).all()
    )
    errors += [
        RowError(r, "opp_id", f"unknown opportunity {v}")
        for r, v in frame.filter(
            pl.col("opp_id").is_not_null() & ~pl.col("opp_id").is_in(list(stages))
        )
        .select(ROW, "opp_id")
        .iter_rows()
    ]
    not_won = [o for o, s in stages.items() if s != model.won]
    errors += _errors(frame, pl.col("opp_id").is_in(not_won), "opp_id", "the deal is not won")
    repeat = frame.filter(pl.col("opp_id").is_not_null() & pl.col("opp_id").is_duplicated())
    errors += [
        RowError(r, "opp_id", "one survey per deal: repeated in the file") for r in repeat[ROW]
    ]
    taken = dict(
        session.execute(select(Survey.opp_id, Survey.survey_id).where(Survey.opp_id.in_(ids))).all()
    )
    clash = frame.filter(
        pl.col("opp_id").is_in(list(taken))
        & (
            pl.col("opp_id").replace_strict(taken, default=None, return_dtype=pl.Int64)
            != pl.col("survey_id")
        )
    )
    errors += [RowError(r, "opp_id", "the deal already has another survey") for r in clash[ROW]]
    return errors


def apply_surveys(session: Session, frame: pl.DataFrame) -> int:
    ids = frame["opp_id"].to_list()
    deals = session.execute(
        select(Opportunity.opp_id, Opportunity.customer_id, Opportunity.owner_id).where(
            Opportunity.opp_id.in_(ids)
        )
    ).all()
    who = pl.DataFrame(
        deals,
        schema={"opp_id": pl.Int64, "customer_id": pl.Int64, "person_id": pl.Int64},
        orient="row",
    )
    rows = frame.join(who, on="opp_id", how="left").with_columns(pl.col("comment").fill_null(""))
    return upsert(session, Survey, rows, ["survey_id"])


def export_surveys(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    return (
        queries.surveys(engine, viewer).select([c.name for c in SURVEY_COLUMNS]).sort("survey_id")
    )


IMPORTS: tuple[ImportKind, ...] = (
    ImportKind(
        "opportunities",
        OPPORTUNITY_COLUMNS,
        ("opp_id",),
        apply_opportunities,
        check_opportunities,
        "Opportunities",
    ),
    ImportKind(
        "complaints",
        COMPLAINT_COLUMNS,
        ("complaint_id",),
        apply_complaints,
        check_complaints,
        "Complaints",
    ),
    ImportKind("surveys", SURVEY_COLUMNS, ("survey_id",), apply_surveys, check_surveys, "Surveys"),
)
EXPORTS: tuple[ExportKind, ...] = (
    ExportKind("opportunities", export_opportunities, "Opportunities"),
    ExportKind("complaints", export_complaints, "Complaints"),
    ExportKind("surveys", export_surveys, "Surveys"),
)
