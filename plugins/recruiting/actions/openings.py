"""Openings (requisitions): create, change, close and reopen."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from command_center.db.audit import audit
from command_center.db.engine import write_session
from command_center.db.ids import next_id
from command_center.db.models import Person
from command_center.i18n import t
from command_center.org.scope import Viewer
from plugins.recruiting.actions.guards import opening_in_scope, require_recruiter
from plugins.recruiting.errors import RecruitingError
from plugins.recruiting.logic.vocabulary import CHANNELS, MANAGER_LEVEL, OPENING_LEVELS
from plugins.recruiting.models import Candidate, Opening


@dataclass(frozen=True)
class OpeningInput:
    title: str
    level: str
    hiring_manager_id: int
    opened_on: dt.date
    headcount: int = 1
    channels: Sequence[str] = ("company_site",)
    region: str = ""  # empty: the hiring manager's region
    description: str = ""
    pay_min: float | None = None
    pay_max: float | None = None


def join_channels(channels: Sequence[str]) -> str:
    return ";".join(c for c in CHANNELS if c in set(channels))


def split_channels(value: str | None) -> list[str]:
    return [c for c in (value or "").split(";") if c]


def check_opening(
    session: Session, viewer: Viewer | None, data: OpeningInput
) -> tuple[Person, list[str]]:
    """The hiring manager, after checking every field (``viewer`` None: an import)."""
    if not data.title.strip():
        raise RecruitingError("title_required")
    if data.level not in OPENING_LEVELS:
        raise RecruitingError("bad_level", level=data.level)
    if data.headcount < 1:
        raise RecruitingError("headcount_positive")
    unknown = [c for c in data.channels if c not in CHANNELS]
    if unknown:
        raise RecruitingError("bad_channel", channel=", ".join(unknown))
    if not data.channels:
        raise RecruitingError("channels_required")
    if data.pay_min is not None and data.pay_max is not None and data.pay_min > data.pay_max:
        raise RecruitingError("pay_range")
    manager = session.get(Person, data.hiring_manager_id)
    if manager is None or (viewer is not None and not viewer.can_see(manager.person_id)):
        raise RecruitingError("manager_not_found", person=data.hiring_manager_id)
    if manager.status == "left":
        raise RecruitingError("manager_left", name=manager.name)
    wanted = MANAGER_LEVEL[data.level]
    if manager.level != wanted:
        raise RecruitingError(
            "manager_level",
            name=manager.name,
            level=t(f"level.{manager.level}"),
            wanted=t(f"level.{wanted}"),
        )
    return manager, list(data.channels)


def create_opening(engine: Engine, viewer: Viewer, data: OpeningInput) -> int:
    """A new opening with the next id; the region defaults to the hiring manager's."""
    require_recruiter(viewer)
    with write_session(engine) as session:
        manager, channels = check_opening(session, viewer, data)
        opening_id = next_id(session, Opening.opening_id)
        session.add(
            Opening(
                opening_id=opening_id,
                title=data.title.strip(),
                level=data.level,
                region=data.region.strip() or manager.region,
                headcount=data.headcount,
                opened_on=data.opened_on,
                closed_on=None,
                hiring_manager_id=manager.person_id,
                channels=join_channels(channels),
                description=data.description.strip(),
                pay_min=data.pay_min,
                pay_max=data.pay_max,
            )
        )
        audit(
            session,
            viewer.login,
            "opening_created",
            "recruiting_opening",
            opening_id,
            title=data.title,
            level=data.level,
            headcount=data.headcount,
            hiring_manager_id=manager.person_id,
        )
    return opening_id


def update_opening(
    engine: Engine,
    viewer: Viewer,
    opening_id: int,
    headcount: int,
    channels: Sequence[str],
    description: str,
) -> None:
    """Change what may change while an opening runs: headcount, channels, description."""
    with write_session(engine) as session:
        opening = opening_in_scope(session, viewer, opening_id)
        hired = hired_count(session, opening_id)
        if headcount < max(1, hired):
            raise RecruitingError("headcount_below_hired", hired=hired)
        if not channels:
            raise RecruitingError("channels_required")
        before = (opening.headcount, opening.channels)
        opening.headcount = headcount
        opening.channels = join_channels(channels)
        opening.description = description.strip()
        audit(
            session,
            viewer.login,
            "opening_updated",
            "recruiting_opening",
            opening_id,
            before=list(before),
            after=[headcount, opening.channels],
        )


def hired_count(session: Session, opening_id: int) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(Candidate)
            .where(Candidate.opening_id == opening_id, Candidate.stage == "hired")
        )
        or 0
    )


def close_opening(engine: Engine, viewer: Viewer, opening_id: int, on: dt.date) -> None:
    """Close an opening: it takes no new candidates from then on."""
    with write_session(engine) as session:
        opening = opening_in_scope(session, viewer, opening_id)
        if opening.closed_on is not None:
            raise RecruitingError("opening_closed", opening=opening.title)
        if on < opening.opened_on:
            raise RecruitingError("close_before_open")
        opening.closed_on = on
        audit(session, viewer.login, "opening_closed", "recruiting_opening", opening_id, on=on)


def reopen_opening(engine: Engine, viewer: Viewer, opening_id: int) -> None:
    with write_session(engine) as session:
        opening = opening_in_scope(session, viewer, opening_id)
        if opening.closed_on is None:
            raise RecruitingError("opening_open", opening=opening.title)
        opening.closed_on = None
        audit(session, viewer.login, "opening_reopened", "recruiting_opening", opening_id)
