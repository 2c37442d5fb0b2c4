"""Locale selection and formatting filters (Danish by default, English selectable)."""

from __future__ import annotations

import datetime as dt

from flask import current_app, has_request_context, session
from flask_babel import format_date, format_datetime, get_locale
from flask_login import current_user

from riskreg.catalogue import DATE_PATTERNS

DATETIME_PATTERNS = {"da": "dd-MM-yyyy HH:mm", "en": "d MMM yyyy HH:mm"}


def select_locale() -> str:
    """The language chosen in this session, else the user's saved choice, else Danish."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI: messages in the default language
        return str(current_app.config["BABEL_DEFAULT_LOCALE"])
    chosen = session.get("lang")
    if chosen in languages:
        return str(chosen)
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return str(current_user.locale)
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def current_language() -> str:
    locale = get_locale()
    return locale.language if locale else "da"


def date_filter(value: dt.date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return str(format_datetime(value, DATETIME_PATTERNS[current_language()]))
    return str(format_date(value, DATE_PATTERNS[current_language()]))
