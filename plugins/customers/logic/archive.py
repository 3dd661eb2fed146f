"""The archive's filters and paging, on the figures of the viewer's book."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

PAGE_SIZE = 50


@dataclass(frozen=True)
class ArchiveFilter:
    """What the archive is narrowed to; an empty field does not filter."""

    text: str = ""
    grades: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    owners: tuple[int, ...] = ()


def apply(frame: pl.DataFrame, wanted: ArchiveFilter, ids: pl.Series | None) -> pl.DataFrame:
    """Rows of ``frame`` kept by ``wanted``; ``ids``: the text search's hits (None: no search).

    The order of ``frame`` is kept.
    """
    conds: list[pl.Expr] = []
    if ids is not None:
        conds.append(pl.col("customer_id").is_in(ids.implode()))
    for column, values in (
        ("grade", wanted.grades),
        ("size", wanted.classes),
        ("industry", wanted.industries),
        ("status", wanted.statuses),
        ("owner_id", wanted.owners),
    ):
        if values:
            conds.append(pl.col(column).is_in(list(values)))
    return frame.filter(*conds) if conds else frame


def page_bounds(total: int, page: int, size: int = PAGE_SIZE) -> tuple[int, int]:
    """``(first, last)`` row offsets (0-based, last exclusive) of page ``page`` (0-based),
    clamped to the rows there are."""
    if total <= 0:
        return 0, 0
    last_page = (total - 1) // size
    page = min(max(page, 0), last_page)
    first = page * size
    return first, min(first + size, total)


def last_page(total: int, size: int = PAGE_SIZE) -> int:
    """The index of the last page (0 when there are no rows)."""
    return max(0, (total - 1) // size)


def record_status(grades: pl.DataFrame, dues: pl.DataFrame, customer_id: int) -> dict[str, object]:
    """``grade`` (C when ungraded), ``last_followup``, ``due_on`` and cadence ``status`` of
    one customer, from the company grades and the due list (``None`` when not listed)."""
    grade = (grades.filter(pl.col("customer_id") == customer_id)["grade"].to_list() or ["C"])[0]
    due = dues.filter(pl.col("customer_id") == customer_id)
    first = due.row(0, named=True) if due.height else {}
    return {
        "grade": grade,
        "last_followup": first.get("last_followup"),
        "due_on": first.get("due_on"),
        "status": first.get("status"),
    }
