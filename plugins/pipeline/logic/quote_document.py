"""A quote as a printable HTML document: pure text in, text out.

Every piece of text a person typed (the company's name and details, the
customer, the deal, product names, the note) is escaped, so a quote can
never carry markup or script to whoever opens it. The page prints on A4
(``@media print``: no backgrounds, the table kept whole where it can be).
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field

from command_center.i18n import money, number, percent, t

CSS = """
body { font-family: "Helvetica Neue", Arial, "PingFang SC", "Microsoft YaHei", sans-serif;
       color: #1f2933; margin: 2.5em auto; max-width: 52em; line-height: 1.45; }
header { display: flex; justify-content: space-between; align-items: flex-start;
         border-bottom: 3px solid #1f4e79; padding-bottom: 1em; margin-bottom: 1.5em; }
h1 { font-size: 1.6em; margin: 0; color: #1f4e79; }
h2 { font-size: 1.2em; margin: 0 0 .3em; text-align: right; }
.details, .meta { white-space: pre-line; color: #52606d; font-size: .92em; }
.meta { text-align: right; }
table { width: 100%; border-collapse: collapse; margin: 1.2em 0; }
th, td { padding: .45em .6em; border-bottom: 1px solid #d9e2ec; text-align: left; }
th { background: #f0f4f8; font-weight: 600; }
td.num, th.num { text-align: right; white-space: nowrap; }
tfoot td { border-bottom: none; }
tfoot tr.total td { font-weight: 700; font-size: 1.1em; border-top: 2px solid #1f4e79; }
.note { white-space: pre-line; border-left: 3px solid #d9e2ec; padding-left: .8em; }
.validity { font-weight: 600; }
footer { margin-top: 2.5em; color: #7b8794; font-size: .85em; }
@media print {
  body { margin: 0; max-width: none; }
  th { background: none; }
  tr { page-break-inside: avoid; }
  @page { size: A4; margin: 18mm; }
}
"""


@dataclass(frozen=True)
class DocumentLine:
    product_id: str
    description: str
    quantity: float
    unit_price: float
    discount_pct: float
    amount: float


@dataclass(frozen=True)
class QuoteDocument:
    """What a printed quote says (amounts already computed by :mod:`.quotes`)."""

    company: str
    company_details: str
    label: str
    quote_date: dt.date
    valid_until: dt.date
    customer: str
    deal: str
    owner: str
    subtotal: float
    extra_pct: float
    extra_amount: float
    total: float
    note: str = ""
    lines: list[DocumentLine] = field(default_factory=list)


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _line_row(line: DocumentLine) -> str:
    discount = percent(line.discount_pct / 100, 2) if line.discount_pct else "—"
    return (
        f"<tr><td>{_e(line.product_id)}</td><td>{_e(line.description)}</td>"
        f'<td class="num">{_e(number(line.quantity, 2 if line.quantity % 1 else 0))}</td>'
        f'<td class="num">{_e(money(line.unit_price, 2))}</td>'
        f'<td class="num">{_e(discount)}</td>'
        f'<td class="num">{_e(money(line.amount, 2))}</td></tr>'
    )


def quote_html(doc: QuoteDocument) -> str:
    """The whole document, in the active language."""
    company = doc.company.strip() or t("pipeline.quote.company_default")
    heads = [
        ("pipeline.quote.doc_product", ""),
        ("pipeline.quote.doc_description", ""),
        ("pipeline.field.quantity", "num"),
        ("pipeline.field.unit_price", "num"),
        ("pipeline.quote.discount", "num"),
        ("pipeline.quote.amount", "num"),
    ]
    head = "".join(
        f'<th class="{css}">{_e(t(key))}</th>' if css else f"<th>{_e(t(key))}</th>"
        for key, css in heads
    )
    foot = [
        (t("pipeline.quote.subtotal"), money(doc.subtotal, 2), ""),
    ]
    if doc.extra_amount:
        foot.append(
            (
                t("pipeline.quote.extra_line", pct=percent(doc.extra_pct / 100, 2)),
                money(-doc.extra_amount, 2),
                "",
            )
        )
    foot.append((t("pipeline.quote.total"), money(doc.total, 2), "total"))
    foot_rows = "".join(
        f'<tr class="{css}"><td colspan="5" class="num">{_e(text)}</td>'
        f'<td class="num">{_e(amount)}</td></tr>'
        for text, amount, css in foot
    )
    parts = [
        "<!DOCTYPE html>",
        '<html><head><meta charset="utf-8">',
        f"<title>{_e(t('pipeline.quote.doc_title'))} {_e(doc.label)}</title>",
        f"<style>{CSS}</style></head><body>",
        "<header><div>",
        f"<h1>{_e(company)}</h1>",
        f'<div class="details">{_e(doc.company_details)}</div>' if doc.company_details else "",
        "</div><div>",
        f"<h2>{_e(t('pipeline.quote.doc_title'))} {_e(doc.label)}</h2>",
        f'<div class="meta">{_e(t("pipeline.quote.doc_date", date=doc.quote_date.isoformat()))}'
        f"<br>{_e(t('pipeline.quote.doc_owner', owner=doc.owner))}</div>",
        "</div></header>",
        f"<p><strong>{_e(t('pipeline.quote.doc_to'))}</strong> {_e(doc.customer)}</p>",
        f"<p><strong>{_e(t('pipeline.quote.doc_deal'))}</strong> {_e(doc.deal)}</p>",
        f"<table><thead><tr>{head}</tr></thead>",
        "<tbody>",
        *(_line_row(line) for line in doc.lines),
        f"</tbody><tfoot>{foot_rows}</tfoot></table>",
        f'<p class="validity">{_e(t("pipeline.quote.doc_valid", date=doc.valid_until.isoformat()))}'
        "</p>",
        f'<div class="note">{_e(doc.note)}</div>' if doc.note.strip() else "",
        f"<footer>{_e(t('pipeline.quote.doc_footer'))}</footer>",
        "</body></html>",
    ]
    return "\n".join(part for part in parts if part)


def file_name(label: str) -> str:
    """The download's file name (the label holds only letters, digits and dashes)."""
    return f"{label}.html"
