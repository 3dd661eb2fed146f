"""Paged lists: how many rows a page holds and where the last page starts."""

from __future__ import annotations

PAGE_SIZE = 50


def last_offset(total: int) -> int:
    """The offset of the last page of ``total`` rows (0 when there are none)."""
    return max(0, (total - 1) // PAGE_SIZE) * PAGE_SIZE
