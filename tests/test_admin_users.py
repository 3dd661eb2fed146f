"""The Admin page's logins: reads and role-checked writes in command_center.org.users,
and the page (widgets only) driving them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from command_center import testing as apptest
from command_center.db.engine import read_session
from command_center.db.models import AuditEntry, User
from command_center.org.auth import UserError, authenticate
from command_center.org.scope import Viewer
from command_center.org.users import change_user, create_user, user_table
from tests.conftest import Db, use_db
from tests.fixtures_logins import PASSWORD

ROOT = Viewer("root", "admin", None, None)


def _audited(db: Db) -> list[tuple[str, str]]:
    with read_session(db.engine) as session:
        rows = session.execute(select(AuditEntry.actor, AuditEntry.action)).all()
    return [(actor, action) for actor, action in rows]


def test_admin_adds_and_changes_a_login(users_db: Db) -> None:
    assert create_user(users_db.engine, ROOT, " New.Rep ", PASSWORD, "rep", 5) == "new.rep"
    change_user(users_db.engine, ROOT, "new.rep", role="supervisor", person_id=3, active=True)
    table = user_table(users_db.engine)
    assert table["login"].to_list() == ["new.rep", "rep4", "root"]
    row = table.filter(login="new.rep").row(0, named=True)
    assert (row["role"], row["person_id"], row["active"]) == ("supervisor", 3, True)
    change_user(
        users_db.engine, ROOT, "new.rep", role="rep", person_id=5, active=False, password="x" * 12
    )
    assert not user_table(users_db.engine).filter(login="new.rep")["active"].item()
    assert ("root", "user_added") in _audited(users_db)
    assert ("root", "password_set") in _audited(users_db)
    assert ("root", "user_deactivated") in _audited(users_db)


@pytest.mark.parametrize("role", ["director", "manager", "supervisor", "rep"])
def test_only_an_admin_may_write_logins(users_db: Db, role: str) -> None:
    someone = Viewer("rep4", role, 4, frozenset({4}))
    with pytest.raises(UserError) as refused:
        create_user(users_db.engine, someone, "sneaky", PASSWORD, "admin", None)
    assert refused.value.key == "admins_only" and role in str(refused.value)
    with pytest.raises(UserError):
        change_user(users_db.engine, someone, "rep4", role="admin", person_id=None, active=True)
    assert user_table(users_db.engine)["login"].to_list() == ["rep4", "root"]
    assert user_table(users_db.engine).filter(login="rep4")["role"].item() == "rep"


def test_a_refused_change_writes_nothing(users_db: Db) -> None:
    with pytest.raises(UserError) as refused:  # the new password is fine, the person is not
        change_user(
            users_db.engine, ROOT, "rep4", role="rep", person_id=999, active=True, password="p" * 12
        )
    assert refused.value.key == "no_person"
    assert authenticate(users_db.engine, "rep4", PASSWORD).login == "rep4"


@pytest.mark.one_backend
def test_the_admin_page_adds_a_user(users_db: Db, monkeypatch, app_env) -> None:
    use_db(monkeypatch, users_db)
    at = apptest.start(users_db.engine, "root")
    login, password = (w for w in at.text_input if w.label in ("Login", "Password"))
    login.input("page.added")
    password.input(PASSWORD)
    next(w for w in at.text_input if w.label == "Person key").input("5")  # keys: the ids' text
    next(b for b in at.button if b.label == "Add").click()
    at.run()
    assert not at.exception
    assert "page.added" in apptest.texts(at)
    with read_session(users_db.engine) as session:
        assert session.scalar(select(User.role).where(User.login == "page.added")) == "director"
