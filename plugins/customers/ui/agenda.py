"""The one-tap forms of the customers plugin's Today rows.

A follow-up or pool-warning row opens :func:`followup_action` (log the follow-up
now, or plan a visit at a time); a planned visit opens :func:`visit_action` (log
it, or call it off). Each writes through :mod:`plugins.customers.actions`, with
their role checks; the rows themselves are built in
:mod:`plugins.customers.logic.agenda`.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from command_center.context import PageContext
from command_center.i18n import date, labels_now, t
from command_center.ui.actions import run_action
from plugins.customers.actions.followups import FollowUpInput, log_followup
from plugins.customers.actions.visits import cancel_visit, log_visit, plan_visit
from plugins.customers.errors import CustomersError
from plugins.customers.logic import labels
from plugins.customers.models import CHANNELS
from plugins.customers.ui.forms import co_visitor_picker


# -- the one-tap forms ------------------------------------------------------------------
def _explain(exc: CustomersError) -> str:
    return t(exc.key, **exc.params)


def _channel_label(channel: str) -> str:
    return labels.label("channel", channel)


def _followup_input(ctx: PageContext, key: str, channel: str) -> FollowUpInput | None:
    """Channel, note, who went along and next date inside the caller's form; ``None``
    until submitted."""
    picked = st.radio(
        t("customers.followups.channel"),
        list(CHANNELS),
        index=list(CHANNELS).index(channel),
        format_func=labels_now(list(CHANNELS), _channel_label),
        horizontal=True,
        key=f"{key}_channel",
    )
    notes = st.text_area(t("customers.followups.notes"), key=f"{key}_notes", height=80)
    went = co_visitor_picker(ctx, f"{key}_co")
    left, right = st.columns(2)
    next_step = left.text_input(t("customers.followups.next_step"), key=f"{key}_next")
    next_date = right.date_input(
        t("customers.followups.next_date"), value=None, key=f"{key}_next_date"
    )
    if not st.form_submit_button(t("customers.followups.log"), type="primary", width="stretch"):
        return None
    return FollowUpInput(
        followup_date=dt.date.today(),
        channel=str(picked),
        notes=notes,
        next_step=next_step,
        next_date=next_date if isinstance(next_date, dt.date) else None,
        co_visitors=tuple(int(p) for p in went),
    )


def _logged(name: str, data: FollowUpInput) -> str:
    return t(
        "customers.followups.logged",
        channel=_channel_label(data.channel),
        customer=name,
        day=data.followup_date.isoformat(),
    )


def followup_action(customer_id: int, name: str, ctx: PageContext, key: str) -> None:
    """Log a follow-up of ``customer_id`` today, or plan a visit to it."""
    log_tab, plan_tab = st.tabs([t("customers.agenda.log_now"), t("customers.agenda.plan")])
    with log_tab, st.form(f"{key}_log", clear_on_submit=True):
        data = _followup_input(ctx, key, "phone")
    if data is not None:
        _log_followup(ctx, customer_id, name, data)
    with plan_tab:
        _plan_form(ctx, customer_id, name, key)


def _log_followup(ctx: PageContext, customer_id: int, name: str, data: FollowUpInput) -> None:
    run_action(
        lambda: log_followup(ctx.engine, ctx.viewer, customer_id, data),
        lambda _: _logged(name, data),
        CustomersError,
        _explain,
    )


def _log_visit(ctx: PageContext, plan_id: int, name: str, data: FollowUpInput) -> None:
    run_action(
        lambda: log_visit(ctx.engine, ctx.viewer, plan_id, data),
        lambda _: _logged(name, data),
        CustomersError,
        _explain,
    )


def _plan_form(ctx: PageContext, customer_id: int, name: str, key: str) -> None:
    with st.form(f"{key}_plan", clear_on_submit=True):
        left, right = st.columns(2)
        day = left.date_input(
            t("customers.agenda.visit_day"),
            value=dt.date.today(),
            min_value=dt.date.today(),
            key=f"{key}_plan_day",
        )
        at = right.time_input(
            t("customers.agenda.visit_time"), value=dt.time(10, 0), step=900, key=f"{key}_at"
        )
        note = st.text_input(t("customers.agenda.visit_purpose"), key=f"{key}_purpose")
        submitted = st.form_submit_button(t("customers.agenda.plan"), width="stretch")
    if not submitted or not isinstance(day, dt.date) or not isinstance(at, dt.time):
        return
    when = dt.datetime.combine(day, at)
    run_action(
        lambda: plan_visit(ctx.engine, ctx.viewer, customer_id, when, note),
        lambda _: t(
            "customers.agenda.planned",
            customer=name,
            when=f"{date(when.date())} {when.strftime('%H:%M')}",
        ),
        CustomersError,
        _explain,
    )


def visit_action(plan_id: int, name: str, ctx: PageContext, key: str) -> None:
    """Log the planned visit (a follow-up on the channel visit), or call it off."""
    with st.form(f"{key}_log", clear_on_submit=True):
        data = _followup_input(ctx, key, "visit")
    if data is not None:
        _log_visit(ctx, plan_id, name, data)
    if st.button(t("customers.agenda.cancel_visit"), key=f"{key}_cancel"):
        run_action(
            lambda: cancel_visit(ctx.engine, ctx.viewer, plan_id),
            lambda _: t("customers.agenda.cancelled", customer=name),
            CustomersError,
            _explain,
        )
