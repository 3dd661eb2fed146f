"""Company settings of the customers plugin: ABC cut-offs, cadence, pool rules."""

from __future__ import annotations

import streamlit as st

from command_center.context import PageContext
from command_center.i18n import t
from command_center.ui.forms import settings_form
from plugins.customers.actions.settings import save_rules
from plugins.customers.errors import ActionRefused
from plugins.customers.logic.grading import installed_rules
from plugins.customers.settings import choosing
from plugins.customers.ui import forms, page_data


def render(ctx: PageContext) -> None:
    st.title(t("customers.settings.title"))
    st.caption(t("customers.settings.help"))
    stored = page_data.rules(ctx)
    rules = installed_rules()
    names = list(dict.fromkeys([*rules.names(), stored.grading]))
    st.caption(
        t("customers.settings.grading_help")
        + " "
        + " · ".join(f"{rule.name}: {t(rule.label)}" for rule in rules)
    )
    chosen = settings_form(
        "customers_settings",
        choosing(names).model_validate(stored.model_dump()),
        _labels(),
        [
            (t("customers.settings.abc"), ["grading", "abc_months", "cutoff_a", "cutoff_b"]),
            (t("customers.settings.cadence"), ["interval_a", "interval_b", "interval_c"]),
            (
                t("customers.settings.pool"),
                [
                    "pool_cap",
                    "daily_claims",
                    "reclaim_cooldown_days",
                    "release_no_followup_days",
                    "release_no_win_days",
                    "pool_warning_days",
                ],
            ),
        ],
        t("customers.settings.save"),
        invalid=t("customers.settings.invalid"),
    )
    if chosen is None:
        return
    try:
        save_rules(ctx.engine, ctx.viewer, chosen, ctx.actor)
    except ActionRefused as exc:
        forms.show_refusal(exc)
        return
    st.success(t("customers.settings.saved"))


def _labels() -> dict[str, str]:
    return {
        "grading": t("customers.settings.grading"),
        "abc_months": t("customers.settings.abc_months"),
        "cutoff_a": t("customers.settings.cutoff_a"),
        "cutoff_b": t("customers.settings.cutoff_b"),
        **{f"interval_{g.lower()}": t("customers.settings.interval", grade=g) for g in "ABC"},
        "pool_cap": t("customers.settings.pool_cap"),
        "daily_claims": t("customers.settings.daily_claims"),
        "reclaim_cooldown_days": t("customers.settings.cooldown"),
        "release_no_followup_days": t("customers.settings.no_followup"),
        "release_no_win_days": t("customers.settings.no_win"),
        "pool_warning_days": t("customers.agenda.warning_days"),
    }
