"""Historik: the audit log of one record (everyone) and of everything (admin, dpo). Read-only: GET only."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from riskreg.auth.permissions import Permission, requires
from riskreg.enums import AuditAction
from riskreg.extensions import db
from riskreg.forms import date_arg
from riskreg.history import services
from riskreg.listing import paginate

bp = Blueprint("history", __name__, url_prefix="/history")


@bp.route("/")
@requires(Permission.VIEW_GLOBAL_HISTORY)
def index() -> str:
    action = request.args.get("action", "")
    flt = services.HistoryFilter(
        entity_type=request.args.get("entity_type", "").strip(),
        actor=request.args.get("actor", "").strip(),
        action=AuditAction(action) if action in AuditAction.__members__.values() else None,
        date_from=date_arg("date_from", _("The filter was left out.")),
        date_to=date_arg("date_to", _("The filter was left out.")),
        q=request.args.get("q", "").strip(),
    )
    page = paginate(services.history_query(flt))
    return render_template(
        "history/index.html",
        page=page,
        flt=flt,
        entity_types=services.entity_type_options(db.session()),
        actors=services.actor_options(db.session()),
        actions=list(AuditAction),
        changes=services.readable_changes,
        type_label=services.entity_type_label,
    )


def _record_url(entity_type: str, entity_id: int) -> str | None:
    """The record's own page, if there is one and the user may open it."""
    page = services.record_page(db.session(), entity_type, entity_id)
    if page is None:
        return None
    endpoint, arguments = page
    view = current_app.view_functions.get(endpoint)
    permission = getattr(view, "required_permission", None)
    if permission is None or not current_user.can(permission):
        return None
    return url_for(endpoint, **arguments)


@bp.route("/<entity_type>/<int:entity_id>")
@requires(Permission.READ)
def entity(entity_type: str, entity_id: int) -> str:
    entries = services.entity_history(db.session(), entity_type, entity_id)
    return render_template(
        "history/entity.html",
        entries=entries,
        entity_type=entity_type,
        entity_id=entity_id,
        type_label=services.entity_type_label(entity_type),
        record_url=_record_url(entity_type, entity_id),
        changes=services.readable_changes,
    )
