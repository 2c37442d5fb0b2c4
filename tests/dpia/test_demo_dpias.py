"""The demo's three seed DPIAs come out the way the municipality decided them (domain §2)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from riskreg.audit import AuditEntry
from riskreg.auth.models import User
from riskreg.bodies.models import ApprovalBody
from riskreg.demo.dpias import CANVA, CAPCUT, DPO_EMAIL, MOMENTUM_AI, dpia_of
from riskreg.dpia import services
from riskreg.dpia.models import AgendaItem, Dpia
from riskreg.dpia.scoring import ReductionFlag
from riskreg.enums import DecisionOutcome, DpiaState, MeasureKind, RiskLevel, Role, SystemStatus
from riskreg.extensions import db
from tests.factories import run_demo
from tests.records import row_counts


@pytest.fixture
def session(demo_app: Flask) -> Iterator[Session]:
    """A copy of the demo register, loaded once per run through ``riskreg demo``."""
    with demo_app.app_context():
        yield db.session()


def seed(session: Session, name: str) -> Dpia:
    dpia = dpia_of(session, name)
    assert dpia is not None, f"{name} has no DPIA"
    return dpia


def body_names(session: Session) -> list[str]:
    return list(session.scalars(select(ApprovalBody.name).order_by(ApprovalBody.position)))


#: The minutes' dates (the first body's is assumed: see riskreg/demo/dpias.py).
SGG_ON, STY_ON, DIR_ON, DIR_NEXT = (
    dt.date(2026, 4, 23),
    dt.date(2026, 5, 7),
    dt.date(2026, 6, 3),
    dt.date(2026, 6, 17),
)


def assert_decided_as_in_the_minutes(session: Session, dpia: Dpia) -> None:
    """Rejected at Systemgodkendelsesgruppen and Styregruppen, postponed by Direktionen to 17 June 2026 in its
    item "Afviste it-systemer" (85.15.02G01-11-26); no body accepted the residual risk."""
    assert [(d.body.name, d.outcome, d.meeting_on) for d in dpia.decisions] == list(
        zip(
            body_names(session),
            [DecisionOutcome.REJECTED, DecisionOutcome.REJECTED, DecisionOutcome.POSTPONED],
            [SGG_ON, STY_ON, DIR_ON],
            strict=True,
        )
    )
    assert not any(d.residual_accepted for d in dpia.decisions)
    assert [d.next_meeting_on for d in dpia.decisions] == [STY_ON, DIR_ON, DIR_NEXT]
    assert dpia.decisions[-1].case_number == "85.15.02G01-11-26"
    assert (dpia.state, dpia.body.name, dpia.meeting_on) == (DpiaState.IN_REVIEW, "Direktionen", DIR_NEXT)
    assert dpia.system.status == SystemStatus.POSTPONED


def test_direktionen_took_the_three_systems_as_one_item(session: Session) -> None:
    (item,) = session.scalars(select(AgendaItem)).all()
    assert (item.body.name, item.meeting_on, item.title, item.journal_number) == (
        "Direktionen",
        DIR_ON,
        "Afviste it-systemer",
        "85.15.02G01-11-26",
    )
    assert sorted(d.system.name for d in item.cases) == sorted([CANVA, CAPCUT, MOMENTUM_AI])


def test_momentum_five_risks_residual_not_accepted_by_the_executive_board(session: Session) -> None:
    dpia = seed(session, MOMENTUM_AI)
    assert dpia.number == 1 and dpia.state == DpiaState.IN_REVIEW  # before Direktionen (17 June 2026)
    assert len(dpia.risks) == 5
    titles = [r.title for r in dpia.risks]
    assert titles == [
        "Fejl i AI-genererede udkast",
        "Brug som beslutningsstøtte eller til automatiske afgørelser",
        "Manglende information til borgerne",
        "Medarbejdernes kompetencer og regelefterlevelse",
        "Microsoft (USA) som underdatabehandler",
    ]
    # Every risk is scored, has measures and says why its residual is lower.
    for r in dpia.risks:
        assert r.measures, r.title
        assert r.residual_score < r.inherent_score and r.residual_reason, r.title
    microsoft = dpia.risks[-1]
    assert microsoft.residual_level == RiskLevel.VERY_HIGH
    assert {m.key for m in microsoft.measures} == {
        "deletion_rules",
        "dpf_certification",
        "eu_data_boundary",
        "customer_lockbox",
        "customer_held_keys",
    }
    assert "Data Privacy Framework" in microsoft.residual_reason and "tyske" in microsoft.residual_reason
    # The Microsoft risk started from the register's DPF finding.
    assert microsoft.suggestion_key and microsoft.suggestion_key.startswith("transfer:")
    assert dpia.residual_level == RiskLevel.VERY_HIGH
    assert dpia.needs_prior_consultation
    assert services.screening_of(dpia).required

    # As the minutes record it: rejected by the first two bodies, postponed by Direktionen.
    assert_decided_as_in_the_minutes(session, dpia)
    sty = dpia.decisions[1]
    assert "accepterer ikke restrisikoen" in sty.rationale
    assert sty.residual_level == RiskLevel.VERY_HIGH  # the system residual risk it was decided on
    assert all(d.case_number == dpia.system.journal_number for d in dpia.decisions[:2])
    final = dpia.decisions[-1]
    # The decisions name the demo's DPO as the one who recorded them.
    recorder = session.get(User, final.recorded_by_id)
    assert recorder is not None and (recorder.email, recorder.role) == (DPO_EMAIL, Role.DPO)
    # Nothing the register suggests is left unhandled: the rest was dismissed with a reason.
    assert services.pending_suggestions(session, dpia, "da") == []
    assert all(d.reason for d in services.dismissed(session, dpia.system_id))


def test_capcut_rejected_for_the_owners_jurisdiction_with_adobe_offered(session: Session) -> None:
    dpia = seed(session, CAPCUT)
    china = next(r for r in dpia.risks if (r.suggestion_key or "").startswith("exposure:"))
    assert china.suggestion_key is not None and china.suggestion_key.endswith(":CN")
    assert any((r.suggestion_key or "").startswith("transfer:") for r in dpia.risks)
    assert_decided_as_in_the_minutes(session, dpia)
    first = dpia.decisions[0]
    assert "jurisdiktion" in first.rationale and "TikTok" in first.rationale
    assert first.alternative == "Adobe Creative Cloud"
    assert first.alternative_system is not None and first.alternative_system.name == "Adobe Creative Cloud"


def test_canva_rejected_and_its_only_measure_relies_on_users(session: Session) -> None:
    dpia = seed(session, CANVA)
    countries = {(r.suggestion_key or "").rsplit(":", 1)[-1] for r in dpia.risks}
    assert {"AU", "PH", "US"} <= countries
    flagged = [r for r in dpia.risks if r.flag == ReductionFlag.RELIES_ON_USERS]
    assert flagged
    for r in flagged:
        assert [m.key for m in r.measures] == ["no_personal_data_rule"]
        assert all(m.kind == MeasureKind.ORGANISATIONAL and m.relies_on_users for m in r.measures)
    assert any("Sletning" in r.title for r in dpia.risks)
    assert_decided_as_in_the_minutes(session, dpia)
    first = dpia.decisions[0]
    assert "Canva Teams" in first.alternative and "elever" in first.alternative
    assert (
        first.alternative_system is not None and first.alternative_system.name == "Canva Teams (medarbejdere)"
    )


def test_the_status_comes_from_the_decisions(session: Session) -> None:
    """The system's status changed as the chain moved: in assessment (the rejections at the first two bodies
    send it on), then postponed by Direktionen."""
    canva = seed(session, CANVA)
    statuses = [
        entry.changes["status"][1]
        for entry in session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity_type == "system", AuditEntry.entity_id == canva.system_id)
            .order_by(AuditEntry.id)
        )
        if "status" in entry.changes
    ]
    assert statuses == ["in_assessment", "postponed"]


def test_running_the_demo_twice_adds_no_dpia(app: Flask) -> None:
    run_demo(app)
    with app.app_context():
        before = row_counts(db.session())
        ids = {name: seed(db.session(), name).id for name in (CAPCUT, CANVA, MOMENTUM_AI)}
    output = run_demo(app)
    with app.app_context():
        assert row_counts(db.session()) == before
        assert {name: seed(db.session(), name).id for name in ids} == ids
    assert "nothing added" in output
    # The three cases (three decisions each) and TikTok, the earlier rejection (rejected at every body).
    assert before["dpia"] == 4 and before["decision"] == 12 and before["agenda_item"] == 1


def test_a_system_whose_dpia_a_user_started_is_left_alone(app: Flask) -> None:
    from riskreg.demo.cases import load_cases

    run_demo(app)
    with app.app_context():
        momentum = seed(db.session(), MOMENTUM_AI)
        # A DPO changes the decided DPIA: a new draft version; the demo must not touch it.
        services.save_sections(db.session(), momentum, {"necessity": "Ny vurdering"})
        summary = load_cases(db.session())
        assert summary.is_empty
        newest = seed(db.session(), MOMENTUM_AI)
        assert (newest.number, newest.state, newest.necessity) == (2, DpiaState.DRAFT, "Ny vurdering")
