"""The C allocator's settings for the app (``command_center.allocator``)."""

from __future__ import annotations

import platform
import sqlite3
from pathlib import Path

from command_center import allocator
from command_center.db import cx_worker


def test_configure_adds_the_arena_cap_and_a_users_value_wins() -> None:
    plain, own = {"PATH": "/bin"}, {"MALLOC_ARENA_MAX": "8"}
    allocator.configure(plain)
    allocator.configure(own)
    assert plain == {"PATH": "/bin", "MALLOC_ARENA_MAX": "2"}
    assert own == {"MALLOC_ARENA_MAX": "8"}


def test_trim_runs_where_glibc_is_and_is_a_no_op_elsewhere() -> None:
    assert allocator.trim() is (platform.libc_ver()[0] == "glibc")


def test_worker_answers_again_after_trimming(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (a INTEGER, b TEXT)")
        conn.executemany("INSERT INTO t VALUES (?, ?)", [(1, "x"), (2, "y"), (3, "z")])
    uri = f"sqlite://{path}"
    first = cx_worker.read_sqlite("SELECT a, b FROM t ORDER BY a", uri)
    again = cx_worker.read_sqlite("SELECT sum(a) AS s FROM t", uri)
    assert first["b"].to_list() == ["x", "y", "z"]
    assert again["s"].to_list() == [6]
