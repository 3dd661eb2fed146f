"""Local users: argon2 password hashes, sign-in with lock-out, user admin."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from command_center.db.audit import audit
from command_center.db.engine import write_session
from command_center.db.models import ROLES, Person, User, utcnow
from command_center.org.scope import Viewer, people_edges, scope_for
from command_center.settings import get_settings

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 8


class AuthError(Exception):
    """Sign-in refused; ``code`` is a translation key for the reason."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


class UserError(ValueError):
    """A user could not be created or changed; the message says why."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True)
class SignedIn:
    user_id: int
    login: str
    role: str
    person_id: int | None


def authenticate(engine: Engine, login: str, password: str) -> SignedIn:
    """Check a login and password; count failures and lock after too many.

    Raises :class:`AuthError` with ``auth.bad_credentials`` or ``auth.locked``.
    """
    settings = get_settings()
    now = utcnow()
    with write_session(engine, bump=False) as session:
        user = session.scalars(select(User).where(User.login == login.strip())).first()
        if user is None or not user.active:
            _verify(hash_password("x" * MIN_PASSWORD_LENGTH), password)  # same cost as a miss
            raise AuthError("auth.bad_credentials")
        if user.locked_until is not None and user.locked_until > now:
            minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
            audit(session, user.login, "login_refused_locked", "user", user.user_id)
            raise_after = AuthError("auth.locked", minutes=minutes)
        elif _verify(user.password_hash, password):
            user.failed_attempts = 0
            user.locked_until = None
            user.last_login = now
            if _hasher.check_needs_rehash(user.password_hash):
                user.password_hash = hash_password(password)
            audit(session, user.login, "login", "user", user.user_id)
            return SignedIn(user.user_id, user.login, user.role, user.person_id)
        else:
            user.failed_attempts += 1
            audit(
                session,
                user.login,
                "login_failed",
                "user",
                user.user_id,
                attempts=user.failed_attempts,
            )
            if user.failed_attempts >= settings.lockout_attempts:
                user.locked_until = now + dt.timedelta(minutes=settings.lockout_minutes)
                user.failed_attempts = 0
                audit(
                    session,
                    user.login,
                    "locked_out",
                    "user",
                    user.user_id,
                    minutes=settings.lockout_minutes,
                )
            raise_after = AuthError("auth.bad_credentials")
    # Raised outside the transaction so the failure count is committed.
    raise raise_after


def viewer_for(engine: Engine, signed_in: SignedIn) -> Viewer:
    """The data-layer viewer for a signed-in user (scope computed now)."""
    ids = scope_for(signed_in.role, signed_in.person_id, people_edges(engine))
    return Viewer(signed_in.login, signed_in.role, signed_in.person_id, ids)


def add_user(
    session: Session,
    login: str,
    password: str,
    role: str,
    person_id: int | None = None,
    actor: str = "operator",
) -> User:
    """Create a user; refuse a bad role, a short password or a missing person."""
    login = login.strip()
    if not login:
        raise UserError("login must not be empty")
    if role not in ROLES:
        raise UserError(f"unknown role {role!r}; expected one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"password must have at least {MIN_PASSWORD_LENGTH} characters")
    if role != "admin" and person_id is None:
        raise UserError(f"role {role!r} needs --person: the person in the org tree it signs in as")
    if person_id is not None and session.get(Person, person_id) is None:
        raise UserError(f"no person with id {person_id}")
    if session.scalars(select(User).where(User.login == login)).first() is not None:
        raise UserError(f"user {login!r} exists already")
    user = User(login=login, password_hash=hash_password(password), role=role, person_id=person_id)
    session.add(user)
    session.flush()
    audit(
        session,
        actor,
        "user_added",
        "user",
        user.user_id,
        login=login,
        role=role,
        person_id=person_id,
    )
    return user


def set_password(session: Session, login: str, password: str, actor: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"password must have at least {MIN_PASSWORD_LENGTH} characters")
    user = session.scalars(select(User).where(User.login == login)).first()
    if user is None:
        raise UserError(f"no user {login!r}")
    user.password_hash = hash_password(password)
    user.failed_attempts = 0
    user.locked_until = None
    audit(session, actor, "password_set", "user", user.user_id)


def set_active(session: Session, login: str, active: bool, actor: str) -> None:
    user = session.scalars(select(User).where(User.login == login)).first()
    if user is None:
        raise UserError(f"no user {login!r}")
    user.active = active
    if active:
        user.locked_until = None
        user.failed_attempts = 0
    audit(session, actor, "user_activated" if active else "user_deactivated", "user", user.user_id)
