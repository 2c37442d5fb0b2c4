"""Production settings, security headers, error pages and upload limits."""

from __future__ import annotations

import io
import logging
import secrets
from collections.abc import Callable, Iterator

import pytest
from flask import Flask

from config import DEV_SECRET, Config, ProductionConfig
from riskreg import create_app
from riskreg.auth.permissions import Permission, requires
from riskreg.extensions import db
from tests.conftest import post_form


@pytest.fixture
def make_app() -> Iterator[Callable[..., Flask]]:
    """``create_app`` whose database connections are closed after the test."""
    apps: list[Flask] = []

    def make(config: object) -> Flask:
        app = create_app(config)  # type: ignore[arg-type]
        apps.append(app)
        return app

    yield make
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def production(monkeypatch: pytest.MonkeyPatch, database_url: str) -> type[ProductionConfig]:
    """ProductionConfig on the test database; its class attributes are restored after the test."""
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", ProductionConfig.SECRET_KEY)
    monkeypatch.setattr(ProductionConfig, "SQLALCHEMY_DATABASE_URI", database_url)
    return ProductionConfig


@pytest.mark.parametrize(
    "secret",
    [None, "", DEV_SECRET, "x" * 31],
    ids=["unset", "empty", "development-secret", "too-short"],
)
def test_production_refuses_to_start_without_a_real_secret(
    production: type[ProductionConfig], monkeypatch: pytest.MonkeyPatch, secret: str | None
) -> None:
    if secret is None:
        monkeypatch.delenv("SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("SECRET_KEY", secret)

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")


def test_production_starts_with_a_long_random_secret(
    production: type[ProductionConfig], monkeypatch: pytest.MonkeyPatch, make_app: Callable[..., Flask]
) -> None:
    secret = secrets.token_hex(32)
    assert len(secret) == 64
    monkeypatch.setenv("SECRET_KEY", secret)

    app = make_app("production")

    assert app.secret_key == secret
    assert not app.debug
    assert not app.testing
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_production_cookies_are_secure_and_hsts_is_sent(
    production: type[ProductionConfig], monkeypatch: pytest.MonkeyPatch, make_app: Callable[..., Flask]
) -> None:
    monkeypatch.setenv("SECRET_KEY", secrets.token_hex(32))
    app = make_app("production")
    client = app.test_client()

    response = client.get("/login", base_url="https://riskreg.example.dk")

    assert response.status_code == 200
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_development_and_testing_send_no_hsts(client) -> None:  # type: ignore[no-untyped-def]
    assert "Strict-Transport-Security" not in client.get("/login").headers


def assert_security_headers(response) -> None:  # type: ignore[no-untyped-def]
    csp = response.headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("X-Frame-Options") == "DENY"
    assert response.headers.get("Referrer-Policy") in {"same-origin", "no-referrer", "strict-origin"}


@pytest.mark.parametrize(
    ("url", "status"),
    [("/login", 200), ("/", 302), ("/no-such-page", 404), ("/static/app.css", 200)],
)
def test_anonymous_responses_carry_security_headers(client, url: str, status: int) -> None:  # type: ignore[no-untyped-def]
    with client.get(url) as response:  # closes the static file it streams
        assert response.status_code == status
        assert_security_headers(response)


def test_logged_in_responses_carry_security_headers(login) -> None:  # type: ignore[no-untyped-def]
    reader = login("reader")
    for url, status in [("/", 200), ("/account", 200), ("/users", 403)]:
        response = reader.get(url)
        assert response.status_code == status, url
        assert_security_headers(response)
        assert response.headers.get("Cache-Control") == "no-store"


def test_an_unexpected_error_shows_a_message_and_no_stack_trace(
    app: Flask, login, caplog: pytest.LogCaptureFixture
) -> None:  # type: ignore[no-untyped-def]
    @requires(Permission.READ)
    def broken():  # type: ignore[no-untyped-def]
        raise RuntimeError("internal detail: /srv/riskreg/secret.py line 42")

    app.add_url_rule("/broken-for-test", "broken_for_test", broken)
    reader = login("reader")

    with caplog.at_level(logging.ERROR):
        response = reader.get("/broken-for-test")

    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Traceback" not in html
    assert "internal detail" not in html
    assert "RuntimeError" not in html
    assert "Something went wrong" in html or "Noget gik galt" in html
    assert_security_headers(response)
    # The details go to the log for IT instead.
    assert any("internal detail" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)


def test_upload_over_the_limit_is_refused_with_413(database_url: str, make_app: Callable[..., Flask]) -> None:
    app = make_app({"SQLALCHEMY_DATABASE_URI": database_url, "MAX_CONTENT_LENGTH": 2048})
    client = app.test_client()

    response = post_form(
        client,
        "/login",
        {"email": "a@example.dk", "password": "x", "file": (io.BytesIO(b"x" * 4096), "big.xlsx")},
        content_type="multipart/form-data",
    )

    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "too large" in html or "for stor" in html
    assert "Traceback" not in html


def test_upload_under_the_limit_is_accepted(database_url: str, make_app: Callable[..., Flask]) -> None:
    app = make_app({"SQLALCHEMY_DATABASE_URI": database_url, "MAX_CONTENT_LENGTH": 8192})
    client = app.test_client()

    response = post_form(
        client,
        "/login",
        {"email": "a@example.dk", "password": "x", "file": (io.BytesIO(b"x" * 1024), "small.xlsx")},
        content_type="multipart/form-data",
    )

    assert response.status_code == 401  # the upload got through; the login itself is wrong


def test_default_upload_limit_is_ten_megabytes() -> None:
    # RISKREG_MAX_UPLOAD_BYTES overrides it; the test run does not set it.
    assert Config.MAX_CONTENT_LENGTH == 10 * 1024 * 1024
