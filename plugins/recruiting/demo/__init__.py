"""Demo data: openings in every region, a few hundred candidates (small scale) in every
stage with scorecards, checks and offers; the hires as people in the org tree with
their first months of sales and targets; training, the learning area and exams.

Everything follows from ``ctx.rng`` (and per-candidate generators seeded from
``ctx.seed``), so ``(seed, as_of)`` gives the same rows every time. All rows are
written in one transaction.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

import polars as pl
from sqlalchemy import func, select

from command_center.db.bulk import bulk_insert
from command_center.db.engine import write_session
from command_center.db.models import Person
from command_center.db.tables import polars_schema
from command_center.demo_names import GIVEN_CHARS, SURNAMES
from command_center.types import DemoContext
from plugins.recruiting import models as m
from plugins.recruiting.demo import text as txt
from plugins.recruiting.demo.pipeline import Opening, Path, close_path, simulate
from plugins.recruiting.demo.rows import Training
from plugins.recruiting.demo.sales import sales_for_hires
from plugins.recruiting.demo.training import training
from plugins.recruiting.logic.vocabulary import CHANNELS, SOURCES

ACTOR = "demo"
SOURCE_WEIGHTS = (0.16, 0.34, 0.15, 0.15, 0.10, 0.10)  # in SOURCES order
HEADCOUNTS = ((1, 0.6), (2, 0.3), (3, 0.1))
OPEN_UNFILLED_DAYS = 180


@dataclass
class Pipeline:
    openings: list[dict[str, Any]]
    candidates: list[dict[str, Any]]
    paths: list[Path]
    hires: list[dict[str, Any]]  # new people rows (with candidate_id, source, start_date)


def seed(ctx: DemoContext) -> None:
    ctx.progress("Recruiting: simulating openings and candidates")
    with write_session(ctx.engine) as session:
        first_id = int(session.scalar(select(func.max(Person.person_id))) or 0) + 1
    pipeline = simulate_pipeline(ctx, first_id)
    people = pl.concat(
        [
            ctx.people.select("person_id", "manager_id", "level", "status", "hire_date", "name"),
            _people_frame(pipeline.hires).select(
                "person_id", "manager_id", "level", "status", "hire_date", "name"
            ),
        ],
        how="vertical_relaxed",
    )
    train = training(ctx, people, pipeline.hires)
    ctx.progress(
        f"Recruiting: storing {len(pipeline.openings)} openings, "
        f"{len(pipeline.candidates)} candidates, {len(pipeline.hires)} hires"
    )
    with write_session(ctx.engine) as session:
        _store(session, pipeline, train)
        sales_for_hires(session, ctx, pipeline.hires, ACTOR)


# -- openings and candidates ------------------------------------------------------


def _name(r: random.Random) -> str:
    given = r.choice(GIVEN_CHARS) + (r.choice(GIVEN_CHARS) if r.random() < 0.65 else "")
    return r.choice(SURNAMES[:60]) + given


def _openings(ctx: DemoContext) -> list[tuple[dict[str, Any], Opening]]:
    r, people = ctx.rng, ctx.people
    names = dict(people.select("person_id", "name").iter_rows())
    boss = dict(people.select("person_id", "manager_id").iter_rows())
    director = int(people.filter(pl.col("level") == "director")["person_id"][0])
    start, last = ctx.months[0], ctx.as_of - dt.timedelta(days=1)
    span = (last - start).days
    out: list[tuple[dict[str, Any], Opening]] = []
    active = people.filter(pl.col("status") == "active")
    hiring = [
        (pid, "rep", region)
        for pid, region in active.filter(pl.col("level") == "supervisor")
        .select("person_id", "region")
        .iter_rows()
    ]
    managers = active.filter(pl.col("level") == "manager").select("person_id", "region")
    hiring += [
        (pid, "supervisor", region) for pid, region in managers.iter_rows() if r.random() < 0.5
    ]
    for manager_id, level, region in hiring:
        count = r.randint(2, 4) if level == "rep" else 1
        days = sorted(r.randint(0, max(1, span - 60)) for _ in range(count))
        if level == "rep":
            days[-1] = span - r.randint(10, 50)  # every team has an opening running now
        above = boss.get(manager_id) or director
        for day in days:
            opening_id = len(out) + 1
            headcount = r.choices([h for h, _ in HEADCOUNTS], [w for _, w in HEADCOUNTS])[0]
            channels = ["company_site", *r.sample(CHANNELS[1:], r.randint(1, 3))]
            row = {
                "opening_id": opening_id,
                "title": f"{region}{r.choice(txt.OPENING_TITLES[level])}",
                "level": level,
                "region": region,
                "headcount": headcount,
                "opened_on": start + dt.timedelta(days=day),
                "closed_on": None,
                "hiring_manager_id": manager_id,
                "channels": ";".join(c for c in CHANNELS if c in channels),
                "description": txt.DESCRIPTIONS[level],
                "pay_min": txt.PAY[level][0],
                "pay_max": txt.PAY[level][1],
            }
            sim = Opening(
                opening_id,
                level,
                row["opened_on"],
                headcount,
                (manager_id, above, above),
                names.get(above, ""),
                txt.PAY[level],
            )
            out.append((row, sim))
    return out


def simulate_pipeline(ctx: DemoContext, first_person_id: int) -> Pipeline:
    r = ctx.rng
    last = ctx.as_of - dt.timedelta(days=1)
    people = ctx.people
    reps_under = (
        people.filter((pl.col("level") == "rep") & (pl.col("status") == "active"))
        .group_by("manager_id")
        .agg(pl.col("person_id"))
    )
    team = {mid: ids for mid, ids in reps_under.iter_rows()}
    openings, candidates, paths = [], [], []
    next_cid = 1
    for row, sim in _openings(ctx):
        rows: list[dict[str, Any]] = []
        for _ in range(sim.headcount * r.randint(6, 14)):
            applied = sim.opened_on + dt.timedelta(days=min(int(r.expovariate(1 / 18)), 90))
            if applied > last:
                continue
            source = r.choices(SOURCES, SOURCE_WEIGHTS)[0]
            referrers = team.get(sim.interviewers[0]) or [sim.interviewers[0]]
            rows.append(_candidate(r, next_cid, row["opening_id"], source, applied, referrers))
            next_cid += 1
        sims = {
            c["candidate_id"]: simulate(
                ctx.seed, c["candidate_id"], c["source"], c["applied_on"], sim, last, ACTOR
            )
            for c in rows
        }
        closed_on, reason = _closing(r, sim, sims, last)
        if closed_on is not None:
            row["closed_on"] = closed_on
            rows = [c for c in rows if c["applied_on"] < closed_on]
            for c in rows:
                path = sims[c["candidate_id"]]
                if path.reached_end or path.events[-1]["moved_on"] > closed_on:
                    path = simulate(
                        ctx.seed,
                        c["candidate_id"],
                        c["source"],
                        c["applied_on"],
                        sim,
                        closed_on,
                        ACTOR,
                    )
                    close_path(path, closed_on, reason, ACTOR)
                    sims[c["candidate_id"]] = path
        openings.append(row)
        candidates += rows
        paths += [sims[c["candidate_id"]] for c in rows]
    hires = _hires(candidates, paths, {o["opening_id"]: o for o in openings}, first_person_id)
    return Pipeline(openings, candidates, paths, hires)


def _candidate(
    r: random.Random,
    cid: int,
    opening_id: int,
    source: str,
    applied: dt.date,
    referrers: list[int],
) -> dict[str, Any]:
    phone = f"1{r.choice('3578')}{r.randrange(10**9):09d}"
    mail = "".join(r.choices("abcdefghijklmnopqrstuvwxyz", k=r.randint(4, 8)))
    return {
        "candidate_id": cid,
        "opening_id": opening_id,
        "name": _name(r),
        "phone": phone,
        "email": f"{mail}{r.randint(1, 999)}@{r.choice(('qq.com', '163.com', '126.com'))}",
        "source": source,
        "referrer_id": r.choice(referrers) if source == "referral" else None,
        "applied_on": applied,
        "resume_url": f"https://hr.example.com/resumes/{cid:06d}.pdf" if r.random() < 0.7 else "",
    }


def _closing(
    r: random.Random, sim: Opening, paths: dict[int, Path], last: dt.date
) -> tuple[dt.date | None, str]:
    hired = sorted(p.hired_on for p in paths.values() if p.hired_on is not None)
    if len(hired) >= sim.headcount:
        return hired[sim.headcount - 1], "position_filled"
    if (last - sim.opened_on).days > OPEN_UNFILLED_DAYS:
        return sim.opened_on + dt.timedelta(
            days=r.randint(150, OPEN_UNFILLED_DAYS)
        ), "opening_closed"
    return None, ""


def _hires(
    candidates: list[dict[str, Any]],
    paths: list[Path],
    openings: dict[int, dict[str, Any]],
    first_id: int,
) -> list[dict[str, Any]]:
    hired = sorted(
        (
            (p.hired_on, c["candidate_id"], c, p)
            for c, p in zip(candidates, paths, strict=True)
            if p.hired_on is not None
        ),
        key=lambda x: (x[0], x[1]),
    )
    out = []
    for i, (hired_on, cid, cand, path) in enumerate(hired):
        opening = openings[cand["opening_id"]]
        assert path.offer is not None
        out.append(
            {
                "person_id": first_id + i,
                "name": cand["name"],
                "level": opening["level"],
                "manager_id": opening["hiring_manager_id"],
                "region": opening["region"],
                "hire_date": path.offer["start_date"],
                "status": "active",
                "candidate_id": cid,
                "source": cand["source"],
                "hired_on": hired_on,
            }
        )
    return out


# -- storing ----------------------------------------------------------------------

PEOPLE_COLS = ("person_id", "name", "level", "manager_id", "region", "hire_date", "status")


def _people_frame(hires: list[dict[str, Any]]) -> pl.DataFrame:
    return pl.DataFrame(
        [{k: h[k] for k in PEOPLE_COLS} for h in hires],
        schema=polars_schema(Person, PEOPLE_COLS),
        orient="row",
    )


def _frame(rows: list[dict[str, Any]], model: type, ids: str | None = None) -> pl.DataFrame:
    table: Any = model.__table__  # type: ignore[attr-defined]
    names = [c.name for c in table.columns if rows and c.name in rows[0]]
    frame = pl.DataFrame(rows, infer_schema_length=None).select(names) if rows else pl.DataFrame()
    if ids and rows and ids not in frame.columns:
        frame = frame.with_columns(pl.int_range(1, frame.height + 1, dtype=pl.Int64).alias(ids))
    return frame


def _store(session: Any, pipe: Pipeline, train: Training) -> None:
    person_of = {h["candidate_id"]: h["person_id"] for h in pipe.hires}
    stage = {p.candidate_id: p for p in pipe.paths}
    candidates = [
        {
            **c,
            "stage": stage[c["candidate_id"]].stage,
            "stage_since": stage[c["candidate_id"]].stage_since,
            "exit_reason": stage[c["candidate_id"]].exit_reason,
            "person_id": person_of.get(c["candidate_id"]),
        }
        for c in pipe.candidates
    ]
    events = [e for p in pipe.paths for e in p.events]
    events.sort(key=lambda e: (e["moved_on"], e["candidate_id"]))
    plan: list[tuple[type, pl.DataFrame]] = [
        (Person, _people_frame(pipe.hires)),
        (m.Opening, _frame(pipe.openings, m.Opening)),
        (m.Candidate, _frame(candidates, m.Candidate)),
        (m.StageEvent, _frame(events, m.StageEvent, "event_id")),
        (
            m.Scorecard,
            _frame([c for p in pipe.paths for c in p.cards], m.Scorecard, "scorecard_id"),
        ),
        (m.BackgroundCheck, _frame([p.check for p in pipe.paths if p.check], m.BackgroundCheck)),
        (m.Offer, _frame([p.offer for p in pipe.paths if p.offer], m.Offer)),
        *train.tables(),
    ]
    for model, frame in plan:
        if frame.height:
            bulk_insert(session, model.__table__, frame)  # type: ignore[attr-defined]
