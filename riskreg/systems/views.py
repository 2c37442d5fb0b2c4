"""Pages of the systems area (placeholder until the area is built)."""

from __future__ import annotations

from flask import Blueprint

from riskreg.auth.permissions import Permission, requires

bp = Blueprint("systems", __name__, url_prefix="/systems")


@bp.route("/")
@requires(Permission.READ)
def index():  # type: ignore[no-untyped-def]
    return "systems"


@bp.route("/<int:system_id>")
@requires(Permission.READ)
def view(system_id: int):  # type: ignore[no-untyped-def]
    return "systems"


@bp.route("/new")
@requires(Permission.EDIT_REGISTER)
def new():  # type: ignore[no-untyped-def]
    return "new system"
