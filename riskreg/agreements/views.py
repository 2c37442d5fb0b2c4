"""Pages of the agreements area: list, agreement page, new (for a vendor), edit, archive."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from riskreg.agreements import services
from riskreg.agreements.forms import AgreementForm
from riskreg.auth.permissions import Permission, requires
from riskreg.extensions import db
from riskreg.forms import select_choices
from riskreg.listing import int_arg, paginate, sort_key
from riskreg.vendors.models import DataProcessingAgreement, Vendor
from riskreg.views import save_form, toggle_archived

bp = Blueprint("agreements", __name__, url_prefix="/agreements")


@bp.route("/")
@requires(Permission.READ)
def index() -> str:
    flt = services.AgreementFilter(
        q=request.args.get("q", "").strip(),
        vendor_id=int_arg("vendor"),
        system_id=int_arg("system"),
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
def view(agreement_id: int) -> str:
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


@bp.route("/new/<int:vendor_id>", methods=["GET", "POST"])
@requires(Permission.EDIT_REGISTER)
def new(vendor_id: int) -> Response | tuple[str, int]:
    vendor = db.get_or_404(Vendor, vendor_id)
    form = _form(vendor, None)
    if request.method == "GET":
        form.system_id.data = int_arg("system")
    return save_form(
        form,
        lambda: services.create_agreement(db.session(), vendor, _values(form)),
        success=_("Data processing agreement recorded."),
        redirect_to=lambda agreement: url_for("agreements.view", agreement_id=agreement.id),
        default_field="system_id",
        template="agreements/edit.html",
        vendor=vendor,
        agreement=None,
        templates=services.template_suggestions(db.session()),
    )


@bp.route("/<int:agreement_id>/edit", methods=["GET", "POST"])
@requires(Permission.EDIT_REGISTER)
def edit(agreement_id: int) -> Response | tuple[str, int]:
    agreement = db.get_or_404(DataProcessingAgreement, agreement_id)
    form = _form(agreement.vendor, agreement)
    return save_form(
        form,
        lambda: services.update_agreement(db.session(), agreement, _values(form), form.version.data),
        record=agreement,
        success=_("Saved."),
        redirect_to=url_for("agreements.view", agreement_id=agreement.id),
        default_field="system_id",
        template="agreements/edit.html",
        vendor=agreement.vendor,
        agreement=agreement,
        templates=services.template_suggestions(db.session()),
    )


@bp.route("/<int:agreement_id>/archive", methods=["POST"])
@requires(Permission.EDIT_REGISTER)
def archive(agreement_id: int) -> Response:
    agreement = db.get_or_404(DataProcessingAgreement, agreement_id)
    toggle_archived(agreement, services.set_agreement_archived)
    return redirect(url_for("agreements.view", agreement_id=agreement.id))
