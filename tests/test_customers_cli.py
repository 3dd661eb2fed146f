"""``command-center abc`` against the pinned rule (an independent implementation here),
and ``command-center pool release``; scoped with --user."""

from __future__ import annotations

import datetime as dt
import io

import polars as pl
import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from command_center import cli
from command_center.testing import signed_in
from tests.conftest import use_db

runner = CliRunner()
HEADER = "customer_id,revenue,share,cumulative_share,grade"


@pytest.fixture
def demo(demo_db, monkeypatch, app_env):
    use_db(monkeypatch, demo_db)
    cli.build_app()
    return demo_db


def invoke(*args: str, user: str | None = None):
    env = {"COMMAND_CENTER_PASSWORD": "demo-pass-2026"} if user else None
    prefix = ["--user", user] if user else []
    return runner.invoke(cli.app, [*prefix, *args], env=env)


def months_before(day: dt.date, n: int) -> dt.date:
    y, m = divmod(day.year * 12 + day.month - 1 - n, 12)
    for d in range(day.day, 0, -1):
        try:
            return dt.date(y, m + 1, d)
        except ValueError:
            continue
    raise AssertionError


def pinned(engine, as_of: dt.date, months: int, a: float, b: float, person_ids=None):
    """The rule as the issue states it, in plain Python over plain SQL rows."""
    after = months_before(as_of, months)
    with engine.connect() as conn:
        customers = [r[0] for r in conn.execute(text("SELECT customer_id, owner_id FROM customers"))
                     if person_ids is None or r[1] in person_ids]  # fmt: skip
        rows = conn.execute(
            text("SELECT customer_id, person_id, order_date, revenue FROM orders")
        ).all()
        named = dict(conn.execute(text("SELECT customer_id, customer_key FROM customers")).all())
    wanted = set(customers)
    cents = dict.fromkeys(customers, 0.0)
    for cid, pid, day, revenue in rows:
        day = day if isinstance(day, dt.date) else dt.date.fromisoformat(day)
        if cid in wanted and after < day <= as_of and (person_ids is None or pid in person_ids):
            cents[cid] += revenue
    cents = {c: round(v * 100) for c, v in cents.items()}
    order = sorted(cents, key=lambda c: (-cents[c], c))
    total, above, out = sum(cents.values()), 0, []
    for c in order:
        share_above = above / total if total else 0.0
        grade = "C" if not cents[c] else "A" if share_above < a else "B" if share_above < b else "C"
        above += cents[c]
        out.append((named[c], cents[c] / 100, grade, above / total if total else 0.0))  # keys
    return out


def parse(output: str) -> pl.DataFrame:
    assert output.splitlines()[0] == HEADER
    return pl.read_csv(io.StringIO(output))


def check(frame: pl.DataFrame, expected: list) -> None:
    assert frame["customer_id"].to_list() == [c for c, *_ in expected]
    assert frame["grade"].to_list() == [g for _, _, g, _ in expected]
    assert frame["revenue"].to_list() == pytest.approx([r for _, r, _, _ in expected])
    assert frame["cumulative_share"].to_list() == pytest.approx([s for *_, s in expected])


def test_abc_csv_matches_the_pinned_rule(demo) -> None:
    result = invoke("abc", "--as-of", "2026-10-31", "--months", "12")
    assert result.exit_code == 0, result.output
    frame = parse(result.output)
    check(frame, pinned(demo.engine, dt.date(2026, 10, 31), 12, 0.8, 0.95))
    assert frame["share"].sum() == pytest.approx(1.0)
    assert set(frame["grade"]) == {"A", "B", "C"}


def test_abc_other_window_and_cutoffs(demo) -> None:
    result = invoke("abc", "--as-of", "2026-03-15", "--months", "3", "--cutoffs", "0.5,0.9")
    assert result.exit_code == 0, result.output
    check(parse(result.output), pinned(demo.engine, dt.date(2026, 3, 15), 3, 0.5, 0.9))


def test_abc_for_a_rep_grades_their_own_customers_only(demo) -> None:
    me = signed_in(demo.engine, "rep").person_id
    result = invoke("abc", "--as-of", "2026-10-31", user="rep")
    assert result.exit_code == 0, result.output
    frame = parse(result.output)
    expected = pinned(demo.engine, dt.date(2026, 10, 31), 12, 0.8, 0.95, {me})
    assert expected, "the demo rep owns customers"
    check(frame, expected)
    admin = invoke("abc", user="admin")
    assert admin.exit_code == 0 and admin.output.strip() == HEADER


def test_abc_table_and_bad_options(demo) -> None:
    table = invoke("abc", "--as-of", "2026-10-31", "--format", "table")
    assert table.exit_code == 0 and "customer_id" in table.output.splitlines()[0]
    for args, word in [
        (("--format", "json"), "format"),
        (("--cutoffs", "0.9,0.8"), "Cut-offs"),
        (("--months", "0"), "month"),
        (("--as-of", "2026-13-01"), "date"),
    ]:
        result = invoke("abc", *args)
        assert result.exit_code != 0 and word in result.output, result.output


def test_pool_release_needs_a_director_or_the_operator(demo) -> None:
    refused = invoke("pool", "release", user="rep")
    assert refused.exit_code != 0 and "director" in refused.output


def test_pool_release_is_idempotent(empty_db, monkeypatch, app_env) -> None:
    from tests.factories import load_small_org

    load_small_org(empty_db.engine)
    use_db(monkeypatch, empty_db)
    cli.build_app()
    first = invoke("pool", "release", "--as-of", "2026-11-27")
    assert first.exit_code == 0 and "Released 1 customer " in first.output, first.output
    again = invoke("pool", "release", "--as-of", "2026-11-27")
    assert again.exit_code == 0 and "Released 0 customers" in again.output
