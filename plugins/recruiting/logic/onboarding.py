"""Onboarding a new hire: who mentors them."""

from __future__ import annotations

import polars as pl


def suggest_mentor(people: pl.DataFrame, manager_id: int, level: str) -> int:
    """The longest-serving active peer under ``manager_id`` at ``level``, else the manager."""
    peers = people.filter(
        (pl.col("manager_id") == manager_id)
        & (pl.col("level") == level)
        & (pl.col("status") == "active")
    ).sort("hire_date", "person_id")
    return int(peers["person_id"][0]) if peers.height else manager_id
