"""Pages of the approval bodies: the chain (everyone), new, edit, archive and move (admin)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from riskreg.auth.permissions import Permission, requires
from riskreg.bodies import services
from riskreg.bodies.forms import BodyForm, NewBodyForm
from riskreg.bodies.models import ApprovalBody
from riskreg.errors import DomainError
from riskreg.extensions import db
from riskreg.forms import select_choices
from riskreg.views import save_form, toggle_archived

bp = Blueprint("bodies", __name__, url_prefix="/bodies")


@bp.route("/")
@requires(Permission.READ)
def index() -> str:
    return render_template("bodies/index.html", bodies=services.all_bodies(db.session()))


def _values(form: BodyForm) -> dict[str, str]:
    return {
        "name": form.name.data or "",
        "residual_ceiling": form.residual_ceiling.data or "",
        "description": form.description.data or "",
    }


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_BODIES)
def new() -> Response | tuple[str, int]:
    form = NewBodyForm()
    chain = services.active_bodies(db.session())
    form.position.choices = select_choices(
        [(i, _("Before %(name)s", name=b.name)) for i, b in enumerate(chain, start=1)]
        + [(len(chain) + 1, _("Last (the final body)"))]
    )
    if request.method == "GET":
        form.position.data = len(chain) + 1
    return save_form(
        form,
        lambda: services.create_body(
            db.session(),
            form.name.data or "",
            form.residual_ceiling.data or "",
            form.description.data or "",
            position=form.position.data,
        ),
        success=lambda body: _("Approval body %(name)s created.", name=body.name),
        redirect_to=url_for("bodies.index"),
        default_field="name",
        template="bodies/edit.html",
        body=None,
    )


@bp.route("/<int:body_id>/edit", methods=["GET", "POST"])
@requires(Permission.MANAGE_BODIES)
def edit(body_id: int) -> Response | tuple[str, int]:
    body = db.get_or_404(ApprovalBody, body_id)
    form = BodyForm(obj=body)
    return save_form(
        form,
        lambda: services.update_body(db.session(), body, _values(form), form.version.data),
        record=body,
        success=_("Saved."),
        redirect_to=url_for("bodies.index"),
        default_field="name",
        template="bodies/edit.html",
        body=body,
    )


@bp.route("/<int:body_id>/archive", methods=["POST"])
@requires(Permission.MANAGE_BODIES)
def archive(body_id: int) -> Response:
    body = db.get_or_404(ApprovalBody, body_id)
    toggle_archived(body, services.set_body_archived)
    return redirect(url_for("bodies.index"))


@bp.route("/<int:body_id>/move/<any(up, down):direction>", methods=["POST"])
@requires(Permission.MANAGE_BODIES)
def move(body_id: int, direction: str) -> Response:
    body = db.get_or_404(ApprovalBody, body_id)
    try:
        services.move_body(db.session(), body, direction)
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        flash(_("Order changed."), "success")
    return redirect(url_for("bodies.index"))
