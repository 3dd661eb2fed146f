"""Ratio KPI cards (issue 18, item 2): a near-zero or absent denominator reads "—".

One rule in the core (``command_center.ui.widgets.ratio`` for call sites that
divide, ``kpi_row`` for ratios computed elsewhere), drawn by the real
``st.metric`` in every language, and a scan that no page divides inside a
ratio card by itself.
"""

from __future__ import annotations

import ast
import math
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from command_center.ui.widgets import RATIO_LIMIT, RATIO_UNITS, Kpi, change, kpi_delta, ratio

ROOT = Path(__file__).resolve().parent.parent


def test_ratio_is_none_without_a_readable_denominator() -> None:
    assert ratio(87, 100) == pytest.approx(0.87)
    assert ratio(-3, 10) == pytest.approx(-0.3)
    assert ratio(0, 5) == 0.0
    for num, den in [(1, 0), (1, 0.0), (None, 5), (5, None), (math.nan, 1), (1, math.nan),
                     (1, math.inf), (math.inf, 1), (1, 1e-12)]:  # fmt: skip
        assert ratio(num, den) is None, (num, den)
    # Cost of sales on two days of December: payout 1.12M over revenue 995.6.
    assert ratio(1_120_000, 995.6) is None
    assert ratio(RATIO_LIMIT, 1) == RATIO_LIMIT and ratio(RATIO_LIMIT * 1.01, 1) is None
    assert ratio(1.5, 1, limit=1.0) is None and ratio(0.9, 1, limit=1.0) == pytest.approx(0.9)


def test_change_is_none_against_a_near_zero_base() -> None:
    assert change(110, 100) == pytest.approx(0.1)
    assert change(90, -100) == pytest.approx(1.9)
    assert change(5, 0) is None and change(5, None) is None and change(None, 5) is None
    assert change(50_000, 1) is None


def test_kpi_shows_dash_for_unreadable_values() -> None:
    assert Kpi("Cost of sales", 1124.905, "percent").shown() is None
    assert Kpi("Cost of sales", 1.2, "percent", limit=1.0).shown() is None
    assert Kpi("Margin", 0.327, "percent").shown() == pytest.approx(0.327)
    assert Kpi("Deals", math.nan, "count").shown() is None
    assert Kpi("Revenue", 12_000_000.0, "currency").shown() == 12_000_000.0
    assert {"percent", "ratio"} == RATIO_UNITS


def test_kpi_delta_follows_the_rule() -> None:
    assert kpi_delta(110.0, "currency", 100.0, None) == "+10.0% vs target"
    assert kpi_delta(110.0, "currency", 0.001, None) is None  # target near zero
    assert kpi_delta(0.9, "percent", 0.8, None) == "+10.0 pts vs target"
    assert kpi_delta(900.0, "percent", 0.8, None) is None


def _cards(lang: str) -> None:
    from command_center.i18n import set_language
    from command_center.ui.widgets import Kpi, kpi_row, ratio

    set_language(lang)
    kpi_row(
        [
            Kpi("cost", ratio(1_120_000, 995.6), "percent", "+3.0 pts", False),
            Kpi("cost_precomputed", 1124.905, "percent", "+3.0 pts", False),
            Kpi("margin", ratio(327, 1000), "percent"),
            Kpi("win_rate", ratio(0, 0), "percent"),
            Kpi("share", float("nan"), "ratio"),
            Kpi("count", 3.0, "count"),
        ]
    )


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_cards_read_a_dash_in_every_language(lang: str) -> None:
    at = AppTest.from_function(_cards, args=(lang,)).run()
    assert not at.exception
    shown = {m.label: (m.value, m.proto.delta) for m in at.metric}
    assert shown["cost"] == ("—", "")
    assert shown["cost_precomputed"] == ("—", "")
    assert shown["margin"][0] == "32.7%"
    assert shown["win_rate"][0] == "—" and shown["share"][0] == "—"
    assert shown["count"][0] == "3"


def _divides(node: ast.AST) -> bool:
    return any(isinstance(n, ast.BinOp) and isinstance(n.op, ast.Div) for n in ast.walk(node))


def test_no_ratio_card_divides_by_itself() -> None:
    """A ratio card's value and delta come from ``ratio``/``change`` (or are computed in
    logic), never from an inline ``a / b if b else None`` on a page."""
    offenders = []
    files = [*ROOT.glob("plugins/*/ui/*.py"), *ROOT.glob("pages/*.py")]
    assert len(files) > 20
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Kpi"):
                continue
            args = [*node.args, *(k.value for k in node.keywords)]
            unit = next(
                (a.value for a in args if isinstance(a, ast.Constant) and a.value in RATIO_UNITS),
                None,
            )
            value = node.args[1] if len(node.args) > 1 else None
            delta = node.args[3] if len(node.args) > 3 else None
            if (unit and value is not None and _divides(value)) or (
                delta is not None and _divides(delta)
            ):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []
