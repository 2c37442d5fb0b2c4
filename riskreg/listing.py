"""Server-side search, filter, sort and pagination for list pages."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any, TypeVar

from flask import current_app, request, url_for
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select
from sqlalchemy.sql import ColumnElement

from riskreg.extensions import db

EnumT = TypeVar("EnumT", bound=StrEnum)


def int_arg(name: str) -> int | None:
    """The query parameter ``name`` as a whole number; None when absent or not one."""
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


def enum_arg(name: str, enum_cls: type[EnumT]) -> EnumT | None:
    """The query parameter ``name`` as a member of ``enum_cls``; None when absent or not one."""
    value = request.args.get(name, "")
    return enum_cls(value) if value in enum_cls._value2member_map_ else None


def sort_key(allowed: Mapping[str, Any], default: str) -> str:
    """The requested sort key if it is one we allow, else the default ('-key' sorts descending)."""
    key = request.args.get("sort", default)
    return key if key.lstrip("-") in allowed else default


def apply_sort(stmt: Select[Any], allowed: Mapping[str, Any], key: str) -> Select[Any]:
    """Order by ``allowed[key]`` (columns or ORM attributes); a leading '-' sorts descending."""
    column = allowed[key.lstrip("-")]
    return stmt.order_by(column.desc() if key.startswith("-") else column.asc())


def paginate(stmt: Select[Any]) -> Pagination:
    return db.paginate(stmt, per_page=current_app.config["PER_PAGE"], max_per_page=200, error_out=False)


def contains(column: Any, term: str) -> ColumnElement[bool]:
    """Case-insensitive "column contains term", with ``%`` and ``_`` in the term matched literally."""
    return column.ilike(like_pattern(term), escape="\\")


def like_pattern(term: str) -> str:
    """A LIKE pattern that matches ``term`` literally (bound as a parameter, never spliced into SQL)."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def export_urls(endpoint: str, **values: Any) -> dict[str, str]:
    """The download link of a workbook in each language, carrying the page's query string (page dropped)."""
    args: dict[str, Any] = {k: v for k, v in request.args.items() if k not in ("page", "lang")}
    return {lang: url_for(endpoint, **{**args, **values, "lang": lang}) for lang in ("da", "en")}
