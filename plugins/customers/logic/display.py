"""Display-ready frames of the pages: translated headers and codes, names instead of ids.

Each function returns the frame a page hands to ``table_with_download`` /
``data_table`` as it is; money and percent columns keep their numbers (the page
formats them through ``column_config``).
"""

from __future__ import annotations

import polars as pl

from command_center.i18n import t
from plugins.customers.logic.abc import GRADES
from plugins.customers.logic.labels import owner_names, relabel


def _named(frame: pl.DataFrame, columns: dict[str, str]) -> pl.DataFrame:
    return frame.select([pl.col(k).alias(v) for k, v in columns.items()])


def archive_table(
    rows: pl.DataFrame, people: dict[int, str], keys: dict[int, str] | None = None
) -> pl.DataFrame:
    """A page of the archive (``figures.ARCHIVE_COLUMNS``), each customer shown by its key
    (``keys``: id -> external key); money column: ``revenue_header()``."""
    cols = {
        "customer_id": t("customers.col.id"),
        "name": t("customers.col.name"),
        "grade": t("customers.grade"),
        "size": t("customers.classification"),
        "industry": t("customers.industry"),
        "region": t("customers.region"),
        "owner": t("customers.owner"),
        "revenue": t("customers.col.revenue_window"),
        "last_followup": t("customers.col.last_followup"),
        "due_on": t("customers.col.due_on"),
        "status": t("customers.archive.cadence"),
        "locked": t("customers.col.locked"),
    }
    shown = relabel(relabel(rows, "size", "class"), "status", "status").with_columns(
        owner_names(people).alias("owner"),
        pl.col("customer_id").replace_strict(
            keys or {}, default=pl.col("customer_id").cast(pl.String), return_dtype=pl.String
        ),
    )
    return _named(shown, cols)


def followup_table(
    frame: pl.DataFrame,
    people: dict[int, str],
    customers: dict[int, str],
    went_along: dict[int, str] | None = None,
) -> pl.DataFrame:
    """Follow-ups as shown in tables (translated headers and codes); ``went_along``
    (``followup_id -> names``) adds the co-visitors' column."""
    frame = relabel(relabel(frame, "channel", "channel"), "spin_stage", "spin")
    extra = []
    if went_along is not None:
        extra.append(
            pl.col("followup_id")
            .replace_strict(went_along, default="", return_dtype=pl.String)
            .alias(t("customers.followups.co_visitors"))
        )
    return frame.select(
        pl.col("followup_date").alias(t("customers.followups.date")),
        pl.col("customer_id")
        .replace_strict(customers, default="—", return_dtype=pl.String)
        .alias(t("customers.col.name")),
        pl.col("person_id")
        .replace_strict(people, default=t("customers.colleague"), return_dtype=pl.String)
        .alias(t("customers.col.by")),
        *extra,
        pl.col("channel").alias(t("customers.followups.channel")),
        pl.col("spin_stage").alias(t("customers.followups.spin")),
        pl.col("notes").alias(t("customers.followups.notes")),
        pl.col("next_step").alias(t("customers.followups.next_step")),
        pl.col("next_date").alias(t("customers.followups.next_date")),
    )


def move_table(
    moves: pl.DataFrame, people: dict[int, str], customers: dict[int, str]
) -> pl.DataFrame:
    """Pool moves as shown in tables (who from, who to, why)."""
    frame = relabel(relabel(moves, "action", "move"), "reason", "reason")
    return frame.select(
        pl.col("moved_on").alias(t("customers.col.date")),
        pl.col("customer_id")
        .replace_strict(customers, default="—", return_dtype=pl.String)
        .alias(t("customers.col.name")),
        pl.col("action").alias(t("customers.col.move")),
        pl.col("reason").alias(t("customers.col.reason")),
        owner_names(people, "from_owner_id").alias(t("customers.col.from")),
        owner_names(people, "to_owner_id").alias(t("customers.col.to")),
        pl.col("days_idle").alias(t("customers.col.days_idle")),
    )


def purchase_table(lines: pl.DataFrame, people: dict[int, str]) -> pl.DataFrame:
    """One customer's order lines; money column: ``t("customers.col.revenue")``."""
    return lines.select(
        pl.col("order_id").alias(t("customers.col.order")),
        pl.col("order_date").alias(t("customers.col.date")),
        pl.col("person_id")
        .replace_strict(people, default=t("customers.colleague"), return_dtype=pl.String)
        .alias(t("customers.col.booked_by")),
        pl.col("revenue").alias(t("customers.col.revenue")),
    )


def ranked_table(rows: pl.DataFrame, people: dict[int, str]) -> pl.DataFrame:
    """Graded customers in rank order with name and owner (``rank … grade``)."""
    cols = ranked_headers()
    return _named(rows.with_columns(owner_names(people).alias("owner")), cols)


def ranked_headers() -> dict[str, str]:
    """Column -> header of :func:`ranked_table` (the page formats money and shares)."""
    return {
        "rank": t("customers.abc.rank"),
        "customer_id": t("customers.col.id"),
        "name": t("customers.col.name"),
        "owner": t("customers.owner"),
        "revenue": t("customers.abc.revenue"),
        "share": t("customers.abc.share"),
        "cumulative_share": t("customers.abc.cumulative"),
        "grade": t("customers.grade"),
    }


def migration_table(matrix: pl.DataFrame) -> pl.DataFrame:
    """``abc.migration``'s matrix with the "before" grades (and new customers) labelled."""
    return matrix.with_columns(
        pl.col("before").replace_strict(
            {"new": t("customers.abc.new"), **{g: g for g in GRADES}}, return_dtype=pl.String
        )
    ).rename({"before": t("customers.abc.before_after")})


def team_table(table: pl.DataFrame) -> pl.DataFrame:
    """``teams.by_team`` (with ``team`` names) one row per team: customers and revenue by
    grade; money columns: ``t("customers.abc.revenue_of", grade=…)``."""
    # One row per node: two teams may carry the same leader's name.
    wide = table.pivot(on="grade", index=["node_id", "team"], values=["customers", "revenue"]).drop(
        "node_id"
    )
    rename = {}
    for g in GRADES:
        rename[f"customers_{g}"] = t("customers.abc.customers_of", grade=g)
        rename[f"revenue_{g}"] = t("customers.abc.revenue_of", grade=g)
    return wide.rename({k: v for k, v in rename.items() if k in wide.columns}).rename(
        {"team": t("customers.abc.team")}
    )


def due_table(pending: pl.DataFrame, people: dict[int, str], with_owner: bool) -> pl.DataFrame:
    """Customers due or overdue for a follow-up (the owner column for leaders)."""
    shown = relabel(relabel(pending, "status", "status"), "size", "class")
    columns = [
        pl.col("customer_id").alias(t("customers.col.id")),
        pl.col("name").alias(t("customers.col.name")),
        pl.col("grade").alias(t("customers.grade")),
        pl.col("size").alias(t("customers.classification")),
    ]
    if with_owner:
        columns.append(owner_names(people).alias(t("customers.owner")))
    columns += [
        pl.col("last_touch").alias(t("customers.col.last_touch")),
        pl.col("due_on").alias(t("customers.col.due_on")),
        pl.col("days_overdue").alias(t("customers.col.days_overdue")),
        pl.col("status").alias(t("customers.archive.cadence")),
    ]
    return shown.select(columns)


def public_table(rows: pl.DataFrame) -> pl.DataFrame:
    """Public-pool customers: basic information and why they were released."""
    shown = relabel(relabel(rows, "size", "class"), "release_reason", "reason")
    return shown.select(
        pl.col("customer_id").alias(t("customers.col.id")),
        pl.col("name").alias(t("customers.col.name")),
        pl.col("size").alias(t("customers.classification")),
        pl.col("industry").alias(t("customers.industry")),
        pl.col("region").alias(t("customers.region")),
        pl.col("released_on").alias(t("customers.col.released_on")),
        pl.col("release_reason").alias(t("customers.col.reason")),
    )
