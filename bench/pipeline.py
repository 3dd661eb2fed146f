"""Pipeline analytics at scale: ``python -m bench.pipeline [--scale large] [--repeat N]``.

Synthetic opportunities and their stage history are generated with NumPy in
exactly the shape of the plugin's frames (``plugins.pipeline.queries``:
``OPP_SCHEMA`` and ``HISTORY_SCHEMA``), plus a 5,000-person org tree, monthly
booked revenue and team targets. Then, in the same process and on the same
data:

- **funnel**: ``plugins.pipeline.logic.funnel`` (Polars) beside the same
  computation in pandas (furthest stage per deal, counts and amounts that
  reached each stage, stage-to-stage conversion);
- **forecast**: ``plugins.pipeline.logic.forecast`` (weighted open pipeline by
  expected close month, slipped deals moved to the current month, booked
  revenue and targets per team and month) beside pandas.

Both answers are cross-checked (relative tolerance 1e-9) and a table printed.
The pandas side gets its frames already converted (conversion not timed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
from polars.testing import assert_frame_equal

from plugins.pipeline.logic import analytics
from plugins.pipeline.logic.stages import StageModel
from plugins.pipeline.queries import HISTORY_SCHEMA, OPP_SCHEMA
from plugins.pipeline.settings import PipelineSettings, stage_model

SCALES: dict[str, int] = {"small": 100_000, "medium": 1_000_000, "large": 3_000_000}
AS_OF = dt.datetime(2026, 11, 15, 18, 0)
MANAGERS, SUPERVISORS, REPS = 40, 400, 4_559  # + the director = 5,000 people
REACH = np.array([0.30, 0.22, 0.16, 0.12, 0.08, 0.12])  # furthest position: lead .. won
LOST_SHARE = 0.45  # of the deals that stopped before won


@dataclass
class Data:
    opps: pl.DataFrame
    history: pl.DataFrame
    people: pl.DataFrame
    booked: pl.DataFrame
    targets: pl.DataFrame
    team_of: pl.DataFrame
    months: list[dt.date]


# -- synthetic data ---------------------------------------------------------------------
def org() -> pl.DataFrame:
    managers = np.arange(2, 2 + MANAGERS)
    sups = np.arange(managers[-1] + 1, managers[-1] + 1 + SUPERVISORS)
    reps = np.arange(sups[-1] + 1, sups[-1] + 1 + REPS)
    ids = np.concatenate([[1], managers, sups, reps])
    boss = np.concatenate(
        [
            [0],
            np.ones(MANAGERS, np.int64),
            np.repeat(managers, SUPERVISORS // MANAGERS),
            sups[np.arange(REPS) % SUPERVISORS],
        ]
    )
    return pl.DataFrame(
        {"person_id": ids, "manager_id": pl.Series(np.where(boss == 0, None, boss).tolist())},
        schema={"person_id": pl.Int64, "manager_id": pl.Int64},
    )


def generate(n: int, model: StageModel, seed: int = 11) -> Data:
    """``n`` opportunities with their history, shaped like the plugin's frames."""
    rng = np.random.default_rng(seed)
    people = org()
    reps = people["person_id"].to_numpy()[1 + MANAGERS + SUPERVISORS :]
    stages = np.array([*model.open, model.won, model.lost], dtype=object)
    won_pos = len(model.open)
    reach = rng.choice(len(REACH), n, p=REACH)
    lost = (reach < won_pos) & (rng.random(n) < LOST_SHARE)
    final = np.where(reach == won_pos, won_pos, np.where(lost, won_pos + 1, reach))
    created = np.datetime64(AS_OF, "s") - (rng.uniform(0, 540, n) * 86_400).astype("timedelta64[s]")
    amount = np.round(rng.lognormal(np.log(30_000), 0.9, n), -2)

    # history: one row per stage reached, then the lost row; days between moves
    steps = reach + 1 + lost
    opp_of = np.repeat(np.arange(n), steps)
    first = np.repeat(np.cumsum(steps) - steps, steps)
    pos = np.arange(opp_of.size) - first
    is_lost_row = lost[opp_of] & (pos == steps[opp_of] - 1)
    stage_pos = np.where(is_lost_row, won_pos + 1, pos)
    gaps = (rng.exponential(9.0, opp_of.size) * 86_400).astype("int64")
    gaps[pos == 0] = 0
    offset = np.cumsum(gaps) - np.repeat(np.cumsum(gaps)[np.cumsum(steps) - steps] - 0, steps)
    changed = (created[opp_of] + offset.astype("timedelta64[s]")).astype("datetime64[us]")
    created = created.astype("datetime64[us]")
    last = np.cumsum(steps) - 1
    closed = np.where(final >= won_pos, changed[last].astype("datetime64[D]"), np.datetime64("NaT"))
    close_day = np.datetime64(AS_OF.date()) + rng.integers(-120, 240, n).astype("timedelta64[D]")

    ids = np.arange(1, n + 1)
    opps = pl.DataFrame(
        {
            "opp_id": ids,
            "title": pl.repeat("deal", n, eager=True),
            "customer_id": rng.integers(1, 500_000, n),
            "owner_id": reps[rng.integers(0, reps.size, n)],
            "amount": amount,
            "expected_close": close_day,
            "source": pl.repeat("referral", n, eager=True),
            "channel": pl.repeat("visit", n, eager=True),
            "stage": pl.Series(stages[final].astype(str), dtype=pl.String),
            "stage_since": changed[last],
            "created_at": created,
            "closed_on": closed,
            "lost_reason": pl.Series(np.where(lost, "price", ""), dtype=pl.String),
            "lost_note": pl.repeat("", n, eager=True),
        }
    )
    opps = opps.with_columns(pl.col("lost_reason").replace("", None)).select(
        [pl.col(c).cast(t) for c, t in OPP_SCHEMA.items()]
    )
    history = pl.DataFrame(
        {
            "change_id": np.arange(1, opp_of.size + 1),
            "opp_id": ids[opp_of],
            "from_stage": None,
            "to_stage": pl.Series(stages[stage_pos].astype(str), dtype=pl.String),
            "changed_at": changed,
            "changed_by": pl.repeat("bench", opp_of.size, eager=True),
            "note": pl.repeat("", opp_of.size, eager=True),
        }
    ).select([pl.col(c).cast(t) for c, t in HISTORY_SCHEMA.items()])

    current = AS_OF.date().replace(day=1)
    months = [_add_months(current, i) for i in range(-2, 4)]
    heads = analytics.team_heads(people, [1])
    team_of = analytics.team_membership(people, heads)
    booked = pl.DataFrame(
        {
            "person_id": np.repeat(reps, len(months)),
            "month": months * reps.size,
            "revenue": np.round(rng.lognormal(np.log(60_000), 0.6, reps.size * len(months)), 2),
        }
    )
    targets = pl.DataFrame(
        {
            "team_id": np.repeat(heads, len(months)),
            "month": months * len(heads),
            "target": np.round(rng.uniform(6e6, 9e6, len(heads) * len(months)), -3),
        }
    )
    return Data(opps, history, people, booked, targets, team_of, months)


def _add_months(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


# -- the pandas baselines -----------------------------------------------------------------
def pandas_funnel(history: pd.DataFrame, opps: pd.DataFrame, model: StageModel) -> pd.DataFrame:
    order = model.order
    stages = [*model.open, model.won]
    visits = pd.concat(
        [
            history[["opp_id", "to_stage"]].rename(columns={"to_stage": "stage"}),
            opps[["opp_id", "stage"]],
        ],
        ignore_index=True,
    )
    visits["pos"] = visits["stage"].map(order)
    furthest = visits.dropna(subset=["pos"]).groupby("opp_id")["pos"].max().astype("int64")
    per_opp = opps[["opp_id", "amount"]].merge(
        furthest.rename("reached").reset_index(), on="opp_id", how="inner"
    )
    at = per_opp.groupby("reached").agg(n=("opp_id", "size"), amt=("amount", "sum"))
    at = at.reindex(range(len(stages)), fill_value=0)
    count = at["n"][::-1].cumsum()[::-1].to_numpy()
    amount = at["amt"][::-1].cumsum()[::-1].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        nxt = np.append(count[1:], np.nan).astype("float64")
        conversion = np.where(count > 0, nxt / count, np.nan)
        share = count / count[0] if count[0] else np.full(len(stages), np.nan)
    return pd.DataFrame(
        {
            "stage": stages,
            "position": np.arange(len(stages), dtype="int32"),
            "count": count.astype("int64"),
            "amount": amount.astype("float64"),
            "conversion": conversion,
            "share": share,
        }
    )


def pandas_forecast(
    opps: pd.DataFrame,
    model: StageModel,
    booked: pd.DataFrame,
    team_of: pd.DataFrame,
    targets: pd.DataFrame,
    months: list[dt.date],
    current: dt.date,
) -> pd.DataFrame:
    month_index = pd.DatetimeIndex([pd.Timestamp(m) for m in months])
    now = pd.Timestamp(current)
    live = opps[opps["stage"].isin(model.open)]
    weighted = live["amount"] * live["stage"].map(model.probabilities).fillna(0.0)
    month = live["expected_close"].dt.to_period("M").dt.to_timestamp()
    month = month.where(month >= now, now)
    deals = pd.DataFrame(
        {
            "person_id": live["owner_id"],
            "month": month,
            "pipeline": live["amount"],
            "weighted": weighted,
        }
    )
    deals = deals[deals["month"].isin(month_index)].merge(team_of, on="person_id")
    pipe = deals.groupby(["team_id", "month"], as_index=False)[["pipeline", "weighted"]].sum()
    sales = booked[booked["month"].isin(month_index)].merge(team_of, on="person_id")
    sales = sales.groupby(["team_id", "month"], as_index=False)["revenue"].sum()
    sales = sales.rename(columns={"revenue": "booked"})
    grid = pd.MultiIndex.from_product(
        [np.sort(team_of["team_id"].unique()), month_index], names=["team_id", "month"]
    ).to_frame(index=False)
    out = (
        grid.merge(sales, how="left", on=["team_id", "month"])
        .merge(pipe, how="left", on=["team_id", "month"])
        .merge(targets, how="left", on=["team_id", "month"])
    )
    out[["booked", "pipeline", "weighted"]] = out[["booked", "pipeline", "weighted"]].fillna(0.0)
    out["forecast"] = out["booked"] + out["weighted"]
    out["gap"] = out["forecast"] - out["target"]
    out["attainment"] = (out["forecast"] / out["target"]).where(out["target"] > 0)
    cols = [
        "team_id",
        "month",
        "booked",
        "pipeline",
        "weighted",
        "forecast",
        "target",
        "gap",
        "attainment",
    ]
    return out[cols].sort_values(["team_id", "month"], ignore_index=True)


# -- running --------------------------------------------------------------------------------
@dataclass
class Row:
    benchmark: str
    scale: str
    variant: str
    seconds: list[float]
    check: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def timed(fn: Callable[[], Any], repeat: int) -> tuple[list[float], Any]:
    out: Any = None
    seconds = []
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        out = fn()
        seconds.append(time.perf_counter() - started)
    return seconds, out


def agree(ours: pl.DataFrame, theirs: pd.DataFrame) -> str:
    other = pl.from_pandas(theirs)
    if "month" in other.columns:
        other = other.with_columns(pl.col("month").cast(pl.Date))
    other = other.select([pl.col(c).cast(ours.schema[c]) for c in ours.columns])
    try:
        assert_frame_equal(ours, other, rel_tol=1e-9, abs_tol=1e-6)
    except AssertionError as exc:
        return "MISMATCH: " + str(exc).splitlines()[0]
    return "ok"


def run(scale: str, repeat: int) -> list[Row]:
    model = stage_model(PipelineSettings())
    started = time.perf_counter()
    data = generate(SCALES[scale], model)
    made = time.perf_counter() - started
    print(
        f"== {scale}: {data.opps.height:,} opportunities, {data.history.height:,} stage changes, "
        f"{data.people.height:,} people (generated in {made:.1f} s)",
        flush=True,
    )
    p_opps = data.opps.to_pandas()
    p_history = data.history.select("opp_id", "to_stage").to_pandas()
    p_booked = data.booked.with_columns(pl.col("month").cast(pl.Datetime("ns"))).to_pandas()
    p_targets = data.targets.with_columns(pl.col("month").cast(pl.Datetime("ns"))).to_pandas()
    p_team = data.team_of.to_pandas()
    current = AS_OF.date().replace(day=1)
    rows: list[Row] = []

    ours_s, ours = timed(lambda: analytics.funnel(data.history, data.opps, model), repeat)
    theirs_s, theirs = timed(lambda: pandas_funnel(p_history, p_opps, model), repeat)
    check = agree(ours, theirs)
    rows += [
        Row("funnel", scale, "logic.funnel (Polars)", ours_s, check),
        Row("funnel", scale, "pandas", theirs_s, check),
    ]
    print(ours, flush=True)

    def ours_forecast() -> pl.DataFrame:
        return analytics.forecast(
            data.opps, model, data.booked, data.team_of, data.targets, data.months, current
        )

    def pandas_run() -> pd.DataFrame:
        return pandas_forecast(p_opps, model, p_booked, p_team, p_targets, data.months, current)

    ours_s, ours = timed(ours_forecast, repeat)
    theirs_s, theirs = timed(pandas_run, repeat)
    check = agree(ours, theirs)
    rows += [
        Row("weighted forecast", scale, "logic.forecast (Polars)", ours_s, check),
        Row("weighted forecast", scale, "pandas", theirs_s, check),
    ]
    totals = ours.group_by("month").agg(pl.col("forecast", "target").sum()).sort("month")
    print(totals, flush=True)
    return rows


def table(rows: list[Row]) -> str:
    headers = ("benchmark", "scale", "variant", "median s", "min s", "vs pandas", "check")
    pandas_median = {(r.benchmark, r.scale): r.median for r in rows if r.variant == "pandas"}
    cells = [
        (
            r.benchmark,
            r.scale,
            r.variant,
            f"{r.median:.3f}",
            f"{min(r.seconds):.3f}",
            f"{r.median / pandas_median[(r.benchmark, r.scale)]:.2f}x",
            r.check,
        )
        for r in rows
    ]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(cell, widths, strict=True)) for cell in cells]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pipeline", description=__doc__)
    parser.add_argument(
        "--scale",
        default="medium",
        choices=list(SCALES),
        help="opportunities: small 100k, medium 1M (default), large 3M",
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per variant")
    args = parser.parse_args(argv)
    rows = run(args.scale, max(1, args.repeat))
    print()
    print(table(rows))
    failed = [r for r in rows if r.check != "ok"]
    for r in failed:
        print(f"FAILED: {r.benchmark} · {r.variant}: {r.check}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
