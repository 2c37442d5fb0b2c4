"""The append-only audit log: one entry per create, update, archive or restore, with field-level changes.

Entries are written by a session listener, so every change made through the ORM is logged whatever code made
it; services only say who is acting (``set_actor``). Entries can be added, never changed or deleted.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, event, insert, inspect
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column

from riskreg.db import Base, enum_type, intpk, utcnow
from riskreg.enums import AuditAction

#: Columns never written to the log (secrets, and bookkeeping that changes on every save).
ALWAYS_EXCLUDED = frozenset({"id", "created_at", "updated_at", "version"})


class AuditEntry(Base):
    __tablename__ = "audit_entry"

    id: Mapped[intpk]
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    actor: Mapped[str] = mapped_column(String(254))
    action: Mapped[AuditAction] = mapped_column(enum_type(AuditAction))
    entity_type: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[int]
    entity_label: Mapped[str] = mapped_column(String(200))
    entity_version: Mapped[int | None]
    # {field: [old, new]}
    changes: Mapped[dict[str, list[Any]]] = mapped_column(JSON, default=dict)

    __table_args__ = ({"sqlite_autoincrement": True},)


class AuditLogIsAppendOnly(RuntimeError):
    """Raised when code tries to change or delete an audit entry."""


def set_actor(session: Session, user_id: int | None, label: str) -> None:
    """Record who is acting in this session; entries written by the session name them."""
    session.info["actor"] = (user_id, label)


def is_audited(obj: object) -> bool:
    """Versioned records are audited; others opt in with ``__audited__ = True``."""
    return bool(getattr(type(obj), "__audited__", hasattr(obj, "version")))


def _plain(value: Any) -> Any:
    """Make a column value JSON-safe and readable."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool | dict):
        return value
    return str(value)


def _labels(items: Iterable[Any], attr: str) -> list[Any]:
    return sorted(_plain(getattr(i, attr)) for i in items)


def _changes(obj: Any, *, is_new: bool) -> dict[str, list[Any]]:
    state = inspect(obj)
    excluded = ALWAYS_EXCLUDED | getattr(type(obj), "__audit_exclude__", frozenset())
    changes: dict[str, list[Any]] = {}
    for column_attr in state.mapper.column_attrs:
        key = column_attr.key
        if key in excluded:
            continue
        hist = state.attrs[key].history
        if is_new:
            new = state.dict.get(key)
            if new not in (None, "", [], False):
                changes[key] = [None, _plain(new)]
        elif hist.has_changes():
            old = hist.deleted[0] if hist.deleted else None
            new = hist.added[0] if hist.added else None
            if _plain(old) != _plain(new):
                changes[key] = [_plain(old), _plain(new)]
    for key, label_attr in getattr(type(obj), "__audit_collections__", {}).items():
        hist = state.attrs[key].history
        if not (hist.added or hist.deleted) and not is_new:
            continue
        unchanged = list(hist.unchanged)
        old = [] if is_new else _labels([*unchanged, *hist.deleted], label_attr)
        new = _labels([*unchanged, *hist.added], label_attr)
        if old != new:
            changes[key.lstrip("_")] = [old, new]
    return changes


def _action(obj: Any, changes: dict[str, list[Any]], *, is_new: bool) -> AuditAction:
    if is_new:
        return AuditAction.CREATE
    archived = changes.get("is_archived")
    if archived == [False, True]:
        return AuditAction.ARCHIVE
    if archived == [True, False]:
        return AuditAction.RESTORE
    return AuditAction.UPDATE


def _keep_old_value(target: Any, value: Any, oldvalue: Any, initiator: Any) -> Any:
    return value


@event.listens_for(Base, "mapper_configured", propagate=True)
def _track_old_values(mapper: Any, class_: type) -> None:
    """Load the old value before a set, so that a change to an expired attribute still logs old -> new."""
    if not getattr(class_, "__audited__", hasattr(class_, "version")):
        return
    for column_attr in mapper.column_attrs:
        if column_attr.key not in ALWAYS_EXCLUDED:
            event.listen(getattr(class_, column_attr.key), "set", _keep_old_value, active_history=True)


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session: Session, flush_context: Any, instances: Any) -> None:
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, AuditEntry) and (obj in session.deleted or session.is_modified(obj)):
            raise AuditLogIsAppendOnly("audit entries cannot be changed or deleted")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_audit_changes(state: ORMExecuteState) -> None:
    if (state.is_update or state.is_delete) and state.bind_mapper is inspect(AuditEntry):
        raise AuditLogIsAppendOnly("audit entries cannot be changed or deleted")


@event.listens_for(Session, "after_flush")
def _write_entries(session: Session, flush_context: Any) -> None:
    user_id, actor = session.info.get("actor", (None, "system"))
    rows = []
    for obj, is_new in [*((o, True) for o in session.new), *((o, False) for o in session.dirty)]:
        if not is_audited(obj):
            continue
        changes = _changes(obj, is_new=is_new)
        if not changes:
            continue
        state = inspect(obj)
        rows.append(
            {
                "at": utcnow(),
                "user_id": user_id,
                "actor": actor,
                "action": _action(obj, changes, is_new=is_new),
                "entity_type": state.mapper.local_table.name,
                "entity_id": state.identity[0] if state.identity else state.dict.get("id"),
                "entity_label": str(obj)[:200],
                "entity_version": state.dict.get("version"),
                "changes": changes,
            }
        )
    if rows:
        session.connection().execute(insert(AuditEntry), rows)
