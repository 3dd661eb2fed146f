"""One person's statement as a file: CSV, XLSX or a printable HTML page."""

from __future__ import annotations

import html
import io
from dataclasses import dataclass

import polars as pl

from command_center.i18n import money
from command_center.io import csv_text
from plugins.incentives.errors import message as t


@dataclass(frozen=True)
class StatementDoc:
    """One person's statement, ready to show or export (labels already translated)."""

    person: str
    period: str
    plan: str
    status: str
    summary: list[tuple[str, str]]
    lines: pl.DataFrame  # label, amount
    orders: pl.DataFrame  # order_id, date, customer, revenue, profit, contribution
    total: float


def xlsx_bytes(doc: StatementDoc) -> bytes:
    """A workbook with a summary sheet, the lines and the orders."""
    import xlsxwriter

    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, {"in_memory": True}) as book:
        summary = pl.DataFrame(
            {
                t("incentives.st.item"): [k for k, _ in doc.summary],
                t("incentives.st.value"): [v for _, v in doc.summary],
            }
        )
        summary.write_excel(book, worksheet=t("incentives.st.sheet_summary"), autofit=True)
        doc.lines.write_excel(book, worksheet=t("incentives.st.sheet_lines"), autofit=True)
        doc.orders.write_excel(book, worksheet=t("incentives.st.sheet_orders"), autofit=True)
    return buffer.getvalue()


def csv_bytes(doc: StatementDoc) -> bytes:
    """The lines then the orders, in one CSV (UTF-8 with BOM for spreadsheet apps)."""
    return (csv_text(doc.lines) + "\n" + csv_text(doc.orders)).encode("utf-8-sig")


def _table(frame: pl.DataFrame, money_cols: set[str]) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in frame.columns)
    rows = []
    for row in frame.iter_rows():
        cells = []
        for col, value in zip(frame.columns, row, strict=True):
            if col in money_cols and isinstance(value, int | float):
                cells.append(f'<td class="num">{html.escape(money(value, 2))}</td>')
            else:
                cells.append(f"<td>{html.escape('' if value is None else str(value))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def html_page(doc: StatementDoc, money_cols: set[str]) -> str:
    """A self-contained page that prints on A4 (the browser's print dialog)."""
    title = t("incentives.st.print_title", person=doc.person, period=doc.period)
    summary = "".join(
        f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in doc.summary
    )
    style = (
        "body{font-family:'PingFang SC','Microsoft YaHei',Arial,sans-serif;margin:24px;"
        "color:#222}h1{font-size:20px;border-bottom:3px solid #ff6a00;padding-bottom:6px}"
        "h2{font-size:15px;margin-top:22px}table{border-collapse:collapse;width:100%;"
        "font-size:12px}th,td{border:1px solid #ccc;padding:4px 6px;text-align:left}"
        "td.num{text-align:right}thead th{background:#f5f5f5}"
        ".total{font-size:16px;font-weight:bold;margin-top:12px}"
        "@media print{body{margin:0}@page{size:A4;margin:14mm}}"
    )
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"<style>{style}</style></head><body><h1>{html.escape(title)}</h1>"
        f"<table class='summary'>{summary}</table>"
        f"<h2>{html.escape(t('incentives.st.lines'))}</h2>{_table(doc.lines, money_cols)}"
        f"<p class='total'>{html.escape(t('incentives.st.total'))}: "
        f"{html.escape(money(doc.total, 2))}</p>"
        f"<h2>{html.escape(t('incentives.st.orders'))}</h2>{_table(doc.orders, money_cols)}"
        f"<p>{html.escape(t('incentives.st.print_note', status=doc.status))}</p>"
        "</body></html>"
    )
