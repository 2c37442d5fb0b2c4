"""Each finding from the vendor's role becomes a suggested DPIA risk, which can be accepted as any other."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from riskreg.agreements.services import create_agreement
from riskreg.dpia import services
from riskreg.dpia.suggestions import suggest
from riskreg.enums import DataCategory, DataSubject, VendorRole
from riskreg.extensions import db
from riskreg.systems.models import System
from riskreg.systems.services import create_system
from riskreg.transfers import findings
from riskreg.vendors import roles
from tests import factories
from tests.dpia.test_suggestions import Facts

LANG = "en"


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    with app.app_context():
        yield db.session()


def school_system(session: Session, vendor_name: str, **vendor_columns: object) -> System:
    vendor = factories.make_vendor(session, vendor_name, (("SE", "processing"),), country_code="SE")
    for key, value in vendor_columns.items():
        setattr(vendor, key, value)
    system = create_system(
        session,
        {"name": f"{vendor_name} i undervisningen", "vendor_id": vendor.id},
        data_subjects=[DataSubject.CHILDREN],
        data_categories=[DataCategory.ORDINARY],
    )
    session.commit()
    return system


def role_suggestions(session: Session, system: System) -> dict[str, services.SuggestionView]:
    dpia = services.start_dpia(session, system, LANG)
    return {
        v.suggestion.kind: v
        for v in services.pending_suggestions(session, dpia, LANG)
        if v.suggestion.key.startswith("role:")
    }


def test_a_disclosure_without_legal_basis_is_suggested(session: Session) -> None:
    system = school_system(session, "Mentimeter AB", role=VendorRole.INDEPENDENT_CONTROLLER)
    found = role_suggestions(session, system)
    assert set(found) == {"disclosure"}
    disclosure = found["disclosure"]
    assert disclosure.title == "Disclosure to Mentimeter AB without its own legal basis"
    # Likely as a transfer without a basis; children raise the consequence by one.
    assert (disclosure.suggestion.likelihood, disclosure.suggestion.consequence) == (4, 3)
    assert disclosure.suggestion.key == f"role:disclosure:vendor{system.vendor_id}"


def test_a_missing_dpa_is_suggested_until_one_is_recorded(session: Session) -> None:
    system = school_system(session, "Kahoot! ASA")
    dpia = services.start_dpia(session, system, LANG)
    found = {v.suggestion.kind: v for v in services.pending_suggestions(session, dpia, LANG)}
    assert found["no_dpa"].title == "No data processing agreement with the processor Kahoot! ASA"
    assert found["no_dpa"].suggestion.likelihood == 3
    create_agreement(session, system.vendor, {"template": "Kahoot! DPA"})
    assert "no_dpa" not in {v.suggestion.kind for v in services.pending_suggestions(session, dpia, LANG)}


def test_accepting_a_role_suggestion_adds_the_risk(session: Session) -> None:
    system = school_system(session, "Google Cloud EMEA Limited", own_purpose_use=True)
    dpia = services.start_dpia(session, system, LANG)
    (view,) = [
        v for v in services.pending_suggestions(session, dpia, LANG) if v.suggestion.kind == "disclosure"
    ]
    risk = services.accept_suggestion(session, dpia, view.suggestion.key, LANG)
    assert risk.title == "Disclosure to Google Cloud EMEA Limited without its own legal basis"
    assert (risk.inherent_likelihood, risk.inherent_consequence) == (4, 3)
    assert "disclosure" not in {v.suggestion.kind for v in services.pending_suggestions(session, dpia, LANG)}


def test_suggest_takes_the_findings_as_plain_data() -> None:
    facts = roles.RoleFacts(
        7,
        "Teams-side",
        3,
        "Microsoft Ireland Operations Limited",
        VendorRole.JOINT_CONTROLLER,
        False,
        "",
        False,
    )
    (finding,) = roles.findings_of(facts)
    (suggestion,) = suggest(Facts(), findings.Assessment(7, "Teams-side"), LANG, [finding])
    assert (suggestion.kind, suggestion.likelihood, suggestion.consequence) == ("joint_controller", 2, 2)
    assert suggestion.text(LANG) == (
        "No arrangement under art. 26 with the joint controller Microsoft Ireland Operations Limited"
    )
    assert suggest(Facts(), findings.Assessment(7, "Teams-side"), LANG) == []
