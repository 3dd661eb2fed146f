"""Exports: the ``payouts`` export kind, and one statement as CSV, XLSX or printable HTML."""

from __future__ import annotations

import html
import io
from dataclasses import dataclass

import polars as pl
from sqlalchemy import Engine, select

from command_center.db import frames
from command_center.i18n import money, percent
from command_center.io import csv_text
from command_center.org.scope import Viewer
from plugins.incentives.models import Line, Settlement, Statement
from plugins.incentives.texts import text as t

PAYOUT_SCHEMA: dict[str, pl.DataType] = {
    "person_id": pl.Int64(),
    "period": pl.String(),
    "version": pl.Int64(),
    "plan_name": pl.String(),
    "plan_period": pl.String(),
    "kind": pl.String(),
    "component": pl.String(),
    "amount": pl.Float64(),
    "order_id": pl.Int64(),
    "refund_id": pl.Int64(),
}


def payouts(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    """Every line of every locked statement in the viewer's scope."""
    query = (
        select(
            Line.person_id,
            Settlement.period,
            Settlement.version,
            Statement.plan_name,
            Statement.plan_period,
            Line.kind,
            Line.name.label("component"),
            Line.amount,
            Line.order_id,
            Line.refund_id,
        )
        .join(Settlement, Settlement.settlement_id == Line.settlement_id)
        .join(
            Statement,
            (Statement.settlement_id == Line.settlement_id)
            & (Statement.person_id == Line.person_id),
        )
        .where(Settlement.status == "locked")
        .order_by(Settlement.period, Line.person_id, Line.seq)
    )
    if viewer.person_ids is not None:
        query = query.where(Line.person_id.in_(sorted(viewer.person_ids)))
    return frames.read_frame(engine, query, PAYOUT_SCHEMA)


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


def fmt_attainment(value: float | None) -> str:
    return percent(value)
