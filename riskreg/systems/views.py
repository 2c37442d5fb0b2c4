"""The register of systems: list, view, create, edit, archive."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from riskreg.auth.permissions import Permission, requires
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
from riskreg.errors import ConflictError, DomainError
from riskreg.extensions import db
from riskreg.forms import country_choices, select_choices, show_error
from riskreg.i18n import current_language
from riskreg.listing import export_urls, paginate, sort_key
from riskreg.systems import assessment, register_list, services, system_page
from riskreg.systems.forms import SystemForm
from riskreg.systems.models import System
from riskreg.transfers import system_verdicts

bp = Blueprint("systems", __name__, url_prefix="/systems")
EnumT = TypeVar("EnumT", bound=StrEnum)


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


def _enum_arg(name: str, enum_cls: type[EnumT]) -> EnumT | None:
    value = request.args.get(name, "")
    return enum_cls(value) if value in enum_cls._value2member_map_ else None


def _source_choice(lang: str) -> assessment.SourceChoice:
    """The list asked for by ``as_of`` and ``scenario``; what could not be used is flashed."""
    choice = assessment.choose_source(
        db.session(), request.args.get("as_of", ""), request.args.get("scenario", ""), lang
    )
    for message in choice.messages:
        flash(message, "warning")
    return choice


def register_filter() -> register_list.SystemFilter:
    """The register page's filters from the query string (the Excel download reads the same ones)."""
    status = request.args.get("status", "")
    return register_list.SystemFilter(
        q=request.args.get("q", "").strip(),
        status=SystemStatus(status) if status in SystemStatus._value2member_map_ else None,
        department_id=_int_arg("department"),
        vendor_id=_int_arg("vendor"),
        country=request.args.get("country", "").strip().upper()[:2],
        archived=request.args.get("archived") == "1",
        verdict=_enum_arg("verdict", TransferClass),
        outcome=_enum_arg("outcome", Outcome),
    )


@bp.route("/")
@requires(Permission.READ)
def index():  # type: ignore[no-untyped-def]
    system_verdicts.ensure_current(db.session())
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
        classes=list(TransferClass),
        outcomes=list(Outcome),
        lang=current_language(),
        downloads=export_urls("exports.register"),
    )


@bp.route("/<int:system_id>")
@requires(Permission.READ)
def view(system_id: int):  # type: ignore[no-untyped-def]
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
def transfers(system_id: int):  # type: ignore[no-untyped-def]
    system_verdicts.ensure_current(db.session())
    system = db.get_or_404(System, system_id)
    lang = current_language()
    tab = assessment.transfers_tab(db.session(), system, _source_choice(lang))
    return render_template("systems/transfers.html", t=tab, s=system, lang=lang)


def _prepare(form: SystemForm, system: System | None) -> None:
    _departments, vendors = register_list.filter_options(db.session())
    if system is not None and all(v[0] != system.vendor_id for v in vendors):
        vendors.append((system.vendor_id, system.vendor.name))
    form.vendor_id.choices = select_choices([("", _("— choose —"))] + vendors)


def _values(form: SystemForm) -> dict:
    return {
        "name": form.name.data or "",
        "vendor_id": form.vendor_id.data,
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


def _many(form: SystemForm) -> dict:
    return {
        "departments": [d for d in (form.departments.data or "").split(",") if d.strip()],
        "data_subjects": [DataSubject(v) for v in form.data_subjects.data or []],
        "data_categories": [DataCategory(v) for v in form.data_categories.data or []],
        "legal_bases": [LegalBasis(v) for v in form.legal_bases.data or []],
    }


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.EDIT_REGISTER)
def new():  # type: ignore[no-untyped-def]
    form = SystemForm()
    _prepare(form, None)
    if request.method == "GET":
        form.status.data = SystemStatus.DRAFT.value
        form.vendor_id.data = _int_arg("vendor")
    if form.validate_on_submit():
        try:
            system = services.create_system(db.session(), _values(form), **_many(form))
        except DomainError as exc:
            show_error(form, exc)
        else:
            flash(_("System %(name)s created.", name=system.name), "success")
            return redirect(url_for("systems.view", system_id=system.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("systems/edit.html", form=form, system=None), status


@bp.route("/<int:system_id>/edit", methods=["GET", "POST"])
@requires(Permission.EDIT_REGISTER)
def edit(system_id: int):  # type: ignore[no-untyped-def]
    system = db.get_or_404(System, system_id)
    form = SystemForm(obj=system)
    _prepare(form, system)
    conflict = None
    if request.method == "GET":
        form.version.data = str(system.version)
        form.departments.data = ", ".join(d.name for d in system.departments)
        form.data_subjects.data = [v.value for v in system.data_subjects]
        form.data_categories.data = [v.value for v in system.data_categories]
        form.legal_bases.data = [v.value for v in system.legal_bases]
        form.status.data = system.status.value
        form.subject_volume.data = system.subject_volume.value if system.subject_volume else ""
        form.ai_act_class.data = system.ai_act_class.value
    elif form.validate_on_submit():
        try:
            services.update_system(
                db.session(), system, _values(form), version=form.version.data, **_many(form)
            )
        except ConflictError as exc:
            conflict = exc
            form.version.data = str(system.version)
        except DomainError as exc:
            show_error(form, exc)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("systems.view", system_id=system.id))
    status = 409 if conflict else (400 if form.errors or form.form_errors else 200)
    return render_template("systems/edit.html", form=form, system=system, conflict=conflict), status


@bp.route("/<int:system_id>/archive", methods=["POST"])
@requires(Permission.EDIT_REGISTER)
def archive(system_id: int):  # type: ignore[no-untyped-def]
    system = db.get_or_404(System, system_id)
    services.set_system_archived(db.session(), system, not system.is_archived)
    flash(_("Archived.") if system.is_archived else _("Restored."), "success")
    return redirect(url_for("systems.view", system_id=system.id))
