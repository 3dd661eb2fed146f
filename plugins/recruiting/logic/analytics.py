"""Funnel analytics as pure Polars functions: no Streamlit, no SQL, no I/O.

Inputs are the frames :mod:`plugins.recruiting.queries` returns:

- candidates: ``candidate_id, opening_id, source, applied_on, stage, opened_on, ...``
- events: ``candidate_id, event_id, from_stage, to_stage, moved_on``
- offers: ``candidate_id, status, offered_on, responded_on, start_date``

A candidate *reached* a stage when their furthest stage on the ladder is that
stage or a later one (a skipped stage counts as passed: the skip was
decided, with a reason). Conversion from one stage to the next is
reached(next) / reached(this).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from plugins.recruiting.logic.vocabulary import STAGES, TERMINAL

STAGE_INDEX: dict[str, int] = {stage: i for i, stage in enumerate(STAGES)}


def _stage_frame() -> pl.DataFrame:
    return pl.DataFrame(
        {"stage": list(STAGES), "stage_index": list(range(len(STAGES)))},
        schema={"stage": pl.String, "stage_index": pl.Int64},
    )


def _ratio(num: pl.Expr, den: pl.Expr) -> pl.Expr:
    return pl.when(den > 0).then(num / den).otherwise(None)


def furthest(candidates: pl.DataFrame, events: pl.DataFrame) -> pl.DataFrame:
    """``candidates`` with ``furthest`` (index into STAGES) and ``furthest_stage``."""
    reached = (
        events.select(
            "candidate_id",
            pl.col("to_stage")
            .replace_strict(STAGE_INDEX, default=None, return_dtype=pl.Int64)
            .alias("idx"),
        )
        .drop_nulls("idx")
        .group_by("candidate_id")
        .agg(pl.col("idx").max().alias("furthest"))
    )
    out = candidates.join(reached, on="candidate_id", how="left").with_columns(
        pl.col("furthest").fill_null(0).cast(pl.Int64)
    )
    return out.with_columns(
        pl.col("furthest")
        .replace_strict(dict(enumerate(STAGES)), return_dtype=pl.String)
        .alias("furthest_stage")
    )


def funnel(reached: pl.DataFrame, by: list[str] | None = None) -> pl.DataFrame:
    """Per group (``by``) and stage: ``reached``, ``conversion`` from the stage before,
    and ``of_applied`` (share of the group's applications)."""
    keys = by or []
    groups = reached.select(keys).unique() if keys else pl.DataFrame({"_all": [0]})
    grid = groups.join(_stage_frame(), how="cross")
    base = reached if keys else reached.with_columns(pl.lit(0).alias("_all"))
    key_cols = keys or ["_all"]
    counts = (
        grid.join(base.select(*key_cols, "furthest"), on=key_cols, how="left")
        .group_by(*key_cols, "stage", "stage_index")
        .agg((pl.col("furthest") >= pl.col("stage_index")).sum().alias("reached"))
        .sort(*key_cols, "stage_index")
    )
    out = counts.with_columns(
        pl.col("reached").cast(pl.Int64),
        _ratio(pl.col("reached"), pl.col("reached").shift(1).over(key_cols)).alias("conversion"),
        _ratio(pl.col("reached"), pl.col("reached").first().over(key_cols)).alias("of_applied"),
    )
    return out.drop("_all") if not keys else out


def hires(candidates: pl.DataFrame, offers: pl.DataFrame) -> pl.DataFrame:
    """Accepted offers with ``days_to_hire`` (applied -> accepted) and
    ``days_to_fill`` (opening opened -> accepted)."""
    accepted = offers.filter(pl.col("status") == "accepted").select(
        "candidate_id", "responded_on", "start_date", "salary"
    )
    return candidates.join(accepted, on="candidate_id", how="inner").with_columns(
        (pl.col("responded_on") - pl.col("applied_on")).dt.total_days().alias("days_to_hire"),
        (pl.col("responded_on") - pl.col("opened_on")).dt.total_days().alias("days_to_fill"),
    )


def offer_acceptance(offers: pl.DataFrame) -> tuple[int, int, float | None]:
    """``(accepted, declined, accepted / (accepted + declined))`` over answered offers."""
    accepted = int((offers["status"] == "accepted").sum())
    declined = int((offers["status"] == "declined").sum())
    answered = accepted + declined
    return accepted, declined, (accepted / answered if answered else None)


def time_in_stage(events: pl.DataFrame, as_of: dt.date) -> pl.DataFrame:
    """Days spent in each ladder stage: until the next move, or ``as_of`` if still there.

    Returns per stage ``stage, stage_index, stays, open_now, mean_days, median_days``;
    time in a final stage (hired, or an exit) is not counted.
    """
    stays = (
        events.sort("candidate_id", "moved_on", "event_id")
        .with_columns(pl.col("moved_on").shift(-1).over("candidate_id").alias("left_on"))
        .filter(~pl.col("to_stage").is_in(list(TERMINAL)))
        .with_columns(
            pl.col("left_on").is_null().alias("open_now"),
            (pl.col("left_on").fill_null(pl.lit(as_of)) - pl.col("moved_on"))
            .dt.total_days()
            .alias("days"),
        )
    )
    summary = stays.group_by(pl.col("to_stage").alias("stage")).agg(
        pl.len().alias("stays"),
        pl.col("open_now").sum().alias("open_now"),
        pl.col("days").mean().alias("mean_days"),
        pl.col("days").median().alias("median_days"),
    )
    return (
        _stage_frame()
        .filter(pl.col("stage") != "hired")
        .join(summary, on="stage", how="left")
        .with_columns(pl.col("stays", "open_now").fill_null(0).cast(pl.Int64))
        .sort("stage_index")
    )


def source_effectiveness(
    reached: pl.DataFrame, hired: pl.DataFrame, offers: pl.DataFrame
) -> pl.DataFrame:
    """Per source: applications, interviews, offers, hires, rates and days to hire."""
    offer_idx = STAGE_INDEX["offer"]
    base = reached.group_by("source").agg(
        pl.len().alias("candidates"),
        (pl.col("furthest") >= STAGE_INDEX["interview_1"]).sum().alias("interviewed"),
        (pl.col("furthest") >= offer_idx).sum().alias("offered"),
    )
    answered = (
        offers.join(reached.select("candidate_id", "source"), on="candidate_id", how="inner")
        .filter(pl.col("status").is_in(["accepted", "declined"]))
        .group_by("source")
        .agg(
            (pl.col("status") == "accepted").sum().alias("accepted"),
            pl.len().alias("answered"),
        )
    )
    speed = hired.group_by("source").agg(
        pl.len().alias("hires"), pl.col("days_to_hire").mean().alias("mean_days_to_hire")
    )
    return (
        base.join(answered, on="source", how="left")
        .join(speed, on="source", how="left")
        .with_columns(pl.col("accepted", "answered", "hires").fill_null(0).cast(pl.Int64))
        .with_columns(
            _ratio(pl.col("hires"), pl.col("candidates")).alias("hire_rate"),
            _ratio(pl.col("accepted"), pl.col("answered")).alias("offer_acceptance"),
        )
        .select(
            "source",
            "candidates",
            "interviewed",
            "offered",
            "hires",
            "hire_rate",
            "offer_acceptance",
            "mean_days_to_hire",
        )
        .sort("hires", "candidates", descending=True)
    )


def month_start(column: str) -> pl.Expr:
    return pl.col(column).dt.truncate("1mo")


def quality_window(hired: pl.DataFrame, months: int) -> pl.DataFrame:
    """Per hire: the months ``q_start``..``q_end`` of its first ``months`` months."""
    return hired.with_columns(
        month_start("start_date").alias("q_start"),
        month_start("start_date").dt.offset_by(f"{months - 1}mo").alias("q_end"),
    )


def quality_of_hire(
    hired: pl.DataFrame, attainment: pl.DataFrame, months: int
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Revenue attainment of hires over their first ``months`` months, by source.

    ``hired``: ``candidate_id, person_id, source, start_date``; ``attainment``:
    the registry's facts (``person_id, month, num, den`` = revenue, target).
    Returns (per hire, per source); attainment = Σrevenue / Σtarget over the
    months observed so far, so a hire with no target months yet has none.
    """
    window = quality_window(hired.filter(pl.col("person_id").is_not_null()), months)
    inside = (
        window.select("candidate_id", "person_id", "q_start", "q_end")
        .join(attainment, on="person_id", how="inner")
        .filter(pl.col("month").is_between("q_start", "q_end"))
        .group_by("candidate_id")
        .agg(
            pl.col("num").sum().alias("revenue"),
            pl.col("den").sum().alias("target"),
            pl.col("month").n_unique().alias("months_seen"),
        )
    )
    per_hire = (
        window.select("candidate_id", "person_id", "source", "start_date")
        .join(inside, on="candidate_id", how="left")
        .with_columns(
            pl.col("revenue", "target").fill_null(0.0),
            pl.col("months_seen").fill_null(0).cast(pl.Int64),
        )
        .with_columns(_ratio(pl.col("revenue"), pl.col("target")).alias("attainment"))
        .sort("start_date", "candidate_id")
    )
    by_source = (
        per_hire.group_by("source")
        .agg(
            pl.len().alias("hires"),
            (pl.col("target") > 0).sum().alias("hires_measured"),
            pl.col("revenue").sum(),
            pl.col("target").sum(),
        )
        .with_columns(_ratio(pl.col("revenue"), pl.col("target")).alias("attainment"))
        .sort("attainment", descending=True, nulls_last=True)
    )
    return per_hire, by_source


def monthly_flow(reached: pl.DataFrame, hired: pl.DataFrame) -> pl.DataFrame:
    """Applications (by month applied) and hires (by month accepted) per month."""
    applied = reached.group_by(month_start("applied_on").alias("month")).agg(
        pl.len().alias("applications")
    )
    accepted = hired.group_by(month_start("responded_on").alias("month")).agg(
        pl.len().alias("hires")
    )
    return (
        applied.join(accepted, on="month", how="full", coalesce=True)
        .with_columns(pl.col("applications", "hires").fill_null(0).cast(pl.Int64))
        .sort("month")
    )
