"""User administration (admin only), the account page, and ``riskreg user create``."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from riskreg.auth import services
from riskreg.auth.models import User
from riskreg.bodies.models import ApprovalBody
from riskreg.enums import RiskLevel, Role
from riskreg.extensions import db
from tests.conftest import PASSWORD, post_form
from tests.pages import in_english, text

NEW_PASSWORD = "a brand new passphrase"

# WTForms 3.3 deprecates (choice, label) tuples, which riskreg.forms and auth/views.py still pass; until the
# shared code moves to wtforms' SelectChoice, the warning must not turn every user form into a 500 here.


@pytest.fixture
def admin(login) -> FlaskClient:  # type: ignore[no-untyped-def]
    return in_english(login("admin", email="admin@example.dk"))


def user_by_email(app: Flask, email: str) -> User | None:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        if user is not None:
            db.session.expunge(user)
        return user


def user_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User)) or 0


def can_log_in(app: Flask, email: str, password: str) -> bool:
    client = app.test_client()
    response = post_form(client, "/login", {"email": email, "password": password})
    return response.status_code == 302


def new_user_form(**changes: str) -> dict[str, str]:
    data = {"email": "anna@example.dk", "name": "Anna Berg", "role": "reader", "approval_body_id": ""}
    data.update(changes)
    return data


# --- creating users --------------------------------------------------------------------------------------


def test_admin_creates_a_user_with_a_password(app: Flask, admin: FlaskClient) -> None:
    response = post_form(admin, "/users/new", new_user_form(password=NEW_PASSWORD))

    assert response.status_code == 302
    user = user_by_email(app, "anna@example.dk")
    assert user is not None
    assert (user.name, user.role, user.is_archived) == ("Anna Berg", Role.READER, False)
    assert user.password_hash.startswith("$argon2id$")
    assert NEW_PASSWORD not in user.password_hash
    assert can_log_in(app, "anna@example.dk", NEW_PASSWORD)
    # The password the admin chose is not echoed back.
    assert NEW_PASSWORD not in text(admin.get("/users"))


def test_admin_creates_a_user_without_password_and_sees_the_generated_one_once(
    app: Flask, admin: FlaskClient
) -> None:
    response = post_form(admin, "/users/new", new_user_form(), follow_redirects=True)

    assert response.status_code == 200
    match = re.search(r"created with password (\S+)\. It is shown only now", text(response))
    assert match, text(response)
    password = match.group(1)
    assert len(password) >= 10
    assert can_log_in(app, "anna@example.dk", password)
    assert password not in text(admin.get("/users"))
    assert user_by_email(app, "anna@example.dk").password_hash.startswith("$argon2id$")  # type: ignore[union-attr]


@pytest.mark.parametrize("email", ["anna@example.dk", "ANNA@Example.DK"])
def test_duplicate_email_is_refused(app: Flask, admin: FlaskClient, make_user, email: str) -> None:  # type: ignore[no-untyped-def]
    make_user("reader", email="anna@example.dk")
    before = user_count(app)

    response = post_form(admin, "/users/new", new_user_form(email=email, password=NEW_PASSWORD))

    assert response.status_code == 400
    assert "A user with this e-mail already exists." in text(response)
    assert user_count(app) == before


@pytest.mark.parametrize("email", ["", "not-an-email", "anna@", "a" * 250 + "@example.dk"])
def test_bad_email_is_refused(app: Flask, admin: FlaskClient, email: str) -> None:
    before = user_count(app)

    response = post_form(admin, "/users/new", new_user_form(email=email, password=NEW_PASSWORD))

    assert response.status_code == 400
    assert "Please correct the marked fields" in text(response)
    assert 'class="error"' in text(response)
    assert user_count(app) == before


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"role": "superuser"}, "Not a valid choice"),
        ({"password": "short"}, "between 10 and 200 characters"),
    ],
)
def test_bad_role_or_short_password_is_refused(
    app: Flask, admin: FlaskClient, changes: dict[str, str], message: str
) -> None:
    response = post_form(admin, "/users/new", new_user_form(**changes))

    assert response.status_code == 400
    assert message in text(response)
    assert user_by_email(app, "anna@example.dk") is None


@pytest.fixture
def body_id(app: Flask) -> int:
    with app.app_context():
        body = ApprovalBody(
            name="Styregruppe for digitalisering", position=1, residual_ceiling=RiskLevel.HIGH
        )
        db.session.add(body)
        db.session.commit()
        return body.id


def test_steering_user_is_linked_to_an_approval_body(app: Flask, admin: FlaskClient, body_id: int) -> None:
    form = admin.get("/users/new")
    assert "Styregruppe for digitalisering" in text(form)

    response = post_form(
        admin,
        "/users/new",
        new_user_form(role="steering", approval_body_id=str(body_id), password=NEW_PASSWORD),
    )

    assert response.status_code == 302
    assert user_by_email(app, "anna@example.dk").approval_body_id == body_id  # type: ignore[union-attr]
    assert "Styregruppe for digitalisering" in text(admin.get("/users"))


def test_only_steering_users_keep_an_approval_body(app: Flask, admin: FlaskClient, body_id: int) -> None:
    response = post_form(
        admin,
        "/users/new",
        new_user_form(role="reader", approval_body_id=str(body_id), password=NEW_PASSWORD),
    )

    assert response.status_code == 302
    assert user_by_email(app, "anna@example.dk").approval_body_id is None  # type: ignore[union-attr]


def test_unknown_approval_body_is_refused(app: Flask, admin: FlaskClient, body_id: int) -> None:
    response = post_form(
        admin,
        "/users/new",
        new_user_form(role="steering", approval_body_id=str(body_id + 99), password=NEW_PASSWORD),
    )

    assert response.status_code == 400
    assert user_by_email(app, "anna@example.dk") is None


# --- editing and archiving -------------------------------------------------------------------------------


def edit_form(user: User, **changes: str) -> dict[str, str]:
    data = {
        "email": user.email,
        "name": user.name,
        "role": user.role.value,
        "approval_body_id": str(user.approval_body_id or ""),
        "version": str(user.version),
    }
    data.update(changes)
    return data


def test_admin_edits_a_user(app: Flask, admin: FlaskClient, make_user) -> None:  # type: ignore[no-untyped-def]
    user_id = make_user("reader", email="anna@example.dk", name="Anna")
    user = user_by_email(app, "anna@example.dk")
    assert f'value="{user.version}"' in text(admin.get(f"/users/{user_id}/edit"))  # type: ignore[union-attr]

    response = post_form(
        admin, f"/users/{user_id}/edit", edit_form(user, name="Anna Berg", role="dpo", email="ab@example.dk")
    )

    assert response.status_code == 302
    edited = user_by_email(app, "ab@example.dk")
    assert edited is not None
    assert (edited.name, edited.role, edited.version) == ("Anna Berg", Role.DPO, user.version + 1)  # type: ignore[union-attr]


def test_edit_to_an_email_in_use_is_refused(app: Flask, admin: FlaskClient, make_user) -> None:  # type: ignore[no-untyped-def]
    user_id = make_user("reader", email="anna@example.dk")
    make_user("reader", email="bo@example.dk")
    user = user_by_email(app, "anna@example.dk")

    response = post_form(admin, f"/users/{user_id}/edit", edit_form(user, email="BO@example.dk"))

    assert response.status_code == 400
    assert "A user with this e-mail already exists." in text(response)
    assert user_by_email(app, "anna@example.dk") is not None


def test_edit_with_a_stale_version_is_refused_and_overwrites_nothing(
    app: Flask, admin: FlaskClient, make_user
) -> None:  # type: ignore[no-untyped-def]
    user_id = make_user("reader", email="anna@example.dk", name="Anna")
    stale = user_by_email(app, "anna@example.dk")
    # Someone else saves first.
    with app.app_context():
        services.update_user(db.session, db.session.get(User, user_id), {"name": "Anna Berg"}, version=1)

    response = post_form(admin, f"/users/{user_id}/edit", edit_form(stale, name="Anne", role="dpo"))

    assert response.status_code == 409
    page = text(response)
    assert "Someone else saved this record" in page
    assert "Anna Berg" in page  # what changed meanwhile is shown
    now = user_by_email(app, "anna@example.dk")
    assert (now.name, now.role, now.version) == ("Anna Berg", Role.READER, 2)  # type: ignore[union-attr]


def test_archived_user_can_no_longer_log_in(app: Flask, admin: FlaskClient, login) -> None:  # type: ignore[no-untyped-def]
    anna = login("reader", email="anna@example.dk")
    assert anna.get("/").status_code == 200

    response = post_form(admin, f"/users/{anna.user_id}/archive")

    assert response.status_code == 302
    assert user_by_email(app, "anna@example.dk").is_archived  # type: ignore[union-attr]
    assert not can_log_in(app, "anna@example.dk", PASSWORD)
    # A session she already had ends as well.
    assert anna.get("/").status_code == 302
    # Archived users are hidden from the list unless asked for.
    assert "anna@example.dk" not in text(admin.get("/users"))
    assert "anna@example.dk" in text(admin.get("/users?archived=1"))

    # Restoring lets her in again.
    post_form(admin, f"/users/{anna.user_id}/archive")
    assert can_log_in(app, "anna@example.dk", PASSWORD)


def test_admin_cannot_archive_themself(app: Flask, admin: FlaskClient) -> None:
    response = post_form(admin, f"/users/{admin.user_id}/archive", follow_redirects=True)  # type: ignore[attr-defined]

    assert "You cannot archive your own account." in text(response)
    assert not user_by_email(app, "admin@example.dk").is_archived  # type: ignore[union-attr]
    assert admin.get("/users").status_code == 200


def test_unknown_user_is_404(admin: FlaskClient) -> None:
    assert admin.get("/users/999999/edit").status_code == 404
    assert post_form(admin, "/users/999999/archive").status_code == 404


def test_users_list_filters_by_text_and_role(admin: FlaskClient, make_user) -> None:  # type: ignore[no-untyped-def]
    make_user("reader", email="anna@example.dk", name="Anna Berg")
    make_user("dpo", email="bo@example.dk", name="Bo Ek")

    page = text(admin.get("/users?q=berg"))
    assert "anna@example.dk" in page and "bo@example.dk" not in page
    page = text(admin.get("/users?role=dpo"))
    assert "bo@example.dk" in page and "anna@example.dk" not in page
    page = text(admin.get("/users?q=100%25"))
    assert "anna@example.dk" not in page and "bo@example.dk" not in page


# --- own account -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", list(Role))
def test_every_role_changes_own_password(app: Flask, login, role: Role) -> None:  # type: ignore[no-untyped-def]
    client = in_english(login(role, email="me@example.dk"))
    assert client.get("/account").status_code == 200

    response = post_form(
        client, "/account", {"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )

    assert response.status_code == 302
    assert can_log_in(app, "me@example.dk", NEW_PASSWORD)
    assert not can_log_in(app, "me@example.dk", PASSWORD)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"current": "wrong password", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
            "current password is wrong",
        ),
        ({"current": PASSWORD, "password": NEW_PASSWORD, "confirm": "something else"}, "passwords differ"),
        ({"current": PASSWORD, "password": "short", "confirm": "short"}, "between 10 and 200 characters"),
    ],
    ids=["wrong-current", "mismatch", "too-short"],
)
def test_bad_password_change_is_refused(app: Flask, login, data: dict[str, str], message: str) -> None:  # type: ignore[no-untyped-def]
    client = in_english(login("reader", email="me@example.dk"))

    response = post_form(client, "/account", data)

    assert response.status_code == 400
    assert message in text(response)
    assert can_log_in(app, "me@example.dk", PASSWORD)
    assert not can_log_in(app, "me@example.dk", data["password"])


# --- who may -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMIN])
def test_other_roles_get_403_on_every_users_route(app: Flask, login, make_user, role: Role) -> None:  # type: ignore[no-untyped-def]
    target_id = make_user("reader", email="target@example.dk")
    target = user_by_email(app, "target@example.dk")
    client = login(role)
    before = user_count(app)

    assert client.get("/users").status_code == 403
    assert client.get("/users/new").status_code == 403
    assert client.get(f"/users/{target_id}/edit").status_code == 403
    assert post_form(client, "/users/new", new_user_form(password=NEW_PASSWORD)).status_code == 403
    assert post_form(client, f"/users/{target_id}/edit", edit_form(target, role="admin")).status_code == 403  # type: ignore[arg-type]
    assert post_form(client, f"/users/{target_id}/archive").status_code == 403

    after = user_by_email(app, "target@example.dk")
    assert (after.role, after.is_archived, after.version) == (Role.READER, False, target.version)  # type: ignore[union-attr]
    assert user_count(app) == before


def test_users_link_is_shown_to_admins_only(login) -> None:  # type: ignore[no-untyped-def]
    assert 'href="/users"' in login("admin").get("/").get_data(as_text=True)
    assert 'href="/users"' not in login("dpo").get("/").get_data(as_text=True)


# --- command line ------------------------------------------------------------------------------------------


@pytest.fixture
def cli(app: Flask) -> Callable[..., object]:
    runner = app.test_cli_runner()

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        result = runner.invoke(args=list(args))
        with app.app_context():
            db.session.remove()
        return result

    return invoke


def test_cli_creates_a_user_with_a_generated_password(app: Flask, cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("user", "create", "Anna@Example.dk", "--role", "dpo", "--name", "Anna Berg")

    assert result.exit_code == 0, result.output
    match = re.search(r"^Password: (\S+)$", result.output, re.MULTILINE)
    assert match, result.output
    user = user_by_email(app, "anna@example.dk")
    assert (user.role, user.name) == (Role.DPO, "Anna Berg")  # type: ignore[union-attr]
    assert user.password_hash.startswith("$argon2id$")  # type: ignore[union-attr]
    assert can_log_in(app, "anna@example.dk", match.group(1))


def test_cli_uses_the_given_password_and_does_not_print_it(app: Flask, cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("user", "create", "anna@example.dk", "--role", "admin", "--password", NEW_PASSWORD)

    assert result.exit_code == 0, result.output
    assert NEW_PASSWORD not in result.output
    assert "Password:" not in result.output
    assert can_log_in(app, "anna@example.dk", NEW_PASSWORD)


@pytest.mark.parametrize(
    "args",
    [
        ("--role", "superuser"),
        ("--role", "reader", "--password", "short"),
        (),
    ],
    ids=["bad-role", "short-password", "no-role"],
)
def test_cli_refuses_bad_input(app: Flask, cli, args: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    result = cli("user", "create", "anna@example.dk", *args)

    assert result.exit_code != 0
    assert "Error" in result.output
    assert user_by_email(app, "anna@example.dk") is None


def test_cli_refuses_a_duplicate(app: Flask, cli, make_user) -> None:  # type: ignore[no-untyped-def]
    make_user("reader", email="anna@example.dk")

    result = cli("user", "create", "ANNA@example.dk", "--role", "admin")

    assert result.exit_code == 1
    assert "findes allerede" in result.output
    assert user_by_email(app, "anna@example.dk").role == Role.READER  # type: ignore[union-attr]


def test_cli_lists_every_user_with_role_and_archived_state(app: Flask, cli, make_user) -> None:  # type: ignore[no-untyped-def]
    make_user("dpo", email="dpo@example.dk", name="Dina Pedersen")
    archived = make_user("reader", email="old@example.dk")
    with app.app_context():
        user = db.session.get(User, archived)
        assert user is not None
        user.is_archived = True
        db.session.commit()

    result = cli("user", "list")

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "dpo@example.dk\tdpo\tDina Pedersen" in lines
    assert "old@example.dk\treader\t (archived)" in lines
    assert lines == sorted(lines)


def test_a_lost_admin_password_is_recovered_with_a_generated_one(app: Flask, cli, make_user) -> None:  # type: ignore[no-untyped-def]
    make_user("admin", email="admin@example.dk")
    with app.app_context():
        old_hash = db.session.scalar(select(User.password_hash).where(User.email == "admin@example.dk"))

    result = cli("user", "set-password", "ADMIN@example.dk", "--generate")

    assert result.exit_code == 0, result.output
    match = re.search(r"^Password: (\S+)$", result.output, re.MULTILINE)
    assert match, result.output
    assert can_log_in(app, "admin@example.dk", match.group(1))
    assert not can_log_in(app, "admin@example.dk", PASSWORD)
    with app.app_context():
        new_hash = db.session.scalar(select(User.password_hash).where(User.email == "admin@example.dk"))
        assert new_hash != old_hash and new_hash.startswith("$argon2id$")  # type: ignore[union-attr]


def test_set_password_asks_twice_and_does_not_print_it(app: Flask, make_user) -> None:
    make_user("dpo", email="dpo@example.dk")
    runner = app.test_cli_runner()

    result = runner.invoke(
        args=["user", "set-password", "dpo@example.dk"], input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n"
    )

    assert result.exit_code == 0, result.output
    assert NEW_PASSWORD not in result.output
    assert can_log_in(app, "dpo@example.dk", NEW_PASSWORD)


@pytest.mark.parametrize(
    ("email", "typed", "message"),
    [
        ("nobody@example.dk", "", "No user with the e-mail"),
        ("dpo@example.dk", "short\nshort\n", "mindst 10 tegn"),
    ],
    ids=["unknown-user", "short-password"],
)
def test_set_password_refuses_and_changes_nothing(  # type: ignore[no-untyped-def]
    app: Flask, make_user, email: str, typed: str, message: str
) -> None:
    make_user("dpo", email="dpo@example.dk")

    result = app.test_cli_runner().invoke(args=["user", "set-password", email], input=typed)

    assert result.exit_code == 1, result.output
    assert message in result.output
    assert can_log_in(app, "dpo@example.dk", PASSWORD)
