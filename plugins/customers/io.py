"""Import kinds ``contacts`` and ``followups``; the matching scoped exports."""

from __future__ import annotations

import polars as pl
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from command_center.io.keys import key_column
from command_center.io.upsert import upsert
from command_center.io.validate import ROW
from command_center.org.scope import Viewer
from command_center.types import Column, ExportKind, ImportKind, RowError
from plugins.customers.logic.dedupe import phone_key
from plugins.customers.models import CHANNELS, SPIN_STAGES, Contact, FollowUp
from plugins.customers.queries import activity

CONTACT_COLUMNS = (
    Column("contact_id", "int", min_value=1),
    key_column("customer_id", "customer"),
    Column("name", "str", max_length=100),
    Column("title", "str", required=False, max_length=100),
    Column("phone", "str", required=False, max_length=40),
    Column("email", "str", required=False, max_length=200),
)
FOLLOWUP_COLUMNS = (
    Column("followup_id", "int", min_value=1),
    key_column("customer_id", "customer"),
    key_column("person_id", "person"),
    Column("followup_date", "date"),
    Column("channel", "str", choices=CHANNELS),
    Column("notes", "str", required=False),
    Column("next_step", "str", required=False, max_length=500),
    Column("next_date", "date", required=False),
    Column("spin_stage", "str", required=False, choices=SPIN_STAGES),
)


def check_contacts(session: Session, frame: pl.DataFrame) -> list[RowError]:
    errors: list[RowError] = []
    bad_mail = frame.filter(pl.col("email").is_not_null() & ~pl.col("email").str.contains("@"))
    return errors + [RowError(row, "email", "not an e-mail address") for row in bad_mail[ROW]]


def apply_contacts(session: Session, frame: pl.DataFrame) -> int:
    data = frame.with_columns(pl.col("title", "phone", "email").fill_null("")).with_columns(
        pl.col("phone").map_elements(phone_key, return_dtype=pl.String).alias("phone_key")
    )
    return upsert(session, Contact, data, ["contact_id"])


def check_followups(session: Session, frame: pl.DataFrame) -> list[RowError]:
    errors: list[RowError] = []
    early = frame.filter(pl.col("next_date") < pl.col("followup_date"))
    return errors + [RowError(row, "next_date", "before the follow-up date") for row in early[ROW]]


def apply_followups(session: Session, frame: pl.DataFrame) -> int:
    data = frame.with_columns(pl.col("notes", "next_step", "spin_stage").fill_null(""))
    return upsert(session, FollowUp, data, ["followup_id"])


def _export_contacts(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    return activity.scoped_contacts(engine, viewer).select([c.name for c in CONTACT_COLUMNS])


def _export_followups(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    frame = activity.followups(engine, viewer)
    return frame.select([c.name for c in FOLLOWUP_COLUMNS]).sort("followup_id")


IMPORTS: list[ImportKind] = [
    ImportKind(
        "contacts",
        CONTACT_COLUMNS,
        ("contact_id",),
        apply_contacts,
        check_contacts,
        "customers.kind.contacts",
    ),
    ImportKind(
        "followups",
        FOLLOWUP_COLUMNS,
        ("followup_id",),
        apply_followups,
        check_followups,
        "customers.kind.followups",
    ),
]
EXPORTS: list[ExportKind] = [
    ExportKind("contacts", _export_contacts, "customers.kind.contacts"),
    ExportKind("followups", _export_followups, "customers.kind.followups"),
]
