"""Figures derived per viewer from several reads: the follow-up cadence of the
book and the archive's columns (company grade, cadence, revenue in scope).

Cached per viewer scope and day until one of the tables they read is written.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from sqlalchemy import Engine

from command_center.db import frames
from command_center.org.scope import Viewer
from plugins.customers.logic import archive, cadence
from plugins.customers.queries import activity, grades
from plugins.customers.queries import book as book_q
from plugins.customers.settings import CustomerSettings

DUE_TABLES: tuple[str, ...] = (
    *book_q.BOOK_TABLES,
    *activity.FOLLOWUP_TABLES,
    *grades.GRADE_TABLES,
)
"""What the cadence reads: the book, the follow-ups and the company grades."""


def _rules_key(rules: CustomerSettings) -> tuple[object, ...]:
    return (
        rules.grading,
        rules.abc_months,
        rules.cutoffs,
        tuple(sorted(rules.intervals.items())),
    )


def _scope_key(viewer: Viewer) -> tuple[int, ...] | None:
    return None if viewer.person_ids is None else tuple(sorted(viewer.person_ids))


def company_grades(engine: Engine, today: dt.date, rules: CustomerSettings) -> pl.DataFrame:
    """``customer_id, grade`` as of ``today`` (the grade that sets the cadence)."""
    return grades.company_grades(
        engine, today, rules.abc_months, rules.cutoffs, rules.grading
    ).select("customer_id", "grade")


def due_list(
    engine: Engine, viewer: Viewer, today: dt.date, rules: CustomerSettings
) -> pl.DataFrame:
    """The viewer's book with its follow-up cadence (``status``: overdue / due / ok)."""

    def load() -> pl.DataFrame:
        book = book_q.cadence_book(engine, viewer)
        return cadence.due_dates(
            book.select("customer_id", "name", "owner_id", "owned_since", "created_on", "size"),
            activity.last_followups(engine, viewer),
            company_grades(engine, today, rules),
            rules.intervals,
            today,
        )

    return frames.cached(
        engine,
        "customers:due",
        load,
        _scope_key(viewer),
        today,
        _rules_key(rules),
        tables=DUE_TABLES,
    )


ARCHIVE_COLUMNS: tuple[str, ...] = (
    "customer_id",
    "name",
    "owner_id",
    "size",
    "industry",
    "region",
    "locked",
    "grade",
    "revenue",
    "last_followup",
    "due_on",
    "status",
)


def archive_figures(
    engine: Engine, viewer: Viewer, today: dt.date, rules: CustomerSettings
) -> pl.DataFrame:
    """:data:`ARCHIVE_COLUMNS` for every customer of the viewer's book, sorted as the
    archive lists them (revenue in scope over the ABC window, descending; then id)."""

    def load() -> pl.DataFrame:
        book = book_q.book(engine, viewer).select(
            "customer_id", "name", "owner_id", "size", "industry", "region", "locked"
        )
        revenue = grades.scoped_grades(
            engine, viewer, today, rules.abc_months, rules.cutoffs
        ).select("customer_id", "revenue")
        dues = due_list(engine, viewer, today, rules)
        return (
            book.join(company_grades(engine, today, rules), on="customer_id", how="left")
            .join(
                dues.select("customer_id", "last_followup", "due_on", "status"),
                on="customer_id",
                how="left",
            )
            .join(revenue, on="customer_id", how="left")
            .with_columns(pl.col("grade").fill_null("C"), pl.col("revenue").fill_null(0.0))
            .select(ARCHIVE_COLUMNS)
            .sort(["revenue", "customer_id"], descending=[True, False])
        )

    return frames.cached(
        engine,
        "customers:archive",
        load,
        _scope_key(viewer),
        today,
        _rules_key(rules),
        tables=(*DUE_TABLES, *book_q.BOOK_TABLES),
    )


def archive_page(
    engine: Engine,
    viewer: Viewer,
    today: dt.date,
    rules: CustomerSettings,
    wanted: archive.ArchiveFilter,
    page: int,
    size: int = archive.PAGE_SIZE,
) -> tuple[pl.DataFrame, int]:
    """One page of the viewer's archive under ``wanted`` and how many rows match.

    The text search runs in SQL (:func:`book_q.search_ids`); the other filters,
    the order and the page are applied to the cached figures, so only the
    page's rows reach the browser.
    """
    figures = archive_figures(engine, viewer, today, rules)
    ids = book_q.search_ids(engine, viewer, wanted.text) if wanted.text.strip() else None
    found = archive.apply(figures, wanted, ids)
    first, _ = archive.page_bounds(found.height, page, size)
    return found.slice(first, size), found.height
