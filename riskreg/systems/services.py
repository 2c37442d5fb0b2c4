"""Systems: create, update, archive; the register list; what a system page shows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

from riskreg.countries.services import list_version_in_force, official_list, statuses
from riskreg.enums import (
    AiActClass,
    CountryStatus,
    DataCategory,
    DataSubject,
    LegalBasis,
    LocationKind,
    SystemStatus,
)
from riskreg.errors import DomainError
from riskreg.listing import contains
from riskreg.services import assign, check_version, commit
from riskreg.systems.models import Department, System, system_department
from riskreg.vendors.models import ProcessingLocation, SubProcessor, Vendor, subprocessor_system
from riskreg.vendors.services import SubProcessorNode, sub_processor_tree

FIELDS = (
    "name",
    "vendor_id",
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
AI_FIELDS = {
    "ai_description": "",
    "ai_output_in_decisions": False,
    "ai_act_class": AiActClass.NONE,
    "ai_annex_iii_area": "",
}
SAFE = {CountryStatus.EU, CountryStatus.EEA}


def today() -> dt.date:
    return dt.date.today()


def _resolve_departments(session: Session, names: Sequence[str]) -> list[Department]:
    """Existing departments by name (case-insensitive), new ones created."""
    wanted: dict[str, str] = {}
    for name in names:
        clean = " ".join(name.split())
        if clean:
            if len(clean) > 120:
                raise DomainError(
                    _("A department name can have at most 120 characters."), field="departments"
                )
            wanted.setdefault(clean.lower(), clean)
    if not wanted:
        return []
    existing = {
        d.name.lower(): d
        for d in session.scalars(select(Department).where(func.lower(Department.name).in_(list(wanted))))
    }
    return [existing.get(key) or Department(name=name) for key, name in wanted.items()]


def _check(session: Session, values: dict[str, Any], system: System | None) -> dict[str, Any]:
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise DomainError(_("Unknown fields: %(fields)s", fields=", ".join(sorted(unknown))))
    values = dict(values)
    if "name" in values:
        values["name"] = " ".join((values["name"] or "").split())
        if not values["name"]:
            raise DomainError(_("The system needs a name."), field="name")
    vendor_id = values.get("vendor_id", system.vendor_id if system else None)
    vendor = session.get(Vendor, vendor_id) if vendor_id else None
    if vendor is None:
        raise DomainError(_("Choose the vendor of the system."), field="vendor_id")
    if vendor.is_archived and (system is None or system.vendor_id != vendor.id):
        raise DomainError(_("The vendor %(name)s is archived.", name=vendor.name), field="vendor_id")
    created_on = system.created_at.date() if system is not None and system.created_at else today()
    review = values.get("next_review_on")
    if review is not None and review < created_on:
        raise DomainError(
            _(
                "The next review cannot be before the system was registered (%(date)s).",
                date=created_on.strftime("%d-%m-%Y"),
            ),
            field="next_review_on",
        )
    if not values.get("has_ai", system.has_ai if system else False):
        values.update(AI_FIELDS)
    elif (
        values.get("ai_act_class") == AiActClass.HIGH_RISK
        and not (values.get("ai_annex_iii_area") or "").strip()
    ):
        raise DomainError(
            _("A high-risk AI system needs its Annex III area (e.g. employment, access to public benefits)."),
            field="ai_annex_iii_area",
        )
    return values


def _set_many(
    session: Session,
    system: System,
    departments: Sequence[str],
    data_subjects: Sequence[DataSubject],
    data_categories: Sequence[DataCategory],
    legal_bases: Sequence[LegalBasis],
) -> None:
    system.departments = _resolve_departments(session, departments)
    # Assign only what changed so that the audit log shows real changes, not delete-and-insert noise.
    for attr, new, enum_cls in (
        ("data_subjects", data_subjects, DataSubject),
        ("data_categories", data_categories, DataCategory),
        ("legal_bases", legal_bases, LegalBasis),
    ):
        wanted = list(dict.fromkeys(enum_cls(v) for v in new))
        proxy = getattr(system, attr)
        current = list(proxy)
        for value in current:
            if value not in wanted:
                proxy.remove(value)
        for value in wanted:
            if value not in current:
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
    values = _check(session, values, None)
    system = System()
    assign(system, values)
    # One flush, so that the audit log gets one entry with every field.
    with session.no_autoflush:
        session.add(system)
        _set_many(session, system, departments, data_subjects, data_categories, legal_bases)
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
    check_version(session, system, version)
    values = _check(session, values, system)
    with session.no_autoflush:
        assign(system, values)
        _set_many(session, system, departments, data_subjects, data_categories, legal_bases)
    commit(session)
    return system


def set_system_archived(session: Session, system: System, archived: bool) -> None:
    system.is_archived = archived
    commit(session)


# --- the register list ------------------------------------------------------------------------------------


@dataclass
class SystemFilter:
    q: str = ""
    status: SystemStatus | None = None
    department_id: int | None = None
    vendor_id: int | None = None
    country: str = ""
    archived: bool = False


def systems_in_country(country: str) -> Select[Any]:
    """Ids of systems whose vendor, or a sub-processor applying to the system, touches ``country``."""
    by_vendor = (
        select(System.id)
        .join(ProcessingLocation, ProcessingLocation.vendor_id == System.vendor_id)
        .where(ProcessingLocation.country_code == country)
    )
    sub_in_country = (
        select(SubProcessor.id, SubProcessor.vendor_id)
        .join(ProcessingLocation, ProcessingLocation.sub_processor_id == SubProcessor.id)
        .where(ProcessingLocation.country_code == country, SubProcessor.is_archived.is_(False))
        .subquery()
    )
    limited = select(subprocessor_system.c.sub_processor_id)
    by_sub_for_all = (
        select(System.id)
        .join(sub_in_country, sub_in_country.c.vendor_id == System.vendor_id)
        .where(sub_in_country.c.id.not_in(limited))
    )
    by_sub_limited = select(subprocessor_system.c.system_id).join(
        sub_in_country, sub_in_country.c.id == subprocessor_system.c.sub_processor_id
    )
    return by_vendor.union(by_sub_for_all, by_sub_limited)


SORTS = {
    "name": System.name,
    "vendor": Vendor.name,
    "status": System.status,
    "review": System.next_review_on,
    "journal": System.journal_number,
}


def system_list_query(flt: SystemFilter, sort: str) -> Select[Any]:
    stmt = (
        select(System)
        .join(System.vendor)
        .options(selectinload(System.vendor), selectinload(System.departments))
    )
    if not flt.archived:
        stmt = stmt.where(System.is_archived.is_(False))
    if flt.q:
        stmt = stmt.where(
            or_(
                contains(System.name, flt.q),
                contains(System.purpose, flt.q),
                contains(System.journal_number, flt.q),
                contains(Vendor.name, flt.q),
            )
        )
    if flt.status is not None:
        stmt = stmt.where(System.status == flt.status)
    if flt.vendor_id is not None:
        stmt = stmt.where(System.vendor_id == flt.vendor_id)
    if flt.department_id is not None:
        stmt = stmt.where(
            System.id.in_(
                select(system_department.c.system_id).where(
                    system_department.c.department_id == flt.department_id
                )
            )
        )
    if flt.country:
        stmt = stmt.where(System.id.in_(systems_in_country(flt.country)))
    column = SORTS[sort.lstrip("-")]
    order = column.desc() if sort.startswith("-") else column.asc()
    return stmt.order_by(order, System.name, System.id)


def filter_options(session: Session) -> tuple[list[Department], list[tuple[int, str]]]:
    departments = list(session.scalars(select(Department).order_by(Department.name)))
    vendors = [
        (vid, name)
        for vid, name in session.execute(
            select(Vendor.id, Vendor.name).where(Vendor.is_archived.is_(False)).order_by(Vendor.name)
        )
    ]
    return departments, vendors


# --- the system page ----------------------------------------------------------------------------------------


@dataclass
class CountryUse:
    code: str
    status: CountryStatus
    processing: bool = False
    support: bool = False
    recipients: list[str] = field(default_factory=list)

    @property
    def is_third_country(self) -> bool:
        return self.status not in SAFE


@dataclass
class SystemPicture:
    system: System
    vendor: Vendor
    chain: list[SubProcessorNode]
    countries: list[CountryUse]


def applicable_sub_processors(system: System, sub_processors: Sequence[SubProcessor]) -> list[SubProcessor]:
    """The vendor's live sub-processors that serve this system (an empty system list means: all systems)."""
    return [
        sp
        for sp in sub_processors
        if not sp.is_archived and (not sp.systems or any(s.id == system.id for s in sp.systems))
    ]


def country_uses(
    vendor: Vendor, sub_processors: Sequence[SubProcessor], status_of: dict[str, CountryStatus]
) -> list[CountryUse]:
    """Every country where the vendor or an applicable sub-processor processes data or has support access."""
    uses: dict[str, CountryUse] = {}
    recipients = [(vendor.name, vendor.locations), *((sp.name, sp.locations) for sp in sub_processors)]
    for name, locations in recipients:
        for loc in locations:
            use = uses.setdefault(
                loc.country_code,
                CountryUse(loc.country_code, status_of.get(loc.country_code, CountryStatus.NONE)),
            )
            if loc.kind == LocationKind.SUPPORT:
                use.support = True
            else:
                use.processing = True
            if name not in use.recipients:
                use.recipients.append(name)
    return sorted(uses.values(), key=lambda u: (not u.is_third_country, u.code))


def system_picture(session: Session, system_id: int, on: dt.date | None = None) -> SystemPicture | None:
    system = session.scalar(
        select(System)
        .where(System.id == system_id)
        .options(
            selectinload(System.vendor).selectinload(Vendor.locations),
            selectinload(System.departments),
            selectinload(System.agreements),
        )
    )
    if system is None:
        return None
    vendor = system.vendor
    subs = session.scalars(
        select(SubProcessor)
        .where(SubProcessor.vendor_id == vendor.id)
        .options(selectinload(SubProcessor.locations), selectinload(SubProcessor.systems))
    ).all()
    applicable = applicable_sub_processors(system, subs)
    version = list_version_in_force(session, official_list(session).id, on or today())
    return SystemPicture(
        system=system,
        vendor=vendor,
        chain=sub_processor_tree(applicable),
        countries=country_uses(vendor, applicable, statuses(version)),
    )
