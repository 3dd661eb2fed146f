"""Forms used on more than one page: a follow-up, a customer's fields, duplicates found,
and how a refused action is shown."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import streamlit as st

from command_center.context import PageContext
from command_center.i18n import labels_now, t
from plugins.customers.actions.customers import CustomerInput
from plugins.customers.actions.followups import FollowUpInput, log_followup
from plugins.customers.errors import ActionRefused, CustomersError
from plugins.customers.logic import labels
from plugins.customers.models import CHANNELS, CLASSES, SOURCES, SPIN_STAGES
from plugins.customers.queries import activity
from plugins.customers.queries import book as book_q
from plugins.customers.ui import page_data


def select_label(options: Iterable[str], prefix: str) -> object:
    """A ``format_func`` showing codes under ``customers.<prefix>`` as their labels."""
    return labels_now(list(options), lambda v: labels.label(prefix, v))


def show_refusal(exc: CustomersError) -> None:
    st.error(t(exc.key, **exc.params))


def followup_form(ctx: PageContext, options: dict[int, str], key: str) -> None:
    """Log a follow-up on one of ``options`` (``{customer_id: label}``)."""
    if not options:
        st.info(t("customers.followups.nothing_to_log"))
        return
    ids = list(options)
    stages = ["", *SPIN_STAGES]
    with st.form(key, clear_on_submit=True):
        customer = st.selectbox(
            t("customers.archive.customer"),
            ids,
            format_func=labels_now(ids, lambda c: options.get(c, str(c))),
            key=f"{key}_customer",
        )
        left, right = st.columns(2)
        day = left.date_input(
            t("customers.followups.date"),
            value=page_data.today(),
            max_value=page_data.today(),
            key=f"{key}_date",
        )
        channel = right.radio(
            t("customers.followups.channel"),
            list(CHANNELS),
            format_func=select_label(CHANNELS, "channel"),
            horizontal=True,
            key=f"{key}_channel",
        )
        stage = st.selectbox(
            t("customers.followups.spin"),
            stages,
            format_func=labels_now(
                stages, lambda s: labels.label("spin", s) if s else t("customers.spin.none")
            ),
            key=f"{key}_spin",
        )
        notes = st.text_area(t("customers.followups.notes"), key=f"{key}_notes")
        went = co_visitor_picker(ctx, f"{key}_co")
        left, right = st.columns([2, 1])
        next_step = left.text_input(t("customers.followups.next_step"), key=f"{key}_next")
        next_date = right.date_input(
            t("customers.followups.next_date"), value=None, key=f"{key}_next_date"
        )
        submitted = st.form_submit_button(t("customers.followups.log"), type="primary")
    if not submitted or customer is None:
        return
    data = FollowUpInput(
        followup_date=day if isinstance(day, dt.date) else page_data.today(),
        channel=str(channel),
        notes=notes,
        next_step=next_step,
        next_date=next_date if isinstance(next_date, dt.date) else None,
        spin_stage=str(stage or ""),
        co_visitors=tuple(int(p) for p in went),
    )
    try:
        log_followup(ctx.engine, ctx.viewer, int(customer), data)
    except ActionRefused as exc:
        show_refusal(exc)
        return
    st.success(
        t(
            "customers.followups.logged",
            channel=labels.label("channel", data.channel),
            customer=options.get(int(customer), str(customer)),
            day=data.followup_date.isoformat(),
        )
    )


def co_visitor_picker(ctx: PageContext, key: str) -> list[int]:
    """The colleagues who went along (a multiselect inside the caller's form)."""
    choices = dict(activity.co_visitor_choices(ctx.engine, ctx.viewer))
    if not choices:
        return []
    ids = list(choices)
    went = st.multiselect(
        t("customers.followups.co_visitors"),
        ids,
        format_func=labels_now(ids, lambda p: choices.get(p, str(p))),
        key=key,
    )
    st.caption(t("customers.followups.co_visitors_help"))  # not a help icon: too small to tap
    return went


def customer_fields(key: str, current: dict[str, Any] | None = None) -> CustomerInput:
    """The inputs of a customer (inside the caller's form), prefilled from ``current``."""
    cur = current or {}
    name = st.text_input(t("customers.col.name"), value=cur.get("name", ""), key=f"{key}_name")
    left, mid, right = st.columns(3)
    size = left.selectbox(
        t("customers.classification"),
        list(CLASSES),
        index=list(CLASSES).index(cur.get("size") or "prospect")
        if cur.get("size") in CLASSES
        else 2,
        format_func=select_label(CLASSES, "class"),
        key=f"{key}_size",
    )
    industry = mid.text_input(
        t("customers.industry"), value=cur.get("industry", ""), key=f"{key}_industry"
    )
    region = right.text_input(
        t("customers.region"), value=cur.get("region", ""), key=f"{key}_region"
    )
    left, mid, right = st.columns(3)
    phone = left.text_input(
        t("customers.col.phone"), value=cur.get("phone", ""), key=f"{key}_phone"
    )
    tax_id = mid.text_input(
        t("customers.col.tax_id"), value=cur.get("tax_id", ""), key=f"{key}_tax"
    )
    source = right.selectbox(
        t("customers.col.source"),
        list(SOURCES),
        index=list(SOURCES).index(cur.get("source") or "other")
        if cur.get("source") in SOURCES
        else len(SOURCES) - 1,
        format_func=select_label(SOURCES, "source"),
        key=f"{key}_source",
    )
    address = st.text_input(
        t("customers.col.address"), value=cur.get("address", ""), key=f"{key}_address"
    )
    needs = st.text_area(t("customers.col.needs"), value=cur.get("needs", ""), key=f"{key}_needs")
    preferences = st.text_area(
        t("customers.col.preferences"), value=cur.get("preferences", ""), key=f"{key}_prefs"
    )
    return CustomerInput(
        name=name, industry=industry, size=str(size), region=region, phone=phone,
        tax_id=tax_id, address=address, source=str(source), needs=needs, preferences=preferences,
    )  # fmt: skip


def show_duplicates(ctx: PageContext, matches: list[dict[str, Any]]) -> None:
    """The existing record(s) a save would have duplicated, as far as the viewer may see them."""
    st.warning(t("customers.duplicate.found", count=len(matches)))
    people = page_data.names(ctx)
    for match in matches:
        cid, owner = int(match["customer_id"]), match["owner_id"]
        on = ", ".join(t(f"customers.duplicate.on_{field}") for field in match["matched_on"])
        with st.container(border=True):
            st.markdown(f"**{match['name']}** · #{cid}")
            st.caption(t("customers.duplicate.matched_on", fields=on))
            if book_q.can_work_on(ctx.viewer, owner):
                who = (
                    people.get(owner, t("customers.public_pool"))
                    if owner
                    else t("customers.public_pool")
                )
                st.caption(t("customers.duplicate.yours", owner=who))
                st.session_state[page_data.OPEN_KEY] = cid
            elif owner is None:
                st.caption(t("customers.duplicate.public"))
            else:
                st.caption(t("customers.duplicate.colleague"))
