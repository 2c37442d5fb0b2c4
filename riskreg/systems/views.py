"""The register of systems: list, view, create, edit, archive."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from riskreg.auth.permissions import Permission, requires
from riskreg.dpia import system_risk
from riskreg.enums import (
    AiActClass,
    DataCategory,
    DataSubject,
    LegalBasis,
    Outcome,
    SubjectVolume,
    SystemStatus,
    TransferClass,
)
from riskreg.extensions import db
from riskreg.forms import country_choices, select_choices
from riskreg.i18n import current_language
from riskreg.listing import export_urls, int_arg, paginate, sort_key
from riskreg.systems import assessment, register_list, services, system_page
from riskreg.systems.filters import register_filter
from riskreg.systems.forms import SystemForm, offer_vendor_roles
from riskreg.systems.models import System
from riskreg.views import save_form, toggle_archived

bp = Blueprint("systems", __name__, url_prefix="/systems")


def _source_choice(lang: str) -> assessment.SourceChoice:
    """The list asked for by ``as_of`` and ``scenario``; what could not be used is flashed."""
    choice = assessment.choose_source(
        db.session(), request.args.get("as_of", ""), request.args.get("scenario", ""), lang
    )
    for message in choice.messages:
        flash(message, "warning")
    return choice


@bp.route("/")
@requires(Permission.READ)
def index() -> str:
    flt = register_filter()
    choice = _source_choice(current_language())
    # Today's official list: the stored verdicts; another date or a scenario: computed now.
    source = choice.source if choice.is_computed else None
    sort = sort_key(register_list.LIST_SORTS, "name")
    page = paginate(register_list.system_list_query(flt, sort, source))
    departments, vendors = register_list.filter_options(db.session())
    return render_template(
        "systems/index.html",
        page=page,
        flt=flt,
        sort=sort,
        statuses=list(SystemStatus),
        departments=departments,
        vendors=vendors,
        countries=country_choices(optional=False),
        choice=choice,
        counts=register_list.verdict_counts(db.session(), flt, source),
        marks=register_list.verdict_marks(db.session(), [s.id for s in page.items], source),
        # What a body decides on: the deciding DPIA version and today's official list, whatever list is shown.
        residuals=system_risk.residuals(db.session(), [s.id for s in page.items]),
        classes=list(TransferClass),
        outcomes=list(Outcome),
        lang=current_language(),
        downloads=export_urls("exports.register"),
    )


@bp.route("/<int:system_id>")
@requires(Permission.READ)
def view(system_id: int) -> str:
    lang = current_language()
    picture = system_page.system_picture(db.session(), system_id, lang)
    if picture is None:
        abort(404)
    return render_template(
        "systems/view.html",
        p=picture,
        s=picture.system,
        lang=lang,
        downloads=export_urls("exports.dpia", system_id=system_id),
    )


@bp.route("/<int:system_id>/transfers")
@requires(Permission.READ)
def transfers(system_id: int) -> str:
    system = db.get_or_404(System, system_id)
    lang = current_language()
    tab = assessment.transfers_tab(db.session(), system, _source_choice(lang))
    return render_template("systems/transfers.html", t=tab, s=system, lang=lang)


def _prepare(form: SystemForm, system: System | None) -> None:
    _departments, vendors = register_list.filter_options(db.session())
    if system is not None and all(v[0] != system.vendor_id for v in vendors):
        vendors.append((system.vendor_id, system.vendor.name))
    form.vendor_id.choices = select_choices([("", _("— choose —"))] + vendors)
    offer_vendor_roles(form, system.vendor.role if system is not None else None)


def _values(form: SystemForm) -> dict[str, Any]:
    return {
        "name": form.name.data or "",
        "vendor_id": form.vendor_id.data,
        "vendor_role": form.vendor_role.data or None,
        "status": SystemStatus(form.status.data),
        "journal_number": (form.journal_number.data or "").strip(),
        "system_owner": form.system_owner.data or "",
        "purpose": form.purpose.data or "",
        "legal_basis_note": form.legal_basis_note.data or "",
        "subject_volume": SubjectVolume(form.subject_volume.data) if form.subject_volume.data else None,
        "retention": form.retention.data or "",
        "has_free_text": bool(form.has_free_text.data),
        "free_text_note": form.free_text_note.data or "",
        "has_ai": bool(form.has_ai.data),
        "ai_description": form.ai_description.data or "",
        "ai_output_in_decisions": bool(form.ai_output_in_decisions.data),
        "ai_act_class": AiActClass(form.ai_act_class.data),
        "ai_annex_iii_area": form.ai_annex_iii_area.data or "",
        "next_review_on": form.next_review_on.data,
    }


def _many(form: SystemForm) -> dict[str, Any]:
    return {
        "departments": [d for d in (form.departments.data or "").split(",") if d.strip()],
        "data_subjects": [DataSubject(v) for v in form.data_subjects.data or []],
        "data_categories": [DataCategory(v) for v in form.data_categories.data or []],
        "legal_bases": [LegalBasis(v) for v in form.legal_bases.data or []],
    }


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.EDIT_REGISTER)
def new() -> Response | tuple[str, int]:
    form = SystemForm()
    _prepare(form, None)
    if request.method == "GET":
        form.status.data = SystemStatus.DRAFT.value
        form.vendor_id.data = int_arg("vendor")
    return save_form(
        form,
        lambda: services.create_system(db.session(), _values(form), **_many(form)),
        success=lambda system: _("System %(name)s created.", name=system.name),
        redirect_to=lambda system: url_for("systems.view", system_id=system.id),
        template="systems/edit.html",
        system=None,
    )


@bp.route("/<int:system_id>/edit", methods=["GET", "POST"])
@requires(Permission.EDIT_REGISTER)
def edit(system_id: int) -> Response | tuple[str, int]:
    system = db.get_or_404(System, system_id)
    form = SystemForm(obj=system)
    _prepare(form, system)
    if request.method == "GET":
        form.departments.data = ", ".join(d.name for d in system.departments)
        form.data_subjects.data = [v.value for v in system.data_subjects]
        form.data_categories.data = [v.value for v in system.data_categories]
        form.legal_bases.data = [v.value for v in system.legal_bases]
        form.status.data = system.status.value
        form.subject_volume.data = system.subject_volume.value if system.subject_volume else ""
        form.ai_act_class.data = system.ai_act_class.value
    return save_form(
        form,
        lambda: services.update_system(
            db.session(), system, _values(form), version=form.version.data, **_many(form)
        ),
        record=system,
        success=_("Saved."),
        redirect_to=url_for("systems.view", system_id=system.id),
        template="systems/edit.html",
        system=system,
    )


@bp.route("/<int:system_id>/archive", methods=["POST"])
@requires(Permission.EDIT_REGISTER)
def archive(system_id: int) -> Response:
    system = db.get_or_404(System, system_id)
    toggle_archived(system, services.set_system_archived)
    return redirect(url_for("systems.view", system_id=system.id))
