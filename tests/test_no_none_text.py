"""No page shows "None", "nan", "NaN" or "null" for a missing value, in any role or language.

One AppTest session per role and language visits every page once and scans
what it put on screen: the text elements, widget labels and options, and every
table's cells as the browser shows them (a null cell shows the table's
placeholder, a NaN float shows "NaN", a text cell shows its text).
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from command_center import testing as apptest
from tests.conftest import use_db

ROOT = Path(__file__).resolve().parent.parent
ROLES = ["director", "manager", "supervisor", "rep", "admin"]
LANGS = ["en", "zh_CN"]
# A missing-value word as Python or Polars print it; English "None yet" is a sentence.
MISSING_WORD = re.compile(r"(?<![\w.])(None|nan|NaN|null)(?![\w(])(?!\s+[a-z])")
MISSING_CELL = {"None", "nan", "NaN", "null", "NaT", "<NA>"}
TEXT_KINDS = (
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
    "toast",
)
LABELLED = ("button", "selectbox", "multiselect", "radio", "text_input", "number_input", "tabs")


@pytest.fixture
def app(demo_db, monkeypatch, app_env):
    use_db(monkeypatch, demo_db)
    return demo_db


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


@pytest.mark.parametrize("login", ROLES)
@pytest.mark.parametrize("lang", LANGS)
def test_no_missing_value_words_on_any_page(app, login: str, lang: str) -> None:
    at = apptest.start(app.engine, login, lang)
    failures: dict[str, list[str]] = {}
    for path in apptest.page_paths(at):
        at = apptest.open_page(at, path)
        assert not at.exception, (path, at.exception)
        problems = page_problems(at)
        if problems:
            failures[path or "home"] = problems
    assert failures == {}, f"role {login}, language {lang}: {failures}"


def test_the_scan_sees_missing_values() -> None:
    """The checks catch what they are for (guards the scan itself)."""
    assert MISSING_WORD.search("Quota None")
    assert MISSING_WORD.search("1 · nan")
    assert not MISSING_WORD.search("Nonetheless nanny nullify")
    assert not MISSING_WORD.search("None yet")
    assert not MISSING_WORD.search("bonus.nan_rule")


def test_tables_go_through_the_helper() -> None:
    """Plugins and pages draw tables with ``command_center.ui`` helpers, not ``st.dataframe``."""
    offenders = []
    for folder in ("plugins", "pages"):
        for path in (ROOT / folder).rglob("*.py"):
            for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
                if "st.dataframe(" in line:
                    offenders.append(f"{path.relative_to(ROOT)}:{number}")
    assert offenders == []
