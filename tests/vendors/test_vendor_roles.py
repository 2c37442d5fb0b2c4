"""Findings from a vendor's data-protection role (``riskreg.vendors.roles``), from real-looking vendors.

(``tests/vendors/test_roles.py`` is about the users' roles on the vendor pages.)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from riskreg.agreements.services import create_agreement, set_agreement_archived
from riskreg.enums import SystemStatus, VendorRole
from riskreg.extensions import db
from riskreg.systems.models import System
from riskreg.vendors import roles
from riskreg.vendors.models import Vendor
from tests import factories

K = roles.RoleFindingKind


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    with app.app_context():
        yield db.session()


def vendor(session: Session, name: str, country: str = "SE", **columns: object) -> Vendor:
    """A vendor through ``create_vendor``; the role columns set through the ORM (the form adds them)."""
    v = factories.make_vendor(session, name, ((country, "processing"),), country_code=country)
    for key, value in columns.items():
        setattr(v, key, value)
    session.commit()
    return v


def system(session: Session, name: str, v: Vendor, **columns: object) -> System:
    s = factories.make_system(session, name, v.id, purpose="Undervisning")
    for key, value in columns.items():
        setattr(s, key, value)
    session.commit()
    return s


def kinds(session: Session, s: System) -> list[roles.RoleFindingKind]:
    return [f.kind for f in roles.role_findings(session, [s.id]).get(s.id, [])]


def dpa(session: Session, v: Vendor, s: System | None = None) -> int:
    values: dict[str, object] = {
        "signed_on": dt.date(2025, 8, 1),
        "template": "KL/KOMBIT fælles databehandleraftale",
    }
    if s is not None:
        values["system_id"] = s.id
    return create_agreement(session, v, values).id


def test_mentimeter_an_independent_controller_for_account_data_without_a_dpa_is_a_disclosure(
    session: Session,
) -> None:
    # Mentimeter's terms: Mentimeter AB is the controller of account data and offers no DPA for it.
    mentimeter = vendor(session, "Mentimeter AB", role=VendorRole.INDEPENDENT_CONTROLLER)
    quiz = system(session, "Mentimeter (konti)", mentimeter)
    (finding,) = roles.role_findings(session, [quiz.id])[quiz.id]
    # A disclosure, not a missing DPA: no DPA could cover it.
    assert finding.kind == K.DISCLOSURE
    assert (finding.vendor, finding.system, finding.role) == (
        "Mentimeter AB",
        "Mentimeter (konti)",
        "independent_controller",
    )
    assert "Mentimeter AB is an independent controller" in finding.reason_en
    assert "its own legal basis (GDPR art. 6)" in finding.reason_en
    assert "cannot be covered by a data processing agreement" in finding.reason_en
    assert finding.reason("en") == finding.reason_en and "Mentimeter AB" in finding.reason("da")


def test_a_dpa_for_another_system_only_leaves_this_one_without(session: Session) -> None:
    zoom = vendor(session, "Zoom Video Communications", "US")
    covered, uncovered = system(session, "Zoom Rådhus", zoom), system(session, "Zoom Skole", zoom)
    dpa(session, zoom, covered)
    assert kinds(session, covered) == []
    (finding,) = roles.role_findings(session, [uncovered.id])[uncovered.id]
    assert finding.kind == K.NO_DPA
    assert "Zoom Video Communications is a processor for Zoom Skole" in finding.reason_en
    assert "art. 28(3)" in finding.reason_en


def test_a_vendor_wide_dpa_covers_every_system(session: Session) -> None:
    miro = vendor(session, "RealtimeBoard Inc. (Miro)", "US")
    boards = [system(session, f"Miro {n}", miro) for n in ("Plan", "Skole", "HR")]
    dpa(session, miro)
    assert roles.role_findings(session, [s.id for s in boards]) == {}


def test_an_archived_dpa_does_not_count(session: Session) -> None:
    kahoot = vendor(session, "Kahoot! ASA", "NO")
    quiz = system(session, "Kahoot! EDU", kahoot)
    agreement_id = dpa(session, kahoot)
    assert kinds(session, quiz) == []
    from riskreg.vendors.models import DataProcessingAgreement

    set_agreement_archived(session, session.get(DataProcessingAgreement, agreement_id), True)
    assert kinds(session, quiz) == [K.NO_DPA]


def test_own_purpose_use_by_a_processor_with_a_dpa_is_still_a_disclosure(session: Session) -> None:
    # Chromebook: Google used pupils' data for its own purposes despite the processor terms.
    google = vendor(
        session,
        "Google Cloud EMEA Limited",
        "IE",
        own_purpose_use=True,
        own_purpose_note="Vedligeholdelse og udvikling af tjenesterne (Chromebook-sagen)",
    )
    workspace = system(session, "Google Workspace for Education", google)
    dpa(session, google)
    (finding,) = roles.role_findings(session, [workspace.id])[workspace.id]
    assert finding.kind == K.DISCLOSURE
    assert (
        "uses the data or metadata of Google Workspace for Education for its own purposes"
        in finding.reason_en
    )
    assert "j.nr. 2023-431-0001" in finding.reason_en and "j.nr. 2023-431-0012" in finding.reason_en
    assert "Vedligeholdelse og udvikling af tjenesterne (Chromebook-sagen)" in finding.reason_en


def test_own_purpose_use_without_a_dpa_raises_both(session: Session) -> None:
    dropbox = vendor(session, "Dropbox International Unlimited Company", "IE", own_purpose_use=True)
    assert kinds(session, system(session, "Dropbox Basic", dropbox)) == [K.DISCLOSURE, K.NO_DPA]


def test_a_systems_vendor_role_overrides_the_vendors(session: Session) -> None:
    # Microsoft is a processor for Microsoft 365 (no DPA recorded here); Bing's consumer search is its own.
    microsoft = vendor(session, "Microsoft Ireland Operations Limited", "IE")
    m365, bing = (
        system(session, "Microsoft 365", microsoft),
        system(session, "Bing-søgning", microsoft, vendor_role=VendorRole.INDEPENDENT_CONTROLLER),
    )
    teams_site = system(session, "Teams-side for borgere", microsoft, vendor_role=VendorRole.JOINT_CONTROLLER)
    status_page = system(session, "Microsoft statusside", microsoft, vendor_role=VendorRole.NO_PERSONAL_DATA)
    found = roles.role_findings(session, [m365.id, bing.id, teams_site.id, status_page.id])
    assert [f.kind for f in found[m365.id]] == [K.NO_DPA]
    assert [f.kind for f in found[bing.id]] == [K.DISCLOSURE]
    (joint,) = found[teams_site.id]
    assert joint.kind == K.JOINT_CONTROLLER and "GDPR art. 26" in joint.reason_en
    assert "a data processing agreement is not the instrument" in joint.reason_en
    assert status_page.id not in found
    assert roles.role_in_effect(bing) == VendorRole.INDEPENDENT_CONTROLLER
    assert roles.role_in_effect(m365) == VendorRole.PROCESSOR


def test_a_sub_processor_needs_no_dpa_of_its_own(session: Session) -> None:
    aws = vendor(session, "Amazon Web Services EMEA SARL", "LU", role=VendorRole.SUB_PROCESSOR)
    assert kinds(session, system(session, "Hosting via leverandør", aws)) == []


@pytest.mark.parametrize(
    ("role", "own_purpose", "has_dpa", "expected"),
    [
        (VendorRole.PROCESSOR, False, True, []),
        (VendorRole.PROCESSOR, False, False, [K.NO_DPA]),
        (VendorRole.PROCESSOR, True, True, [K.DISCLOSURE]),
        (VendorRole.PROCESSOR, True, False, [K.DISCLOSURE, K.NO_DPA]),
        (VendorRole.SUB_PROCESSOR, False, False, []),
        (VendorRole.SUB_PROCESSOR, True, False, [K.DISCLOSURE]),
        (VendorRole.INDEPENDENT_CONTROLLER, False, False, [K.DISCLOSURE]),
        (VendorRole.INDEPENDENT_CONTROLLER, True, True, [K.DISCLOSURE]),
        (VendorRole.JOINT_CONTROLLER, False, False, [K.JOINT_CONTROLLER]),
        (VendorRole.JOINT_CONTROLLER, True, False, [K.DISCLOSURE, K.JOINT_CONTROLLER]),
        (VendorRole.NO_PERSONAL_DATA, True, False, []),
    ],
)
def test_the_rule(role: VendorRole, own_purpose: bool, has_dpa: bool, expected: list[K]) -> None:
    assert roles.judge(role, own_purpose, has_dpa) == expected


def test_many_systems_are_judged_in_one_query(app: Flask, session: Session) -> None:
    vendors = [vendor(session, f"Leverandør {n}", "DK") for n in range(4)]
    ids = [system(session, f"System {n}", v).id for n, v in enumerate(vendors * 3)]
    dpa(session, vendors[0])
    statements: list[str] = []

    def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    session.expire_all()
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        found = roles.role_findings(session, ids)
        in_use = select(System).where(System.status != SystemStatus.RETIRED)
        by_kind = roles.findings_by_kind(session, in_use, limit=2)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) == 2
    assert len(found) == 9  # three vendors without a DPA, three systems each
    assert by_kind[K.NO_DPA].count == 9 and len(by_kind[K.NO_DPA].findings) == 2
    assert by_kind[K.DISCLOSURE].count == 0
