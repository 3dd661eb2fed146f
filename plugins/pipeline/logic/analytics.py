"""Pipeline analytics: funnel, conversion, velocity, win rate, forecast, lost reasons.

Inputs are the plugin's frames (see :mod:`plugins.pipeline.queries` for
their schemas), already scoped; outputs are small frames the pages chart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl

from plugins.pipeline.logic.stages import StageModel, with_probability

DAY_SECONDS = 86_400.0


def _ratio(num: pl.Expr, den: pl.Expr) -> pl.Expr:
    return pl.when(den > 0).then(num / den).otherwise(None)


def reached(history: pl.DataFrame, opps: pl.DataFrame, model: StageModel) -> pl.DataFrame:
    """Per opportunity the furthest funnel position it reached: ``opp_id, amount, reached``.

    The position counts every stage an opportunity was ever in (its history
    and its current stage); the lost stage has none, so a lost deal counts
    where it got to before it was lost. Opportunities never in a funnel
    stage are left out.
    """
    order = model.order
    positions = pl.DataFrame(
        {"stage": list(order), "pos": list(order.values())},
        schema={"stage": pl.String, "pos": pl.Int32},
    ).lazy()
    in_history = (
        history.lazy()
        .select("opp_id", pl.col("to_stage").alias("stage"))
        .join(positions, on="stage", how="inner")
        .group_by("opp_id")
        .agg(pl.col("pos").max().alias("furthest"))
    )
    return (
        opps.lazy()
        .select("opp_id", "amount", "stage")
        .join(positions, on="stage", how="left")
        .join(in_history, on="opp_id", how="left")
        .select("opp_id", "amount", pl.max_horizontal("pos", "furthest").alias("reached"))
        .drop_nulls("reached")
        .collect()
    )


def funnel(history: pl.DataFrame, opps: pl.DataFrame, model: StageModel) -> pl.DataFrame:
    """``stage, position, count, amount, conversion, share`` per funnel stage.

    ``count``/``amount``: opportunities that reached the stage or a later one;
    ``conversion``: the share of them that reached the next stage (stage to
    stage); ``share``: the share of the first stage's count.
    """
    stages = [*model.open, model.won]
    per_opp = reached(history, opps, model)
    at = per_opp.group_by("reached").agg(
        pl.len().cast(pl.Int64).alias("n"), pl.col("amount").sum().alias("amt")
    )
    grid = pl.DataFrame(
        {"stage": stages, "position": list(range(len(stages)))},
        schema={"stage": pl.String, "position": pl.Int32},
    )
    out = (
        grid.join(at, left_on="position", right_on="reached", how="left")
        .with_columns(pl.col("n").fill_null(0), pl.col("amt").fill_null(0.0))
        .sort("position", descending=True)
        .with_columns(pl.col("n").cum_sum().alias("count"), pl.col("amt").cum_sum().alias("amount"))
        .sort("position")
    )
    first = out["count"][0] if out.height else 0
    return out.select(
        "stage",
        "position",
        "count",
        "amount",
        _ratio(pl.col("count").shift(-1).cast(pl.Float64), pl.col("count").cast(pl.Float64)).alias(
            "conversion"
        ),
        _ratio(pl.col("count").cast(pl.Float64), pl.lit(float(first))).alias("share"),
    )


def velocity(history: pl.DataFrame, model: StageModel) -> pl.DataFrame:
    """``stage, stays, mean_days, median_days``: completed stays in each open stage.

    A stay runs from the change into a stage to the opportunity's next change.
    """
    stays = (
        history.sort("opp_id", "changed_at", "change_id")
        .with_columns(  # the next row's time when it is the same deal (no window per deal)
            pl.when(pl.col("opp_id").shift(-1) == pl.col("opp_id"))
            .then(pl.col("changed_at").shift(-1))
            .alias("left_at")
        )
        .drop_nulls("left_at")
        .filter(pl.col("to_stage").is_in(list(model.open)))
        .with_columns(
            ((pl.col("left_at") - pl.col("changed_at")).dt.total_seconds() / DAY_SECONDS).alias(
                "days"
            )
        )
        .group_by("to_stage")
        .agg(
            pl.len().cast(pl.Int64).alias("stays"),
            pl.col("days").mean().alias("mean_days"),
            pl.col("days").median().alias("median_days"),
        )
    )
    grid = pl.DataFrame(
        {"stage": list(model.open), "position": list(range(len(model.open)))},
        schema={"stage": pl.String, "position": pl.Int32},
    )
    return (
        grid.join(stays, left_on="stage", right_on="to_stage", how="left")
        .with_columns(pl.col("stays").fill_null(0))
        .sort("position")
        .select("stage", "stays", "mean_days", "median_days")
    )


def closed_between(opps: pl.DataFrame, start: dt.date, end: dt.date) -> pl.DataFrame:
    return opps.filter(pl.col("closed_on").is_between(start, end))


def win_rate(
    opps: pl.DataFrame, model: StageModel, start: dt.date, end: dt.date
) -> dict[str, float | int | None]:
    """Deals closed ``start``..``end`` (days, inclusive): won, lost and won / (won + lost)."""
    closed = closed_between(opps, start, end)
    won = closed.filter(pl.col("stage") == model.won)
    lost = closed.filter(pl.col("stage") == model.lost)
    total = won.height + lost.height
    return {
        "won": won.height,
        "lost": lost.height,
        "won_amount": float(won["amount"].sum()),
        "rate": won.height / total if total else None,
    }


def lost_reasons(
    opps: pl.DataFrame, model: StageModel, start: dt.date, end: dt.date
) -> pl.DataFrame:
    """``reason, count, amount, share`` of deals lost ``start``..``end``, most frequent first."""
    lost = closed_between(opps, start, end).filter(pl.col("stage") == model.lost)
    out = lost.group_by(pl.col("lost_reason").fill_null("other").alias("reason")).agg(
        pl.len().cast(pl.Int64).alias("count"), pl.col("amount").sum().alias("amount")
    )
    return out.with_columns(
        _ratio(pl.col("count").cast(pl.Float64), pl.lit(float(lost.height))).alias("share")
    ).sort(["count", "reason"], descending=[True, False])


def forecast(
    opps: pl.DataFrame,
    model: StageModel,
    booked: pl.DataFrame,
    team_of: pl.DataFrame,
    targets: pl.DataFrame,
    months: Sequence[dt.date],
    current_month: dt.date,
    today: dt.date | None = None,
) -> pl.DataFrame:
    """Weighted forecast against target per team and month.

    - ``opps``: ``owner_id, amount, expected_close, stage`` (and what the
      model's estimator reads); open deals count at amount x win probability
      (:func:`with_probability`) in their expected close month; a deal
      whose expected close month is already past slips to ``current_month``.
    - ``booked``: ``person_id, month, revenue`` from the ledger.
    - ``team_of``: ``person_id, team_id``; ``targets``: ``team_id, month, target``.

    Returns ``team_id, month, booked, pipeline, weighted, forecast, target,
    gap, attainment`` for every team and month; forecast = booked + weighted.
    """
    month_list = list(months)
    live = with_probability(opps.filter(pl.col("stage").is_in(list(model.open))), model, today)
    deal_month = pl.col("expected_close").dt.truncate("1mo")
    pipeline = (
        live.lazy()
        .select(
            "owner_id",
            "amount",
            "weighted",
            pl.when(deal_month < current_month)
            .then(pl.lit(current_month))
            .otherwise(deal_month)
            .alias("month"),
        )
        .filter(pl.col("month").is_in(month_list))
        .join(team_of.lazy(), left_on="owner_id", right_on="person_id", how="inner")
        .group_by("team_id", "month")
        .agg(pl.col("amount").sum().alias("pipeline"), pl.col("weighted").sum())
        .collect()
    )
    sales = (
        booked.filter(pl.col("month").is_in(month_list))
        .join(team_of, on="person_id", how="inner")
        .group_by("team_id", "month")
        .agg(pl.col("revenue").sum().alias("booked"))
    )
    grid = (
        team_of.select("team_id")
        .unique()
        .join(pl.DataFrame({"month": month_list}, schema={"month": pl.Date}), how="cross")
    )
    keys = ["team_id", "month"]
    out = (
        grid.join(sales, on=keys, how="left")
        .join(pipeline, on=keys, how="left")
        .join(targets.select("team_id", "month", "target"), on=keys, how="left")
        .with_columns(pl.col("booked", "pipeline", "weighted").fill_null(0.0))
        .with_columns((pl.col("booked") + pl.col("weighted")).alias("forecast"))
    )
    return out.select(
        *keys,
        "booked",
        "pipeline",
        "weighted",
        "forecast",
        "target",
        (pl.col("forecast") - pl.col("target")).alias("gap"),
        _ratio(pl.col("forecast"), pl.col("target")).alias("attainment"),
    ).sort(keys)


def team_membership(people: pl.DataFrame, heads: Sequence[int]) -> pl.DataFrame:
    """``person_id, team_id``: everyone in the subtree of each head (heads are the teams)."""
    from command_center.org.tree import closure

    tree = closure(people.select("person_id", "manager_id"))
    return (
        tree.filter(pl.col("ancestor_id").is_in(list(heads)))
        .select("person_id", pl.col("ancestor_id").alias("team_id"))
        .unique()
        .sort("team_id", "person_id")
    )


def team_heads(people: pl.DataFrame, roots: Sequence[int]) -> list[int]:
    """The teams a page breaks down by: a single root's direct reports, else the roots."""
    if len(roots) != 1:
        return sorted(roots)
    below = people.filter(pl.col("manager_id") == roots[0])["person_id"].to_list()
    return sorted(below) if below else list(roots)


def with_stage_label(frame: pl.DataFrame, stage_names: dict[str, str]) -> pl.DataFrame:
    """``frame`` with ``label``: the stage's shown name (its key when it has none)."""
    return frame.with_columns(
        pl.col("stage").replace_strict(stage_names, default=pl.col("stage")).alias("label")
    )


def funnel_shown(funnel_rows: pl.DataFrame, stage_names: dict[str, str]) -> pl.DataFrame:
    """:func:`funnel` with stage labels and ``conv_pct`` (conversion in percent, 1 decimal)."""
    return with_stage_label(funnel_rows, stage_names).with_columns(
        (pl.col("conversion") * 100).round(1).alias("conv_pct")
    )


def velocity_shown(velocity_rows: pl.DataFrame, stage_names: dict[str, str]) -> pl.DataFrame:
    """:func:`velocity` with stage labels and days rounded to one decimal."""
    return with_stage_label(velocity_rows, stage_names).with_columns(
        pl.col("mean_days").round(1), pl.col("median_days").round(1)
    )


def forecast_by_month(table: pl.DataFrame) -> pl.DataFrame:
    """:func:`forecast` summed over teams per month, ``label`` ``YYYY-MM``; ``target`` null
    when no team has one."""
    return (
        table.group_by("month")
        .agg(
            pl.col("booked", "weighted", "forecast").sum(),
            pl.when(pl.col("target").count() > 0).then(pl.col("target").sum()).alias("target"),
        )
        .sort("month")
        .with_columns(pl.col("month").dt.strftime("%Y-%m").alias("label"))
    )


def forecast_parts(by_month: pl.DataFrame, series: dict[str, str]) -> pl.DataFrame:
    """``label, part, value``: the columns named in ``series`` stacked, ``part`` their title."""
    return by_month.unpivot(index="label", on=list(series), variable_name="part").with_columns(
        pl.col("part").replace_strict(series, return_dtype=pl.String)
    )
