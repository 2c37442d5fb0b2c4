"""The DPIA services as the pages use them: starting, suggestions, risks, versions, the chain, measures.

Data is built through the services (see conftest.py); every refused change is checked to change nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from riskreg.audit import AuditEntry, set_actor
from riskreg.auth.models import User
from riskreg.dpia import approval, services
from riskreg.dpia.models import Decision, Dpia, Measure, Risk, SuggestionDismissal
from riskreg.dpia.scoring import ReductionFlag
from riskreg.enums import (
    AuditAction,
    DataCategory,
    DataSubject,
    DecisionOutcome,
    DpfStatus,
    DpiaState,
    LocationKind,
    MeasureKind,
    RiskLevel,
    Role,
    SystemStatus,
    TransferMechanism,
    Wp248Criterion,
)
from riskreg.errors import DomainError
from riskreg.extensions import db
from riskreg.subprocessors.services import create_sub_processor
from riskreg.systems.models import System
from riskreg.systems.services import create_system
from riskreg.vendors.services import create_vendor
from tests.dpia.decision_helpers import record_scc_with_tia, remove_transfers_without_basis
from tests.factories import Chain
from tests.records import audit_entries

LANG = "da"
JUNE_4, JUNE_11, JUNE_18, JUNE_23 = (dt.date(2026, 6, d) for d in (4, 11, 18, 23))


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    with app.app_context():
        yield db.session()


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def dpia_versions(session: Session, system_id: int) -> list[tuple[int, DpiaState]]:
    session.expire_all()
    return [(d.number, d.state) for d in reversed(services.versions(session, system_id))]


def measure(session: Session, key: str) -> Measure:
    return session.scalars(select(Measure).where(Measure.key == key)).one()


def risk_values(inherent: tuple[int, int] = (3, 3), **values: Any) -> dict[str, Any]:
    return {
        "title": "Data bliver delt med uvedkommende",
        "inherent_likelihood": inherent[0],
        "inherent_consequence": inherent[1],
        **values,
    }


def by_kind(session: Session, dpia: Dpia) -> dict[str, list[services.SuggestionView]]:
    found: dict[str, list[services.SuggestionView]] = {}
    for view in services.pending_suggestions(session, dpia, LANG):
        found.setdefault(view.suggestion.kind, []).append(view)
    return found


def plain_system(session: Session, name: str = "Intranet", **values: Any) -> System:
    """Employees' ordinary data only, with free text, AI and a US sub-processor without basis."""
    vendor = create_vendor(
        session, {"name": f"{name} A/S", "country_code": "DK"}, [("DK", LocationKind.PROCESSING)]
    )
    system = create_system(
        session,
        {"name": name, "vendor_id": vendor.id, "purpose": "Nyheder til medarbejdere", **values},
        data_subjects=[DataSubject.EMPLOYEES],
        data_categories=[DataCategory.ORDINARY],
    )
    create_sub_processor(
        session,
        vendor,
        {
            "name": f"{name} Cloud Inc.",
            "country_code": "US",
            "transfer_mechanism": TransferMechanism.NONE,
            "dpf_status": DpfStatus.NOT_LISTED,
        },
        [("US", LocationKind.PROCESSING)],
        system_ids=[system.id],
    )
    return system


def user(session: Session, make_user: Callable[..., int], role: Role, body_id: int | None = None) -> User:
    kwargs = {"approval_body_id": body_id} if body_id is not None else {}
    found = session.get(User, make_user(role, **kwargs))
    assert found is not None
    return found


def decide(
    session: Session, dpia: Dpia, who: User, body_id: int, outcome: DecisionOutcome, **values: Any
) -> Decision:
    return approval.record_decision(
        session,
        dpia,
        {"body_id": body_id, "outcome": outcome.value, "meeting_on": JUNE_4, **values},
        who,
        LANG,
    )


# --- starting -----------------------------------------------------------------------------------------------


def test_start_prefills_the_description_and_the_criteria_from_the_register(
    session: Session, dpia_system: int, dpia_id: int
) -> None:
    dpia = session.get(Dpia, dpia_id)
    assert dpia is not None
    assert (dpia.number, dpia.state) == (1, DpiaState.DRAFT)
    # Purpose, vendor and the recipients the engine found.
    assert "Billedredigering i undervisningen" in dpia.description
    assert "Skoleportal ApS" in dpia.description
    assert "Render Cloud Inc." in dpia.description
    assert "Børne- og Ungeforvaltningen" in dpia.description
    # Children, CPR numbers and AI are criteria; nothing on Datatilsynet's list is ticked for the DPO.
    assert set(dpia.criteria) == {
        Wp248Criterion.VULNERABLE_SUBJECTS.value,
        Wp248Criterion.SENSITIVE_DATA.value,
        Wp248Criterion.INNOVATIVE_USE.value,
    }
    assert dpia.listed == []
    assert services.screening_of(dpia).required


def test_criteria_follow_the_facts(session: Session) -> None:
    system = plain_system(session, has_ai=False)
    dpia = services.start_dpia(session, system, LANG)
    assert dpia.criteria == [Wp248Criterion.VULNERABLE_SUBJECTS.value]  # employees
    assert not services.screening_of(dpia).required


def test_a_second_start_is_refused(session: Session, dpia_system: int, dpia_id: int) -> None:
    system = session.get(System, dpia_system)
    assert system is not None
    with pytest.raises(DomainError):
        services.start_dpia(session, system, LANG)
    assert dpia_versions(session, dpia_system) == [(1, DpiaState.DRAFT)]


# --- suggestions --------------------------------------------------------------------------------------------


def test_each_kind_of_finding_becomes_a_suggestion(session: Session, dpia_id: int) -> None:
    dpia = session.get(Dpia, dpia_id)
    assert dpia is not None
    found = by_kind(session, dpia)
    # Skoleportal ApS is a processor without a recorded DPA: a finding of its role.
    assert set(found) == {"no_basis", "exposure", "free_text", "ai", "no_dpa"}
    (transfer,) = found["no_basis"]
    assert "Render Cloud Inc." in transfer.title and "USA" in transfer.title
    assert transfer.suggestion.likelihood == 4
    (exposure,) = found["exposure"]
    assert "Render Cloud Inc." in exposure.title


def test_consequence_defaults_follow_the_data_categories(session: Session, dpia_id: int) -> None:
    school = session.get(Dpia, dpia_id)
    assert school is not None
    office = services.start_dpia(session, plain_system(session, has_free_text=True, has_ai=True), LANG)
    school_found, office_found = by_kind(session, school), by_kind(session, office)
    assert set(office_found) == set(school_found)
    for kind in school_found:
        # Children (+1) and CPR numbers (+1) over the base of 2; the same finding for employees stays at 2.
        assert [v.suggestion.consequence for v in school_found[kind]] == [4], kind
        assert [v.suggestion.consequence for v in office_found[kind]] == [2], kind
        # The likelihood is the finding's, whoever the data subjects are.
        assert school_found[kind][0].suggestion.likelihood == office_found[kind][0].suggestion.likelihood


def test_accepting_adds_the_risk_with_its_defaults_and_it_is_no_longer_pending(
    session: Session, dpia_id: int
) -> None:
    dpia = session.get(Dpia, dpia_id)
    assert dpia is not None
    (transfer,) = by_kind(session, dpia)["no_basis"]
    risk = services.accept_suggestion(session, dpia, transfer.suggestion.key, LANG)
    assert risk.title == transfer.title
    assert (risk.inherent_likelihood, risk.inherent_consequence) == (4, 4)
    assert (risk.residual_likelihood, risk.residual_consequence) == (None, None)
    assert risk.suggestion_key == transfer.suggestion.key
    assert risk.dpia_id == dpia_id
    assert "no_basis" not in by_kind(session, dpia)
    # Taking it again is refused; nothing is added.
    with pytest.raises(DomainError):
        services.accept_suggestion(session, dpia, transfer.suggestion.key, LANG)
    assert count(session, Risk) == 1


def test_accepting_keeps_the_dpos_edits(session: Session, dpia_id: int) -> None:
    dpia = session.get(Dpia, dpia_id)
    assert dpia is not None
    (ai,) = by_kind(session, dpia)["ai"]
    risk = services.accept_suggestion(
        session,
        dpia,
        ai.suggestion.key,
        LANG,
        {"title": "Afgørelser på AI-grundlag", "inherent_likelihood": 1},
    )
    assert (risk.title, risk.inherent_likelihood, risk.inherent_consequence) == (
        "Afgørelser på AI-grundlag",
        1,
        4,
    )


def test_a_dismissed_suggestion_stays_dismissed_after_the_register_changes(
    session: Session, dpia_system: int, dpia_id: int
) -> None:
    dpia = session.get(Dpia, dpia_id)
    system = session.get(System, dpia_system)
    assert dpia is not None and system is not None
    services.dismiss_suggestion(session, dpia, "free_text", LANG, "Eleverne skriver ikke fritekst")
    assert "free_text" not in by_kind(session, dpia)
    with pytest.raises(DomainError):
        services.dismiss_suggestion(session, dpia, "free_text", LANG)
    # A new sub-processor with support access from India: the engine re-evaluates the system's transfers.
    create_sub_processor(
        session,
        system.vendor,
        {
            "name": "Helpdesk Pvt Ltd",
            "country_code": "IN",
            "transfer_mechanism": TransferMechanism.NONE,
            "dpf_status": DpfStatus.NOT_LISTED,
        },
        [("IN", LocationKind.SUPPORT)],
        system_ids=[system.id],
    )
    session.expire_all()
    found = by_kind(session, dpia)
    assert any("Helpdesk Pvt Ltd" in v.title for views in found.values() for v in views)
    assert "free_text" not in found
    (dismissal,) = services.dismissed(session, dpia_system)
    assert (dismissal.key, dismissal.reason) == ("free_text", "Eleverne skriver ikke fritekst")

    services.restore_suggestion(session, dpia_system, dismissal.id)
    assert "free_text" in by_kind(session, dpia)
    assert services.dismissed(session, dpia_system) == []


def test_restoring_what_is_not_dismissed_is_refused(session: Session, dpia_system: int, dpia_id: int) -> None:
    dpia = session.get(Dpia, dpia_id)
    assert dpia is not None
    services.dismiss_suggestion(session, dpia, "ai", LANG)
    (dismissal,) = services.dismissed(session, dpia_system)
    other = plain_system(session)
    with pytest.raises(DomainError):
        services.restore_suggestion(session, other.id, dismissal.id)
    with pytest.raises(DomainError):
        services.restore_suggestion(session, dpia_system, dismissal.id + 100)
    assert count(session, SuggestionDismissal) == 1


# --- risks and the residual ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"residual_likelihood": 2}, "residual_consequence"),
        ({"residual_consequence": 2}, "residual_likelihood"),
        ({"residual_likelihood": 2, "residual_consequence": 3}, "residual_reason"),
        (
            {"residual_likelihood": 0, "residual_consequence": 3, "residual_reason": "x"},
            "residual_likelihood",
        ),
        (
            {"residual_likelihood": 5, "residual_consequence": 3, "residual_reason": "x"},
            "residual_likelihood",
        ),
        ({"inherent_likelihood": "tre"}, "inherent_likelihood"),
        ({"inherent_consequence": 5}, "inherent_consequence"),
        ({"inherent_consequence": ""}, "inherent_consequence"),
        ({"title": " "}, "title"),
    ],
    ids=[
        "likelihood-only",
        "consequence-only",
        "lower-without-reason",
        "zero",
        "five",
        "not-a-number",
        "inherent-five",
        "inherent-missing",
        "no-title",
    ],
)
def test_invalid_risks_are_refused_and_change_nothing(
    session: Session, chain: Chain, dpia_id: int, values: dict[str, Any], field: str
) -> None:
    dpia = session.get(Dpia, dpia_id)
    assert dpia is not None
    with pytest.raises(DomainError) as refused:
        services.add_risk(session, dpia, risk_values(**values))
    assert refused.value.field == field
    assert count(session, Risk) == 0

    # The same values on an existing risk of a submitted DPIA: no change, and no new version.
    risk = services.add_risk(session, dpia, risk_values())
    approval.submit(session, dpia, LANG, JUNE_4)
    with pytest.raises(DomainError):
        services.update_risk(session, risk, risk_values(**values))
    session.expire_all()
    assert dpia_versions(session, dpia.system_id) == [(1, DpiaState.IN_REVIEW)]
    assert (risk.inherent_likelihood, risk.residual_likelihood, risk.title) == (
        3,
        None,
        "Data bliver delt med uvedkommende",
    )


def test_residual_both_or_neither_and_a_reason_only_when_it_differs(session: Session, dpia_id: int) -> None:
    dpia = session.get(Dpia, dpia_id)
    assert dpia is not None
    same = services.add_risk(session, dpia, risk_values(residual_likelihood=3, residual_consequence=3))
    assert same.residual_score == same.inherent_score and same.flag is None
    unset = services.add_risk(session, dpia, risk_values())
    assert (unset.residual_l, unset.residual_c) == (3, 3)
    lower = services.add_risk(
        session,
        dpia,
        risk_values(
            residual_likelihood=1,
            residual_consequence=3,
            residual_reason="Kryptering",
            measure_ids=[measure(session, "customer_held_keys").id],
        ),
    )
    assert (lower.residual_level, lower.inherent_level, lower.flag) == (RiskLevel.LOW, RiskLevel.HIGH, None)


# --- the Canva flag -----------------------------------------------------------------------------------------


def test_a_reduction_resting_only_on_users_is_flagged_until_a_technical_measure_is_added(
    session: Session, dpia_id: int
) -> None:
    dpia = session.get(Dpia, dpia_id)
    assert dpia is not None
    rule = measure(session, "no_personal_data_rule")
    training = measure(session, "training")
    assert rule.relies_on_users and training.relies_on_users
    values = risk_values(
        residual_likelihood=2,
        residual_consequence=3,
        residual_reason="Eleverne får besked på ikke at skrive personoplysninger",
        measure_ids=[rule.id, training.id],
    )
    risk = services.add_risk(session, dpia, values)
    assert risk.flag == ReductionFlag.RELIES_ON_USERS

    access = measure(session, "access_control")
    assert access.kind == MeasureKind.TECHNICAL
    risk = services.update_risk(session, risk, {**values, "measure_ids": [rule.id, training.id, access.id]})
    assert risk.flag is None

    risk = services.update_risk(session, risk, {**values, "measure_ids": []})
    assert risk.flag == ReductionFlag.NO_MEASURE

    # Not lowered: nothing to flag, whatever the measures.
    risk = services.update_risk(session, risk, risk_values(measure_ids=[rule.id]))
    assert risk.flag is None


# --- versions -----------------------------------------------------------------------------------------------


@pytest.fixture
def submitted(session: Session, chain: Chain, dpia_id: int) -> Dpia:
    """Version 1 with two risks (a high one with measures), submitted to the first body."""
    dpia = session.get(Dpia, dpia_id)
    assert dpia is not None
    keys = [measure(session, "dpf_certification").id, measure(session, "customer_lockbox").id]
    services.add_risk(session, dpia, risk_values(measure_ids=keys))
    services.add_risk(session, dpia, risk_values((1, 2), title="Fejl i udkast"))
    services.save_sections(session, dpia, {"necessity": "Nødvendig for undervisningen"})
    approval.submit(session, dpia, LANG, JUNE_4)
    assert dpia.state == DpiaState.IN_REVIEW
    return dpia


def snapshot(dpia: Dpia) -> tuple[Any, ...]:
    return (
        dpia.number,
        dpia.state,
        dpia.necessity,
        [
            (r.title, r.inherent_likelihood, r.residual_likelihood, sorted(m.key or "" for m in r.measures))
            for r in dpia.risks
        ],
    )


@pytest.mark.parametrize("change", ["sections", "add", "update", "remove"])
def test_changing_a_submitted_dpia_makes_version_2_and_leaves_version_1(
    session: Session, submitted: Dpia, change: str
) -> None:
    before = snapshot(submitted)
    first, second = submitted.risks
    if change == "sections":
        draft = services.save_sections(session, submitted, {"necessity": "Ny begrundelse"})
    elif change == "add":
        draft = services.add_risk(session, submitted, risk_values(title="Ny risiko")).dpia
    elif change == "update":
        changed = services.update_risk(
            session,
            first,
            risk_values(
                residual_likelihood=1,
                residual_consequence=3,
                residual_reason="Mere end aftale",
                measure_ids=[m.id for m in first.measures] + [measure(session, "customer_held_keys").id],
            ),
        )
        assert changed is not first
        draft = changed.dpia
    else:
        draft = services.remove_risk(session, second)

    assert (draft.number, draft.state, draft.id != submitted.id) == (2, DpiaState.DRAFT, True)
    session.expire_all()
    assert snapshot(submitted) == before
    assert dpia_versions(session, submitted.system_id) == [(1, DpiaState.IN_REVIEW), (2, DpiaState.DRAFT)]
    # Version 2 starts as a copy: its own risk rows with the same measure links and the suggestion keys.
    copied = {r.title: r for r in draft.risks}
    assert {r.id for r in draft.risks}.isdisjoint({r.id for r in submitted.risks})
    if change != "remove":
        assert copied[first.title].measures[0].key in {"customer_lockbox", "dpf_certification"}
        assert len(copied[first.title].measures) == (3 if change == "update" else 2)
        assert copied[second.title].inherent_likelihood == 1
    else:
        assert list(copied) == [first.title]
    assert draft.necessity == ("Ny begrundelse" if change == "sections" else "Nødvendig for undervisningen")
    assert draft.criteria == submitted.criteria

    # A second change goes into the same draft, not a version 3.
    services.save_sections(session, draft, {"subject_views": "Elevrådet er hørt"})
    assert [n for n, _s in dpia_versions(session, submitted.system_id)] == [1, 2]
    # Version 1 can no longer be changed.
    with pytest.raises(DomainError):
        services.save_sections(session, submitted, {"necessity": "x"})


def test_submitting_version_2_supersedes_version_1_in_review(session: Session, submitted: Dpia) -> None:
    draft = services.save_sections(session, submitted, {"necessity": "Ny begrundelse"})
    approval.submit(session, draft, LANG, JUNE_11)
    assert dpia_versions(session, submitted.system_id) == [
        (1, DpiaState.SUPERSEDED),
        (2, DpiaState.IN_REVIEW),
    ]
    with pytest.raises(DomainError):
        approval.submit(session, draft, LANG, JUNE_18)


def test_submitting_needs_a_description(session: Session, dpia_id: int) -> None:
    dpia = session.get(Dpia, dpia_id)
    assert dpia is not None
    services.save_sections(session, dpia, {"description": "  "})
    with pytest.raises(DomainError) as refused:
        approval.submit(session, dpia, LANG, JUNE_4)
    assert refused.value.field == "description"
    assert dpia_versions(session, dpia.system_id) == [(1, DpiaState.DRAFT)]


# --- decisions ----------------------------------------------------------------------------------------------


def test_a_steering_member_of_another_body_is_refused_and_nothing_is_saved(
    session: Session, chain: Chain, submitted: Dpia, make_user: Callable[..., int]
) -> None:
    other = user(session, make_user, Role.STEERING, chain.second)
    with pytest.raises(DomainError) as refused:
        decide(session, submitted, other, chain.first, DecisionOutcome.REJECTED)
    assert refused.value.field == "body_id"
    assert count(session, Decision) == 0
    session.expire_all()
    assert (submitted.state, submitted.body_id, submitted.system.status) == (
        DpiaState.IN_REVIEW,
        chain.first,
        SystemStatus.IN_ASSESSMENT,
    )
    # Recording for their own body, while the case is before another, is refused by the chain.
    with pytest.raises(DomainError):
        decide(session, submitted, other, chain.second, DecisionOutcome.REJECTED)
    assert count(session, Decision) == 0

    own = user(session, make_user, Role.STEERING, chain.first)
    decision = decide(session, submitted, own, chain.first, DecisionOutcome.REJECTED, rationale="Nej")
    assert (decision.recorded_by_id, decision.body_id) == (own.id, chain.first)
    # Issue 14: a rejection before the last body sends the case on to the next body; the system stays in
    # assessment.
    assert decision.outcome == DecisionOutcome.REJECTED and not decision.closes_case
    assert (submitted.state, submitted.body_id, submitted.system.status) == (
        DpiaState.IN_REVIEW,
        chain.second,
        SystemStatus.IN_ASSESSMENT,
    )
    # Now it is the first body's member who may not record for the second body.
    with pytest.raises(DomainError) as refused:
        decide(session, submitted, own, chain.second, DecisionOutcome.REJECTED)
    assert refused.value.field == "body_id"
    assert count(session, Decision) == 1


@pytest.mark.parametrize("role", [Role.READER, Role.SECURITY])
def test_roles_without_the_right_cannot_decide(
    session: Session, chain: Chain, submitted: Dpia, make_user: Callable[..., int], role: Role
) -> None:
    who = user(session, make_user, role)
    with pytest.raises(DomainError):
        decide(session, submitted, who, chain.first, DecisionOutcome.REJECTED)
    assert count(session, Decision) == 0


def test_ceilings_force_escalation_and_only_the_closing_decision_sets_the_status(
    session: Session, chain: Chain, submitted: Dpia, make_user: Callable[..., int]
) -> None:
    dpo = user(session, make_user, Role.DPO)
    dpia = submitted
    assert dpia.residual_level == RiskLevel.HIGH  # 3 x 3 unlowered
    system = dpia.system

    # Render Cloud Inc. (US) has no basis: no body may approve, and the service says which transfer blocks.
    with pytest.raises(DomainError) as refused:
        decide(session, dpia, dpo, chain.first, DecisionOutcome.APPROVED, residual_accepted=True)
    assert refused.value.field == "outcome" and "Render Cloud Inc." in str(refused.value)
    assert count(session, Decision) == 0
    # With SCC and a TIA the system residual is high (the DPIA's 3 x 3 and the US exposure).
    record_scc_with_tia(session, system.id)

    # The first body (ceiling medium) may not accept a high residual risk: escalate to the second.
    with pytest.raises(DomainError) as refused:
        decide(session, dpia, dpo, chain.first, DecisionOutcome.APPROVED, residual_accepted=True)
    assert refused.value.field == "outcome" and "Styregruppen for IT-sikkerhed" in str(refused.value)
    assert "Render Cloud Inc." not in str(refused.value)
    assert count(session, Decision) == 0

    decide(session, dpia, dpo, chain.first, DecisionOutcome.ESCALATED, next_meeting_on=JUNE_11)
    assert (dpia.state, dpia.body_id, dpia.meeting_on) == (DpiaState.IN_REVIEW, chain.second, JUNE_11)
    assert system.status == SystemStatus.IN_ASSESSMENT

    decide(
        session,
        dpia,
        dpo,
        chain.second,
        DecisionOutcome.POSTPONED,
        meeting_on=JUNE_11,
        next_meeting_on=JUNE_18,
    )
    assert (dpia.state, dpia.body_id, dpia.meeting_on) == (DpiaState.IN_REVIEW, chain.second, JUNE_18)
    assert system.status == SystemStatus.POSTPONED

    # Not before the meeting it was postponed to.
    with pytest.raises(DomainError) as refused:
        decide(session, dpia, dpo, chain.second, DecisionOutcome.REJECTED, meeting_on=JUNE_11)
    assert refused.value.field == "meeting_on"

    # The second body (ceiling high) may accept it; approval needs the residual risk accepted.
    with pytest.raises(DomainError) as refused:
        decide(session, dpia, dpo, chain.second, DecisionOutcome.APPROVED, meeting_on=JUNE_18)
    assert refused.value.field == "residual_accepted"
    decision = decide(
        session,
        dpia,
        dpo,
        chain.second,
        DecisionOutcome.APPROVED_WITH_CONDITIONS,
        meeting_on=JUNE_18,
        residual_accepted=True,
        conditions="Ny vurdering om et år",
        case_number="85.15.02G01-20-26",
    )
    assert (dpia.state, system.status) == (DpiaState.DECIDED, SystemStatus.APPROVED_WITH_CONDITIONS)
    assert decision.residual_accepted and decision.residual_level == RiskLevel.HIGH
    assert system.journal_number == "85.15.02G01-20-26"
    assert [d.outcome for d in dpia.decisions] == [
        DecisionOutcome.ESCALATED,
        DecisionOutcome.POSTPONED,
        DecisionOutcome.APPROVED_WITH_CONDITIONS,
    ]
    # A decided case takes no further decision.
    with pytest.raises(DomainError):
        decide(session, dpia, dpo, chain.second, DecisionOutcome.REJECTED, meeting_on=JUNE_23)
    assert count(session, Decision) == 3


def test_a_very_high_residual_risk_goes_to_the_final_body(
    session: Session, chain: Chain, dpia_id: int, make_user: Callable[..., int]
) -> None:
    dpia = session.get(Dpia, dpia_id)
    assert dpia is not None
    services.add_risk(session, dpia, risk_values((4, 4)))
    approval.submit(session, dpia, LANG, JUNE_4)
    dpo = user(session, make_user, Role.DPO)
    decide(session, dpia, dpo, chain.first, DecisionOutcome.ESCALATED)
    with pytest.raises(DomainError):
        decide(session, dpia, dpo, chain.second, DecisionOutcome.APPROVED, residual_accepted=True)
    decide(session, dpia, dpo, chain.second, DecisionOutcome.ESCALATED)
    assert dpia.system.status == SystemStatus.IN_ASSESSMENT
    # The final body cannot escalate; it rejects, and the residual risk is not accepted.
    with pytest.raises(DomainError):
        decide(session, dpia, dpo, chain.final, DecisionOutcome.ESCALATED)
    with pytest.raises(DomainError) as refused:
        decide(session, dpia, dpo, chain.final, DecisionOutcome.REJECTED, residual_accepted=True)
    assert refused.value.field == "residual_accepted"
    final = decide(session, dpia, dpo, chain.final, DecisionOutcome.REJECTED, alternative="Papir og blyant")
    assert (final.residual_level, final.residual_accepted) == (RiskLevel.VERY_HIGH, False)
    assert (dpia.state, dpia.body_id, dpia.system.status) == (
        DpiaState.DECIDED,
        chain.final,
        SystemStatus.REJECTED,
    )


@pytest.mark.parametrize("agenda", [None, JUNE_4])
def test_a_closed_case_records_the_meeting_that_decided_it(
    session: Session, chain: Chain, dpia_id: int, make_user: Callable[..., int], agenda: dt.date | None
) -> None:
    dpia = session.get(Dpia, dpia_id)
    assert dpia is not None
    approval.submit(session, dpia, LANG, agenda)
    assert dpia.meeting_on == agenda
    # Issue 14: a rejection at the first body no longer closes the case, so the first body closes it by
    # approving; for that Render Cloud Inc. (US, no basis, which blocks approval) is taken off the system.
    remove_transfers_without_basis(session, dpia.system_id)
    decide(
        session,
        dpia,
        user(session, make_user, Role.DPO),
        chain.first,
        DecisionOutcome.APPROVED,
        meeting_on=JUNE_11,
        residual_accepted=True,
    )
    session.expire_all()
    assert (dpia.state, dpia.body_id, dpia.meeting_on) == (DpiaState.DECIDED, chain.first, JUNE_11)
    assert dpia.system.status == SystemStatus.APPROVED


def test_a_decision_keeps_the_residual_level_it_was_made_on(
    session: Session, chain: Chain, submitted: Dpia, make_user: Callable[..., int]
) -> None:
    dpo = user(session, make_user, Role.DPO)
    decision = decide(session, submitted, dpo, chain.first, DecisionOutcome.ESCALATED)
    # Issue 14: the decision keeps the *system* residual it was made on. The DPIA's highest is high (3 x 3),
    # but Render Cloud Inc. transfers to the US without a basis, which makes the system's very high.
    assert decision.residual_level == RiskLevel.VERY_HIGH
    assert submitted.residual_level == RiskLevel.HIGH
    # Giving the transfer a basis afterwards does not change the recorded level either.
    record_scc_with_tia(session, submitted.system_id)
    # Lowering the risk in a new version changes neither the decision nor the version it was made on.
    changed = services.update_risk(
        session,
        submitted.risks[0],
        risk_values(
            residual_likelihood=1,
            residual_consequence=1,
            residual_reason="Ny løsning",
            measure_ids=[measure(session, "customer_held_keys").id],
        ),
    )
    # Version 2 is now the one to change; version 1's risks can no longer be.
    with pytest.raises(DomainError):
        services.update_risk(session, submitted.risks[1], risk_values((1, 1), title="Fejl i udkast"))
    services.update_risk(session, changed.dpia.risks[1], risk_values((1, 1), title="Fejl i udkast"))
    session.expire_all()
    newest = services.current_dpia(session, submitted.system_id)
    assert newest is not None and newest.number == 2 and newest.residual_level == RiskLevel.LOW
    assert decision.residual_level == RiskLevel.VERY_HIGH
    assert submitted.residual_level == RiskLevel.HIGH


def test_bad_decision_input_is_refused(
    session: Session, chain: Chain, submitted: Dpia, make_user: Callable[..., int]
) -> None:
    dpo = user(session, make_user, Role.DPO)
    for values in (
        {"body_id": chain.first, "outcome": "maybe", "meeting_on": JUNE_4},
        {"body_id": "", "outcome": "rejected", "meeting_on": JUNE_4},
        {"body_id": chain.first, "outcome": "rejected", "meeting_on": None},
        {"body_id": chain.first, "outcome": "postponed", "meeting_on": JUNE_4, "next_meeting_on": JUNE_4},
        {"body_id": chain.first, "outcome": "rejected", "meeting_on": JUNE_4, "rationale": "x" * 8001},
    ):
        with pytest.raises(DomainError):
            approval.record_decision(session, submitted, values, dpo, LANG)
    assert count(session, Decision) == 0
    assert submitted.state == DpiaState.IN_REVIEW


def test_a_draft_takes_no_decision(
    session: Session, chain: Chain, dpia_id: int, make_user: Callable[..., int]
) -> None:
    dpia = session.get(Dpia, dpia_id)
    assert dpia is not None
    with pytest.raises(DomainError):
        decide(session, dpia, user(session, make_user, Role.ADMIN), chain.first, DecisionOutcome.REJECTED)
    assert count(session, Decision) == 0


# --- the measures library -----------------------------------------------------------------------------------


def test_measures_can_be_added_and_changed_and_shipped_ones_keep_their_name(session: Session) -> None:
    shipped = measure(session, "training")
    custom = services.create_measure(
        session, {"name": "  Ugentlig   stikprøve ", "kind": "organisational", "relies_on_users": False}
    )
    assert (custom.name, custom.kind, custom.key, custom.is_standard) == (
        "Ugentlig stikprøve",
        MeasureKind.ORGANISATIONAL,
        None,
        False,
    )
    with pytest.raises(DomainError) as refused:
        services.create_measure(session, {"name": "ugentlig stikprøve", "kind": "technical"})
    assert refused.value.field == "name"
    with pytest.raises(DomainError) as refused:
        services.create_measure(session, {"name": "Uden type"})
    assert refused.value.field == "kind"
    with pytest.raises(DomainError):
        services.create_measure(session, {"name": "Forkert type", "kind": "magic"})

    services.update_measure(session, custom, {"name": "Månedlig stikprøve", "kind": "technical"})
    assert (custom.name, custom.kind) == ("Månedlig stikprøve", MeasureKind.TECHNICAL)

    name, description = shipped.name, shipped.description
    services.update_measure(
        session, shipped, {"name": "Kursus", "description": "Andet", "relies_on_users": False}
    )
    assert (shipped.name, shipped.description, shipped.relies_on_users) == (name, description, False)
    assert services.measure_name(shipped, "en") == "Training"
    assert count(session, Measure) == len(services.measures(session))


def test_an_archived_measure_cannot_be_newly_linked(session: Session, dpia_id: int) -> None:
    dpia = session.get(Dpia, dpia_id)
    assert dpia is not None
    lockbox = measure(session, "customer_lockbox")
    risk = services.add_risk(session, dpia, risk_values(measure_ids=[lockbox.id]))
    services.set_measure_archived(session, lockbox, True)
    assert lockbox not in services.measures(session)
    assert lockbox in services.measures(session, include_archived=True)

    with pytest.raises(DomainError) as refused:
        services.add_risk(session, dpia, risk_values(measure_ids=[lockbox.id]))
    assert refused.value.field == "measure_ids"
    other = services.add_risk(session, dpia, risk_values(title="Anden risiko"))
    with pytest.raises(DomainError):
        services.update_risk(session, other, risk_values(title="Anden risiko", measure_ids=[lockbox.id]))
    assert other.measures == []
    # A risk that already has it keeps it when saved again.
    services.update_risk(session, risk, risk_values(title="Ændret titel", measure_ids=[lockbox.id]))
    assert (risk.title, risk.measures) == ("Ændret titel", [lockbox])

    services.set_measure_archived(session, lockbox, False)
    services.update_risk(session, other, risk_values(title="Anden risiko", measure_ids=[lockbox.id]))
    assert other.measures == [lockbox]


def test_an_unknown_measure_is_refused(session: Session, dpia_id: int) -> None:
    dpia = session.get(Dpia, dpia_id)
    assert dpia is not None
    for ids in ([999_999], ["nøgler"], [None]):
        with pytest.raises(DomainError) as refused:
            services.add_risk(session, dpia, risk_values(measure_ids=ids))
        assert refused.value.field == "measure_ids"
    assert count(session, Risk) == 0


# --- the audit log ------------------------------------------------------------------------------------------


def test_dpia_changes_are_logged_with_the_actor(
    session: Session, chain: Chain, dpia_id: int, make_user: Callable[..., int]
) -> None:
    dpo = user(session, make_user, Role.DPO)
    set_actor(session, dpo.id, dpo.email)
    dpia = session.get(Dpia, dpia_id)
    assert dpia is not None
    services.save_sections(session, dpia, {"necessity": "Nødvendig"})
    risk = services.add_risk(
        session, dpia, risk_values(measure_ids=[measure(session, "training").id], owner="Skolechef")
    )
    services.dismiss_suggestion(session, dpia, "ai", LANG, "Ingen AI i brug")
    approval.submit(session, dpia, LANG, JUNE_4)
    decide(session, dpia, dpo, chain.first, DecisionOutcome.REJECTED, rationale="Nej")

    dpia_entries = [e for e in audit_entries(session, "dpia") if e.entity_id == dpia_id]
    assert dpia_entries[0].action == AuditAction.CREATE
    assert any(e.changes.get("necessity") == ["", "Nødvendig"] for e in dpia_entries)
    assert any(e.changes.get("state") == ["draft", "in_review"] for e in dpia_entries)
    assert all((e.user_id, e.actor) == (dpo.id, dpo.email) for e in dpia_entries[1:])

    (created,) = [e for e in audit_entries(session, "dpia_risk") if e.entity_id == risk.id]
    assert created.action == AuditAction.CREATE and created.user_id == dpo.id
    assert created.changes["title"] == [None, "Data bliver delt med uvedkommende"]
    assert created.changes["measures"][1] == ["Training"]

    (dismissal,) = audit_entries(session, "dpia_suggestion_dismissal")
    assert dismissal.changes["reason"] == [None, "Ingen AI i brug"]
    (decision,) = audit_entries(session, "decision")
    assert decision.changes["outcome"] == [None, "rejected"] and decision.user_id == dpo.id

    def statuses() -> list[tuple[str, int | None]]:
        return [
            (e.changes["status"][1], e.user_id)
            for e in audit_entries(session, "system")
            if "status" in e.changes
        ]

    # Issue 14: rejected at the first body, the case goes on to the next; the system stays in assessment.
    assert ("in_assessment", dpo.id) in statuses() and "rejected" not in [s for s, _u in statuses()]
    # Upheld at Styregruppen and at Direktionen, the last body: the system's rejection is logged with the
    # actor.
    decide(session, dpia, dpo, chain.second, DecisionOutcome.REJECTED, rationale="Nej")
    decide(session, dpia, dpo, chain.final, DecisionOutcome.REJECTED, rationale="Nej")
    assert statuses()[-1] == ("rejected", dpo.id)
    assert [e.changes["outcome"][1] for e in audit_entries(session, "decision")] == ["rejected"] * 3


def test_a_risk_taken_out_of_a_draft_stays_in_the_dpias_history(app: Flask, dpia_id: int) -> None:

    with app.app_context():
        dpia = db.session.get(Dpia, dpia_id)
        risk = services.add_risk(
            db.session, dpia, {"title": "Fejl i udkast", "inherent_likelihood": 2, "inherent_consequence": 2}
        )
        services.remove_risk(db.session, risk)
        entries = db.session.scalars(
            select(AuditEntry).where(AuditEntry.entity_type == "dpia", AuditEntry.entity_id == dpia_id)
        ).all()
        assert ["Fejl i udkast"] in [e.changes.get("risks", [None, None])[0] for e in entries]


def test_once_submitted_the_status_comes_from_decisions_not_the_system_form(
    session: Session, submitted: Dpia
) -> None:
    from riskreg.systems.services import update_system

    system = submitted.system

    def save(status: SystemStatus) -> None:
        update_system(
            session,
            system,
            {"status": status},
            departments=[d.name for d in system.departments],
            data_subjects=list(system.data_subjects),
            data_categories=list(system.data_categories),
            legal_bases=list(system.legal_bases),
        )

    with pytest.raises(DomainError) as refused:
        save(SystemStatus.APPROVED)
    assert refused.value.field == "status"
    session.rollback()
    assert session.get(System, system.id).status == SystemStatus.IN_ASSESSMENT
    save(SystemStatus.RETIRED)
    assert session.get(System, system.id).status == SystemStatus.RETIRED
