"""Pages of the agreements area (placeholder until the area is built)."""

from __future__ import annotations

from flask import Blueprint

from riskreg.auth.permissions import Permission, requires

bp = Blueprint("agreements", __name__, url_prefix="/agreements")


@bp.route("/")
@requires(Permission.READ)
def index():  # type: ignore[no-untyped-def]
    return "agreements"


@bp.route("/<int:agreement_id>")
@requires(Permission.READ)
def view(agreement_id: int):  # type: ignore[no-untyped-def]
    return "agreement"


@bp.route("/new/<int:vendor_id>")
@requires(Permission.EDIT_REGISTER)
def new(vendor_id: int):  # type: ignore[no-untyped-def]
    return "new agreement"
