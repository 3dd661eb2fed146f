"""An outside section of the team events review pack, through its hook only (nothing of
team_events imported: everything comes from the hook's ``kit``).

``top_sellers``: the team's people by revenue in the month, highest first, and a
line saying how many sold anything.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from command_center import hookimpl


def gather(inputs: Any) -> pl.DataFrame:
    values = inputs.person_values("revenue").filter(pl.col("value") > 0)
    return (
        values.join(inputs.people.select("person_id", "name"), on="person_id")
        .select("name", "value")
        .sort(["value", "name"], descending=[True, False])
    )


def content(pack: Any, data: pl.DataFrame) -> list[Any]:
    table = data.select(pl.col("name").alias("Seller"), pl.col("value").alias("Revenue"))
    return [f"{data.height} sellers in {pack.month}", table]


@hookimpl(optionalhook=True)
def team_events_register_sections(kit: Any) -> list[Any]:
    return [kit.Section("top_sellers", "sellers.title", content, gather=gather)]
