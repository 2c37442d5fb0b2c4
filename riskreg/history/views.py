"""Historik: the audit log of one record (everyone) and of everything (admin, dpo)."""

from __future__ import annotations

from flask import Blueprint, render_template

from riskreg.auth.permissions import Permission, requires
from riskreg.extensions import db
from riskreg.history.services import entity_history

bp = Blueprint("history", __name__, url_prefix="/history")


@bp.route("/")
@requires(Permission.VIEW_GLOBAL_HISTORY)
def index():  # type: ignore[no-untyped-def]
    return "history"


@bp.route("/<entity_type>/<int:entity_id>")
@requires(Permission.READ)
def entity(entity_type: str, entity_id: int):  # type: ignore[no-untyped-def]
    entries = entity_history(db.session, entity_type, entity_id)
    return render_template("history/entity.html", entries=entries, entity_type=entity_type, entity_id=entity_id)
