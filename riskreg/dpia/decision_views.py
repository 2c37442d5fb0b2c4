"""Pages of the approval chain: recording a body's decision, agendas and minutes."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from riskreg.auth.permissions import Permission, requires
from riskreg.bodies.models import ApprovalBody
from riskreg.dpia import agenda_items, approval, minutes, system_risk, workflow
from riskreg.dpia.decision_forms import CorrectionForm, DecisionForm, WithdrawalForm
from riskreg.dpia.models import Decision, Dpia
from riskreg.dpia.precedents import precedents_for
from riskreg.dpia.scoring import ReductionFlag
from riskreg.dpia.system_risk import residuals
from riskreg.enums import DpiaState
from riskreg.errors import ConflictError, DomainError
from riskreg.extensions import db
from riskreg.forms import select_choices, show_error
from riskreg.i18n import current_language
from riskreg.labels import label
from riskreg.services import check_version
from riskreg.views import save_form

bp = Blueprint("decisions", __name__)

#: Where a refusal of the service or the chain is shown on the form.
ERROR_FIELDS = {"body": "body_id"}


def _dpia_tab(system_id: int) -> str:
    return url_for("dpia.view", system_id=system_id)


def _offer_alternatives(form: DecisionForm, dpia: Dpia) -> None:
    form.alternative_system_id.choices = select_choices(
        [("", _("— none —")), *approval.alternative_systems(db.session(), dpia)]
    )


def _case_context(dpia: Dpia) -> dict[str, Any]:
    """What the decision page and the agenda show about a case besides the DPIA itself."""
    return {
        "relies_on_users": minutes.flagged_risks(dpia, ReductionFlag.RELIES_ON_USERS),
        "no_measure": minutes.flagged_risks(dpia, ReductionFlag.NO_MEASURE),
    }


@bp.route("/dpia/<int:dpia_id>/decision", methods=["GET", "POST"])
@requires(Permission.RECORD_DECISION)
def new(dpia_id: int) -> Response | tuple[str, int]:
    session = db.session()
    dpia = session.get(Dpia, dpia_id)
    if dpia is None:
        abort(404)
    user = current_user._get_current_object()  # type: ignore[attr-defined]
    # A steering member outside every body may read the case but decides for none (the page says so).
    bodies = approval.bodies_user_may_decide_for(session, user)
    lang = current_language()
    residual = system_risk.residual_of(session, dpia.system_id, dpia)
    case = approval.case_of(session, dpia, lang, residual=residual)
    in_review = dpia.state == DpiaState.IN_REVIEW
    form = DecisionForm()
    form.body_id.choices = select_choices((b.id, b.name) for b in bodies)
    _offer_alternatives(form, dpia)
    own_ids = {b.id for b in bodies}
    if request.method == "GET":
        form.body_id.data = str(dpia.body_id if dpia.body_id in own_ids or not bodies else bodies[0].id)
        form.meeting_on.data = dpia.meeting_on
        form.case_number.data = dpia.system.journal_number
        form.version.data = str(dpia.version)
    status, conflict = 200, None
    if request.method == "POST":
        if not (in_review and bodies) or not form.validate_on_submit():  # the page says why
            status = 400
        else:
            try:
                loaded = form.version.data or ""
                check_version(session, dpia, loaded if loaded.isdigit() else None)
                decision = approval.record_decision(session, dpia, form.values(), user, lang)
            except ConflictError as exc:
                conflict, status = exc.message, 409
                form.version.data = str(dpia.version)
            except DomainError as exc:
                status = 400
                show_error(form, exc, fields=ERROR_FIELDS)
            else:
                flash(
                    _(
                        "Decision recorded: %(body)s, %(outcome)s.",
                        body=decision.body.name,
                        outcome=label(decision.outcome).lower(),
                    ),
                    "success",
                )
                return redirect(_dpia_tab(dpia.system_id))
    before = next((b for b in case.chain if b.id == dpia.body_id), None) if in_review else None
    return (
        render_template(
            "dpia/decision.html",
            dpia=dpia,
            system=dpia.system,
            form=form,
            in_review=in_review,
            has_body=bool(bodies),
            before=before,
            may_decide_now=in_review and dpia.body_id in own_ids,
            allowed=workflow.allowed(case, before.id) if before else [],
            case=case,
            residual=residual,
            lang=lang,
            may_withdraw=approval.may_withdraw(session, dpia),
            verdict=minutes.transfer_verdicts(session, [dpia.system_id]).get(dpia.system_id),
            precedents=precedents_for(session, dpia.system_id),
            conflict=conflict,
            dpia_tab=_dpia_tab(dpia.system_id),
            **_case_context(dpia),
        ),
        status,
    )


def _unchanged_case(session: Session, dpia: Dpia, form: Any) -> None:
    """Refuse a save made on a stale copy of the case (someone recorded a decision meanwhile)."""
    loaded = form.version.data or ""
    check_version(session, dpia, loaded if loaded.isdigit() else None)


@bp.route("/decision/<int:decision_id>/correct", methods=["GET", "POST"])
@requires(Permission.CORRECT_DECISION)
def correct(decision_id: int) -> Response | tuple[str, int]:
    """Correct a decision recorded by mistake: a new entry names it; the original stays, struck through."""
    session = db.session()
    decision = session.get(Decision, decision_id)
    if decision is None:
        abort(404)
    dpia = decision.dpia
    user = current_user._get_current_object()  # type: ignore[attr-defined]
    lang = current_language()
    form = CorrectionForm()
    form.body_id.choices = select_choices((b.id, b.name) for b in approval.chain_bodies(session))
    _offer_alternatives(form, dpia)
    if request.method == "GET":
        form.body_id.data = str(decision.body_id)
        form.meeting_on.data = decision.meeting_on
        form.case_number.data = decision.case_number

    def save() -> Decision:
        _unchanged_case(session, dpia, form)
        return approval.correct_decision(session, decision, form.values(), user, lang)

    return save_form(
        form,
        save,
        success=lambda c: _(
            "Decision corrected: %(body)s, %(outcome)s.", body=c.body.name, outcome=label(c.outcome).lower()
        ),
        redirect_to=_dpia_tab(dpia.system_id),
        template="dpia/correct.html",
        record=dpia,
        error_fields=ERROR_FIELDS,
        decision=decision,
        dpia=dpia,
        system=dpia.system,
        dpia_tab=_dpia_tab(dpia.system_id),
    )


@bp.route("/dpia/<int:dpia_id>/withdraw", methods=["GET", "POST"])
@requires(Permission.WITHDRAW_CASE)
def withdraw(dpia_id: int) -> Response | tuple[str, int]:
    """The requester drops a rejected case before a later body decides it."""
    session = db.session()
    dpia = session.get(Dpia, dpia_id)
    if dpia is None:
        abort(404)
    user = current_user._get_current_object()  # type: ignore[attr-defined]
    form = WithdrawalForm()

    def save() -> Decision:
        _unchanged_case(session, dpia, form)
        return approval.withdraw_case(session, dpia, form.values(), user, current_language())

    return save_form(
        form,
        save,
        success=_("The case has been withdrawn; the system is rejected."),
        redirect_to=_dpia_tab(dpia.system_id),
        template="dpia/withdraw.html",
        record=dpia,
        dpia=dpia,
        system=dpia.system,
        may_withdraw=approval.may_withdraw(session, dpia),
        dpia_tab=_dpia_tab(dpia.system_id),
    )


@bp.route("/agenda/")
@requires(Permission.READ)
def agendas() -> str:
    return render_template("dpia/agendas.html", meetings=approval.meetings(db.session()))


@bp.route("/agenda/<int:body_id>/<string:meeting>")
@requires(Permission.READ)
def agenda(body_id: int, meeting: str) -> str:
    session = db.session()
    body = session.get(ApprovalBody, body_id)
    on = minutes.parse_day(meeting)
    if body is None or on is None:
        abort(404)
    items = approval.agenda(session, body.id, on)
    entries = agenda_items.entries(agenda_items.items_of(session, body.id, on))
    # A case on an item is shown under it; the rest as before, numbered after the items.
    on_items = [c.dpia for e in entries for c in e.cases]
    loose = [i for i in items if i.dpia.id not in {d.id for d in on_items}]
    cases = [*on_items, *(i.dpia for i in loose)]
    verdicts = minutes.transfer_verdicts(session, (d.system_id for d in cases))
    return render_template(
        "dpia/agenda.html",
        body=body,
        on=on,
        entries=entries,
        numbered=max((e.item.position for e in entries), default=0),
        items=[(item, verdicts.get(item.dpia.system_id), _case_context(item.dpia)) for item in loose],
        verdicts=verdicts,
        context=_case_context,
        system_residuals=residuals(
            session, [d.system_id for d in cases], versions={d.system_id: d for d in cases}
        ),
        lang=current_language(),
        dpia_tab=_dpia_tab,
    )
