"""Writes of target plans: save (a draft, or the next version), submit, approve, send back.

Who (checked here, whatever page or command calls):

- saving and submitting a leader's plan: that leader, or anyone above them
  (a director, manager or supervisor whose subtree holds the leader);
- a plan's people are the leader's direct reports in today's tree (not those
  who left); the top of the force (a leader with no manager) also sets their
  own figure, the force's. Everyone else's own figure is their parent's split,
  read-only for them;
- approving or sending back: the leader's own leader (their manager today), or
  a director; the operator (the CLI without ``--user``) may do all.

Approval writes the plan's months into the core ``targets`` table in the same
transaction (``YYYY-MM`` rows of the plan's metric), replacing the months,
quarters and year of the plan's people for that metric and year, and marks
the version approved before it ``superseded``. Every write is audited.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from command_center.db.audit import audit
from command_center.db.engine import write_session
from command_center.db.models import Person, Target, utcnow
from command_center.db.target_plans import TargetPlan, TargetPlanLine
from command_center.metrics import MetricRegistry
from command_center.notifications import notify
from command_center.org.scope import OPERATOR, Viewer
from command_center.org.tree import children_map, subtree
from command_center.targets.logic import (
    MONTHS,
    PROFILES,
    SPLITS,
    Check,
    check_months,
    check_sum,
)
from command_center.targets.queries import plannable_metrics

PLANNERS = frozenset({"director", "manager", "supervisor"})
"""Roles that set targets below themselves."""
METHODS = frozenset({*SPLITS, *PROFILES, "quarters"})
FIRST_YEAR, LAST_YEAR = 2000, 2100


class PlanError(ValueError):
    """A refused plan write; ``code`` is a translation key, ``params`` its values."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Saved:
    """A saved plan: its id and version, and its sum against the parent's figure."""

    plan_id: int
    version: int
    check: Check


def _tree(session: Session) -> tuple[dict[int, int | None], dict[int, str], dict[int, str]]:
    rows = session.execute(
        select(Person.person_id, Person.manager_id, Person.status, Person.person_key)
    ).all()
    edges = {pid: mid for pid, mid, _, _ in rows}
    return edges, {pid: s for pid, _, s, _ in rows}, {pid: k for pid, _, _, k in rows}


def plan_people(
    edges: Mapping[int, int | None], status: Mapping[int, str], leader: int
) -> list[int]:
    """Whose figures a leader's plan sets: their direct reports today (not leavers), and
    the leader themselves at the top of the force."""
    reports = sorted(p for p, m in edges.items() if m == leader and status.get(p) != "left")
    return [leader, *reports] if edges.get(leader) is None else reports


def _may_plan(viewer: Viewer, leader: int, edges: Mapping[int, int | None]) -> None:
    if leader not in edges:
        raise PlanError("targets.error.no_person", person=leader)
    if viewer == OPERATOR:
        return
    if viewer.role not in PLANNERS or viewer.person_id is None:
        raise PlanError("targets.error.role", role=viewer.role)
    if leader not in subtree(viewer.person_id, children_map(edges.items())) or not viewer.can_see(
        leader
    ):
        raise PlanError("targets.error.out_of_scope", person=leader)


def _may_decide(viewer: Viewer, plan: TargetPlan, edges: Mapping[int, int | None]) -> None:
    if viewer == OPERATOR or viewer.role == "director":
        return
    if viewer.role not in PLANNERS or edges.get(plan.leader_id) != viewer.person_id:
        raise PlanError("targets.error.not_approver", person=plan.leader_id)


def _tell(session: Session, person_id: int | None, what: str, row: TargetPlan) -> None:
    """Notify ``person_id`` (the approver, or the plan's leader) of the plan's move."""
    if person_id is None:
        return
    leader = session.get(Person, row.leader_id)
    params = {
        "leader": leader.name if leader is not None else str(row.leader_id),
        "metric": row.metric,
        "year": row.year,
        "version": row.version,
    }
    notify(session, person_id, "targets", f"targets.notify.{what}", params, link="targets")


def _plan(session: Session, plan_id: int) -> TargetPlan:
    row = session.get(TargetPlan, plan_id, with_for_update=True)
    if row is None:
        raise PlanError("targets.error.no_plan", plan=plan_id)
    return row


def parent_figures(
    lines: Mapping[int, Sequence[float]], leader: int, stored: Sequence[float]
) -> list[float]:
    """What a plan's split is checked against: the leader's own line at the top of the
    force, else the leader's stored months (their parent's split)."""
    own = lines.get(leader)
    return [float(v) for v in own] if own is not None else [float(v) for v in stored]


def save(
    engine: Engine,
    registry: MetricRegistry,
    viewer: Viewer,
    plan: tuple[int, str, int],
    lines: Mapping[int, Sequence[float | None]],
    method: str = "typed",
    stored_parent: Sequence[float] | None = None,
    note: str = "",
) -> Saved:
    """Store ``lines`` (person -> twelve months) as the leader's draft for ``(year,
    metric, leader)``: the open draft or submitted version is replaced (and is a draft
    again); after approval this is the next version. ``stored_parent`` is the leader's
    own stored months (for the sum check the result carries)."""
    year, metric, leader = plan
    if metric not in plannable_metrics(registry):
        raise PlanError("targets.error.metric", metric=metric)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise PlanError("targets.error.year", year=year)
    if method not in METHODS:
        raise PlanError("targets.error.method", method=method)
    with write_session(engine) as session:
        edges, status, keys = _tree(session)
        _may_plan(viewer, leader, edges)
        allowed = plan_people(edges, status, leader)
        checked: dict[int, list[float]] = {}
        for person, values in lines.items():
            if person not in allowed:
                raise PlanError("targets.error.not_in_plan", person=keys.get(person, person))
            checked[person] = check_months(list(values), who=keys.get(person, str(person)))
        latest = session.scalars(
            select(TargetPlan)
            .where(
                TargetPlan.year == year, TargetPlan.metric == metric, TargetPlan.leader_id == leader
            )
            .order_by(TargetPlan.version.desc())
            .limit(1)
            .with_for_update()
        ).first()
        if latest is not None and latest.state in ("draft", "submitted"):
            row = latest
            session.execute(delete(TargetPlanLine).where(TargetPlanLine.plan_id == row.plan_id))
            row.state, row.submitted_by, row.submitted_at = "draft", "", None
        else:
            version = 1 if latest is None else latest.version + 1
            row = TargetPlan(year=year, metric=metric, leader_id=leader, version=version)
            session.add(row)
        row.method, row.note = method, note.strip()[:200]
        row.saved_by, row.saved_at = viewer.login, utcnow()
        session.flush()
        session.add_all(
            TargetPlanLine(plan_id=row.plan_id, person_id=p, month=m + 1, target=values[m])
            for p, values in checked.items()
            for m in range(MONTHS)
        )
        check = check_sum(
            parent_figures(checked, leader, stored_parent or [0.0] * MONTHS),
            {p: v for p, v in checked.items() if p != leader},
        )
        totals = {keys.get(p, str(p)): round(sum(v), 2) for p, v in checked.items()}
        audit(session, viewer.login, "target_plan_saved", "target_plan", row.plan_id,
              year=year, metric=metric, leader=keys.get(leader), version=row.version,
              method=method, status=check.status, gap=check.year_gap, totals=totals)  # fmt: skip
        return Saved(row.plan_id, row.version, check)


def submit(engine: Engine, viewer: Viewer, plan_id: int) -> None:
    """The leader (or someone above) hands a draft to their own leader for approval."""
    with write_session(engine) as session:
        row = _plan(session, plan_id)
        edges, _, keys = _tree(session)
        _may_plan(viewer, row.leader_id, edges)
        if row.state != "draft":
            raise PlanError("targets.error.state", state=row.state, expected="draft")
        row.state, row.submitted_by, row.submitted_at = "submitted", viewer.login, utcnow()
        _tell(session, edges.get(row.leader_id), "submitted", row)
        audit(session, viewer.login, "target_plan_submitted", "target_plan", plan_id,
              year=row.year, metric=row.metric, leader=keys.get(row.leader_id),
              version=row.version)  # fmt: skip


def send_back(engine: Engine, viewer: Viewer, plan_id: int, note: str = "") -> None:
    """The approver returns a submitted plan to its leader as a draft."""
    with write_session(engine) as session:
        row = _plan(session, plan_id)
        edges, _, keys = _tree(session)
        _may_decide(viewer, row, edges)
        if row.state != "submitted":
            raise PlanError("targets.error.state", state=row.state, expected="submitted")
        row.state, row.note = "draft", note.strip()[:200]
        if row.leader_id != viewer.person_id:
            _tell(session, row.leader_id, "sent_back", row)
        audit(session, viewer.login, "target_plan_sent_back", "target_plan", plan_id,
              year=row.year, metric=row.metric, leader=keys.get(row.leader_id),
              version=row.version, note=note)  # fmt: skip


def approve(engine: Engine, viewer: Viewer, plan_id: int) -> int:
    """Approve a submitted plan and write its months into ``targets``; the rows written."""
    with write_session(engine) as session:
        row = _plan(session, plan_id)
        edges, _, keys = _tree(session)
        _may_decide(viewer, row, edges)
        if row.state != "submitted":
            raise PlanError("targets.error.state", state=row.state, expected="submitted")
        before = session.scalars(
            select(TargetPlan).where(
                TargetPlan.year == row.year,
                TargetPlan.metric == row.metric,
                TargetPlan.leader_id == row.leader_id,
                TargetPlan.state == "approved",
            )
        ).all()
        people = set(
            session.scalars(
                select(TargetPlanLine.person_id).where(
                    TargetPlanLine.plan_id.in_([row.plan_id, *(b.plan_id for b in before)])
                )
            ).all()
        )
        labels = [
            *(f"{row.year}-{m:02d}" for m in range(1, MONTHS + 1)),
            *(f"{row.year}-Q{q}" for q in range(1, 5)),
            str(row.year),
        ]
        session.execute(
            delete(Target).where(
                Target.person_id.in_(sorted(people)),
                Target.metric == row.metric,
                Target.period.in_(labels),
            )
        )
        lines = session.execute(
            select(TargetPlanLine.person_id, TargetPlanLine.month, TargetPlanLine.target).where(
                TargetPlanLine.plan_id == row.plan_id
            )
        ).all()
        session.add_all(
            Target(
                person_id=person,
                period=f"{row.year}-{month:02d}",
                metric=row.metric,
                target=value,
            )
            for person, month, value in lines
        )
        for old in before:
            old.state = "superseded"
        row.state, row.approved_by, row.approved_at = "approved", viewer.login, utcnow()
        if row.leader_id != viewer.person_id:
            _tell(session, row.leader_id, "approved", row)
        audit(session, viewer.login, "target_plan_approved", "target_plan", plan_id,
              year=row.year, metric=row.metric, leader=keys.get(row.leader_id),
              version=row.version, superseded=[b.version for b in before],
              rows=len(lines))  # fmt: skip
        return len(lines)
