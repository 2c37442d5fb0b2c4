"""`riskreg demo` through the real CLI: the three cases of domain §2, idempotence, and the generator."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from riskreg.audit import AuditEntry
from riskreg.bodies.models import ApprovalBody
from riskreg.enums import (
    AiActClass,
    AuditAction,
    DataCategory,
    DataSubject,
    DpfStatus,
    LegalBasis,
    LocationKind,
    RiskLevel,
    SystemStatus,
    TransferMechanism,
    VendorRole,
)
from riskreg.extensions import db
from riskreg.main.attention import attention
from riskreg.systems.models import Department, System
from riskreg.vendors.models import DataProcessingAgreement, SubProcessor, Vendor
from tests.factories import run_demo
from tests.records import row_counts

EEA = {"AT", "BE", "DE", "DK", "ES", "FI", "FR", "IE", "IT", "NL", "NO", "PL", "SE"}
JOURNAL = re.compile(r"^\d{2}\.\d{2}\.\d{2}G\d{2}-\d{2}-\d{2}$")


def vendor(session: Session, name: str) -> Vendor:
    return session.scalars(select(Vendor).where(Vendor.name == name)).one()


def system(session: Session, name: str) -> System:
    return session.scalars(select(System).where(System.name == name)).one()


def countries(recipient: Vendor | SubProcessor, kind: LocationKind = LocationKind.PROCESSING) -> set[str]:
    return {loc.country_code for loc in recipient.locations if loc.kind == kind}


@pytest.fixture
def demo(app: Flask) -> Any:
    output = run_demo(app)
    with app.app_context():
        yield db.session, output


def test_the_approval_bodies_in_order_with_their_ceilings(demo: Any) -> None:
    session, _output = demo
    bodies = session.scalars(select(ApprovalBody).order_by(ApprovalBody.position)).all()
    assert [(b.name, b.position, b.residual_ceiling) for b in bodies] == [
        ("Systemgodkendelsesgruppen", 1, RiskLevel.MEDIUM),
        ("Styregruppen for IT-sikkerhed", 2, RiskLevel.HIGH),
        ("Direktionen", 3, RiskLevel.VERY_HIGH),
    ]
    assert session.scalar(select(func.count()).select_from(Department)) >= 6


def test_capcut_owner_in_china_and_no_processing_countries(demo: Any) -> None:
    session, output = demo
    capcut = system(session, "CapCut Pro")
    bytedance = capcut.vendor
    assert bytedance.name == "ByteDance"
    assert bytedance.parent_name == "ByteDance Ltd."
    assert bytedance.parent_country_code == "CN"
    # Unknown contracting entity country and processing countries: nothing recorded, nothing assumed.
    assert bytedance.country_code is None
    assert bytedance.locations == []
    assert bytedance.sub_processors == []
    assert bytedance.dpf_status == DpfStatus.NOT_LISTED
    assert bytedance.transfer_mechanism == TransferMechanism.UNKNOWN
    # Rejected by the first two bodies, postponed by Direktionen to 17 June 2026 (its outcome is not known).
    assert capcut.status == SystemStatus.POSTPONED
    assert JOURNAL.match(capcut.journal_number)
    assert DataSubject.CHILDREN in capcut.data_subjects
    assert DataSubject.EMPLOYEES in capcut.data_subjects
    assert capcut.purpose
    assert "CapCut Pro" in output

    adobe_cc = system(session, "Adobe Creative Cloud")
    assert adobe_cc.status == SystemStatus.APPROVED
    adobe = adobe_cc.vendor
    assert (adobe.name, adobe.parent_name, adobe.parent_country_code) == ("Adobe", "Adobe Inc.", "US")
    assert adobe.dpf_status == DpfStatus.ACTIVE
    assert adobe.transfer_mechanism == TransferMechanism.DPF
    assert countries(adobe) == {"IE", "NL", "US"}


def test_canva_chain_reaches_australia_philippines_and_us_without_dpf(demo: Any) -> None:
    session, _output = demo
    canva = system(session, "Canva via SkoleTube")
    assert canva.status == SystemStatus.POSTPONED
    assert canva.vendor.name == "SkoleTube"
    assert canva.vendor.country_code == "DK"
    assert countries(canva.vendor) == {"DK"}
    assert canva.data_subjects == [DataSubject.CHILDREN]
    assert canva.has_free_text is True
    assert canva.free_text_note

    subs = {sp.name: sp for sp in canva.vendor.sub_processors}
    root = subs["Canva Pty Ltd"]
    assert root.parent is None
    assert (root.country_code, countries(root)) == ("AU", {"AU"})
    assert root.transfer_mechanism == TransferMechanism.NONE
    assert root.dpf_status == DpfStatus.NOT_LISTED
    assert canva in root.systems

    # Everything below Canva Pty Ltd, found by following parent links as the transfer engine will.
    chain = [sp for sp in subs.values() if sp is not root]
    for sp in chain:
        top = sp
        while top.parent is not None:
            top = top.parent
        assert top is root, sp.name
        assert sp.transfer_mechanism == TransferMechanism.NONE
    reached = Counter(c for sp in chain for c in countries(sp))
    assert reached == Counter({"PH": 1, "US": 2})
    us = [sp for sp in chain if countries(sp) == {"US"}]
    assert len(us) == 2
    assert all(sp.dpf_status == DpfStatus.NOT_LISTED for sp in us)

    teams = system(session, "Canva Teams (medarbejdere)")
    assert teams.status == SystemStatus.APPROVED_WITH_CONDITIONS
    assert teams.data_subjects == [DataSubject.EMPLOYEES]


def test_momentum_ai_assistant_with_microsoft_as_sub_processor(demo: Any) -> None:
    session, _output = demo
    ai = system(session, "Momentum – AI-tekstassistent")
    assert ai.status == SystemStatus.POSTPONED
    assert ai.has_ai and not ai.ai_output_in_decisions
    assert "beslutningsstøtte" in ai.ai_description
    assert ai.ai_act_class == AiActClass.HIGH_RISK
    assert "employment" in ai.ai_annex_iii_area and "public benefits" in ai.ai_annex_iii_area
    assert LegalBasis.NATIONAL_LAW in ai.legal_bases
    assert ai.legal_basis_note == "bekendtgørelse nr. 101/2026 (AI tilladt fra 1. februar 2026)"
    assert {DataCategory.CPR, DataSubject.CITIZENS} <= {*ai.data_categories, *ai.data_subjects}
    assert ai.vendor.country_code == "DK"
    assert [d.name for d in ai.departments] == ["Beskæftigelsesforvaltningen"]

    ms = session.scalars(
        select(SubProcessor).where(SubProcessor.name == "Microsoft Ireland Operations Ltd")
    ).one()
    assert ms.vendor is ai.vendor
    assert ms.systems == [ai]
    assert (ms.country_code, ms.parent_company, ms.parent_country_code) == (
        "IE",
        "Microsoft Corporation",
        "US",
    )
    assert ms.transfer_mechanism == TransferMechanism.DPF
    assert ms.dpf_status == DpfStatus.ACTIVE
    assert countries(ms) == {"IE", "NL"}
    support = countries(ms, LocationKind.SUPPORT)
    # Support access from the US rides on Microsoft's DPF certification: a `dpf` transfer (issue 4).
    assert support == {"US"}
    assert "EU Data Boundary" in ms.source and ms.source_on is not None


def test_ordinary_systems_give_the_front_page_its_findings(demo: Any) -> None:
    session, _output = demo
    fictional = session.scalars(
        select(Vendor).where(Vendor.notes.like("Fiktiv%")).options(selectinload(Vendor.agreements))
    ).all()
    assert len(fictional) >= 5
    for v in fictional:
        assert v.org_number and v.website.endswith(".example.dk")
        assert countries(v) <= EEA
        assert v.agreements and v.agreements[0].template == "KL/KOMBIT fælles databehandleraftale"
        assert v.audit_statements and v.supervisions
        # Invented org numbers fail the CVR modulus-11 check, so they cannot be a real company's.
        digits = [int(d) for d in v.org_number]
        assert sum(d * w for d, w in zip(digits, (2, 7, 6, 5, 4, 3, 2, 1), strict=True)) % 11 != 0
    orgs = [o for o in session.scalars(select(Vendor.org_number)) if o]
    assert len(orgs) == len(set(orgs))

    found = attention(session, dt.date.today())
    assert [s.name for s in found.reviews_overdue] == ["Fjordsoft Vagtplan"]
    assert [s.name for s in found.reviews_due] == ["Skolebro Forældrekontakt"]
    assert [v.name for v, _latest in found.statements_due] == ["Arkivium A/S"]
    assert [s.vendor.name for s in found.supervision_overdue] == ["Kontotal ApS"]
    # TikTok, rejected earlier; the three cases are postponed before Direktionen.
    assert found.status_counts[SystemStatus.REJECTED] == 1
    assert found.status_counts[SystemStatus.POSTPONED] == 3


def test_records_are_logged_as_created_by_the_demo(demo: Any) -> None:
    session, _output = demo
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.entity_type == "vendor", AuditEntry.entity_label == "ByteDance")
    ).one()
    assert (entry.action, entry.actor) == (AuditAction.CREATE, "riskreg demo")
    assert entry.changes["parent_country_code"] == [None, "CN"]


def test_running_it_twice_adds_nothing(app: Flask) -> None:
    run_demo(app)
    with app.app_context():
        before = row_counts(db.session)
    output = run_demo(app)
    with app.app_context():
        after = row_counts(db.session)
    assert "nothing added" in output
    assert after == before
    assert before["system"] >= 12 and before["vendor"] >= 11


def test_size_generates_systems_with_sub_processors_and_countries(app: Flask) -> None:
    output = run_demo(app, "--size", "50")
    assert "Generated 50 systems" in output
    with app.app_context():
        session = db.session
        generated = session.scalars(
            select(System)
            .where(System.name.like("Demo system %"))
            .options(
                selectinload(System.vendor).selectinload(Vendor.locations),
                selectinload(System.vendor)
                .selectinload(Vendor.sub_processors)
                .selectinload(SubProcessor.locations),
            )
        ).all()
        assert sorted(s.name for s in generated) == [f"Demo system {n:05d}" for n in range(1, 51)]
        vendors = {s.vendor for s in generated}
        assert 3 <= len(vendors) <= 10
        assert sum(len(v.sub_processors) for v in vendors) > 0
        per_system = [transfers(s) for s in generated]
        assert min(per_system) >= 1
        assert 4 <= sum(per_system) / len(per_system) <= 20
        # Bulk inserts bypass the audit log (documented in --help): generated data has no history.
        assert not session.scalars(
            select(AuditEntry).where(AuditEntry.entity_label.like("Demo system %"))
        ).first()
        # The three cases are loaded as well.
        assert system(session, "CapCut Pro").status == SystemStatus.POSTPONED


def transfers(s: System) -> int:
    """system x recipient x country rows: the vendor's locations and those of sub-processors serving it."""
    subs = [sp for sp in s.vendor.sub_processors if not sp.systems or s in sp.systems]
    return len(s.vendor.locations) + sum(len(sp.locations) for sp in subs)


def test_a_large_register_has_about_ten_transfers_per_system_and_a_realistic_spread(app: Flask) -> None:
    run_demo(app, "--size", "1000")
    with app.app_context():
        session = db.session
        generated = session.scalars(
            select(System)
            .where(System.name.like("Demo system %"))
            .options(
                selectinload(System.vendor).selectinload(Vendor.locations),
                selectinload(System.vendor)
                .selectinload(Vendor.sub_processors)
                .options(selectinload(SubProcessor.locations), selectinload(SubProcessor.systems)),
            )
        ).all()
        assert len(generated) == 1000
        ratio = sum(transfers(s) for s in generated) / len(generated)
        assert 7 <= ratio <= 13
        vendors = session.scalars(select(Vendor).where(Vendor.name.like("Demo vendor %"))).all()
        assert 90 <= len(vendors) <= 110
        vendor_countries = Counter(v.country_code for v in vendors)
        assert sum(n for c, n in vendor_countries.items() if c in EEA) > len(vendors) / 2
        us = [v for v in vendors if v.country_code == "US"]
        assert {v.dpf_status for v in us} >= {DpfStatus.ACTIVE, DpfStatus.NOT_LISTED}
        subs = session.scalars(
            select(SubProcessor).where(SubProcessor.name.like("Demo sub-processor %"))
        ).all()
        assert any(sp.parent_id for sp in subs)
        located = Counter(loc.country_code for sp in subs for loc in sp.locations)
        assert {"US", "IN", "PH", "AU", "CN", "GB"} <= set(located)
        assert located["US"] > located["AU"]
        assert any(loc.kind == LocationKind.SUPPORT for sp in subs for loc in sp.locations)
        assert session.scalar(select(func.count()).select_from(DataProcessingAgreement)) > 50


def test_a_second_batch_gets_new_names(app: Flask) -> None:
    run_demo(app, "--size", "20")
    output = run_demo(app, "--size", "20")
    assert "Demo system 00021 .. Demo system 00040" in output
    with app.app_context():
        names = db.session.scalars(select(System.name).where(System.name.like("Demo system %"))).all()
        vendors = db.session.scalars(select(Vendor.name).where(Vendor.name.like("Demo vendor %"))).all()
    assert len(names) == len(set(names)) == 40
    assert len(vendors) == len(set(vendors)) == 4


def test_help_says_generated_data_bypasses_the_audit_log(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["demo", "--help"])
    assert result.exit_code == 0
    assert "bypass the audit log" in result.output
    assert "--size" in result.output


def test_a_generative_ai_service_and_a_processor_without_a_dpa_show_their_findings(demo: Any) -> None:
    from riskreg.vendors import roles

    session, _output = demo
    chatgpt, portal = (
        system(session, "ChatGPT (gratis udgave)"),
        system(session, "Mødeportalen Borgerhøringer"),
    )
    openai = chatgpt.vendor
    assert (openai.name, openai.country_code, openai.parent_country_code) == (
        "OpenAI Ireland Limited",
        "IE",
        "US",
    )
    assert openai.role == VendorRole.INDEPENDENT_CONTROLLER and openai.own_purpose_use
    assert openai.agreements == [] and portal.vendor.agreements == []
    found = roles.role_findings(session, [chatgpt.id, portal.id])
    assert [f.kind for f in found[chatgpt.id]] == [roles.RoleFindingKind.DISCLOSURE]
    assert [f.kind for f in found[portal.id]] == [roles.RoleFindingKind.NO_DPA]
    # The decided cases keep their outcomes (see the tests above); the new systems are not before a body.
    assert (chatgpt.status, portal.status) == (SystemStatus.DRAFT, SystemStatus.APPROVED)
    by_kind = attention(session, dt.date.today()).role_findings
    assert [f.system for f in by_kind[roles.RoleFindingKind.DISCLOSURE].findings] == [
        "ChatGPT (gratis udgave)"
    ]
