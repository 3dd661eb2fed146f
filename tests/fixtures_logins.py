"""Shared helpers of the login tests (loaded by ``tests/conftest.py`` as a pytest plugin).

- :data:`PASSWORD`: a password every rule accepts;
- :func:`users_db`: a new database with the small org, a rep (``rep4``, person 4)
  and an admin (``root``), both signing in with :data:`PASSWORD`.
"""

from __future__ import annotations

import pytest

from command_center.db.engine import write_session
from command_center.org.auth import add_user
from tests.conftest import Db
from tests.factories import load_small_org

PASSWORD = "violet-harbour-42"


@pytest.fixture
def users_db(empty_db: Db) -> Db:
    load_small_org(empty_db.engine)
    with write_session(empty_db.engine) as session:
        add_user(session, "rep4", PASSWORD, "rep", 4)
        add_user(session, "root", PASSWORD, "admin")
    return empty_db
