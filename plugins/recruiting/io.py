"""Import and export kinds ``openings`` and ``candidates`` (same columns both ways).

Imports are checked whole (vectorised where the rule allows) and written in
one transaction by the core's runner. A new candidate gets its stage
history: "applied" on the day applied, and, when the file puts them further
along, one move to that stage with the reason "imported" (the stages in
between are recorded as skipped). An existing candidate's contact data may
change by import; their stage and opening change only in the app.
"""

from __future__ import annotations

import polars as pl
from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session

from command_center.db.models import Person
from command_center.db.tables import polars_schema
from command_center.io import ROW, upsert
from command_center.io.keys import key_column
from command_center.keys import with_keys
from command_center.org.scope import Viewer
from command_center.types import Column, ExportKind, ImportKind, RowError
from plugins.recruiting import queries
from plugins.recruiting.logic.vocabulary import (
    CHANNELS,
    MANAGER_LEVEL,
    OPENING_LEVELS,
    SOURCES,
    STAGES,
)
from plugins.recruiting.models import Candidate, Opening, StageEvent

IMPORT_ACTOR = "import"
IMPORTED = "imported"
INT32_MAX = 2**31 - 1

OPENING_COLUMNS = (
    Column("opening_id", "int", min_value=1),
    Column("title", "str", max_length=200),
    Column("level", "str", choices=OPENING_LEVELS),
    Column("region", "str", required=False, max_length=50),
    Column("headcount", "int", min_value=1),
    Column("opened_on", "date"),
    Column("closed_on", "date", required=False),
    key_column("hiring_manager_id", "person"),
    Column("channels", "str", max_length=200),
    Column("description", "str", required=False, max_length=4000),
    Column("pay_min", "float", required=False, min_value=0),
    Column("pay_max", "float", required=False, min_value=0),
)
IMPORT_STAGES = STAGES[:-1]  # "hired" needs an offer and a person: only the app hires
CANDIDATE_COLUMNS = (
    Column("candidate_id", "int", min_value=1),
    Column("opening_id", "int", min_value=1),
    Column("name", "str", max_length=100),
    Column("phone", "str", required=False, max_length=30),
    Column("email", "str", required=False, max_length=200),
    Column("source", "str", choices=SOURCES),
    key_column("referrer_id", "person", required=False),
    Column("applied_on", "date"),
    Column("resume_url", "str", required=False, max_length=500),
    Column("stage", "str", required=False, choices=IMPORT_STAGES),
)
CONTACT = ("name", "phone", "email", "source", "referrer_id", "resume_url")


def _errors(frame: pl.DataFrame, condition: pl.Expr, column: str, reason: str) -> list[RowError]:
    return [RowError(row, column, reason) for row in frame.filter(condition)[ROW].to_list()]


def _people(session: Session) -> pl.DataFrame:
    rows = session.execute(select(Person.person_id, Person.level, Person.region)).all()
    return pl.DataFrame(
        [tuple(r) for r in rows],
        schema=polars_schema(Person, ["person_id", "level", "region"]),
        orient="row",
    )


# -- openings ---------------------------------------------------------------------


def check_openings(session: Session, frame: pl.DataFrame) -> list[RowError]:
    people = _people(session).rename(
        {"person_id": "hiring_manager_id", "level": "hm_level", "region": "hm_region"}
    )
    wanted = pl.col("level").replace_strict(MANAGER_LEVEL, default=None)
    joined = frame.join(people, on="hiring_manager_id", how="left")
    known = pl.col("hiring_manager_id").is_not_null()
    errors = _errors(joined, pl.col("opening_id") > INT32_MAX, "opening_id", "too large")
    errors += _errors(
        joined, known & pl.col("hm_level").is_null(), "hiring_manager_id", "unknown person"
    )
    errors += [
        RowError(row, "hiring_manager_id", f"a {level} opening needs a {MANAGER_LEVEL[level]}")
        for row, level in joined.filter(
            pl.col("hm_level").is_not_null()
            & pl.col("level").is_not_null()
            & (pl.col("hm_level") != wanted)
        )
        .select(ROW, "level")
        .iter_rows()
    ]
    errors += _errors(
        frame, pl.col("closed_on") < pl.col("opened_on"), "closed_on", "before opened_on"
    )
    errors += _errors(frame, pl.col("pay_min") > pl.col("pay_max"), "pay_min", "above pay_max")
    codes = frame.select(ROW, pl.col("channels").str.split(";")).explode("channels")
    codes = codes.with_columns(pl.col("channels").str.strip_chars())
    errors += [
        RowError(row, "channels", f"unknown channel '{code}' (use {';'.join(CHANNELS)})")
        for row, code in codes.filter(
            pl.col("channels").is_not_null() & ~pl.col("channels").is_in(list(CHANNELS))
        ).iter_rows()
    ]
    return errors + _headcount_below_hired(session, frame)


def _headcount_below_hired(session: Session, frame: pl.DataFrame) -> list[RowError]:
    ids = frame["opening_id"].drop_nulls().to_list()
    rows = session.execute(
        select(Candidate.opening_id).where(
            Candidate.opening_id.in_(ids), Candidate.stage == "hired"
        )
    ).all()
    hired: dict[int, int] = {}
    for (oid,) in rows:
        hired[oid] = hired.get(oid, 0) + 1
    return [
        RowError(row, "headcount", f"{hired[oid]} already hired")
        for row, oid, count in frame.select(ROW, "opening_id", "headcount").iter_rows()
        if oid in hired and count is not None and count < hired[oid]
    ]


def apply_openings(session: Session, frame: pl.DataFrame) -> int:
    regions = _people(session).select(
        pl.col("person_id").alias("hiring_manager_id"), pl.col("region").alias("hm_region")
    )
    channels = pl.col("channels").str.split(";").list.eval(pl.element().str.strip_chars())
    ready = frame.join(regions, on="hiring_manager_id", how="left").with_columns(
        pl.coalesce("region", "hm_region", pl.lit("")).alias("region"),
        pl.col("description").fill_null(""),
        channels.list.eval(pl.element().filter(pl.element() != ""))
        .list.join(";")
        .alias("channels"),
    )
    return upsert(session, Opening, ready.drop("hm_region"), ["opening_id"])


# -- candidates -------------------------------------------------------------------


def _existing(session: Session, ids: list[int]) -> pl.DataFrame:
    rows = session.execute(
        select(Candidate.candidate_id, Candidate.opening_id, Candidate.stage).where(
            Candidate.candidate_id.in_(ids)
        )
    ).all()
    return pl.DataFrame(
        [tuple(r) for r in rows],
        schema={"candidate_id": pl.Int64, "db_opening": pl.Int64, "db_stage": pl.String},
        orient="row",
    )


KEPT = ("opening_id", "applied_on", "stage", "stage_since", "exit_reason", "person_id")


def _stored(session: Session, ids: list[int]) -> pl.DataFrame:
    columns = [Candidate.__table__.c[c] for c in ("candidate_id", *KEPT)]
    rows = session.execute(select(*columns).where(Candidate.candidate_id.in_(ids))).all()
    schema = polars_schema(Candidate, ["candidate_id", *KEPT])
    return pl.DataFrame([tuple(r) for r in rows], schema=schema, orient="row")


def check_candidates(session: Session, frame: pl.DataFrame) -> list[RowError]:
    rows = session.execute(select(Opening.opening_id, Opening.opened_on, Opening.closed_on)).all()
    openings = pl.DataFrame(
        [tuple(r) for r in rows],
        schema=polars_schema(Opening, ["opening_id", "opened_on", "closed_on"]),
        orient="row",
    ).with_columns(pl.lit(True).alias("known"))
    existing = _existing(session, frame["candidate_id"].drop_nulls().to_list())
    people = _people(session)["person_id"].implode()
    data = frame.join(openings, on="opening_id", how="left").join(
        existing, on="candidate_id", how="left"
    )
    new = pl.col("db_stage").is_null()
    has_opening = pl.col("opening_id").is_not_null()
    errors = _errors(data, pl.col("candidate_id") > INT32_MAX, "candidate_id", "too large")
    errors += _errors(
        data, has_opening & pl.col("known").is_null(), "opening_id", "unknown opening"
    )
    errors += _errors(
        data,
        new & pl.col("closed_on").is_not_null() & (pl.col("applied_on") >= pl.col("closed_on")),
        "opening_id",
        "the opening is closed: it takes no new candidates",
    )
    errors += _errors(
        data, new & (pl.col("applied_on") < pl.col("opened_on")), "applied_on", "before the opening"
    )
    errors += _errors(
        data,
        (pl.col("source") == "referral") & pl.col("referrer_id").is_null(),
        "referrer_id",
        "required for a referral",
    )
    errors += _errors(
        data,
        pl.col("referrer_id").is_not_null() & ~pl.col("referrer_id").is_in(people),
        "referrer_id",
        "unknown person",
    )
    errors += _errors(
        data,
        pl.col("phone").is_null() & pl.col("email").is_null(),
        "phone",
        "phone or email needed",
    )
    errors += _errors(
        data,
        pl.col("email").is_not_null()
        & ~pl.col("email").str.contains(r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
        "email",
        "not an email address",
    )
    link = pl.col("resume_url").str.strip_chars()
    errors += _errors(  # the same rule as the app's form (actions.candidates)
        data,
        pl.col("resume_url").is_not_null()
        & (link != "")
        & ~link.str.starts_with("http://")
        & ~link.str.starts_with("https://"),
        "resume_url",
        "not an http:// or https:// link",
    )
    errors += _errors(
        data,
        ~new & has_opening & (pl.col("opening_id") != pl.col("db_opening")),
        "opening_id",
        "a candidate's opening does not change by import",
    )
    errors += _errors(
        data,
        ~new & pl.col("stage").is_not_null() & (pl.col("stage") != pl.col("db_stage")),
        "stage",
        "an existing candidate's stage changes only in the app",
    )
    return errors


def apply_candidates(session: Session, frame: pl.DataFrame) -> int:
    existing = _existing(session, frame["candidate_id"].to_list())
    data = frame.with_columns(
        pl.col("phone", "resume_url").fill_null(""),
        pl.col("email").fill_null("").str.to_lowercase(),
        pl.col("stage").fill_null("applied"),
        pl.when(pl.col("source") == "referral").then(pl.col("referrer_id")).alias("referrer_id"),
    )
    old = data.filter(pl.col("candidate_id").is_in(existing["candidate_id"].implode()))
    new = data.filter(~pl.col("candidate_id").is_in(existing["candidate_id"].implode()))
    written = 0
    if old.height:
        # The INSERT half of an upsert needs every NOT NULL column: the stored ones are
        # written back unchanged, so only the contact data change.
        kept = _stored(session, old["candidate_id"].to_list())
        rows = old.select("candidate_id", *CONTACT).join(kept, on="candidate_id", how="inner")
        written += upsert(session, Candidate, rows, ["candidate_id"])
    if new.height:
        rows = new.with_columns(
            pl.col("applied_on").alias("stage_since"), pl.lit("").alias("exit_reason")
        )
        written += upsert(session, Candidate, rows, ["candidate_id"])
        _history(session, new)
    return written


def _history(session: Session, new: pl.DataFrame) -> None:
    """Stage events for the new candidates that were written (none on a dry run)."""
    stored = set(
        session.scalars(
            select(Candidate.candidate_id).where(
                Candidate.candidate_id.in_(new["candidate_id"].to_list())
            )
        )
    )
    events: list[dict[str, object]] = []
    for cid, applied_on, stage in new.select("candidate_id", "applied_on", "stage").iter_rows():
        if cid not in stored:
            continue
        base = {"candidate_id": cid, "moved_on": applied_on, "actor": IMPORT_ACTOR}
        events.append(
            {**base, "from_stage": None, "to_stage": "applied", "reason": "", "skipped": ""}
        )
        if stage != "applied":
            between = STAGES[1 : STAGES.index(stage)]
            events.append(
                {
                    **base,
                    "from_stage": "applied",
                    "to_stage": stage,
                    "reason": IMPORTED,
                    "skipped": ";".join(between),
                }
            )
    if events:
        session.execute(insert(StageEvent), events)


# -- exports ----------------------------------------------------------------------


def export_openings(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    frame = queries.openings(engine, viewer).select([c.name for c in OPENING_COLUMNS])
    return with_keys(engine, frame, {"hiring_manager_id": "person"})


def export_candidates(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    frame = queries.candidates(engine, viewer).with_columns(
        pl.when(pl.col("stage").is_in(list(IMPORT_STAGES))).then(pl.col("stage")).alias("stage")
    )
    return with_keys(
        engine, frame.select([c.name for c in CANDIDATE_COLUMNS]), {"referrer_id": "person"}
    )


IMPORTS: list[ImportKind] = [
    ImportKind(
        "openings",
        OPENING_COLUMNS,
        ("opening_id",),
        apply_openings,
        check_openings,
        "recruiting.kind.openings",
    ),
    ImportKind(
        "candidates",
        CANDIDATE_COLUMNS,
        ("candidate_id",),
        apply_candidates,
        check_candidates,
        "recruiting.kind.candidates",
    ),
]
EXPORTS: list[ExportKind] = [
    ExportKind("openings", export_openings, "recruiting.kind.openings"),
    ExportKind("candidates", export_candidates, "recruiting.kind.candidates"),
]
