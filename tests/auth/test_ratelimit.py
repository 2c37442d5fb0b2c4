"""Login attempts are rate-limited per client address (RISKREG_LOGIN_RATE_LIMIT)."""

from __future__ import annotations

import html
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from riskreg import create_app
from riskreg.extensions import db, limiter
from tests.conftest import PASSWORD, post_form
from tests.pages import in_english

WRONG = {"email": "dpo@example.dk", "password": "not the password"}
RIGHT = {"email": "dpo@example.dk", "password": PASSWORD}


@pytest.fixture
def limited_app(database_url: str) -> Iterator[Flask]:
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "RATELIMIT_ENABLED": True,
            "LOGIN_RATE_LIMIT": "3 per minute",
        }
    )
    with app.app_context():
        limiter.reset()
        from riskreg.auth.services import create_user
        from riskreg.enums import Role

        create_user(db.session, "dpo@example.dk", Role.DPO, PASSWORD)
    yield app
    with app.app_context():
        limiter.reset()
        db.session.remove()
        db.engine.dispose()


def english_client(app: Flask, address: str = "127.0.0.1") -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return in_english(client)


def test_fourth_failed_login_within_a_minute_gets_429(limited_app: Flask) -> None:
    client = english_client(limited_app)

    statuses = [post_form(client, "/login", WRONG).status_code for _ in range(3)]
    blocked = post_form(client, "/login", WRONG)

    assert statuses == [401, 401, 401]
    assert blocked.status_code == 429
    page = html.unescape(blocked.get_data(as_text=True))
    assert "Too many attempts. Please wait a minute and try again." in page
    assert "Traceback" not in page
    assert int(blocked.headers["Retry-After"]) > 0


def test_while_blocked_even_the_right_password_waits(limited_app: Flask) -> None:
    client = english_client(limited_app)
    for _ in range(3):
        post_form(client, "/login", WRONG)

    assert post_form(client, "/login", RIGHT).status_code == 429
    assert client.get("/").status_code == 302  # not logged in
    assert client.get("/login").status_code == 200  # the page itself still shows


def test_the_limit_is_per_client_address(limited_app: Flask) -> None:
    attacker = english_client(limited_app, "192.0.2.10")
    for _ in range(4):
        post_form(attacker, "/login", WRONG)

    colleague = english_client(limited_app, "192.0.2.20")
    assert post_form(colleague, "/login", RIGHT).status_code == 302


def test_limit_is_off_in_the_ordinary_test_config(client: FlaskClient, make_user) -> None:  # type: ignore[no-untyped-def]
    make_user("dpo", email="dpo@example.dk")
    statuses = {post_form(client, "/login", WRONG).status_code for _ in range(5)}
    assert statuses == {401}
