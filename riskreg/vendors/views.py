"""Pages of the vendors area: list, vendor page, edit, archive, audit statements and supervision."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from riskreg.auth.permissions import Permission, requires
from riskreg.enums import DpfStatus, LocationKind
from riskreg.errors import ConflictError, DomainError
from riskreg.extensions import db
from riskreg.forms import country_choices, form_status, show_error
from riskreg.i18n import current_language
from riskreg.listing import paginate, sort_key
from riskreg.vendors import services
from riskreg.vendors.forms import AuditStatementForm, SupervisionForm, VendorForm
from riskreg.vendors.models import AuditStatement, Supervision, Vendor

bp = Blueprint("vendors", __name__, url_prefix="/vendors")

VENDOR_FIELDS = (
    "name",
    "org_number",
    "country_code",
    "parent_name",
    "parent_country_code",
    "website",
    "contact",
    "transfer_mechanism",
    "tia_on",
    "dpf_status",
    "dpf_listed_name",
    "dpf_checked_on",
    "notes",
)
STATEMENT_FIELDS = ("type", "period_start", "period_end", "received_on", "remarks")
SUPERVISION_FIELDS = ("method", "frequency_months", "last_on", "next_on", "outcome")


_NULLABLE = frozenset(
    {
        "org_number",
        "country_code",
        "parent_country_code",
        "tia_on",
        "dpf_checked_on",
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
def index():  # type: ignore[no-untyped-def]
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
def view(vendor_id: int):  # type: ignore[no-untyped-def]
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
        statement_is_old=services.statement_is_old,
        supervision_is_overdue=services.supervision_is_overdue,
    )


# --- vendor edits ---


def _vendor_form(vendor: Vendor | None) -> VendorForm:
    form = VendorForm(obj=vendor)
    options = country_choices()
    form.country_code.choices = options
    form.parent_country_code.choices = options
    form.processing_countries.choices = options[1:]
    form.support_countries.choices = options[1:]
    return form


def _locations(form: VendorForm) -> list[tuple[str, LocationKind]]:
    return [(c, LocationKind.PROCESSING) for c in form.processing_countries.data or []] + [
        (c, LocationKind.SUPPORT) for c in form.support_countries.data or []
    ]


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.EDIT_REGISTER)
def new():  # type: ignore[no-untyped-def]
    form = _vendor_form(None)
    if form.validate_on_submit():
        try:
            vendor = services.create_vendor(db.session(), _values(form, VENDOR_FIELDS), _locations(form))
        except DomainError as exc:
            show_error(form, exc, default="name", fields={"locations": "processing_countries"})
        else:
            flash(_("Vendor %(name)s created.", name=vendor.name), "success")
            return redirect(url_for("vendors.view", vendor_id=vendor.id))
    return render_template("vendors/edit.html", form=form, vendor=None), form_status(form)


@bp.route("/<int:vendor_id>/edit", methods=["GET", "POST"])
@requires(Permission.EDIT_REGISTER)
def edit(vendor_id: int):  # type: ignore[no-untyped-def]
    vendor = db.get_or_404(Vendor, vendor_id)
    form = _vendor_form(vendor)
    conflict = None
    if form.validate_on_submit():
        try:
            services.update_vendor(
                db.session(), vendor, _values(form, VENDOR_FIELDS), _locations(form), form.version.data
            )
        except ConflictError as exc:
            conflict = exc
            form.version.data = str(vendor.version)
        except DomainError as exc:
            show_error(form, exc, default="name", fields={"locations": "processing_countries"})
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("vendors.view", vendor_id=vendor.id))
    elif request.method == "GET":
        form.version.data = str(vendor.version)
        form.processing_countries.data = [
            loc.country_code for loc in vendor.locations if loc.kind == LocationKind.PROCESSING
        ]
        form.support_countries.data = [
            loc.country_code for loc in vendor.locations if loc.kind == LocationKind.SUPPORT
        ]
    return render_template("vendors/edit.html", form=form, vendor=vendor, conflict=conflict), form_status(
        form, conflict
    )


@bp.route("/<int:vendor_id>/archive", methods=["POST"])
@requires(Permission.EDIT_REGISTER)
def archive(vendor_id: int) -> Response:
    vendor = db.get_or_404(Vendor, vendor_id)
    try:
        services.set_vendor_archived(db.session(), vendor, not vendor.is_archived)
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        flash(_("Archived.") if vendor.is_archived else _("Restored."), "success")
    return redirect(url_for("vendors.view", vendor_id=vendor.id))


# --- audit statements ---


@bp.route("/<int:vendor_id>/statements/new", methods=["GET", "POST"])
@requires(Permission.EDIT_REGISTER)
def statement_new(vendor_id: int):  # type: ignore[no-untyped-def]
    vendor = db.get_or_404(Vendor, vendor_id)
    form = AuditStatementForm()
    if form.validate_on_submit():
        try:
            services.add_audit_statement(db.session(), vendor, _values(form, STATEMENT_FIELDS))
        except DomainError as exc:
            show_error(form, exc, default="type")
        else:
            flash(_("Audit statement added."), "success")
            return redirect(url_for("vendors.view", vendor_id=vendor.id))
    return render_template(
        "vendors/statement_edit.html", form=form, vendor=vendor, statement=None
    ), form_status(form)


@bp.route("/statements/<int:statement_id>/edit", methods=["GET", "POST"])
@requires(Permission.EDIT_REGISTER)
def statement_edit(statement_id: int):  # type: ignore[no-untyped-def]
    statement = db.session.get(AuditStatement, statement_id)
    if statement is None:
        abort(404)
    form = AuditStatementForm(obj=statement)
    conflict = None
    if form.validate_on_submit():
        try:
            services.update_audit_statement(
                db.session(), statement, _values(form, STATEMENT_FIELDS), form.version.data
            )
        except ConflictError as exc:
            conflict = exc
            form.version.data = str(statement.version)
        except DomainError as exc:
            show_error(form, exc, default="type")
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("vendors.view", vendor_id=statement.vendor_id))
    elif request.method == "GET":
        form.version.data = str(statement.version)
    return render_template(
        "vendors/statement_edit.html",
        form=form,
        vendor=statement.vendor,
        statement=statement,
        conflict=conflict,
    ), form_status(form, conflict)


# --- supervision ---


@bp.route("/<int:vendor_id>/supervision/new", methods=["GET", "POST"])
@requires(Permission.EDIT_REGISTER)
def supervision_new(vendor_id: int):  # type: ignore[no-untyped-def]
    vendor = db.get_or_404(Vendor, vendor_id)
    form = SupervisionForm()
    if form.validate_on_submit():
        try:
            services.add_supervision(db.session(), vendor, _values(form, SUPERVISION_FIELDS))
        except DomainError as exc:
            show_error(form, exc, default="method")
        else:
            flash(_("Supervision plan added."), "success")
            return redirect(url_for("vendors.view", vendor_id=vendor.id))
    return render_template(
        "vendors/supervision_edit.html", form=form, vendor=vendor, supervision=None
    ), form_status(form)


@bp.route("/supervision/<int:supervision_id>/edit", methods=["GET", "POST"])
@requires(Permission.EDIT_REGISTER)
def supervision_edit(supervision_id: int):  # type: ignore[no-untyped-def]
    supervision = db.session.get(Supervision, supervision_id)
    if supervision is None:
        abort(404)
    form = SupervisionForm(obj=supervision)
    conflict = None
    if form.validate_on_submit():
        try:
            services.update_supervision(
                db.session(), supervision, _values(form, SUPERVISION_FIELDS), form.version.data
            )
        except ConflictError as exc:
            conflict = exc
            form.version.data = str(supervision.version)
        except DomainError as exc:
            show_error(form, exc, default="method")
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("vendors.view", vendor_id=supervision.vendor_id))
    elif request.method == "GET":
        form.version.data = str(supervision.version)
    return render_template(
        "vendors/supervision_edit.html",
        form=form,
        vendor=supervision.vendor,
        supervision=supervision,
        conflict=conflict,
    ), form_status(form, conflict)
