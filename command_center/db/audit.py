"""The audit log: one call per write that a person makes."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from command_center.db.models import AuditEntry


def audit(
    session: Session,
    actor: str,
    action: str,
    entity: str = "",
    entity_id: object = "",
    **detail: Any,
) -> None:
    """Record ``actor`` doing ``action`` on ``entity``/``entity_id`` in this transaction."""
    session.add(
        AuditEntry(
            actor=actor,
            action=action,
            entity=entity,
            entity_id=str(entity_id),
            detail={k: _jsonable(v) for k, v in detail.items()},
        )
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)
