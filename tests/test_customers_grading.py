"""Grading rules as an extension point: ABC through the registry, an outside rule chosen
per company (tests/plugins/extends_customers.py), failures isolated; SQLite and PostgreSQL.

The ledger (window 2025-11-15 .. 2026-11-15) by hand:

- customer 1 (rep 4): 4 order days inside (200 + 300 + 500 + 50 = 1050);
- customer 2 (rep 4): one order of 5000;
- customer 3 (rep 5): three order days of 10 each (30);
- customer 4 (rep 7): no order.

ABC (80 % / 95 %): 2 is A (nothing above), 1 is B (5000 / 6080 above), 3 and 4 C.
Frequency: 1 and 3 are A (4 and 3 days), 2 is B (1 day), 4 is C.
"""

from __future__ import annotations

import datetime as dt
import types
from typing import Any

import polars as pl
import pytest

from command_center import hookimpl
from command_center.db.engine import write_session
from command_center.db.models import Customer, OrderLine
from command_center.org.scope import Viewer, people_edges, scope_for
from command_center.plugins import PluginHost
from command_center.settings import get_settings
from plugins.customers import settings as settings_mod
from plugins.customers.actions.settings import save_rules
from plugins.customers.errors import ActionRefused
from plugins.customers.logic import abc, grading
from plugins.customers.queries import figures, grades
from tests.conftest import use_db
from tests.factories import load_small_org
from tests.plugins import broken_extensions, extends_customers

AS_OF = dt.date(2026, 11, 15)
CUTS = (0.8, 0.95)
D = dt.date


def host(*extra: tuple[str, object]) -> PluginHost:
    return PluginHost(
        get_settings(), builtins=["plugins.customers"], extra=extra, entry_points=False
    )


def viewer(engine: Any, person_id: int, role: str) -> Viewer:
    return Viewer(
        f"p{person_id}", role, person_id, scope_for(role, person_id, people_edges(engine))
    )


@pytest.fixture
def ledger(empty_db: Any) -> Any:
    load_small_org(empty_db.engine)
    lines = [
        (20, 2, 4, D(2026, 6, 1), 5000.0),
        (30, 3, 5, D(2026, 1, 10), 10.0),
        (31, 3, 5, D(2026, 2, 10), 10.0),
        (32, 3, 5, D(2026, 3, 10), 10.0),
    ]
    with write_session(empty_db.engine) as session:
        for cid, owner in ((2, 4), (3, 5), (4, 7)):
            session.add(
                Customer(
                    customer_id=cid, name=f"客户{cid}", owner_id=owner, created_on=D(2020, 1, 1)
                )
            )
        session.flush()
        for oid, cid, pid, day, revenue in lines:
            session.add(OrderLine(order_id=oid, customer_id=cid, person_id=pid, order_date=day,
                                  revenue=revenue, cost=0.0))  # fmt: skip
    return empty_db


def by_customer(frame: pl.DataFrame) -> dict[int, str]:
    return dict(frame.select("customer_id", "grade").iter_rows())


def test_abc_is_a_rule_like_any_other() -> None:
    rules = grading.builtin_rules()
    assert rules.names() == ("abc",) and rules["abc"].reads == "revenue"
    facts = pl.LazyFrame(
        {"customer_id": [1, 2, 3], "revenue": [50.0, 900.0, None]},
        schema={"customer_id": pl.Int32, "revenue": pl.Float64},
    )
    ctx = grading.GradingContext(AS_OF, 12, CUTS)
    via = grading.graded(rules["abc"], facts, ctx)
    assert via.equals(abc.grade(facts, CUTS))
    assert rules.chosen("not_installed") is rules["abc"]


def test_an_outside_rules_grades_are_ranked_with_revenue_shares() -> None:
    found = grading.collect_rules(host(("frequency", extends_customers)))
    assert found.names() == ("abc", "frequency") and found["frequency"].plugin == "frequency"
    lines = pl.DataFrame(
        {
            "customer_id": [1, 1, 1, 2, 3],
            "order_date": [
                D(2026, 1, 1),
                D(2026, 2, 1),
                D(2026, 2, 1),
                D(2026, 3, 1),
                D(2020, 1, 1),
            ],
            "revenue": [10.0, 20.0, 30.0, 500.0, 99.0],
        }
    )
    customers = pl.DataFrame({"customer_id": [1, 2, 3]})
    ctx = grading.GradingContext(AS_OF, 12, CUTS)
    out = grading.grade_lines(found, found["frequency"], lines, customers, ctx)
    # 1: two order days (three lines), 60 -> B, score 2; 2: one day, 500 -> B; 3: outside -> C
    assert out["customer_id"].to_list() == [1, 2, 3]
    assert out["grade"].to_list() == ["B", "B", "C"]
    assert out["cumulative_share"].to_list() == pytest.approx([60 / 560, 1.0, 1.0])


def test_a_rule_must_answer_one_grade_a_b_or_c_per_customer() -> None:
    facts = pl.LazyFrame({"customer_id": [1, 2], "revenue": [1.0, 2.0]})
    ctx = grading.GradingContext(AS_OF, 12, CUTS)

    def rule(answer: pl.DataFrame) -> grading.GradingRule:
        return grading.GradingRule("odd", "odd", str, lambda facts, ctx: answer)

    with pytest.raises(grading.GradingError, match="'odd': grade 'D' is not one of A, B, C"):
        grading.graded(rule(pl.DataFrame({"customer_id": [1, 2], "grade": ["A", "D"]})), facts, ctx)
    with pytest.raises(grading.GradingError, match="one grade per customer"):
        grading.graded(rule(pl.DataFrame({"customer_id": [1], "grade": ["A"]})), facts, ctx)
    with pytest.raises(grading.GradingError, match="no column grade"):
        grading.graded(rule(pl.DataFrame({"customer_id": [1, 2]})), facts, ctx)


def test_refused_and_raising_answers_are_recorded_against_their_plugin() -> None:
    taken = types.ModuleType("taken")

    @hookimpl(optionalhook=True)
    def customers_register_grading_rules(kit: Any) -> list[Any]:
        return [kit.Rule("abc", "x", str, str), kit.Rule("Bad-Name", "x", str, str)]

    taken.customers_register_grading_rules = customers_register_grading_rules  # type: ignore[attr-defined]
    h = host(("taken", taken), ("broken", broken_extensions), ("frequency", extends_customers))
    found = grading.collect_rules(h)
    assert found.names() == ("abc", "frequency")
    assert "'Bad-Name': lower-case letters" in h.infos["taken"].hook_errors[grading.HOOK]
    assert "broken on purpose" in h.infos["broken"].hook_errors[grading.HOOK]
    assert "customers_register_grading_rules" in h.infos["customers"].declares


def test_the_company_picks_a_rule_and_every_grade_follows_it(
    ledger: Any, monkeypatch: pytest.MonkeyPatch, app_env: None
) -> None:
    engine = ledger.engine
    use_db(monkeypatch, ledger, host(("frequency", extends_customers)))
    assert by_customer(grades.company_grades(engine, AS_OF, 12, CUTS)) == {
        1: "B", 2: "A", 3: "C", 4: "C"
    }  # fmt: skip
    director = viewer(engine, 1, "director")
    with pytest.raises(ActionRefused) as refused:
        save_rules(engine, director, settings_mod.CustomerSettings(grading="rfm"), "d")
    assert refused.value.key == "customers.refused.grading_unknown"
    with pytest.raises(ActionRefused):
        save_rules(engine, viewer(engine, 4, "rep"), settings_mod.CustomerSettings(), "r")
    save_rules(engine, director, settings_mod.CustomerSettings(grading="frequency"), "d")
    rules = settings_mod.get(engine)
    assert rules.grading == "frequency"
    company = grades.company_grades(engine, AS_OF, 12, CUTS, rules.grading)
    assert company["customer_id"].to_list() == [1, 3, 2, 4]
    assert by_customer(company) == {1: "A", 2: "B", 3: "A", 4: "C"}
    assert by_customer(figures.company_grades(engine, AS_OF, rules)) == by_customer(company)
    points = [D(2026, 2, 28), AS_OF]
    history = grades.company_history(engine, points, 12, CUTS, rules.grading)
    before = by_customer(history.filter(pl.col("as_of") == points[0]))
    assert before == {1: "B", 2: "C", 3: "B", 4: "C"}  # 1: 2025-10-05 is outside; 3: two days
    # a rep's customers graded among themselves, on the lines the rep booked
    mine = grades.scoped_grades(engine, viewer(engine, 4, "rep"), AS_OF, 12, CUTS, "frequency")
    assert mine.select("customer_id", "grade").rows() == [(2, "B"), (1, "B")]


def test_a_failing_rule_falls_back_to_abc_and_is_recorded(
    ledger: Any, monkeypatch: pytest.MonkeyPatch, app_env: None
) -> None:
    failing = types.ModuleType("failing")

    def grade(facts: Any, ctx: Any) -> Any:
        raise ZeroDivisionError("rule broken on purpose")

    @hookimpl(optionalhook=True)
    def customers_register_grading_rules(kit: Any) -> list[Any]:
        return [kit.Rule("shaky", "shaky", str, grade)]

    failing.customers_register_grading_rules = customers_register_grading_rules  # type: ignore[attr-defined]
    h = use_db(monkeypatch, ledger, host(("failing", failing)))
    out = grades.company_grades(ledger.engine, AS_OF, 12, CUTS, "shaky")
    assert by_customer(out) == {1: "B", 2: "A", 3: "C", 4: "C"}
    assert "rule broken on purpose" in h.infos["failing"].hook_errors[grading.HOOK]
    rules = grading.installed_rules(h)
    assert rules.problem(rules["shaky"]) is not None
