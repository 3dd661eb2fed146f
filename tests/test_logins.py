"""Logins and sessions (issue 13, defect 6).

Logins are unique case-insensitively after NFKC, from a restricted ASCII set,
and impostors are refused; passwords are long and not common when set; an
unknown login costs what a wrong password costs; a deactivated user or a new
role takes effect on the user's next rerun (AppTest).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from command_center import testing as apptest
from command_center.db.engine import read_session, write_session
from command_center.db.models import AuditEntry, User
from command_center.org import auth
from command_center.org.auth import (
    AuthError,
    SignedIn,
    UserError,
    add_user,
    authenticate,
    check_login,
    recheck,
    set_active,
    set_password,
    set_role,
)
from tests.conftest import Db, use_db
from tests.fixtures_logins import PASSWORD


def _logins(db: Db) -> list[str]:
    with read_session(db.engine) as session:
        return sorted(session.scalars(select(User.login)))


def _add(db: Db, login: str, password: str = PASSWORD, person: int | None = 5) -> None:
    with write_session(db.engine) as session:
        add_user(session, login, password, "rep", person)


# -- logins: normalised, unique, restricted ------------------------------------------


def test_login_is_stored_canonical_and_signs_in_in_any_case(users_db: Db) -> None:
    _add(users_db, "  Alice.W@Team-1 ")
    assert "alice.w@team-1" in _logins(users_db)
    for typed in ("alice.w@team-1", "ALICE.W@TEAM-1", "ａｌｉｃｅ.ｗ@ｔｅａｍ-１"):  # full-width
        assert authenticate(users_db.engine, typed, PASSWORD).login == "alice.w@team-1"


@pytest.mark.parametrize("login", ["REP4", "Rep4", "rep4 ", "ｒｅｐ４", "ＲＥＰ４"])
def test_login_unique_ignoring_case_and_width(users_db: Db, login: str) -> None:
    with pytest.raises(UserError, match="exists already") as err:
        _add(users_db, login)
    assert err.value.key == "login_exists"
    assert _logins(users_db) == ["rep4", "root"]


@pytest.mark.parametrize(("login", "existing"), [("r00t", "root"), ("ro0t", "root")])
def test_lookalike_of_an_existing_login_is_refused(
    users_db: Db, login: str, existing: str | None
) -> None:
    with pytest.raises(UserError) as err:
        _add(users_db, login)
    assert err.value.key == "login_lookalike" and err.value.params["other"] == existing


def test_lookalike_sequences(users_db: Db) -> None:
    _add(users_db, "mary")
    _add(users_db, "bill", person=7)
    for impostor in ("rnary", "bi11", "bil1"):
        with pytest.raises(UserError) as err:
            _add(users_db, impostor)
        assert err.value.key == "login_lookalike"
    _add(users_db, "marya", person=7)  # different enough: accepted


@pytest.mark.parametrize(
    "login",
    [
        "rеp4",  # Cyrillic е (U+0435): an impostor of rep4
        "реп",  # all Cyrillic
        "rep\u202e4",  # right-to-left override
        "rep\x00",  # NUL
        "re\x1b[31mp",  # terminal escape
        "rep 5",  # space
        "rep\t5",
        "zoë",  # non-ASCII letter
        "用户",
        "-rep",  # must start with a letter or digit
        ".rep",
        "a" * 65,
        "",
        "   ",
    ],
)
def test_login_character_set_and_length(users_db: Db, login: str) -> None:
    with pytest.raises(UserError) as err:
        _add(users_db, login)
    assert err.value.key in {"login_chars", "login_too_long", "login_empty"}
    assert _logins(users_db) == ["rep4", "root"]


def test_login_limits_accept_the_whole_set() -> None:
    assert check_login("a" * 64) == "a" * 64
    assert check_login("J.Doe_2-x@Corp") == "j.doe_2-x@corp"
    assert check_login("\u212aelvin") == "kelvin"  # Kelvin sign: NFKC gives K


def test_impostor_cannot_sign_in_as_the_real_user(users_db: Db) -> None:
    with pytest.raises(AuthError):
        authenticate(users_db.engine, "rеp4", PASSWORD)  # Cyrillic е


def test_user_error_is_translated(users_db: Db) -> None:
    from command_center.i18n import language

    with pytest.raises(UserError) as err:
        _add(users_db, "Rep4")
    with language("zh_CN"):
        assert "已存在" in str(err.value)
    assert "exists already" in str(err.value)


# -- passwords ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "key"),
    [
        ("nine-char", "password_short"),
        ("abcdefghi", "password_short"),
        ("1234567890", "password_common"),
        ("qwertyuiop", "password_common"),
        ("QwertyUiop", "password_common"),  # case does not hide it
        ("1q2w3e4r5t", "password_common"),
        ("password123", "password_common"),
        ("newuser-42x", "password_is_login"),
    ],
)
def test_password_rules_when_adding(users_db: Db, password: str, key: str) -> None:
    with pytest.raises(UserError) as err:
        _add(users_db, "newuser-42x", password)
    assert err.value.key == key


def test_password_rules_when_setting_and_old_passwords_still_sign_in(users_db: Db) -> None:
    with pytest.raises(UserError, match="at least 10"), write_session(users_db.engine) as s:
        set_password(s, "rep4", "short-pw", "root")
    with pytest.raises(UserError, match="common"), write_session(users_db.engine) as s:
        set_password(s, "REP4", "qwertyuiop", "root")
    # A password set before the rule (8 characters) keeps working at sign-in.
    with write_session(users_db.engine) as s:
        user = s.scalars(select(User).where(User.login == "rep4")).one()
        user.password_hash = auth.hash_password("old-pass")
    assert authenticate(users_db.engine, "rep4", "old-pass").login == "rep4"
    with write_session(users_db.engine) as s:
        set_password(s, "Rep4", "a-much-better-one", "root")
    assert authenticate(users_db.engine, "rep4", "a-much-better-one").login == "rep4"


def test_bundled_common_password_list() -> None:
    common = auth.common_passwords()
    assert len(common) >= 10_000
    assert {"123456", "password", "qwertyuiop", "1234567890"} <= common
    assert not any(p.startswith("# ") for p in common)


# -- equal cost for unknown logins --------------------------------------------------------


class _CountingHasher(PasswordHasher):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[str] = []

    def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
        self.calls.append("hash")
        return super().hash(password, salt=salt)

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        self.calls.append("verify")
        return super().verify(hash, password)


def test_unknown_inactive_and_wrong_password_cost_one_verification(
    users_db: Db, monkeypatch: pytest.MonkeyPatch
) -> None:
    _add(users_db, "gone-user")
    with write_session(users_db.engine) as session:
        set_active(session, "gone-user", False, "root")
    hasher = _CountingHasher()
    monkeypatch.setattr(auth, "_hasher", hasher)
    with pytest.raises(AuthError):  # the first miss may make the dummy hash once
        authenticate(users_db.engine, "warm-up", "wrong-password")
    costs: dict[str, list[str]] = {}
    for login in ("rep4", "nobody-here", "gone-user", "x" * 500):
        hasher.calls.clear()
        with pytest.raises(AuthError) as err:
            authenticate(users_db.engine, login, "wrong-password")
        assert err.value.code == "auth.bad_credentials"
        costs[login] = list(hasher.calls)
    assert all(calls == ["verify"] for calls in costs.values()), costs
    assert not hasher.check_needs_rehash(auth._dummy_hash())  # same parameters as real hashes


# -- the session re-checks the user on every run ------------------------------------------


def test_recheck_follows_the_database(users_db: Db) -> None:
    signed = authenticate(users_db.engine, "rep4", PASSWORD)
    assert recheck(users_db.engine, signed) == signed
    with write_session(users_db.engine) as session:
        set_role(session, "rep4", "supervisor", 3, "root")
    assert recheck(users_db.engine, signed) == SignedIn(signed.user_id, "rep4", "supervisor", 3)
    with write_session(users_db.engine) as session:
        set_active(session, "rep4", False, "root")
        actions = list(session.scalars(select(AuditEntry.action)))
    assert recheck(users_db.engine, signed) is None
    assert "role_changed" in actions and "user_deactivated" in actions


def test_set_role_refusals(users_db: Db) -> None:
    for role, person, key in [
        ("boss", 4, "unknown_role"),
        ("rep", None, "needs_person"),
        ("rep", 999, "no_person"),
    ]:
        with pytest.raises(UserError) as err, write_session(users_db.engine) as session:
            set_role(session, "rep4", role, person, "root")
        assert err.value.key == key
    with pytest.raises(UserError) as err, write_session(users_db.engine) as session:
        set_role(session, "nobody", "rep", 4, "root")
    assert err.value.key == "no_user"


def test_the_last_active_admin_stays(users_db: Db) -> None:
    for change in (
        lambda s: set_active(s, "root", False, "root"),
        lambda s: set_role(s, "ROOT", "director", 1, "root"),
    ):
        with pytest.raises(UserError) as err, write_session(users_db.engine) as session:
            change(session)
        assert err.value.key == "last_admin"
    with write_session(users_db.engine) as session:
        add_user(session, "second-admin", PASSWORD, "admin")
    with write_session(users_db.engine) as session:
        set_role(session, "root", "director", 1, "second-admin")
    with pytest.raises(UserError) as err, write_session(users_db.engine) as session:
        set_active(session, "second-admin", False, "second-admin")
    assert err.value.key == "last_admin"


@pytest.fixture
def app_users(users_db: Db, monkeypatch: pytest.MonkeyPatch, app_env: None) -> Iterator[Db]:
    use_db(monkeypatch, users_db)
    yield users_db


def _caption(at: object) -> str:
    return "\n".join(str(c.value) for c in at.sidebar.caption)  # type: ignore[attr-defined]


@pytest.mark.one_backend
def test_deactivated_user_is_signed_out_on_next_rerun(app_users: Db) -> None:
    at = apptest.start(app_users.engine, "rep4")
    assert "rep4" in _caption(at) and not at.exception
    with write_session(app_users.engine) as session:
        set_active(session, "rep4", False, "root")
    at.run()
    assert not at.exception
    assert "signed_in" not in at.session_state
    assert len(apptest.page_paths(at)) == 1  # the sign-in form only
    assert "this login was deactivated" in apptest.texts(at)


@pytest.mark.one_backend
def test_changed_role_applies_on_next_rerun(app_users: Db) -> None:
    at = apptest.start(app_users.engine, "rep4")
    assert "(Sales rep)" in _caption(at)
    assert "admin" not in apptest.page_paths(at)
    with write_session(app_users.engine) as session:
        set_role(session, "rep4", "supervisor", 3, "root")
    at.run()
    assert "(Supervisor)" in _caption(at) and not at.exception
    assert at.session_state["signed_in"].role == "supervisor"
    with write_session(app_users.engine) as session:
        set_role(session, "rep4", "admin", None, "root")
    at.run()
    assert "(Admin)" in _caption(at)
    assert "Admin" in apptest.texts(at)  # the admin's default page
