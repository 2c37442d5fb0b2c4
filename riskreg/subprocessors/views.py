"""Pages of the subprocessors area (placeholder until the area is built)."""

from __future__ import annotations

from flask import Blueprint

from riskreg.auth.permissions import Permission, requires

bp = Blueprint("subprocessors", __name__, url_prefix="/subprocessors")


@bp.route("/")
@requires(Permission.READ)
def index():  # type: ignore[no-untyped-def]
    return "subprocessors"


@bp.route("/<int:sub_processor_id>")
@requires(Permission.READ)
def view(sub_processor_id: int):  # type: ignore[no-untyped-def]
    return "subprocessor"


@bp.route("/new/<int:vendor_id>")
@requires(Permission.EDIT_REGISTER)
def new(vendor_id: int):  # type: ignore[no-untyped-def]
    return "new subprocessor"
