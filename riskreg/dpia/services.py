"""DPIAs: versions, sections, risks, suggestions, measures, submission and decisions (domain §5–§6).

Views call these; the rules themselves live in the plain modules beside (``scoring``, ``screening``,
``suggestions``, ``workflow``). Every function changes all or nothing and raises ``DomainError`` with a
message for the user.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from riskreg.auth.models import User
from riskreg.bodies.models import ApprovalBody
from riskreg.bodies.services import active_bodies
from riskreg.catalogue import format_day, translate
from riskreg.db import utcnow
from riskreg.dpia import prefill, screening, suggestions, system_risk, workflow
from riskreg.dpia.models import Decision, Dpia, Measure, Risk, SuggestionDismissal
from riskreg.dpia.residual import SystemResidual
from riskreg.enums import (
    DecisionOutcome,
    DpiaState,
    ListedProcessing,
    MeasureKind,
    RiskLevel,
    Role,
    Wp248Criterion,
)
from riskreg.errors import DomainError
from riskreg.services import assign, check_version, commit
from riskreg.systems.models import System
from riskreg.transfers import findings, sources

SECTION_FIELDS = ("description", "necessity", "subject_views", "dpo_opinion", "proposal")
SECTION_MAX = 20000
RISK_TEXT_MAX = {"title": 300, "owner": 200, "description": 4000, "rights": 2000, "residual_reason": 4000}
DECISION_TEXT_MAX = {"case_number": 60, "conditions": 4000, "rationale": 8000, "alternative": 1000}
MEASURE_NAME_MAX = 200
SCALED = ("inherent_likelihood", "inherent_consequence", "residual_likelihood", "residual_consequence")
RISK_COPY = (
    "position",
    "title",
    "description",
    "rights",
    *SCALED,
    "residual_reason",
    "owner",
    "suggestion_key",
)


# --- reading ------------------------------------------------------------------------------------------------


def versions(session: Session, system_id: int) -> list[Dpia]:
    """Every version of a system's DPIA, newest first."""
    return list(
        session.scalars(
            select(Dpia)
            .where(Dpia.system_id == system_id)
            .options(selectinload(Dpia.risks).selectinload(Risk.measures), selectinload(Dpia.decisions))
            .order_by(Dpia.number.desc())
        )
    )


def current_dpia(session: Session, system_id: int) -> Dpia | None:
    """The newest version of a system's DPIA, or None when none is started."""
    found = versions(session, system_id)
    return found[0] if found else None


def measure_name(measure: Measure, lang: str) -> str:
    """A shipped measure's name in the reader's language; a measure users added as they wrote it."""
    return translate(lang, measure.name) if measure.is_standard else measure.name


def measure_description(measure: Measure, lang: str) -> str:
    if measure.is_standard and measure.description:
        return translate(lang, measure.description)
    return measure.description


def measures(session: Session, *, include_archived: bool = False) -> list[Measure]:
    stmt = select(Measure).order_by(Measure.kind, Measure.name)
    if not include_archived:
        stmt = stmt.where(Measure.is_archived.is_(False))
    return list(session.scalars(stmt))


def screening_of(dpia: Dpia) -> screening.Screening:
    return screening.screen(
        (Wp248Criterion(c) for c in dpia.criteria), (ListedProcessing(v) for v in dpia.listed)
    )


# --- starting and versioning --------------------------------------------------------------------------------


def start_dpia(session: Session, system: System, lang: str) -> Dpia:
    """Version 1, prefilled from the register: description, screening criteria the facts show."""
    if current_dpia(session, system.id) is not None:
        raise DomainError(_("This system already has a DPIA."))
    if system.is_archived:
        raise DomainError(_("An archived system gets no new DPIA. Restore it first."))
    assessment = _assessment(session, system, lang)
    dpia = Dpia(
        system=system,
        number=1,
        state=DpiaState.DRAFT,
        criteria=[
            c.value
            for c in screening.criteria_from_facts(
                system.data_subjects,
                system.data_categories,
                system.subject_volume,
                system.has_ai,
                system.ai_output_in_decisions,
            )
        ],
        listed=[],
        description=prefill.describe(
            system, system.vendor.name, [d.name for d in system.departments], assessment, lang
        ),
    )
    session.add(dpia)
    commit(session)
    return dpia


def _copy(dpia: Dpia) -> Dpia:
    draft = Dpia(
        system_id=dpia.system_id,
        number=dpia.number + 1,
        state=DpiaState.DRAFT,
        criteria=list(dpia.criteria),
        listed=list(dpia.listed),
        **{f: getattr(dpia, f) for f in SECTION_FIELDS},
    )
    for risk in dpia.risks:
        copy = Risk(**{f: getattr(risk, f) for f in RISK_COPY})
        copy.measures = list(risk.measures)
        draft.risks.append(copy)
    return draft


def editable(session: Session, dpia: Dpia) -> Dpia:
    """The draft to change: ``dpia`` itself, or a new version copied from it when it has been submitted.

    Only the newest version can be changed; a new version is added to the session, not committed.
    """
    newest = session.scalar(select(func.max(Dpia.number)).where(Dpia.system_id == dpia.system_id))
    if dpia.number != newest:
        raise DomainError(_("Only the newest version of a DPIA can be changed."))
    if not dpia.is_frozen:
        return dpia
    draft = _copy(dpia)
    session.add(draft)
    return draft


def _counterpart(draft: Dpia, risk: Risk) -> Risk:
    """The risk in ``draft`` that stands for ``risk`` (itself, or its copy in a new version)."""
    if risk.dpia is draft:
        return risk
    return draft.risks[risk.dpia.risks.index(risk)]


# --- sections and screening ---------------------------------------------------------------------------------


def _text(values: dict[str, Any], key: str, limit: int, *, required: bool = False) -> str:
    value = (values.get(key) or "").strip()
    if required and not value:
        raise DomainError(_("This field is required."), field=key)
    if len(value) > limit:
        raise DomainError(_("At most %(n)s characters.", n=limit), field=key)
    return value


def save_sections(
    session: Session, dpia: Dpia, values: dict[str, Any], version: int | str | None = None
) -> Dpia:
    """Save screening and the text sections; returns the draft saved (a new version if it was frozen)."""
    check_version(session, dpia, version)
    clean: dict[str, Any] = {f: _text(values, f, SECTION_MAX) for f in SECTION_FIELDS if f in values}
    try:
        if "criteria" in values:
            clean["criteria"] = [
                c.value for c in Wp248Criterion if c in {Wp248Criterion(v) for v in values["criteria"]}
            ]
        if "listed" in values:
            clean["listed"] = [
                k.value for k in ListedProcessing if k in {ListedProcessing(v) for v in values["listed"]}
            ]
    except ValueError as exc:
        raise DomainError(_("Unknown screening criterion.")) from exc
    draft = editable(session, dpia)
    assign(draft, clean)
    commit(session)
    return draft


# --- risks --------------------------------------------------------------------------------------------------


def _scale(values: dict[str, Any], key: str, *, required: bool) -> int | None:
    raw = values.get(key)
    if raw in (None, ""):
        if required:
            raise DomainError(_("Choose 1, 2, 3 or 4."), field=key)
        return None
    try:
        number = int(raw)
    except (TypeError, ValueError):
        number = 0
    if number not in range(1, 5):
        raise DomainError(_("Choose 1, 2, 3 or 4."), field=key)
    return number


def _clean_risk(session: Session, values: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {
        key: _text(values, key, limit, required=key == "title") for key, limit in RISK_TEXT_MAX.items()
    }
    for key in ("inherent_likelihood", "inherent_consequence"):
        clean[key] = _scale(values, key, required=True)
    for key in ("residual_likelihood", "residual_consequence"):
        clean[key] = _scale(values, key, required=False)
    if (clean["residual_likelihood"] is None) != (clean["residual_consequence"] is None):
        missing = "residual_likelihood" if clean["residual_likelihood"] is None else "residual_consequence"
        raise DomainError(_("Give both the residual likelihood and consequence, or neither."), field=missing)
    residual = (clean["residual_likelihood"] or clean["inherent_likelihood"]) * (
        clean["residual_consequence"] or clean["inherent_consequence"]
    )
    if (
        residual != clean["inherent_likelihood"] * clean["inherent_consequence"]
        and not clean["residual_reason"]
    ):
        raise DomainError(
            _("Say why the residual risk differs from the inherent risk."), field="residual_reason"
        )
    try:
        ids = {int(i) for i in values.get("measure_ids") or ()}
    except (TypeError, ValueError) as exc:
        raise DomainError(_("Unknown measure."), field="measure_ids") from exc
    found = list(session.scalars(select(Measure).where(Measure.id.in_(ids)))) if ids else []
    if len(found) != len(ids):
        raise DomainError(_("Unknown measure."), field="measure_ids")
    clean["measures"] = found
    return clean


def add_risk(
    session: Session, dpia: Dpia, values: dict[str, Any], *, suggestion_key: str | None = None
) -> Risk:
    clean = _clean_risk(session, values)
    if any(m.is_archived for m in clean["measures"]):
        raise DomainError(_("An archived measure cannot be linked to a risk."), field="measure_ids")
    draft = editable(session, dpia)
    risk = Risk(
        position=max((r.position for r in draft.risks), default=0) + 1, suggestion_key=suggestion_key, **clean
    )
    draft.risks.append(risk)
    commit(session)
    return risk


def update_risk(
    session: Session, risk: Risk, values: dict[str, Any], version: int | str | None = None
) -> Risk:
    check_version(session, risk, version)
    clean = _clean_risk(session, values)
    newly_linked = {m.id for m in clean["measures"]} - {m.id for m in risk.measures}
    if any(m.is_archived and m.id in newly_linked for m in clean["measures"]):
        raise DomainError(_("An archived measure cannot be linked to a risk."), field="measure_ids")
    draft = editable(session, risk.dpia)
    target = _counterpart(draft, risk)
    assign(target, clean)
    commit(session)
    return target


def remove_risk(session: Session, risk: Risk) -> Dpia:
    """Take a risk out of the DPIA (out of a new version if it was submitted); old versions keep it."""
    draft = editable(session, risk.dpia)
    draft.risks.remove(_counterpart(draft, risk))
    commit(session)
    return draft


# --- suggestions --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SuggestionView:
    suggestion: suggestions.Suggestion
    title: str  # in the reader's language


def _assessment(session: Session, system: System, lang: str) -> findings.Assessment:
    """The system's transfers and exposure today, on the official list."""
    (assessment,) = findings.assess(
        session, sources.official_source(session, sources.today(), lang), [system.id]
    )
    return assessment


def _suggestions(session: Session, system: System, lang: str) -> list[suggestions.Suggestion]:
    assessment = _assessment(session, system, lang)
    return suggestions.suggest(system, assessment, lang)


def dismissed(session: Session, system_id: int) -> list[SuggestionDismissal]:
    return list(
        session.scalars(
            select(SuggestionDismissal)
            .where(SuggestionDismissal.system_id == system_id)
            .order_by(SuggestionDismissal.dismissed_at)
        )
    )


def pending_suggestions(session: Session, dpia: Dpia, lang: str) -> list[SuggestionView]:
    """What the facts suggest and the DPO has neither accepted into this DPIA nor dismissed."""
    taken = {r.suggestion_key for r in dpia.risks} | {d.key for d in dismissed(session, dpia.system_id)}
    return [
        SuggestionView(s, s.text(lang))
        for s in _suggestions(session, dpia.system, lang)
        if s.key not in taken
    ]


def _find_suggestion(session: Session, dpia: Dpia, key: str, lang: str) -> suggestions.Suggestion:
    for view in pending_suggestions(session, dpia, lang):
        if view.suggestion.key == key:
            return view.suggestion
    raise DomainError(_("This suggestion no longer applies, or it has been handled already."))


def accept_suggestion(
    session: Session, dpia: Dpia, key: str, lang: str, values: dict[str, Any] | None = None
) -> Risk:
    """Add the suggested risk, with the DPO's edits over the suggested defaults."""
    found = _find_suggestion(session, dpia, key, lang)
    merged = {
        "title": found.text(lang),
        "inherent_likelihood": found.likelihood,
        "inherent_consequence": found.consequence,
        **(values or {}),
    }
    return add_risk(session, dpia, merged, suggestion_key=found.key)


def dismiss_suggestion(session: Session, dpia: Dpia, key: str, lang: str, reason: str = "") -> None:
    found = _find_suggestion(session, dpia, key, lang)
    session.add(
        SuggestionDismissal(
            system_id=dpia.system_id,
            key=found.key,
            title=found.text(lang)[:300],
            reason=_text({"reason": reason}, "reason", 2000),
        )
    )
    commit(session, unique_message=_("This suggestion has been dismissed already."))


def restore_suggestion(session: Session, system_id: int, dismissal_id: int) -> None:
    found = session.get(SuggestionDismissal, dismissal_id)
    if found is None or found.system_id != system_id:
        raise DomainError(_("This suggestion is not dismissed."))
    session.delete(found)
    commit(session)


# --- measures library ---------------------------------------------------------------------------------------


def _clean_measure(session: Session, values: dict[str, Any], measure: Measure | None) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    if "name" in values:
        clean["name"] = " ".join((values.get("name") or "").split())
        if not clean["name"]:
            raise DomainError(_("The name is required."), field="name")
        if len(clean["name"]) > MEASURE_NAME_MAX:
            raise DomainError(_("At most %(n)s characters.", n=MEASURE_NAME_MAX), field="name")
        other = session.scalar(select(Measure).where(func.lower(Measure.name) == clean["name"].lower()))
        if other is not None and other is not measure:
            raise DomainError(_("A measure with this name already exists."), field="name")
    if "description" in values:
        clean["description"] = _text(values, "description", 4000)
    if "kind" in values:
        try:
            clean["kind"] = MeasureKind(values["kind"])
        except ValueError as exc:
            raise DomainError(_("Choose the kind of measure."), field="kind") from exc
    if "relies_on_users" in values:
        clean["relies_on_users"] = bool(values["relies_on_users"])
    return clean


def create_measure(session: Session, values: dict[str, Any]) -> Measure:
    clean = _clean_measure(session, {"description": "", "relies_on_users": False, **values}, None)
    if "kind" not in clean:
        raise DomainError(_("Choose the kind of measure."), field="kind")
    measure = Measure(**clean)
    session.add(measure)
    commit(session, unique_message=_("A measure with this name already exists."))
    return measure


def update_measure(
    session: Session, measure: Measure, values: dict[str, Any], version: int | str | None = None
) -> Measure:
    """Change a measure; a shipped measure keeps its name and description (they are translated)."""
    check_version(session, measure, version)
    if measure.is_standard:
        values = {k: v for k, v in values.items() if k not in ("name", "description")}
    assign(measure, _clean_measure(session, values, measure))
    commit(session, unique_message=_("A measure with this name already exists."))
    return measure


def set_measure_archived(session: Session, measure: Measure, archived: bool) -> None:
    """Archive a measure: risks keep it, new links cannot be made (nothing a DPIA refers to is deleted)."""
    measure.is_archived = archived
    commit(session)


# --- the approval chain -------------------------------------------------------------------------------------


def chain_bodies(session: Session) -> list[ApprovalBody]:
    return list(active_bodies(session))


def chain(session: Session) -> list[workflow.Body]:
    return [workflow.Body(b.id, b.name, b.residual_ceiling) for b in active_bodies(session)]


def in_force(dpia: Dpia) -> list[Decision]:
    """The decisions of a DPIA version that stand: those no correction has replaced, oldest first."""
    corrected = {d.corrects_id for d in dpia.decisions if d.corrects_id is not None}
    return [d for d in dpia.decisions if d.id not in corrected]


def case_of(
    session: Session, dpia: Dpia, lang: str = "da", *, residual: SystemResidual | None = None
) -> workflow.Case:
    """The case as the chain sees it: the *system's* residual risk decides, and what blocks approval."""
    found = residual if residual is not None else system_risk.residual_of(session, dpia.system_id, dpia)
    return workflow.Case(
        dpia.state,
        dpia.body_id,
        found.level or RiskLevel.LOW,
        chain(session),
        dpia.meeting_on,
        blockers=tuple(b.text(lang) for b in found.blockers),
        blocked=not found.may_be_approved,
        was_rejected=any(d.outcome == DecisionOutcome.REJECTED for d in in_force(dpia)),
    )


def _refused(exc: workflow.WorkflowError, lang: str) -> DomainError:
    return DomainError(exc.message(lang), field=exc.field)


def submit(session: Session, dpia: Dpia, lang: str, meeting_on: dt.date | None = None) -> Dpia:
    """Send a draft to the first body; an earlier version still in review is superseded by it."""
    if not dpia.description.strip():
        raise DomainError(_("Write the systematic description before submitting."), field="description")
    try:
        step = workflow.submit(case_of(session, dpia), meeting_on)
    except workflow.WorkflowError as exc:
        raise _refused(exc, lang) from exc
    for older in session.scalars(
        select(Dpia).where(
            Dpia.system_id == dpia.system_id, Dpia.id != dpia.id, Dpia.state == DpiaState.IN_REVIEW
        )
    ):
        older.state = DpiaState.SUPERSEDED
    _apply(dpia, step)
    dpia.submitted_at = utcnow()
    commit(session)
    return dpia


def _apply(dpia: Dpia, step: workflow.Step) -> None:
    dpia.state, dpia.body_id, dpia.meeting_on = step.state, step.body_id, step.meeting_on
    if dpia.system.status != step.system_status:
        dpia.system.status = step.system_status


def may_decide_for(user: User, body_id: int) -> bool:
    """Admins and the DPO record any body's decisions; a steering member only their own body's."""
    if user.role in (Role.ADMIN, Role.DPO):
        return True
    return user.role == Role.STEERING and user.approval_body_id == body_id


def bodies_user_may_decide_for(session: Session, user: User) -> list[ApprovalBody]:
    return [b for b in active_bodies(session) if may_decide_for(user, b.id)]


def alternative_systems(session: Session, dpia: Dpia) -> list[tuple[int, str]]:
    """(id, name) of the register's systems a body may offer instead of the case's system."""
    return [
        (sid, name)
        for sid, name in session.execute(
            select(System.id, System.name)
            .where(System.id != dpia.system_id, System.is_archived.is_(False))
            .order_by(func.lower(System.name))
        )
    ]


def _alternative_system(session: Session, values: dict[str, Any], dpia: Dpia) -> int | None:
    raw = values.get("alternative_system_id")
    if raw in (None, "", 0, "0"):
        return None
    try:
        found = session.get(System, int(raw))
    except (TypeError, ValueError):
        found = None
    if found is None or found.id == dpia.system_id:
        raise DomainError(_("Choose a system in the register, or none."), field="alternative_system_id")
    return found.id


def _proposal(
    session: Session, dpia: Dpia, values: dict[str, Any], user: User, outcomes: Sequence[DecisionOutcome]
) -> tuple[workflow.Proposal, dict[str, str], int | None]:
    """The decision as entered, checked for what the chain does not: who, which outcome, dates, texts."""
    try:
        body_id = int(values.get("body_id") or 0)
    except ValueError as exc:
        raise DomainError(_("Choose the body."), field="body_id") from exc
    try:
        outcome = DecisionOutcome(str(values.get("outcome") or ""))
    except ValueError as exc:
        raise DomainError(_("Choose the outcome."), field="outcome") from exc
    if outcome not in outcomes:
        raise DomainError(_("Choose the outcome."), field="outcome")
    if not may_decide_for(user, body_id):
        raise DomainError(_("You can record decisions only for your own body."), field="body_id")
    meeting_on, next_meeting_on = values.get("meeting_on"), values.get("next_meeting_on")
    if not isinstance(meeting_on, dt.date):
        raise DomainError(_("The meeting date is required."), field="meeting_on")
    if next_meeting_on is not None and not isinstance(next_meeting_on, dt.date):
        raise DomainError(_("Not a date: %(value)s.", value=next_meeting_on), field="next_meeting_on")
    texts = {key: _text(values, key, limit) for key, limit in DECISION_TEXT_MAX.items()}
    proposal = workflow.Proposal(
        body_id=body_id,
        outcome=outcome,
        meeting_on=meeting_on,
        residual_accepted=bool(values.get("residual_accepted")),
        conditions=texts["conditions"],
        next_meeting_on=next_meeting_on,
    )
    return proposal, texts, _alternative_system(session, values, dpia)


def _record(
    session: Session,
    dpia: Dpia,
    case: workflow.Case,
    step: workflow.Step,
    proposal: workflow.Proposal,
    user: User,
    texts: dict[str, str],
    **extra: Any,
) -> Decision:
    decision = Decision(
        dpia=dpia,
        body_id=proposal.body_id,
        meeting_on=proposal.meeting_on,
        outcome=proposal.outcome,
        residual_accepted=proposal.residual_accepted,
        # The level the body decided on: the system's residual risk, not the DPIA's alone.
        residual_level=case.residual,
        next_meeting_on=proposal.next_meeting_on,
        recorded_by_id=user.id,
        closes_case=step.state == DpiaState.DECIDED,
        **texts,
        **extra,
    )
    session.add(decision)
    if texts.get("case_number") and not dpia.system.journal_number:
        dpia.system.journal_number = texts["case_number"]
    _apply(dpia, step)
    return decision


def _finish(session: Session, commit_now: bool) -> None:
    if commit_now:
        commit(session)
    else:
        session.flush()


def record_decision(
    session: Session, dpia: Dpia, values: dict[str, Any], user: User, lang: str, *, commit_now: bool = True
) -> Decision:
    """Record a body's decision and move the case on; the chain refuses what it does not allow.

    With ``commit_now=False`` the decision is only flushed, so that several cases decided together (one agenda
    item) commit, or fail, as one.
    """
    proposal, texts, alternative_id = _proposal(session, dpia, values, user, workflow.BODY_OUTCOMES)
    case = case_of(session, dpia, lang)
    try:
        step = workflow.decide(case, proposal, lang)
    except workflow.WorkflowError as exc:
        raise _refused(exc, lang) from exc
    decision = _record(session, dpia, case, step, proposal, user, texts, alternative_system_id=alternative_id)
    _finish(session, commit_now)
    return decision


#: Who may withdraw a rejected case for the requester: the DPO and the system owner's side.
WITHDRAWING_ROLES = frozenset({Role.ADMIN, Role.DPO, Role.SECURITY})
#: Who may correct a decision recorded by mistake.
CORRECTING_ROLES = frozenset({Role.ADMIN, Role.DPO})
WITHDRAWAL_REASON_MAX = 4000


def may_withdraw(session: Session, dpia: Dpia) -> bool:
    """The case has been rejected and is before a later body: the requester may drop it."""
    return dpia.state == DpiaState.IN_REVIEW and any(
        d.outcome == DecisionOutcome.REJECTED for d in in_force(dpia)
    )


def withdraw_case(
    session: Session, dpia: Dpia, values: dict[str, Any], user: User, lang: str, *, commit_now: bool = True
) -> Decision:
    """The requester drops a rejected case (date and reason): the case closes, the system is rejected."""
    if user.role not in WITHDRAWING_ROLES:
        raise DomainError(_("Only the DPO or the system owner's side can withdraw a case."))
    on = values.get("withdrawn_on")
    if not isinstance(on, dt.date):
        raise DomainError(_("The date of the withdrawal is required."), field="withdrawn_on")
    reason = _text(values, "reason", WITHDRAWAL_REASON_MAX)
    case = case_of(session, dpia, lang)
    try:
        step = workflow.withdraw(case, on, reason)
    except workflow.WorkflowError as exc:
        raise _refused(exc, lang) from exc
    assert case.body_id is not None  # a case in review is before a body
    proposal = workflow.Proposal(body_id=case.body_id, outcome=DecisionOutcome.WITHDRAWN, meeting_on=on)
    decision = _record(session, dpia, case, step, proposal, user, {"rationale": reason})
    _finish(session, commit_now)
    return decision


def _recorded(decision: Decision) -> workflow.Recorded:
    return workflow.Recorded(decision.body_id, decision.outcome, decision.meeting_on)


def correct_decision(
    session: Session, decision: Decision, values: dict[str, Any], user: User, lang: str
) -> Decision:
    """Replace a decision recorded by mistake by a correction that names it; nothing is edited in place.

    Only the latest decision of a case can be corrected: the case goes back to where it stood before it, and
    the correction's own outcome is applied by the chain's rules.
    """
    if user.role not in CORRECTING_ROLES:
        raise DomainError(_("Only the DPO or an administrator can correct a decision."))
    dpia = decision.dpia
    latest = max(dpia.decisions, key=lambda d: d.id)
    if latest.id != decision.id:
        raise DomainError(
            _(
                "Only the latest decision of a case can be corrected; %(body)s recorded a later one on "
                "%(date)s. Correct that one first.",
                body=latest.body.name,
                date=format_day(lang, latest.meeting_on),
            )
        )
    reason = _text(values, "correction_reason", WITHDRAWAL_REASON_MAX)
    earlier = [_recorded(d) for d in in_force(dpia) if d.id != decision.id]
    case = case_of(session, dpia, lang)
    if values.get("outcome") == DecisionOutcome.WITHDRAWN.value:
        values = {**values, "body_id": decision.body_id}
    proposal, texts, alternative_id = _proposal(session, dpia, values, user, tuple(DecisionOutcome))
    try:
        step = workflow.correct(case, _recorded(decision), earlier, proposal, lang, reason)
    except workflow.WorkflowError as exc:
        if exc.field == "reason":
            exc.field = "correction_reason"
        raise _refused(exc, lang) from exc
    restored = workflow.before(case, _recorded(decision), earlier)
    correction = _record(
        session,
        dpia,
        restored,
        step,
        proposal,
        user,
        texts,
        alternative_system_id=alternative_id,
        corrects=decision,
        correction_reason=reason,
    )
    commit(session)
    return correction


# --- agendas and minutes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Meeting:
    body: ApprovalBody
    on: dt.date
    open_cases: int
    decisions: int


def meetings(session: Session) -> list[Meeting]:
    """Every (body, meeting date) with cases on its agenda or decisions in its minutes, newest first."""
    counts: dict[tuple[int | None, dt.date | None], list[int]] = {}
    for body_id, on, n in session.execute(
        select(Dpia.body_id, Dpia.meeting_on, func.count())
        .where(Dpia.state == DpiaState.IN_REVIEW, Dpia.meeting_on.is_not(None))
        .group_by(Dpia.body_id, Dpia.meeting_on)
    ):
        counts.setdefault((body_id, on), [0, 0])[0] += n
    for body_id, on, n in session.execute(
        select(Decision.body_id, Decision.meeting_on, func.count()).group_by(
            Decision.body_id, Decision.meeting_on
        )
    ):
        counts.setdefault((body_id, on), [0, 0])[1] += n
    bodies = {b.id: b for b in session.scalars(select(ApprovalBody))}
    found = [
        Meeting(bodies[b], on, c[0], c[1])
        for (b, on), c in counts.items()
        if b is not None and on is not None
    ]
    return sorted(found, key=lambda m: (m.on, -m.body.position), reverse=True)


@dataclass(frozen=True)
class AgendaItem:
    dpia: Dpia
    decision: Decision | None  # the decision recorded at this meeting, once there is one


def agenda(session: Session, body_id: int, on: dt.date) -> list[AgendaItem]:
    """The cases before a body at a meeting: those still open, and those it decided there, by system name."""
    decided = list(
        session.scalars(
            select(Decision)
            .where(Decision.body_id == body_id, Decision.meeting_on == on)
            .options(selectinload(Decision.dpia).selectinload(Dpia.risks).selectinload(Risk.measures))
        )
    )
    open_ = session.scalars(
        select(Dpia)
        .where(Dpia.state == DpiaState.IN_REVIEW, Dpia.body_id == body_id, Dpia.meeting_on == on)
        .options(selectinload(Dpia.risks).selectinload(Risk.measures))
    )
    done = {d.dpia_id for d in decided}
    items = [AgendaItem(d.dpia, d) for d in decided] + [
        AgendaItem(p, None) for p in open_ if p.id not in done
    ]
    return sorted(items, key=lambda i: (i.dpia.system.name.lower(), i.dpia.number))


def overdue_cases(session: Session, today: dt.date, limit: int = 20) -> list[Dpia]:
    """Cases still in review whose meeting has passed (postponed ones included)."""
    return list(
        session.scalars(
            select(Dpia)
            .where(Dpia.state == DpiaState.IN_REVIEW, Dpia.meeting_on < today)
            .order_by(Dpia.meeting_on)
            .limit(limit)
        )
    )
