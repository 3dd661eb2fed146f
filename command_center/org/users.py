"""The Admin page's reads and writes of logins; the page itself is widgets only.

Every write is refused unless the acting viewer is an admin (the page is shown
to admins only; this is the data layer's own check) and goes through the
rules of :mod:`command_center.org.auth` (canonical logins, password rules, the
last active admin kept), audited, in one transaction.
"""

from __future__ import annotations

import polars as pl
from sqlalchemy import Engine, select

from command_center.db.engine import read_session, write_session
from command_center.db.models import User
from command_center.db.tables import polars_schema
from command_center.org.auth import UserError, add_user, set_active, set_password, set_role
from command_center.org.scope import Viewer

ADMINS = frozenset({"admin"})
COLUMNS = ("login", "role", "person_id", "active", "locked_until", "last_login")


def _require_admin(viewer: Viewer) -> None:
    if viewer.role not in ADMINS:
        raise UserError("admins_only", role=viewer.role)


def user_table(engine: Engine) -> pl.DataFrame:
    """Every login with its role, person, state and last sign-in, by login."""
    columns = [getattr(User, name) for name in COLUMNS]
    with read_session(engine) as session:
        rows = session.execute(select(*columns).order_by(User.login)).all()
    return pl.DataFrame(
        [tuple(row) for row in rows], schema=polars_schema(User, list(COLUMNS)), orient="row"
    )


def create_user(
    engine: Engine, viewer: Viewer, login: str, password: str, role: str, person_id: int | None
) -> str:
    """Add a login (see ``auth.add_user``); returns it in canonical form."""
    _require_admin(viewer)
    with write_session(engine) as session:
        return add_user(session, login, password, role, person_id, actor=viewer.login).login


def change_user(
    engine: Engine,
    viewer: Viewer,
    login: str,
    *,
    role: str,
    person_id: int | None,
    active: bool,
    password: str = "",
) -> None:
    """Save the Admin page's edit of one login, all or nothing: a new password (when
    given), role and person, and the active flag (saving an active user also
    unlocks it)."""
    _require_admin(viewer)
    with write_session(engine) as session:
        was_active = session.scalar(select(User.active).where(User.login == login))
        if password:
            set_password(session, login, password, viewer.login)
        set_role(session, login, role, person_id, viewer.login)
        if active or was_active:
            set_active(session, login, active, viewer.login)
