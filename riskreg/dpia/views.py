"""Pages of a system's DPIA: screening, sections, risks, suggestions, heat map, submission."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from riskreg.auth.permissions import Permission, requires
from riskreg.dpia import approval, scoring, services, system_risk
from riskreg.dpia.forms import RiskForm, SectionsForm
from riskreg.dpia.heatmap import heat_map
from riskreg.dpia.models import Dpia, Measure, Risk
from riskreg.dpia.precedents import precedents_for
from riskreg.enums import ListedProcessing, MeasureKind, Wp248Criterion
from riskreg.errors import ConflictError, DomainError
from riskreg.extensions import db
from riskreg.forms import form_status, select_choices, show_error
from riskreg.i18n import current_language
from riskreg.listing import export_urls
from riskreg.systems.models import System

bp = Blueprint("dpia", __name__)


def _to_view(system_id: int, anchor: str | None = None) -> Response:
    return redirect(url_for("dpia.view", system_id=system_id, _anchor=anchor))


def _saved(before: Dpia, after: Dpia) -> None:
    """Say so when a change went into a new version because the one changed had been submitted."""
    if after.id != before.id:
        flash(
            _(
                "Saved as version %(new)s; version %(old)s stays as it was submitted.",
                new=after.number,
                old=before.number,
            ),
            "warning",
        )
    else:
        flash(_("Saved."), "success")


# --- the DPIA tab -------------------------------------------------------------------------------------------


@bp.route("/systems/<int:system_id>/dpia")
@requires(Permission.READ)
def view(system_id: int) -> str:
    system = db.get_or_404(System, system_id)
    lang = current_language()
    session = db.session()
    all_versions = services.versions(session, system_id)
    context: dict[str, Any] = {
        "s": system,
        "versions": all_versions,
        "lang": lang,
        "downloads": export_urls("exports.dpia", system_id=system.id),
        "precedents": precedents_for(session, system.id),
    }
    if not all_versions:
        residual = system_risk.residual_of(session, system_id)
        return render_template("dpia/view.html", dpia=None, residual=residual, **context)
    newest = all_versions[0]
    asked = request.args.get("version", "")
    if asked:
        dpia = next((v for v in all_versions if str(v.number) == asked), None)
        if dpia is None:
            abort(404)
    else:
        dpia = newest
    # The figure a body decides on, weighing the version on screen so every part of it can be traced here.
    context["residual"] = system_risk.residual_of(session, system_id, dpia=dpia)
    pending, suggestions_error = [], None
    if dpia is newest:
        try:
            pending = services.pending_suggestions(session, dpia, lang)
        except DomainError as exc:
            suggestions_error = exc.message
    return render_template(
        "dpia/view.html",
        dpia=dpia,
        newest=newest,
        screening=services.screening_of(dpia),
        pending=pending,
        suggestions_error=suggestions_error,
        dismissed=services.dismissed(session, system_id) if dpia is newest else [],
        inherent_map=heat_map((r.inherent_likelihood, r.inherent_consequence) for r in dpia.risks),
        residual_map=heat_map((r.residual_l, r.residual_c) for r in dpia.risks),
        measure_name=services.measure_name,
        scoring_level=scoring.level,
        criteria_all=list(Wp248Criterion),
        listed_all=list(ListedProcessing),
        **context,
    )


@bp.route("/systems/<int:system_id>/dpia/start", methods=["POST"])
@requires(Permission.EDIT_DPIA)
def start(system_id: int) -> Response:
    system = db.get_or_404(System, system_id)
    try:
        services.start_dpia(db.session(), system, current_language())
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        flash(
            _("DPIA started, prefilled from the register. Check the screening and the description."),
            "success",
        )
    return _to_view(system_id)


# --- screening and sections ---------------------------------------------------------------------------------


@bp.route("/dpia/<int:dpia_id>/edit", methods=["GET", "POST"])
@requires(Permission.EDIT_DPIA)
def sections(dpia_id: int) -> Response | tuple[str, int]:
    dpia = db.get_or_404(Dpia, dpia_id)
    form = SectionsForm(obj=dpia)
    conflict = None
    if request.method == "GET":
        form.version.data = str(dpia.version)
    elif form.validate_on_submit():
        try:
            saved = services.save_sections(db.session(), dpia, form.values(), form.version.data)
        except ConflictError as exc:
            conflict = exc
            form.version.data = str(dpia.version)
        except DomainError as exc:
            show_error(form, exc)
        else:
            _saved(dpia, saved)
            return _to_view(dpia.system_id)
    return render_template("dpia/sections.html", form=form, dpia=dpia, conflict=conflict), form_status(
        form, conflict
    )


# --- risks --------------------------------------------------------------------------------------------------


def _measure_choices(form: RiskForm, risk: Risk | None, lang: str) -> dict[MeasureKind, list[Measure]]:
    """The library's measures by kind, for the form; measures a risk keeps after archiving stay on it."""
    offered = services.measures(db.session())
    linked = [m for m in risk.measures if m.is_archived] if risk is not None else []
    every = sorted([*offered, *linked], key=lambda m: services.measure_name(m, lang).lower())
    form.measure_ids.choices = select_choices((m.id, services.measure_name(m, lang)) for m in every)
    return {kind: [m for m in every if m.kind == kind] for kind in MeasureKind}


def _render_risk(
    form: RiskForm,
    dpia: Dpia,
    risk: Risk | None,
    by_kind: dict[MeasureKind, list[Measure]],
    conflict: ConflictError | None,
    lang: str,
) -> tuple[str, int]:
    return render_template(
        "dpia/risk.html",
        form=form,
        dpia=dpia,
        risk=risk,
        by_kind=by_kind,
        chosen=set(form.measure_ids.data or []),
        conflict=conflict,
        measure_name=services.measure_name,
        lang=lang,
    ), form_status(form, conflict)


@bp.route("/dpia/<int:dpia_id>/risks/new", methods=["GET", "POST"])
@requires(Permission.EDIT_DPIA)
def risk_new(dpia_id: int) -> Response | tuple[str, int]:
    dpia = db.get_or_404(Dpia, dpia_id)
    lang = current_language()
    form = RiskForm()
    by_kind = _measure_choices(form, None, lang)
    if form.validate_on_submit():
        try:
            risk = services.add_risk(db.session(), dpia, form.values())
        except DomainError as exc:
            show_error(form, exc)
        else:
            _saved(dpia, risk.dpia)
            return _to_view(dpia.system_id, "risks")
    return _render_risk(form, dpia, None, by_kind, None, lang)


@bp.route("/risks/<int:risk_id>/edit", methods=["GET", "POST"])
@requires(Permission.EDIT_DPIA)
def risk_edit(risk_id: int) -> Response | tuple[str, int]:
    risk = db.get_or_404(Risk, risk_id)
    dpia = risk.dpia
    lang = current_language()
    form = RiskForm(obj=risk)
    by_kind = _measure_choices(form, risk, lang)
    conflict = None
    if request.method == "GET":
        form.version.data = str(risk.version)
        form.measure_ids.data = [m.id for m in risk.measures]
        for key in ("residual_likelihood", "residual_consequence"):
            form[key].data = str(getattr(risk, key) or "")
    elif form.validate_on_submit():
        try:
            saved = services.update_risk(db.session(), risk, form.values(), form.version.data)
        except ConflictError as exc:
            conflict = exc
            form.version.data = str(risk.version)
        except DomainError as exc:
            show_error(form, exc)
        else:
            _saved(dpia, saved.dpia)
            return _to_view(dpia.system_id, "risks")
    return _render_risk(form, dpia, risk, by_kind, conflict, lang)


@bp.route("/risks/<int:risk_id>/remove", methods=["POST"])
@requires(Permission.EDIT_DPIA)
def risk_remove(risk_id: int) -> Response:
    risk = db.get_or_404(Risk, risk_id)
    dpia = risk.dpia
    try:
        draft = services.remove_risk(db.session(), risk)
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        _saved(dpia, draft)
    return _to_view(dpia.system_id, "risks")


# --- suggestions --------------------------------------------------------------------------------------------


@bp.route("/dpia/<int:dpia_id>/suggestions/accept", methods=["POST"])
@requires(Permission.EDIT_DPIA)
def suggestion_accept(dpia_id: int) -> Response:
    dpia = db.get_or_404(Dpia, dpia_id)
    # The DPO's edits over the suggested defaults; a field left empty keeps the default.
    edits = {
        key: value.strip()
        for key in ("title", "inherent_likelihood", "inherent_consequence")
        if (value := request.form.get(key, "")).strip()
    }
    try:
        risk = services.accept_suggestion(
            db.session(), dpia, request.form.get("key", ""), current_language(), edits
        )
    except DomainError as exc:
        flash(exc.message, "error")
        return _to_view(dpia.system_id, "suggestions")
    _saved(dpia, risk.dpia)
    return _to_view(dpia.system_id, "risks")


@bp.route("/dpia/<int:dpia_id>/suggestions/dismiss", methods=["POST"])
@requires(Permission.EDIT_DPIA)
def suggestion_dismiss(dpia_id: int) -> Response:
    dpia = db.get_or_404(Dpia, dpia_id)
    try:
        services.dismiss_suggestion(
            db.session(),
            dpia,
            request.form.get("key", ""),
            current_language(),
            request.form.get("reason", ""),
        )
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        flash(_("Suggestion dismissed. It stays dismissed until you restore it."), "success")
    return _to_view(dpia.system_id, "suggestions")


@bp.route("/systems/<int:system_id>/dismissals/<int:dismissal_id>/restore", methods=["POST"])
@requires(Permission.EDIT_DPIA)
def suggestion_restore(system_id: int, dismissal_id: int) -> Response:
    db.get_or_404(System, system_id)
    try:
        services.restore_suggestion(db.session(), system_id, dismissal_id)
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        flash(_("Suggestion restored."), "success")
    return _to_view(system_id, "suggestions")


# --- submission ---------------------------------------------------------------------------------------------


@bp.route("/dpia/<int:dpia_id>/submit", methods=["POST"])
@requires(Permission.EDIT_DPIA)
def submit(dpia_id: int) -> Response:
    dpia = db.get_or_404(Dpia, dpia_id)
    raw = request.form.get("meeting_on", "").strip()
    meeting_on = None
    if raw:
        try:
            meeting_on = dt.date.fromisoformat(raw)
        except ValueError:
            flash(_("Not a date: %(value)s.", value=raw[:40]), "error")
            return _to_view(dpia.system_id, "submit")
    try:
        approval.submit(db.session(), dpia, current_language(), meeting_on)
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        body = dpia.body.name if dpia.body else ""
        flash(_("Version %(n)s submitted to %(body)s.", n=dpia.number, body=body), "success")
    return _to_view(dpia.system_id)
