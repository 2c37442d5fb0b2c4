"""Domain vocabularies shared by models, rules and forms (no Flask, no database).

Each enum's value is what is stored; labels for people live in ``riskreg.labels``.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    SECURITY = "security"
    DPO = "dpo"
    STEERING = "steering"
    READER = "reader"


class DpfStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"
    NOT_LISTED = "not_listed"
    #: Not yet looked up on the list (distinct from looked up and not found there).
    UNKNOWN = "unknown"


class DpfFramework(StrEnum):
    """The three tracks an organisation joins separately on the DPF list."""

    EU_US = "eu_us"
    UK_EXTENSION = "uk_extension"
    SWISS_US = "swiss_us"


class VendorRole(StrEnum):
    """What a vendor is under the GDPR for the municipality's data (DESIGN §3).

    Only a processor (or a sub-processor reached through one) acts on the municipality's behalf; an
    independent controller, or a vendor that uses the data for its own purposes, receives a *disclosure* that
    needs its own legal basis and cannot be covered by a data processing agreement.
    """

    PROCESSOR = "processor"
    SUB_PROCESSOR = "sub_processor"
    INDEPENDENT_CONTROLLER = "independent_controller"
    JOINT_CONTROLLER = "joint_controller"
    NO_PERSONAL_DATA = "no_personal_data"


class TransferMechanism(StrEnum):
    ADEQUACY = "adequacy"
    DPF = "dpf"
    SCC = "scc"
    BCR = "bcr"
    ART49 = "art49"
    NONE = "none"
    UNKNOWN = "unknown"


class CountryStatus(StrEnum):
    EU = "eu"
    EEA = "eea"
    ADEQUACY = "adequacy"
    PARTIAL = "partial"
    NONE = "none"


class CountryListKind(StrEnum):
    OFFICIAL = "official"
    SCENARIO = "scenario"


class LocationKind(StrEnum):
    """How a recipient touches data in a country: hosting/processing it, or remote support access."""

    PROCESSING = "processing"
    SUPPORT = "support"


class SystemStatus(StrEnum):
    DRAFT = "draft"
    IN_ASSESSMENT = "in_assessment"
    APPROVED = "approved"
    APPROVED_WITH_CONDITIONS = "approved_with_conditions"
    REJECTED = "rejected"
    POSTPONED = "postponed"
    RETIRED = "retired"


class DataSubject(StrEnum):
    CITIZENS = "citizens"
    CHILDREN = "children"
    EMPLOYEES = "employees"
    VULNERABLE = "vulnerable"
    PATIENTS = "patients"
    OTHER = "other"


class DataCategory(StrEnum):
    ORDINARY = "ordinary"
    SPECIAL_ART9 = "special_art9"
    CRIMINAL_ART10 = "criminal_art10"
    CPR = "cpr"
    FINANCIAL = "financial"
    LOCATION = "location"
    COMMUNICATION = "communication"


class LegalBasis(StrEnum):
    ART6_A = "art6_a"
    ART6_B = "art6_b"
    ART6_C = "art6_c"
    ART6_D = "art6_d"
    ART6_E = "art6_e"
    ART6_F = "art6_f"
    ART9_2 = "art9_2"
    ART10 = "art10"
    NATIONAL_LAW = "national_law"


class SubjectVolume(StrEnum):
    """Band of the number of data subjects."""

    UNDER_100 = "under_100"
    UNDER_1000 = "under_1000"
    UNDER_10000 = "under_10000"
    UNDER_100000 = "under_100000"
    OVER_100000 = "over_100000"


class AiActClass(StrEnum):
    NONE = "none"
    MINIMAL = "minimal"
    TRANSPARENCY = "transparency"
    HIGH_RISK = "high_risk"
    PROHIBITED = "prohibited"


class AuditStatementType(StrEnum):
    ISAE3000 = "isae3000"
    ISAE3402_T1 = "isae3402_t1"
    ISAE3402_T2 = "isae3402_t2"
    SOC2_T2 = "soc2_t2"
    ISO27001 = "iso27001"
    ISO27701 = "iso27701"


class SupervisionMethod(StrEnum):
    AUDIT_STATEMENT = "audit_statement"
    QUESTIONNAIRE = "questionnaire"
    INSPECTION = "inspection"


class RiskLevel(StrEnum):
    """Levels of domain §5; the order of members is the order of severity."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    VERY_HIGH = "very_high"

    @property
    def rank(self) -> int:
        return list(RiskLevel).index(self)


class Wp248Criterion(StrEnum):
    """The nine criteria of WP248 rev.01 for processing "likely to result in a high risk"."""

    EVALUATION = "evaluation"
    AUTOMATED_DECISION = "automated_decision"
    SYSTEMATIC_MONITORING = "systematic_monitoring"
    SENSITIVE_DATA = "sensitive_data"
    LARGE_SCALE = "large_scale"
    MATCHING = "matching"
    VULNERABLE_SUBJECTS = "vulnerable_subjects"
    INNOVATIVE_USE = "innovative_use"
    PREVENTS_RIGHTS = "prevents_rights"


class ListedProcessing(StrEnum):
    """Datatilsynet's art. 35(4) list of processing that always needs a DPIA (28 January 2019).

    The first four count only together with at least one WP248 criterion.
    """

    BIOMETRIC = "biometric"
    GENETIC = "genetic"
    LOCATION = "location"
    INNOVATIVE_TECHNOLOGY = "innovative_technology"
    AUTOMATED_ACCESS_DECISION = "automated_access_decision"
    LARGE_SCALE_PROFILING = "large_scale_profiling"


class ExposureLevel(StrEnum):
    MEDIUM = "medium"
    HIGH = "high"
    VERY_HIGH = "very_high"

    @property
    def severity(self) -> int:
        return list(ExposureLevel).index(self)


class TransferClass(StrEnum):
    """Classes of domain §4; the order of members is the order of severity (``no_basis`` is the worst)."""

    EEA = "eea"
    ADEQUATE = "adequate"
    DPF = "dpf"
    SAFEGUARDED = "safeguarded"
    DEROGATION = "derogation"
    UNKNOWN = "unknown"
    NO_BASIS = "no_basis"

    @property
    def severity(self) -> int:
        return list(TransferClass).index(self)


class Outcome(StrEnum):
    """What the transfer picture means for a decision, worst last."""

    ACCEPTABLE = "acceptable"
    ATTENTION = "attention"
    NOT_ACCEPTABLE = "not_acceptable"

    @property
    def severity(self) -> int:
        return list(Outcome).index(self)


class EntityRole(StrEnum):
    """Whose jurisdiction an exposure finding is about."""

    VENDOR = "vendor"
    VENDOR_PARENT = "vendor_parent"
    SUB_PROCESSOR = "sub_processor"
    SUB_PROCESSOR_PARENT = "sub_processor_parent"
    #: The recipient processes data in, or has support access from, an exposure country (where the data is).
    VENDOR_LOCATION = "vendor_location"
    SUB_PROCESSOR_LOCATION = "sub_processor_location"


class MeasureKind(StrEnum):
    """What kind of measure lowers a risk (domain §5)."""

    TECHNICAL = "technical"
    CONTRACTUAL = "contractual"
    ORGANISATIONAL = "organisational"


class DpiaState(StrEnum):
    """Where a DPIA version is in the approval chain (domain §6)."""

    DRAFT = "draft"
    IN_REVIEW = "in_review"
    DECIDED = "decided"
    #: A later version was submitted before this one was decided.
    SUPERSEDED = "superseded"


class DecisionOutcome(StrEnum):
    APPROVED = "approved"
    APPROVED_WITH_CONDITIONS = "approved_with_conditions"
    REJECTED = "rejected"
    POSTPONED = "postponed"
    ESCALATED = "escalated"
    #: The requester dropped a rejected case before a later body decided it (recorded by the DPO or owner).
    WITHDRAWN = "withdrawn"


class ImportKind(StrEnum):
    DPF = "dpf"
    SUBPROCESSORS = "subprocessors"
    REGISTER = "register"


class ImportState(StrEnum):
    """A batch is read and checked first (pending), then applied when a person confirms it, or discarded."""

    PENDING = "pending"
    APPLIED = "applied"
    DISCARDED = "discarded"


class ReviewState(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class AuditAction(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    ARCHIVE = "archive"
    RESTORE = "restore"
