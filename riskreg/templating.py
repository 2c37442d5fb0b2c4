"""Template filters, globals and error pages (never a stack trace to a user)."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, current_app, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from riskreg.auth.permissions import Permission
from riskreg.i18n import current_language, date_filter
from riskreg.labels import label

log = logging.getLogger(__name__)


def url_with(**changes: Any) -> str:
    """The current URL with some query arguments changed (for sorting, filters and pages)."""
    args: dict[str, Any] = request.args.to_dict()
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    return url_for(request.endpoint or "main.index", **(request.view_args or {}), **args)


def _too_large() -> str:
    """The 413 message, naming the upload limit (MAX_CONTENT_LENGTH) in megabytes."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if not limit:
        return _("The file is too large.")
    megabytes = format_decimal(limit / (1024 * 1024), format="#,##0.###")
    return _("The file is too large: the limit is %(limit)s MB.", limit=megabytes)


def init_app(app: Flask) -> None:
    app.jinja_env.filters["date"] = date_filter
    app.jinja_env.filters["label"] = label
    app.jinja_env.globals.update(Permission=Permission, url_with=url_with, current_language=current_language)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int]:
        message = _("The form had expired or was not sent from riskreg. Please try again.")
        return render_template("errors/error.html", code=400, message=message), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int]:
        messages = {
            400: _("The request could not be understood."),
            403: _("You do not have permission to do this."),
            404: _("The page was not found."),
            405: _("That action is not allowed here."),
            413: _too_large(),
            429: _("Too many attempts. Please wait a minute and try again."),
        }
        code = error.code or 500
        message = messages.get(code, _("Something went wrong."))
        return render_template("errors/error.html", code=code, message=message), code

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception) -> tuple[str, int]:
        log.exception("Unhandled error on %s", request.path)
        from riskreg.extensions import db

        db.session.rollback()
        message = _("Something went wrong. Nothing was changed. Please try again or contact IT.")
        return render_template("errors/error.html", code=500, message=message), 500
