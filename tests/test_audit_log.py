"""The audit log: append-only, written for every change with the acting user, never editable on the web."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import delete, func, select, update

from riskreg.audit import AuditEntry, AuditLogIsAppendOnly, set_actor
from riskreg.auth import services
from riskreg.auth.models import User
from riskreg.enums import AuditAction, Role
from riskreg.extensions import db
from tests.conftest import PASSWORD, post_form
from tests.records import audit_entries


def snapshot(entry_id: int) -> dict[str, object]:
    """The stored row, read fresh from the database."""
    db.session.expire_all()
    entry = db.session.get(AuditEntry, entry_id)
    assert entry is not None, "the entry is gone"
    return {
        "actor": entry.actor,
        "action": entry.action,
        "entity_type": entry.entity_type,
        "entity_id": entry.entity_id,
        "changes": entry.changes,
        "at": entry.at,
    }


@pytest.fixture
def entry_id(app: Flask, make_user: Callable[..., int]) -> int:
    user_id = make_user("reader", email="anna@example.dk")
    with app.app_context():
        return audit_entries(db.session, "user", user_id)[0].id


def test_changing_an_entry_is_refused(app: Flask, entry_id: int) -> None:
    with app.app_context():
        before = snapshot(entry_id)
        entry = db.session.get(AuditEntry, entry_id)
        entry.actor = "someone else"
        entry.changes = {}

        with pytest.raises(AuditLogIsAppendOnly):
            db.session.commit()
        db.session.rollback()

        assert snapshot(entry_id) == before


def test_deleting_an_entry_is_refused(app: Flask, entry_id: int) -> None:
    with app.app_context():
        before = snapshot(entry_id)
        db.session.delete(db.session.get(AuditEntry, entry_id))

        with pytest.raises(AuditLogIsAppendOnly):
            db.session.commit()
        db.session.rollback()

        assert snapshot(entry_id) == before


@pytest.mark.parametrize(
    "statement",
    [
        update(AuditEntry).values(actor="someone else"),
        update(AuditEntry).where(AuditEntry.entity_type == "user").values(changes={}),
        delete(AuditEntry),
    ],
    ids=["bulk-update", "bulk-update-where", "bulk-delete"],
)
def test_bulk_changes_to_the_log_are_refused(app: Flask, entry_id: int, statement: object) -> None:
    with app.app_context():
        before = snapshot(entry_id)
        count = db.session.scalar(select(func.count()).select_from(AuditEntry))

        with pytest.raises(AuditLogIsAppendOnly):
            db.session.execute(statement)  # type: ignore[call-overload]
            db.session.commit()
        db.session.rollback()

        assert snapshot(entry_id) == before
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == count


def test_creating_and_updating_a_user_is_logged_with_the_actor(app: Flask, make_user) -> None:  # type: ignore[no-untyped-def]
    admin_id = make_user("admin", email="boss@example.dk")
    with app.app_context():
        set_actor(db.session(), admin_id, "boss@example.dk")
        user = services.create_user(db.session, "Anna@Example.dk", Role.READER, PASSWORD, name="Anna")
        services.update_user(
            db.session, user, {"name": "Anna Berg", "role": Role.SECURITY}, version=user.version
        )

        created, updated = audit_entries(db.session, "user", user.id)

        assert created.action == AuditAction.CREATE
        assert (created.user_id, created.actor) == (admin_id, "boss@example.dk")
        assert created.changes["email"] == [None, "anna@example.dk"]
        assert created.changes["role"] == [None, "reader"]
        assert created.entity_label == "anna@example.dk"

        assert updated.action == AuditAction.UPDATE
        assert (updated.user_id, updated.actor) == (admin_id, "boss@example.dk")
        assert updated.changes == {"name": ["Anna", "Anna Berg"], "role": ["reader", "security"]}
        assert updated.entity_version == 2


def test_password_hashes_never_reach_the_log(app: Flask, make_user) -> None:  # type: ignore[no-untyped-def]
    user_id = make_user("reader")
    with app.app_context():
        services.set_password(db.session, db.session.get(User, user_id), "another long password")
        logged = json.dumps([e.changes for e in db.session.scalars(select(AuditEntry))])

    assert "argon2" not in logged
    assert "password" not in logged


def test_archive_and_restore_are_logged_as_such(app: Flask, make_user) -> None:  # type: ignore[no-untyped-def]
    admin_id = make_user("admin")
    user_id = make_user("reader")
    with app.app_context():
        set_actor(db.session(), admin_id, "admin")
        user = db.session.get(User, user_id)
        # As the archive button does: toggle what is stored.
        services.set_archived(db.session, user, not user.is_archived, acting_user_id=admin_id)
        services.set_archived(db.session, user, not user.is_archived, acting_user_id=admin_id)

        actions = [(e.action, e.changes, e.user_id) for e in audit_entries(db.session, "user", user_id)]

    assert actions[1:] == [
        (AuditAction.ARCHIVE, {"is_archived": [False, True]}, admin_id),
        (AuditAction.RESTORE, {"is_archived": [True, False]}, admin_id),
    ]


def test_a_change_made_on_the_web_names_the_logged_in_user(app: Flask, login, make_user) -> None:  # type: ignore[no-untyped-def]
    admin = login("admin", email="chief@example.dk")
    user_id = make_user("reader")

    response = post_form(admin, f"/users/{user_id}/archive")

    assert response.status_code == 302
    with app.app_context():
        entry = audit_entries(db.session, "user", user_id)[-1]
        assert entry.action == AuditAction.ARCHIVE
        assert (entry.user_id, entry.actor) == (admin.user_id, "chief@example.dk")


def test_no_route_edits_the_audit_log(app: Flask) -> None:
    """The log is shown under /history only, read-only; no blueprint has a route to change it."""
    history_routes = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("history.") or rule.rule.startswith("/history"):
            history_routes[rule.endpoint] = (rule.rule, rule.methods - {"HEAD", "OPTIONS"})

    assert set(history_routes) == {"history.index", "history.entity"}
    for endpoint, (path, methods) in history_routes.items():
        assert path.startswith("/history"), endpoint
        assert methods == {"GET"}, f"{endpoint} accepts {methods}"


def test_change_to_an_expired_attribute_logs_the_old_value(app):
    """Attributes are expired by a commit; setting one without reading it must still log old -> new."""
    from sqlalchemy import select

    from riskreg.audit import AuditEntry
    from riskreg.auth.models import User
    from riskreg.auth.services import create_user
    from riskreg.enums import Role
    from riskreg.extensions import db

    with app.app_context():
        user = create_user(db.session, "expired@example.dk", Role.READER, "a long password", name="first")
        user.name = "second"
        user.is_archived = True
        db.session.commit()
        entry = db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity_type == "user", AuditEntry.entity_id == user.id)
            .order_by(AuditEntry.id.desc())
        ).first()
        assert entry.changes["name"] == ["first", "second"]
        assert entry.action.value == "archive"
        assert db.session.get(User, user.id).name == "second"
