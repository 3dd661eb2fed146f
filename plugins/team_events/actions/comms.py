"""Writes on announcements: post to an audience, mark as read."""

from __future__ import annotations

import datetime as dt

import polars as pl
from sqlalchemy import Engine, select

from command_center.db import frames
from command_center.db.audit import audit
from command_center.db.engine import read_session, write_session
from command_center.org.scope import Viewer
from plugins.team_events import queries
from plugins.team_events.actions.guards import (
    MAX_TEXT,
    TeamEventsError,
    check_team,
    clean_text,
    require_leader,
    team_members,
    today_or,
)
from plugins.team_events.models import AUDIENCES, Announcement, Read


def allowed_regions(engine: Engine, viewer: Viewer) -> list[str]:
    """Regions the viewer may address: all for directors; for others, a region
    whose current members are all inside their scope (a manager's own region)."""
    people = frames.all_people(engine).filter(pl.col("status") != "left")
    regions = sorted(r for r in people["region"].unique().to_list() if r)
    if viewer.role == "director" and viewer.sees_all:
        return regions
    if viewer.role not in ("director", "manager") or viewer.person_ids is None:
        return []
    inside = people.with_columns(
        pl.col("person_id").is_in(sorted(viewer.person_ids)).alias("inside")
    )
    full = inside.group_by("region").agg(pl.col("inside").all())
    return sorted(full.filter(pl.col("inside") & (pl.col("region") != ""))["region"].to_list())


def post(
    engine: Engine,
    viewer: Viewer,
    title: str,
    body: str,
    audience: str,
    actor: str,
    region: str = "",
    team_root: int | None = None,
    today: dt.date | None = None,
) -> int:
    """Publish an announcement; the author (when in the audience) has read it."""
    require_leader(viewer)
    day = today_or(today)
    head = clean_text(title, "team_events.field.title")
    text = clean_text(body, "team_events.field.body", MAX_TEXT)
    if audience not in AUDIENCES:
        raise TeamEventsError("team_events.error.audience", value=audience)
    if audience == "force" and not (viewer.role == "director" and viewer.sees_all):
        raise TeamEventsError("team_events.error.force_directors_only")
    if audience == "region" and region not in allowed_regions(engine, viewer):
        raise TeamEventsError("team_events.error.region_out_of_scope", region=region)
    if audience == "team":
        if team_root is None:
            raise TeamEventsError("team_events.error.required", field="team_events.field.team")
        check_team(engine, viewer, team_root)
    with write_session(engine) as session:
        row = Announcement(
            title=head,
            body=text,
            audience=audience,
            region=region if audience == "region" else "",
            team_root=team_root if audience == "team" else None,
            author_id=viewer.person_id,
            author=_author(engine, viewer, actor),
            published_on=day,
        )
        session.add(row)
        session.flush()
        if viewer.person_id is not None and _addressed(engine, row, viewer.person_id):
            session.add(
                Read(announcement_id=row.announcement_id, person_id=viewer.person_id, read_on=day)
            )
        audit(
            session,
            actor,
            "announcement_posted",
            "team_events_announcement",
            row.announcement_id,
            audience=audience,
            region=row.region,
            team_root=row.team_root,
        )
        return row.announcement_id


def _author(engine: Engine, viewer: Viewer, actor: str) -> str:
    """The author's name as people know them (the login when not linked to a person)."""
    people = frames.all_people(engine).filter(pl.col("person_id") == viewer.person_id)
    return str(people["name"].item()) if people.height else actor


def _addressed(engine: Engine, row: Announcement, person_id: int) -> bool:
    people = frames.all_people(engine).filter(pl.col("person_id") == person_id)
    if people.is_empty():
        return False
    if row.audience == "force":
        return True
    if row.audience == "region":
        return bool(people["region"].item() == row.region)
    return row.team_root is not None and person_id in team_members(engine, row.team_root)


def mark_read(
    engine: Engine,
    viewer: Viewer,
    announcement_ids: list[int],
    actor: str,
    today: dt.date | None = None,
) -> int:
    """Mark announcements addressed to the viewer as read; returns how many were new."""
    if viewer.person_id is None:
        raise TeamEventsError("team_events.error.no_person")
    day = today_or(today)
    for aid in announcement_ids:
        if viewer.person_id not in queries.audience_of(engine, aid):
            raise TeamEventsError("team_events.error.not_addressed", announcement_id=aid)
    with read_session(engine) as session:
        done = set(
            session.scalars(
                select(Read.announcement_id).where(
                    Read.person_id == viewer.person_id,
                    Read.announcement_id.in_(announcement_ids),
                )
            )
        )
    new = sorted(set(announcement_ids) - done)
    if not new:
        return 0
    with write_session(engine) as session:
        session.add_all(
            Read(announcement_id=aid, person_id=viewer.person_id, read_on=day) for aid in new
        )
        audit(session, actor, "announcements_read", "team_events_announcement", new[0], ids=new)
    return len(new)
