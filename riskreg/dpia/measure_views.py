"""Pages of the measures library."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("measures", __name__, url_prefix="/measures")
