"""Demo training: monthly bootcamp cohorts for the hires, periodic courses for the
force, attendance with feedback, a mentor per hire, and (from :mod:`.exams`) the
learning area with exam attempts; certificates follow completions and passes."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import polars as pl

from command_center.types import DemoContext
from plugins.recruiting.demo import text as txt
from plugins.recruiting.demo.exams import exams, learning_area
from plugins.recruiting.demo.rows import Training
from plugins.recruiting.logic.onboarding import suggest_mentor

BOOTCAMP_DAYS = 7
BOOTCAMP_HOURS = 8.0
COURSE_HOURS = 3.0


def training(ctx: DemoContext, people: pl.DataFrame, hires: list[dict[str, Any]]) -> Training:
    r = random.Random(f"{ctx.seed}:recruiting:training")
    out = Training()
    last = ctx.as_of - dt.timedelta(days=1)
    learning_area(out)
    active = people.filter(pl.col("status") == "active")
    reps = active.filter(pl.col("level") == "rep")
    leaders = active.filter(pl.col("level").is_in(["manager", "supervisor"]))["person_id"].to_list()
    _bootcamps(r, out, ctx.months, hires, reps["person_id"].to_list(), leaders, last)
    _courses(r, out, ctx.months, reps, leaders, last)
    _mentoring(out, people, hires, ctx.months[0], last)
    exams(r, out, reps, hires, ctx.months[0], last)
    return out


def _first_monday(month: dt.date) -> dt.date:
    return month + dt.timedelta(days=(7 - month.weekday()) % 7)


def _session(
    out: Training,
    program_id: int,
    title: str,
    day: dt.date,
    hours: float,
    kind: str,
    trainer: int | None,
    name: str = "",
    location: str = "",
) -> int:
    sid = len(out.sessions) + 1
    out.sessions.append(
        {
            "session_id": sid,
            "program_id": program_id,
            "title": title,
            "held_on": day,
            "hours": hours,
            "trainer_kind": kind,
            "trainer_id": trainer,
            "trainer_name": name,
            "location": location,
        }
    )
    return sid


def _bootcamps(
    r: random.Random,
    out: Training,
    months: list[dt.date],
    hires: list[dict[str, Any]],
    reps: list[int],
    leaders: list[int],
    last: dt.date,
) -> None:
    cohorts: list[tuple[int, dt.date, list[int]]] = []
    next_month = (months[-1] + dt.timedelta(days=32)).replace(day=1)
    for month in [*months, next_month]:
        start = _first_monday(month)
        pid = len(out.programs) + 1
        out.programs.append(
            {
                "program_id": pid,
                "name": f"新人训练营（{month.year}年{month.month}月期）",
                "kind": "bootcamp",
                "days": BOOTCAMP_DAYS,
                "starts_on": start,
                "description": "封闭式新人训练营：文化价值观、产品、销售技能、服务。",
                "course_id": 1,
                "active": True,
            }
        )
        sessions = []
        for day, title in enumerate(txt.BOOTCAMP_DAYS):
            kind = (
                "internal_expert",
                "internal_expert",
                "internal_expert",
                "top_seller",
                "top_seller",
                "outside_lecturer",
                "internal_expert",
            )[day]
            trainer = (
                r.choice(reps if kind == "top_seller" else leaders)
                if kind != "outside_lecturer"
                else None
            )
            name = r.choice(txt.OUTSIDE_LECTURERS) if trainer is None else ""
            sessions.append(
                _session(
                    out,
                    pid,
                    title,
                    start + dt.timedelta(days=day),
                    BOOTCAMP_HOURS,
                    kind,
                    trainer,
                    name,
                    "总部培训中心",
                )
            )
        cohorts.append((pid, start, sessions))
    for hire in hires:
        pid, start, sessions = next((c for c in cohorts if c[1] >= hire["hire_date"]), cohorts[-1])
        due = start + dt.timedelta(days=BOOTCAMP_DAYS)
        status, roll = "enrolled", r.random()
        if due < last:
            status = "completed" if roll < 0.88 else ("dropped" if roll < 0.92 else "enrolled")
        out.enrolments.append(
            {
                "enrolment_id": len(out.enrolments) + 1,
                "program_id": pid,
                "person_id": hire["person_id"],
                "enrolled_on": hire["hired_on"],
                "due_on": due,
                "status": status,
                "completed_on": due if status == "completed" else None,
                "candidate_id": hire["candidate_id"],
            }
        )
        if status == "completed":
            out.certify(hire["person_id"], due, program_id=pid)
        for i, sid in enumerate(sessions):
            day = start + dt.timedelta(days=i)
            if day > last:
                break
            present = r.random() < (0.97 if status == "completed" else 0.55)
            _attend(r, out, sid, hire["person_id"], present)


def _attend(r: random.Random, out: Training, sid: int, person_id: int, present: bool) -> None:
    rated = present and r.random() < 0.6
    out.attendance.append(
        {
            "session_id": sid,
            "person_id": person_id,
            "present": present,
            "rating": r.choices((3, 4, 5), (0.15, 0.45, 0.40))[0] if rated else None,
            "feedback": r.choice(txt.FEEDBACK) if rated and r.random() < 0.5 else "",
        }
    )


def _courses(
    r: random.Random,
    out: Training,
    months: list[dt.date],
    reps: pl.DataFrame,
    leaders: list[int],
    last: dt.date,
) -> None:
    rep_ids = reps.sort("person_id")["person_id"].to_list()
    first_of_team = set(reps.group_by("manager_id").agg(pl.col("person_id").min())["person_id"])
    topic_course = {topic: i + 1 for i, (topic, *_rest) in enumerate(txt.COURSES)}
    quarters = sorted({dt.date(mo.year, (mo.month - 1) // 3 * 3 + 1, 1) for mo in months})
    for quarter in quarters:
        for topic, name in txt.COURSE_PROGRAMS:
            start = quarter + dt.timedelta(days=r.randint(10, 30))
            if start > last:
                continue
            pid = len(out.programs) + 1
            label = f"{quarter.year}年第{(quarter.month - 1) // 3 + 1}季度"
            out.programs.append(
                {
                    "program_id": pid,
                    "name": f"{name}（{label}）",
                    "kind": "course",
                    "days": None,
                    "starts_on": start,
                    "description": "",
                    "course_id": topic_course[topic],
                    "active": True,
                }
            )
            kind = (
                "top_seller"
                if topic == "selling"
                else r.choice(("internal_expert", "outside_lecturer"))
            )
            trainer = r.choice(rep_ids if kind == "top_seller" else leaders)
            trainer_id = None if kind == "outside_lecturer" else trainer
            lecturer = r.choice(txt.OUTSIDE_LECTURERS) if trainer_id is None else ""
            days = [start, start + dt.timedelta(days=14)]
            sids = [
                _session(
                    out,
                    pid,
                    f"{name}·第{i + 1}讲",
                    day,
                    COURSE_HOURS,
                    kind,
                    trainer_id,
                    lecturer,
                    "线上直播",
                )
                for i, day in enumerate(days)
            ]
            for person in rep_ids:
                if r.random() >= (0.5 if person in first_of_team else 0.15):
                    continue
                attended = 0
                for sid, day in zip(sids, days, strict=True):
                    if day <= last:
                        present = r.random() < 0.85
                        attended += present
                        _attend(r, out, sid, person, present)
                done = attended == len(sids) and days[-1] <= last
                out.enrolments.append(
                    {
                        "enrolment_id": len(out.enrolments) + 1,
                        "program_id": pid,
                        "person_id": person,
                        "enrolled_on": start - dt.timedelta(days=7),
                        "due_on": None,
                        "status": "completed" if done else "enrolled",
                        "completed_on": days[-1] if done else None,
                        "candidate_id": None,
                    }
                )
                if done:
                    out.certify(person, days[-1], program_id=pid)


def _mentoring(
    out: Training,
    people: pl.DataFrame,
    hires: list[dict[str, Any]],
    start: dt.date,
    last: dt.date,
) -> None:
    pid = len(out.programs) + 1
    out.programs.append(
        {
            "program_id": pid,
            "name": txt.MENTORING_PROGRAM,
            "kind": "mentoring",
            "days": None,
            "starts_on": start,
            "description": "每位新人配一名导师，入职三个月内在岗带教。",
            "course_id": None,
            "active": True,
        }
    )
    for hire in hires:
        before = people.filter(pl.col("person_id") != hire["person_id"]).filter(
            pl.col("hire_date") < hire["hire_date"]
        )
        mentor = suggest_mentor(before, hire["manager_id"], hire["level"])
        out.mentors.append(
            {
                "mentee_id": hire["person_id"],
                "mentor_id": mentor,
                "since": hire["hire_date"],
                "notes": "",
            }
        )
        done = hire["hire_date"] + dt.timedelta(days=90) < last
        out.enrolments.append(
            {
                "enrolment_id": len(out.enrolments) + 1,
                "program_id": pid,
                "person_id": hire["person_id"],
                "enrolled_on": hire["hired_on"],
                "due_on": None,
                "status": "completed" if done else "enrolled",
                "completed_on": hire["hire_date"] + dt.timedelta(days=90) if done else None,
                "candidate_id": hire["candidate_id"],
            }
        )
