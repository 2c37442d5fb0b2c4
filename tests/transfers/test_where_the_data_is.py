"""Real-looking vendors (issue 15): exposure where the data is, a mechanism per country, locations of unknown
country, the DPF list not yet checked, HR coverage, and a DPF status on a non-US entity.

Records are built through the services; the facts those cannot take yet (a location's own mechanism, a
location of undisclosed country, the DPF listing's HR coverage) are set on the rows and committed, so that
the engine re-classifies on commit as it does for every change.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from riskreg.enums import (
    DataSubject,
    DpfStatus,
    EntityRole,
    ExposureLevel,
    LocationKind,
    Outcome,
    TransferClass,
    TransferMechanism,
)
from riskreg.systems.models import System
from riskreg.transfers import findings, rules, sources
from riskreg.vendors.models import ProcessingLocation, SubProcessor, Vendor
from tests.factories import make_sub, make_system, make_vendor
from tests.transfers.helpers import SUPPORT, P, stored, today

C = TransferClass
M = TransferMechanism
TIA = dt.date(2026, 3, 10)


def assess(session: Session, system: System) -> findings.Assessment:
    (a,) = findings.assess(session, sources.official_source(session, today()), [system.id])
    return a


def exposure(a: findings.Assessment) -> set[tuple[str, EntityRole, str, ExposureLevel]]:
    return {(e.entity, e.role, e.country_code, e.level) for e in a.exposure}


def system_for(session: Session, name: str, vendor_id: int, *subjects: DataSubject) -> System:
    """A system through ``create_system`` with its data subjects (employees make it an HR system)."""
    from riskreg.systems.services import create_system

    return create_system(session, {"name": name, "vendor_id": vendor_id}, data_subjects=list(subjects))


def locate(session: Session, recipient: Vendor | SubProcessor, **location: object) -> ProcessingLocation:
    """Add a location with facts the services do not take yet (its own mechanism, no country) and commit."""
    loc = ProcessingLocation(**location)
    recipient.locations.append(loc)
    session.commit()
    return loc


# --- exposure where the data is -----------------------------------------------------------------------------


def canva(session: Session) -> tuple[Vendor, SubProcessor, System]:
    """Canva Pty Ltd (Australia) hosts with AWS in the United States and has support staff in China."""
    vendor = make_vendor(
        session,
        "Canva Pty Ltd",
        [("AU", P), ("US", P), ("CN", SUPPORT)],
        country_code="AU",
        transfer_mechanism=M.SCC,
        dpf_status=DpfStatus.NOT_LISTED,
        tia_on=TIA,
    )
    aws = make_sub(
        session,
        vendor,
        "Amazon Web Services, Inc.",
        [("US", P)],
        country_code="US",
        transfer_mechanism=M.DPF,
        dpf_status=DpfStatus.ACTIVE,
    )
    system = system_for(session, "Canva for Teams", vendor.id, DataSubject.CITIZENS)
    return vendor, aws, system


def test_canva_is_exposed_where_its_data_is(session: Session) -> None:
    vendor, _aws, system = canva(session)
    a = assess(session, system)
    assert exposure(a) == {
        ("Canva Pty Ltd", EntityRole.VENDOR_LOCATION, "US", ExposureLevel.HIGH),
        ("Canva Pty Ltd", EntityRole.VENDOR_LOCATION, "CN", ExposureLevel.VERY_HIGH),
        ("Amazon Web Services, Inc.", EntityRole.SUB_PROCESSOR, "US", ExposureLevel.HIGH),
    }
    by_country = {(e.entity, e.country_code): e for e in a.exposure}
    us = by_country["Canva Pty Ltd", "US"]
    assert us.reason_en.startswith("Canva Pty Ltd (vendor) processes data in United States: FISA Section 702")
    assert "CLOUD Act" in us.reason_en
    assert (
        us.reason_da.startswith("Canva Pty Ltd (leverandør) behandler data i USA:") or "USA" in us.reason_da
    )
    assert (us.via_entity, us.locations) == (False, frozenset({LocationKind.PROCESSING}))
    cn = by_country["Canva Pty Ltd", "CN"]
    assert cn.reason_en.startswith(
        "Canva Pty Ltd (vendor) has support access from China: National Intelligence"
    )
    assert cn.locations == frozenset({LocationKind.SUPPORT})
    # Support staff in China: very high exposure, not acceptable whatever the transfer classes are.
    assert a.outcome == Outcome.NOT_ACCEPTABLE
    assert a.worst_exposure == ExposureLevel.VERY_HIGH
    verdict, outcome, worst, *_rest = stored(session)[system.id]
    assert (outcome, worst) == (Outcome.NOT_ACCEPTABLE, ExposureLevel.VERY_HIGH)
    assert verdict == a.verdict
    # Without its Chinese support the exposure is the United States' only, and needs attention.
    from tests.transfers.helpers import update_vendor

    update_vendor(session, vendor, [("AU", P), ("US", P)])
    a = assess(session, system)
    assert {e.country_code for e in a.exposure} == {"US"}
    assert a.worst_exposure == ExposureLevel.HIGH
    assert stored(session)[system.id][2] == ExposureLevel.HIGH


def test_one_finding_per_recipient_and_country_naming_every_rule(session: Session) -> None:
    _vendor, _aws, system = canva(session)
    a = assess(session, system)
    aws = [e for e in a.exposure if e.entity == "Amazon Web Services, Inc."]
    # A US company that hosts in the US: found by its country and by its location, reported once.
    assert len(aws) == 1
    (e,) = aws
    assert (e.role, e.via_entity, e.locations) == (
        EntityRole.SUB_PROCESSOR,
        True,
        frozenset({LocationKind.PROCESSING}),
    )
    assert e.reason_en.startswith(
        "Amazon Web Services, Inc. (sub-processor) is under the jurisdiction of United States:"
    )
    assert e.reason_en.endswith("It also processes data there.")
    assert e.reason_da != e.reason_en


def test_an_eu_vendors_sub_processor_hosting_in_the_us(session: Session) -> None:
    """Kahoot! (Norway) uses AWS EMEA SARL (Luxembourg, parent Amazon.com, Inc.), which hosts in the US."""
    vendor = make_vendor(session, "Kahoot! ASA", [("NO", P)], country_code="NO", transfer_mechanism=M.NONE)
    aws = make_sub(
        session,
        vendor,
        "Amazon Web Services EMEA SARL",
        [("IE", P), ("US", P)],
        country_code="LU",
        parent_company="Amazon.com, Inc.",
        parent_country_code="US",
        transfer_mechanism=M.SCC,
        tia_on=TIA,
    )
    system = make_system(session, "Kahoot! i undervisningen", vendor.id)
    a = assess(session, system)
    assert exposure(a) == {
        ("Amazon.com, Inc.", EntityRole.SUB_PROCESSOR_PARENT, "US", ExposureLevel.HIGH),
        ("Amazon Web Services EMEA SARL", EntityRole.SUB_PROCESSOR_LOCATION, "US", ExposureLevel.HIGH),
    }
    hosting = next(e for e in a.exposure if e.role == EntityRole.SUB_PROCESSOR_LOCATION)
    assert hosting.reason_en.startswith(
        "Amazon Web Services EMEA SARL (sub-processor) processes data in United States:"
    )
    us = next(t for t in a.transfers if t.country_code == "US")
    # SCC with a TIA: the DPF list not being checked for a Luxembourg entity does not matter.
    assert (us.rule, us.klass) == ("scc_bcr", C.SAFEGUARDED)
    assert (a.verdict, a.outcome) == (C.SAFEGUARDED, Outcome.ATTENTION)
    # The Luxembourg entity recorded as DPF-active (a US listing inherited, as data entered before the
    # services refused it) is no DPF basis. The services now refuse it, so it is set on the record.
    aws.transfer_mechanism, aws.dpf_status = M.DPF, DpfStatus.ACTIVE
    session.commit()
    a = assess(session, system)
    us = next(t for t in a.transfers if t.country_code == "US")
    assert (us.rule, us.klass) == ("dpf_entity_not_us", C.NO_BASIS)
    assert "is not a US entity" in us.reason_en
    assert stored(session)[system.id][:2] == (C.NO_BASIS, Outcome.NOT_ACCEPTABLE)


def test_capcut_is_not_acceptable_through_its_parent_wherever_the_data_is(session: Session) -> None:
    vendor = make_vendor(
        session,
        "Bytedance Pte. Ltd.",
        [("IE", P)],
        country_code="SG",
        parent_name="ByteDance Ltd.",
        parent_country_code="CN",
        transfer_mechanism=M.SCC,
        tia_on=TIA,
    )
    system = make_system(session, "CapCut til video", vendor.id)
    a = assess(session, system)
    assert exposure(a) == {("ByteDance Ltd.", EntityRole.VENDOR_PARENT, "CN", ExposureLevel.VERY_HIGH)}
    assert (a.verdict, a.outcome) == (C.EEA, Outcome.NOT_ACCEPTABLE)


# --- a mechanism per country --------------------------------------------------------------------------------


def test_canada_on_adequacy_and_india_on_scc_for_one_recipient(session: Session) -> None:
    """A Canadian company under PIPEDA (partial adequacy) with support staff in India under SCC."""
    vendor = make_vendor(
        session,
        "Thinkific Labs Inc.",
        [("CA", P)],
        country_code="CA",
        transfer_mechanism=M.ADEQUACY,
        tia_on=TIA,
    )
    system = make_system(session, "Kursusplatform", vendor.id)
    locate(session, vendor, country_code="IN", kind=LocationKind.SUPPORT, mechanism=M.SCC)
    a = assess(session, system)
    found = {t.country_code: (t.rule, t.klass, t.mechanism) for t in a.transfers}
    assert found == {
        "CA": ("partial_in_scope", C.ADEQUATE, M.ADEQUACY),
        "IN": ("scc_bcr", C.SAFEGUARDED, M.SCC),
    }
    india = next(t for t in a.transfers if t.country_code == "IN")
    assert india.reason_en.startswith("Thinkific Labs Inc. has support access from India.")
    assert "Standard contractual clauses" in india.reason_en
    assert stored(session)[system.id][:2] == (C.SAFEGUARDED, Outcome.ATTENTION)
    # The Python reference agrees: India on the recipient's mechanism would have had no basis.
    assert rules.classify(rules.Facts("IN", None, M.ADEQUACY, DpfStatus.UNKNOWN, "CA")).id == "no_basis"


# --- locations of unknown country ---------------------------------------------------------------------------


def test_a_location_of_undisclosed_country_is_unknown_and_says_so(session: Session) -> None:
    """Mentimeter's list names a support tool provider whose country is "not disclosed"."""
    vendor = make_vendor(session, "Mentimeter AB", [("SE", P)], country_code="SE", transfer_mechanism=M.SCC)
    sub = make_sub(session, vendor, "Support ticketing provider", [("IE", P)], transfer_mechanism=M.SCC)
    system = make_system(session, "Mentimeter", vendor.id)
    locate(session, sub, country_code=None, kind=LocationKind.PROCESSING)
    a = assess(session, system)
    unknown = [t for t in a.transfers if t.country_code is None]
    assert [(t.recipient, t.rule, t.klass) for t in unknown] == [
        ("Support ticketing provider", "country_unknown", C.UNKNOWN)
    ]
    (t,) = unknown
    assert t.reason_en.startswith(
        "Support ticketing provider processes data in a country it does not disclose. "
        "The transfer cannot be checked against"
    )
    assert t.reason_en.endswith("Unknown is never treated as safe.")
    assert t.reason_da != t.reason_en
    assert (a.verdict, a.outcome) == (C.UNKNOWN, Outcome.NOT_ACCEPTABLE)
    assert not a.exposure  # a country not known is on no exposure list; the class already says "unknown"
    # A recipient with no location at all keeps its own wording.
    bare = make_vendor(session, "No locations A/S", [])
    (b,) = assess(session, make_system(session, "Bare", bare.id)).transfers
    assert b.rule == "country_unknown" and b.reason_en.startswith("No locations A/S: No processing country")


# --- the DPF: not yet checked, HR coverage ------------------------------------------------------------------


def test_a_us_recipient_whose_dpf_listing_is_not_checked_is_unknown(session: Session) -> None:
    vendor = make_vendor(session, "Dropbox, Inc.", [("US", P)], country_code="US", transfer_mechanism=M.DPF)
    assert vendor.dpf_status == DpfStatus.UNKNOWN  # the default: not looked up yet
    system = make_system(session, "Dropbox", vendor.id)
    a = assess(session, system)
    (t,) = a.transfers
    assert (t.rule, t.klass) == ("dpf_unchecked", C.UNKNOWN)
    assert "the DPF list has not been checked for Dropbox, Inc." in t.reason_en
    from tests.transfers.helpers import update_vendor

    update_vendor(session, vendor, dpf_status=DpfStatus.NOT_LISTED)
    (t,) = assess(session, system).transfers
    assert (t.rule, t.klass) == ("dpf_not_active", C.NO_BASIS)


def test_an_hr_system_needs_the_dpf_listings_hr_coverage(session: Session) -> None:
    """Slack Technologies, LLC, DPF-active for non-HR data only, serving a staff system and a parents' one."""
    from riskreg.systems.services import update_system

    slack = make_vendor(
        session,
        "Slack Technologies, LLC",
        [("US", P)],
        country_code="US",
        transfer_mechanism=M.DPF,
        dpf_status=DpfStatus.ACTIVE,
    )
    slack.dpf_covers_hr, slack.dpf_covers_non_hr = False, True
    session.commit()
    staff = system_for(session, "Slack for staff", slack.id, DataSubject.EMPLOYEES)
    parents = system_for(session, "Slack for parents", slack.id, DataSubject.CITIZENS)
    (t,) = assess(session, staff).transfers
    assert (t.rule, t.klass) == ("dpf_hr_not_covered", C.NO_BASIS)
    assert "does not cover HR data" in t.reason_en
    (t,) = assess(session, parents).transfers
    assert (t.rule, t.klass) == ("dpf_active", C.DPF)
    rows = stored(session)
    assert rows[staff.id][:2] == (C.NO_BASIS, Outcome.NOT_ACCEPTABLE)
    assert rows[parents.id][:2] == (C.DPF, Outcome.ATTENTION)

    # HR coverage not recorded: its own rule, attention as the DPF, never the DPF silently.
    slack.dpf_covers_hr = None
    session.commit()
    (t,) = assess(session, staff).transfers
    assert (t.rule, t.klass) == ("dpf_hr_unrecorded", C.DPF)
    assert "covers HR data is not recorded" in t.reason_en

    # Employees among the parents' system's data subjects: the stored verdict follows on the save.
    slack.dpf_covers_hr = False
    session.commit()
    update_system(
        session,
        parents,
        {},
        departments=[],
        data_subjects=[DataSubject.CITIZENS, DataSubject.EMPLOYEES],
        data_categories=[],
        legal_bases=[],
    )
    assert stored(session)[parents.id][:2] == (C.NO_BASIS, Outcome.NOT_ACCEPTABLE)
    # An SCC recorded as the fallback gives the HR system a basis again.
    from tests.transfers.helpers import update_vendor

    update_vendor(session, slack, transfer_mechanism=M.SCC, tia_on=TIA)
    (t,) = assess(session, staff).transfers
    assert (t.rule, t.klass) == ("scc_bcr", C.SAFEGUARDED)
