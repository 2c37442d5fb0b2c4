"""The rule table of ``riskreg.transfers.rules``: each rule matching and not, their order, verdict, reasons.

Plain Python, no database: these are the reference the SQL engine is checked against in test_engine.py.
"""

from __future__ import annotations

import datetime as dt

import pytest

from riskreg.enums import (
    CountryStatus,
    DpfStatus,
    ExposureLevel,
    LocationKind,
    Outcome,
    TransferClass,
    TransferMechanism,
)
from riskreg.transfers import rules
from riskreg.transfers.rules import Facts, ReasonFacts

S = CountryStatus
M = TransferMechanism
D = DpfStatus
C = TransferClass


def facts(
    country: str | None = "AU",
    status: CountryStatus | None = S.NONE,
    mechanism: TransferMechanism = M.NONE,
    dpf: DpfStatus = D.NOT_LISTED,
    entity: str | None = None,
    hr: bool | None = None,
    hr_system: bool = False,
) -> Facts:
    return Facts(
        country=country,
        status=status if country is not None else None,
        mechanism=mechanism,
        dpf_status=dpf,
        entity_country=entity,
        dpf_covers_hr=hr,
        hr_system=hr_system,
    )


def us(mechanism: TransferMechanism = M.DPF, dpf: DpfStatus = D.ACTIVE, **kw: object) -> Facts:
    """A transfer to the United States (partial adequacy through the DPF)."""
    return facts("US", S.PARTIAL, mechanism, dpf, **kw)  # type: ignore[arg-type]


# rule id -> (facts it matches *and* classifies, facts it does not match)
TABLE: dict[str, tuple[list[Facts], list[Facts]]] = {
    "country_unknown": (
        [facts(None, None, M.SCC), facts(None, None, M.NONE, D.ACTIVE), facts(None, None, M.UNKNOWN)],
        [facts("DK", S.EU), facts("CN", S.NONE, M.UNKNOWN)],
    ),
    "eea": (
        [facts("DK", S.EU), facts("NO", S.EEA, M.UNKNOWN), facts("DE", S.EU, M.NONE, D.INACTIVE)],
        [facts("JP", S.ADEQUACY), facts("US", S.PARTIAL, M.DPF, D.ACTIVE), facts(None, None)],
    ),
    "adequacy": (
        [facts("JP", S.ADEQUACY), facts("CH", S.ADEQUACY, M.UNKNOWN), facts("GB", S.ADEQUACY, M.SCC)],
        [facts("DK", S.EU), facts("CA", S.PARTIAL, M.ADEQUACY), facts("AU", S.NONE, M.ADEQUACY)],
    ),
    "dpf_active": (
        [
            facts("US", S.PARTIAL, M.DPF, D.ACTIVE),
            facts("US", S.PARTIAL, M.NONE, D.ACTIVE),
            facts("US", S.PARTIAL, M.UNKNOWN, D.ACTIVE),
        ],
        [
            facts("US", S.PARTIAL, M.DPF, D.INACTIVE),
            facts("US", S.NONE, M.DPF, D.ACTIVE),  # DPF invalidated
            facts("CA", S.PARTIAL, M.DPF, D.ACTIVE),  # the DPF is only for the US
            us(entity="IE"),  # only a US entity can be on the list
            us(hr_system=True, hr=False),  # an HR system needs HR coverage
            us(hr_system=True),  # HR coverage not recorded: its own rule
        ],
    ),
    "dpf_hr_unrecorded": (
        [us(hr_system=True), us(M.SCC, hr_system=True, entity="US"), us(M.UNKNOWN, hr_system=True)],
        [
            us(hr_system=True, hr=True),
            us(hr_system=True, hr=False),
            us(hr=None),
            us(entity="GB", hr_system=True),
        ],
    ),
    "partial_in_scope": (
        [facts("CA", S.PARTIAL, M.ADEQUACY)],
        [facts("CA", S.PARTIAL, M.NONE), facts("US", S.PARTIAL, M.ADEQUACY), facts("AU", S.NONE, M.ADEQUACY)],
    ),
    "scc_bcr": (
        [
            facts("AU", S.NONE, M.SCC),
            facts("IN", S.NONE, M.BCR),
            facts("US", S.PARTIAL, M.SCC, D.NOT_LISTED),
            facts("CA", S.PARTIAL, M.BCR),
        ],
        [facts("AU", S.NONE, M.ART49), facts("AU", S.NONE, M.NONE), facts("AU", S.NONE, M.DPF)],
    ),
    "art49": (
        [facts("AU", S.NONE, M.ART49), facts("US", S.PARTIAL, M.ART49, D.INACTIVE)],
        [facts("AU", S.NONE, M.SCC), facts("AU", S.NONE, M.UNKNOWN)],
    ),
    "dpf_hr_not_covered": (
        [us(hr_system=True, hr=False), us(M.NONE, hr_system=True, hr=False, entity="US")],
        [us(hr=False), us(hr_system=True, hr=True), us(hr_system=True, hr=False, entity="IE")],
    ),
    "dpf_entity_not_us": (
        [us(entity="IE"), us(M.UNKNOWN, entity="LU"), us(hr_system=True, hr=True, entity="IE")],
        [us(entity="US"), us(entity=None), us(dpf=D.NOT_LISTED, entity="IE")],
    ),
    "dpf_unchecked": (
        [us(M.DPF, D.UNKNOWN), us(M.NONE, D.UNKNOWN), us(M.UNKNOWN, D.UNKNOWN, entity="IE")],
        [
            us(M.NONE, D.NOT_LISTED),
            facts("CA", S.PARTIAL, M.NONE, D.UNKNOWN),
            facts("AU", S.NONE, M.NONE, D.UNKNOWN),
        ],
    ),
    "mechanism_unknown": (
        [facts("CN", S.NONE, M.UNKNOWN), facts("US", S.PARTIAL, M.UNKNOWN, D.INACTIVE)],
        [facts("CN", S.NONE, M.NONE), facts("CN", S.NONE, M.SCC)],
    ),
    "dpf_not_active": (
        [
            facts("US", S.PARTIAL, M.NONE, D.NOT_LISTED),
            facts("US", S.PARTIAL, M.DPF, D.INACTIVE),
            facts("US", S.PARTIAL, M.ADEQUACY, D.NOT_LISTED),
        ],
        [facts("US", S.NONE, M.NONE), facts("CA", S.PARTIAL, M.NONE), facts("AU", S.NONE, M.NONE)],
    ),
    "no_basis": (
        [
            facts("AU", S.NONE, M.NONE),
            facts("PH", S.NONE, M.DPF, D.ACTIVE),
            facts("US", S.NONE, M.DPF, D.ACTIVE),
            facts("CA", S.PARTIAL, M.NONE),
            facts("XX", None, M.NONE),  # a country on no list counts as none
        ],
        [],  # the last rule matches every transfer
    ),
}

EXPECTED_CLASS = {
    "country_unknown": C.UNKNOWN,
    "eea": C.EEA,
    "adequacy": C.ADEQUATE,
    "dpf_active": C.DPF,
    "dpf_hr_unrecorded": C.DPF,
    "partial_in_scope": C.ADEQUATE,
    "scc_bcr": C.SAFEGUARDED,
    "art49": C.DEROGATION,
    "dpf_hr_not_covered": C.NO_BASIS,
    "dpf_entity_not_us": C.NO_BASIS,
    "dpf_unchecked": C.UNKNOWN,
    "mechanism_unknown": C.UNKNOWN,
    "dpf_not_active": C.NO_BASIS,
    "no_basis": C.NO_BASIS,
}


def test_the_table_covers_every_rule_in_order() -> None:
    assert [r.id for r in rules.RULES] == list(TABLE)
    assert {r.id: r.klass for r in rules.RULES} == EXPECTED_CLASS
    assert rules.RULES[-1].when == {}


MATCHING = [(rule_id, f) for rule_id, (yes, _no) in TABLE.items() for f in yes]
NOT_MATCHING = [(rule_id, f) for rule_id, (_yes, no) in TABLE.items() for f in no]


@pytest.mark.parametrize(("rule_id", "f"), MATCHING, ids=[f"{r}-{i}" for i, (r, _f) in enumerate(MATCHING)])
def test_a_rule_matches_and_classifies_its_facts(rule_id: str, f: Facts) -> None:
    rule = rules.RULES_BY_ID[rule_id]
    assert rule.matches(f)
    assert rules.classify(f) is rule
    assert rules.classify(f).klass == EXPECTED_CLASS[rule_id]


@pytest.mark.parametrize(
    ("rule_id", "f"), NOT_MATCHING, ids=[f"{r}-{i}" for i, (r, _f) in enumerate(NOT_MATCHING)]
)
def test_a_rule_does_not_match_other_facts(rule_id: str, f: Facts) -> None:
    rule = rules.RULES_BY_ID[rule_id]
    assert not rule.matches(f)
    assert rules.classify(f) is not rule


# --- the order of the rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("f", "rule_id", "klass", "also_matches"),
    [
        # DPF-active in the US wins over an SCC also recorded.
        (facts("US", S.PARTIAL, M.SCC, D.ACTIVE), "dpf_active", C.DPF, "scc_bcr"),
        (facts("US", S.PARTIAL, M.BCR, D.ACTIVE), "dpf_active", C.DPF, "scc_bcr"),
        # The EU/EEA needs no tool: mechanism none or unknown does not matter.
        (facts("DK", S.EU, M.NONE), "eea", C.EEA, "no_basis"),
        (facts("NO", S.EEA, M.UNKNOWN), "eea", C.EEA, "mechanism_unknown"),
        (facts("IS", S.EEA, M.ART49), "eea", C.EEA, "art49"),
        # Full adequacy wins over any recorded mechanism.
        (facts("JP", S.ADEQUACY, M.UNKNOWN), "adequacy", C.ADEQUATE, "mechanism_unknown"),
        # A US recipient not DPF-active: unknown mechanism is unknown, none is no basis via dpf_not_active,
        # SCC is safeguarded.
        (facts("US", S.PARTIAL, M.UNKNOWN, D.INACTIVE), "mechanism_unknown", C.UNKNOWN, "dpf_not_active"),
        (facts("US", S.PARTIAL, M.NONE, D.INACTIVE), "dpf_not_active", C.NO_BASIS, "no_basis"),
        (facts("US", S.PARTIAL, M.SCC, D.NOT_LISTED), "scc_bcr", C.SAFEGUARDED, "dpf_not_active"),
        (facts("US", S.PARTIAL, M.ART49, D.INACTIVE), "art49", C.DEROGATION, "dpf_not_active"),
        # Partial adequacy in scope is adequate even with the mechanism recorded as adequacy.
        (facts("CA", S.PARTIAL, M.ADEQUACY), "partial_in_scope", C.ADEQUATE, "no_basis"),
        # The DPF list not checked: unknown, not no basis; an SCC still gives a basis.
        (us(M.NONE, D.UNKNOWN), "dpf_unchecked", C.UNKNOWN, "dpf_not_active"),
        (us(M.UNKNOWN, D.UNKNOWN), "dpf_unchecked", C.UNKNOWN, "mechanism_unknown"),
        (us(M.SCC, D.UNKNOWN), "scc_bcr", C.SAFEGUARDED, "dpf_unchecked"),
        # No HR coverage for an HR system, or a non-US entity: SCC first, then their own no-basis rule.
        (us(M.SCC, hr_system=True, hr=False), "scc_bcr", C.SAFEGUARDED, "dpf_hr_not_covered"),
        (us(M.UNKNOWN, hr_system=True, hr=False), "dpf_hr_not_covered", C.NO_BASIS, "mechanism_unknown"),
        (us(M.NONE, entity="IE"), "dpf_entity_not_us", C.NO_BASIS, "no_basis"),
        # HR coverage not recorded wins over an SCC, as the DPF itself does.
        (us(M.SCC, hr_system=True), "dpf_hr_unrecorded", C.DPF, "scc_bcr"),
        # An unknown country beats everything, even a mechanism and DPF status that would be fine.
        (facts(None, None, M.DPF, D.ACTIVE), "country_unknown", C.UNKNOWN, "no_basis"),
        (facts(None, None, M.SCC), "country_unknown", C.UNKNOWN, "scc_bcr"),
        (facts(None, None, M.ART49), "country_unknown", C.UNKNOWN, "art49"),
    ],
)
def test_the_first_matching_rule_wins(
    f: Facts, rule_id: str, klass: TransferClass, also_matches: str
) -> None:
    assert rules.RULES_BY_ID[also_matches].matches(f), "the example must be ambiguous to test the order"
    rule = rules.classify(f)
    assert (rule.id, rule.klass) == (rule_id, klass)
    ids = [r.id for r in rules.RULES]
    assert ids.index(rule_id) < ids.index(also_matches)


def test_unknown_country_is_unknown_whatever_else_is_known() -> None:
    for mechanism in M:
        for dpf in D:
            for status in (None, *S):
                # A status without a country is ignored: it cannot be looked up.
                f = Facts(country=None, status=status, mechanism=mechanism, dpf_status=dpf)
                assert rules.classify(f).id == "country_unknown"


def test_every_combination_gets_exactly_the_first_matching_rule() -> None:
    for country in (None, "DK", "JP", "US", "CA", "AU"):
        for status in (None, *S):
            for mechanism in M:
                for dpf in D:
                    for entity, hr, hr_system in (
                        (None, None, False),
                        ("IE", True, True),
                        ("US", False, True),
                    ):
                        f = Facts(country, status, mechanism, dpf, entity, hr, hr_system)
                        matching = [r for r in rules.RULES if r.matches(f)]
                        assert matching, f
                        assert rules.classify(f) is matching[0]


def test_hr_coverage_matters_only_for_an_hr_system() -> None:
    for hr in (None, True, False):
        assert rules.classify(us(hr=hr)).id == "dpf_active"
    assert rules.classify(us(hr_system=True, hr=True)).id == "dpf_active"
    assert rules.classify(us(hr_system=True, hr=False)).id == "dpf_hr_not_covered"
    assert rules.classify(us(hr_system=True, hr=None)).id == "dpf_hr_unrecorded"


def test_a_non_us_entity_is_never_dpf_covered() -> None:
    for entity in ("IE", "LU", "GB", "CA", "DK"):
        for mechanism in M:
            for hr_system in (False, True):
                f = us(mechanism, entity=entity, hr_system=hr_system, hr=True)
                assert rules.classify(f).klass != C.DPF


# --- verdict and outcome ------------------------------------------------------------------------------------


def test_verdict_is_the_worst_class() -> None:
    assert rules.verdict([C.EEA]) == C.EEA
    assert rules.verdict([C.EEA, C.DPF, C.ADEQUATE]) == C.DPF
    assert rules.verdict([C.SAFEGUARDED, C.DEROGATION]) == C.DEROGATION
    assert rules.verdict([C.UNKNOWN, C.SAFEGUARDED, C.EEA]) == C.UNKNOWN
    assert rules.verdict([C.NO_BASIS, C.UNKNOWN]) == C.NO_BASIS
    assert rules.verdict(iter([C.EEA, C.NO_BASIS, C.EEA])) == C.NO_BASIS


def test_the_severity_order() -> None:
    order = [C.EEA, C.ADEQUATE, C.DPF, C.SAFEGUARDED, C.DEROGATION, C.UNKNOWN, C.NO_BASIS]
    assert sorted(C, key=lambda c: c.severity) == order
    assert len({c.severity for c in C}) == len(C)


@pytest.mark.parametrize(
    ("worst", "exposure", "tia_missing", "expected"),
    [
        (C.EEA, None, False, Outcome.ACCEPTABLE),
        (C.ADEQUATE, None, False, Outcome.ACCEPTABLE),
        (C.SAFEGUARDED, None, False, Outcome.ATTENTION),  # ATTENTION_FROM is DPF
        (C.DPF, None, False, Outcome.ATTENTION),
        (C.DEROGATION, None, False, Outcome.ATTENTION),
        (C.UNKNOWN, None, False, Outcome.NOT_ACCEPTABLE),  # NOT_ACCEPTABLE_FROM is UNKNOWN
        (C.NO_BASIS, None, False, Outcome.NOT_ACCEPTABLE),
        # A missing TIA needs attention even when the worst class alone would not.
        (C.EEA, None, True, Outcome.ATTENTION),
        # Any exposure needs attention; very high exposure is not acceptable wherever the data is.
        (C.EEA, ExposureLevel.HIGH, False, Outcome.ATTENTION),
        (C.EEA, ExposureLevel.VERY_HIGH, False, Outcome.NOT_ACCEPTABLE),
        (C.ADEQUATE, ExposureLevel.VERY_HIGH, True, Outcome.NOT_ACCEPTABLE),
        (C.NO_BASIS, ExposureLevel.HIGH, True, Outcome.NOT_ACCEPTABLE),
    ],
)
def test_outcome_thresholds(
    worst: TransferClass, exposure: ExposureLevel | None, tia_missing: bool, expected: Outcome
) -> None:
    assert rules.outcome(worst, exposure, tia_missing) == expected


def test_the_thresholds_are_where_the_design_puts_them() -> None:
    assert rules.NOT_ACCEPTABLE_FROM == C.UNKNOWN
    assert rules.ATTENTION_FROM == C.DPF
    assert rules.EXPOSURE_NOT_ACCEPTABLE_FROM == ExposureLevel.VERY_HIGH
    below = [lv for lv in ExposureLevel if lv.severity < ExposureLevel.VERY_HIGH.severity]
    for level in below:
        assert rules.outcome(C.EEA, level, False) == Outcome.ATTENTION


def test_needs_tia_only_for_safeguarded_without_a_date() -> None:
    assert rules.needs_tia(C.SAFEGUARDED, None)
    assert not rules.needs_tia(C.SAFEGUARDED, dt.date(2026, 3, 10))
    for klass in C:
        if klass != C.SAFEGUARDED:
            assert not rules.needs_tia(klass, None)


# --- reasons ------------------------------------------------------------------------------------------------


def reason_facts(**kw: object) -> ReasonFacts:
    values: dict[str, object] = {
        "recipient": "Microsoft Ireland Operations Ltd",
        "country": "USA",
        "list_name": "Kommissionens liste",
        "mechanism": M.SCC,
        "dpf_status": D.INACTIVE,
        "kind": LocationKind.PROCESSING,
        "tia_on": None,
    }
    values.update(kw)
    return ReasonFacts(**values)  # type: ignore[arg-type]


MECHANISM_LABEL = {
    "da": {
        M.SCC: "Standardkontraktbestemmelser (SCC)",
        M.NONE: "Ingen",
        M.DPF: "EU-U.S. Data Privacy Framework (DPF)",
        M.ADEQUACY: "Tilstrækkelighedsafgørelse",
        M.ART49: "Undtagelse (art. 49)",
    },
    "en": {
        M.SCC: "Standard contractual clauses",
        M.NONE: "None",
        M.DPF: "Data Privacy Framework",
        M.ADEQUACY: "Adequacy decision",
        M.ART49: "Derogation (art. 49)",
    },
}
#: A mechanism each rule is met with (mechanism_unknown says the mechanism is not known instead).
TYPICAL_MECHANISM = {
    "adequacy": M.SCC,
    "dpf_active": M.DPF,
    "dpf_hr_unrecorded": M.DPF,
    "dpf_hr_not_covered": M.DPF,
    "dpf_entity_not_us": M.DPF,
    "dpf_unchecked": M.DPF,
    "partial_in_scope": M.ADEQUACY,
    "scc_bcr": M.SCC,
    "art49": M.ART49,
    "dpf_not_active": M.NONE,
    "no_basis": M.NONE,
}


@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize("rule_id", list(TYPICAL_MECHANISM))
def test_a_reason_names_recipient_country_list_and_mechanism(lang: str, rule_id: str) -> None:
    f = reason_facts(mechanism=TYPICAL_MECHANISM[rule_id])
    text = rules.reason(lang, rules.RULES_BY_ID[rule_id], f)
    assert "Microsoft Ireland Operations Ltd" in text
    assert "USA" in text
    assert "Kommissionens liste" in text
    assert MECHANISM_LABEL[lang][f.mechanism] in text


@pytest.mark.parametrize(
    ("lang", "says"),
    [("da", "overførselsgrundlaget er ukendt"), ("en", "the transfer mechanism is not known")],
)
def test_mechanism_unknown_reason_says_the_mechanism_is_not_known(lang: str, says: str) -> None:
    text = rules.reason(lang, rules.RULES_BY_ID["mechanism_unknown"], reason_facts(mechanism=M.UNKNOWN))
    assert "Microsoft Ireland Operations Ltd" in text and "USA" in text and "Kommissionens liste" in text
    assert says in text


def test_eea_reason_names_country_and_list() -> None:
    f = reason_facts(country="Irland", mechanism=M.NONE)
    da = rules.reason("da", rules.RULES_BY_ID["eea"], f)
    assert "Irland er i EU/EØS ifølge Kommissionens liste" in da
    assert da.startswith("Microsoft Ireland Operations Ltd ")
    en = rules.reason("en", rules.RULES_BY_ID["eea"], f)
    assert en == (
        "Microsoft Ireland Operations Ltd processes data in Irland. Irland is in the EU/EEA according to "
        "Kommissionens liste; no transfer tool is needed."
    )


@pytest.mark.parametrize("lang", ["da", "en"])
def test_country_unknown_reason_names_recipient_list_and_mechanism(lang: str) -> None:
    f = reason_facts(country=None, kind=None, mechanism=M.DPF)
    text = rules.reason(lang, rules.RULES_BY_ID["country_unknown"], f)
    assert text.startswith("Microsoft Ireland Operations Ltd:")
    assert "Kommissionens liste" in text
    assert MECHANISM_LABEL[lang][M.DPF] in text
    assert (
        "Ukendt behandles aldrig som sikkert" if lang == "da" else "Unknown is never treated as safe"
    ) in text


def test_reasons_say_how_the_recipient_touches_the_data() -> None:
    rule = rules.RULES_BY_ID["dpf_active"]
    support = rules.reason("en", rule, reason_facts(kind=LocationKind.SUPPORT, dpf_status=D.ACTIVE))
    processing = rules.reason("en", rule, reason_facts(kind=LocationKind.PROCESSING, dpf_status=D.ACTIVE))
    assert support.startswith("Microsoft Ireland Operations Ltd has support access from USA.")
    assert processing.startswith("Microsoft Ireland Operations Ltd processes data in USA.")
    da = rules.reason("da", rule, reason_facts(kind=LocationKind.SUPPORT, dpf_status=D.ACTIVE))
    assert da.startswith("Microsoft Ireland Operations Ltd har supportadgang fra USA.")


def test_dpf_not_active_reason_names_the_dpf_status() -> None:
    rule = rules.RULES_BY_ID["dpf_not_active"]
    assert "is inactive there" in rules.reason("en", rule, reason_facts(mechanism=M.NONE))
    assert "is not listed there" in rules.reason(
        "en", rule, reason_facts(mechanism=M.NONE, dpf_status=D.NOT_LISTED)
    )
    assert "er inaktiv der" in rules.reason("da", rule, reason_facts(mechanism=M.NONE))


def test_safeguarded_reason_says_whether_the_tia_is_missing() -> None:
    rule = rules.RULES_BY_ID["scc_bcr"]
    missing_en = rules.reason("en", rule, reason_facts())
    missing_da = rules.reason("da", rule, reason_facts())
    assert missing_en.endswith("No transfer impact assessment is recorded.")
    assert missing_da.endswith("Der er ikke registreret en overførselskonsekvensanalyse (TIA).")
    done_en = rules.reason("en", rule, reason_facts(tia_on=dt.date(2026, 3, 10)))
    done_da = rules.reason("da", rule, reason_facts(tia_on=dt.date(2026, 3, 10)))
    assert done_en.endswith("Transfer impact assessment done 10 Mar 2026.")
    assert done_da.endswith("udført 10-03-2026.")
    assert "No transfer impact assessment" not in done_en


@pytest.mark.parametrize("rule_id", [r.id for r in rules.RULES if r.klass != C.SAFEGUARDED])
def test_only_safeguarded_reasons_speak_of_the_tia_sentence(rule_id: str) -> None:
    text = rules.reason("en", rules.RULES_BY_ID[rule_id], reason_facts(mechanism=M.NONE))
    assert "No transfer impact assessment is recorded." not in text
    assert "Transfer impact assessment done" not in text


def test_reasons_differ_between_languages() -> None:
    for rule in rules.RULES:
        assert rules.reason("da", rule, reason_facts()) != rules.reason("en", rule, reason_facts())


@pytest.mark.parametrize(
    ("rule_id", "says"),
    [
        ("dpf_unchecked", "the DPF list has not been checked for Microsoft Ireland Operations Ltd"),
        ("dpf_hr_not_covered", "its certification does not cover HR data"),
        ("dpf_hr_unrecorded", "whether its certification covers HR data is not recorded"),
        ("dpf_entity_not_us", "is not a US entity"),
    ],
)
def test_the_new_dpf_reasons_say_what_is_missing(rule_id: str, says: str) -> None:
    assert says in rules.reason("en", rules.RULES_BY_ID[rule_id], reason_facts(mechanism=M.DPF))


@pytest.mark.parametrize(
    ("kind", "en", "da"),
    [
        (LocationKind.PROCESSING, "processes data in a country it does not disclose", "behandler data i"),
        (LocationKind.SUPPORT, "has support access from a country it does not disclose", "supportadgang"),
    ],
)
def test_a_location_of_undisclosed_country_says_so(kind: LocationKind, en: str, da: str) -> None:
    rule = rules.RULES_BY_ID["country_unknown"]
    text = rules.reason("en", rule, reason_facts(country=None, kind=kind))
    assert text.startswith(f"Microsoft Ireland Operations Ltd {en}.")
    assert "Kommissionens liste" in text and "Unknown is never treated as safe." in text


def test_exposure_reason_names_the_rules() -> None:
    from riskreg.enums import EntityRole

    P, SUPPORT = LocationKind.PROCESSING, LocationKind.SUPPORT
    laws = ["FISA Section 702", "CLOUD Act"]
    hosting = rules.exposure_reason(
        "en", "AWS EMEA SARL", EntityRole.SUB_PROCESSOR_LOCATION, "USA", laws, [P]
    )
    assert hosting.startswith(
        "AWS EMEA SARL (sub-processor) processes data in USA: FISA Section 702; CLOUD Act."
    )
    support = rules.exposure_reason(
        "en", "Canva Pty Ltd", EntityRole.VENDOR_LOCATION, "China", ["NIL"], [SUPPORT]
    )
    assert support.startswith("Canva Pty Ltd (vendor) has support access from China: NIL.")
    both = rules.exposure_reason("en", "X", EntityRole.VENDOR_LOCATION, "China", ["NIL"], [P, SUPPORT])
    assert "processes data in and has support access from China" in both
    entity = rules.exposure_reason("en", "AWS, Inc.", EntityRole.SUB_PROCESSOR, "USA", laws, [P])
    assert entity.startswith("AWS, Inc. (sub-processor) is under the jurisdiction of USA")
    assert entity.endswith("It also processes data there.")
    assert (
        rules.exposure_reason("en", "AWS, Inc.", EntityRole.SUB_PROCESSOR, "USA", laws)
        == entity.rsplit(" It also", 1)[0]
    )
    for text in (hosting, support, both, entity):
        assert text != rules.exposure_reason("da", "X", EntityRole.VENDOR_LOCATION, "Kina", ["NIL"], [P])


def test_exposure_reason() -> None:
    from riskreg.enums import EntityRole

    en = rules.exposure_reason("en", "ByteDance Ltd.", EntityRole.VENDOR_PARENT, "China", ["Law A", "Law B"])
    assert "ByteDance Ltd." in en and "China" in en and "Law A; Law B" in en
    da = rules.exposure_reason("da", "ByteDance Ltd.", EntityRole.VENDOR_PARENT, "Kina", ["Law A"])
    assert "ByteDance Ltd." in da and "Kina" in da and "Law A" in da
    assert da != en
