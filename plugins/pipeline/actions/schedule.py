"""A contract's payment schedule: instalments of the lines, in percent and days after
signing. The deal's owner or one of their leaders edits it while the contract may be
edited (draft or rejected), as the credit split; signing copies it into the core
ledger's due dates (:func:`plugins.pipeline.actions.contracts.sign_contract`).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from command_center.db.audit import audit
from command_center.db.engine import write_session
from command_center.org.scope import Viewer
from plugins.pipeline.actions import guards
from plugins.pipeline.actions.credits import may_edit
from plugins.pipeline.errors import PipelineError
from plugins.pipeline.logic import schedule as rules
from plugins.pipeline.logic.stages import check_contract
from plugins.pipeline.models import ContractInstalment


def contract_schedule(session: Session, contract_id: int) -> rules.Schedule:
    """The contract's instalments in order of days (none: due after the terms setting)."""
    query = select(ContractInstalment.percent, ContractInstalment.days).where(
        ContractInstalment.contract_id == contract_id
    )
    return tuple((p, d) for p, d in session.execute(query.order_by(ContractInstalment.days)))


def save_contract_schedule(
    engine: Engine, viewer: Viewer, contract_id: int, rows: Sequence[tuple[float, int]]
) -> rules.Schedule:
    """Replace the contract's payment schedule (``rows``: percent, days after signing;
    empty: due after the terms setting). Returns what was stored."""
    guards.refuse(rules.check_schedule(rows))
    clean = rules.normalised(rows)
    with write_session(engine) as session:
        row, opp = guards.contract(session, viewer, contract_id)
        guards.refuse(check_contract("edit", row.status))
        if not may_edit(viewer, opp.owner_id):
            raise PipelineError("pipeline.error.schedule_role")
        session.execute(
            delete(ContractInstalment).where(ContractInstalment.contract_id == contract_id)
        )
        session.add_all(
            ContractInstalment(contract_id=contract_id, percent=percent, days=days)
            for percent, days in clean
        )
        audit(
            session,
            viewer.login,
            "contract_schedule_saved",
            "pipeline_contract",
            contract_id,
            instalments=[list(pair) for pair in clean],
        )
    return clean
