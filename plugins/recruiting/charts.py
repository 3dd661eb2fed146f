"""Altair charts of the recruiting pages: pure functions of a display-ready frame and
the names of its columns (already in the reader's language)."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import polars as pl

from command_center.ui import COLORS


def funnel_bars(
    frame: pl.DataFrame, stage: str, count: str, conversion: str, order: Sequence[str]
) -> alt.LayerChart:
    """Candidates reaching each stage (bars, ladder order) labelled with the conversion."""
    bars = (
        alt.Chart(frame.select(stage, count, conversion))
        .mark_bar(color=COLORS["primary"])
        .encode(
            y=alt.Y(f"{stage}:N", sort=list(order), title=None),
            x=alt.X(f"{count}:Q", title=count),
            tooltip=[f"{stage}:N", f"{count}:Q", alt.Tooltip(f"{conversion}:Q", format=".1%")],
        )
    )
    labels = bars.mark_text(align="left", dx=4).encode(
        text=alt.Text(f"{conversion}:Q", format=".0%")
    )
    return (bars + labels).properties(height=300)


def share_by_source(
    frame: pl.DataFrame, source: str, stage: str, share: str, order: Sequence[str]
) -> alt.Chart:
    """One line per source: the share of its applications reaching each stage."""
    return (
        alt.Chart(frame.select(source, stage, share, "stage_index"))
        .mark_line(point=True)
        .encode(
            x=alt.X(f"{stage}:N", sort=list(order), title=None),
            y=alt.Y(f"{share}:Q", axis=alt.Axis(format="%"), title=share),
            color=alt.Color(f"{source}:N", title=source),
            tooltip=[f"{source}:N", f"{stage}:N", alt.Tooltip(f"{share}:Q", format=".1%")],
        )
        .properties(height=280)
    )


def paired_bars(
    frame: pl.DataFrame,
    x: str,
    domain: Sequence[str],
    colors: Sequence[str],
    ordinal: bool = False,
) -> alt.Chart:
    """Side-by-side bars per ``x`` of a long frame (``series``, ``value``): one bar per
    series of ``domain``, coloured by ``colors``; ``ordinal`` for months."""
    kind = "O" if ordinal else "N"
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X(f"{x}:{kind}", title=x),
            xOffset="series:N",
            y=alt.Y("value:Q", title=None),
            color=alt.Color(
                "series:N",
                title=None,
                scale=alt.Scale(domain=list(domain), range=list(colors)),
            ),
            tooltip=[f"{x}:{kind}", "series:N", "value:Q"],
        )
        .properties(height=260)
    )


def stage_counts(frame: pl.DataFrame, stage: str, count: str, order: Sequence[str]) -> alt.Chart:
    """Candidates per stage, in ladder order."""
    return (
        alt.Chart(frame.select(stage, count))
        .mark_bar(color=COLORS["primary"])
        .encode(
            x=alt.X(f"{stage}:N", sort=list(order), title=None),
            y=alt.Y(f"{count}:Q", title=count),
            tooltip=[f"{stage}:N", f"{count}:Q"],
        )
        .properties(height=240)
    )


def days_in_stage(frame: pl.DataFrame, stage: str, days: str, order: Sequence[str]) -> alt.Chart:
    """Mean days spent in each ladder stage (stages nobody has left yet are left out)."""
    return (
        alt.Chart(frame.drop_nulls(days))
        .mark_bar(color=COLORS["secondary"])
        .encode(
            x=alt.X(f"{stage}:N", sort=list(order), title=None),
            y=alt.Y(f"{days}:Q", title=days),
            tooltip=[f"{stage}:N", alt.Tooltip(f"{days}:Q", format=".1f")],
        )
        .properties(height=220)
    )


def attainment_by_source(frame: pl.DataFrame, source: str, attainment: str) -> alt.LayerChart:
    """The hires' attainment per source (bars) against the 100 % line."""
    bars = (
        alt.Chart(frame.drop_nulls(attainment))
        .mark_bar(color=COLORS["primary"])
        .encode(
            x=alt.X(f"{source}:N", sort="-y", title=None),
            y=alt.Y(f"{attainment}:Q", axis=alt.Axis(format="%"), title=attainment),
            tooltip=[f"{source}:N", alt.Tooltip(f"{attainment}:Q", format=".1%")],
        )
    )
    rule = (
        alt.Chart(pl.DataFrame({"goal": [1.0]}))
        .mark_rule(color=COLORS["target"], strokeDash=[4, 4])
        .encode(y="goal:Q")
    )
    return (bars + rule).properties(height=260)


def hours_by_month(frame: pl.DataFrame, month: str, hours: str) -> alt.Chart:
    """Training hours attended per month."""
    return (
        alt.Chart(frame)
        .mark_bar(color=COLORS["primary"])
        .encode(
            x=alt.X(f"{month}:O", title=month),
            y=alt.Y(f"{hours}:Q", title=hours),
            tooltip=[f"{month}:O", alt.Tooltip(f"{hours}:Q", format=",.0f")],
        )
        .properties(height=220)
    )


def round_scores(frame: pl.DataFrame, rounds: str, order: Sequence[str], average: str) -> alt.Chart:
    """Mean scores (0–5) per score, one bar per interview round side by side."""
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("score:N", title=None, sort=list(order)),
            xOffset=f"{rounds}:N",
            y=alt.Y("value:Q", title=average, scale=alt.Scale(domain=[0, 5])),
            color=alt.Color(
                f"{rounds}:N",
                title=None,
                scale=alt.Scale(range=[COLORS["secondary"], COLORS["primary"], COLORS["good"]]),
            ),
            tooltip=["score:N", f"{rounds}:N", alt.Tooltip("value:Q", format=".1f")],
        )
        .properties(height=220)
    )
