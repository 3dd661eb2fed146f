"""Home page render: the real app under Streamlit's AppTest, signed in as
``director`` and as ``rep``.

Each repeat is a fresh process (nothing cached, modules imported before the
clock starts): the first run is the cold page, the second run (a rerun of the
same session) the warm one. The baseline is the same with
``frames._force_sqlalchemy`` set, so every frame is read with
``pl.read_database`` over SQLAlchemy instead of connectorx.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Any

from bench.check import check_results, compare_values
from bench.data import BenchDb
from bench.load import start_worker
from bench.measure import Outcome, Result, run_task

LOGINS = ("director", "rep")
OURS = "ours: connectorx"
BASELINE = "pl.read_database (SQLAlchemy)"


def first(login: str) -> str:
    return f"home: first run, cold ({login})"


def second(login: str) -> str:
    return f"home: second run, warm ({login})"


def _page_numbers(at: Any) -> list[Any]:
    """What the page showed: KPI labels and values, and each table's size."""
    shown: list[Any] = [(str(m.label), str(m.value)) for m in at.metric]
    for frame in at.dataframe:
        value = frame.value
        shown.append(("table", *getattr(value, "shape", (len(value),))))
    return shown


def _assert_clean(at: Any, login: str) -> None:
    problems = [str(e.value) for e in at.exception] + [str(e.value) for e in at.error]
    if problems:
        raise RuntimeError(f"home page for {login} failed: {problems[:3]}")


def home_task(repeat: int, url: str, login: str, sqlalchemy: bool) -> Outcome:
    os.environ["COMMAND_CENTER_DB_URL"] = url
    from sqlalchemy import select
    from streamlit.testing.v1 import AppTest

    import command_center.ui.shell  # noqa: F401  imported before the clock starts
    from bench.measure import measure
    from command_center import runtime
    from command_center.db import frames
    from command_center.db.engine import get_engine, read_session
    from command_center.db.models import User
    from command_center.org.auth import SignedIn
    from command_center.settings import PROJECT_ROOT

    # Importing the app outside a script run warns once per st.* decorator; harmless.
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").setLevel(
        logging.ERROR
    )
    app = str(PROJECT_ROOT / "command_center" / "app.py")
    engine = get_engine(url)
    with read_session(engine) as session:
        user = session.scalars(select(User).where(User.login == login)).one()
        signed = SignedIn(user.user_id, user.login, user.role, user.person_id)
    runtime.reset(None)
    frames._force_sqlalchemy = sqlalchemy
    start_worker(engine)  # once per app process, before the clock (see load)
    outcome = Outcome()
    for _ in range(repeat):
        frames.clear_cache()
        at = AppTest.from_file(app, default_timeout=600)
        at.session_state["lang"] = "en"
        at.session_state["signed_in"] = signed
        sample, _ = measure(at.run)
        _assert_clean(at, login)
        outcome.add(first(login), sample, _page_numbers(at))
        sample, _ = measure(at.run)
        _assert_clean(at, login)
        outcome.add(second(login), sample, _page_numbers(at))
    return outcome


def run(db: BenchDb, repeat: int, report: Callable[[Result], None]) -> list[Result]:
    results: list[Result] = []
    for login in LOGINS:
        rows: list[Result] = []
        checks: dict[tuple[str, str], Any] = {}
        for variant, sqlalchemy in ((OURS, False), (BASELINE, True)):
            outcome = run_task(home_task, repeat, True, db.url, login, sqlalchemy)
            for bench in (first(login), second(login)):
                checks[(bench, variant)] = outcome.checks[bench]
                rows.append(Result(bench, db.scale, variant, outcome.samples[bench], sqlalchemy))
        check_results(rows, checks, compare_values)
        rows.sort(key=lambda r: r.benchmark != first(login))  # stable: ours, then baseline
        for row in rows:
            report(row)
        results.extend(rows)
    return results
