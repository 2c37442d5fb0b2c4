"""Systems: create, update, archive, and the domain rules a system's values must meet."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from riskreg.db import utcnow
from riskreg.dpia.models import Dpia
from riskreg.enums import (
    AiActClass,
    DataCategory,
    DataSubject,
    DpiaState,
    LegalBasis,
    SubjectVolume,
    SystemStatus,
    VendorRole,
)
from riskreg.errors import DomainError
from riskreg.services import assign, check_version, commit
from riskreg.systems.models import Department, System
from riskreg.vendors.models import Vendor

FIELDS = (
    "name",
    "vendor_id",
    "vendor_role",
    "system_owner",
    "purpose",
    "legal_basis_note",
    "subject_volume",
    "retention",
    "has_free_text",
    "free_text_note",
    "has_ai",
    "ai_description",
    "ai_output_in_decisions",
    "ai_act_class",
    "ai_annex_iii_area",
    "status",
    "journal_number",
    "next_review_on",
)
#: Longest text a field takes (the form shows the same limits).
MAX_LENGTH = {
    "name": 200,
    "journal_number": 60,
    "system_owner": 200,
    "purpose": 4000,
    "legal_basis_note": 2000,
    "retention": 2000,
    "free_text_note": 2000,
    "ai_description": 2000,
    "ai_annex_iii_area": 200,
}
DEPARTMENT_MAX = 120
AI_FIELDS = {
    "ai_description": "",
    "ai_output_in_decisions": False,
    "ai_act_class": AiActClass.NONE,
    "ai_annex_iii_area": "",
}


def today() -> dt.date:
    return dt.date.today()


def _resolve_departments(session: Session, names: Sequence[str]) -> list[Department]:
    """Existing departments by name (case-insensitive), new ones created."""
    wanted: dict[str, str] = {}
    for name in names:
        clean = " ".join(name.split())
        if clean:
            if len(clean) > DEPARTMENT_MAX:
                raise DomainError(_("At most %(n)s characters.", n=DEPARTMENT_MAX), field="departments")
            wanted.setdefault(clean.lower(), clean)
    if not wanted:
        return []
    existing = {
        d.name.lower(): d
        for d in session.scalars(select(Department).where(func.lower(Department.name).in_(list(wanted))))
    }
    return [existing.get(key) or Department(name=name) for key, name in wanted.items()]


def _coerce(values: dict[str, Any]) -> dict[str, Any]:
    """Plain values as stored: enums from their values, text stripped."""
    values = dict(values)
    for key, enum_cls in (("status", SystemStatus), ("ai_act_class", AiActClass)):
        if key in values:
            try:
                values[key] = enum_cls(values[key])
            except ValueError:
                raise DomainError(_("Choose one of the listed values."), field=key) from None
    if "vendor_role" in values:
        # Empty: the vendor's own role applies.
        try:
            values["vendor_role"] = VendorRole(values["vendor_role"]) if values["vendor_role"] else None
        except ValueError:
            raise DomainError(_("Choose one of the listed values."), field="vendor_role") from None
    if "subject_volume" in values:
        try:
            values["subject_volume"] = (
                SubjectVolume(values["subject_volume"]) if values["subject_volume"] else None
            )
        except ValueError:
            raise DomainError(_("Choose one of the listed values."), field="subject_volume") from None
    if "name" in values:
        values["name"] = " ".join((values["name"] or "").split())
    for key in MAX_LENGTH:
        if key in values and key != "name":
            values[key] = (values[key] or "").strip()
    return values


def check_system(
    session: Session, values: dict[str, Any], system: System | None, *, past_review: bool = False
) -> dict[str, Any]:
    """Validate the domain rules of a system; return the values as they will be stored.

    ``past_review`` lets a new system's next review lie in the past: an imported register brings reviews that
    are already overdue, and the front page should say so.
    """
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise DomainError(_("Unknown fields: %(fields)s", fields=", ".join(sorted(unknown))))
    values = _coerce(values)
    if (system is None or "name" in values) and not values.get("name"):
        raise DomainError(_("The system needs a name."), field="name")
    for key, limit in MAX_LENGTH.items():
        if len(values.get(key) or "") > limit:
            raise DomainError(_("At most %(n)s characters.", n=limit), field=key)

    vendor_id = values.get("vendor_id", system.vendor_id if system else None)
    vendor = session.get(Vendor, vendor_id) if vendor_id else None
    if vendor is None:
        raise DomainError(_("Choose the vendor of the system."), field="vendor_id")
    # A system may stay with a vendor archived after it was registered; no new system goes to one.
    if vendor.is_archived and (system is None or system.vendor_id != vendor.id):
        raise DomainError(_("The vendor %(name)s is archived.", name=vendor.name), field="vendor_id")

    created_on = system.created_at.date() if system is not None and system.created_at else today()
    review = values.get("next_review_on")
    if review is not None and review < created_on and not past_review:
        raise DomainError(
            _(
                "The next review cannot be before the system was registered (%(date)s).",
                date=created_on.strftime("%d-%m-%Y"),
            ),
            field="next_review_on",
        )

    status = values.get("status")
    if system is not None and status not in (None, system.status, SystemStatus.RETIRED):
        submitted = select(Dpia.id).where(Dpia.system_id == system.id, Dpia.state != DpiaState.DRAFT)
        if session.scalar(submitted.limit(1)) is not None:
            raise DomainError(
                _(
                    "The status follows the approval bodies' decisions on the system's DPIA: record a "
                    "decision instead. A system can still be retired."
                ),
                field="status",
            )

    def current(key: str) -> Any:
        return values[key] if key in values else (getattr(system, key) if system else AI_FIELDS.get(key))

    if not current("has_ai"):
        values.update(AI_FIELDS)
    elif current("ai_act_class") == AiActClass.HIGH_RISK and not (current("ai_annex_iii_area") or "").strip():
        raise DomainError(
            _("A high-risk AI system needs its Annex III area (e.g. employment, access to public benefits)."),
            field="ai_annex_iii_area",
        )
    return values


def set_classifications(
    session: Session,
    system: System,
    departments: Sequence[str],
    data_subjects: Sequence[DataSubject],
    data_categories: Sequence[DataCategory],
    legal_bases: Sequence[LegalBasis],
) -> None:
    wanted_departments = _resolve_departments(session, departments)
    if [d.name for d in system.departments] != [d.name for d in wanted_departments]:
        system.departments = wanted_departments
    # Assign only what changed so that the audit log shows real changes, not delete-and-insert noise.
    for attr, new, enum_cls in (
        ("data_subjects", data_subjects, DataSubject),
        ("data_categories", data_categories, DataCategory),
        ("legal_bases", legal_bases, LegalBasis),
    ):
        try:
            wanted = list(dict.fromkeys(enum_cls(v) for v in new))
        except ValueError:
            raise DomainError(_("Choose one of the listed values."), field=attr) from None
        proxy = getattr(system, attr)
        present = list(proxy)
        for value in present:
            if value not in wanted:
                proxy.remove(value)
        for value in wanted:
            if value not in present:
                proxy.append(value)


def create_system(
    session: Session,
    values: dict[str, Any],
    *,
    departments: Sequence[str] = (),
    data_subjects: Sequence[DataSubject] = (),
    data_categories: Sequence[DataCategory] = (),
    legal_bases: Sequence[LegalBasis] = (),
) -> System:
    """Register a system with its departments and classifications."""
    values = check_system(session, values, None)
    system = System()
    assign(system, values)
    # One flush, so that the audit log gets one entry with every field.
    with session.no_autoflush:
        set_classifications(session, system, departments, data_subjects, data_categories, legal_bases)
        session.add(system)
    commit(session)
    return system


def update_system(
    session: Session,
    system: System,
    values: dict[str, Any],
    *,
    departments: Sequence[str],
    data_subjects: Sequence[DataSubject],
    data_categories: Sequence[DataCategory],
    legal_bases: Sequence[LegalBasis],
    version: int | str | None = None,
) -> System:
    """Save a system's fields and classifications, refusing a save based on a stale copy."""
    check_version(session, system, version)
    values = check_system(session, values, system)
    with session.no_autoflush:
        assign(system, values)
        set_classifications(session, system, departments, data_subjects, data_categories, legal_bases)
        # A change to the many-valued fields alone writes no system row, so the version would stay and a
        # concurrent save could overwrite it unnoticed; touching the row counts it as a new version.
        if session.is_modified(system):
            system.updated_at = utcnow()
    commit(session)
    return system


def set_system_archived(session: Session, system: System, archived: bool) -> None:
    """Archive or restore a system (nothing is deleted: decisions and DPIAs may refer to it)."""
    if system.is_archived == archived:
        return
    system.is_archived = archived
    commit(session)
