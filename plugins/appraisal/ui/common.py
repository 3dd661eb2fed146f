"""What every appraisal page shares: the cycle picker, labels, error display."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import has, t
from command_center.ui import state
from plugins.appraisal import queries
from plugins.appraisal.errors import AppraisalError, state_label
from plugins.appraisal.queries import CycleInfo

CYCLE_KEY = "appraisal_cycle"
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


def show_error(ctx: PageContext, exc: AppraisalError) -> None:
    st.error(exc.message(metric_label(ctx)))


FLASH_KEY = "appraisal_flash"


def run_action(ctx: PageContext, action: Callable[[], Any], success: str) -> bool:
    """Run a write; on success rerun and say what changed, else show why it was refused."""
    try:
        action()
    except AppraisalError as exc:
        show_error(ctx, exc)
        return False
    st.session_state[FLASH_KEY] = success
    st.rerun()
    return True  # pragma: no cover - st.rerun does not return


def flash() -> None:
    """The confirmation of the write that caused this rerun, shown once."""
    message = st.session_state.pop(FLASH_KEY, None)
    if message:
        st.success(message)


def cycle_title(row: dict[str, Any], names: dict[int, str]) -> str:
    return t(
        "appraisal.cycle_title",
        period=row["period"],
        kind=kind_label(str(row["kind"])),
        leader=names.get(int(row["root_id"]), "?"),
        state=state_label(str(row["state"])),
    )


def pick_cycle(
    ctx: PageContext,
    kinds: tuple[str, ...] = ("monthly", "annual"),
    mine: bool = False,
    states: tuple[str, ...] | None = None,
) -> CycleInfo | None:
    """The cycle the page shows; the choice survives page switches.

    ``mine``: only cycles the signed-in person is appraised in. By default the
    open cycle (not closed) comes first, then the newest.
    """
    visible = queries.cycles(ctx.engine, ctx.signed_in_viewer if mine else ctx.viewer)
    visible = visible.filter(pl.col("kind").is_in(list(kinds)))
    if states is not None:
        visible = visible.filter(pl.col("state").is_in(list(states)))
    if mine:
        person = ctx.signed_in_viewer.person_id
        own = queries.records(ctx.engine, ctx.signed_in_viewer, visible["cycle_id"].to_list())
        ids = own.filter(pl.col("person_id") == person)["cycle_id"].to_list()
        visible = visible.filter(pl.col("cycle_id").is_in(ids))
    if visible.is_empty():
        return None
    ordered = visible.with_columns((pl.col("state") == "closed").alias("_closed")).sort(
        ["_closed", "period", "cycle_id"], descending=[False, True, False]
    )
    rows = {int(r["cycle_id"]): r for r in ordered.iter_rows(named=True)}
    names = queries.names(ctx.engine)
    options = list(rows)
    chosen = state.select(
        st,
        t("appraisal.cycle"),
        options,
        CYCLE_KEY,
        default=options[0],
        format_func=lambda cid: cycle_title(rows[cid], names),
    )
    return queries.cycle_info(rows[chosen])


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


def layered(*charts: Any, height: int, title: str | None = None) -> Any:
    """Charts drawn on top of each other at ``height`` pixels.

    The height is set on every layer: Streamlit keeps a layer's own height
    but not one set on the layered chart as a whole.
    """
    import altair as alt

    layer = alt.layer(*(c.properties(height=height) for c in charts))
    return layer.properties(title=title) if title else layer


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
