"""Reading the audit log: one record's history, the whole log with filters, and words for its fields."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from riskreg.audit import AuditEntry
from riskreg.countries.models import CountryListVersion
from riskreg.dpia.models import Decision, Dpia, Risk
from riskreg.enums import (
    AiActClass,
    AuditAction,
    AuditStatementType,
    CountryListKind,
    CountryStatus,
    DecisionOutcome,
    DpfStatus,
    DpiaState,
    ExposureLevel,
    ListedProcessing,
    LocationKind,
    MeasureKind,
    RiskLevel,
    Role,
    SubjectVolume,
    SupervisionMethod,
    SystemStatus,
    TransferMechanism,
    VendorRole,
    Wp248Criterion,
)
from riskreg.labels import LABELS
from riskreg.listing import contains

#: Table name -> what a person calls such a record.
ENTITY_TYPES: dict[str, Any] = {
    "user": _l("User"),
    "vendor": _l("Vendor"),
    "sub_processor": _l("Sub-processor"),
    "system": _l("System"),
    "department": _l("Department"),
    "data_processing_agreement": _l("Data processing agreement"),
    "audit_statement": _l("Audit statement"),
    "supervision": _l("Supervision"),
    "approval_body": _l("Approval body"),
    "country_list": _l("Country list"),
    "country_list_version": _l("Country list version"),
    "jurisdiction_exposure": _l("Jurisdiction exposure"),
    "dpia": _l("DPIA"),
    "dpia_risk": _l("Risk"),
    "measure": _l("Measure"),
    "decision": _l("Decision"),
    "agenda_item": _l("Agenda item"),
    "dpia_suggestion_dismissal": _l("Dismissed suggestion"),
}

#: Column name -> label; other names are made readable from the column name.
FIELD_LABELS: dict[str, Any] = {
    "name": _l("Name"),
    "email": _l("E-mail"),
    "role": _l("Role"),
    "locale": _l("Language"),
    "approval_body_id": _l("Approval body"),
    "is_archived": _l("Archived"),
    "description": _l("Description"),
    "notes": _l("Notes"),
    "note": _l("Note"),
    "position": _l("Position in the chain"),
    "residual_ceiling": _l("Residual-risk ceiling"),
    "country_code": _l("Country"),
    "parent_country_code": _l("Parent company's country"),
    "parent_name": _l("Parent company"),
    "parent_company": _l("Parent company"),
    "parent_id": _l("Parent sub-processor"),
    "vendor_id": _l("Vendor"),
    "system_id": _l("System"),
    "org_number": _l("Organisation number"),
    "website": _l("Website"),
    "contact": _l("Contact"),
    "transfer_mechanism": _l("Transfer mechanism"),
    "tia_on": _l("Transfer impact assessment done on"),
    "dpf_status": _l("DPF status"),
    "dpf_listed_name": _l("Name on the DPF list"),
    "dpf_checked_on": _l("DPF checked on"),
    "dpf_uk_status": _l("UK Extension to the EU-U.S. DPF"),
    "dpf_swiss_status": _l("Swiss-U.S. DPF"),
    "dpf_covers_hr": _l("Covers HR data"),
    "dpf_covers_non_hr": _l("Covers non-HR data"),
    "dpf_due_on": _l("Next certification due"),
    "dpf_url": _l("The participant's page on the DPF list"),
    "own_purpose_use": _l("Own-purpose use"),
    "own_purpose_note": _l("About the own-purpose use"),
    "vendor_role": _l("Vendor's role for this system"),
    "service": _l("Service"),
    "source": _l("Source"),
    "source_on": _l("Source dated"),
    "locations": _l("Countries"),
    "systems": _l("Systems"),
    "signed_on": _l("Signed on"),
    "agreement_version": _l("Version of the agreement"),
    "template": _l("Template"),
    "scc_modules": _l("SCC modules"),
    "status": _l("Status"),
    "journal_number": _l("Journal number"),
    "next_review_on": _l("Next review"),
    "effective_on": _l("In force from"),
    "entries": _l("Countries on the list"),
    "kind": _l("Kind"),
    "created_by_id": _l("Created by"),
    "country_list_id": _l("Country list"),
    "type": _l("Type"),
    "period_start": _l("Period from"),
    "period_end": _l("Period to"),
    "received_on": _l("Received on"),
    "remarks": _l("Remarks"),
    "method": _l("Method"),
    "frequency_months": _l("Frequency (months)"),
    "last_on": _l("Last supervision"),
    "next_on": _l("Next supervision"),
    "outcome": _l("Outcome"),
    "number": _l("Version"),
    "state": _l("State"),
    "criteria": _l("WP248 criteria"),
    "listed": _l("Datatilsynet's list"),
    "necessity": _l("Necessity and proportionality"),
    "subject_views": _l("Views of the data subjects"),
    "dpo_opinion": _l("The DPO's opinion"),
    "proposal": _l("Proposed decision"),
    "body_id": _l("Approval body"),
    "meeting_on": _l("Meeting"),
    "submitted_at": _l("Submitted"),
    "title": _l("Risk"),
    "rights": _l("Rights affected"),
    "inherent_likelihood": _l("Inherent likelihood"),
    "inherent_consequence": _l("Inherent consequence"),
    "residual_likelihood": _l("Residual likelihood"),
    "residual_consequence": _l("Residual consequence"),
    "residual_reason": _l("Reason for the residual risk"),
    "owner": _l("Owner"),
    "measures": _l("Measures"),
    "relies_on_users": _l("Depends on users remembering a rule"),
    "case_number": _l("Case number"),
    "conditions": _l("Conditions"),
    "residual_accepted": _l("Residual risk accepted"),
    "residual_level": _l("Residual risk"),
    "rationale": _l("Rationale"),
    "alternative": _l("Alternative offered"),
    "next_meeting_on": _l("Next meeting"),
    "recorded_by_id": _l("Recorded by"),
    "corrects_id": _l("Corrects decision"),
    "correction_reason": _l("Reason for the correction"),
    "alternative_system_id": _l("Alternative system in the register"),
    "closes_case": _l("Closes the case"),
    "dpia_id": _l("DPIA"),
    "reason": _l("Reason"),
}

#: Columns whose stored values are enum values, shown by their labels.
FIELD_ENUMS: dict[str, type[StrEnum]] = {
    "role": Role,
    "residual_ceiling": RiskLevel,
    "dpf_status": DpfStatus,
    "dpf_uk_status": DpfStatus,
    "dpf_swiss_status": DpfStatus,
    "vendor_role": VendorRole,
    "transfer_mechanism": TransferMechanism,
    "subject_volume": SubjectVolume,
    "ai_act_class": AiActClass,
    "type": AuditStatementType,
    "method": SupervisionMethod,
    "level": ExposureLevel,
    "residual_level": RiskLevel,
    "criteria": Wp248Criterion,
    "listed": ListedProcessing,
}
#: Where the same column name means different things in different tables.
ENTITY_FIELD_ENUMS: dict[tuple[str, str], type[StrEnum]] = {
    ("system", "status"): SystemStatus,
    ("vendor", "role"): VendorRole,
    ("country_list", "kind"): CountryListKind,
    ("country_list_entry", "status"): CountryStatus,
    ("processing_location", "kind"): LocationKind,
    ("dpia", "state"): DpiaState,
    ("decision", "outcome"): DecisionOutcome,
    ("measure", "kind"): MeasureKind,
}


def entity_type_label(entity_type: str) -> str:
    return str(ENTITY_TYPES.get(entity_type, entity_type.replace("_", " ").capitalize()))


def field_label(field: str) -> str:
    if field in FIELD_LABELS:
        return str(FIELD_LABELS[field])
    return field.removesuffix("_id").replace("_", " ").capitalize()


def value_text(entity_type: str, field: str, value: Any) -> str:
    """A stored value as a person reads it."""
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    enum_cls = ENTITY_FIELD_ENUMS.get((entity_type, field)) or FIELD_ENUMS.get(field)
    if isinstance(value, list):
        return ", ".join(value_text(entity_type, field, v) for v in value)
    if enum_cls is not None and isinstance(value, str) and value in LABELS[enum_cls]:
        return str(LABELS[enum_cls][value])
    return str(value)


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: str
    new: str


def readable_changes(entry: AuditEntry) -> list[FieldChange]:
    """The field-level changes of an entry, with labels and readable values.

    For a list that had items before and after (countries, systems), only what left and what came are shown.
    """
    result = []
    for field, (old, new) in (entry.changes or {}).items():
        if isinstance(old, list) and isinstance(new, list) and old and new:
            old, new = [v for v in old if v not in new], [v for v in new if v not in old]
        result.append(
            FieldChange(
                field=field,
                label=field_label(field),
                old=value_text(entry.entity_type, field, old),
                new=value_text(entry.entity_type, field, new),
            )
        )
    return result


def entity_history(session: Session, entity_type: str, entity_id: int) -> Sequence[AuditEntry]:
    """Every audit entry of one record, newest first."""
    return session.scalars(
        select(AuditEntry)
        .where(AuditEntry.entity_type == entity_type, AuditEntry.entity_id == entity_id)
        .order_by(AuditEntry.id.desc())
    ).all()


#: Table name -> (endpoint of the record's page, its argument name). Pages that need more are handled below.
RECORD_PAGES: dict[str, tuple[str, str | None]] = {
    "vendor": ("vendors.view", "vendor_id"),
    "system": ("systems.view", "system_id"),
    "sub_processor": ("subprocessors.view", "sub_processor_id"),
    "data_processing_agreement": ("agreements.view", "agreement_id"),
    "country_list": ("countries.list_view", "list_id"),
    "approval_body": ("bodies.index", None),
    "user": ("auth.user_edit", "user_id"),
    "measure": ("measures.edit", "measure_id"),
}


def _dpia_of(session: Session, entity_type: str, entity_id: int) -> int | None:
    """The DPIA a DPIA, risk or decision record belongs to (risks and decisions are shown on its page)."""
    if entity_type == "dpia":
        return entity_id
    if entity_type == "dpia_risk":
        return session.scalar(select(Risk.dpia_id).where(Risk.id == entity_id))
    if entity_type == "decision":
        return session.scalar(select(Decision.dpia_id).where(Decision.id == entity_id))
    return None


def record_page(session: Session, entity_type: str, entity_id: int) -> tuple[str, dict[str, Any]] | None:
    """(endpoint, arguments) of the page that shows the record, if riskreg has one."""
    if entity_type == "country_list_version":
        version = session.get(CountryListVersion, entity_id)
        if version is None:
            return None
        return "countries.list_view", {"list_id": version.country_list_id, "version": version.id}
    dpia_id = _dpia_of(session, entity_type, entity_id)
    if dpia_id is not None:
        dpia = session.get(Dpia, dpia_id)
        if dpia is None:
            return None
        return "dpia.view", {"system_id": dpia.system_id, "version": dpia.number}
    if entity_type not in RECORD_PAGES:
        return None
    endpoint, argument = RECORD_PAGES[entity_type]
    return endpoint, ({argument: entity_id} if argument else {})


# --- the whole log ------------------------------------------------------------------------------------------


@dataclass
class HistoryFilter:
    entity_type: str = ""
    actor: str = ""
    action: AuditAction | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    q: str = ""


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


def history_query(flt: HistoryFilter) -> Select[Any]:
    """The audit log, newest first, narrowed by the filter (dates are whole UTC days, both ends included)."""
    stmt = select(AuditEntry)
    if flt.entity_type:
        stmt = stmt.where(AuditEntry.entity_type == flt.entity_type)
    if flt.actor:
        stmt = stmt.where(AuditEntry.actor == flt.actor)
    if flt.action is not None:
        stmt = stmt.where(AuditEntry.action == flt.action)
    if flt.date_from is not None:
        stmt = stmt.where(AuditEntry.at >= _day_start(flt.date_from))
    if flt.date_to is not None:
        stmt = stmt.where(AuditEntry.at < _day_start(flt.date_to + dt.timedelta(days=1)))
    if flt.q:
        stmt = stmt.where(contains(AuditEntry.entity_label, flt.q))
    return stmt.order_by(AuditEntry.id.desc())


def entity_type_options(session: Session) -> list[tuple[str, str]]:
    """(table name, label) of every kind of record in the log, by label."""
    types = session.scalars(select(AuditEntry.entity_type).distinct())
    return sorted(((t, entity_type_label(t)) for t in types), key=lambda o: o[1].casefold())


def actor_options(session: Session) -> list[str]:
    """Everyone (and every command) that has changed something."""
    return sorted(session.scalars(select(AuditEntry.actor).distinct()), key=str.casefold)
