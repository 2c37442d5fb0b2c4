"""Pages of the history area (placeholder until the area is built)."""

from __future__ import annotations

from flask import Blueprint

from riskreg.auth.permissions import Permission, requires

bp = Blueprint("history", __name__, url_prefix="/history")


@bp.route("/")
@requires(Permission.READ)
def index():  # type: ignore[no-untyped-def]
    return "history"
