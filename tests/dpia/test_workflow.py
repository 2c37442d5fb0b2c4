"""The approval chain as a state machine (no database): each legal step works, each illegal one is refused."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from riskreg.dpia import workflow
from riskreg.dpia.workflow import Body, Case, Proposal, Step, WorkflowError
from riskreg.enums import DecisionOutcome as O
from riskreg.enums import DpiaState, RiskLevel, SystemStatus

FIRST = Body(1, "Systemgodkendelsesgruppen", RiskLevel.MEDIUM)
SECOND = Body(2, "Styregruppen for IT-sikkerhed", RiskLevel.HIGH)
FINAL = Body(3, "Direktionen", RiskLevel.VERY_HIGH)
CHAIN = (FIRST, SECOND, FINAL)
MEETING = dt.date(2026, 6, 10)
LATER = dt.date(2026, 7, 1)
EARLIER = dt.date(2026, 5, 1)
LEVELS = list(RiskLevel)


def case(body: Body | None = FIRST, residual: RiskLevel = RiskLevel.LOW, **kwargs: object) -> Case:
    fields: dict[str, object] = {
        "state": DpiaState.IN_REVIEW,
        "body_id": body.id if body else None,
        "residual": residual,
        "chain": CHAIN,
        "meeting_on": MEETING,
        **kwargs,
    }
    return Case(**fields)  # type: ignore[arg-type]


def proposal(body: Body, outcome: O, **kwargs: object) -> Proposal:
    """A well-formed proposal for ``outcome``: what a careful secretary would enter."""
    fields: dict[str, object] = {
        "body_id": body.id,
        "outcome": outcome,
        "meeting_on": MEETING,
        "residual_accepted": outcome in workflow.APPROVALS,
        "conditions": "Only staff accounts." if outcome == O.APPROVED_WITH_CONDITIONS else "",
        "next_meeting_on": LATER if outcome == O.POSTPONED else None,
        **kwargs,
    }
    return Proposal(**fields)  # type: ignore[arg-type]


def refused(c: Case, p: Proposal) -> WorkflowError:
    with pytest.raises(WorkflowError) as info:
        workflow.decide(c, p, "en")
    return info.value


# --- submitting -------------------------------------------------------------------------------------------


def test_a_draft_goes_before_the_first_body() -> None:
    step = workflow.submit(case(None, state=DpiaState.DRAFT, meeting_on=None), MEETING)
    assert step == Step(DpiaState.IN_REVIEW, FIRST.id, MEETING, SystemStatus.IN_ASSESSMENT)


@pytest.mark.parametrize("state", [DpiaState.IN_REVIEW, DpiaState.DECIDED, DpiaState.SUPERSEDED])
def test_only_a_draft_can_be_submitted(state: DpiaState) -> None:
    with pytest.raises(WorkflowError, match="Only a draft"):
        workflow.submit(case(state=state), MEETING)


def test_no_submission_without_a_chain() -> None:
    with pytest.raises(WorkflowError, match="no approval body"):
        workflow.submit(case(None, state=DpiaState.DRAFT, chain=()), MEETING)


# --- legal decisions --------------------------------------------------------------------------------------

LEGAL = [
    # body, residual, outcome, extra proposal fields -> expected step
    (FIRST, RiskLevel.LOW, O.APPROVED, {}, Step(DpiaState.DECIDED, 1, MEETING, SystemStatus.APPROVED)),
    (FIRST, RiskLevel.MEDIUM, O.APPROVED, {}, Step(DpiaState.DECIDED, 1, MEETING, SystemStatus.APPROVED)),
    (
        FIRST,
        RiskLevel.MEDIUM,
        O.APPROVED_WITH_CONDITIONS,
        {},
        Step(DpiaState.DECIDED, 1, MEETING, SystemStatus.APPROVED_WITH_CONDITIONS),
    ),
    (SECOND, RiskLevel.HIGH, O.APPROVED, {}, Step(DpiaState.DECIDED, 2, MEETING, SystemStatus.APPROVED)),
    (FINAL, RiskLevel.VERY_HIGH, O.APPROVED, {}, Step(DpiaState.DECIDED, 3, MEETING, SystemStatus.APPROVED)),
    (
        FINAL,
        RiskLevel.VERY_HIGH,
        O.APPROVED_WITH_CONDITIONS,
        {},
        Step(DpiaState.DECIDED, 3, MEETING, SystemStatus.APPROVED_WITH_CONDITIONS),
    ),
    # Rejection needs no mandate: any body, any level. Before the last body it goes on to the next body (at
    # its meeting if known) and the system stays in assessment; at the last body it is final.
    (
        FIRST,
        RiskLevel.VERY_HIGH,
        O.REJECTED,
        {},
        Step(DpiaState.IN_REVIEW, 2, None, SystemStatus.IN_ASSESSMENT),
    ),
    (
        FIRST,
        RiskLevel.LOW,
        O.REJECTED,
        {"next_meeting_on": LATER},
        Step(DpiaState.IN_REVIEW, 2, LATER, SystemStatus.IN_ASSESSMENT),
    ),
    (SECOND, RiskLevel.LOW, O.REJECTED, {}, Step(DpiaState.IN_REVIEW, 3, None, SystemStatus.IN_ASSESSMENT)),
    (FINAL, RiskLevel.HIGH, O.REJECTED, {}, Step(DpiaState.DECIDED, 3, MEETING, SystemStatus.REJECTED)),
    (SECOND, RiskLevel.MEDIUM, O.POSTPONED, {}, Step(DpiaState.IN_REVIEW, 2, LATER, SystemStatus.POSTPONED)),
    # Postponed: the same body, the later meeting.
    (FIRST, RiskLevel.HIGH, O.POSTPONED, {}, Step(DpiaState.IN_REVIEW, 1, LATER, SystemStatus.POSTPONED)),
    (FINAL, RiskLevel.LOW, O.POSTPONED, {}, Step(DpiaState.IN_REVIEW, 3, LATER, SystemStatus.POSTPONED)),
    # Escalated: the next body, at its meeting if known; even a body that could approve may escalate.
    (FIRST, RiskLevel.HIGH, O.ESCALATED, {}, Step(DpiaState.IN_REVIEW, 2, None, SystemStatus.IN_ASSESSMENT)),
    (
        FIRST,
        RiskLevel.LOW,
        O.ESCALATED,
        {"next_meeting_on": LATER},
        Step(DpiaState.IN_REVIEW, 2, LATER, SystemStatus.IN_ASSESSMENT),
    ),
    (
        SECOND,
        RiskLevel.VERY_HIGH,
        O.ESCALATED,
        {},
        Step(DpiaState.IN_REVIEW, 3, None, SystemStatus.IN_ASSESSMENT),
    ),
]


@pytest.mark.parametrize(("body", "residual", "outcome", "extra", "expected"), LEGAL)
def test_legal_decisions(
    body: Body, residual: RiskLevel, outcome: O, extra: dict[str, object], expected: Step
) -> None:
    assert workflow.decide(case(body, residual), proposal(body, outcome, **extra)) == expected


def test_a_postponed_case_is_decided_at_its_later_meeting() -> None:
    postponed = case(FIRST, RiskLevel.LOW, meeting_on=LATER)
    step = workflow.decide(postponed, proposal(FIRST, O.APPROVED, meeting_on=LATER))
    assert step.state == DpiaState.DECIDED and step.system_status == SystemStatus.APPROVED


def test_a_case_without_a_meeting_may_be_decided_on_any_date() -> None:
    step = workflow.decide(case(FINAL, meeting_on=None), proposal(FINAL, O.REJECTED, meeting_on=EARLIER))
    assert step.state == DpiaState.DECIDED


# --- illegal decisions ------------------------------------------------------------------------------------


@pytest.mark.parametrize("state", [DpiaState.DRAFT, DpiaState.DECIDED, DpiaState.SUPERSEDED])
@pytest.mark.parametrize("outcome", list(O))
def test_only_a_case_in_review_can_be_decided(state: DpiaState, outcome: O) -> None:
    error = refused(case(FIRST, state=state), proposal(FIRST, outcome))
    assert "not before a body" in error.message("en")


@pytest.mark.parametrize("outcome", list(O))
def test_another_body_cannot_decide(outcome: O) -> None:
    error = refused(case(SECOND), proposal(FIRST, outcome))
    assert error.field == "body"
    assert (
        error.message("en")
        == "The case is before Styregruppen for IT-sikkerhed, not Systemgodkendelsesgruppen."
    )


@pytest.mark.parametrize(
    ("body", "residual", "next_body"),
    [
        (FIRST, RiskLevel.HIGH, SECOND),
        (FIRST, RiskLevel.VERY_HIGH, SECOND),
        (SECOND, RiskLevel.VERY_HIGH, FINAL),
    ],
)
@pytest.mark.parametrize("outcome", sorted(workflow.APPROVALS))
def test_approval_above_the_ceiling_names_the_next_body(
    body: Body, residual: RiskLevel, next_body: Body, outcome: O
) -> None:
    error = refused(case(body, residual), proposal(body, outcome))
    assert error.field == "outcome"
    message = error.message("en")
    assert body.name in message and f"Escalate it to {next_body.name}" in message


def test_approval_above_the_final_ceiling_is_refused_without_a_next_body() -> None:
    capped = (FIRST, SECOND, replace(FINAL, ceiling=RiskLevel.HIGH))
    error = refused(case(capped[2], RiskLevel.VERY_HIGH, chain=capped), proposal(capped[2], O.APPROVED))
    assert "No body in the chain may accept it" in error.message("en")


@pytest.mark.parametrize("outcome", sorted(workflow.APPROVALS))
def test_approval_must_accept_the_residual_risk(outcome: O) -> None:
    error = refused(case(FIRST), proposal(FIRST, outcome, residual_accepted=False))
    assert error.field == "residual_accepted"


@pytest.mark.parametrize("conditions", ["", "   \n "])
def test_approval_with_conditions_needs_conditions(conditions: str) -> None:
    error = refused(case(FIRST), proposal(FIRST, O.APPROVED_WITH_CONDITIONS, conditions=conditions))
    assert error.field == "conditions"


@pytest.mark.parametrize("outcome", [O.REJECTED, O.POSTPONED, O.ESCALATED])
def test_only_an_approval_accepts_the_residual_risk(outcome: O) -> None:
    error = refused(case(FIRST), proposal(FIRST, outcome, residual_accepted=True))
    assert error.field == "residual_accepted"


@pytest.mark.parametrize("next_meeting", [None, MEETING, EARLIER])
def test_postponing_needs_a_later_meeting(next_meeting: dt.date | None) -> None:
    error = refused(case(FIRST), proposal(FIRST, O.POSTPONED, next_meeting_on=next_meeting))
    assert error.field == "next_meeting_on"


@pytest.mark.parametrize("outcome", [O.ESCALATED, O.REJECTED])
@pytest.mark.parametrize("next_meeting", [MEETING, EARLIER])
def test_passing_on_cannot_name_an_earlier_meeting_of_the_next_body(
    next_meeting: dt.date, outcome: O
) -> None:
    error = refused(case(FIRST), proposal(FIRST, outcome, next_meeting_on=next_meeting))
    assert error.field == "next_meeting_on"


def test_the_final_body_cannot_escalate() -> None:
    error = refused(case(FINAL), proposal(FINAL, O.ESCALATED))
    assert error.field == "outcome" and "Direktionen is the final body" in error.message("en")


@pytest.mark.parametrize("outcome", workflow.BODY_OUTCOMES)
def test_no_decision_at_a_meeting_before_the_one_the_case_is_on(outcome: O) -> None:
    postponed = case(FIRST, meeting_on=LATER)
    error = refused(postponed, proposal(FIRST, outcome, meeting_on=MEETING, next_meeting_on=LATER))
    assert error.field == "meeting_on"


def test_a_body_no_longer_in_the_chain_cannot_decide() -> None:
    error = refused(case(FIRST, chain=(SECOND, FINAL)), proposal(FIRST, O.REJECTED))
    assert "no longer in the chain" in error.message("en")


# --- what a body may record now ---------------------------------------------------------------------------

ALL = set(workflow.BODY_OUTCOMES)
NO_APPROVAL = {O.REJECTED, O.POSTPONED, O.ESCALATED}
ALLOWED = {
    # body: outcomes per residual level low, medium, high, very high
    FIRST: [ALL, ALL, NO_APPROVAL, NO_APPROVAL],
    SECOND: [ALL, ALL, ALL, NO_APPROVAL],
    FINAL: [ALL - {O.ESCALATED}] * 4,
}


@pytest.mark.parametrize("body", CHAIN, ids=lambda b: b.name)
@pytest.mark.parametrize("residual", LEVELS)
def test_allowed_for_each_body_and_level(body: Body, residual: RiskLevel) -> None:
    c = case(body, residual)
    allowed = workflow.allowed(c, body.id)
    assert set(allowed) == ALLOWED[body][LEVELS.index(residual)]
    # What allowed() offers is exactly what decide() accepts from a well-formed proposal.
    for outcome in workflow.BODY_OUTCOMES:
        try:
            workflow.decide(c, proposal(body, outcome))
        except WorkflowError:
            assert outcome not in allowed
        else:
            assert outcome in allowed


@pytest.mark.parametrize("residual", LEVELS)
def test_nothing_is_allowed_to_a_body_the_case_is_not_before(residual: RiskLevel) -> None:
    c = case(SECOND, residual)
    assert workflow.allowed(c, FIRST.id) == [] and workflow.allowed(c, FINAL.id) == []


@pytest.mark.parametrize("state", [DpiaState.DRAFT, DpiaState.DECIDED, DpiaState.SUPERSEDED])
def test_nothing_is_allowed_when_not_in_review(state: DpiaState) -> None:
    assert workflow.allowed(case(FIRST, state=state), FIRST.id) == []


# --- every outcome at the first, a middle and the last body -----------------------------------------------

OUTCOME_TABLE = [
    # body, outcome -> (state, body it is before or decided by, system status); None: refused
    (FIRST, O.APPROVED, (DpiaState.DECIDED, 1, SystemStatus.APPROVED)),
    (FIRST, O.APPROVED_WITH_CONDITIONS, (DpiaState.DECIDED, 1, SystemStatus.APPROVED_WITH_CONDITIONS)),
    (FIRST, O.REJECTED, (DpiaState.IN_REVIEW, 2, SystemStatus.IN_ASSESSMENT)),
    (FIRST, O.POSTPONED, (DpiaState.IN_REVIEW, 1, SystemStatus.POSTPONED)),
    (FIRST, O.ESCALATED, (DpiaState.IN_REVIEW, 2, SystemStatus.IN_ASSESSMENT)),
    (FIRST, O.WITHDRAWN, None),
    (SECOND, O.APPROVED, (DpiaState.DECIDED, 2, SystemStatus.APPROVED)),
    (SECOND, O.APPROVED_WITH_CONDITIONS, (DpiaState.DECIDED, 2, SystemStatus.APPROVED_WITH_CONDITIONS)),
    (SECOND, O.REJECTED, (DpiaState.IN_REVIEW, 3, SystemStatus.IN_ASSESSMENT)),
    (SECOND, O.POSTPONED, (DpiaState.IN_REVIEW, 2, SystemStatus.POSTPONED)),
    (SECOND, O.ESCALATED, (DpiaState.IN_REVIEW, 3, SystemStatus.IN_ASSESSMENT)),
    (SECOND, O.WITHDRAWN, None),
    (FINAL, O.APPROVED, (DpiaState.DECIDED, 3, SystemStatus.APPROVED)),
    (FINAL, O.APPROVED_WITH_CONDITIONS, (DpiaState.DECIDED, 3, SystemStatus.APPROVED_WITH_CONDITIONS)),
    (FINAL, O.REJECTED, (DpiaState.DECIDED, 3, SystemStatus.REJECTED)),
    (FINAL, O.POSTPONED, (DpiaState.IN_REVIEW, 3, SystemStatus.POSTPONED)),
    (FINAL, O.ESCALATED, None),
    (FINAL, O.WITHDRAWN, None),
]


@pytest.mark.parametrize(("body", "outcome", "expected"), OUTCOME_TABLE, ids=lambda v: str(v))
def test_every_outcome_at_every_position(body: Body, outcome: O, expected: tuple[object, ...] | None) -> None:
    c = case(body, RiskLevel.LOW)
    if expected is None:
        refused(c, proposal(body, outcome))
        return
    step = workflow.decide(c, proposal(body, outcome))
    assert (step.state, step.body_id, step.system_status) == expected


def test_a_rejection_chain_reaches_the_last_body_which_may_overturn_it() -> None:
    c = case(FIRST, RiskLevel.HIGH)
    step = workflow.decide(c, proposal(FIRST, O.REJECTED))
    c = replace(c, body_id=step.body_id, meeting_on=None, was_rejected=True)
    step = workflow.decide(c, proposal(SECOND, O.REJECTED))  # upheld
    assert step == Step(DpiaState.IN_REVIEW, FINAL.id, None, SystemStatus.IN_ASSESSMENT)
    c = replace(c, body_id=step.body_id)
    assert (
        workflow.decide(c, proposal(FINAL, O.APPROVED)).system_status == SystemStatus.APPROVED
    )  # overturned


def test_the_next_body_overturns_only_within_its_ceiling() -> None:
    c = case(SECOND, RiskLevel.VERY_HIGH, was_rejected=True)
    assert "Escalate it to Direktionen" in refused(c, proposal(SECOND, O.APPROVED)).message("en")


# --- the approval block -----------------------------------------------------------------------------------

BLOCKED = ("Canva Pty Ltd in Australien: the transfer has no legal basis",)


@pytest.mark.parametrize("body", CHAIN, ids=lambda b: b.name)
@pytest.mark.parametrize("outcome", sorted(workflow.APPROVALS))
def test_no_body_may_approve_while_a_transfer_blocks_it(body: Body, outcome: O) -> None:
    c = case(body, RiskLevel.LOW, blockers=BLOCKED, blocked=True)
    error = refused(c, proposal(body, outcome))
    assert error.field == "outcome"
    assert "No body may approve this case" in error.message("en") and BLOCKED[0] in error.message("en")
    assert not set(workflow.APPROVALS) & set(workflow.allowed(c, body.id))


def test_blocked_without_a_named_transfer_still_says_why() -> None:
    error = refused(case(FINAL, blocked=True), proposal(FINAL, O.APPROVED))
    assert "a transfer has no known basis" in error.message("en")


@pytest.mark.parametrize("outcome", [O.REJECTED, O.POSTPONED, O.ESCALATED])
def test_a_blocked_case_may_still_be_rejected_postponed_or_escalated(outcome: O) -> None:
    workflow.decide(case(FIRST, blocked=True, blockers=BLOCKED), proposal(FIRST, outcome))


# --- withdrawal -------------------------------------------------------------------------------------------


def test_a_rejected_case_can_be_withdrawn_before_a_later_body() -> None:
    step = workflow.withdraw(case(SECOND, was_rejected=True), LATER, "The school chose another tool.")
    assert step == Step(DpiaState.DECIDED, SECOND.id, LATER, SystemStatus.REJECTED)


@pytest.mark.parametrize(
    ("c", "reason", "message"),
    [
        (case(SECOND), "No longer needed.", "has not been rejected"),
        (case(FINAL, state=DpiaState.DECIDED, was_rejected=True), "No longer needed.", "before a body"),
        (case(SECOND, was_rejected=True), "  ", "Write why"),
    ],
)
def test_withdrawal_is_refused(c: Case, reason: str, message: str) -> None:
    with pytest.raises(WorkflowError, match=message):
        workflow.withdraw(c, LATER, reason)


# --- correction -------------------------------------------------------------------------------------------

REJECTED_AT_FIRST = workflow.Recorded(FIRST.id, O.REJECTED, MEETING)


def test_a_correction_goes_back_before_the_corrected_decision() -> None:
    # Recorded as rejected by mistake: the case went on to the second body. The first body approved it.
    now = case(SECOND, RiskLevel.LOW, meeting_on=None, was_rejected=True)
    step = workflow.correct(now, REJECTED_AT_FIRST, [], proposal(FIRST, O.APPROVED), "en", "Wrong outcome.")
    assert step == Step(DpiaState.DECIDED, FIRST.id, MEETING, SystemStatus.APPROVED)


def test_a_corrected_final_decision_reopens_the_case() -> None:
    decided = case(FINAL, state=DpiaState.DECIDED)
    approved = workflow.Recorded(FINAL.id, O.APPROVED, MEETING)
    step = workflow.correct(
        decided, approved, [REJECTED_AT_FIRST], proposal(FINAL, O.REJECTED), "en", "Minutes."
    )
    assert step == Step(DpiaState.DECIDED, FINAL.id, MEETING, SystemStatus.REJECTED)


def test_a_correction_is_checked_by_the_rules_of_the_chain() -> None:
    now = case(SECOND, RiskLevel.HIGH, was_rejected=True)
    error = workflow.correct
    with pytest.raises(WorkflowError, match="Escalate it"):
        error(now, REJECTED_AT_FIRST, [], proposal(FIRST, O.APPROVED), "en", "Wrong outcome.")
    with pytest.raises(WorkflowError, match="Write why"):
        error(now, REJECTED_AT_FIRST, [], proposal(FIRST, O.ESCALATED), "en", "")
    with pytest.raises(WorkflowError, match="later version"):
        error(
            replace(now, state=DpiaState.SUPERSEDED),
            REJECTED_AT_FIRST,
            [],
            proposal(FIRST, O.ESCALATED),
            "en",
            "x",
        )


def test_a_withdrawal_can_correct_a_decision_only_after_a_rejection() -> None:
    before_second = workflow.Recorded(SECOND.id, O.POSTPONED, MEETING)
    now = case(SECOND, was_rejected=True, meeting_on=LATER)
    step = workflow.correct(now, before_second, [REJECTED_AT_FIRST], proposal(SECOND, O.WITHDRAWN), "en", "x")
    assert step.system_status == SystemStatus.REJECTED
    with pytest.raises(WorkflowError, match="has not been rejected"):
        workflow.correct(now, before_second, [], proposal(SECOND, O.WITHDRAWN), "en", "x")
