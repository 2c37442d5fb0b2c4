"""Pages of the sub-processors area: list over all vendors, page with its chain, new, edit, archive."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from riskreg.auth.permissions import Permission, requires
from riskreg.enums import DpfStatus, LocationKind, TransferMechanism
from riskreg.extensions import db
from riskreg.forms import country_choices, select_choices
from riskreg.i18n import current_language
from riskreg.listing import int_arg, paginate, sort_key
from riskreg.subprocessors import services
from riskreg.subprocessors.forms import SubProcessorForm
from riskreg.vendors.dpf_facts import DPF_FIELDS
from riskreg.vendors.forms import fill_locations, form_locations, set_location_choices
from riskreg.vendors.models import SubProcessor, Vendor
from riskreg.vendors.services import dpf_due_is_past
from riskreg.views import save_form, toggle_archived

bp = Blueprint("subprocessors", __name__, url_prefix="/subprocessors")

# Form fields that map one-to-one onto columns; the countries and systems go to the service apart.
FIELDS = (
    "name",
    "service",
    "country_code",
    "parent_company",
    "parent_country_code",
    "parent_id",
    "transfer_mechanism",
    *DPF_FIELDS,
    "tia_on",
    "source",
    "source_on",
)


@bp.route("/")
@requires(Permission.READ)
def index() -> str:
    flt = services.SubProcessorFilter(
        q=request.args.get("q", "").strip(),
        vendor_id=int_arg("vendor"),
        country=request.args.get("country", ""),
        mechanism=request.args.get("mechanism", ""),
        dpf=request.args.get("dpf", ""),
        archived=request.args.get("archived") == "1",
    )
    sort = sort_key(dict.fromkeys(services.SORT_KEYS), "name")
    page = paginate(services.sub_processor_list_query(flt, sort, current_language()))
    return render_template(
        "subprocessors/index.html",
        page=page,
        sort=sort,
        flt=flt,
        vendors=services.vendor_options(db.session()),
        countries=country_choices(optional=False),
        mechanisms=list(TransferMechanism),
        dpf_statuses=list(DpfStatus),
        lang=current_language(),
    )


@bp.route("/<int:sub_processor_id>")
@requires(Permission.READ)
def view(sub_processor_id: int) -> str:
    sp = services.load_sub_processor(db.session(), sub_processor_id)
    if sp is None:
        abort(404)
    siblings = services.vendor_sub_processors(db.session(), sp.vendor_id)
    return render_template(
        "subprocessors/view.html",
        sp=sp,
        chain=services.chain_of(sp, siblings),
        warnings=services.warnings(sp),
        dpf_due_past=dpf_due_is_past(sp),
        processing=[loc for loc in sp.locations if loc.kind == LocationKind.PROCESSING],
        support=[loc for loc in sp.locations if loc.kind == LocationKind.SUPPORT],
        lang=current_language(),
    )


# --- changes ------------------------------------------------------------------------------------------------


def _form(vendor: Vendor, sp: SubProcessor | None) -> SubProcessorForm:
    form = SubProcessorForm(obj=sp)
    if sp is not None and request.method == "GET":
        fill_locations(form, sp.locations)
    countries = select_choices(country_choices())
    form.country_code.choices = countries
    form.parent_country_code.choices = countries
    set_location_choices(form, countries[1:])
    siblings = services.vendor_sub_processors(db.session(), vendor.id)
    # Offering the sub-processor itself or anything below it would only lead to a refused loop.
    excluded = services.descendant_ids(sp, siblings) if sp is not None else set()
    form.parent_id.choices = select_choices(
        [("", _("— none (engaged by the vendor directly) —"))]
        + [
            (s.id, s.name)
            for s in siblings
            if s.id not in excluded and (not s.is_archived or s.id == form.parent_id.data)
        ]
    )
    form.system_ids.choices = select_choices(
        (s.id, s.name) for s in services.vendor_systems(db.session(), vendor.id)
    )
    return form


def _values(form: SubProcessorForm) -> dict[str, Any]:
    values = {name: getattr(form, name).data for name in FIELDS}
    # An empty text field arrives as None; the columns hold '' for "not given".
    for key in ("dpf_url", "dpf_listed_name"):
        values[key] = values[key] or ""
    return values


@bp.route("/new/<int:vendor_id>", methods=["GET", "POST"])
@requires(Permission.EDIT_REGISTER)
def new(vendor_id: int) -> Response | tuple[str, int]:
    vendor = db.get_or_404(Vendor, vendor_id)
    form = _form(vendor, None)
    if request.method == "GET":
        form.parent_id.data = int_arg("parent")
    return save_form(
        form,
        lambda: services.create_sub_processor(
            db.session(), vendor, _values(form), form_locations(form), form.system_ids.data or []
        ),
        success=lambda sp: _("Sub-processor %(name)s created.", name=sp.name),
        redirect_to=lambda sp: url_for("subprocessors.view", sub_processor_id=sp.id),
        default_field="name",
        template="subprocessors/edit.html",
        vendor=vendor,
        sp=None,
    )


@bp.route("/<int:sub_processor_id>/edit", methods=["GET", "POST"])
@requires(Permission.EDIT_REGISTER)
def edit(sub_processor_id: int) -> Response | tuple[str, int]:
    sp = db.get_or_404(SubProcessor, sub_processor_id)
    form = _form(sp.vendor, sp)
    if request.method == "GET":
        form.system_ids.data = [s.id for s in sp.systems]
    return save_form(
        form,
        lambda: services.update_sub_processor(
            db.session(),
            sp,
            _values(form),
            form_locations(form),
            form.system_ids.data or [],
            form.version.data,
        ),
        record=sp,
        success=_("Saved."),
        redirect_to=url_for("subprocessors.view", sub_processor_id=sp.id),
        default_field="name",
        template="subprocessors/edit.html",
        vendor=sp.vendor,
        sp=sp,
    )


@bp.route("/<int:sub_processor_id>/archive", methods=["POST"])
@requires(Permission.EDIT_REGISTER)
def archive(sub_processor_id: int) -> Response:
    sp = db.get_or_404(SubProcessor, sub_processor_id)
    toggle_archived(sp, services.set_sub_processor_archived)
    return redirect(url_for("subprocessors.view", sub_processor_id=sp.id))
