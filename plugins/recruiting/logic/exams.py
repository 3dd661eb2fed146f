"""Exams: drawing questions from a course's bank and grading answers (pure)."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import polars as pl

ANSWER_SCHEMA: dict[str, pl.DataType] = {
    "question_id": pl.Int64(),
    "chosen": pl.List(pl.Int64()),
}


@dataclass(frozen=True)
class Graded:
    """A graded attempt: per question ``question_id, chosen, correct, points``."""

    answers: pl.DataFrame
    score: float  # points earned / points possible, 0..1
    passed: bool


def draw_questions(bank: Sequence[int], count: int, seed: str) -> list[int]:
    """``count`` question ids from ``bank``, the same for the same ``seed``, in bank order."""
    ids = sorted(set(bank))
    if count >= len(ids):
        return ids
    return sorted(random.Random(seed).sample(ids, count))


def grade(
    questions: pl.DataFrame, answers: Mapping[int, Sequence[int]], pass_mark: float
) -> Graded:
    """Grade ``answers`` (question id -> chosen option indexes) against ``questions``.

    ``questions`` holds ``question_id``, ``correct`` (list of option indexes)
    and ``points``. A question counts only when the chosen set equals the
    correct set (so a multiple-choice question is all or nothing); an
    unanswered one scores nothing. Passed when score >= ``pass_mark``.
    """
    given = pl.DataFrame(
        {
            "question_id": list(answers),
            "chosen": [sorted({int(i) for i in v}) for v in answers.values()],
        },
        schema=ANSWER_SCHEMA,
    )
    merged = (
        questions.select(
            pl.col("question_id").cast(pl.Int64),
            pl.col("correct").cast(pl.List(pl.Int64)).list.sort().alias("key"),
            pl.col("points").cast(pl.Float64),
        )
        .join(given, on="question_id", how="left")
        .with_columns(pl.col("chosen").fill_null(pl.lit([], dtype=pl.List(pl.Int64))))
        .with_columns(
            ((pl.col("chosen") == pl.col("key")) & (pl.col("chosen").list.len() > 0)).alias(
                "correct"
            )
        )
        .select(
            "question_id",
            "chosen",
            "correct",
            pl.when(pl.col("correct")).then(pl.col("points")).otherwise(0.0).alias("earned"),
            "points",
        )
    )
    possible = float(merged["points"].sum())
    score = float(merged["earned"].sum()) / possible if possible else 0.0
    score = round(score, 6)
    out = merged.select("question_id", "chosen", "correct", pl.col("earned").alias("points")).sort(
        "question_id"
    )
    return Graded(out, score, score >= pass_mark - 1e-9)
