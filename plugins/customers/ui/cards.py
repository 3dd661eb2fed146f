"""The home card (overdue follow-ups) and the person panel (a rep's book)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from command_center import BUSINESS_ROLES, HomeCard, PanelSpec
from command_center.context import PageContext
from command_center.i18n import t
from command_center.ui.widgets import Kpi, kpi_row
from plugins.customers.queries import book as book_q
from plugins.customers.ui import page_data


def home_cards() -> list[HomeCard]:
    return [HomeCard("customers-overdue", "customers.card.title", overdue_card,
                     BUSINESS_ROLES, 20)]  # fmt: skip


def panels() -> list[PanelSpec]:
    return [PanelSpec("person", "customers-book", "customers.panel.book", person_panel,
                      BUSINESS_ROLES, 20)]  # fmt: skip


def overdue_card(ctx: PageContext) -> None:
    dues = page_data.due_list(ctx)
    overdue = dues.filter(pl.col("status") == "overdue")
    due = dues.filter(pl.col("status") == "due")
    if ctx.viewer.role == "rep":
        st.write(t("customers.card.mine", overdue=overdue.height, due=due.height))
    else:
        owners = overdue["owner_id"].n_unique()
        st.write(t("customers.card.team", overdue=overdue.height, due=due.height, people=owners))
    top = overdue.sort("days_overdue", descending=True).head(5)
    for name, grade, days in top.select("name", "grade", "days_overdue").iter_rows():
        st.caption(t("customers.card.line", name=name, grade=grade, days=days))


def person_panel(ctx: PageContext, person_id: int) -> None:
    """A person's book: customers by grade, overdue follow-ups, pool against the cap."""
    if not ctx.viewer.can_see(person_id):
        st.info(t("customers.detail.out_of_scope"))
        return
    book = book_q.cadence_book(ctx.engine, ctx.viewer).filter(pl.col("owner_id") == person_id)
    grades = book.join(page_data.company_grades(ctx), on="customer_id", how="left")
    dues = page_data.due_list(ctx).filter(pl.col("owner_id") == person_id)
    cap = page_data.rules(ctx).pool_cap
    kpi_row(
        [
            Kpi(t("customers.kpi.private_pool"), float(book.height), "count"),
            Kpi(t("customers.kpi.a_customers"), float((grades["grade"] == "A").sum()), "count"),
            Kpi(t("customers.kpi.overdue"), float((dues["status"] == "overdue").sum()), "count",
                higher_is_better=False),
        ]
    )  # fmt: skip
    st.caption(t("customers.panel.of_cap", cap=cap))
