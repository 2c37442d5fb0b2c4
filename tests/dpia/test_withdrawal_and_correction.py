"""Withdrawing a rejected case and correcting a decision recorded by mistake, through the pages."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from riskreg.audit import AuditEntry
from riskreg.dpia.models import Decision
from riskreg.enums import DecisionOutcome, DpiaState, SystemStatus
from riskreg.extensions import db
from tests.conftest import post_form
from tests.dpia.decision_helpers import MEETING, decide, remove_transfer, state, submit_case
from tests.factories import Chain

SECOND = MEETING + dt.timedelta(days=14)


def _version(client: FlaskClient, url: str) -> str:
    match = re.search(r'name="version"[^>]*value="(\d+)"', client.get(url).get_data(as_text=True))
    assert match, url
    return match.group(1)


def _decisions(app: Flask, dpia_id: int) -> list[Decision]:
    with app.app_context():
        found = list(
            db.session.scalars(select(Decision).where(Decision.dpia_id == dpia_id).order_by(Decision.id))
        )
        for d in found:
            db.session.expunge(d)
        return found


@pytest.fixture
def rejected_once(app: Flask, chain: Chain, dpia_id: int, login: Callable[..., FlaskClient]) -> FlaskClient:
    """A case rejected by the first body, now before Styregruppen; the DPO's client."""
    dpo = login("dpo")
    submit_case(app, dpia_id, "very_high")
    response = decide(
        dpo, dpia_id, body_id=chain.first, outcome="rejected", next_meeting_on=SECOND.isoformat()
    )
    assert response.status_code == 302
    return dpo


def test_the_requester_withdraws_a_rejected_case_and_the_system_is_rejected(
    app: Flask, chain: Chain, dpia_id: int, rejected_once: FlaskClient, login: Callable[..., FlaskClient]
) -> None:
    url = f"/dpia/{dpia_id}/withdraw"
    security = login("security")  # the system owner's side may withdraw too

    response = post_form(
        security,
        url,
        {
            "version": _version(security, url),
            "withdrawn_on": "2026-05-20",
            "reason": "Vi bruger Adobe i stedet.",
        },
    )

    assert response.status_code == 302
    dpia_state, body_id, _on, status, count = state(app, dpia_id)
    assert (dpia_state, status, count) == (DpiaState.DECIDED, SystemStatus.REJECTED, 2)
    last = _decisions(app, dpia_id)[-1]
    assert (last.outcome, last.meeting_on, last.rationale) == (
        DecisionOutcome.WITHDRAWN,
        dt.date(2026, 5, 20),
        "Vi bruger Adobe i stedet.",
    )
    assert body_id == chain.second  # recorded before the body the case was waiting for


def test_a_case_that_no_body_rejected_cannot_be_withdrawn_and_nothing_changes(
    app: Flask, chain: Chain, dpia_id: int, login: Callable[..., FlaskClient]
) -> None:
    dpo = login("dpo")
    submit_case(app, dpia_id, "very_high")
    url = f"/dpia/{dpia_id}/withdraw"
    before = state(app, dpia_id)

    response = post_form(
        dpo, url, {"version": _version(dpo, url), "withdrawn_on": "2026-05-20", "reason": "x"}
    )

    assert response.status_code == 400
    assert state(app, dpia_id) == before


@pytest.mark.parametrize("role", ["steering", "reader"])
def test_steering_and_readers_may_not_withdraw_or_correct(
    app: Flask, dpia_id: int, rejected_once: FlaskClient, login: Callable[..., FlaskClient], role: str
) -> None:
    client = login(role)
    (decision,) = _decisions(app, dpia_id)
    before = state(app, dpia_id)

    withdrawal = post_form(client, f"/dpia/{dpia_id}/withdraw", {"withdrawn_on": "2026-05-20", "reason": "x"})
    correction = post_form(client, f"/decision/{decision.id}/correct", {"outcome": "approved"})

    assert (withdrawal.status_code, correction.status_code) == (403, 403)
    assert state(app, dpia_id) == before


def test_a_mistaken_approval_is_corrected_and_the_original_stays_struck_through(
    app: Flask, chain: Chain, dpia_id: int, login: Callable[..., FlaskClient]
) -> None:
    dpo = login("dpo")
    submit_case(app, dpia_id, "medium")
    remove_transfer(app, dpia_id)  # so the first body may approve at all
    assert (
        decide(dpo, dpia_id, body_id=chain.first, outcome="approved", residual_accepted="y").status_code
        == 302
    )
    (mistake,) = _decisions(app, dpia_id)
    url = f"/decision/{mistake.id}/correct"

    response = post_form(
        dpo,
        url,
        {
            "version": _version(dpo, url),
            "body_id": str(chain.first),
            "outcome": "rejected",
            "meeting_on": MEETING.isoformat(),
            "case_number": "85.15.02G01-11-26",
            "rationale": "Gruppen afviste; godkendelsen blev registreret ved en fejl.",
            "next_meeting_on": SECOND.isoformat(),
            "correction_reason": "Forkert udfald registreret.",
        },
    )

    assert response.status_code == 302
    original, correction = _decisions(app, dpia_id)
    assert (
        original.id == mistake.id and original.outcome == DecisionOutcome.APPROVED
    )  # nothing edited in place
    assert (correction.corrects_id, correction.outcome, correction.correction_reason) == (
        mistake.id,
        DecisionOutcome.REJECTED,
        "Forkert udfald registreret.",
    )
    # The case is where the correction puts it: the rejection sends it on to Styregruppen.
    assert state(app, dpia_id)[:4] == (DpiaState.IN_REVIEW, chain.second, SECOND, SystemStatus.IN_ASSESSMENT)
    page = dpo.get(f"/dpia/{dpia_id}/decision").get_data(as_text=True)
    assert re.search(r"<del[^>]*>", page), "the corrected decision is shown struck through"
    assert "Forkert udfald registreret." in page
    with app.app_context():
        logged = db.session.scalars(
            select(AuditEntry).where(
                AuditEntry.entity_type == "decision", AuditEntry.entity_id == correction.id
            )
        ).all()
        assert logged and "corrects_id" in logged[0].changes


def test_only_the_latest_decision_can_be_corrected(
    app: Flask, chain: Chain, dpia_id: int, rejected_once: FlaskClient
) -> None:
    dpo = rejected_once
    assert (
        decide(
            dpo, dpia_id, body_id=chain.second, outcome="rejected", meeting_on=SECOND.isoformat()
        ).status_code
        == 302
    )
    first, _second = _decisions(app, dpia_id)
    url = f"/decision/{first.id}/correct"
    before = state(app, dpia_id)

    response = post_form(
        dpo,
        url,
        {
            "version": _version(dpo, url),
            "body_id": str(chain.first),
            "outcome": "approved",
            "meeting_on": MEETING.isoformat(),
            "correction_reason": "Fejl.",
        },
    )

    assert response.status_code == 400
    assert "Correct that one first" in response.get_data(as_text=True) or "først" in response.get_data(
        as_text=True
    )
    assert state(app, dpia_id) == before
