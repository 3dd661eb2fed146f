"""The candidate pages' figures and tables, display-ready (columns named in the active
language): the pipeline by stage, the list, a candidate's history and scorecards."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from command_center.i18n import t
from command_center.periods import Period
from plugins.recruiting.logic import scorecards
from plugins.recruiting.logic.labels import (
    exit_text,
    name_column,
    source_label,
    stage_label,
    translate,
)
from plugins.recruiting.logic.vocabulary import SCORES, STAGES, TERMINAL


def in_process(candidates: pl.DataFrame) -> pl.DataFrame:
    """Candidates still on the ladder (not hired, rejected or withdrawn)."""
    return candidates.filter(~pl.col("stage").is_in(list(TERMINAL)))


@dataclass(frozen=True)
class Headline:
    """The candidates page's KPI row."""

    applied: int  # applications in the period
    in_process: int
    offers_pending: int
    hired: int  # hired in the period


def headline(candidates: pl.DataFrame, offers: pl.DataFrame, period: Period) -> Headline:
    start, end = period.start, period.last_day
    hired = candidates.filter(
        (pl.col("stage") == "hired") & pl.col("stage_since").is_between(start, end)
    )
    return Headline(
        applied=candidates.filter(pl.col("applied_on").is_between(start, end)).height,
        in_process=in_process(candidates).height,
        offers_pending=offers.filter(pl.col("status") == "pending").height,
        hired=hired.height,
    )


@dataclass(frozen=True)
class Pipeline:
    """The home card's counts: open openings, candidates in process, pending offers."""

    openings: int
    candidates: int
    offers: int


def pipeline(openings: pl.DataFrame, candidates: pl.DataFrame, offers: pl.DataFrame) -> Pipeline:
    return Pipeline(
        openings=openings.filter(pl.col("closed_on").is_null()).height,
        candidates=in_process(candidates).height,
        offers=offers.filter(pl.col("status") == "pending").height,
    )


def ladder_order() -> list[str]:
    """The stages a candidate in process can be at, in words, in ladder order."""
    return [stage_label(s) for s in STAGES[:-1]]


def stage_table(open_now: pl.DataFrame) -> pl.DataFrame:
    """Candidates in process per stage (stage in words, count)."""
    stage, count = t("recruiting.col.stage"), t("recruiting.col.count")
    return (
        open_now.group_by("stage")
        .agg(pl.len().alias(count))
        .with_columns(translate(open_now, "stage", stage_label).alias(stage))
        .select(stage, count)
    )


def list_table(shown: pl.DataFrame, who: dict[int, str], on: dt.date) -> pl.DataFrame:
    """The candidate list's columns, with days in the current stage as of ``on``."""
    return shown.select(
        pl.col("candidate_id").alias(t("recruiting.col.id")),
        pl.col("name").alias(t("recruiting.col.name")),
        pl.col("opening_title").alias(t("recruiting.col.opening")),
        translate(shown, "source", source_label).alias(t("recruiting.col.source")),
        name_column(shown, "referrer_id", who, t("recruiting.col.referrer")),
        pl.col("applied_on").alias(t("recruiting.col.applied_on")),
        translate(shown, "stage", stage_label).alias(t("recruiting.col.stage")),
        pl.col("stage_since").alias(t("recruiting.col.since")),
        (pl.lit(on) - pl.col("stage_since"))
        .dt.total_days()
        .alias(t("recruiting.col.days_in_stage")),
        pl.col("phone").alias(t("recruiting.col.phone")),
        pl.col("email").alias(t("recruiting.col.email")),
    )


def file_choices(candidates: pl.DataFrame, closed_too: bool, keep: int | None) -> dict[int, str]:
    """Candidate id -> "#id name · stage · opening" for the file picker: open files
    first, most recently moved first; closed files only with ``closed_too`` (or the
    file ``keep``, just closed by an action, so it stays on screen)."""
    shown = candidates.with_columns(pl.col("stage").is_in(list(TERMINAL)).alias("done"))
    if not closed_too:
        kept = [keep] if keep is not None else []
        shown = shown.filter(~pl.col("done") | pl.col("candidate_id").is_in(kept))
    ordered = shown.sort("done", "stage_since", descending=[False, True])
    return {
        cid: f"#{cid} {name} · {stage_label(stage)} · {title}"
        for cid, name, stage, title in ordered.select(
            "candidate_id", "name", "stage", "opening_title"
        ).iter_rows()
    }


def history_table(events: pl.DataFrame) -> pl.DataFrame:
    """A candidate's stage moves in order: stages, reasons and skipped stages in words."""
    skipped = {
        s: ", ".join(stage_label(x) for x in s.split(";") if x)
        for s in events["skipped"].unique().to_list()
        if s
    }
    return events.sort("moved_on", "event_id").select(
        pl.col("moved_on").alias(t("recruiting.col.date")),
        pl.col("from_stage")
        .replace_strict(
            {s: stage_label(s) for s in events["from_stage"].drop_nulls().unique()},
            default=None,
            return_dtype=pl.String,
        )
        .alias(t("recruiting.col.from_stage")),
        pl.col("to_stage")
        .replace_strict(
            {s: stage_label(s) for s in events["to_stage"].unique()}, return_dtype=pl.String
        )
        .alias(t("recruiting.col.to_stage")),
        pl.col("actor").alias(t("recruiting.col.by")),
        pl.col("reason")
        .replace_strict(
            {r: exit_text(r) for r in events["reason"].unique()}, return_dtype=pl.String
        )
        .alias(t("recruiting.col.reason")),
        pl.col("skipped")
        .replace_strict(skipped, default="", return_dtype=pl.String)
        .alias(t("recruiting.col.skipped")),
    )


def score_labels() -> dict[str, str]:
    """Each score's name in words."""
    return {k: t(f"recruiting.score.{k}") for k in SCORES}


def scorecards_table(cards: pl.DataFrame, who: dict[int, str], pass_score: int) -> pl.DataFrame:
    """A candidate's scorecards: scores (the six, then any template's own criteria),
    average of the six, result and culture-fit flag."""
    labels = score_labels()
    own = scorecards.own_scores(cards)
    named = scorecards.own_labels()
    present = set(own["criterion"].to_list())
    keys = [k for k in named if k in present] + sorted(present - set(named))
    if keys:
        wide = own.pivot(on="criterion", index="scorecard_id", values="score")
        cards = cards.join(
            wide.rename({k: f"own:{k}" for k in keys}), on="scorecard_id", how="left"
        )
    return cards.sort("round", "scorecard_id").select(
        pl.col("round").alias(t("recruiting.col.round")),
        name_column(cards, "interviewer_id", who, t("recruiting.col.interviewer")),
        pl.col("interviewed_on").alias(t("recruiting.col.date")),
        *[pl.col(k).alias(labels[k]) for k in SCORES],
        *[pl.col(f"own:{k}").alias(t(named.get(k, k))) for k in keys],
        pl.mean_horizontal(*SCORES).round(2).alias(t("recruiting.col.average")),
        pl.when(pl.col("passed"))
        .then(pl.lit(t("recruiting.pass")))
        .otherwise(pl.lit(t("recruiting.fail")))
        .alias(t("recruiting.col.result")),
        pl.when(pl.col("culture_fit") < pass_score)
        .then(
            pl.when(pl.col("override_by").is_not_null())
            .then(pl.lit(t("recruiting.file.overridden")) + pl.col("override_by"))
            .otherwise(pl.lit(t("recruiting.file.culture_fail")))
        )
        .otherwise(pl.lit(""))
        .alias(t("recruiting.score.culture_fit_flag")),
        pl.col("override_reason").alias(t("recruiting.col.override_reason")),
        pl.col("comment").alias(t("recruiting.col.comment")),
    )


def round_means(cards: pl.DataFrame) -> pl.DataFrame:
    """Mean of each score per round, long: ``score`` (in words), ``value`` and the round
    ("Round 1" …) in a column named ``recruiting.col.round``."""
    labels = score_labels()
    rounds = t("recruiting.col.round")
    return (
        cards.group_by("round")
        .agg([pl.col(k).mean().alias(labels[k]) for k in SCORES])
        .unpivot(index="round", variable_name="score", value_name="value")
        .with_columns((pl.lit(rounds) + " " + pl.col("round").cast(pl.String)).alias(rounds))
    )


def culture_fit_fails(cards: pl.DataFrame, round_no: int, pass_score: int) -> pl.DataFrame:
    """Scorecards of ``round_no`` whose culture-fit fail no manager has overridden yet."""
    return cards.filter(
        (pl.col("round") == round_no)
        & (pl.col("culture_fit") < pass_score)
        & pl.col("override_by").is_null()
    )
