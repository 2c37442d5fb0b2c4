"""The approval chain as a state machine (domain §2, §6). No Flask, no database: facts in, next step out.

A submitted DPIA goes before the first body of the chain. Each body records one decision per meeting on the
*system's* residual risk (the DPIA's risks and the transfer facts together):

- *approved* / *approved with conditions* accept the residual risk and close the case. A body may accept a
  residual risk only up to its ceiling; above it, approval is refused and the case must be escalated. No body
  may approve while approval is *blocked* (a transfer without a basis, or of unknown basis): accepting a risk
  does not make an unlawful transfer lawful. Only the closing body's decision sets the system's status.
- *rejected* at a body that is not the last sends the case on to the next body automatically; that body may
  uphold the rejection (reject again: the case moves on again) or overturn it (approve, within its ceiling
  and only if approval is not blocked). *Rejected* at the last body is final: the system is rejected.
- *postponed* keeps the case before the same body until the named later meeting.
- *escalated* passes the case on to the next body without deciding it; the last body cannot escalate.
- *withdrawn*: the requester drops a case that has been rejected at least once and is before a later body;
  the case closes and the system is rejected.
- A *correction* replaces the latest decision of a case: the case goes back to where it stood before that
  decision, and the correction's own outcome is applied by the rules above.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from riskreg.catalogue import format_day, label_in, translate
from riskreg.enums import DecisionOutcome, DpiaState, RiskLevel, SystemStatus
from riskreg.vocabulary import N_

APPROVALS = frozenset({DecisionOutcome.APPROVED, DecisionOutcome.APPROVED_WITH_CONDITIONS})
#: The system's status after each outcome.
STATUS_AFTER = {
    DecisionOutcome.APPROVED: SystemStatus.APPROVED,
    DecisionOutcome.APPROVED_WITH_CONDITIONS: SystemStatus.APPROVED_WITH_CONDITIONS,
    DecisionOutcome.REJECTED: SystemStatus.REJECTED,
    DecisionOutcome.POSTPONED: SystemStatus.POSTPONED,
    DecisionOutcome.ESCALATED: SystemStatus.IN_ASSESSMENT,
    DecisionOutcome.WITHDRAWN: SystemStatus.REJECTED,
}
#: Outcomes a body records at a meeting (a withdrawal is the requester's, not a body's).
BODY_OUTCOMES: tuple[DecisionOutcome, ...] = tuple(
    o for o in DecisionOutcome if o != DecisionOutcome.WITHDRAWN
)


@dataclass(frozen=True)
class Body:
    id: int
    name: str
    ceiling: RiskLevel


@dataclass(frozen=True)
class Case:
    """What the chain needs to know about a DPIA version."""

    state: DpiaState
    body_id: int | None  # the body it is before, while in review
    residual: RiskLevel
    chain: Sequence[Body]  # the active bodies, first to last
    meeting_on: dt.date | None = None  # the meeting it is on the agenda of
    #: Why no body may approve it (a transfer without a basis, or of unknown basis), one text per transfer.
    blockers: Sequence[str] = ()
    blocked: bool = False
    #: A body has rejected it (and it went on): the requester may withdraw it.
    was_rejected: bool = False

    @property
    def approval_blocked(self) -> bool:
        return self.blocked or bool(self.blockers)


@dataclass(frozen=True)
class Proposal:
    """A decision as a body (or the DPO recording it) enters it."""

    body_id: int
    outcome: DecisionOutcome
    meeting_on: dt.date
    residual_accepted: bool = False
    conditions: str = ""
    next_meeting_on: dt.date | None = None


@dataclass(frozen=True)
class Recorded:
    """A decision already recorded on the case, as the chain needs to know it for a correction."""

    body_id: int
    outcome: DecisionOutcome
    meeting_on: dt.date


@dataclass(frozen=True)
class Step:
    """Where the case goes."""

    state: DpiaState
    body_id: int | None
    meeting_on: dt.date | None
    system_status: SystemStatus


@dataclass
class WorkflowError(Exception):
    """A transition the chain does not allow; ``message(lang)`` says why."""

    msgid: str
    params: dict[str, str] = field(default_factory=dict)
    field: str | None = None

    def __post_init__(self) -> None:
        super().__init__(self.msgid)

    def message(self, lang: str) -> str:
        return translate(lang, self.msgid, **self.params)


def _position(chain: Sequence[Body], body_id: int | None) -> int:
    for i, body in enumerate(chain):
        if body.id == body_id:
            return i
    raise WorkflowError(N_("The body the case is before is no longer in the chain. Ask an administrator."))


def submit(case: Case, meeting_on: dt.date | None = None) -> Step:
    """A draft goes before the first body of the chain."""
    if case.state != DpiaState.DRAFT:
        raise WorkflowError(N_("Only a draft can be submitted; this version has already been submitted."))
    if not case.chain:
        raise WorkflowError(
            N_("There is no approval body to submit to. Ask an administrator to set up the chain.")
        )
    return Step(DpiaState.IN_REVIEW, case.chain[0].id, meeting_on, SystemStatus.IN_ASSESSMENT)


def can_accept(body: Body, residual: RiskLevel) -> bool:
    return residual.rank <= body.ceiling.rank


def allowed(case: Case, body_id: int) -> list[DecisionOutcome]:
    """The outcomes ``body_id`` may record on the case now (empty when it is not before that body)."""
    if case.state != DpiaState.IN_REVIEW or case.body_id != body_id:
        return []
    index = _position(case.chain, body_id)
    outcomes: list[DecisionOutcome] = []
    for outcome in BODY_OUTCOMES:
        if outcome in APPROVALS and (
            case.approval_blocked or not can_accept(case.chain[index], case.residual)
        ):
            continue
        if outcome == DecisionOutcome.ESCALATED and index == len(case.chain) - 1:
            continue
        outcomes.append(outcome)
    return outcomes


def decide(case: Case, proposal: Proposal, lang: str = "da") -> Step:
    """The step a decision causes, or a WorkflowError saying why the chain refuses it."""
    if case.state != DpiaState.IN_REVIEW:
        raise WorkflowError(
            N_("This DPIA version is not before a body (it is %(state)s)."),
            {"state": label_in(lang, case.state).lower()},
        )
    index = _position(case.chain, case.body_id)
    body = case.chain[index]
    if proposal.body_id != body.id:
        other = next((b.name for b in case.chain if b.id == proposal.body_id), "?")
        raise WorkflowError(
            N_("The case is before %(current)s, not %(body)s."),
            {"current": body.name, "body": other},
            field="body",
        )
    if case.meeting_on is not None and proposal.meeting_on < case.meeting_on:
        # A postponed case cannot be decided at a meeting before the one it was postponed to.
        raise WorkflowError(
            N_(
                "The case is on the agenda of the meeting on %(date)s; "
                "it cannot be decided at an earlier one."
            ),
            {"date": format_day(lang, case.meeting_on)},
            field="meeting_on",
        )
    outcome = proposal.outcome
    is_last = index == len(case.chain) - 1
    if outcome == DecisionOutcome.WITHDRAWN:
        raise WorkflowError(
            N_("A withdrawal is the requester's, not a body's decision: record it as a withdrawal."),
            field="outcome",
        )
    if outcome in APPROVALS:
        if case.approval_blocked:
            raise WorkflowError(
                N_(
                    "No body may approve this case: %(why)s. Accepting a risk does not make an unlawful "
                    "transfer lawful; reject, postpone or escalate it."
                ),
                {"why": "; ".join(case.blockers) or translate(lang, N_("a transfer has no known basis"))},
                field="outcome",
            )
        if not can_accept(body, case.residual):
            msgid = (
                N_(
                    "%(body)s may accept residual risk up to %(ceiling)s; this case's residual risk is "
                    "%(level)s. Escalate it to %(next)s."
                )
                if not is_last
                else N_(
                    "%(body)s may accept residual risk up to %(ceiling)s; this case's residual risk is "
                    "%(level)s. No body in the chain may accept it."
                )
            )
            raise WorkflowError(
                msgid,
                {
                    "body": body.name,
                    "ceiling": label_in(lang, body.ceiling).lower(),
                    "level": label_in(lang, case.residual).lower(),
                    "next": "" if is_last else case.chain[index + 1].name,
                },
                field="outcome",
            )
        if not proposal.residual_accepted:
            raise WorkflowError(
                N_(
                    "An approval accepts the residual risk: tick 'Residual risk accepted' "
                    "or choose another outcome."
                ),
                field="residual_accepted",
            )
        if outcome == DecisionOutcome.APPROVED_WITH_CONDITIONS and not proposal.conditions.strip():
            raise WorkflowError(N_("Write the conditions of the approval."), field="conditions")
        # Closed at this meeting: the case records the meeting that decided it.
        return Step(DpiaState.DECIDED, body.id, proposal.meeting_on, STATUS_AFTER[outcome])
    if proposal.residual_accepted:
        raise WorkflowError(
            N_("Only an approval accepts the residual risk; untick 'Residual risk accepted'."),
            field="residual_accepted",
        )
    if outcome == DecisionOutcome.REJECTED and is_last:
        return Step(DpiaState.DECIDED, body.id, proposal.meeting_on, STATUS_AFTER[outcome])
    if outcome == DecisionOutcome.POSTPONED:
        if proposal.next_meeting_on is None or proposal.next_meeting_on <= proposal.meeting_on:
            raise WorkflowError(
                N_("A postponed case needs the date of a later meeting."), field="next_meeting_on"
            )
        return Step(DpiaState.IN_REVIEW, body.id, proposal.next_meeting_on, STATUS_AFTER[outcome])
    # Rejected before the last body, or escalated: on to the next body (the system stays in assessment).
    if is_last:
        raise WorkflowError(
            N_("%(body)s is the final body; it approves, rejects or postpones."),
            {"body": body.name},
            field="outcome",
        )
    if proposal.next_meeting_on is not None and proposal.next_meeting_on <= proposal.meeting_on:
        raise WorkflowError(N_("The next body's meeting must come after this one."), field="next_meeting_on")
    return Step(
        DpiaState.IN_REVIEW, case.chain[index + 1].id, proposal.next_meeting_on, SystemStatus.IN_ASSESSMENT
    )


def may_withdraw(case: Case) -> bool:
    return case.state == DpiaState.IN_REVIEW and case.was_rejected


def withdraw(case: Case, on: dt.date, reason: str) -> Step:
    """The requester drops a rejected case before a later body decides it: closed, the system rejected."""
    if case.state != DpiaState.IN_REVIEW:
        raise WorkflowError(N_("Only a case before a body can be withdrawn."))
    if not case.was_rejected:
        raise WorkflowError(
            N_("Only a case a body has rejected can be withdrawn; this one has not been rejected.")
        )
    if not reason.strip():
        raise WorkflowError(N_("Write why the request is withdrawn."), field="reason")
    _position(case.chain, case.body_id)
    return Step(DpiaState.DECIDED, case.body_id, on, STATUS_AFTER[DecisionOutcome.WITHDRAWN])


def before(case: Case, corrected: Recorded, earlier: Sequence[Recorded]) -> Case:
    """The case as it stood before ``corrected`` (its latest decision), with ``earlier`` still in force."""
    return replace(
        case,
        state=DpiaState.IN_REVIEW,
        body_id=corrected.body_id,
        meeting_on=corrected.meeting_on,
        was_rejected=any(r.outcome == DecisionOutcome.REJECTED for r in earlier),
    )


def correct(
    case: Case,
    corrected: Recorded,
    earlier: Sequence[Recorded],
    proposal: Proposal,
    lang: str = "da",
    reason: str = "",
) -> Step:
    """The step a correction of the case's latest decision causes: back to before it, then its own outcome."""
    if not reason.strip():
        raise WorkflowError(N_("Write why the decision is corrected."), field="reason")
    if case.state == DpiaState.SUPERSEDED:
        raise WorkflowError(
            N_(
                "A later version of the DPIA has been submitted; "
                "this version's decisions can no longer be corrected."
            )
        )
    restored = before(case, corrected, earlier)
    if proposal.outcome == DecisionOutcome.WITHDRAWN:
        return withdraw(restored, proposal.meeting_on, reason)
    return decide(restored, proposal, lang)
