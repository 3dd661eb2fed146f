"""The deal's quotes: versions, lines from the price list, discounts and their approval,
sending, the customer's answer, and the printable quote."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import money, percent, t
from command_center.ui import table_with_download
from plugins.pipeline import actions, queries
from plugins.pipeline import settings as cfg
from plugins.pipeline.logic import clock, labels
from plugins.pipeline.logic import quote_document as document
from plugins.pipeline.logic import quotes as rules
from plugins.pipeline.ui import lines as lines_ui
from plugins.pipeline.ui import widgets

STATUS_COLOURS = {
    "draft": "gray",
    "pending": "orange",
    "approved": "green",
    "rejected": "red",
    "sent": "blue",
    "accepted": "green",
    "declined": "red",
    "superseded": "gray",
    "expired": "gray",
}


def render(ctx: PageContext, conf: cfg.PipelineSettings, deal: dict[str, Any]) -> None:
    opp = deal["opp_id"]
    today = clock.now().date()
    versions = rules.with_shown_status(queries.deal_quotes(ctx.engine, ctx.viewer, opp), today)
    is_open = deal["stage"] in conf.open_stages
    if versions.is_empty():
        st.info(t("pipeline.quote.none"))
        if is_open and st.button(t("pipeline.quote.create"), key="pipeline_quote_create"):
            widgets.run(
                lambda: actions.create_quote(ctx.engine, ctx.viewer, opp),
                t("pipeline.quote.created", version=1),
            )
        return
    quote = _pick(versions, opp)
    lines = queries.quote_lines(ctx.engine, ctx.viewer, [quote["quote_id"]])
    priced = rules.priced_lines(lines, quote["extra_discount_pct"])
    money_ = rules.totals(priced)
    label = rules.quote_label(opp, quote["version"])
    status = quote["shown_status"]
    st.markdown(
        f"**{label}** :{STATUS_COLOURS.get(status, 'gray')}[{labels.label('quote_status', status)}]"
        + " · "
        + t(
            "pipeline.quote.dates",
            date=quote["quote_date"].isoformat(),
            until=quote["valid_until"].isoformat(),
        )
    )
    _lines_table(ctx, priced, label)
    _totals(conf, money_)
    editable = is_open and quote["status"] in rules.EDITABLE
    if editable:
        _line_forms(ctx, quote, lines)
        _quote_form(ctx, quote)
    _buttons(ctx, conf, deal, quote, money_, versions, is_open)
    if lines.height:
        _download(ctx, conf, deal, quote, priced, money_, label)
    _approvals(ctx, quote)


def _pick(versions: pl.DataFrame, opp: int) -> dict[str, Any]:
    rows = {r["quote_id"]: r for r in versions.iter_rows(named=True)}
    ids = list(rows)[::-1]  # the latest first
    key = f"pipeline_quote_pick_{opp}"
    if key in st.session_state and st.session_state[key] not in rows:
        del st.session_state[key]
    chosen = widgets.select(
        st,
        t("pipeline.quote.version"),
        ids,
        key,
        lambda i: (
            f"{rules.quote_label(opp, rows[i]['version'])} · "
            f"{labels.label('quote_status', rows[i]['shown_status'])}"
        ),
    )
    return rows[chosen]


def _lines_table(ctx: PageContext, priced: pl.DataFrame, label: str) -> None:
    frame, config = lines_ui.quote_line_table(priced)
    table_with_download(frame, f"quote_{label}_lines", "pipeline_quote_lines", config)


def _totals(conf: cfg.PipelineSettings, money_: rules.QuoteTotals) -> None:
    st.markdown(
        t(
            "pipeline.quote.totals",
            subtotal=money(money_.subtotal, 2),
            extra=money(money_.extra_amount, 2),
            total=money(money_.total, 2),
            list_value=money(money_.list_value, 2),
            discount=percent(money_.total_discount),
        )
    )
    reasons = rules.approval_reasons(money_, conf.quote_discount_limit)
    if reasons:  # a line's reason first: the total's then says the same again
        key, params = reasons[0]
        st.warning(t(key, discount=percent(params["discount"]), limit=percent(params["limit"])))
    if money_.lines and not reasons:
        st.caption(t("pipeline.quote.within_limit", limit=percent(conf.quote_discount_limit / 100)))


def _line_forms(ctx: PageContext, quote: dict[str, Any], lines: pl.DataFrame) -> None:
    qid = quote["quote_id"]
    catalogue = queries.quote_catalogue(ctx.engine, ctx.viewer, quote["quote_date"])
    if catalogue.is_empty():
        st.info(t("pipeline.quote.no_products"))
    else:
        products = {r["product_id"]: r for r in catalogue.iter_rows(named=True)}
        with st.form("pipeline_quote_line_form", clear_on_submit=True):
            st.markdown(f"**{t('pipeline.quote.add_line')}**")
            product = widgets.select(
                st,
                t("pipeline.quote.product"),
                list(products),
                f"pipeline_quote_product_{qid}",
                lambda p: f"{p} · {products[p]['name']} · {money(products[p]['price'], 2)}",
            )
            left, middle, right = st.columns(3)
            quantity = lines_ui.quantity_box(left, f"pipeline_quote_quantity_{qid}")
            discount = lines_ui.discount_box(middle, f"pipeline_quote_discount_{qid}")
            price = lines_ui.price_box(
                right,
                f"pipeline_quote_price_{qid}",
                value=None,
                placeholder=t("pipeline.quote.price_list_price"),
                help_text=t("pipeline.quote.price_help"),
            )
            if st.form_submit_button(t("pipeline.quote.add"), key="pipeline_quote_line_submit"):
                widgets.run(
                    lambda: actions.add_quote_line(
                        ctx.engine,
                        ctx.viewer,
                        qid,
                        product_id=product,
                        quantity=quantity,
                        discount_pct=discount,
                        unit_price=price,
                    ),
                    t("pipeline.quote.line_added"),
                )
    if lines.is_empty():
        return
    rows = {r["line_id"]: r for r in lines.iter_rows(named=True)}
    with st.form("pipeline_quote_change_form"):
        st.markdown(f"**{t('pipeline.quote.change_line')}**")
        line_id = widgets.select(
            st,
            t("pipeline.quote.line"),
            list(rows),
            f"pipeline_quote_change_pick_{qid}",
            lambda i: f"{rows[i]['product_id']} · {rows[i]['description']}",
        )
        left, middle, right = st.columns(3)
        unchanged = t("pipeline.quote.unchanged")
        quantity = lines_ui.quantity_box(
            left, f"pipeline_quote_change_quantity_{qid}", None, unchanged
        )
        price = lines_ui.price_box(middle, f"pipeline_quote_change_price_{qid}", None, unchanged)
        discount = lines_ui.discount_box(
            right, f"pipeline_quote_change_discount_{qid}", None, unchanged
        )
        change, remove = st.columns(2)
        if change.form_submit_button(t("pipeline.ui.save"), key="pipeline_quote_change_submit"):
            row = rows[line_id]
            widgets.run(
                lambda: actions.update_quote_line(
                    ctx.engine,
                    ctx.viewer,
                    line_id,
                    quantity=row["quantity"] if quantity is None else quantity,
                    unit_price=row["unit_price"] if price is None else price,
                    discount_pct=row["discount_pct"] if discount is None else discount,
                ),
                t("pipeline.quote.line_changed"),
            )
        if remove.form_submit_button(
            t("pipeline.contract.remove"), key="pipeline_quote_remove_submit"
        ):
            widgets.run(
                lambda: actions.remove_quote_line(ctx.engine, ctx.viewer, line_id),
                t("pipeline.quote.line_removed"),
            )


def _quote_form(ctx: PageContext, quote: dict[str, Any]) -> None:
    qid = quote["quote_id"]
    with st.form("pipeline_quote_form"):
        st.markdown(f"**{t('pipeline.quote.terms')}**")
        left, right = st.columns(2)
        until = left.date_input(
            t("pipeline.quote.valid_until"),
            value=quote["valid_until"],
            min_value=quote["quote_date"],
            key=f"pipeline_quote_until_{qid}",
        )
        extra = right.number_input(
            t("pipeline.quote.extra"),
            min_value=0.0,
            max_value=100.0,
            value=float(quote["extra_discount_pct"]),
            step=1.0,
            help=t("pipeline.quote.extra_help"),
            key=f"pipeline_quote_extra_{qid}",
        )
        note = st.text_area(
            t("pipeline.quote.note"),
            value=quote["note"],
            help=t("pipeline.quote.note_help"),
            key=f"pipeline_quote_note_{qid}",
        )
        if st.form_submit_button(t("pipeline.ui.save"), key="pipeline_quote_save"):
            widgets.run(
                lambda: actions.save_quote(
                    ctx.engine,
                    ctx.viewer,
                    qid,
                    valid_until=until,
                    extra_discount_pct=extra,
                    note=note,
                ),
                t("pipeline.quote.saved"),
            )


def _buttons(
    ctx: PageContext,
    conf: cfg.PipelineSettings,
    deal: dict[str, Any],
    quote: dict[str, Any],
    money_: rules.QuoteTotals,
    versions: pl.DataFrame,
    is_open: bool,
) -> None:
    if not is_open:
        return
    qid, status = quote["quote_id"], quote["status"]
    needs = rules.needs_approval(money_, conf.quote_discount_limit)
    if status in ("draft", "rejected", "approved", "pending"):
        left, right = st.columns(2)
        if left.button(
            t("pipeline.quote.request"),
            key="pipeline_quote_request",
            disabled=not needs or status not in ("draft", "rejected"),
        ):
            widgets.run(
                lambda: actions.request_approval(ctx.engine, ctx.viewer, qid),
                t("pipeline.quote.requested"),
            )
        # Sending stays clickable: a quote that needs approval is refused with the reason.
        if right.button(
            t("pipeline.quote.send"),
            key="pipeline_quote_send",
            type="primary",
            disabled=status == "pending",
        ):
            widgets.run(
                lambda: actions.send_quote(ctx.engine, ctx.viewer, qid),
                t("pipeline.quote.sent", label=rules.quote_label(deal["opp_id"], quote["version"])),
            )
        st.caption(t("pipeline.quote.flow"))
    if status == "sent":
        _answer(ctx, deal, quote)
    latest = int(versions["version"].max())  # type: ignore[arg-type]
    accepted = (versions["status"] == "accepted").any()
    revisable = quote["version"] == latest and status in ("sent", "declined") and not accepted
    if revisable and st.button(t("pipeline.quote.revise"), key="pipeline_quote_revise"):
        widgets.run(
            lambda: actions.create_quote(ctx.engine, ctx.viewer, deal["opp_id"]),
            t("pipeline.quote.created", version=latest + 1),
        )


def _answer(ctx: PageContext, deal: dict[str, Any], quote: dict[str, Any]) -> None:
    qid = quote["quote_id"]
    contract = queries.contracts(ctx.engine, ctx.viewer).filter(pl.col("opp_id") == deal["opp_id"])
    terms = cfg.PAYMENT_TERMS
    with st.form("pipeline_quote_accept_form"):
        st.markdown(f"**{t('pipeline.quote.answer')}**")
        if contract.is_empty():
            left, right = st.columns(2)
            payment = widgets.select(
                left,
                t("pipeline.field.payment_terms"),
                terms,
                f"pipeline_quote_payment_{qid}",
                lambda p: labels.label("payment", p),
                terms.index("net30"),
            )
            delivery = right.date_input(
                t("pipeline.field.delivery_date"),
                value=deal["expected_close"] + dt.timedelta(days=30),
                key=f"pipeline_quote_delivery_{qid}",
            )
        else:
            payment, delivery = terms[0], None
            st.caption(t("pipeline.quote.replaces_lines", id=contract["contract_id"][0]))
        note = st.text_input(t("pipeline.quote.answer_note"), key=f"pipeline_quote_answer_{qid}")
        accept, decline = st.columns(2)
        if accept.form_submit_button(
            t("pipeline.quote.accept"), key="pipeline_quote_accept", type="primary"
        ):
            widgets.run(
                lambda: actions.accept_quote(
                    ctx.engine, ctx.viewer, qid, payment_terms=payment, delivery_date=delivery
                ),
                t("pipeline.quote.accepted"),
            )
        if decline.form_submit_button(t("pipeline.quote.decline"), key="pipeline_quote_decline"):
            widgets.run(
                lambda: actions.decline_quote(ctx.engine, ctx.viewer, qid, note=note),
                t("pipeline.quote.declined"),
            )


def _download(
    ctx: PageContext,
    conf: cfg.PipelineSettings,
    deal: dict[str, Any],
    quote: dict[str, Any],
    priced: pl.DataFrame,
    money_: rules.QuoteTotals,
    label: str,
) -> None:
    names = queries.names(ctx.engine)
    customer = queries.customer_names(ctx.engine, [deal["customer_id"]]).get(
        deal["customer_id"], ""
    )
    doc = document.QuoteDocument(
        company=conf.quote_company,
        company_details=conf.quote_company_details,
        label=label,
        quote_date=quote["quote_date"],
        valid_until=quote["valid_until"],
        customer=customer,
        deal=deal["title"],
        owner=names.get(deal["owner_id"], ""),
        subtotal=money_.subtotal,
        extra_pct=quote["extra_discount_pct"],
        extra_amount=money_.extra_amount,
        total=money_.total,
        note=quote["note"],
        lines=[
            document.DocumentLine(
                product_id=r["product_id"],
                description=r["description"],
                quantity=r["quantity"],
                unit_price=r["unit_price"],
                discount_pct=r["discount_pct"],
                amount=r["line_total"],
            )
            for r in priced.iter_rows(named=True)
        ],
    )
    st.download_button(
        t("pipeline.quote.download"),
        document.quote_html(doc).encode("utf-8"),
        file_name=document.file_name(label),
        mime="text/html",
        key="pipeline_quote_html",
        on_click="ignore",
    )
    st.caption(t("pipeline.quote.print_help"))


def _approvals(ctx: PageContext, quote: dict[str, Any]) -> None:
    decisions = queries.quote_approvals(ctx.engine, ctx.viewer, [quote["quote_id"]])
    if decisions.is_empty():
        return
    st.markdown(f"**{t('pipeline.quote.approvals')}**")
    frame = labels.display(
        lines_ui.shown_decisions(decisions, queries.names(ctx.engine)),
        {
            "decided_at": "pipeline.col.reviewed_at",
            "approver": "pipeline.col.reviewer",
            "decision": "pipeline.col.decision",
            "note": "pipeline.col.comment",
        },
    )
    table_with_download(frame, f"quote_{quote['quote_id']}_approvals", "pipeline_quote_decisions")
