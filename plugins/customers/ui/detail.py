"""One customer's record: profile, purchases, follow-ups, contacts, edits, pool, panels."""

from __future__ import annotations

from typing import Any

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import labels_now, money, t
from command_center.ui import chart, data_table, render_panels, table_with_download
from command_center.ui.widgets import money_column
from plugins.customers import charts
from plugins.customers.actions import customers as customer_actions
from plugins.customers.actions import pool as pool_actions
from plugins.customers.errors import ActionRefused, DuplicateFound
from plugins.customers.logic import activity as activity_logic
from plugins.customers.logic import display, labels
from plugins.customers.logic.abc import grades_by_month
from plugins.customers.logic.archive import record_status
from plugins.customers.logic.dates import month_ends
from plugins.customers.logic.teams import active_reps
from plugins.customers.queries import activity, grades, ledger
from plugins.customers.queries import book as book_q
from plugins.customers.ui import forms, page_data


def render_customer(ctx: PageContext, customer_id: int) -> None:
    row = book_q.customer_row(ctx.engine, ctx.viewer, customer_id)
    if row is None:
        public = book_q.public_row(ctx.engine, ctx.viewer, customer_id)
        if public is None:
            st.info(t("customers.detail.out_of_scope"))
        else:
            public_card(ctx, public)
        return
    people = page_data.names(ctx)
    _header(ctx, row, people)
    tabs = st.tabs(
        [
            t("customers.detail.overview"),
            t("customers.detail.purchases"),
            t("customers.detail.followups"),
            t("customers.detail.contacts"),
            t("customers.detail.edit"),
            t("customers.detail.pool"),
        ]
    )
    with tabs[0]:
        _overview(ctx, row)
    with tabs[1]:
        _purchases(ctx, customer_id, people)
    with tabs[2]:
        _followups(ctx, row, people)
    with tabs[3]:
        _contacts(ctx, customer_id)
    with tabs[4]:
        _edit(ctx, row)
    with tabs[5]:
        _pool(ctx, row, people)
    render_panels(ctx, "customer", customer_id)


def public_card(ctx: PageContext, row: dict[str, Any]) -> None:
    """Basic information of a public-pool customer, with the claim button for reps."""
    with st.container(border=True):
        st.markdown(f"**{row['name']}** · #{row['customer_id']}")
        st.caption(
            t(
                "customers.detail.public_caption",
                cls=labels.label("class", row["size"]),
                industry=row["industry"] or "—",
                region=row["region"] or "—",
                released=row["released_on"] or "—",
                reason=labels.label("reason", row["release_reason"]),
            )
        )
        if ctx.viewer.role == "rep" and st.button(
            t("customers.pool.claim"), key=f"customers_claim_{row['customer_id']}", type="primary"
        ):
            try:
                pool_actions.claim(ctx.engine, ctx.viewer, int(row["customer_id"]))
            except ActionRefused as exc:
                forms.show_refusal(exc)
            else:
                st.success(t("customers.pool.claimed", customer=row["name"]))


def _header(ctx: PageContext, row: dict[str, Any], people: dict[int, str]) -> None:
    cid = int(row["customer_id"])
    status = record_status(page_data.company_grades(ctx), page_data.due_list(ctx), cid)
    st.subheader(f"{row['name']} · #{cid}")
    owner = (
        people.get(row["owner_id"], t("customers.colleague"))
        if row["owner_id"]
        else t("customers.public_pool")
    )
    st.caption(
        t(
            "customers.detail.caption",
            cls=labels.label("class", row["size"]),
            industry=row["industry"] or "—",
            region=row["region"] or "—",
            owner=owner,
            since=row["owned_since"] or "—",
        )
        + (" · " + t("customers.detail.locked") if row["locked"] else "")
    )
    last, due_on = status["last_followup"], status["due_on"]
    cols = st.columns(4)
    cols[0].metric(t("customers.grade"), str(status["grade"]))
    cols[1].metric(t("customers.detail.last_followup"), str(last) if last else "—")
    cols[2].metric(t("customers.detail.next_due"), str(due_on) if due_on else "—")
    cols[3].metric(t("customers.archive.cadence"), labels.label("status", status["status"]))


def _overview(ctx: PageContext, row: dict[str, Any]) -> None:
    texts = activity.profile_texts(ctx.engine, int(row["customer_id"]))
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{t('customers.col.phone')}**: {row['phone'] or '—'}")
        st.markdown(f"**{t('customers.col.tax_id')}**: {row['tax_id'] or '—'}")
        st.markdown(f"**{t('customers.col.address')}**: {texts['address'] or '—'}")
        st.markdown(f"**{t('customers.col.source')}**: {labels.label('source', row['source'])}")
    with right:
        st.markdown(f"**{t('customers.col.needs')}**")
        st.write(texts["needs"] or "—")
        st.markdown(f"**{t('customers.col.preferences')}**")
        st.write(texts["preferences"] or "—")
    rules = page_data.rules(ctx)
    points = month_ends(page_data.today(), 12)
    history = grades.company_history_of(
        ctx.engine, int(row["customer_id"]), points, rules.abc_months, rules.cutoffs, rules.grading
    )
    if history.height:
        st.markdown(f"**{t('customers.detail.grade_history')}**")
        data_table(grades_by_month(history))


def _purchases(ctx: PageContext, customer_id: int, people: dict[int, str]) -> None:
    lines = ledger.customer_lines(ctx.engine, ctx.viewer, customer_id)
    if lines.is_empty():
        st.info(t("customers.detail.no_orders"))
        return
    chart(charts.purchases(activity_logic.monthly_purchases(lines)))
    st.caption(t("customers.detail.orders_total", count=lines.height,
                 total=money(float(lines["revenue"].sum()))))  # fmt: skip
    shown = display.purchase_table(lines, people)
    table_with_download(
        shown.head(page_data.MAX_ROWS),
        f"orders_{customer_id}",
        f"customers_orders_{customer_id}",
        column_config={t("customers.col.revenue"): money_column(t("customers.col.revenue"))},
    )


def _followups(ctx: PageContext, row: dict[str, Any], people: dict[int, str]) -> None:
    cid = int(row["customer_id"])
    logged = activity.followups(ctx.engine, ctx.viewer, cid)
    if logged.is_empty():
        st.info(t("customers.detail.no_followups"))
    else:
        table_with_download(
            display.followup_table(logged, people, {cid: str(row["name"])}),
            f"followups_{cid}",
            f"customers_fu_{cid}",
        )
    if row["owner_id"] is not None and ctx.viewer.person_id is not None:
        forms.followup_form(ctx, {cid: str(row["name"])}, f"customers_fu_form_{cid}")


def _contacts(ctx: PageContext, customer_id: int) -> None:
    people = activity.contacts(ctx.engine, [customer_id])
    if people.is_empty():
        st.info(t("customers.detail.no_contacts"))
    else:
        data_table(
            people.select(
                pl.col("name").alias(t("customers.contact.name")),
                pl.col("title").alias(t("customers.contact.title")),
                pl.col("phone").alias(t("customers.contact.phone")),
                pl.col("email").alias(t("customers.contact.email")),
            ),
        )
    options: list[int | None] = [None, *people["contact_id"].to_list()]
    names = dict(people.select("contact_id", "name").iter_rows())
    chosen = st.selectbox(
        t("customers.contact.edit_which"),
        options,
        format_func=labels_now(
            options, lambda c: t("customers.contact.new") if c is None else names.get(c, str(c))
        ),
        key=f"customers_contact_pick_{customer_id}",
    )
    current = people.filter(pl.col("contact_id") == chosen).row(0, named=True) if chosen else {}
    with st.form(f"customers_contact_form_{customer_id}_{chosen}", clear_on_submit=chosen is None):
        left, right = st.columns(2)
        name = left.text_input(t("customers.contact.name"), value=current.get("name", ""))
        title = right.text_input(t("customers.contact.title"), value=current.get("title", ""))
        phone = left.text_input(t("customers.contact.phone"), value=current.get("phone", ""))
        email = right.text_input(t("customers.contact.email"), value=current.get("email", ""))
        remove = st.checkbox(t("customers.contact.delete"), value=False) if chosen else False
        saved = st.form_submit_button(t("customers.contact.save"))
    if not saved:
        return
    try:
        if remove and chosen is not None:
            customer_actions.delete_contact(ctx.engine, ctx.viewer, customer_id, int(chosen))
            st.success(t("customers.contact.deleted", name=current.get("name", "")))
            return
        data = customer_actions.ContactInput(name, title, phone, email)
        customer_actions.save_contact(ctx.engine, ctx.viewer, customer_id, data, chosen)
    except ActionRefused as exc:
        forms.show_refusal(exc)
        return
    st.success(t("customers.contact.saved", name=name))


def _edit(ctx: PageContext, row: dict[str, Any]) -> None:
    cid = int(row["customer_id"])
    current = {**row, **activity.profile_texts(ctx.engine, cid)}
    with st.form(f"customers_edit_{cid}"):
        data = forms.customer_fields(f"customers_edit_{cid}", current)
        saved = st.form_submit_button(t("customers.edit.save"), type="primary")
    if not saved:
        return
    try:
        changed = customer_actions.update_customer(ctx.engine, ctx.viewer, cid, data)
    except DuplicateFound as dup:
        forms.show_duplicates(ctx, dup.matches)
        return
    except ActionRefused as exc:
        forms.show_refusal(exc)
        return
    if changed:
        st.success(t("customers.edit.saved", fields=", ".join(changed)))
    else:
        st.info(t("customers.edit.unchanged"))


def _pool(ctx: PageContext, row: dict[str, Any], people: dict[int, str]) -> None:
    cid = int(row["customer_id"])
    leader = ctx.viewer.role in ("supervisor", "manager", "director")
    if row["owner_id"] is not None and st.button(
        t("customers.pool.release"), key=f"customers_release_{cid}", disabled=bool(row["locked"])
    ):
        try:
            pool_actions.release(ctx.engine, ctx.viewer, cid)
        except ActionRefused as exc:
            forms.show_refusal(exc)
        else:
            st.success(t("customers.pool.released", customer=row["name"]))
    if leader:
        label = "customers.pool.unlock" if row["locked"] else "customers.pool.lock"
        if st.button(t(label), key=f"customers_lock_{cid}"):
            try:
                pool_actions.set_locked(ctx.engine, ctx.viewer, cid, not row["locked"])
            except ActionRefused as exc:
                forms.show_refusal(exc)
            else:
                st.success(t(f"{label}ed", customer=row["name"]))
        assign_form(ctx, cid, str(row["name"]), f"customers_assign_{cid}")
    moves = activity.moves(ctx.engine, ctx.viewer).filter(pl.col("customer_id") == cid)
    if not moves.is_empty():
        data_table(display.move_table(moves, people, {cid: str(row["name"])}))


def assign_form(ctx: PageContext, customer_id: int, name: str, key: str) -> None:
    """Leaders: give the customer to a rep of their team."""
    reps = active_reps(ctx.people())
    ids = reps["person_id"].to_list()
    if not ids:
        return
    names = dict(reps.select("person_id", "name").iter_rows())
    with st.form(key):
        owner = st.selectbox(
            t("customers.pool.assign_to"),
            ids,
            format_func=labels_now(ids, lambda p: names.get(p, str(p))),
            key=f"{key}_owner",
        )
        go = st.form_submit_button(t("customers.pool.assign"))
    if not go or owner is None:
        return
    try:
        pool_actions.assign(ctx.engine, ctx.viewer, customer_id, int(owner))
    except ActionRefused as exc:
        forms.show_refusal(exc)
        return
    st.success(t("customers.pool.assigned", customer=name, owner=names.get(owner, "")))
