"""Testing helpers the core ships for plugin authors (and its own tests).

- :func:`demo_database` makes a migrated database with the small demo data;
- :func:`use_database` points the app and CLI runtime at it, with a host
  that includes your plugin (:func:`host_with`);
- :func:`start` runs the real app under Streamlit's AppTest, signed in as a
  demo login; :func:`open_page` switches to a page by its ``PageSpec.key``;
  :func:`texts` gathers what the page showed, for assertions.
"""

from __future__ import annotations

import atexit
import datetime as dt
import math
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pyarrow as pa
from sqlalchemy import Engine, make_url, select
from streamlit.testing.v1 import AppTest

from command_center import runtime
from command_center.db.engine import dispose_engine, get_engine, read_session
from command_center.db.migrate import upgrade
from command_center.db.models import User
from command_center.org.auth import SignedIn
from command_center.plugins import PluginHost
from command_center.settings import get_settings

APP = str(Path(__file__).resolve().parent / "app.py")
DEMO_AS_OF = dt.date(2026, 11, 15)


def signed_in(engine: Engine, login: str) -> SignedIn:
    with read_session(engine) as session:
        user = session.scalars(select(User).where(User.login == login)).one()
        return SignedIn(user.user_id, user.login, user.role, user.person_id)


def start(engine: Engine, login: str | None = None, lang: str = "en") -> AppTest:
    """Run the app once, signed in as ``login`` (skipping the form) in ``lang``.

    The start-up housekeeping has finished before the first page runs, so what
    a test sees does not change under it.
    """
    runtime.housekeeping().join()
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["lang"] = lang
    if login is not None:
        at.session_state["signed_in"] = signed_in(engine, login)
    return at.run()


def page_paths(at: AppTest) -> list[str]:
    """The url paths of the pages in the navigation of the last run.

    The default page (home; admin for admins) has the empty path.
    """
    return [str(info.get("url_pathname")) for info in at._registered_pages.values()]


def open_page(at: AppTest, url_path: str) -> AppTest:
    """Switch to a callable page registered with ``url_path`` and run."""
    for page_hash, info in at._registered_pages.items():
        if info.get("url_pathname") == url_path:
            at._page_hash = page_hash
            return at.run()
    raise KeyError(f"no page {url_path!r}; have {page_paths(at)}")


# The elements that hold text on the page (toasts float above it).
PAGE_TEXT_KINDS = (
    "title",
    "header",
    "subheader",
    "caption",
    "markdown",
    "text",
    "error",
    "info",
    "success",
    "warning",
)


def texts(at: AppTest) -> str:
    """Every piece of text the run put on screen, for assertions."""
    parts: list[str] = []
    for kind in PAGE_TEXT_KINDS:
        parts.extend(str(el.value) for el in getattr(at, kind))
    parts.extend(str(m.label) + " " + str(m.value) for m in at.metric)
    for frame in at.dataframe:
        parts.append(
            frame.value.to_string() if hasattr(frame.value, "to_string") else str(frame.value)
        )
    return "\n".join(parts)


def host_with(*plugins: tuple[str, object], entry_points: bool = False) -> PluginHost:
    """The core and built-ins plus ``plugins`` given as ``(name, module)`` pairs."""
    return PluginHost(get_settings(), entry_points=entry_points, extra=list(plugins))


def fresh_cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``command-center ARGS`` in a new Python process, as a user runs it (installed
    plugins found through their entry points), with ``env`` over this environment."""
    return subprocess.run(
        [sys.executable, "-m", "command_center.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        check=False,
    )


def demo_database(url: str, host: PluginHost, seed: int = 7) -> Engine:
    """Migrate the database at ``url`` and load the small demo into it.

    A SQLite file not yet there gets a copy (SQLite's backup API) of the demo
    this process built first for the same enabled plugins and seed, so a test
    module pays the demo's seconds once, not per test. Other URLs are loaded.
    """
    database = make_url(url).database or ""
    if make_url(url).get_backend_name() != "sqlite" or not _new_sqlite_file(database):
        return _load_demo(url, host, seed)
    key = (tuple(sorted(name for name, info in host.infos.items() if info.enabled)), seed)
    template = _demo_templates.get(key)
    if template is None:
        folder = tempfile.mkdtemp(prefix="cc-demo-")
        atexit.register(shutil.rmtree, folder, True)
        template = Path(folder) / "demo.db"
        _load_demo(f"sqlite:///{template}", host, seed)
        dispose_engine(f"sqlite:///{template}")
        _demo_templates[key] = template
    copy_sqlite_file(template, Path(database))
    return get_engine(url)


def _load_demo(url: str, host: PluginHost, seed: int) -> Engine:
    from command_center.demo import load_demo

    engine = get_engine(url)
    upgrade(engine, host)
    load_demo(engine, host, scale="small", seed=seed, as_of=DEMO_AS_OF)
    return engine


_demo_templates: dict[tuple[tuple[str, ...], int], Path] = {}


def _new_sqlite_file(database: str) -> bool:
    return (
        database not in ("", ":memory:")
        and not database.startswith("file:")
        and not Path(database).exists()
    )


def copy_sqlite_file(source: Path, target: Path) -> None:
    """Copy a SQLite database file with SQLite's backup API (consistent while others write)."""
    reading, writing = sqlite3.connect(source), sqlite3.connect(target)
    try:
        reading.backup(writing)
    finally:
        writing.close()
        reading.close()


def use_database(url: str, host: PluginHost) -> None:
    """Make the app and CLI runtime use ``url`` and ``host`` (restore with ``runtime.reset()``)."""
    os.environ["COMMAND_CENTER_DB_URL"] = url
    runtime.reset(host)


# -- missing values on screen ------------------------------------------------------
# A missing-value word as Python or Polars print it; English "None yet" is a sentence.
MISSING_WORD = re.compile(r"(?<![\w.])(None|nan|NaN|null)(?![\w(])(?!\s+[a-z])")
MISSING_CELL = {"None", "nan", "NaN", "null", "NaT", "<NA>"}
TEXT_KINDS = (*PAGE_TEXT_KINDS, "toast")
LABELLED = ("button", "selectbox", "multiselect", "radio", "text_input", "number_input", "tabs")


def _arrow(frame: object) -> pa.Table:
    proto = frame.proto  # type: ignore[attr-defined]
    data = proto.arrow_data.data
    if not data and proto.HasField("lazy_data"):
        data = proto.lazy_data.initial_chunk.data
    return pa.ipc.open_stream(data).read_all()


def table_problems(frame: object) -> list[str]:
    """Cells a browser would show as a missing-value word, as "column: shown"."""
    table = _arrow(frame)
    proto = frame.proto  # type: ignore[attr-defined]
    placeholder = proto.placeholder if proto.HasField("placeholder") else "None"
    problems: list[str] = []
    for name, column in zip(table.column_names, table.columns, strict=True):
        if name.startswith("__index_level_"):
            continue
        for value in column.to_pylist():
            if value is None:
                shown = placeholder
            elif isinstance(value, float) and math.isnan(value):
                shown = "NaN"
            else:
                shown = str(value).strip()
            if shown in MISSING_CELL or MISSING_WORD.fullmatch(shown):
                problems.append(f"{name}: {shown!r}")
                break
    return problems


def screen_text(at: AppTest) -> list[str]:
    """Every text element, metric, widget label and option of the last run."""
    parts: list[str] = []
    for kind in TEXT_KINDS:
        parts.extend(f"{kind}: {el.value}" for el in getattr(at, kind))
    for metric in at.metric:
        parts.append(f"metric {metric.label}: {metric.value}")
    for kind in LABELLED:
        for el in getattr(at, kind):
            parts.append(f"{kind} label: {getattr(el, 'label', '')}")
            parts.extend(f"{kind} option: {o}" for o in getattr(el, "options", []) or [])
    return parts


def page_problems(at: AppTest) -> list[str]:
    problems = [f"text {text[:120]!r}" for text in screen_text(at) if MISSING_WORD.search(text)]
    for index, frame in enumerate(at.dataframe):
        problems.extend(f"table {index} {p}" for p in table_problems(frame))
    return problems
