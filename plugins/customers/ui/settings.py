"""Company settings of the customers plugin: ABC cut-offs, cadence, pool rules."""

from __future__ import annotations

import streamlit as st
from pydantic import ValidationError

from command_center.context import PageContext
from command_center.i18n import t
from plugins.customers.actions.settings import save_rules
from plugins.customers.errors import ActionRefused
from plugins.customers.settings import CustomerSettings
from plugins.customers.ui import forms, page_data


def render(ctx: PageContext) -> None:
    st.title(t("customers.settings.title"))
    st.caption(t("customers.settings.help"))
    current = page_data.rules(ctx)
    with st.form("customers_settings"):
        st.markdown(f"**{t('customers.settings.abc')}**")
        left, mid, right = st.columns(3)
        months = left.number_input(t("customers.settings.abc_months"), 1, 120, current.abc_months)
        a = mid.number_input(t("customers.settings.cutoff_a"), 0.01, 1.0, current.cutoff_a, 0.01)
        b = right.number_input(t("customers.settings.cutoff_b"), 0.01, 1.0, current.cutoff_b, 0.01)
        st.markdown(f"**{t('customers.settings.cadence')}**")
        left, mid, right = st.columns(3)
        ia = left.number_input(
            t("customers.settings.interval", grade="A"), 1, 365, current.interval_a
        )
        ib = mid.number_input(
            t("customers.settings.interval", grade="B"), 1, 365, current.interval_b
        )
        ic = right.number_input(
            t("customers.settings.interval", grade="C"), 1, 365, current.interval_c
        )
        st.markdown(f"**{t('customers.settings.pool')}**")
        left, mid, right = st.columns(3)
        cap = left.number_input(t("customers.settings.pool_cap"), 1, 100_000, current.pool_cap)
        daily = mid.number_input(
            t("customers.settings.daily_claims"), 0, 10_000, current.daily_claims
        )
        cooldown = right.number_input(
            t("customers.settings.cooldown"), 0, 365, current.reclaim_cooldown_days
        )
        left, right = st.columns(2)
        no_fu = left.number_input(
            t("customers.settings.no_followup"), 1, 3_650, current.release_no_followup_days
        )
        no_win = right.number_input(
            t("customers.settings.no_win"), 1, 3_650, current.release_no_win_days
        )
        saved = st.form_submit_button(t("customers.settings.save"), type="primary")
    if not saved:
        return
    try:
        values = CustomerSettings(
            abc_months=int(months), cutoff_a=float(a), cutoff_b=float(b),
            interval_a=int(ia), interval_b=int(ib), interval_c=int(ic),
            pool_cap=int(cap), daily_claims=int(daily), reclaim_cooldown_days=int(cooldown),
            release_no_followup_days=int(no_fu), release_no_win_days=int(no_win),
        )  # fmt: skip
    except ValidationError:
        st.error(t("customers.settings.invalid"))
        return
    try:
        save_rules(ctx.engine, ctx.viewer, values, ctx.actor)
    except ActionRefused as exc:
        forms.show_refusal(exc)
        return
    st.success(t("customers.settings.saved"))
