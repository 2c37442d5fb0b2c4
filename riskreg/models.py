"""Import every model so that the mappers and ``Base.metadata`` are complete (Alembic, create_all)."""

from __future__ import annotations

from riskreg.audit import AuditEntry
from riskreg.auth.models import User
from riskreg.bodies.models import ApprovalBody
from riskreg.countries.models import (
    Country,
    CountryList,
    CountryListEntry,
    CountryListVersion,
    JurisdictionExposure,
)
from riskreg.db import Base
from riskreg.dpia.models import AgendaItem, Decision, Dpia, Measure, Risk, SuggestionDismissal
from riskreg.imports.models import DpfReview, ImportBatch
from riskreg.systems.models import Department, System, SystemDataCategory, SystemDataSubject, SystemLegalBasis
from riskreg.transfers.models import AssessmentState, SystemAssessment
from riskreg.vendors.models import (
    AuditStatement,
    DataProcessingAgreement,
    ProcessingLocation,
    SubProcessor,
    Supervision,
    Vendor,
)

__all__ = [
    "AgendaItem",
    "ApprovalBody",
    "AuditEntry",
    "AssessmentState",
    "AuditStatement",
    "Base",
    "Country",
    "CountryList",
    "CountryListEntry",
    "CountryListVersion",
    "DataProcessingAgreement",
    "Decision",
    "Department",
    "DpfReview",
    "Dpia",
    "ImportBatch",
    "JurisdictionExposure",
    "Measure",
    "ProcessingLocation",
    "Risk",
    "SubProcessor",
    "SuggestionDismissal",
    "Supervision",
    "System",
    "SystemAssessment",
    "SystemDataCategory",
    "SystemDataSubject",
    "SystemLegalBasis",
    "User",
    "Vendor",
]
