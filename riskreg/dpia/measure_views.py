"""Pages of the measures library: the measures by kind (everyone), new, edit and archive (DPO, admin)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from riskreg.auth.permissions import Permission, requires
from riskreg.dpia import services
from riskreg.dpia.forms import MeasureForm
from riskreg.dpia.models import Measure
from riskreg.enums import MeasureKind
from riskreg.errors import ConflictError, DomainError
from riskreg.extensions import db
from riskreg.forms import form_status, show_error
from riskreg.i18n import current_language

bp = Blueprint("measures", __name__, url_prefix="/measures")


@bp.route("/")
@requires(Permission.READ)
def index():  # type: ignore[no-untyped-def]
    lang = current_language()
    archived = request.args.get("archived") == "1"
    found = services.measures(db.session(), include_archived=archived)
    by_kind = {
        kind: sorted(
            (m for m in found if m.kind == kind), key=lambda m: services.measure_name(m, lang).lower()
        )
        for kind in MeasureKind
    }
    return render_template(
        "measures/index.html",
        by_kind=by_kind,
        archived=archived,
        measure_name=services.measure_name,
        measure_description=services.measure_description,
        lang=lang,
    )


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.EDIT_DPIA)
def new():  # type: ignore[no-untyped-def]
    form = MeasureForm()
    if form.validate_on_submit():
        try:
            measure = services.create_measure(db.session(), form.values())
        except DomainError as exc:
            show_error(form, exc)
        else:
            flash(_("Measure %(name)s added to the library.", name=measure.name), "success")
            return redirect(url_for("measures.index"))
    return render_template("measures/edit.html", form=form, measure=None, conflict=None), form_status(
        form, None
    )


@bp.route("/<int:measure_id>/edit", methods=["GET", "POST"])
@requires(Permission.EDIT_DPIA)
def edit(measure_id: int):  # type: ignore[no-untyped-def]
    measure = db.get_or_404(Measure, measure_id)
    lang = current_language()
    form = MeasureForm(obj=measure)
    if measure.is_standard:
        # A shipped measure's name and description are translated texts: shown, not edited.
        del form.name
        del form.description
    conflict = None
    if request.method == "GET":
        form.version.data = str(measure.version)
        form.kind.data = measure.kind.value
    elif form.validate_on_submit():
        try:
            services.update_measure(db.session(), measure, form.values(), form.version.data)
        except ConflictError as exc:
            conflict = exc
            form.version.data = str(measure.version)
        except DomainError as exc:
            show_error(form, exc)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("measures.index"))
    return render_template(
        "measures/edit.html",
        form=form,
        measure=measure,
        conflict=conflict,
        name=services.measure_name(measure, lang),
        description=services.measure_description(measure, lang),
    ), form_status(form, conflict)


@bp.route("/<int:measure_id>/archive", methods=["POST"])
@requires(Permission.EDIT_DPIA)
def archive(measure_id: int) -> Response:
    measure = db.get_or_404(Measure, measure_id)
    try:
        services.set_measure_archived(db.session(), measure, not measure.is_archived)
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        flash(_("Archived.") if measure.is_archived else _("Restored."), "success")
    return redirect(url_for("measures.index", archived="1" if measure.is_archived else None))
