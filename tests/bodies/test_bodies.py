"""Approval bodies: the ordered chain, its ceiling rule, pages and permissions."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import func, select

from riskreg.audit import AuditEntry
from riskreg.bodies import services
from riskreg.bodies.models import ApprovalBody
from riskreg.enums import AuditAction, RiskLevel
from riskreg.errors import ConflictError, DomainError
from riskreg.extensions import db
from tests.conftest import post_form
from tests.records import audit_entries

SGG, STY, DIR = "Systemgodkendelsesgruppen", "Styregruppen for IT-sikkerhed", "Direktionen"


@pytest.fixture
def chain(app: Flask) -> dict[str, int]:
    """The municipality's three bodies, made through the service: name -> id."""
    with app.app_context():
        ids = {}
        for name, ceiling in ((SGG, RiskLevel.MEDIUM), (STY, RiskLevel.HIGH), (DIR, RiskLevel.VERY_HIGH)):
            ids[name] = services.create_body(db.session, name, ceiling).id
        return ids


def order() -> list[tuple[str, int]]:
    db.session.expire_all()
    return [(b.name, b.position) for b in services.active_bodies(db.session)]


def body_count() -> int:
    return db.session.scalar(select(func.count()).select_from(ApprovalBody))


# --- services -----------------------------------------------------------------------------------------------


def test_created_bodies_form_a_chain(app: Flask, chain: dict[str, int]) -> None:
    with app.app_context():
        assert order() == [(SGG, 1), (STY, 2), (DIR, 3)]
        created = audit_entries(db.session, "approval_body", chain[STY])[0]
        assert created.action == AuditAction.CREATE
        assert created.changes["residual_ceiling"] == [None, "high"]
        assert created.changes["position"] == [None, 2]


def test_a_later_body_may_not_have_a_lower_ceiling(app: Flask, chain: dict[str, int]) -> None:
    with app.app_context():
        with pytest.raises(DomainError) as error:
            services.create_body(db.session, "Kommunalbestyrelsen", RiskLevel.LOW)
        assert "Kommunalbestyrelsen" in error.value.message and DIR in error.value.message
        # Placed first, a low ceiling is fine.
        services.create_body(db.session, "Afdelingen", RiskLevel.LOW, position=1)
        assert [name for name, _ in order()] == ["Afdelingen", SGG, STY, DIR]
        assert [pos for _, pos in order()] == [1, 2, 3, 4]


def test_raising_an_early_ceiling_above_a_later_one_is_refused(app: Flask, chain: dict[str, int]) -> None:
    with app.app_context():
        body = db.session.get(ApprovalBody, chain[SGG])
        with pytest.raises(DomainError):
            services.update_body(db.session, body, {"residual_ceiling": RiskLevel.VERY_HIGH}, body.version)
        db.session.expire_all()
        assert db.session.get(ApprovalBody, chain[SGG]).residual_ceiling == RiskLevel.MEDIUM
        assert len(audit_entries(db.session, "approval_body", chain[SGG])) == 1


def test_update_is_logged_field_by_field(app: Flask, chain: dict[str, int]) -> None:
    with app.app_context():
        body = db.session.get(ApprovalBody, chain[STY])
        services.update_body(
            db.session, body, {"name": "IT-sikkerhedsudvalget", "residual_ceiling": "very_high"}, body.version
        )
        entry = audit_entries(db.session, "approval_body", chain[STY])[-1]
        assert entry.action == AuditAction.UPDATE
        assert entry.changes == {
            "name": [STY, "IT-sikkerhedsudvalget"],
            "residual_ceiling": ["high", "very_high"],
        }


def test_stale_update_is_a_conflict(app: Flask, chain: dict[str, int]) -> None:
    with app.app_context():
        body = db.session.get(ApprovalBody, chain[STY])
        services.update_body(db.session, body, {"description": "first"}, body.version)
        with pytest.raises(ConflictError):
            services.update_body(db.session, body, {"description": "second"}, 1)
        db.session.expire_all()
        assert db.session.get(ApprovalBody, chain[STY]).description == "first"


def test_names_are_unique_ignoring_case(app: Flask, chain: dict[str, int]) -> None:
    with app.app_context():
        with pytest.raises(DomainError) as error:
            services.create_body(db.session, "direktionen", RiskLevel.VERY_HIGH)
        assert error.value.field == "name"
        body = db.session.get(ApprovalBody, chain[SGG])
        with pytest.raises(DomainError):
            services.update_body(db.session, body, {"name": STY}, body.version)
        assert body_count() == 3


def test_move_swaps_with_the_neighbour_within_the_ceiling_rule(app: Flask, chain: dict[str, int]) -> None:
    with app.app_context():
        # Equal ceilings may swap.
        sty = db.session.get(ApprovalBody, chain[STY])
        services.update_body(db.session, sty, {"residual_ceiling": RiskLevel.MEDIUM}, sty.version)
        services.move_body(db.session, db.session.get(ApprovalBody, chain[STY]), "up")
        assert order() == [(STY, 1), (SGG, 2), (DIR, 3)]
        moved = audit_entries(db.session, "approval_body", chain[STY])[-1]
        assert moved.changes == {"position": [2, 1]}

        with pytest.raises(DomainError):  # the final body may not move before a lower ceiling
            services.move_body(db.session, db.session.get(ApprovalBody, chain[DIR]), "up")
        with pytest.raises(DomainError):
            services.move_body(db.session, db.session.get(ApprovalBody, chain[STY]), "up")
        with pytest.raises(DomainError):
            services.move_body(db.session, db.session.get(ApprovalBody, chain[DIR]), "down")
        assert order() == [(STY, 1), (SGG, 2), (DIR, 3)]


def test_archive_takes_a_body_out_and_restore_puts_it_back_in_order(
    app: Flask, chain: dict[str, int]
) -> None:
    with app.app_context():
        services.set_body_archived(db.session, db.session.get(ApprovalBody, chain[STY]), True)
        assert order() == [(SGG, 1), (DIR, 2)]
        assert audit_entries(db.session, "approval_body", chain[STY])[-1].action == AuditAction.ARCHIVE

        services.set_body_archived(db.session, db.session.get(ApprovalBody, chain[STY]), False)
        assert order() == [(SGG, 1), (STY, 2), (DIR, 3)]
        assert audit_entries(db.session, "approval_body", chain[STY])[-1].action == AuditAction.RESTORE


def test_the_last_active_body_cannot_be_archived(app: Flask) -> None:
    with app.app_context():
        only = services.create_body(db.session, DIR, RiskLevel.VERY_HIGH)
        with pytest.raises(DomainError):
            services.set_body_archived(db.session, only, True)
        assert not db.session.get(ApprovalBody, only.id).is_archived


# --- pages --------------------------------------------------------------------------------------------------


def test_index_shows_the_chain_with_the_final_marker(login, chain: dict[str, int]) -> None:
    html = login("reader").get("/bodies/").get_data(as_text=True)
    assert html.index(SGG) < html.index(STY) < html.index(DIR)
    assert html.count('data-testid="final"') == 1
    assert html.index('data-testid="final"') > html.index(DIR)
    assert "/move/" not in html and "/bodies/new" not in html


def test_admin_sees_move_buttons(login, chain: dict[str, int]) -> None:
    html = login("admin").get("/bodies/").get_data(as_text=True)
    assert f"/bodies/{chain[SGG]}/move/down" in html
    assert f"/bodies/{chain[SGG]}/move/up" not in html
    assert f"/bodies/{chain[DIR]}/move/up" in html


def test_admin_creates_a_body_on_the_web(login, app: Flask, chain: dict[str, int]) -> None:
    admin = login("admin")
    response = post_form(
        admin,
        "/bodies/new",
        {"name": "Kommunalbestyrelsen", "residual_ceiling": "very_high", "position": "4"},
    )
    assert response.status_code == 302
    with app.app_context():
        assert order()[-1] == ("Kommunalbestyrelsen", 4)
        entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert entry.entity_label == "Kommunalbestyrelsen"
        assert entry.user_id == admin.user_id


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "residual_ceiling": "high"}, "required"),
        ({"name": "X", "residual_ceiling": ""}, "ceiling is required"),
        ({"name": "X" * 201, "residual_ceiling": "very_high"}, "200"),
        ({"name": "Direktionen", "residual_ceiling": "very_high"}, "already exists"),
        ({"name": "Late and low", "residual_ceiling": "low"}, "cannot be lower"),
    ],
    ids=["no-name", "no-ceiling", "long-name", "duplicate", "order"],
)
def test_bad_bodies_are_refused(
    login, app: Flask, chain: dict[str, int], data: dict[str, str], message: str
) -> None:
    admin = login("admin")
    post_form(admin, "/language", {"lang": "en", "next": "/"})
    response = post_form(admin, "/bodies/new", {"position": "4", **data})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert body_count() == 3


def test_admin_edits_and_a_stale_form_is_409(login, app: Flask, chain: dict[str, int]) -> None:
    admin = login("admin")
    url = f"/bodies/{chain[STY]}/edit"
    data = {"name": STY, "residual_ceiling": "high", "description": "mine", "version": "1"}
    assert post_form(admin, url, data).status_code == 302
    response = post_form(admin, url, {**data, "description": "stale"})
    assert response.status_code == 409
    assert 'data-testid="conflict"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(ApprovalBody, chain[STY]).description == "mine"


def test_admin_moves_and_archives_on_the_web(login, app: Flask, chain: dict[str, int]) -> None:
    admin = login("admin")
    assert post_form(admin, f"/bodies/{chain[STY]}/archive").status_code == 302
    with app.app_context():
        assert order() == [(SGG, 1), (DIR, 2)]
    # Out of order: refused with a message, nothing changes.
    response = post_form(admin, f"/bodies/{chain[DIR]}/move/up", follow_redirects=True)
    assert "flash-error" in response.get_data(as_text=True)
    with app.app_context():
        assert order() == [(SGG, 1), (DIR, 2)]


def test_move_with_an_unknown_direction_is_404(login, chain: dict[str, int]) -> None:
    assert post_form(login("admin"), f"/bodies/{chain[STY]}/move/sideways").status_code == 404


@pytest.mark.parametrize("role", ["security", "dpo", "steering", "reader"])
def test_only_admins_change_bodies(
    login: Callable,
    app: Flask,
    chain: dict[str, int],
    role: str,  # type: ignore[type-arg]
) -> None:
    client = login(role)
    body = chain[STY]
    assert client.get("/bodies/new").status_code == 403
    assert client.get(f"/bodies/{body}/edit").status_code == 403
    assert post_form(client, "/bodies/new", {"name": "X", "residual_ceiling": "very_high"}).status_code == 403
    data = {"name": "Hacked", "residual_ceiling": "high", "version": "1"}
    assert post_form(client, f"/bodies/{body}/edit", data).status_code == 403
    assert post_form(client, f"/bodies/{body}/archive").status_code == 403
    assert post_form(client, f"/bodies/{body}/move/up").status_code == 403
    with app.app_context():
        assert order() == [(SGG, 1), (STY, 2), (DIR, 3)]
        assert body_count() == 3
