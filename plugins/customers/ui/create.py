"""New customer: the form, with the duplicate check before anything is saved."""

from __future__ import annotations

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.db.models import KEY_LENGTH
from command_center.i18n import labels_now, t
from command_center.keys import key_of
from command_center.ui import page_header
from plugins.customers.actions.customers import create_customer
from plugins.customers.errors import ActionRefused, DuplicateFound
from plugins.customers.logic.teams import active_reps
from plugins.customers.ui import forms, page_data

PUBLIC = 0  # the owner option that leaves the new customer in the public pool


def render(ctx: PageContext) -> None:
    page_header(ctx, "customers.create.title")
    if ctx.viewer.role == "admin" or ctx.viewer.person_id is None:
        st.info(t("customers.no_business_rows"))
        return
    st.caption(t("customers.create.help"))
    people = ctx.people()
    me = people.filter(pl.col("person_id") == ctx.viewer.person_id)
    region = me["region"].to_list()[0] if me.height else ""
    owners = _owner_options(ctx, people)
    with st.form("customers_create", clear_on_submit=False):
        data = forms.customer_fields("customers_create", {"region": region})
        key = st.text_input(
            t("keys.form.label_customer"),
            key="customers_create_key",
            help=t("keys.form.help_customer"),
            max_chars=KEY_LENGTH,
        )
        owner = PUBLIC
        if len(owners) > 1:
            ids = list(owners)
            owner = st.selectbox(
                t("customers.owner"),
                ids,
                format_func=labels_now(ids, owners.__getitem__),
                key="customers_create_owner",
            )
        saved = st.form_submit_button(t("customers.create.save"), type="primary")
    if not saved:
        return
    owner_id = ctx.viewer.person_id if ctx.viewer.role == "rep" else (owner or None)
    try:
        customer_id = create_customer(ctx.engine, ctx.viewer, data, owner_id, key=key)
    except DuplicateFound as dup:
        forms.show_duplicates(ctx, dup.matches)
        return
    except ActionRefused as exc:
        forms.show_refusal(exc)
        return
    st.session_state[page_data.OPEN_KEY] = customer_id
    shown = key_of(ctx.engine, "customer", customer_id) or customer_id
    st.success(t("customers.create.saved", name=data.name.strip(), id=shown))


def _owner_options(ctx: PageContext, people: pl.DataFrame) -> dict[int, str]:
    """Reps own what they create; leaders choose a rep of their team or the public pool."""
    if ctx.viewer.role == "rep":
        return {int(ctx.viewer.person_id or 0): t("customers.create.me")}
    reps = active_reps(people)
    return {
        PUBLIC: t("customers.public_pool"),
        **dict(reps.select("person_id", "name").iter_rows()),
    }
