"""Reading the audit log."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from riskreg.audit import AuditEntry


def entity_history(session: Session, entity_type: str, entity_id: int) -> Sequence[AuditEntry]:
    """Every audit entry of one record, newest first."""
    return session.scalars(
        select(AuditEntry)
        .where(AuditEntry.entity_type == entity_type, AuditEntry.entity_id == entity_id)
        .order_by(AuditEntry.id.desc())
    ).all()
