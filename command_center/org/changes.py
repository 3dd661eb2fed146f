"""Org changes: move someone to another manager, change their level, let them leave.

Each change has an effective day and a reason, is audited, and is kept as
history (``org_history``, read by :mod:`command_center.org.history`): the
``people`` row says where someone is today, the history where they were on
any day, so figures of the past keep their teams.

Who: a director or manager for people below them (never themselves), the
operator (the CLI without ``--user``) for anyone. The effective day is today
or earlier, and not before the person's last recorded change: history is
written forwards, never rewritten.

Leaving (:func:`leave`) is one transaction: the status becomes ``left``,
every plugin hands over what it keeps in the person's name (the
``person_leaving`` hook: customers to the named colleague or the public
pool, open deals to the colleague or the leaver's manager), the person's
logins are deactivated; a failure anywhere leaves nothing changed. Future
commission stops with the status: nobody books in the name of a leaver.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import polars as pl
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from command_center.db.audit import audit
from command_center.db.engine import read_session, write_session
from command_center.db.models import LEVELS, OrgHistory, Person, User
from command_center.org.history import SINCE_EVER
from command_center.org.scope import OPERATOR, Viewer, people_edges
from command_center.org.tree import children_map, subtree
from command_center.plugins import PluginHost

MAY_CHANGE = frozenset({"director", "manager"})
"""Roles that may change the org below them (the operator may change anyone)."""


class OrgChangeError(ValueError):
    """A refused org change; ``code`` is a translation key, ``params`` its values."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class LeaveResult:
    """What a leave did: rows each plugin handed over, logins deactivated."""

    handed_over: dict[str, int]
    logins: int


def _check_who(viewer: Viewer, person_id: int, edges: dict[int, int | None]) -> None:
    if person_id not in edges:
        raise OrgChangeError("org.error.no_person", person=person_id)
    if viewer == OPERATOR:
        return
    if viewer.role not in MAY_CHANGE or viewer.person_id is None:
        raise OrgChangeError("org.error.role", role=viewer.role)
    below = subtree(viewer.person_id, children_map(edges.items())) - {viewer.person_id}
    if person_id not in below or not viewer.can_see(person_id):
        raise OrgChangeError("org.error.out_of_scope", person=person_id)


def _check_day(session: Session, person_id: int, effective: dt.date, today: dt.date) -> None:
    if effective > today:
        raise OrgChangeError("org.error.future", day=effective.isoformat())
    last = session.scalar(
        select(OrgHistory.effective_from)
        .where(OrgHistory.person_id == person_id)
        .order_by(OrgHistory.effective_from.desc())
        .limit(1)
    )
    if last is not None and effective < last:
        raise OrgChangeError("org.error.before_last", day=effective.isoformat(), last=last)


def _record(
    session: Session,
    person: Person,
    when: tuple[dt.date, dt.date],
    reason: str,
    actor: str,
    action: str,
    **change: Any,
) -> None:
    """Write the person's new place from ``effective`` (and, at their first change,
    the place they had before it, since ever), update today's row and audit
    ``action``; ``when`` is ``(effective, today)``."""
    effective, today = when
    _check_day(session, person.person_id, effective, today)
    before = {name: getattr(person, name) for name in change}
    had_rows = session.scalar(
        select(OrgHistory.person_id).where(OrgHistory.person_id == person.person_id).limit(1)
    )
    if had_rows is None and effective > SINCE_EVER:
        session.add(
            OrgHistory(
                person_id=person.person_id,
                effective_from=SINCE_EVER,
                manager_id=person.manager_id,
                level=person.level,
                status=person.status,
                reason="",
                changed_by=actor,
            )
        )
    for name, value in change.items():
        setattr(person, name, value)
    row = session.get(OrgHistory, (person.person_id, effective))
    if row is None:
        row = OrgHistory(person_id=person.person_id, effective_from=effective)
        session.add(row)
    row.manager_id, row.level, row.status = person.manager_id, person.level, person.status
    row.reason, row.changed_by = reason.strip()[:200], actor
    session.flush()
    audit(session, actor, action, "person", person.person_id, before=before, after=change,
          effective=effective.isoformat(), reason=reason)  # fmt: skip


def _person(session: Session, person_id: int) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise OrgChangeError("org.error.no_person", person=person_id)
    if person.status == "left":
        raise OrgChangeError("org.error.has_left", person=person_id)
    return person


def move(
    engine: Engine,
    viewer: Viewer,
    person_id: int,
    manager_id: int,
    effective: dt.date,
    reason: str = "",
    today: dt.date | None = None,
) -> None:
    """``person_id`` reports to ``manager_id`` from ``effective`` on."""
    today = today or dt.date.today()
    edges = people_edges(engine)
    _check_who(viewer, person_id, edges)
    if manager_id == person_id or manager_id in subtree(person_id, children_map(edges.items())):
        raise OrgChangeError("org.error.cycle", person=person_id, manager=manager_id)
    with write_session(engine) as session:
        person = _person(session, person_id)
        manager = _person(session, manager_id)
        if manager.level == "rep":
            raise OrgChangeError("org.error.rep_manager", manager=manager_id)
        if viewer.person_ids is not None and not viewer.can_see(manager_id):
            raise OrgChangeError("org.error.out_of_scope", person=manager_id)
        when = (effective, today)
        _record(session, person, when, reason, viewer.login, "person_moved", manager_id=manager_id)


def promote(
    engine: Engine,
    viewer: Viewer,
    person_id: int,
    level: str,
    effective: dt.date,
    reason: str = "",
    today: dt.date | None = None,
) -> None:
    """``person_id`` holds ``level`` from ``effective`` on (up or down)."""
    today = today or dt.date.today()
    if level not in LEVELS:
        raise OrgChangeError("org.error.level", level=level, levels=", ".join(LEVELS))
    _check_who(viewer, person_id, people_edges(engine))
    with write_session(engine) as session:
        person = _person(session, person_id)
        action = "person_level_changed"
        _record(session, person, (effective, today), reason, viewer.login, action, level=level)


def leave(
    engine: Engine,
    host: PluginHost,
    viewer: Viewer,
    person_id: int,
    effective: dt.date,
    handover_id: int | None = None,
    reason: str = "",
    today: dt.date | None = None,
) -> LeaveResult:
    """``person_id`` leaves on ``effective``: history, handover and logins in one transaction."""
    today = today or dt.date.today()
    edges = people_edges(engine)
    _check_who(viewer, person_id, edges)
    if any(manager == person_id for manager in edges.values()):
        raise OrgChangeError("org.error.has_team", person=person_id)
    with write_session(engine) as session:
        person = _person(session, person_id)
        if handover_id is not None:
            colleague = _person(session, handover_id)
            if handover_id == person_id or (
                viewer.person_ids is not None and not viewer.can_see(handover_id)
            ):
                raise OrgChangeError("org.error.bad_handover", person=handover_id)
            if colleague.status != "active":
                raise OrgChangeError("org.error.has_left", person=handover_id)
        _record(session, person, (effective, today), reason, viewer.login, "person_left",
                status="left")  # fmt: skip
        handed = _hand_over(host, session, person_id, handover_id, effective, viewer.login)
        logins = session.execute(
            update(User)
            .where(User.person_id == person_id, User.active.is_(True))
            .values(active=False)
        ).rowcount  # type: ignore[attr-defined]
        audit(session, viewer.login, "person_handed_over", "person", person_id,
              handover=handover_id, handed_over=handed, logins=logins)  # fmt: skip
    return LeaveResult(handed, int(logins or 0))


def _hand_over(
    host: PluginHost,
    session: Session,
    person_id: int,
    handover_id: int | None,
    effective: dt.date,
    actor: str,
) -> dict[str, int]:
    """Every plugin's ``person_leaving`` in this transaction; one that fails stops the leave."""
    hook = "person_leaving"
    results = host.call(
        hook,
        session=session,
        person_id=person_id,
        handover_id=handover_id,
        effective=effective,
        actor=actor,
    )
    for impl in host.implementations(hook):
        error = host.infos[impl.plugin_name].hook_errors.get(hook)
        if error:
            raise OrgChangeError("org.error.handover_failed", plugin=impl.plugin_name, error=error)
    return {result.plugin: int(result.value) for result in results}


HISTORY_COLUMNS = ("effective_from", "manager_id", "level", "status", "reason", "changed_by")


def person_history(engine: Engine, viewer: Viewer, person_id: int) -> list[dict[str, Any]]:
    """``person_id``'s recorded places, newest first (nothing for someone out of scope)."""
    if not viewer.can_see(person_id):
        return []
    columns = [getattr(OrgHistory, name) for name in HISTORY_COLUMNS]
    query = (
        select(*columns)
        .where(OrgHistory.person_id == person_id)
        .order_by(OrgHistory.effective_from.desc())
    )
    with read_session(engine) as session:
        return [dict(zip(HISTORY_COLUMNS, row, strict=True)) for row in session.execute(query)]


IMPORTED = "import"
"""The reason of a history row a people import writes."""


def keep_history(session: Session, rows: pl.DataFrame, day: dt.date) -> int:
    """A people import's changes to people who have a history: a row effective ``day``
    (today) for each whose manager, level or status the file changes, so the
    history keeps agreeing with today's ``people`` row. People without history
    need none (their row holds since ever). How many rows were written."""
    ids = rows["person_id"].drop_nulls().unique().to_list()
    tracked = set(
        session.scalars(select(OrgHistory.person_id).where(OrgHistory.person_id.in_(ids)))
    )
    if not tracked:
        return 0
    people = {
        p.person_id: p
        for p in session.scalars(select(Person).where(Person.person_id.in_(sorted(tracked))))
    }
    written = 0
    for row in rows.filter(pl.col("person_id").is_in(sorted(tracked))).iter_rows(named=True):
        person = people[row["person_id"]]
        place = {
            # a file's empty manager puts someone at the top; empty level or status keep theirs
            name: row[name]
            if name in row and (name == "manager_id" or row[name] is not None)
            else getattr(person, name)
            for name in ("manager_id", "level", "status")
        }
        if place == {name: getattr(person, name) for name in place}:
            continue
        found = session.get(OrgHistory, (person.person_id, day))
        if found is None:
            found = OrgHistory(person_id=person.person_id, effective_from=day)
            session.add(found)
        found.manager_id, found.level, found.status = (
            place["manager_id"],
            place["level"],
            place["status"],
        )
        found.reason, found.changed_by = IMPORTED, IMPORTED
        written += 1
    session.flush()
    return written
