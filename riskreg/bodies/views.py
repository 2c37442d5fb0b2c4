"""Pages of the approval bodies: the chain (everyone), new, edit, archive and move (admin)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from riskreg.auth.permissions import Permission, requires
from riskreg.bodies import services
from riskreg.bodies.forms import BodyForm, NewBodyForm
from riskreg.bodies.models import ApprovalBody
from riskreg.errors import ConflictError, DomainError
from riskreg.extensions import db
from riskreg.forms import select_choices, show_error

bp = Blueprint("bodies", __name__, url_prefix="/bodies")


@bp.route("/")
@requires(Permission.READ)
def index():  # type: ignore[no-untyped-def]
    return render_template("bodies/index.html", bodies=services.all_bodies(db.session()))


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_BODIES)
def new():  # type: ignore[no-untyped-def]
    form = NewBodyForm()
    chain = services.active_bodies(db.session())
    form.position.choices = select_choices(
        [(i, _("Before %(name)s", name=b.name)) for i, b in enumerate(chain, start=1)]
        + [(len(chain) + 1, _("Last (the final body)"))]
    )
    if request.method == "GET":
        form.position.data = len(chain) + 1
    if form.validate_on_submit():
        try:
            body = services.create_body(
                db.session(),
                form.name.data or "",
                form.residual_ceiling.data or "",
                form.description.data or "",
                position=form.position.data,
            )
        except DomainError as exc:
            show_error(form, exc, default="name")
        else:
            flash(_("Approval body %(name)s created.", name=body.name), "success")
            return redirect(url_for("bodies.index"))
    status = 400 if form.errors else 200
    return render_template("bodies/edit.html", form=form, body=None), status


@bp.route("/<int:body_id>/edit", methods=["GET", "POST"])
@requires(Permission.MANAGE_BODIES)
def edit(body_id: int):  # type: ignore[no-untyped-def]
    body = db.get_or_404(ApprovalBody, body_id)
    form = BodyForm(obj=body)
    conflict = None
    if form.validate_on_submit():
        values = {
            "name": form.name.data or "",
            "residual_ceiling": form.residual_ceiling.data or "",
            "description": form.description.data or "",
        }
        try:
            services.update_body(db.session(), body, values, form.version.data)
        except ConflictError as exc:
            conflict = exc
            form.version.data = str(body.version)
        except DomainError as exc:
            show_error(form, exc, default="name")
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("bodies.index"))
    elif request.method == "GET":
        form.version.data = str(body.version)
    status = 409 if conflict else (400 if form.errors else 200)
    return render_template("bodies/edit.html", form=form, body=body, conflict=conflict), status


@bp.route("/<int:body_id>/archive", methods=["POST"])
@requires(Permission.MANAGE_BODIES)
def archive(body_id: int) -> Response:
    body = db.get_or_404(ApprovalBody, body_id)
    try:
        services.set_body_archived(db.session(), body, not body.is_archived)
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        flash(_("Archived.") if body.is_archived else _("Restored."), "success")
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
