"""The SQL engine on the demo register: the three cases of domain §2 and the preset scenario.

And its agreement with the Python rules for every transfer and every stored verdict.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from riskreg.countries.models import CountryListEntry
from riskreg.enums import (
    CountryStatus,
    DpfStatus,
    EntityRole,
    ExposureLevel,
    LocationKind,
    Outcome,
    TransferClass,
    TransferMechanism,
)
from riskreg.systems.models import System
from riskreg.transfers import classified, findings, rules, scenario_impact, sources, system_verdicts
from riskreg.transfers.models import SystemAssessment
from riskreg.vendors.models import SubProcessor
from tests.transfers.helpers import by_name, stored, today, update_sub

C = TransferClass
CAPCUT = "CapCut Pro"
CANVA = "Canva via SkoleTube"
MOMENTUM_AI = "Momentum – AI-tekstassistent"
MICROSOFT = "Microsoft Ireland Operations Ltd"
#: Support access from the US is Microsoft Corporation's, on its own DPF listing (the Irish entity is not).
MICROSOFT_US = "Microsoft Corporation"


def assessment(session: Session, name: str, source: sources.ListSource | None = None) -> findings.Assessment:
    system = by_name(session, System, name)
    (found,) = findings.assess(session, source or sources.official_source(session, today()), [system.id])
    assert found.system == name
    return found


def stored_row(session: Session, name: str) -> SystemAssessment:
    system = by_name(session, System, name)
    session.expire_all()
    return session.get(SystemAssessment, system.id)


def dpf_invalidated(session: Session) -> sources.ListSource:
    return sources.source_for(session, today(), sources.find_scenario(session, "DPF invalidated"))


# --- the three cases ----------------------------------------------------------------------------------------


def test_capcut_is_unknown_and_exposed_to_china(demo_db: Session) -> None:
    a = assessment(demo_db, CAPCUT)
    assert a.verdict == C.UNKNOWN
    assert a.outcome == Outcome.NOT_ACCEPTABLE
    # No processing country is known: one transfer, with no country, by the first rule.
    assert [(t.recipient, t.country_code, t.rule, t.klass) for t in a.transfers] == [
        ("ByteDance", None, "country_unknown", C.UNKNOWN)
    ]
    assert [(e.entity, e.role, e.country_code, e.level) for e in a.exposure] == [
        ("ByteDance Ltd.", EntityRole.VENDOR_PARENT, "CN", ExposureLevel.VERY_HIGH)
    ]
    assert any("National Intelligence Law" in law for law in a.exposure[0].laws)
    assert "ByteDance Ltd." in a.exposure[0].reason_da and "Kina" in a.exposure[0].reason_da
    assert "China" in a.exposure[0].reason_en
    row = stored_row(demo_db, CAPCUT)
    assert (row.verdict, row.outcome, row.exposure, row.transfer_count) == (
        C.UNKNOWN,
        Outcome.NOT_ACCEPTABLE,
        ExposureLevel.VERY_HIGH,
        1,
    )


def test_capcut_stays_not_acceptable_on_exposure_alone(demo_db: Session) -> None:
    """Even if ByteDance stored everything in the EU, the owner in China makes it not acceptable."""
    from tests.transfers.helpers import update_vendor

    bytedance = by_name(demo_db, System, CAPCUT).vendor
    update_vendor(demo_db, bytedance, [("IE", LocationKind.PROCESSING)])
    a = assessment(demo_db, CAPCUT)
    assert a.verdict == C.EEA
    assert a.outcome == Outcome.NOT_ACCEPTABLE
    row = stored_row(demo_db, CAPCUT)
    assert (row.verdict, row.outcome) == (C.EEA, Outcome.NOT_ACCEPTABLE)


def test_canva_via_skoletube_has_no_basis_for_four_recipients(demo_db: Session) -> None:
    a = assessment(demo_db, CANVA)
    assert a.verdict == C.NO_BASIS
    assert a.outcome == Outcome.NOT_ACCEPTABLE
    found = {(t.recipient, t.country_code): (t.klass, t.rule) for t in a.transfers}
    assert found == {
        ("SkoleTube", "DK"): (C.EEA, "eea"),
        ("Canva Pty Ltd", "AU"): (C.NO_BASIS, "no_basis"),
        ("Philippines support and operations entity", "PH"): (C.NO_BASIS, "no_basis"),
        ("US content delivery provider", "US"): (C.NO_BASIS, "dpf_not_active"),
        ("US analytics provider", "US"): (C.NO_BASIS, "dpf_not_active"),
    }
    # Worst first, the vendor's own row last.
    assert a.transfers[-1].recipient == "SkoleTube"
    au = next(t for t in a.transfers if t.country_code == "AU")
    assert "Canva Pty Ltd" in au.reason_en and "Australia" in au.reason_en and "None" in au.reason_en
    assert "Canva Pty Ltd" in au.reason_da and "Australien" in au.reason_da and "Ingen" in au.reason_da
    us = next(t for t in a.transfers if t.recipient == "US analytics provider")
    assert "Data Privacy Framework" in us.reason_en and "not listed" in us.reason_en
    # A US exposure: the two US sub-processors are under US jurisdiction.
    assert {(e.entity, e.country_code) for e in a.exposure} == {
        ("US content delivery provider", "US"),
        ("US analytics provider", "US"),
    }
    row = stored_row(demo_db, CANVA)
    assert (row.verdict, row.outcome, row.transfer_count) == (C.NO_BASIS, Outcome.NOT_ACCEPTABLE, 5)


def test_momentum_ai_is_dpf_for_microsoft_with_us_exposure(demo_db: Session) -> None:
    a = assessment(demo_db, MOMENTUM_AI)
    assert a.verdict == C.DPF
    assert a.outcome == Outcome.ATTENTION
    found = {(t.recipient, t.country_code, t.kind): (t.klass, t.rule) for t in a.transfers}
    assert found == {
        ("Momentum-leverandøren", "DK", LocationKind.PROCESSING): (C.EEA, "eea"),
        (MICROSOFT, "IE", LocationKind.PROCESSING): (C.EEA, "eea"),
        (MICROSOFT, "NL", LocationKind.PROCESSING): (C.EEA, "eea"),
        (MICROSOFT_US, "US", LocationKind.SUPPORT): (C.DPF, "dpf_active"),
    }
    assert a.transfers[0].reason_en.startswith(f"{MICROSOFT_US} has support access from United States.")
    # Microsoft Corporation as the Irish company's parent, and as the sub-processor with US support access
    # (its country and its location: one finding).
    assert sorted((e.entity, e.role, e.country_code, e.level) for e in a.exposure) == [
        ("Microsoft Corporation", EntityRole.SUB_PROCESSOR, "US", ExposureLevel.HIGH),
        ("Microsoft Corporation", EntityRole.SUB_PROCESSOR_PARENT, "US", ExposureLevel.HIGH),
    ]
    own = next(e for e in a.exposure if e.role == EntityRole.SUB_PROCESSOR)
    assert own.reason_en.endswith("It also has support access from there.")
    row = stored_row(demo_db, MOMENTUM_AI)
    assert (row.verdict, row.outcome, row.exposure) == (C.DPF, Outcome.ATTENTION, ExposureLevel.HIGH)
    # Microsoft is limited to the AI assistant: Momentum itself has only its vendor in Denmark.
    momentum = assessment(demo_db, "Momentum")
    assert (momentum.verdict, momentum.outcome, momentum.exposure) == (C.EEA, Outcome.ACCEPTABLE, [])


def test_momentum_ai_under_dpf_invalidated_has_no_basis(demo_db: Session) -> None:
    source = dpf_invalidated(demo_db)
    a = assessment(demo_db, MOMENTUM_AI, source)
    assert a.verdict == C.NO_BASIS
    assert a.outcome == Outcome.NOT_ACCEPTABLE
    (us,) = [t for t in a.transfers if t.country_code == "US"]
    assert (us.recipient, us.klass, us.rule) == (MICROSOFT_US, C.NO_BASIS, "no_basis")
    assert "DPF invalidated" in us.reason_en
    # The stored (official) verdict is still dpf.
    assert stored_row(demo_db, MOMENTUM_AI).verdict == C.DPF


def test_scenario_impact_of_dpf_invalidated_on_the_demo(demo_db: Session) -> None:
    scenario = sources.find_scenario(demo_db, "dpf INVALIDATED")
    _base, what_if, changes = scenario_impact.scenario_impact(demo_db, scenario, today())
    assert what_if.scenario_name == "DPF invalidated"
    assert {(c.system, c.before, c.after, c.after_outcome) for c in changes} == {
        (MOMENTUM_AI, C.DPF, C.NO_BASIS, Outcome.NOT_ACCEPTABLE),
        ("Adobe Creative Cloud", C.DPF, C.NO_BASIS, Outcome.NOT_ACCEPTABLE),
    }
    momentum = next(c for c in changes if c.system == MOMENTUM_AI)
    assert [(b.recipient, b.country_code, b.klass, a.klass) for b, a in momentum.transfers] == [
        (MICROSOFT_US, "US", C.DPF, C.NO_BASIS)
    ]


def test_momentum_ai_with_scc_for_microsoft_is_safeguarded_without_the_dpf(demo_db: Session) -> None:
    microsoft = by_name(demo_db, SubProcessor, MICROSOFT_US)
    update_sub(demo_db, microsoft, transfer_mechanism=TransferMechanism.SCC)
    # Under the official list the active DPF listing still wins over the SCC.
    assert assessment(demo_db, MOMENTUM_AI).verdict == C.DPF
    assert stored_row(demo_db, MOMENTUM_AI).verdict == C.DPF
    a = assessment(demo_db, MOMENTUM_AI, dpf_invalidated(demo_db))
    assert a.verdict == C.SAFEGUARDED
    (us,) = [t for t in a.transfers if t.country_code == "US"]
    assert (us.rule, us.mechanism, us.tia_on, us.tia_missing) == (
        "scc_bcr",
        TransferMechanism.SCC,
        dt.date(2026, 3, 10),
        False,
    )
    # Exposure to the US remains: attention, not acceptable only by the transfer class.
    assert a.outcome == Outcome.ATTENTION
    # With the DPF listing lapsed too, the SCC carries the transfer under the official list.
    update_sub(demo_db, microsoft, dpf_status=DpfStatus.INACTIVE)
    assert assessment(demo_db, MOMENTUM_AI).verdict == C.SAFEGUARDED
    assert stored_row(demo_db, MOMENTUM_AI).verdict == C.SAFEGUARDED


def test_no_system_is_left_without_a_stored_verdict(demo_db: Session) -> None:
    systems = set(demo_db.scalars(select(System.id)))
    assert systems and set(stored(demo_db)) == systems


# --- the SQL engine agrees with the Python rules ----------------------------------------------------------


def python_class(statuses: dict[str, CountryStatus], t: findings.TransferFinding) -> rules.Rule:
    facts = rules.Facts(
        country=t.country_code,
        status=statuses.get(t.country_code) if t.country_code else None,
        mechanism=t.mechanism,
        dpf_status=t.dpf_status,
        entity_country=t.entity_country,
        dpf_covers_hr=t.dpf_covers_hr,
        hr_system=t.hr_system,
    )
    return rules.classify(facts)


def check_agreement(session: Session, source: sources.ListSource, overrides: dict[str, CountryStatus]) -> int:
    """Every transfer's SQL rule is the Python rule; every Assessment's verdict is the worst class."""
    entries = session.scalars(
        select(CountryListEntry).where(CountryListEntry.list_version_id == source.official_version_id)
    )
    statuses = {e.country_code: e.status for e in entries} | overrides
    n = 0
    for a in findings.assess(session, source):
        assert a.transfers, a.system
        for t in a.transfers:
            expected = python_class(statuses, t)
            assert (t.rule, t.klass) == (expected.id, expected.klass), (a.system, t)
            n += 1
        assert a.verdict == rules.verdict(python_class(statuses, t).klass for t in a.transfers)
    return n


def test_every_demo_transfer_is_classified_as_in_python(demo_db: Session) -> None:
    n = check_agreement(demo_db, sources.official_source(demo_db, today()), {})
    assert n >= 25
    assert check_agreement(demo_db, dpf_invalidated(demo_db), {"US": CountryStatus.NONE}) == n


def test_transfer_rows_and_stored_verdicts_are_what_assess_computes(demo_db: Session) -> None:
    from riskreg.demo.generate import generate_register

    generate_register(demo_db, 150, seed=7)
    source = sources.official_source(demo_db, today())
    assessments = findings.assess(demo_db, source)
    assert len(assessments) > 150
    check_agreement(demo_db, source, {})
    rows = stored(demo_db)
    assert set(rows) == {a.system_id for a in assessments}
    for a in assessments:
        verdict, outcome, exposure, tia_missing, count = rows[a.system_id]
        assert (verdict, outcome, exposure, tia_missing, count) == (
            a.verdict,
            a.outcome,
            a.worst_exposure,
            a.tia_missing,
            len(a.transfers),
        ), a.system
    stored_rules = sorted(
        (t.system_id, t.vendor_id, t.sub_processor_id or 0, t.country_code or "", t.rule)
        for t in demo_db.execute(classified.transfer_rows(sources.official_source(demo_db, sources.today())))
    )
    computed = sorted(
        (a.system_id, t.vendor_id, t.sub_processor_id or 0, t.country_code or "", t.rule)
        for a in assessments
        for t in a.transfers
    )
    assert stored_rules == computed
    # The generated register is varied enough to reach most rules.
    assert len({r[-1] for r in stored_rules}) >= 7


def test_verdicts_for_a_source_match_the_stored_ones_for_today(demo_db: Session) -> None:
    computed = system_verdicts.verdicts(sources.official_source(demo_db, today()))
    rows = {r.system_id: (r.verdict, r.outcome) for r in demo_db.execute(select(computed))}
    assert rows == {k: (v[0].value, v[1].value) for k, v in stored(demo_db).items()}


def test_verdict_counts_of_the_demo(demo_db: Session) -> None:
    from riskreg.systems.register_list import SystemFilter, verdict_counts

    counts = verdict_counts(demo_db, SystemFilter())
    assert counts[C.UNKNOWN] == 2  # CapCut and TikTok (ByteDance: no processing country recorded)
    assert counts[C.DPF] == 2  # Adobe, Momentum AI
    assert counts[C.NO_BASIS] == 1  # Canva via SkoleTube
    assert sum(counts.values()) == len(stored(demo_db))
    after = verdict_counts(demo_db, SystemFilter(), dpf_invalidated(demo_db))
    assert (after[C.DPF], after[C.NO_BASIS]) == (0, 3)


@pytest.mark.parametrize("lang", ["da", "en"])
def test_unknown_scenario_names_the_scenarios_there_are(demo_db: Session, lang: str) -> None:
    from riskreg.errors import DomainError

    with pytest.raises(DomainError) as caught:
        sources.find_scenario(demo_db, "Schrems IV", lang)
    assert "Schrems IV" in str(caught.value) and "DPF invalidated" in str(caught.value)


#: Countries whose official statuses cover EU, EEA, adequacy, partial (DPF and not) and none; the scenario
#: gives each of them another status, so that every country is seen under at least two.
EVERY_STATUS = ("DK", "NO", "JP", "US", "CA", "AU")
SHUFFLED = {
    "DK": CountryStatus.NONE,
    "NO": CountryStatus.EU,
    "JP": CountryStatus.PARTIAL,
    "US": CountryStatus.ADEQUACY,
    "CA": CountryStatus.NONE,
    "AU": CountryStatus.PARTIAL,
}


def test_every_combination_of_facts_is_classified_as_in_python(session: Session) -> None:
    """One vendor per mechanism × DPF status, processing in every country, and one with no country."""
    from riskreg.scenarios.services import create_scenario
    from tests.factories import make_system, make_vendor
    from tests.transfers.helpers import SUPPORT, P

    for mechanism in TransferMechanism:
        for dpf in DpfStatus:
            everywhere = [(c, P) for c in EVERY_STATUS] + [("US", SUPPORT)]
            vendor = make_vendor(
                session,
                f"{mechanism.value}/{dpf.value}",
                everywhere,
                transfer_mechanism=mechanism,
                dpf_status=dpf,
                # Only a US entity can be DPF-active.
                country_code="US" if dpf == DpfStatus.ACTIVE else None,
            )
            make_system(session, f"System {mechanism.value}/{dpf.value}", vendor.id)
            nowhere = make_vendor(
                session,
                f"{mechanism.value}/{dpf.value} nowhere",
                [],
                transfer_mechanism=mechanism,
                dpf_status=dpf,
                country_code="US" if dpf == DpfStatus.ACTIVE else None,
            )
            make_system(session, f"System {mechanism.value}/{dpf.value} nowhere", nowhere.id)
    # The DPF rules that read the entity's country and an HR system's need for HR coverage.
    from riskreg.enums import DataSubject
    from riskreg.systems.services import create_system

    for name, entity, covers_hr in (("Irish", "IE", True), ("No HR", "US", False), ("HR?", "US", None)):
        us = make_vendor(
            session,
            name,
            [("US", P)],
            country_code=entity,
            transfer_mechanism=TransferMechanism.DPF,
            dpf_status=DpfStatus.ACTIVE if entity == "US" else DpfStatus.NOT_LISTED,
        )
        # The services refuse a non-US entity as DPF-active; classification must still never count it.
        us.dpf_status = DpfStatus.ACTIVE
        us.dpf_covers_hr = covers_hr
        session.commit()
        create_system(
            session, {"name": f"HR system {name}", "vendor_id": us.id}, data_subjects=[DataSubject.EMPLOYEES]
        )
    scenario = create_scenario(session, "Shuffled", "", today(), SHUFFLED)
    official = sources.official_source(session, today())
    n = check_agreement(session, official, {})
    assert n == len(TransferMechanism) * len(DpfStatus) * (len(EVERY_STATUS) + 2) + 3
    assert check_agreement(session, sources.source_for(session, today(), scenario), SHUFFLED) == n
    rules_seen = {t.rule for a in findings.assess(session, official) for t in a.transfers}
    rules_seen |= {
        t.rule
        for a in findings.assess(session, sources.source_for(session, today(), scenario))
        for t in a.transfers
    }
    assert rules_seen == {r.id for r in rules.RULES}
