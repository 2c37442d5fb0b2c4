"""Recording a body's decision through the page: the chain's rules as a user meets them."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from riskreg.dpia.models import Decision, Dpia
from riskreg.enums import DpiaState, SystemStatus
from riskreg.extensions import db
from tests.conftest import csrf_token, post_form
from tests.dpia.decision_helpers import (
    BLOCKED,
    MEETING,
    decide,
    errors_of,
    give_basis,
    remove_transfer,
    state,
    submit_case,
)
from tests.factories import Chain


@pytest.fixture
def dpo(login: Callable[..., FlaskClient]) -> FlaskClient:
    return login("dpo")


def test_approval_within_the_ceiling_closes_the_case_and_sets_the_status(
    app: Flask, chain: Chain, dpia_id: int, dpo: FlaskClient
) -> None:
    submit_case(app, dpia_id, "medium")
    # Render Cloud Inc. (US, no basis) is taken off the system: the DPIA's medium risk is the system's level.
    remove_transfer(app, dpia_id)
    page = dpo.get(f"/dpia/{dpia_id}/decision").get_data(as_text=True)
    assert "Systemgodkendelsesgruppen" in page and 'data-testid="residual"' in page
    assert "Reject; offer the staff edition instead." in page  # the DPO's proposal
    assert 'data-testid="system-residual" data-level="medium"' in page
    assert 'data-testid="approval-blocked"' not in page

    response = decide(dpo, dpia_id, body_id=chain.first, outcome="approved", residual_accepted="y")

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/systems/{_system(app, dpia_id)}/dpia")
    assert state(app, dpia_id)[:4] == (DpiaState.DECIDED, chain.first, MEETING, SystemStatus.APPROVED)
    with app.app_context():
        decision = db.session.scalar(select(Decision).where(Decision.dpia_id == dpia_id))
        assert decision.case_number == "85.15.02G01-11-26" and decision.residual_accepted


def test_approval_is_refused_while_a_transfer_has_no_basis_and_the_page_says_why(
    app: Flask, chain: Chain, dpia_id: int, dpo: FlaskClient
) -> None:
    # The DPIA's own risk is medium (within the first body's ceiling), but Render Cloud Inc. transfers the
    # data to the US without DPF or SCC: no basis, so the system residual is very high and no body may
    # approve it.
    submit_case(app, dpia_id, "medium")
    page = dpo.get(f"/dpia/{dpia_id}/decision").get_data(as_text=True)
    assert 'data-testid="system-residual" data-level="very_high"' in page
    assert 'data-testid="approval-blocked"' in page and 'data-testid="blocked"' in page
    blocked = page[page.index('data-testid="approval-blocked"') :]
    assert "Render Cloud Inc." in blocked and "SCC" in blocked  # which transfer, and what would unblock it
    before = state(app, dpia_id)

    response = decide(dpo, dpia_id, body_id=chain.first, outcome="approved", residual_accepted="y")
    assert response.status_code == 400
    (message,) = errors_of(response.get_data(as_text=True), "outcome")
    assert BLOCKED in message and "Render Cloud Inc." in message
    assert state(app, dpia_id) == before

    # SCC with a TIA lifts the block, but the data still go to the US (high exposure): the system residual is
    # high, above the first body's ceiling, so the refusal is now the ceiling's and names the next body.
    give_basis(app, dpia_id)
    page = dpo.get(f"/dpia/{dpia_id}/decision").get_data(as_text=True)
    assert 'data-testid="approval-blocked"' not in page
    assert 'data-testid="system-residual" data-level="high"' in page
    refused = decide(dpo, dpia_id, body_id=chain.first, outcome="approved", residual_accepted="y")
    assert refused.status_code == 400
    (message,) = errors_of(refused.get_data(as_text=True), "outcome")
    assert BLOCKED not in message and "Styregruppen for IT-sikkerhed" in message
    assert state(app, dpia_id) == before


def test_approval_with_conditions_needs_the_conditions(
    app: Flask, chain: Chain, dpia_id: int, dpo: FlaskClient
) -> None:
    submit_case(app, dpia_id, "low")
    remove_transfer(app, dpia_id)  # nothing leaves the EU: the DPIA's low risk is the system's level
    refused = decide(
        dpo, dpia_id, body_id=chain.first, outcome="approved_with_conditions", residual_accepted="y"
    )
    assert refused.status_code == 400
    assert errors_of(refused.get_data(as_text=True), "conditions")
    assert state(app, dpia_id)[4] == 0

    done = decide(
        dpo,
        dpia_id,
        body_id=chain.first,
        outcome="approved_with_conditions",
        residual_accepted="y",
        conditions="Only staff accounts; no pupils.",
    )
    assert done.status_code == 302
    assert state(app, dpia_id)[3] == SystemStatus.APPROVED_WITH_CONDITIONS


def test_approval_above_the_ceiling_is_refused_naming_the_next_body(
    app: Flask, chain: Chain, dpia_id: int, dpo: FlaskClient
) -> None:
    submit_case(app, dpia_id, "high")
    remove_transfer(app, dpia_id)  # not blocked, and the DPIA's high risk is the system's level
    before = state(app, dpia_id)

    response = decide(dpo, dpia_id, body_id=chain.first, outcome="approved", residual_accepted="y")

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    (message,) = errors_of(page, "outcome")
    assert (
        "Systemgodkendelsesgruppen" in message and "Styregruppen for IT-sikkerhed" in message
    )  # escalate to it
    assert BLOCKED not in message  # refused for the ceiling, not for a transfer
    assert state(app, dpia_id) == before


def test_escalation_moves_the_case_to_the_next_body(
    app: Flask, chain: Chain, dpia_id: int, dpo: FlaskClient
) -> None:
    submit_case(app, dpia_id, "high")
    give_basis(app, dpia_id)  # SCC with a TIA: approvable; high (DPIA risk and US exposure)
    next_meeting = MEETING + dt.timedelta(days=14)

    response = decide(
        dpo, dpia_id, body_id=chain.first, outcome="escalated", next_meeting_on=next_meeting.isoformat()
    )

    assert response.status_code == 302
    assert state(app, dpia_id) == (
        DpiaState.IN_REVIEW,
        chain.second,
        next_meeting,
        SystemStatus.IN_ASSESSMENT,
        1,
    )
    # The next body now approves (its ceiling is high) at its own meeting.
    again = decide(
        dpo,
        dpia_id,
        body_id=chain.second,
        outcome="approved",
        residual_accepted="y",
        meeting_on=next_meeting.isoformat(),
    )
    assert again.status_code == 302
    assert state(app, dpia_id)[:4] == (DpiaState.DECIDED, chain.second, next_meeting, SystemStatus.APPROVED)


@pytest.mark.parametrize(
    "next_meeting", ["", MEETING.isoformat(), (MEETING - dt.timedelta(days=1)).isoformat()]
)
def test_postponing_needs_a_later_meeting(
    app: Flask, chain: Chain, dpia_id: int, dpo: FlaskClient, next_meeting: str
) -> None:
    submit_case(app, dpia_id, "medium")
    before = state(app, dpia_id)

    response = decide(dpo, dpia_id, body_id=chain.first, outcome="postponed", next_meeting_on=next_meeting)

    assert response.status_code == 400
    assert errors_of(response.get_data(as_text=True), "next_meeting_on")
    assert state(app, dpia_id) == before


def test_postponing_keeps_the_case_with_the_body_until_the_later_meeting(
    app: Flask, chain: Chain, dpia_id: int, dpo: FlaskClient
) -> None:
    submit_case(app, dpia_id, "medium")
    later = MEETING + dt.timedelta(days=30)

    response = decide(
        dpo, dpia_id, body_id=chain.first, outcome="postponed", next_meeting_on=later.isoformat()
    )

    assert response.status_code == 302
    assert state(app, dpia_id) == (DpiaState.IN_REVIEW, chain.first, later, SystemStatus.POSTPONED, 1)
    page = dpo.get(f"/dpia/{dpia_id}/decision").get_data(as_text=True)
    assert 'data-testid="decisions"' in page  # the postponement is among the decisions so far
    # Not at the meeting it was postponed from.
    early = decide(dpo, dpia_id, body_id=chain.first, outcome="rejected")
    assert early.status_code == 400
    assert errors_of(early.get_data(as_text=True), "meeting_on")
    assert state(app, dpia_id)[4] == 1


def test_the_final_body_cannot_escalate(app: Flask, chain: Chain, dpia_id: int, dpo: FlaskClient) -> None:
    submit_case(app, dpia_id, "very_high")
    assert decide(dpo, dpia_id, body_id=chain.first, outcome="escalated").status_code == 302
    assert decide(dpo, dpia_id, body_id=chain.second, outcome="escalated").status_code == 302
    before = state(app, dpia_id)
    assert before[1] == chain.final

    response = decide(dpo, dpia_id, body_id=chain.final, outcome="escalated")

    assert response.status_code == 400
    (message,) = errors_of(response.get_data(as_text=True), "outcome")
    assert "Direktionen" in message
    assert state(app, dpia_id) == before


def test_rejection_moves_the_case_on_and_only_the_last_body_closes_it(
    app: Flask, chain: Chain, dpia_id: int, dpo: FlaskClient
) -> None:
    # Issue 14 §2: a rejection before the last body sends the case on automatically (recorded as *rejected*);
    # only the last body's rejection closes it and rejects the system.
    submit_case(app, dpia_id, "very_high")
    second_meeting, final_meeting = MEETING + dt.timedelta(days=14), MEETING + dt.timedelta(days=28)

    response = decide(
        dpo,
        dpia_id,
        body_id=chain.first,
        outcome="rejected",
        rationale="Sub-processors in Australia.",
        alternative="Canva Teams for staff",
        next_meeting_on=second_meeting.isoformat(),
    )

    assert response.status_code == 302
    assert state(app, dpia_id) == (
        DpiaState.IN_REVIEW,
        chain.second,
        second_meeting,
        SystemStatus.IN_ASSESSMENT,
        1,
    )
    page = dpo.get(f"/dpia/{dpia_id}/decision").get_data(as_text=True)
    assert 'data-testid="not-in-review"' not in page and '<form method="post" novalidate>' in page
    assert "Canva Teams for staff" in page  # the first body's rejection is among the decisions so far
    # The first body cannot decide it again: it is now before Styregruppen.
    assert decide(dpo, dpia_id, body_id=chain.first, outcome="rejected").status_code == 400

    # Styregruppen upholds the rejection: on to Direktionen, still in assessment.
    upheld = decide(
        dpo,
        dpia_id,
        body_id=chain.second,
        outcome="rejected",
        meeting_on=second_meeting.isoformat(),
        next_meeting_on=final_meeting.isoformat(),
    )
    assert upheld.status_code == 302
    assert state(app, dpia_id) == (
        DpiaState.IN_REVIEW,
        chain.final,
        final_meeting,
        SystemStatus.IN_ASSESSMENT,
        2,
    )

    # Direktionen, the last body, rejects: the case is closed and the system rejected.
    final = decide(
        dpo, dpia_id, body_id=chain.final, outcome="rejected", meeting_on=final_meeting.isoformat()
    )
    assert final.status_code == 302
    assert state(app, dpia_id) == (DpiaState.DECIDED, chain.final, final_meeting, SystemStatus.REJECTED, 3)
    with app.app_context():
        outcomes = db.session.scalars(
            select(Decision.outcome).where(Decision.dpia_id == dpia_id).order_by(Decision.id)
        ).all()
    assert [o.value for o in outcomes] == ["rejected", "rejected", "rejected"]  # never *escalated*
    # The case is closed: the page says so and offers no form; a POST is refused.
    page = dpo.get(f"/dpia/{dpia_id}/decision").get_data(as_text=True)
    assert 'data-testid="not-in-review"' in page and '<form method="post" novalidate>' not in page
    assert "Canva Teams for staff" in page
    again = decide(
        dpo, dpia_id, body_id=chain.final, outcome="rejected", meeting_on=final_meeting.isoformat()
    )
    assert again.status_code == 400
    assert state(app, dpia_id)[4] == 3


def test_a_draft_cannot_be_decided(app: Flask, chain: Chain, dpia_id: int, dpo: FlaskClient) -> None:
    response = decide(dpo, dpia_id, body_id=chain.first, outcome="rejected")
    assert response.status_code == 400
    assert 'data-testid="not-in-review"' in response.get_data(as_text=True)
    assert state(app, dpia_id)[0] == DpiaState.DRAFT and state(app, dpia_id)[4] == 0


def test_accepting_the_risk_on_a_rejection_is_refused(
    app: Flask, chain: Chain, dpia_id: int, dpo: FlaskClient
) -> None:
    submit_case(app, dpia_id, "medium")
    response = decide(dpo, dpia_id, body_id=chain.first, outcome="rejected", residual_accepted="y")
    assert response.status_code == 400
    assert errors_of(response.get_data(as_text=True), "residual_accepted")
    assert state(app, dpia_id)[4] == 0


def test_a_stale_form_is_refused_with_409(app: Flask, chain: Chain, dpia_id: int, dpo: FlaskClient) -> None:
    submit_case(app, dpia_id, "medium")
    later = (MEETING + dt.timedelta(days=30)).isoformat()
    html = dpo.get(f"/dpia/{dpia_id}/decision").get_data(as_text=True)
    stale = re.search(r'name="version"[^>]*value="(\d+)"', html).group(1)  # type: ignore[union-attr]
    assert (
        decide(dpo, dpia_id, body_id=chain.first, outcome="postponed", next_meeting_on=later).status_code
        == 302
    )

    response = post_form(
        dpo,
        f"/dpia/{dpia_id}/decision",
        {
            "version": stale,
            "body_id": chain.first,
            "outcome": "postponed",
            "meeting_on": later,
            "next_meeting_on": (MEETING + dt.timedelta(days=60)).isoformat(),
        },
    )

    assert response.status_code == 409
    assert 'data-testid="conflict"' in response.get_data(as_text=True)
    assert state(app, dpia_id)[4] == 1


def test_tampered_fields_are_refused_without_an_error_page(
    app: Flask, chain: Chain, dpia_id: int, dpo: FlaskClient
) -> None:
    submit_case(app, dpia_id, "medium")
    for bad in (
        {"version": "abc", "body_id": "x", "outcome": "rejected"},
        {"body_id": chain.first, "outcome": "vetoed"},
        {"body_id": 9999, "outcome": "rejected"},
        {"body_id": chain.first, "outcome": "postponed", "next_meeting_on": "soon"},
    ):
        response = post_form(dpo, f"/dpia/{dpia_id}/decision", {"meeting_on": MEETING.isoformat(), **bad})
        assert response.status_code == 400, bad
    assert state(app, dpia_id)[4] == 0


def test_steering_member_records_for_their_own_body_only(
    app: Flask, chain: Chain, dpia_id: int, login: Callable[..., FlaskClient]
) -> None:
    submit_case(app, dpia_id, "high")
    give_basis(app, dpia_id)  # SCC with a TIA: the second body (ceiling high) may approve it
    first = login("steering", approval_body_id=chain.first)
    second = login("steering", approval_body_id=chain.second)
    before = state(app, dpia_id)

    # The member of the second body is told the case is not before it yet, and cannot decide it.
    page = second.get(f"/dpia/{dpia_id}/decision")
    assert page.status_code == 200 and 'data-testid="not-yours"' in page.get_data(as_text=True)
    refused = decide(second, dpia_id, body_id=chain.second, outcome="rejected")
    assert refused.status_code == 400
    (message,) = errors_of(refused.get_data(as_text=True), "body_id")
    assert "Systemgodkendelsesgruppen" in message
    # Posting another body's id is refused too.
    forged = decide(second, dpia_id, body_id=chain.first, outcome="escalated")
    assert forged.status_code == 400
    assert errors_of(forged.get_data(as_text=True), "body_id")
    assert state(app, dpia_id) == before

    # The first body's member escalates; then the second body's member may decide.
    assert decide(first, dpia_id, body_id=chain.first, outcome="escalated").status_code == 302
    assert (
        decide(second, dpia_id, body_id=chain.second, outcome="approved", residual_accepted="y").status_code
        == 302
    )
    assert state(app, dpia_id)[3] == SystemStatus.APPROVED


def test_steering_member_without_a_body_is_told_and_cannot_decide(
    app: Flask, chain: Chain, dpia_id: int, login: Callable[..., FlaskClient]
) -> None:
    submit_case(app, dpia_id, "medium")
    nobody = login("steering")

    page = nobody.get(f"/dpia/{dpia_id}/decision")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-testid="no-body"' in html and 'name="outcome"' not in html
    response = post_form(
        nobody,
        f"/dpia/{dpia_id}/decision",
        {"body_id": chain.first, "outcome": "rejected", "meeting_on": MEETING.isoformat()},
    )
    assert response.status_code == 400
    assert 'data-testid="no-body"' in response.get_data(as_text=True)
    assert state(app, dpia_id)[4] == 0


@pytest.mark.parametrize("role", ["reader", "security"])
def test_roles_without_the_permission_get_403(
    app: Flask, chain: Chain, dpia_id: int, login: Callable[..., FlaskClient], role: str
) -> None:
    submit_case(app, dpia_id, "medium")
    client = login(role)
    assert client.get(f"/dpia/{dpia_id}/decision").status_code == 403
    response = post_form(
        client,
        f"/dpia/{dpia_id}/decision",
        {"body_id": chain.first, "outcome": "rejected", "meeting_on": MEETING.isoformat()},
    )
    assert response.status_code == 403
    assert state(app, dpia_id)[4] == 0


def test_missing_csrf_token_is_refused(app: Flask, chain: Chain, dpia_id: int, dpo: FlaskClient) -> None:
    submit_case(app, dpia_id, "medium")
    csrf_token(dpo)
    response = dpo.post(
        f"/dpia/{dpia_id}/decision",
        data={"body_id": chain.first, "outcome": "rejected", "meeting_on": MEETING.isoformat()},
    )
    assert response.status_code == 400
    assert state(app, dpia_id)[4] == 0


def test_unknown_dpia_is_404(dpo: FlaskClient, chain: Chain) -> None:
    assert dpo.get("/dpia/9999/decision").status_code == 404


def _system(app: Flask, dpia_id: int) -> int:
    with app.app_context():
        return db.session.get(Dpia, dpia_id).system_id
