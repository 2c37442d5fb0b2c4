"""Pages of the measures library: the measures by kind (everyone), new, edit and archive (DPO, admin)."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from riskreg.auth.permissions import Permission, requires
from riskreg.dpia import services
from riskreg.dpia.forms import MeasureForm
from riskreg.dpia.models import Measure
from riskreg.enums import MeasureKind
from riskreg.extensions import db
from riskreg.i18n import current_language
from riskreg.views import save_form, toggle_archived

bp = Blueprint("measures", __name__, url_prefix="/measures")


@bp.route("/")
@requires(Permission.READ)
def index() -> str:
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
def new() -> Response | tuple[str, int]:
    form = MeasureForm()
    return save_form(
        form,
        lambda: services.create_measure(db.session(), form.values()),
        success=lambda measure: _("Measure %(name)s added to the library.", name=measure.name),
        redirect_to=url_for("measures.index"),
        template="measures/edit.html",
        measure=None,
    )


@bp.route("/<int:measure_id>/edit", methods=["GET", "POST"])
@requires(Permission.EDIT_DPIA)
def edit(measure_id: int) -> Response | tuple[str, int]:
    measure = db.get_or_404(Measure, measure_id)
    lang = current_language()
    form = MeasureForm(obj=measure)
    if measure.is_standard:
        # A shipped measure's name and description are translated texts: shown, not edited.
        del form.name
        del form.description
    if request.method == "GET":
        form.kind.data = measure.kind.value
    return save_form(
        form,
        lambda: services.update_measure(db.session(), measure, form.values(), form.version.data),
        record=measure,
        success=_("Saved."),
        redirect_to=url_for("measures.index"),
        template="measures/edit.html",
        measure=measure,
        name=services.measure_name(measure, lang),
        description=services.measure_description(measure, lang),
    )


@bp.route("/<int:measure_id>/archive", methods=["POST"])
@requires(Permission.EDIT_DPIA)
def archive(measure_id: int) -> Response:
    measure = db.get_or_404(Measure, measure_id)
    toggle_archived(measure, services.set_measure_archived)
    return redirect(url_for("measures.index", archived="1" if measure.is_archived else None))
