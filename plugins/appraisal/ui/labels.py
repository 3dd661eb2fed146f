"""Words on the appraisal pages: metric, state, rating and grid labels, translated headers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl

from command_center.context import PageContext
from command_center.i18n import has, t
from plugins.appraisal.errors import state_label

OWN_METRICS = frozenset({"appraisal_score", "values_score"})


def metric_label(ctx: PageContext) -> Callable[[str], str]:
    """Key -> words: the registry's label, else the core's, else the key itself."""

    def label(key: str) -> str:
        if key in ctx.registry:
            return t(ctx.registry.spec(key).label)
        if has(f"metric.{key}"):
            return t(f"metric.{key}")
        return key

    return label


def kpi_choices(ctx: PageContext, keep: list[str] | None = None) -> list[str]:
    """Metrics a contract may use: every registered one but appraisal's own, plus ``keep``."""
    registered = ctx.registry.keys()
    keys = [k for k in registered if k not in OWN_METRICS]
    return keys + [k for k in keep or [] if k and k not in keys]


def kind_label(kind: str) -> str:
    return t(f"appraisal.kind.{kind}")


def rating_label(rating: str | None) -> str:
    return t(f"appraisal.rating.{rating}") if rating else "—"


def grid_label(grid: str | None) -> str:
    return t(f"appraisal.grid.{grid}") if grid else "—"


def value_label(value: str) -> str:
    key = f"appraisal.value.{value}"
    return t(key) if has(key) else value


def status_label(status: str | None) -> str:
    return t(f"appraisal.line_status.{status}") if status else "—"


def cycle_title(row: dict[str, Any], names: dict[int, str]) -> str:
    return t(
        "appraisal.cycle_title",
        period=row["period"],
        kind=kind_label(str(row["kind"])),
        leader=names.get(int(row["root_id"]), "?"),
        state=state_label(str(row["state"])),
    )


def person_label(names: dict[int, str], levels: dict[int, str]) -> Callable[[int], str]:
    def label(pid: int) -> str:
        level = t(f"level.{levels.get(pid, 'rep')}")
        return f"{names.get(pid, pid)} · {level}"

    return label


def team_names(records: pl.DataFrame, names: dict[int, str]) -> pl.DataFrame:
    """``team_id, team``: each team named after its leader."""
    ids = records["team_id"].drop_nulls().unique().to_list()
    return pl.DataFrame(
        {"team_id": ids, "team": [t("appraisal.team_of", name=names.get(i, i)) for i in ids]},
        schema={"team_id": pl.Int64, "team": pl.String},
    )


def renamed(frame: pl.DataFrame, columns: dict[str, str]) -> pl.DataFrame:
    """``frame`` with only ``columns`` (key -> translation key), headers translated."""
    return frame.select([pl.col(c).alias(t(k)) for c, k in columns.items() if c in frame.columns])


def training_text(ctx: PageContext, needs: list[str]) -> str:
    label = metric_label(ctx)
    words = [
        t(f"appraisal.need.{need}") if need in ("values", "ability", "attitude") else label(need)
        for need in needs
    ]
    return "、".join(words) if words else "—"
