"""Pages of the vendors area: list, vendor page, edit, archive, audit statements and supervision."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from riskreg.auth.permissions import Permission, requires
from riskreg.enums import DpfStatus
from riskreg.extensions import db
from riskreg.forms import country_choices, select_choices
from riskreg.i18n import current_language
from riskreg.listing import paginate, sort_key
from riskreg.vendors import services
from riskreg.vendors.dpf_facts import DPF_FIELDS
from riskreg.vendors.forms import (
    AuditStatementForm,
    SupervisionForm,
    VendorForm,
    fill_locations,
    form_locations,
    set_location_choices,
)
from riskreg.vendors.models import AuditStatement, Supervision, Vendor
from riskreg.views import save_form, toggle_archived

bp = Blueprint("vendors", __name__, url_prefix="/vendors")

VENDOR_FIELDS = (
    "name",
    "org_number",
    "country_code",
    "parent_name",
    "parent_country_code",
    "website",
    "contact",
    "role",
    "own_purpose_use",
    "own_purpose_note",
    "transfer_mechanism",
    "tia_on",
    *DPF_FIELDS,
    "notes",
)
STATEMENT_FIELDS = ("type", "period_start", "period_end", "received_on", "remarks")
SUPERVISION_FIELDS = ("method", "frequency_months", "last_on", "next_on", "outcome")
#: The service refuses the countries as "locations"; the form shows it on the processing countries.
LOCATION_ERRORS = {"locations": "processing_countries"}


_NULLABLE = frozenset(
    {
        "org_number",
        "country_code",
        "parent_country_code",
        "tia_on",
        "dpf_checked_on",
        "dpf_due_on",
        "dpf_covers_hr",
        "dpf_covers_non_hr",
        "period_start",
        "period_end",
        "received_on",
        "last_on",
        "next_on",
        "frequency_months",
    }
)


def _values(form: Any, names: tuple[str, ...]) -> dict[str, Any]:
    values = {name: getattr(form, name).data for name in names}
    # Empty text fields arrive as None; the columns hold '' for "not given".
    return {k: ("" if v is None and k not in _NULLABLE else v) for k, v in values.items()}


# --- list and page ---


@bp.route("/")
@requires(Permission.READ)
def index() -> str:
    flt = services.VendorFilter(
        q=request.args.get("q", "").strip(),
        dpf=request.args.get("dpf", ""),
        country=request.args.get("country", ""),
        archived=request.args.get("archived") == "1",
    )
    sort = sort_key(dict.fromkeys(services.SORT_KEYS), "name")
    page = paginate(services.vendor_list_query(flt, sort, current_language()))
    counts = services.systems_counts(db.session(), [v.id for v in page.items])
    return render_template(
        "vendors/index.html",
        page=page,
        sort=sort,
        flt=flt,
        counts=counts,
        dpf_statuses=list(DpfStatus),
        countries=country_choices(optional=False),
        lang=current_language(),
    )


@bp.route("/<int:vendor_id>")
@requires(Permission.READ)
def view(vendor_id: int) -> str:
    vendor = services.load_vendor(db.session(), vendor_id)
    if vendor is None:
        abort(404)
    return render_template(
        "vendors/view.html",
        vendor=vendor,
        lang=current_language(),
        tree=services.sub_processor_tree(vendor.sub_processors),
        systems=services.vendor_systems(db.session(), vendor),
        dpf_stale=services.dpf_check_is_stale(vendor),
        dpf_due_past=services.dpf_due_is_past(vendor),
        statement_is_old=services.statement_is_old,
        supervision_is_overdue=services.supervision_is_overdue,
    )


# --- vendor edits ---


def _vendor_form(vendor: Vendor | None) -> VendorForm:
    form = VendorForm(obj=vendor)
    if vendor is not None and request.method == "GET":
        fill_locations(form, vendor.locations)
    options = select_choices(country_choices())
    form.country_code.choices = options
    form.parent_country_code.choices = options
    set_location_choices(form, options[1:])
    return form


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.EDIT_REGISTER)
def new() -> Response | tuple[str, int]:
    form = _vendor_form(None)
    return save_form(
        form,
        lambda: services.create_vendor(db.session(), _values(form, VENDOR_FIELDS), form_locations(form)),
        success=lambda vendor: _("Vendor %(name)s created.", name=vendor.name),
        redirect_to=lambda vendor: url_for("vendors.view", vendor_id=vendor.id),
        default_field="name",
        error_fields=LOCATION_ERRORS,
        template="vendors/edit.html",
        vendor=None,
    )


@bp.route("/<int:vendor_id>/edit", methods=["GET", "POST"])
@requires(Permission.EDIT_REGISTER)
def edit(vendor_id: int) -> Response | tuple[str, int]:
    vendor = db.get_or_404(Vendor, vendor_id)
    form = _vendor_form(vendor)
    return save_form(
        form,
        lambda: services.update_vendor(
            db.session(), vendor, _values(form, VENDOR_FIELDS), form_locations(form), form.version.data
        ),
        record=vendor,
        success=_("Saved."),
        redirect_to=url_for("vendors.view", vendor_id=vendor.id),
        default_field="name",
        error_fields=LOCATION_ERRORS,
        template="vendors/edit.html",
        vendor=vendor,
    )


@bp.route("/<int:vendor_id>/archive", methods=["POST"])
@requires(Permission.EDIT_REGISTER)
def archive(vendor_id: int) -> Response:
    vendor = db.get_or_404(Vendor, vendor_id)
    toggle_archived(vendor, services.set_vendor_archived)
    return redirect(url_for("vendors.view", vendor_id=vendor.id))


# --- audit statements ---


@bp.route("/<int:vendor_id>/statements/new", methods=["GET", "POST"])
@requires(Permission.EDIT_REGISTER)
def statement_new(vendor_id: int) -> Response | tuple[str, int]:
    vendor = db.get_or_404(Vendor, vendor_id)
    form = AuditStatementForm()
    return save_form(
        form,
        lambda: services.add_audit_statement(db.session(), vendor, _values(form, STATEMENT_FIELDS)),
        success=_("Audit statement added."),
        redirect_to=url_for("vendors.view", vendor_id=vendor.id),
        default_field="type",
        template="vendors/statement_edit.html",
        vendor=vendor,
        statement=None,
    )


@bp.route("/statements/<int:statement_id>/edit", methods=["GET", "POST"])
@requires(Permission.EDIT_REGISTER)
def statement_edit(statement_id: int) -> Response | tuple[str, int]:
    statement = db.get_or_404(AuditStatement, statement_id)
    form = AuditStatementForm(obj=statement)
    return save_form(
        form,
        lambda: services.update_audit_statement(
            db.session(), statement, _values(form, STATEMENT_FIELDS), form.version.data
        ),
        record=statement,
        success=_("Saved."),
        redirect_to=url_for("vendors.view", vendor_id=statement.vendor_id),
        default_field="type",
        template="vendors/statement_edit.html",
        vendor=statement.vendor,
        statement=statement,
    )


# --- supervision ---


@bp.route("/<int:vendor_id>/supervision/new", methods=["GET", "POST"])
@requires(Permission.EDIT_REGISTER)
def supervision_new(vendor_id: int) -> Response | tuple[str, int]:
    vendor = db.get_or_404(Vendor, vendor_id)
    form = SupervisionForm()
    return save_form(
        form,
        lambda: services.add_supervision(db.session(), vendor, _values(form, SUPERVISION_FIELDS)),
        success=_("Supervision plan added."),
        redirect_to=url_for("vendors.view", vendor_id=vendor.id),
        default_field="method",
        template="vendors/supervision_edit.html",
        vendor=vendor,
        supervision=None,
    )


@bp.route("/supervision/<int:supervision_id>/edit", methods=["GET", "POST"])
@requires(Permission.EDIT_REGISTER)
def supervision_edit(supervision_id: int) -> Response | tuple[str, int]:
    supervision = db.get_or_404(Supervision, supervision_id)
    form = SupervisionForm(obj=supervision)
    return save_form(
        form,
        lambda: services.update_supervision(
            db.session(), supervision, _values(form, SUPERVISION_FIELDS), form.version.data
        ),
        record=supervision,
        success=_("Saved."),
        redirect_to=url_for("vendors.view", vendor_id=supervision.vendor_id),
        default_field="method",
        template="vendors/supervision_edit.html",
        vendor=supervision.vendor,
        supervision=supervision,
    )
