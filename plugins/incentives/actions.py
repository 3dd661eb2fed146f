"""Writes: one ``write_session`` per user action, every one audited.

Plans get a new version (never an edit in place); a settlement is computed
as a new draft version, locked, or unlocked (kept as history; a recompute
makes the next version). Locked rows are never updated or deleted here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import polars as pl
from sqlalchemy import Engine, func, select

from command_center.db.audit import audit
from command_center.db.engine import write_session
from command_center.db.models import utcnow
from command_center.org.scope import Viewer
from command_center.plugin_settings import save_settings
from command_center.published import Fact, publish
from command_center.types import LEADER_ROLES
from plugins.incentives.errors import IncentivesError, month_label
from plugins.incentives.honours import PUBLISHER, TOPIC, HonourSettings, title_key
from plugins.incentives.models import (
    Dispute,
    Line,
    OrderCredit,
    PlanRecord,
    PlanVersion,
    Scenario,
    Settlement,
    Statement,
)
from plugins.incentives.plan import Checked, parse_plan
from plugins.incentives.settling import (
    Computed,
    compute_settlement,
    lock_settlement,
    unlock_settlement,
)

PLUGIN = "incentives"
__all__ = [
    "Computed",
    "IncentivesError",
    "compute_settlement",
    "lock_settlement",
    "unlock_settlement",
]


# -- plans ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SavedPlan:
    version_id: int
    version: int
    checked: Checked


def save_plan(
    engine: Engine,
    text: str,
    actor: str,
    effective_from: dt.date | None = None,
    note: str = "",
    available: frozenset[str] | None = None,
) -> SavedPlan:
    """Validate ``text`` and store it as the next version of the plan it names."""
    checked = parse_plan(text, available)
    plan = checked.plan
    if effective_from is None:
        label = plan.effective_from or month_label(dt.date.today())
        effective_from = dt.date(int(label[:4]), int(label[5:7]), 1)
    effective_from = effective_from.replace(day=1)
    with write_session(engine) as session:
        record = session.scalar(select(PlanRecord).where(PlanRecord.name == plan.name))
        if record is None:
            record = PlanRecord(name=plan.name, created_by=actor)
            session.add(record)
            session.flush()
        latest = session.scalar(
            select(func.max(PlanVersion.version)).where(PlanVersion.plan_id == record.plan_id)
        )
        version = PlanVersion(
            plan_id=record.plan_id,
            version=(latest or 0) + 1,
            effective_from=effective_from,
            source=text,
            note=note[:200],
            created_by=actor,
        )
        session.add(version)
        session.flush()
        audit(
            session,
            actor,
            "plan_version_saved",
            "incentives_plan",
            plan.name,
            version=version.version,
            effective_from=effective_from.isoformat(),
            note=note[:200],
        )
        return SavedPlan(version.version_id, version.version, checked)


# -- disputes ---------------------------------------------------------------------------


def raise_dispute(
    engine: Engine,
    viewer: Viewer,
    settlement_id: int,
    question: str,
    actor: str,
    line_id: int | None = None,
    order_id: int | None = None,
) -> int:
    """The signed-in person queries a line (or an order) of their own locked statement."""
    question = question.strip()
    if not question:
        raise IncentivesError("question_needed")
    if viewer.person_id is None:
        raise IncentivesError("not_allowed")
    with write_session(engine) as session:
        settlement = session.get(Settlement, settlement_id)
        if settlement is None or settlement.status != "locked":
            raise IncentivesError("dispute_locked_only")
        own = session.scalar(
            select(Statement.statement_id).where(
                Statement.settlement_id == settlement_id,
                Statement.person_id == viewer.person_id,
            )
        )
        if own is None:
            raise IncentivesError("not_your_statement")
        if line_id is not None:
            line = session.get(Line, line_id)
            if (
                line is None
                or line.settlement_id != settlement_id
                or (line.person_id != viewer.person_id)
            ):
                raise IncentivesError("no_line")
        elif order_id is not None:
            credit = session.get(OrderCredit, (settlement_id, viewer.person_id, order_id))
            if credit is None:
                raise IncentivesError("no_line")
        else:
            raise IncentivesError("no_line")
        dispute = Dispute(
            settlement_id=settlement_id,
            person_id=viewer.person_id,
            line_id=line_id,
            order_id=order_id if line_id is None else None,
            question=question[:1000],
            raised_by=actor,
        )
        session.add(dispute)
        session.flush()
        audit(
            session,
            actor,
            "dispute_raised",
            "incentives_dispute",
            dispute.dispute_id,
            period=settlement.period,
            line_id=line_id,
            order_id=order_id,
        )
        return dispute.dispute_id


def answer_dispute(
    engine: Engine, viewer: Viewer, dispute_id: int, answer: str, actor: str
) -> None:
    """A leader above the person answers an open dispute."""
    answer = answer.strip()
    if not answer:
        raise IncentivesError("answer_needed")
    if viewer.role not in LEADER_ROLES:
        raise IncentivesError("not_allowed")
    with write_session(engine) as session:
        dispute = session.get(Dispute, dispute_id)
        if dispute is None or not viewer.can_see(dispute.person_id):
            raise IncentivesError("no_dispute")
        if dispute.person_id == viewer.person_id:
            raise IncentivesError("own_dispute")
        if dispute.status != "open":
            raise IncentivesError("dispute_answered")
        dispute.status = "answered"
        dispute.answer = answer[:1000]
        dispute.answered_by = actor
        dispute.answered_at = utcnow()
        audit(session, actor, "dispute_answered", "incentives_dispute", dispute_id)


# -- scenarios --------------------------------------------------------------------------


def save_scenario(
    engine: Engine,
    owner: str,
    name: str,
    version_id: int,
    start: dt.date,
    end: dt.date,
    edits: dict[str, Any],
    assumptions: dict[str, Any],
) -> int:
    """Save (or replace) ``owner``'s scenario called ``name``."""
    name = name.strip()
    if not name:
        raise IncentivesError("name_needed")
    with write_session(engine) as session:
        row = session.scalar(
            select(Scenario).where(Scenario.owner == owner, Scenario.name == name[:100])
        )
        action = "scenario_updated" if row is not None else "scenario_saved"
        if row is None:
            row = Scenario(owner=owner, name=name[:100])
            session.add(row)
        row.plan_version_id = version_id
        row.start, row.end = start, end
        row.edits = dict(edits)
        row.assumptions = dict(assumptions)
        row.updated_at = utcnow()
        session.flush()
        audit(
            session,
            owner,
            action,
            "incentives_scenario",
            row.scenario_id,
            name=name,
            edits=len(edits),
        )
        return row.scenario_id


def delete_scenario(engine: Engine, owner: str, scenario_id: int) -> None:
    with write_session(engine) as session:
        row = session.get(Scenario, scenario_id)
        if row is None or row.owner != owner:
            raise IncentivesError("no_scenario")
        session.delete(row)
        audit(session, owner, "scenario_deleted", "incentives_scenario", scenario_id, name=row.name)


# -- honours ------------------------------------------------------------------------------


def publish_honours(
    engine: Engine, viewer: Viewer, found: dict[str, pl.DataFrame], actor: str
) -> int:
    """Publish winners (``honour, person_id, value``) per period label, in one transaction.

    Directors only (the titles are announced to the whole force).
    """
    if viewer.role != "director" or not viewer.sees_all:
        raise IncentivesError("not_allowed")
    count = 0
    with write_session(engine) as session:
        for period, winners in found.items():
            facts = [
                Fact(int(pid), str(honour), float(value), title_key(str(honour)))
                for honour, pid, value in winners.select("honour", "person_id", "value").iter_rows()
            ]
            published = publish(session, TOPIC, period, facts, PUBLISHER)
            audit(session, actor, "honours_published", "published_facts", period, count=published)
            count += published
    return count


def save_honour_settings(engine: Engine, settings: HonourSettings, actor: str) -> None:
    with write_session(engine) as session:
        save_settings(session, PLUGIN, settings, actor)
