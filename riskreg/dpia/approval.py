"""The approval chain's services: submission, decisions, withdrawals, corrections, agendas (domain §6).

The rules are the state machine in ``riskreg.dpia.workflow``; the level a body decides on is the system
residual risk (``riskreg.dpia.system_risk``). Every function changes all or nothing and raises
``DomainError`` with a message for the user.
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
from riskreg.catalogue import format_day
from riskreg.db import utcnow
from riskreg.dpia import system_risk, workflow
from riskreg.dpia.models import Decision, Dpia, Risk
from riskreg.dpia.residual import SystemResidual
from riskreg.dpia.services import text_value
from riskreg.enums import (
    DecisionOutcome,
    DpiaState,
    RiskLevel,
    Role,
)
from riskreg.errors import DomainError
from riskreg.services import commit
from riskreg.systems.models import System

DECISION_TEXT_MAX = {"case_number": 60, "conditions": 4000, "rationale": 8000, "alternative": 1000}


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
    texts = {key: text_value(values, key, limit) for key, limit in DECISION_TEXT_MAX.items()}
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
    reason = text_value(values, "reason", WITHDRAWAL_REASON_MAX)
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
    reason = text_value(values, "correction_reason", WITHDRAWAL_REASON_MAX)
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
