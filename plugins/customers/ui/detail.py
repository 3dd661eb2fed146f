"""One customer's record: profile, purchases, follow-ups, contacts, edits, pool, panels."""

from __future__ import annotations

from typing import Any

import altair as alt
import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import labels_now, money, t
from command_center.ui import COLORS, chart, data_table, render_panels, table_with_download
from command_center.ui.widgets import money_column
from plugins.customers.actions import ActionRefused, DuplicateFound
from plugins.customers.actions import customers as customer_actions
from plugins.customers.actions import pool as pool_actions
from plugins.customers.logic.dates import month_ends
from plugins.customers.queries import activity, grades, ledger
from plugins.customers.queries import book as book_q
from plugins.customers.ui import common, forms


def render_customer(ctx: PageContext, customer_id: int) -> None:
    row = book_q.customer_row(ctx.engine, ctx.viewer, customer_id)
    if row is None:
        public = book_q.public_row(ctx.engine, ctx.viewer, customer_id)
        if public is None:
            st.info(t("customers.detail.out_of_scope"))
        else:
            public_card(ctx, public)
        return
    people = common.names(ctx)
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
                cls=common.label("class", row["size"]),
                industry=row["industry"] or "—",
                region=row["region"] or "—",
                released=row["released_on"] or "—",
                reason=common.label("reason", row["release_reason"]),
            )
        )
        if ctx.viewer.role == "rep" and st.button(
            t("customers.pool.claim"), key=f"customers_claim_{row['customer_id']}", type="primary"
        ):
            try:
                pool_actions.claim(ctx.engine, ctx.viewer, int(row["customer_id"]))
            except ActionRefused as exc:
                common.show_refusal(exc)
            else:
                st.success(t("customers.pool.claimed", customer=row["name"]))


def _header(ctx: PageContext, row: dict[str, Any], people: dict[int, str]) -> None:
    cid = int(row["customer_id"])
    grade = (
        common.company_grades(ctx).filter(pl.col("customer_id") == cid)["grade"].to_list() or ["C"]
    )[0]
    due = common.due_list(ctx).filter(pl.col("customer_id") == cid)
    st.subheader(f"{row['name']} · #{cid}")
    owner = (
        people.get(row["owner_id"], t("customers.colleague"))
        if row["owner_id"]
        else t("customers.public_pool")
    )
    st.caption(
        t(
            "customers.detail.caption",
            cls=common.label("class", row["size"]),
            industry=row["industry"] or "—",
            region=row["region"] or "—",
            owner=owner,
            since=row["owned_since"] or "—",
        )
        + (" · " + t("customers.detail.locked") if row["locked"] else "")
    )
    last = due["last_followup"].to_list()[0] if due.height else None
    due_on = due["due_on"].to_list()[0] if due.height else None
    status = due["status"].to_list()[0] if due.height else None
    cols = st.columns(4)
    cols[0].metric(t("customers.grade"), grade)
    cols[1].metric(t("customers.detail.last_followup"), str(last) if last else "—")
    cols[2].metric(t("customers.detail.next_due"), str(due_on) if due_on else "—")
    cols[3].metric(t("customers.archive.cadence"), common.label("status", status))


def _overview(ctx: PageContext, row: dict[str, Any]) -> None:
    texts = activity.profile_texts(ctx.engine, int(row["customer_id"]))
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{t('customers.col.phone')}**: {row['phone'] or '—'}")
        st.markdown(f"**{t('customers.col.tax_id')}**: {row['tax_id'] or '—'}")
        st.markdown(f"**{t('customers.col.address')}**: {texts['address'] or '—'}")
        st.markdown(f"**{t('customers.col.source')}**: {common.label('source', row['source'])}")
    with right:
        st.markdown(f"**{t('customers.col.needs')}**")
        st.write(texts["needs"] or "—")
        st.markdown(f"**{t('customers.col.preferences')}**")
        st.write(texts["preferences"] or "—")
    rules = common.rules(ctx)
    points = month_ends(common.today(), 12)
    history = grades.company_history(ctx.engine, points, rules.abc_months, rules.cutoffs).filter(
        pl.col("customer_id") == int(row["customer_id"])
    )
    if history.height:
        st.markdown(f"**{t('customers.detail.grade_history')}**")
        by_month = {
            day.strftime("%Y-%m"): [grade]
            for day, grade in history.sort("as_of").select("as_of", "grade").iter_rows()
        }
        data_table(pl.DataFrame(by_month))


def _purchases(ctx: PageContext, customer_id: int, people: dict[int, str]) -> None:
    lines = ledger.customer_lines(ctx.engine, ctx.viewer, customer_id)
    if lines.is_empty():
        st.info(t("customers.detail.no_orders"))
        return
    monthly = (
        lines.group_by(pl.col("order_date").dt.truncate("1mo").alias("month"))
        .agg(pl.col("revenue").sum(), pl.len().alias("lines"))
        .sort("month")
        .with_columns(pl.col("month").dt.strftime("%Y-%m").alias("label"))
    )
    spec = (
        alt.Chart(monthly)
        .mark_bar(color=COLORS["primary"])
        .encode(
            x=alt.X("label:O", title=t("customers.col.month")),
            y=alt.Y("revenue:Q", title=t("customers.col.revenue")),
            tooltip=[
                alt.Tooltip("label:O", title=t("customers.col.month")),
                alt.Tooltip("revenue:Q", title=t("customers.col.revenue"), format=",.0f"),
                alt.Tooltip("lines:Q", title=t("customers.col.lines")),
            ],
        )
        .properties(height=260)
    )
    chart(spec)
    st.caption(t("customers.detail.orders_total", count=lines.height,
                 total=money(float(lines["revenue"].sum()))))  # fmt: skip
    shown = lines.select(
        pl.col("order_id").alias(t("customers.col.order")),
        pl.col("order_date").alias(t("customers.col.date")),
        pl.col("person_id")
        .replace_strict(people, default=t("customers.colleague"), return_dtype=pl.String)
        .alias(t("customers.col.booked_by")),
        pl.col("revenue").alias(t("customers.col.revenue")),
    )
    table_with_download(
        shown.head(common.MAX_ROWS),
        f"orders_{customer_id}",
        f"customers_orders_{customer_id}",
        column_config={t("customers.col.revenue"): money_column(t("customers.col.revenue"))},
    )


def followup_table(
    frame: pl.DataFrame, people: dict[int, str], customers: dict[int, str]
) -> pl.DataFrame:
    """Follow-ups as shown in tables (translated headers and codes)."""
    frame = common.relabel(common.relabel(frame, "channel", "channel"), "spin_stage", "spin")
    return frame.select(
        pl.col("followup_date").alias(t("customers.followups.date")),
        pl.col("customer_id")
        .replace_strict(customers, default="—", return_dtype=pl.String)
        .alias(t("customers.col.name")),
        pl.col("person_id")
        .replace_strict(people, default=t("customers.colleague"), return_dtype=pl.String)
        .alias(t("customers.col.by")),
        pl.col("channel").alias(t("customers.followups.channel")),
        pl.col("spin_stage").alias(t("customers.followups.spin")),
        pl.col("notes").alias(t("customers.followups.notes")),
        pl.col("next_step").alias(t("customers.followups.next_step")),
        pl.col("next_date").alias(t("customers.followups.next_date")),
    )


def _followups(ctx: PageContext, row: dict[str, Any], people: dict[int, str]) -> None:
    cid = int(row["customer_id"])
    logged = activity.followups(ctx.engine, ctx.viewer, cid)
    if logged.is_empty():
        st.info(t("customers.detail.no_followups"))
    else:
        table_with_download(
            followup_table(logged, people, {cid: str(row["name"])}),
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
        common.show_refusal(exc)
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
        common.show_refusal(exc)
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
            common.show_refusal(exc)
        else:
            st.success(t("customers.pool.released", customer=row["name"]))
    if leader:
        label = "customers.pool.unlock" if row["locked"] else "customers.pool.lock"
        if st.button(t(label), key=f"customers_lock_{cid}"):
            try:
                pool_actions.set_locked(ctx.engine, ctx.viewer, cid, not row["locked"])
            except ActionRefused as exc:
                common.show_refusal(exc)
            else:
                st.success(t(f"{label}ed", customer=row["name"]))
        assign_form(ctx, cid, str(row["name"]), f"customers_assign_{cid}")
    moves = activity.moves(ctx.engine, ctx.viewer).filter(pl.col("customer_id") == cid)
    if not moves.is_empty():
        data_table(move_table(moves, people, {cid: str(row["name"])}))


def assign_form(ctx: PageContext, customer_id: int, name: str, key: str) -> None:
    """Leaders: give the customer to a rep of their team."""
    reps = (
        ctx.people()
        .filter((pl.col("level") == "rep") & (pl.col("status") == "active"))
        .sort("name")
    )
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
        common.show_refusal(exc)
        return
    st.success(t("customers.pool.assigned", customer=name, owner=names.get(owner, "")))


def move_table(
    moves: pl.DataFrame, people: dict[int, str], customers: dict[int, str]
) -> pl.DataFrame:
    frame = common.relabel(common.relabel(moves, "action", "move"), "reason", "reason")
    who = {**people}
    return frame.select(
        pl.col("moved_on").alias(t("customers.col.date")),
        pl.col("customer_id")
        .replace_strict(customers, default="—", return_dtype=pl.String)
        .alias(t("customers.col.name")),
        pl.col("action").alias(t("customers.col.move")),
        pl.col("reason").alias(t("customers.col.reason")),
        common.owner_names(who, "from_owner_id").alias(t("customers.col.from")),
        common.owner_names(who, "to_owner_id").alias(t("customers.col.to")),
        pl.col("days_idle").alias(t("customers.col.days_idle")),
    )
