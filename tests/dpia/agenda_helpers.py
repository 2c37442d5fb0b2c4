"""Direktionen's item of 3 June 2026, built through the services: three cases that reached the final body."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from flask import Flask

from riskreg.enums import DecisionOutcome, RiskLevel, Role
from riskreg.extensions import db
from tests.dpia.decision_helpers import new_system, start, submit_case
from tests.factories import Chain

#: Not in the minutes (assumed): Systemgodkendelsesgruppen's meeting before Styregruppen's.
FIRST_MEETING = dt.date(2026, 4, 16)
STEERING_MEETING = dt.date(2026, 5, 7)
BOARD_MEETING = dt.date(2026, 6, 3)
POSTPONED_TO = dt.date(2026, 6, 17)
JOURNAL_NUMBER = "85.15.02G01-11-26"
#: The three systems of the item, with the country their vendor processes the data in.
SYSTEMS = (("CapCut Pro", "CN"), ("Canva via SkoleTube", "DK"), ("AI-tekstassistent i Momentum", "DK"))


def make_chain(app: Flask) -> Chain:
    """Systemgodkendelsesgruppen (medium) -> Styregruppen for IT-sikkerhed (high) -> Direktionen (final)."""
    from riskreg.bodies.services import create_body

    with app.app_context():
        return Chain(
            *(
                create_body(db.session, name, ceiling).id
                for name, ceiling in (
                    ("Systemgodkendelsesgruppen", RiskLevel.MEDIUM),
                    ("Styregruppen for IT-sikkerhed", RiskLevel.HIGH),
                    ("Direktionen", RiskLevel.VERY_HIGH),
                )
            )
        )


def before_the_board(
    app: Flask, chain: Chain, systems: Sequence[tuple[str, str]] = SYSTEMS, level: str = "very_high"
) -> list[int]:
    """DPIA ids of cases that the two earlier bodies passed on to Direktionen's meeting of 3 June 2026."""
    from riskreg.auth.services import create_user
    from riskreg.dpia import approval
    from riskreg.dpia.models import Dpia

    ids = []
    for name, country in systems:
        dpia_id = start(app, new_system(app, name, country))
        submit_case(app, dpia_id, level, meeting_on=FIRST_MEETING)
        ids.append(dpia_id)
    with app.app_context():
        dpo = create_user(db.session, "dpo-agenda@example.dk", Role.DPO, "correct horse battery")
        for dpia_id in ids:
            for body_id, on, next_on in (
                (chain.first, FIRST_MEETING, STEERING_MEETING),
                (chain.second, STEERING_MEETING, BOARD_MEETING),
            ):
                approval.record_decision(
                    db.session,
                    db.session.get(Dpia, dpia_id),
                    {
                        "body_id": body_id,
                        "outcome": DecisionOutcome.ESCALATED,
                        "meeting_on": on,
                        "next_meeting_on": next_on,
                        "case_number": JOURNAL_NUMBER,
                        "rationale": "Residual risk not accepted.",
                    },
                    dpo,
                    "da",
                )
    return ids


def board_item(app: Flask, chain: Chain, dpia_ids: Sequence[int]) -> int:
    """Direktionen's item "Afviste it-systemer" carrying the cases."""
    from riskreg.bodies.models import ApprovalBody
    from riskreg.dpia import agenda_items

    with app.app_context():
        return agenda_items.create_item(
            db.session,
            db.session.get(ApprovalBody, chain.final),
            BOARD_MEETING,
            {
                "title": "Afviste it-systemer",
                "journal_number": JOURNAL_NUMBER,
                "summary": "Systemgodkendelsesgruppen har afvist tre systemer.",
                "recommendation": "Det indstilles, at Direktionen tager afvisningerne til efterretning.",
                "dpia_ids": list(dpia_ids),
            },
        ).id
