"""The words for the stored vocabularies, as message ids (no Flask: the engine and the CLI use them too).

``riskreg.labels`` translates them in a request; ``riskreg.catalogue`` translates them anywhere else.
"""

from __future__ import annotations

from enum import StrEnum

from riskreg.enums import (
    AiActClass,
    AuditAction,
    AuditStatementType,
    CountryListKind,
    CountryStatus,
    DataCategory,
    DataSubject,
    DecisionOutcome,
    DpfFramework,
    DpfStatus,
    DpiaState,
    EntityRole,
    ExposureLevel,
    ImportKind,
    ImportState,
    LegalBasis,
    ListedProcessing,
    LocationKind,
    MeasureKind,
    Outcome,
    ReviewState,
    RiskLevel,
    Role,
    SubjectVolume,
    SupervisionMethod,
    SystemStatus,
    TransferClass,
    TransferMechanism,
    VendorRole,
    Wp248Criterion,
)


def N_(msgid: str) -> str:
    """Marks a message for extraction; it is translated where it is shown."""
    return msgid


MSGIDS: dict[type[StrEnum], dict[str, str]] = {
    Role: {
        "admin": N_("Administrator"),
        "security": N_("IT security"),
        "dpo": N_("Data protection officer"),
        "steering": N_("Steering group"),
        "reader": N_("Reader"),
    },
    DpfStatus: {
        "active": N_("Active"),
        "inactive": N_("Inactive"),
        "not_listed": N_("Not listed"),
        "unknown": N_("Not looked up"),
    },
    DpfFramework: {
        "eu_us": N_("EU-U.S. DPF"),
        "uk_extension": N_("UK Extension to the EU-U.S. DPF"),
        "swiss_us": N_("Swiss-U.S. DPF"),
    },
    VendorRole: {
        "processor": N_("Processor"),
        "sub_processor": N_("Sub-processor (through another processor)"),
        "independent_controller": N_("Independent controller"),
        "joint_controller": N_("Joint controller"),
        "no_personal_data": N_("Receives no personal data"),
    },
    TransferMechanism: {
        "adequacy": N_("Adequacy decision"),
        "dpf": N_("Data Privacy Framework"),
        "scc": N_("Standard contractual clauses"),
        "bcr": N_("Binding corporate rules"),
        "art49": N_("Derogation (art. 49)"),
        "none": N_("None"),
        "unknown": N_("Unknown"),
    },
    CountryStatus: {
        "eu": N_("EU"),
        "eea": N_("EEA"),
        "adequacy": N_("Adequacy"),
        "partial": N_("Partial adequacy"),
        "none": N_("No adequacy"),
    },
    CountryListKind: {"official": N_("Official"), "scenario": N_("Scenario")},
    LocationKind: {"processing": N_("Processing"), "support": N_("Support access")},
    SystemStatus: {
        "draft": N_("Draft"),
        "in_assessment": N_("In assessment"),
        "approved": N_("Approved"),
        "approved_with_conditions": N_("Approved with conditions"),
        "rejected": N_("Rejected"),
        "postponed": N_("Postponed"),
        "retired": N_("Retired"),
    },
    DataSubject: {
        "citizens": N_("Citizens"),
        "children": N_("Children / pupils"),
        "employees": N_("Employees"),
        "vulnerable": N_("Vulnerable persons"),
        "patients": N_("Patients"),
        "other": N_("Other"),
    },
    DataCategory: {
        "ordinary": N_("Ordinary personal data"),
        "special_art9": N_("Special categories (art. 9)"),
        "criminal_art10": N_("Criminal offences (art. 10)"),
        "cpr": N_("CPR numbers"),
        "financial": N_("Financial data"),
        "location": N_("Location data"),
        "communication": N_("Communication content"),
    },
    LegalBasis: {
        "art6_a": N_("Art. 6(1)(a) consent"),
        "art6_b": N_("Art. 6(1)(b) contract"),
        "art6_c": N_("Art. 6(1)(c) legal obligation"),
        "art6_d": N_("Art. 6(1)(d) vital interests"),
        "art6_e": N_("Art. 6(1)(e) public authority"),
        "art6_f": N_("Art. 6(1)(f) legitimate interests"),
        "art9_2": N_("Art. 9(2) special categories"),
        "art10": N_("Art. 10 criminal offences"),
        "national_law": N_("National law"),
    },
    SubjectVolume: {
        "under_100": N_("Fewer than 100"),
        "under_1000": N_("100 to 999"),
        "under_10000": N_("1,000 to 9,999"),
        "under_100000": N_("10,000 to 99,999"),
        "over_100000": N_("100,000 or more"),
    },
    AiActClass: {
        "none": N_("No AI"),
        "minimal": N_("Minimal risk"),
        "transparency": N_("Transparency obligations"),
        "high_risk": N_("High risk (Annex III)"),
        "prohibited": N_("Prohibited"),
    },
    AuditStatementType: {
        "isae3000": N_("ISAE 3000"),
        "isae3402_t1": N_("ISAE 3402 type 1"),
        "isae3402_t2": N_("ISAE 3402 type 2"),
        "soc2_t2": N_("SOC 2 type II"),
        "iso27001": N_("ISO 27001"),
        "iso27701": N_("ISO 27701"),
    },
    SupervisionMethod: {
        "audit_statement": N_("Audit statement"),
        "questionnaire": N_("Written questionnaire"),
        "inspection": N_("Inspection"),
    },
    RiskLevel: {"low": N_("Low"), "medium": N_("Medium"), "high": N_("High"), "very_high": N_("Very high")},
    ExposureLevel: {"medium": N_("Medium"), "high": N_("High"), "very_high": N_("Very high")},
    TransferClass: {
        "eea": N_("EU/EEA"),
        "adequate": N_("Adequate"),
        "dpf": N_("DPF (fragile)"),
        "safeguarded": N_("Safeguarded (SCC/BCR)"),
        "derogation": N_("Derogation (art. 49)"),
        "unknown": N_("Unknown"),
        "no_basis": N_("No basis"),
    },
    Outcome: {
        "acceptable": N_("Acceptable"),
        "attention": N_("Needs attention"),
        "not_acceptable": N_("Not acceptable"),
    },
    EntityRole: {
        "vendor": N_("Vendor"),
        "vendor_parent": N_("Vendor's parent company"),
        "sub_processor": N_("Sub-processor"),
        "sub_processor_parent": N_("Sub-processor's parent company"),
        "vendor_location": N_("Vendor's location"),
        "sub_processor_location": N_("Sub-processor's location"),
    },
    Wp248Criterion: {
        "evaluation": N_("Evaluation or scoring, including profiling"),
        "automated_decision": N_("Automated decision-making with legal or similarly significant effect"),
        "systematic_monitoring": N_("Systematic monitoring"),
        "sensitive_data": N_("Sensitive data or data of a highly personal nature"),
        "large_scale": N_("Data processed on a large scale"),
        "matching": N_("Matching or combining datasets"),
        "vulnerable_subjects": N_("Data concerning vulnerable data subjects"),
        "innovative_use": N_("Innovative use or new technological or organisational solutions"),
        "prevents_rights": N_("Prevents data subjects from exercising a right or using a service"),
    },
    ListedProcessing: {
        "biometric": N_("Biometric data for unique identification (with another criterion)"),
        "genetic": N_("Genetic data (with another criterion)"),
        "location": N_("Location data (with another criterion)"),
        "innovative_technology": N_("Innovative technology (with another criterion)"),
        "automated_access_decision": N_(
            "Automated decision on access to a product, service, opportunity or benefit"
        ),
        "large_scale_profiling": N_("Profiling on a large scale"),
    },
    MeasureKind: {
        "technical": N_("Technical"),
        "contractual": N_("Contractual"),
        "organisational": N_("Organisational"),
    },
    DpiaState: {
        "draft": N_("Draft"),
        "in_review": N_("In review"),
        "decided": N_("Decided"),
        "superseded": N_("Superseded"),
    },
    DecisionOutcome: {
        "approved": N_("Approved"),
        "approved_with_conditions": N_("Approved with conditions"),
        "rejected": N_("Rejected"),
        "postponed": N_("Postponed"),
        "escalated": N_("Escalated"),
        "withdrawn": N_("Withdrawn"),
    },
    ImportKind: {
        "dpf": N_("DPF list"),
        "subprocessors": N_("Sub-processor list"),
        "register": N_("Register"),
    },
    ImportState: {
        "pending": N_("Awaiting confirmation"),
        "applied": N_("Applied"),
        "discarded": N_("Discarded"),
    },
    ReviewState: {"pending": N_("To review"), "confirmed": N_("Confirmed"), "rejected": N_("Rejected")},
    AuditAction: {
        "create": N_("Created"),
        "update": N_("Changed"),
        "archive": N_("Archived"),
        "restore": N_("Restored"),
    },
}
