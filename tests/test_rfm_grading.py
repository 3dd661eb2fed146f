"""examples/rfm_grading extends customers from outside: installed, a company may grade by
RFM; without it, ABC grades and a clear refusal.

The example's own tests (``examples/rfm_grading/tests``) go through the CLI and the
pages on SQLite; these check the installed entry point in a fresh process, the
hand-worked grades on SQLite and PostgreSQL through customers' own reads (company
grades, a rep's scope, the follow-up cadence), and the package's layout.
"""

from __future__ import annotations

import io
import subprocess
from pathlib import Path
from typing import Any

import cc_rfm_grading
import polars as pl
import pytest
from cc_rfm_grading.demo import ABC, AS_OF, PASSWORD, RFM, RFM_ORDER, load_small_shop

from command_center.db.engine import get_engine
from command_center.db.migrate import upgrade
from command_center.layout import layout_problems
from command_center.org.scope import Viewer, people_edges, scope_for
from command_center.plugins import PluginHost
from command_center.settings import get_settings
from command_center.testing import fresh_cli
from plugins.customers import settings as customer_settings
from plugins.customers.actions.settings import save_rules
from plugins.customers.logic.grading import installed_rules
from plugins.customers.queries import figures, grades
from tests.conftest import make_host, use_db

PACKAGE = Path(cc_rfm_grading.__file__).parent
CUTS = (0.8, 0.95)


def entry_point_host(monkeypatch: pytest.MonkeyPatch, disabled: str = "") -> PluginHost:
    monkeypatch.setenv("COMMAND_CENTER_DISABLED_PLUGINS", disabled)
    return PluginHost(get_settings(), entry_points=True)


def test_installed_it_adds_the_rfm_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    host = entry_point_host(monkeypatch)
    info = host.infos.get("rfm")
    assert info is not None, "run `make test`: it installs examples/rfm_grading"
    assert info.source == "entrypoint" and info.enabled and info.error is None
    assert info.hooks == ["customers_register_grading_rules"]
    rules = installed_rules(host)
    assert "rfm" in rules.names() and rules["rfm"].plugin == "rfm"
    off = installed_rules(entry_point_host(monkeypatch, disabled="rfm"))
    assert "rfm" not in off.names()


def test_the_package_keeps_the_layout() -> None:
    assert layout_problems(PACKAGE, "rfm") == []


def _cli(url: str, disabled: str = "") -> subprocess.CompletedProcess[str]:
    args = ["--user", "director", "customers", "abc", "--as-of", AS_OF.isoformat(), "--rule", "rfm"]
    return fresh_cli(
        *args,
        COMMAND_CENTER_DB_URL=url,
        COMMAND_CENTER_DISABLED_PLUGINS=disabled,
        COMMAND_CENTER_PASSWORD=PASSWORD,
    )


def test_customers_abc_by_rfm_in_a_fresh_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The installed entry point, as a user runs it; then as if it were uninstalled."""
    url = f"sqlite:///{tmp_path}/shop.db"
    engine = get_engine(url)
    upgrade(engine, entry_point_host(monkeypatch))
    load_small_shop(engine)
    graded = _cli(url)
    assert graded.returncode == 0, graded.stderr
    frame = pl.read_csv(io.StringIO(graded.stdout))
    assert frame["customer_id"].to_list() == RFM_ORDER
    assert dict(frame.select("customer_id", "grade").rows()) == RFM
    refused = _cli(url, disabled="rfm")
    assert refused.returncode == 1 and "rfm" in refused.stderr


@pytest.fixture
def shop(empty_db: Any, monkeypatch: pytest.MonkeyPatch, app_env: None) -> Any:
    load_small_shop(empty_db.engine)
    use_db(monkeypatch, empty_db, make_host(extra=[("rfm", cc_rfm_grading)]))
    return empty_db.engine


def test_hand_worked_grades_through_customers_reads(shop: Any) -> None:
    def by_customer(frame: pl.DataFrame) -> dict[int, str]:
        return dict(frame.select("customer_id", "grade").rows())

    assert by_customer(grades.company_grades(shop, AS_OF, 12, CUTS)) == ABC
    director = Viewer("director", "director", 1, None)
    save_rules(shop, director, customer_settings.CustomerSettings(grading="rfm"), "director")
    rules = customer_settings.get(shop)
    company = grades.company_grades(shop, AS_OF, 12, CUTS, rules.grading)
    assert company["customer_id"].to_list() == RFM_ORDER and by_customer(company) == RFM
    cadence = figures.company_grades(shop, AS_OF, rules)  # the grade that sets follow-ups
    assert by_customer(cadence) == RFM
    rep = Viewer("rep", "rep", 4, scope_for("rep", 4, people_edges(shop)))
    mine = grades.scoped_grades(shop, rep, AS_OF, 12, CUTS, rules.grading)
    # 201-203 among themselves (n = 3: ranks 1, 2, 3 score 2, 4, 5): 201 R5 F5 M4 = 14,
    # 202 R4 F4 M2 = 10, 203 R2 F2 M5 = 9
    assert mine.select("customer_id", "grade").rows() == [(201, "A"), (202, "B"), (203, "B")]
