"""A statement exported as CSV, XLSX (three sheets) and a printable HTML page."""

from __future__ import annotations

import io

import polars as pl

from plugins.incentives.io.statement_files import StatementDoc, csv_bytes, html_page, xlsx_bytes


def doc() -> StatementDoc:
    lines = pl.DataFrame({"Item": ["销售额提成", "Clawback"], "Amount": [6_200.0, -1_133.33]})
    orders = pl.DataFrame(
        {
            "Order": [1, 2],
            "Customer": ["杭州恒泰网络科技有限公司", "<script>"],
            "Contribution": [4_533.33, 2_266.67],
        }
    )
    summary = [("Person", "安娜"), ("Month", "2026-01"), ("Payout", "¥5,066.67")]
    return StatementDoc("安娜", "2026-01", "Test plan", "Locked", summary, lines, orders, 5_066.67)


def test_xlsx_has_summary_lines_and_orders() -> None:
    data = xlsx_bytes(doc())
    sheets = pl.read_excel(io.BytesIO(data), sheet_id=0)
    assert list(sheets) == ["Summary", "Lines", "Orders"]
    assert sheets["Lines"]["Amount"].to_list() == [6_200.0, -1_133.33]
    assert sheets["Orders"]["Customer"][0] == "杭州恒泰网络科技有限公司"


def test_csv_and_printable_html() -> None:
    text = csv_bytes(doc()).decode("utf-8-sig")
    assert text.startswith("Item,Amount\n销售额提成,6200.0")
    assert "Order,Customer,Contribution" in text
    page = html_page(doc(), {"Amount", "Contribution"})
    assert page.startswith("<!DOCTYPE html>") and "@media print" in page
    assert "安娜" in page and "¥4,533.33" in page and "-¥1,133.33" in page
    assert "<script>" not in page and "&lt;script&gt;" in page
