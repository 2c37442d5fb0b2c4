"""Login required everywhere, permissions per view, security headers, and the session's audit actor."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from riskreg.audit import set_actor
from riskreg.extensions import db, login_manager

if TYPE_CHECKING:
    from riskreg.auth.models import User

#: Endpoints reachable without logging in.
PUBLIC_ENDPOINTS = frozenset({"auth.login", "main.set_language", "static"})

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'self'"
)


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        from riskreg.auth.models import User

        user = db.session.get(User, int(user_id))
        return user if user is not None and user.is_active else None

    app.before_request(enforce_permissions)
    app.after_request(add_security_headers)


def enforce_permissions() -> ResponseReturnValue | None:
    """Deny by default: a view is reachable only when logged in and marked with a permission the role has."""
    endpoint = request.endpoint
    if endpoint is None:  # 404 and 405 are answered by Flask itself
        return None
    if endpoint in PUBLIC_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    set_actor(db.session(), current_user.id, current_user.email)
    view = current_app.view_functions[endpoint]
    permission = getattr(view, "required_permission", None)
    if permission is None or not current_user.can(permission):
        abort(403)
    return None


def safe_next(target: str | None) -> str:
    """Only follow a ``next`` that stays on this site; else go to the front page."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("main.index")


def add_security_headers(response: Response) -> Response:
    if current_app.config.get("SECURE_HEADERS", True):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if current_app.config.get("HSTS"):
        response.headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
    if request.endpoint != "static":
        response.headers.setdefault("Cache-Control", "no-store")
    return response
