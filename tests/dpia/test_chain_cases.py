"""The municipality's three cases entered from their facts through the services, not the demo loader: what the
approval chain lets each body do, and why (issue 14 §2)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from riskreg.auth.models import User
from riskreg.dpia import approval, services, workflow
from riskreg.dpia.models import Dpia
from riskreg.enums import DecisionOutcome, DpiaState, LocationKind, RiskLevel, SystemStatus
from riskreg.errors import DomainError
from riskreg.extensions import db
from riskreg.subprocessors.services import create_sub_processor
from riskreg.systems.services import create_system
from riskreg.vendors.services import create_vendor
from tests.factories import Chain

MAY_7, JUNE_3 = dt.date(2026, 5, 7), dt.date(2026, 6, 3)
APRIL = dt.date(2026, 4, 20)


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    with app.app_context():
        yield db.session()


@pytest.fixture
def dpo(session: Session, make_user: Callable[..., int]) -> User:
    found = session.get(User, make_user("dpo"))
    assert found is not None
    return found


def submitted(session: Session, system_id: int, risk: tuple[int, int], meeting_on: dt.date) -> Dpia:
    from riskreg.systems.models import System

    dpia = services.start_dpia(session, session.get(System, system_id), "en")
    services.add_risk(
        session,
        dpia,
        {
            "title": "Disclosure to authorities",
            "inherent_likelihood": risk[0],
            "inherent_consequence": risk[1],
        },
    )
    return approval.submit(session, dpia, "en", meeting_on)


def capcut(session: Session) -> int:
    vendor = create_vendor(
        session,
        {
            "name": "ByteDance Pte. Ltd.",
            "country_code": "IE",
            "parent_name": "ByteDance Ltd.",
            "parent_country_code": "CN",
        },
        [("IE", LocationKind.PROCESSING)],
    )
    return create_system(session, {"name": "CapCut Pro", "vendor_id": vendor.id, "purpose": "Video"}).id


def canva(session: Session) -> int:
    vendor = create_vendor(
        session, {"name": "SkoleTube ApS", "country_code": "DK"}, [("DK", LocationKind.PROCESSING)]
    )
    system_id = create_system(
        session, {"name": "Canva via SkoleTube", "vendor_id": vendor.id, "purpose": "Design"}
    ).id
    create_sub_processor(
        session, vendor, {"name": "Canva Pty Ltd", "country_code": "AU"}, [("AU", LocationKind.PROCESSING)]
    )
    create_sub_processor(
        session,
        vendor,
        {"name": "Canva Philippines", "country_code": "PH"},
        [("PH", LocationKind.PROCESSING)],
    )
    return system_id


def momentum(session: Session) -> int:
    vendor = create_vendor(
        session, {"name": "KMD A/S", "country_code": "DK"}, [("DK", LocationKind.PROCESSING)]
    )
    return create_system(session, {"name": "Momentum AI", "vendor_id": vendor.id, "purpose": "Drafts"}).id


def decide(
    session: Session,
    dpia: Dpia,
    user: User,
    body_id: int,
    outcome: DecisionOutcome,
    on: dt.date,
    **extra: object,
):  # type: ignore[no-untyped-def]
    values = {"body_id": body_id, "outcome": outcome.value, "meeting_on": on, **extra}
    if outcome in workflow.APPROVALS:
        values["residual_accepted"] = True
    return approval.record_decision(session, dpia, values, user, "en")


@pytest.mark.parametrize("build", [capcut, canva], ids=["CapCut Pro", "Canva via SkoleTube"])
def test_the_first_body_cannot_approve_and_riskreg_says_why(
    session: Session, chain: Chain, dpo: User, build: Callable[[Session], int]
) -> None:
    dpia = submitted(session, build(session), (1, 2), APRIL)  # a low DPIA risk: the transfer facts decide

    case = approval.case_of(session, dpia, "en")
    assert case.residual == RiskLevel.VERY_HIGH
    assert DecisionOutcome.APPROVED not in workflow.allowed(case, chain.first)
    with pytest.raises(DomainError) as refused:
        decide(session, dpia, dpo, chain.first, DecisionOutcome.APPROVED, APRIL)
    message = refused.value.message
    if build is canva:
        assert "No body may approve" in message and ("Australia" in message or "Philippines" in message)
    else:
        assert "very high" in message and "Escalate it to Styregruppen" in message
    assert dpia.state == DpiaState.IN_REVIEW and dpia.body_id == chain.first and not dpia.decisions


def test_canva_cannot_be_approved_even_by_the_last_body(session: Session, chain: Chain, dpo: User) -> None:
    dpia = submitted(session, canva(session), (1, 2), APRIL)
    decide(session, dpia, dpo, chain.first, DecisionOutcome.ESCALATED, APRIL)
    decide(session, dpia, dpo, chain.second, DecisionOutcome.ESCALATED, MAY_7)
    with pytest.raises(DomainError, match="No body may approve"):
        decide(session, dpia, dpo, chain.final, DecisionOutcome.APPROVED, JUNE_3)


def test_momentum_very_high_residual_only_the_last_body_may_accept(
    session: Session, chain: Chain, dpo: User
) -> None:
    dpia = submitted(session, momentum(session), (4, 4), APRIL)
    assert approval.case_of(session, dpia).residual == RiskLevel.VERY_HIGH
    for body, on in ((chain.first, APRIL), (chain.second, MAY_7)):
        with pytest.raises(DomainError, match="Escalate it"):
            decide(session, dpia, dpo, body, DecisionOutcome.APPROVED, on)
        decide(session, dpia, dpo, body, DecisionOutcome.REJECTED, on)
    decision = decide(session, dpia, dpo, chain.final, DecisionOutcome.APPROVED, JUNE_3)
    assert decision.residual_level == RiskLevel.VERY_HIGH and decision.closes_case
    assert dpia.system.status == SystemStatus.APPROVED


def test_the_rejection_chain_reaches_the_last_body(session: Session, chain: Chain, dpo: User) -> None:
    dpia = submitted(session, capcut(session), (1, 2), APRIL)
    decide(
        session, dpia, dpo, chain.first, DecisionOutcome.REJECTED, APRIL, alternative="Adobe Creative Cloud"
    )
    assert (dpia.state, dpia.body_id, dpia.system.status) == (
        DpiaState.IN_REVIEW,
        chain.second,
        SystemStatus.IN_ASSESSMENT,
    )
    decide(session, dpia, dpo, chain.second, DecisionOutcome.REJECTED, MAY_7, next_meeting_on=JUNE_3)
    assert (dpia.state, dpia.body_id, dpia.meeting_on) == (DpiaState.IN_REVIEW, chain.final, JUNE_3)
    decide(
        session,
        dpia,
        dpo,
        chain.final,
        DecisionOutcome.POSTPONED,
        JUNE_3,
        next_meeting_on=dt.date(2026, 6, 17),
    )

    assert [(d.body_id, d.outcome) for d in dpia.decisions] == [
        (chain.first, DecisionOutcome.REJECTED),
        (chain.second, DecisionOutcome.REJECTED),
        (chain.final, DecisionOutcome.POSTPONED),
    ]
    assert [d.closes_case for d in dpia.decisions] == [False, False, False]
    assert dpia.system.status == SystemStatus.POSTPONED
    final = decide(session, dpia, dpo, chain.final, DecisionOutcome.REJECTED, dt.date(2026, 6, 17))
    assert (
        final.closes_case and dpia.state == DpiaState.DECIDED and dpia.system.status == SystemStatus.REJECTED
    )
