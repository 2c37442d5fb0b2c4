"""Pages of the agreements area: list, agreement page, new (for a vendor), edit, archive."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from riskreg.agreements import services
from riskreg.agreements.forms import AgreementForm
from riskreg.auth.permissions import Permission, requires
from riskreg.errors import ConflictError, DomainError
from riskreg.extensions import db
from riskreg.forms import form_status, select_choices, show_error
from riskreg.listing import paginate, sort_key
from riskreg.vendors.models import DataProcessingAgreement, Vendor

bp = Blueprint("agreements", __name__, url_prefix="/agreements")


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


@bp.route("/")
@requires(Permission.READ)
def index():  # type: ignore[no-untyped-def]
    flt = services.AgreementFilter(
        q=request.args.get("q", "").strip(),
        vendor_id=_int_arg("vendor"),
        system_id=_int_arg("system"),
        archived=request.args.get("archived") == "1",
    )
    sort = sort_key(dict.fromkeys(services.SORT_KEYS), "-signed")
    page = paginate(services.agreement_list_query(flt, sort))
    return render_template(
        "agreements/index.html",
        page=page,
        sort=sort,
        flt=flt,
        vendors=services.vendor_options(db.session()),
        systems=services.system_options(db.session(), flt.vendor_id),
    )


@bp.route("/<int:agreement_id>")
@requires(Permission.READ)
def view(agreement_id: int):  # type: ignore[no-untyped-def]
    agreement = services.load_agreement(db.session(), agreement_id)
    if agreement is None:
        abort(404)
    return render_template("agreements/view.html", agreement=agreement)


# --- changes ------------------------------------------------------------------------------------------------


def _form(vendor: Vendor, agreement: DataProcessingAgreement | None) -> AgreementForm:
    form = AgreementForm(obj=agreement)
    form.system_id.choices = select_choices(
        [("", _("— all systems of the vendor —")), *services.system_options(db.session(), vendor.id)]
    )
    return form


def _values(form: AgreementForm) -> dict[str, Any]:
    return {name: getattr(form, name).data for name in services.FIELDS}


def _render(
    form: AgreementForm, vendor: Vendor, agreement: DataProcessingAgreement | None, **kwargs: Any
) -> str:
    return render_template(
        "agreements/edit.html",
        form=form,
        vendor=vendor,
        agreement=agreement,
        templates=services.template_suggestions(db.session()),
        **kwargs,
    )


@bp.route("/new/<int:vendor_id>", methods=["GET", "POST"])
@requires(Permission.EDIT_REGISTER)
def new(vendor_id: int):  # type: ignore[no-untyped-def]
    vendor = db.session.get(Vendor, vendor_id)
    if vendor is None:
        abort(404)
    form = _form(vendor, None)
    if request.method == "GET":
        form.system_id.data = _int_arg("system")
    if form.validate_on_submit():
        try:
            agreement = services.create_agreement(db.session(), vendor, _values(form))
        except DomainError as exc:
            show_error(form, exc, default="system_id")
        else:
            flash(_("Data processing agreement recorded."), "success")
            return redirect(url_for("agreements.view", agreement_id=agreement.id))
    return _render(form, vendor, None), form_status(form)


@bp.route("/<int:agreement_id>/edit", methods=["GET", "POST"])
@requires(Permission.EDIT_REGISTER)
def edit(agreement_id: int):  # type: ignore[no-untyped-def]
    agreement = db.get_or_404(DataProcessingAgreement, agreement_id)
    form = _form(agreement.vendor, agreement)
    conflict = None
    if form.validate_on_submit():
        try:
            services.update_agreement(db.session(), agreement, _values(form), form.version.data)
        except ConflictError as exc:
            conflict = exc
            form.version.data = str(agreement.version)
        except DomainError as exc:
            show_error(form, exc, default="system_id")
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("agreements.view", agreement_id=agreement.id))
    elif request.method == "GET":
        form.version.data = str(agreement.version)
    return _render(form, agreement.vendor, agreement, conflict=conflict), form_status(form, conflict)


@bp.route("/<int:agreement_id>/archive", methods=["POST"])
@requires(Permission.EDIT_REGISTER)
def archive(agreement_id: int) -> Response:
    agreement = db.get_or_404(DataProcessingAgreement, agreement_id)
    try:
        services.set_agreement_archived(db.session(), agreement, not agreement.is_archived)
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        flash(_("Archived.") if agreement.is_archived else _("Restored."), "success")
    return redirect(url_for("agreements.view", agreement_id=agreement.id))
