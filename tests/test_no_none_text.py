"""No page shows "None", "nan", "NaN" or "null" for a missing value, in any role or language.

The scan of what a page put on screen: the text elements, widget labels and
options, and every table's cells as the browser shows them (a null cell shows
the table's placeholder, a NaN float shows "NaN", a text cell shows its text).
``command_center.testing.page_problems`` is the scan; ``tests/test_app.py``
runs it on every page for every role and language, in the same AppTest
sessions that check the pages render.
"""

from __future__ import annotations

from pathlib import Path

from command_center.testing import MISSING_WORD

ROOT = Path(__file__).resolve().parent.parent


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
