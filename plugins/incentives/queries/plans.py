"""Reads of the plans: every stored version, its YAML source, the versions in effect.

Plans are company documents: everyone signed in may read the one that pays
them, so these reads take no Viewer (they hold no person's rows).
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from sqlalchemy import Engine, select

from command_center.db import frames
from command_center.db.tables import polars_schema
from command_center.i18n import t
from plugins.incentives.logic.plan_model import Plan, parse_plan
from plugins.incentives.logic.wording import component_labels
from plugins.incentives.models import PlanRecord, PlanVersion

PLAN_TABLES = ("incentives_plans", "incentives_plan_versions")
VERSION_COLUMNS = (
    "version_id",
    "plan_id",
    "version",
    "effective_from",
    "note",
    "created_at",
    "created_by",
)
VERSION_SCHEMA: dict[str, pl.DataType] = {
    **polars_schema(PlanVersion, VERSION_COLUMNS[:2]),
    **polars_schema(PlanRecord, ["name"]),
    **polars_schema(PlanVersion, VERSION_COLUMNS[2:]),
}


def plan_versions(engine: Engine) -> pl.DataFrame:
    """Every version of every plan, newest first within a plan."""
    query = select(
        *(PlanVersion.__table__.c[c] for c in VERSION_COLUMNS[:2]),
        PlanRecord.name,
        *(PlanVersion.__table__.c[c] for c in VERSION_COLUMNS[2:]),
    ).join(PlanRecord, PlanRecord.plan_id == PlanVersion.plan_id)

    def load() -> pl.DataFrame:
        return frames.read_frame(engine, query, VERSION_SCHEMA).sort(
            ["name", "version"], descending=[False, True]
        )

    return frames.cached(engine, "incentives:versions", load, tables=PLAN_TABLES)


def plan_source(engine: Engine, version_id: int) -> str:
    def load() -> str:
        with engine.connect() as conn:
            text = conn.execute(
                select(PlanVersion.source).where(PlanVersion.version_id == version_id)
            ).scalar()
        if text is None:
            raise KeyError(version_id)
        return str(text)

    return frames.cached(engine, "incentives:source", load, version_id, tables=PLAN_TABLES)


def plan(engine: Engine, version_id: int) -> Plan:
    """The stored version, parsed (stored plans were valid when saved)."""
    return frames.cached(
        engine,
        "incentives:plan",
        lambda: parse_plan(plan_source(engine, version_id)).plan,
        version_id,
        tables=PLAN_TABLES,
    )


def effective_versions(engine: Engine, month: dt.date) -> pl.DataFrame:
    """Per plan the version in effect in ``month``: latest ``effective_from`` <= month."""
    versions = plan_versions(engine).filter(pl.col("effective_from") <= month)
    return (
        versions.sort(["name", "effective_from", "version"], descending=[False, True, True])
        .group_by("name", maintain_order=True)
        .first()
    )


def effective_plans(engine: Engine, month: dt.date) -> list[tuple[int, Plan]]:
    """``(version_id, plan)`` in effect in ``month``, by plan name."""
    rows = effective_versions(engine, month)
    return [(int(v), plan(engine, int(v))) for v in rows["version_id"].to_list()]


def version_labels(engine: Engine) -> dict[int, str]:
    """Version id -> what a picker shows ("name · v3"), translated."""
    versions = plan_versions(engine)
    return {
        v: t("incentives.plan_version", name=n, version=ver)
        for v, n, ver in versions.select("version_id", "name", "version").iter_rows()
    }


def default_version(engine: Engine, month: dt.date | None, levels: pl.Series) -> int | None:
    """The version a picker opens on: of those in effect in ``month``, the one paying most
    of ``levels`` (the people in view); else the newest listed; ``None`` without plans."""
    versions = plan_versions(engine)
    if versions.is_empty():
        return None
    default = int(versions["version_id"][0])
    if month is None:
        return default
    current = effective_versions(engine, month)["version_id"].to_list()
    reach = {v: int(levels.is_in(list(plan(engine, v).levels())).sum()) for v in current}
    return max(current, key=lambda v: (reach[v], -v)) if current else default


def plan_file_name(engine: Engine, version_id: int) -> str:
    """``<plan name>-v<version>.yaml`` for a download of the stored source."""
    row = plan_versions(engine).filter(pl.col("version_id") == version_id).row(0, named=True)
    return f"{str(row['name']).replace('/', '-')}-v{row['version']}.yaml"


def component_labels_of(engine: Engine, version_ids: list[int]) -> dict[str, str]:
    """Component name -> label over the stored plan versions ``version_ids``."""
    labels: dict[str, str] = {}
    for version_id in version_ids:
        labels.update(component_labels(plan(engine, int(version_id))))
    return labels
