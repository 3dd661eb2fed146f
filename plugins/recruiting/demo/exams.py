"""Demo learning area and exam attempts: six courses with materials and question banks,
an exam each, and attempts answered question by question and graded by the app's rules
(the same deterministic draw of questions per attempt as the app)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import polars as pl

from plugins.recruiting.demo import text as txt
from plugins.recruiting.demo.rows import Training
from plugins.recruiting.logic.exams import draw_questions

MAX_ATTEMPTS = 3


def learning_area(out: Training) -> None:
    for topic, title, description, materials, questions in txt.COURSES:
        course_id = len(out.courses) + 1
        out.courses.append(
            {"course_id": course_id, "title": title, "topic": topic, "description": description}
        )
        for mtitle, kind, content, minutes in materials:
            out.materials.append(
                {
                    "material_id": len(out.materials) + 1,
                    "course_id": course_id,
                    "title": mtitle,
                    "kind": kind,
                    "url": "" if kind == "text" else content,
                    "body": content if kind == "text" else "",
                    "minutes": minutes,
                }
            )
        for text, options, correct in questions:
            out.questions.append(
                {
                    "question_id": len(out.questions) + 1,
                    "course_id": course_id,
                    "text": text,
                    "options": list(options),
                    "correct": list(correct),
                    "points": 2.0 if len(correct) > 1 else 1.0,
                    "active": True,
                }
            )
        out.exams.append(
            {
                "exam_id": course_id,
                "course_id": course_id,
                "title": f"{title}·结业考试",
                "pass_mark": 0.8 if topic == "culture" else 0.6,
                "question_count": min(5, len(questions)),
                "max_attempts": MAX_ATTEMPTS,
                "active": True,
            }
        )


def exams(
    r: random.Random,
    out: Training,
    reps: pl.DataFrame,
    hires: list[dict[str, Any]],
    start: dt.date,
    last: dt.date,
) -> None:
    bank: dict[int, list[dict[str, Any]]] = {}
    for q in out.questions:
        bank.setdefault(q["course_id"], []).append(q)
    takers: list[tuple[int, int, dt.date]] = []
    done = {
        e["person_id"]: e["completed_on"]
        for e in out.enrolments
        if e["status"] == "completed" and e["due_on"] is not None
    }
    takers += [(h["person_id"], 1, done[h["person_id"]]) for h in hires if h["person_id"] in done]
    span = (last - start).days
    for person in reps.sort("person_id")["person_id"].to_list():
        for exam in out.exams:
            if r.random() < 0.25:
                takers.append(
                    (person, exam["exam_id"], start + dt.timedelta(days=r.randint(0, span)))
                )
    seen: set[tuple[int, int]] = set()
    for person, exam_id, day in takers:
        if (person, exam_id) in seen:
            continue
        seen.add((person, exam_id))
        exam = out.exams[exam_id - 1]
        skill = r.uniform(0.45, 0.95)
        for attempt_no in range(1, exam["max_attempts"] + 1):
            if day > last:
                break
            passed = _attempt(r, out, exam, bank[exam["course_id"]], person, attempt_no, day, skill)
            if passed or r.random() < 0.3:
                break
            day += dt.timedelta(days=r.randint(5, 14))
            skill = min(0.98, skill + 0.12)


def _attempt(
    r: random.Random,
    out: Training,
    exam: dict[str, Any],
    questions: list[dict[str, Any]],
    person: int,
    attempt_no: int,
    day: dt.date,
    skill: float,
) -> bool:
    ids = [q["question_id"] for q in questions]
    drawn = set(
        draw_questions(ids, exam["question_count"], f"{exam['exam_id']}:{person}:{attempt_no}")
    )
    attempt_id = len(out.attempts) + 1
    earned = possible = 0.0
    for q in questions:
        if q["question_id"] not in drawn:
            continue
        right = r.random() < skill
        wrong = [i for i in range(len(q["options"])) if i not in q["correct"]]
        chosen = list(q["correct"]) if right else [r.choice(wrong)]
        possible += q["points"]
        earned += q["points"] if right else 0.0
        out.answers.append(
            {
                "attempt_id": attempt_id,
                "question_id": q["question_id"],
                "chosen": chosen,
                "correct": right,
                "points": q["points"] if right else 0.0,
            }
        )
    score = round(earned / possible, 6) if possible else 0.0
    passed = score >= exam["pass_mark"] - 1e-9
    out.attempts.append(
        {
            "attempt_id": attempt_id,
            "exam_id": exam["exam_id"],
            "person_id": person,
            "attempt_no": attempt_no,
            "taken_on": day,
            "score": score,
            "passed": passed,
            "submitted_at": dt.datetime.combine(day, dt.time(10, 0)),
        }
    )
    if passed:
        out.certify(
            person, day, exam_id=exam["exam_id"], detail={"score": score, "attempt": attempt_no}
        )
    return passed
