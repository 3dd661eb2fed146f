"""The payroll hand-off: a locked month's payroll file, exported by those who settle pay.

Writes nothing but its audit entry: who exported which month, in which
format, from which locked settlement versions, for how many people, the
total and the file's SHA-256 (a second export of the same versions gives the
same bytes, so the same digest).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import Engine

from command_center.db.audit import audit
from command_center.db.engine import write_session
from command_center.org.scope import Viewer
from plugins.incentives.errors import IncentivesError
from plugins.incentives.logic.payroll import csv_bytes, xlsx_bytes
from plugins.incentives.queries import payroll as payroll_reads

PAYROLL_ROLES = frozenset({"manager", "director"})
Format = Literal["csv", "xlsx"]
FORMATS: tuple[Format, ...] = ("csv", "xlsx")


@dataclass(frozen=True)
class PayrollFile:
    """One exported payroll file and what it holds."""

    name: str
    data: bytes
    people: int
    total_fen: int
    versions: tuple[int, ...]
    sha256: str


def payroll_file(engine: Engine, viewer: Viewer, period: str, fmt: str) -> PayrollFile:
    """The payroll file of ``period`` (``YYYY-MM``) for the viewer's scope, not audited.

    Refused for roles that do not settle pay, an unknown format, and a month
    without a locked statement in scope.
    """
    if viewer.role not in PAYROLL_ROLES:
        raise IncentivesError("not_allowed")
    if fmt not in FORMATS:
        raise IncentivesError("payroll_format", value=fmt)
    rows, found = payroll_reads.payroll(engine, viewer, period)
    if rows.is_empty():
        raise IncentivesError("payroll_not_locked", period=period)
    data = csv_bytes(rows) if fmt == "csv" else xlsx_bytes(rows, period)
    versions = tuple(sorted(set(found["version"].to_list())))
    return PayrollFile(
        f"payroll-{period}.{fmt}",
        data,
        rows.height,
        int(rows["total"].sum()),
        versions,
        hashlib.sha256(data).hexdigest(),
    )


def export_payroll(
    engine: Engine, viewer: Viewer, period: str, fmt: str, actor: str
) -> PayrollFile:
    """:func:`payroll_file`, audited (``payroll_exported``) in its own transaction."""
    done = payroll_file(engine, viewer, period, fmt)
    record_export(engine, done, period, fmt, actor)
    return done


def record_export(engine: Engine, done: PayrollFile, period: str, fmt: str, actor: str) -> None:
    """Audit the hand-off of ``done`` (the settlement page's download calls it on click)."""
    with write_session(engine) as session:
        audit(
            session,
            actor,
            "payroll_exported",
            "incentives_payroll",
            period,
            period=period,
            format=fmt,
            versions=list(done.versions),
            people=done.people,
            total=done.total_fen / 100,
            sha256=done.sha256,
        )
