"""Pages of the vendors area (placeholder until the area is built)."""

from __future__ import annotations

from flask import Blueprint

from riskreg.auth.permissions import Permission, requires

bp = Blueprint("vendors", __name__, url_prefix="/vendors")


@bp.route("/")
@requires(Permission.READ)
def index():  # type: ignore[no-untyped-def]
    return "vendors"


@bp.route("/<int:vendor_id>")
@requires(Permission.READ)
def view(vendor_id: int):  # type: ignore[no-untyped-def]
    return "vendors"


@bp.route("/new")
@requires(Permission.EDIT_REGISTER)
def new():  # type: ignore[no-untyped-def]
    return "new vendor"
