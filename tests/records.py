"""Reading back what is stored: the audit entries of a record, the number of rows in every table."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from riskreg.audit import AuditEntry
from riskreg.models import Base


def audit_entries(session: Session, entity_type: str, entity_id: int | None = None) -> list[AuditEntry]:
    """The audit entries of one record (or of every record of ``entity_type``), oldest first."""
    query = select(AuditEntry).where(AuditEntry.entity_type == entity_type)
    if entity_id is not None:
        query = query.where(AuditEntry.entity_id == entity_id)
    return list(session.scalars(query.order_by(AuditEntry.id)))


def row_counts(session: Session) -> dict[str, int]:
    """Table name -> number of rows, for every table."""
    return {
        table.name: session.scalar(select(func.count()).select_from(table)) or 0
        for table in Base.metadata.sorted_tables
    }
