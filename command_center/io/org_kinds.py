"""Import and export kind ``org_changes``: the org tree's history, as HR systems keep it.

One row per person and day their place changed (``docs/org-changes.md``):

``person_id,effective_from,manager_id,level,status,reason``

``person_id`` and ``manager_id`` are people's keys; ``manager_id`` is empty only
for a director; an empty ``effective_from`` means since ever (the place someone
had before their first recorded change); ``status`` empty means ``active``;
``reason`` may be empty. The
import upserts ``org_history`` by (person, day), so a file sent again changes
nothing, and brings each person's ``people`` row to their latest row in force
today. A person with no history yet keeps their earliest row of the file since
ever (as far back as anyone knows), the same rule as the first change made in
the app. Days after today are refused (a change is recorded when it happens),
and so is a file that would loop the tree on any of its days. Only directors who
see everyone (and the operator) import it: it rewrites the past every roll-up
reads. The export writes every recorded row of the people in the caller's scope,
the rows since ever included, so an export imports back unchanged.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from command_center.db import frames
from command_center.db.models import LEVELS, PERSON_STATUSES, OrgHistory, Person
from command_center.io.keys import key_column, shown
from command_center.io.upsert import upsert, writing
from command_center.io.validate import ROW
from command_center.org import history
from command_center.org.scope import Viewer
from command_center.org.tree import find_cycles
from command_center.types import Column, ExportKind, ImportKind, RowError

KIND = "org_changes"
ORG_CHANGE_COLUMNS = (
    key_column("person_id", "person"),
    Column("effective_from", "date", required=False),
    key_column("manager_id", "person", required=False),
    Column("level", "str", choices=LEVELS),
    Column("status", "str", required=False, choices=PERSON_STATUSES),
    Column("reason", "str", required=False, max_length=200),
)
IMPORTED_BY = "import"
"""``changed_by`` of the rows an import writes (the audit names who imported)."""


def _stored(session: Session) -> pl.DataFrame:
    table = OrgHistory.__table__
    query = select(*(table.c[name] for name in history.HISTORY_SCHEMA))
    rows = [dict(zip(history.HISTORY_SCHEMA, row, strict=True)) for row in session.execute(query)]
    return pl.DataFrame(rows, schema=history.HISTORY_SCHEMA)


def _people(session: Session) -> pl.DataFrame:
    columns = (Person.person_id, Person.manager_id, Person.level, Person.status)
    rows = session.execute(select(*columns)).all()
    schema = {name: history.HISTORY_SCHEMA[name] for name in ("person_id", "manager_id")}
    schema |= {"level": pl.String(), "status": pl.String()}
    return pl.DataFrame(rows, schema=schema, orient="row")


def _file_rows(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.filter(pl.col("person_id").is_not_null()).with_columns(
        pl.col("effective_from").fill_null(history.SINCE_EVER), pl.col("status").fill_null("active")
    )


def since_ever_rows(stored: pl.DataFrame, rows: pl.DataFrame) -> pl.DataFrame:
    """For each person of the file without a stored history, their earliest file row
    again, effective since ever (none when that row already is)."""
    new_people = rows.filter(~pl.col("person_id").is_in(stored["person_id"].implode()))
    return (
        new_people.sort("effective_from")
        .group_by("person_id", maintain_order=True)
        .first()
        .filter(pl.col("effective_from") > history.SINCE_EVER)
        .with_columns(pl.lit(history.SINCE_EVER).alias("effective_from"))
    )


def merged_history(stored: pl.DataFrame, people: pl.DataFrame, rows: pl.DataFrame) -> pl.DataFrame:
    """The history after the import: the stored rows, the file's rows over them (same
    person and day: the file wins), the earliest file row since ever for people who
    had no history, and today's place since ever for everyone else without rows."""
    file = rows.select(list(history.HISTORY_SCHEMA)).cast(history.HISTORY_SCHEMA)
    combined = pl.concat(
        [stored.cast(history.HISTORY_SCHEMA), since_ever_rows(stored, file), file]
    ).unique(["person_id", "effective_from"], keep="last", maintain_order=True)
    return history.complete(combined, people)


def check_org_changes(session: Session, frame: pl.DataFrame) -> list[RowError]:
    """Days not after today, a manager for everyone but directors, nobody their own
    manager, and no loop in the tree on any day of the file."""
    today = dt.date.today()
    errors = [
        RowError(row, "effective_from", f"{day} is after today ({today})")
        for row, day in frame.filter(pl.col("effective_from") > today)
        .select(ROW, "effective_from")
        .iter_rows()
    ]
    no_manager = frame.filter(
        pl.col("manager_id").is_null()
        & pl.col("level").is_not_null()
        & (pl.col("level") != "director")
    )
    errors += [
        RowError(row, "manager_id", "required unless level is director") for row in no_manager[ROW]
    ]
    own = frame.filter(pl.col("manager_id") == pl.col("person_id"))
    errors += [
        RowError(row, "manager_id", "a person cannot be their own manager") for row in own[ROW]
    ]
    if errors:
        return errors
    rows = _file_rows(frame)
    merged = merged_history(_stored(session), _people(session), rows)
    first_row = {
        (p, d): r for r, p, d in rows.select(ROW, "person_id", "effective_from").iter_rows()
    }
    for day in sorted(set(rows["effective_from"].to_list())):
        for cycle in find_cycles(history.edges_on(merged, day)):
            named = " -> ".join(shown("person", p) for p in [*cycle, cycle[0]])
            reason = f"manager loop on {day}: {named}"
            errors += [
                RowError(first_row[(p, day)], "manager_id", reason)
                for p in cycle
                if (p, day) in first_row
            ] or [RowError(min(first_row.values()), "manager_id", reason)]
    return errors


def apply_org_changes(session: Session, frame: pl.DataFrame) -> int:
    """Upsert the history rows and bring today's ``people`` rows to their latest row."""
    rows = _file_rows(frame).select(
        *history.HISTORY_SCHEMA,
        pl.col("reason").fill_null(""),
        pl.lit(IMPORTED_BY).alias("changed_by"),
    )
    if not writing():
        return upsert(session, OrgHistory, rows, ["person_id", "effective_from"])
    stored = _stored(session)
    merged = merged_history(stored, _people(session), rows)
    since_ever = since_ever_rows(stored, rows)
    written = upsert(
        session, OrgHistory, pl.concat([since_ever, rows]), ["person_id", "effective_from"]
    )
    touched = rows["person_id"].unique().implode()
    now = history.rows_on(merged, dt.date.today()).filter(pl.col("person_id").is_in(touched))
    places = now.select("person_id", "manager_id", "level", "status").to_dicts()
    if places:  # the runner audits the import itself (who, file, rows)
        session.execute(update(Person), places)
    return written


def read_org_changes(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    """Every recorded row of the people in the viewer's scope, by person and day."""
    table = OrgHistory.__table__
    names = [c.name for c in ORG_CHANGE_COLUMNS]
    schema = {**history.HISTORY_SCHEMA, "reason": pl.String()}
    query = select(*(table.c[name] for name in schema))
    if viewer.person_ids is not None:
        query = query.where(table.c.person_id.in_(sorted(viewer.person_ids)))
    found = frames.read_frame(engine, query, schema).sort("person_id", "effective_from")
    since_ever = pl.col("effective_from") == history.SINCE_EVER
    return found.with_columns(
        pl.when(since_ever).then(None).otherwise(pl.col("effective_from")).alias("effective_from")
    ).select(names)


HR_ROLES = frozenset({"director"})
"""Who imports the org's history: directors (who see everyone; the runner checks scope)."""

ORG_IMPORTS: tuple[ImportKind, ...] = (
    ImportKind(
        KIND,
        ORG_CHANGE_COLUMNS,
        ("person_id", "effective_from"),
        apply_org_changes,
        check_org_changes,
        "org.kind",
        roles=HR_ROLES,
        table=OrgHistory,
    ),
)
ORG_EXPORTS: tuple[ExportKind, ...] = (ExportKind(KIND, read_org_changes, "org.kind"),)
