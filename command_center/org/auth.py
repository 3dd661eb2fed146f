"""Local users: argon2 password hashes, sign-in with lock-out, user admin.

Rules (issue 13, defect 6):

- A login is stored in its canonical form: Unicode NFKC, trimmed, case-folded.
  It must then be 1–64 ASCII letters, digits or ``. _ - @``, starting with a
  letter or digit: NFKC turns full-width ``ｒｅｐ`` into ``rep``, and anything
  still outside ASCII (Cyrillic ``е`` in ``rеp``, control or bidi characters)
  is refused, so no login can pass for another by script or case. Within ASCII
  a login whose skeleton (``rn``→``m``, ``vv``→``w``, ``cl``→``d``, ``0``→``o``,
  ``1``→``l``) equals an existing one's is refused as a look-alike.
- Sign-in finds the login case-insensitively after the same normalisation.
- A password, when it is set (:func:`add_user`, :func:`set_password`; not at
  sign-in, so older databases keep working), has at least
  :data:`MIN_PASSWORD_LENGTH` characters, is not the login and is not on the
  bundled list of common passwords (``common_passwords.txt``).
- An unknown or inactive login costs one argon2 verification, like a wrong
  password, so timing does not tell which logins exist.
- :func:`recheck` reloads the signed-in user; the app calls it on every run,
  so deactivation and role changes apply on the user's next rerun.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from command_center.db.audit import audit
from command_center.db.engine import read_session, write_session
from command_center.db.ids import lock_table
from command_center.db.models import ROLES, Person, User, utcnow
from command_center.i18n import t
from command_center.org.scope import Viewer, people_edges, scope_for
from command_center.settings import get_settings

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 10
MAX_LOGIN_LENGTH = 64
COMMON_PASSWORDS = Path(__file__).resolve().parent / "common_passwords.txt"
_LOGIN = re.compile(r"[a-z0-9][a-z0-9._@-]*", re.ASCII)
# ASCII sequences that read as another one (Unicode confusables, lower case).
_LOOKALIKES = (("rn", "m"), ("vv", "w"), ("cl", "d"), ("0", "o"), ("1", "l"))


class AuthError(Exception):
    """Sign-in refused; ``code`` is a translation key for the reason."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


class UserError(ValueError):
    """A user could not be created or changed; ``str()`` says why (translated).

    ``key`` names the message in the ``[login_rules]`` catalog table.
    """

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def __str__(self) -> str:
        return t(f"login_rules.{self.key}", **self.params)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@functools.cache
def _dummy_hash() -> str:
    """A hash no password matches, made once, verified for unknown logins."""
    return hash_password(f"no such user {id(_hasher)}")


# -- logins ---------------------------------------------------------------------------


def normalise_login(login: str) -> str:
    """The canonical form of a login: NFKC, trimmed, case-folded."""
    return unicodedata.normalize("NFKC", login).strip().casefold()


def check_login(login: str) -> str:
    """The canonical login, or :class:`UserError` if it breaks the login rules."""
    key = normalise_login(login)
    if not key:
        raise UserError("login_empty")
    if len(key) > MAX_LOGIN_LENGTH:
        raise UserError("login_too_long", max=MAX_LOGIN_LENGTH)
    if not _LOGIN.fullmatch(key):
        raise UserError("login_chars")
    return key


def skeleton(key: str) -> str:
    """What a canonical login looks like: look-alike sequences folded together."""
    for seen, read_as in _LOOKALIKES:
        key = key.replace(seen, read_as)
    return key


def _find_user(session: Session, login: str) -> User | None:
    """The user ``login`` names: case-insensitively after NFKC (exact spelling wins)."""
    raw = unicodedata.normalize("NFKC", login).strip()
    key = raw.casefold()
    if not key or len(key) > 4 * MAX_LOGIN_LENGTH:
        return None
    users = list(session.scalars(select(User).where(func.lower(User.login) == key)))
    if not users and key != raw:  # an older, non-ASCII login spelled exactly
        users = list(session.scalars(select(User).where(User.login == raw)))
    exact = [u for u in users if u.login == raw]
    if exact:
        return exact[0]
    return users[0] if len(users) == 1 else None


def _check_unique(session: Session, key: str) -> None:
    """Refuse ``key`` if it equals or looks like an existing login."""
    lock_table(session, User.__tablename__)  # PostgreSQL: no concurrent add slips past
    shape = skeleton(key)
    for other in session.scalars(select(User.login)):
        other_key = normalise_login(other)
        if other_key == key:
            raise UserError("login_exists", login=other)
        if skeleton(other_key) == shape:
            raise UserError("login_lookalike", login=key, other=other)


# -- passwords ------------------------------------------------------------------------


@functools.cache
def common_passwords() -> frozenset[str]:
    """The bundled list of common passwords (lower case)."""
    lines = COMMON_PASSWORDS.read_text("utf-8").split("\n")
    return frozenset(line for line in lines if line and not line.startswith("# "))


def check_password(password: str, login: str = "") -> None:
    """Refuse a password that is short, common, or the login itself."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError("password_short", min=MIN_PASSWORD_LENGTH)
    folded = password.casefold()
    if login and folded == normalise_login(login):
        raise UserError("password_is_login")
    if folded in common_passwords() or password.lower() in common_passwords():
        raise UserError("password_common")


@dataclass(frozen=True)
class SignedIn:
    user_id: int
    login: str
    role: str
    person_id: int | None


def authenticate(engine: Engine, login: str, password: str) -> SignedIn:
    """Check a login and password; count failures and lock after too many.

    The login is found case-insensitively after NFKC normalisation. Raises
    :class:`AuthError` with ``auth.bad_credentials`` or ``auth.locked``.
    """
    settings = get_settings()
    now = utcnow()
    with write_session(engine, bump=False) as session:
        user = _find_user(session, login)
        if user is None or not user.active:
            _verify(_dummy_hash(), password)  # the same cost as a wrong password
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


def recheck(engine: Engine, signed_in: SignedIn) -> SignedIn | None:
    """The signed-in user as the database has it now; ``None`` if gone or deactivated.

    The app calls this on every run, so an admin's change (deactivation, a new
    role or person) applies on the user's next rerun.
    """
    with read_session(engine) as session:
        user = session.get(User, signed_in.user_id)
        if user is None or not user.active:
            return None
        return SignedIn(user.user_id, user.login, user.role, user.person_id)


def viewer_for(engine: Engine, signed_in: SignedIn) -> Viewer:
    """The data-layer viewer for a signed-in user (scope computed now)."""
    ids = scope_for(signed_in.role, signed_in.person_id, people_edges(engine))
    return Viewer(signed_in.login, signed_in.role, signed_in.person_id, ids)


def _check_role(session: Session, role: str, person_id: int | None) -> None:
    if role not in ROLES:
        raise UserError("unknown_role", role=role, roles=", ".join(ROLES))
    if role != "admin" and person_id is None:
        raise UserError("needs_person", role=role)
    if person_id is not None and session.get(Person, person_id) is None:
        raise UserError("no_person", id=person_id)


def _user(session: Session, login: str) -> User:
    user = _find_user(session, login)
    if user is None:
        raise UserError("no_user", login=login)
    return user


def add_user(
    session: Session,
    login: str,
    password: str,
    role: str,
    person_id: int | None = None,
    actor: str = "operator",
) -> User:
    """Create a user under its canonical login; refuse anything the rules refuse.

    Refused: a login outside the rules or equal to / looking like an existing
    one, an unknown role, a short or common password, a missing person.
    """
    key = check_login(login)
    _check_role(session, role, person_id)
    check_password(password, key)
    _check_unique(session, key)
    user = User(login=key, password_hash=hash_password(password), role=role, person_id=person_id)
    session.add(user)
    session.flush()
    audit(
        session,
        actor,
        "user_added",
        "user",
        user.user_id,
        login=key,
        role=role,
        person_id=person_id,
    )
    return user


def set_password(session: Session, login: str, password: str, actor: str) -> None:
    user = _user(session, login)
    check_password(password, user.login)
    user.password_hash = hash_password(password)
    user.failed_attempts = 0
    user.locked_until = None
    audit(session, actor, "password_set", "user", user.user_id)


def _keep_an_admin(session: Session, user: User, role: str, active: bool) -> None:
    """Refuse to leave no active admin (the Admin page would be out of reach)."""
    if user.role != "admin" or not user.active or (role == "admin" and active):
        return
    lock_table(session, User.__tablename__)
    others = session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.role == "admin", User.active.is_(True), User.user_id != user.user_id)
    )
    if not others:
        raise UserError("last_admin", login=user.login)


def set_active(session: Session, login: str, active: bool, actor: str) -> None:
    user = _user(session, login)
    _keep_an_admin(session, user, user.role, active)
    user.active = active
    if active:
        user.locked_until = None
        user.failed_attempts = 0
    audit(session, actor, "user_activated" if active else "user_deactivated", "user", user.user_id)


def set_role(session: Session, login: str, role: str, person_id: int | None, actor: str) -> None:
    """Give ``login`` a new role and/or person; applies on the user's next rerun."""
    user = _user(session, login)
    _check_role(session, role, person_id)
    if (user.role, user.person_id) == (role, person_id):
        return
    _keep_an_admin(session, user, role, user.active)
    audit(
        session,
        actor,
        "role_changed",
        "user",
        user.user_id,
        role=role,
        person_id=person_id,
        was_role=user.role,
        was_person_id=user.person_id,
    )
    user.role = role
    user.person_id = person_id
