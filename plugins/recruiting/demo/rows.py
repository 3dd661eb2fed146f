"""The rows the training demo builds, and turning them into frames for bulk inserts
(JSON columns as JSON text, which both SQLite and PostgreSQL accept)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from command_center.db.tables import polars_schema
from plugins.recruiting import models as m


@dataclass
class Training:
    courses: list[dict[str, Any]] = field(default_factory=list)
    materials: list[dict[str, Any]] = field(default_factory=list)
    questions: list[dict[str, Any]] = field(default_factory=list)
    exams: list[dict[str, Any]] = field(default_factory=list)
    programs: list[dict[str, Any]] = field(default_factory=list)
    sessions: list[dict[str, Any]] = field(default_factory=list)
    enrolments: list[dict[str, Any]] = field(default_factory=list)
    attendance: list[dict[str, Any]] = field(default_factory=list)
    mentors: list[dict[str, Any]] = field(default_factory=list)
    attempts: list[dict[str, Any]] = field(default_factory=list)
    answers: list[dict[str, Any]] = field(default_factory=list)
    certificates: list[dict[str, Any]] = field(default_factory=list)

    def certify(self, person_id: int, on: dt.date, **ref: Any) -> None:
        cid = len(self.certificates) + 1
        self.certificates.append(
            {
                "certificate_id": cid,
                "number": f"RC-{on.year}-{cid:06d}",
                "person_id": person_id,
                "exam_id": None,
                "program_id": None,
                "issued_on": on,
                "detail": {},
                **ref,
            }
        )

    def tables(self) -> list[tuple[type, pl.DataFrame]]:
        order: list[tuple[type, list[dict[str, Any]]]] = [
            (m.Course, self.courses),
            (m.Program, self.programs),
            (m.TrainingSession, self.sessions),
            (m.Material, self.materials),
            (m.Question, self.questions),
            (m.Exam, self.exams),
            (m.Enrolment, self.enrolments),
            (m.Attendance, self.attendance),
            (m.Mentor, self.mentors),
            (m.ExamAttempt, self.attempts),
            (m.ExamAnswer, self.answers),
            (m.Certificate, self.certificates),
        ]
        out = []
        for model, rows in order:
            if rows:
                names = [c.name for c in model.__table__.columns]  # type: ignore[attr-defined]
                schema = polars_schema(model)
                jsons = [n for n, t in schema.items() if _is_json(model, n)]
                if jsons:
                    rows = [
                        {**row, **{n: json.dumps(row[n], ensure_ascii=False) for n in jsons}}
                        for row in rows
                    ]
                out.append((model, pl.DataFrame(rows, schema=schema).select(names)))
        return out


def _is_json(model: type, name: str) -> bool:
    column = model.__table__.columns[name]  # type: ignore[attr-defined]
    return type(column.type).__name__ == "JSON"
