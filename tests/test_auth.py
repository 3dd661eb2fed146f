"""Sign-in with argon2 hashes, lock-out, user admin."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from command_center.db.engine import write_session
from command_center.db.models import AuditEntry, User
from command_center.org.auth import AuthError, UserError, add_user, authenticate, set_active
from tests.factories import load_small_org


@pytest.fixture
def users_db(empty_db):
    load_small_org(empty_db.engine)
    with write_session(empty_db.engine) as session:
        add_user(session, "rep4", "secret-pass", "rep", 4)
        add_user(session, "root", "secret-pass", "admin")
    return empty_db


def test_hash_is_argon2_and_sign_in_works(users_db) -> None:
    with write_session(users_db.engine) as session:
        stored = session.scalars(select(User.password_hash).where(User.login == "rep4")).one()
    assert stored.startswith("$argon2id$") and "secret-pass" not in stored
    signed = authenticate(users_db.engine, "rep4", "secret-pass")
    assert (signed.role, signed.person_id) == ("rep", 4)


def test_wrong_password_and_unknown_user_same_message(users_db) -> None:
    for login in ("rep4", "nobody"):
        with pytest.raises(AuthError) as err:
            authenticate(users_db.engine, login, "wrong-pass")
        assert err.value.code == "auth.bad_credentials"


def test_lockout_after_repeated_failures(users_db, monkeypatch) -> None:
    monkeypatch.setenv("COMMAND_CENTER_LOCKOUT_ATTEMPTS", "3")
    for _ in range(3):
        with pytest.raises(AuthError):
            authenticate(users_db.engine, "rep4", "wrong-pass")
    with pytest.raises(AuthError) as err:
        authenticate(users_db.engine, "rep4", "secret-pass")  # right password, still locked
    assert err.value.code == "auth.locked"
    with write_session(users_db.engine) as session:
        actions = session.scalars(select(AuditEntry.action)).all()
        set_active(session, "rep4", True, "root")  # an admin unlocks
    assert "locked_out" in actions and "login_refused_locked" in actions
    assert authenticate(users_db.engine, "rep4", "secret-pass").login == "rep4"


def test_inactive_user_cannot_sign_in(users_db) -> None:
    with write_session(users_db.engine) as session:
        set_active(session, "rep4", False, "root")
    with pytest.raises(AuthError):
        authenticate(users_db.engine, "rep4", "secret-pass")


@pytest.mark.parametrize(
    ("login", "password", "role", "person", "message"),
    [
        ("x", "secret-pass", "boss", 4, "unknown role"),
        ("x", "short", "rep", 4, "at least"),
        ("x", "secret-pass", "rep", None, "needs --person"),
        ("x", "secret-pass", "rep", 999, "no person"),
        ("rep4", "secret-pass", "rep", 4, "exists already"),
    ],
)
def test_add_user_refusals(users_db, login, password, role, person, message) -> None:
    with pytest.raises(UserError, match=message), write_session(users_db.engine) as session:
        add_user(session, login, password, role, person)
