"""Translated labels for the stored vocabularies (enum value -> text a person reads)."""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from riskreg.enums import (
    AiActClass,
    AuditAction,
    AuditStatementType,
    CountryListKind,
    CountryStatus,
    DataCategory,
    DataSubject,
    DpfStatus,
    ExposureLevel,
    LegalBasis,
    LocationKind,
    RiskLevel,
    Role,
    SubjectVolume,
    SupervisionMethod,
    SystemStatus,
    TransferMechanism,
)

LABELS: dict[type[StrEnum], dict[str, LazyString]] = {
    Role: {
        "admin": _l("Administrator"),
        "security": _l("IT security"),
        "dpo": _l("Data protection officer"),
        "steering": _l("Steering group"),
        "reader": _l("Reader"),
    },
    DpfStatus: {"active": _l("Active"), "inactive": _l("Inactive"), "not_listed": _l("Not listed")},
    TransferMechanism: {
        "adequacy": _l("Adequacy decision"),
        "dpf": _l("Data Privacy Framework"),
        "scc": _l("Standard contractual clauses"),
        "bcr": _l("Binding corporate rules"),
        "art49": _l("Derogation (art. 49)"),
        "none": _l("None"),
        "unknown": _l("Unknown"),
    },
    CountryStatus: {
        "eu": _l("EU"),
        "eea": _l("EEA"),
        "adequacy": _l("Adequacy"),
        "partial": _l("Partial adequacy"),
        "none": _l("No adequacy"),
    },
    CountryListKind: {"official": _l("Official"), "scenario": _l("Scenario")},
    LocationKind: {"processing": _l("Processing"), "support": _l("Support access")},
    SystemStatus: {
        "draft": _l("Draft"),
        "in_assessment": _l("In assessment"),
        "approved": _l("Approved"),
        "approved_with_conditions": _l("Approved with conditions"),
        "rejected": _l("Rejected"),
        "postponed": _l("Postponed"),
        "retired": _l("Retired"),
    },
    DataSubject: {
        "citizens": _l("Citizens"),
        "children": _l("Children / pupils"),
        "employees": _l("Employees"),
        "vulnerable": _l("Vulnerable persons"),
        "patients": _l("Patients"),
        "other": _l("Other"),
    },
    DataCategory: {
        "ordinary": _l("Ordinary personal data"),
        "special_art9": _l("Special categories (art. 9)"),
        "criminal_art10": _l("Criminal offences (art. 10)"),
        "cpr": _l("CPR numbers"),
        "financial": _l("Financial data"),
        "location": _l("Location data"),
        "communication": _l("Communication content"),
    },
    LegalBasis: {
        "art6_a": _l("Art. 6(1)(a) consent"),
        "art6_b": _l("Art. 6(1)(b) contract"),
        "art6_c": _l("Art. 6(1)(c) legal obligation"),
        "art6_d": _l("Art. 6(1)(d) vital interests"),
        "art6_e": _l("Art. 6(1)(e) public authority"),
        "art6_f": _l("Art. 6(1)(f) legitimate interests"),
        "art9_2": _l("Art. 9(2) special categories"),
        "art10": _l("Art. 10 criminal offences"),
        "national_law": _l("National law"),
    },
    SubjectVolume: {
        "under_100": _l("Fewer than 100"),
        "under_1000": _l("100 to 999"),
        "under_10000": _l("1,000 to 9,999"),
        "under_100000": _l("10,000 to 99,999"),
        "over_100000": _l("100,000 or more"),
    },
    AiActClass: {
        "none": _l("No AI"),
        "minimal": _l("Minimal risk"),
        "transparency": _l("Transparency obligations"),
        "high_risk": _l("High risk (Annex III)"),
        "prohibited": _l("Prohibited"),
    },
    AuditStatementType: {
        "isae3000": _l("ISAE 3000"),
        "isae3402_t1": _l("ISAE 3402 type 1"),
        "isae3402_t2": _l("ISAE 3402 type 2"),
        "soc2_t2": _l("SOC 2 type II"),
        "iso27001": _l("ISO 27001"),
        "iso27701": _l("ISO 27701"),
    },
    SupervisionMethod: {
        "audit_statement": _l("Audit statement"),
        "questionnaire": _l("Written questionnaire"),
        "inspection": _l("Inspection"),
    },
    RiskLevel: {"low": _l("Low"), "medium": _l("Medium"), "high": _l("High"), "very_high": _l("Very high")},
    ExposureLevel: {"medium": _l("Medium"), "high": _l("High"), "very_high": _l("Very high")},
    AuditAction: {
        "create": _l("Created"),
        "update": _l("Changed"),
        "archive": _l("Archived"),
        "restore": _l("Restored"),
    },
}


def label(value: StrEnum | None) -> str:
    """The translated label of an enum member ('' for None)."""
    if value is None:
        return ""
    return str(LABELS[type(value)][value.value])


def choices(enum_cls: type[StrEnum]) -> list[tuple[str, LazyString]]:
    """(value, label) pairs for a WTForms select, in the enum's order."""
    return [(m.value, LABELS[enum_cls][m.value]) for m in enum_cls]
