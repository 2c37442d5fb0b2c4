"""Helpers every area's services use: optimistic locking, commits that turn integrity errors into messages."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from riskreg.audit import AuditEntry
from riskreg.errors import ConflictError, DomainError


def changes_since(session: Session, obj: Any, version: int) -> list[tuple[str, object, object]]:
    """What other saves changed in ``obj`` after the version the user loaded, from the audit log."""
    entries = session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.entity_type == obj.__table__.name,
            AuditEntry.entity_id == obj.id,
            AuditEntry.entity_version > version,
        )
        .order_by(AuditEntry.id)
    )
    return [(field, old, new) for e in entries for field, (old, new) in e.changes.items()]


def check_version(session: Session, obj: Any, version: int | str | None) -> None:
    """Refuse a save based on a stale copy of ``obj``, saying what changed meanwhile."""
    if version in (None, ""):
        return
    loaded = int(version)  # type: ignore[arg-type]
    if loaded != obj.version:
        raise ConflictError(
            _("Someone else saved this record after you opened it. Nothing was saved; review their changes."),
            changes=changes_since(session, obj, loaded),
        )


def assign(obj: Any, values: dict[str, Any]) -> None:
    for key, value in values.items():
        setattr(obj, key, value)


def commit(session: Session, *, unique_message: str | None = None) -> None:
    """Commit, or roll back and raise a DomainError that a user can read."""
    try:
        session.commit()
    except StaleDataError as exc:
        session.rollback()
        raise ConflictError(_("Someone else saved this record at the same time. Nothing was saved.")) from exc
    except IntegrityError as exc:
        session.rollback()
        raise DomainError(
            unique_message or _("The change conflicts with existing data. Nothing was saved.")
        ) from exc
