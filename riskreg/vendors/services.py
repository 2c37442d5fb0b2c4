"""Vendors: create, update, archive; their processing countries, audit statements and supervision plan."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, aliased, joinedload, selectinload

from riskreg.countries.models import Country
from riskreg.db import utcnow
from riskreg.enums import (
    AuditStatementType,
    DpfStatus,
    LocationKind,
    SupervisionMethod,
    TransferMechanism,
    VendorRole,
)
from riskreg.errors import DomainError
from riskreg.listing import contains
from riskreg.main.attention import AUDIT_STATEMENT_MAX_AGE, DPF_CHECK_MAX_AGE
from riskreg.services import assign, check_version, commit
from riskreg.systems.models import System
from riskreg.vendors.dpf_facts import DPF_FIELDS, STATUS_FIELDS, check_dpf
from riskreg.vendors.locations import LocationInput, Place, clean_locations, replace_locations
from riskreg.vendors.models import (
    AuditStatement,
    DataProcessingAgreement,
    ProcessingLocation,
    SubProcessor,
    Supervision,
    Vendor,
)

NAME_MAX = 200
ORG_NUMBER_MAX = 40
FREQUENCY_MONTHS = (1, 60)

VENDOR_FIELDS = frozenset(
    {
        "name",
        "org_number",
        "country_code",
        "parent_name",
        "parent_country_code",
        "website",
        "contact",
        "transfer_mechanism",
        "tia_on",
        "role",
        "own_purpose_use",
        "own_purpose_note",
        *DPF_FIELDS,
        "notes",
    }
)
STATEMENT_FIELDS = frozenset({"type", "period_start", "period_end", "received_on", "remarks"})
SUPERVISION_FIELDS = frozenset({"method", "frequency_months", "last_on", "next_on", "outcome"})
_TEXT_FIELDS = frozenset(
    {"parent_name", "website", "contact", "own_purpose_note", "notes", "remarks", "outcome"}
)
OWN_PURPOSE_NOTE_MAX = 5000

_ENUM_FIELDS: dict[str, type] = {
    "transfer_mechanism": TransferMechanism,
    "role": VendorRole,
    "type": AuditStatementType,
    "method": SupervisionMethod,
}


def today() -> dt.date:
    return dt.date.today()


def _plain_values(values: dict[str, Any], allowed: frozenset[str]) -> dict[str, Any]:
    """Refuse fields a caller may not set (ids, archive flags); strip text; accept enum values as strings.

    The demo loader and imports pass plain strings for enums, views pass form data.
    """
    unknown = set(values) - allowed
    if unknown:
        raise DomainError(_("These fields cannot be set: %(names)s", names=", ".join(sorted(unknown))))
    out = dict(values)
    for key, enum_cls in _ENUM_FIELDS.items():
        if key in out and out[key] is not None:
            try:
                out[key] = enum_cls(out[key])
            except ValueError:
                raise DomainError(_("Choose one of the listed values."), field=key) from None
    for key in _TEXT_FIELDS & set(out):
        out[key] = (out[key] or "").strip()
    return out


def _not_in_future(values: dict[str, Any], key: str, message: str) -> None:
    value = values.get(key)
    if value is not None and value > today():
        raise DomainError(message, field=key)


# --- vendors ---


def normalise_org_number(value: str | None) -> str | None:
    """Normalise a CVR/VAT number: no spaces, upper case ('dk 1234 5678' -> 'DK12345678'); empty is None."""
    if value is None:
        return None
    cleaned = re.sub(r"\s+", "", value).upper()
    return cleaned or None


def _known_countries(session: Session, codes: Iterable[str]) -> set[str]:
    wanted = {c for c in codes if c}
    if not wanted:
        return set()
    return set(session.scalars(select(Country.code).where(Country.code.in_(wanted))))


def check_vendor(
    session: Session,
    values: dict[str, Any],
    locations: Sequence[Place],
    vendor: Vendor | None,
) -> dict[str, Any]:
    """Validate the domain rules of a vendor; return the values as they will be stored."""
    values = _plain_values(values, VENDOR_FIELDS)
    if "name" in values or vendor is None:
        name = (values.get("name") or "").strip()
        if not name:
            raise DomainError(_("The name is required."), field="name")
        if len(name) > NAME_MAX:
            raise DomainError(_("The name can have at most %(n)s characters.", n=NAME_MAX), field="name")
        values["name"] = name
    if "org_number" in values:
        org_number = normalise_org_number(values["org_number"])
        if org_number is not None and len(org_number) > ORG_NUMBER_MAX:
            raise DomainError(
                _("The organisation number can have at most %(n)s characters.", n=ORG_NUMBER_MAX),
                field="org_number",
            )
        if org_number is not None:
            other = session.scalar(select(Vendor).where(Vendor.org_number == org_number))
            if other is not None and other is not vendor:
                raise DomainError(
                    _(
                        "An organisation number %(n)s already exists, on the vendor %(vendor)s.",
                        n=org_number,
                        vendor=other.name,
                    ),
                    field="org_number",
                )
        values["org_number"] = org_number
    for key in ("country_code", "parent_country_code"):
        if key in values:
            values[key] = (values[key] or "").strip().upper() or None
    codes = [values.get("country_code"), values.get("parent_country_code"), *(p.code for p in locations)]
    known = _known_countries(session, [c for c in codes if c])
    for key in ("country_code", "parent_country_code"):
        code = values.get(key)
        if code and code not in known:
            raise DomainError(_("Unknown country: %(code)s", code=code), field=key)
    for place in locations:
        if place.code is not None and place.code not in known:
            raise DomainError(_("Unknown country: %(code)s", code=place.code), field="locations")
    if "own_purpose_use" in values:
        values["own_purpose_use"] = bool(values["own_purpose_use"])
    if len(values.get("own_purpose_note") or "") > OWN_PURPOSE_NOTE_MAX:
        raise DomainError(_("At most %(n)s characters.", n=OWN_PURPOSE_NOTE_MAX), field="own_purpose_note")
    if vendor is None:
        # A new vendor has not been looked up on the list until the caller says so.
        for key in STATUS_FIELDS:
            values.setdefault(key, DpfStatus.UNKNOWN)
    check_dpf(values, vendor, today())
    _not_in_future(values, "tia_on", _("The transfer impact assessment date cannot be in the future."))
    return values


def create_vendor(
    session: Session, values: dict[str, Any], locations: Sequence[LocationInput] = ()
) -> Vendor:
    """Register a vendor with the countries where it processes data or has support access from.

    ``locations`` are (country, kind) or (country, kind, mechanism); a country of None is one the vendor
    does not disclose.
    """
    cleaned = clean_locations(locations)
    values = check_vendor(session, values, cleaned, None)
    vendor = Vendor()
    with session.no_autoflush:
        assign(vendor, values)
        replace_locations(vendor, cleaned)
        session.add(vendor)
    commit(session, unique_message=_("An organisation number like this already exists."))
    return vendor


def update_vendor(
    session: Session,
    vendor: Vendor,
    values: dict[str, Any],
    locations: Sequence[LocationInput],
    version: int | str | None = None,
) -> Vendor:
    """Change a vendor's facts and replace its set of processing and support countries."""
    check_version(session, vendor, version)
    cleaned = clean_locations(locations)
    values = check_vendor(session, values, cleaned, vendor)
    # One flush, so that one audit entry carries every change of this save.
    with session.no_autoflush:
        assign(vendor, values)
        if replace_locations(vendor, cleaned):
            # The locations live in another table; touch the row so its version moves on and a concurrent
            # editor is told (the audit listener logs the collection change on the vendor itself).
            vendor.updated_at = utcnow()
    commit(session, unique_message=_("An organisation number like this already exists."))
    return vendor


def set_vendor_archived(session: Session, vendor: Vendor, archived: bool) -> None:
    """Archive or restore a vendor (nothing is deleted: decisions and DPIAs may refer to it)."""
    if vendor.is_archived == archived:  # also loads the old value, so the log can show it
        return
    vendor.is_archived = archived
    commit(session)


# --- audit statements ---


def _check_statement(values: dict[str, Any], statement: AuditStatement | None) -> dict[str, Any]:
    values = _plain_values(values, STATEMENT_FIELDS)
    if statement is None and values.get("type") is None:
        raise DomainError(_("The type of statement is required."), field="type")
    start = values.get("period_start", statement.period_start if statement else None)
    end = values.get("period_end", statement.period_end if statement else None)
    if start is not None and end is not None and end < start:
        raise DomainError(_("The period cannot end before it starts."), field="period_end")
    if statement is None and values.get("received_on") is None:
        raise DomainError(_("The date received is required."), field="received_on")
    _not_in_future(values, "received_on", _("The date received cannot be in the future."))
    return values


def add_audit_statement(session: Session, vendor: Vendor, values: dict[str, Any]) -> AuditStatement:
    """Record an auditor's statement received from a vendor."""
    values = _check_statement(values, None)
    statement = AuditStatement(vendor=vendor)
    assign(statement, values)
    session.add(statement)
    commit(session)
    return statement


def update_audit_statement(
    session: Session, statement: AuditStatement, values: dict[str, Any], version: int | str | None = None
) -> AuditStatement:
    check_version(session, statement, version)
    values = _check_statement(values, statement)
    assign(statement, values)
    commit(session)
    return statement


# --- supervision ---


def _check_supervision(values: dict[str, Any], supervision: Supervision | None) -> dict[str, Any]:
    values = _plain_values(values, SUPERVISION_FIELDS)
    if supervision is None and values.get("method") is None:
        raise DomainError(_("The method of supervision is required."), field="method")
    frequency = values.get("frequency_months", supervision.frequency_months if supervision else 12)
    low, high = FREQUENCY_MONTHS
    if frequency is None or not low <= int(frequency) <= high:
        raise DomainError(
            _("The frequency must be between %(low)s and %(high)s months.", low=low, high=high),
            field="frequency_months",
        )
    last = values.get("last_on", supervision.last_on if supervision else None)
    nxt = values.get("next_on", supervision.next_on if supervision else None)
    _not_in_future(values, "last_on", _("The last supervision cannot be in the future."))
    if last is not None and nxt is not None and nxt <= last:
        raise DomainError(_("The next supervision must come after the last one."), field="next_on")
    return values


def add_supervision(session: Session, vendor: Vendor, values: dict[str, Any]) -> Supervision:
    """Add a supervision plan for a processor (method, frequency, last and next supervision)."""
    values = _check_supervision(values, None)
    supervision = Supervision(vendor=vendor)
    assign(supervision, values)
    session.add(supervision)
    commit(session)
    return supervision


def update_supervision(
    session: Session, supervision: Supervision, values: dict[str, Any], version: int | str | None = None
) -> Supervision:
    check_version(session, supervision, version)
    values = _check_supervision(values, supervision)
    assign(supervision, values)
    commit(session)
    return supervision


# --- reading ---


@dataclass
class VendorFilter:
    q: str = ""
    dpf: str = ""
    country: str = ""
    archived: bool = False


def _systems_count() -> Any:
    return (
        select(func.count(System.id))
        .where(System.vendor_id == Vendor.id, System.is_archived.is_(False))
        .correlate(Vendor)
        .scalar_subquery()
    )


SORT_KEYS = ("name", "country", "dpf", "dpf_checked", "systems")


def vendor_list_query(flt: VendorFilter, sort: str, language: str) -> Select[Any]:
    """Vendors matching the filter, sorted by a whitelisted key, with what the list shows eager-loaded."""
    country = aliased(Country, name="sort_country")
    sorts: dict[str, Any] = {
        "name": Vendor.name,
        "country": country.name_da if language == "da" else country.name_en,
        "dpf": Vendor.dpf_status,
        "dpf_checked": Vendor.dpf_checked_on,
        "systems": _systems_count(),
    }
    stmt = (
        select(Vendor)
        .outerjoin(country, country.code == Vendor.country_code)
        .options(
            joinedload(Vendor.country),
            joinedload(Vendor.parent_country),
            selectinload(Vendor.locations).joinedload(ProcessingLocation.country),
        )
    )
    if flt.q:
        # Stored organisation numbers are normalised, so the term is too.
        stmt = stmt.where(
            or_(
                contains(Vendor.name, flt.q),
                contains(Vendor.org_number, normalise_org_number(flt.q) or flt.q),
                contains(Vendor.parent_name, flt.q),
                contains(Vendor.dpf_listed_name, flt.q),
            )
        )
    if flt.dpf in DpfStatus.__members__.values():
        stmt = stmt.where(Vendor.dpf_status == DpfStatus(flt.dpf))
    if flt.country:
        processes_there = (
            select(ProcessingLocation.id)
            .where(
                ProcessingLocation.vendor_id == Vendor.id,
                ProcessingLocation.country_code == flt.country,
                ProcessingLocation.kind == LocationKind.PROCESSING,
            )
            .exists()
        )
        stmt = stmt.where(or_(Vendor.country_code == flt.country, processes_there))
    if not flt.archived:
        stmt = stmt.where(Vendor.is_archived.is_(False))
    key = sort.lstrip("-") if sort.lstrip("-") in sorts else "name"
    column = sorts[key]
    ordered = column.desc() if sort.startswith("-") else column.asc()
    # Name and id break ties so that pages are stable.
    return stmt.order_by(ordered.nulls_last(), Vendor.name, Vendor.id)


def systems_counts(session: Session, vendor_ids: Sequence[int]) -> dict[int, int]:
    """How many (not archived) systems use each vendor, in one query."""
    if not vendor_ids:
        return {}
    rows = session.execute(
        select(System.vendor_id, func.count(System.id))
        .where(System.vendor_id.in_(vendor_ids), System.is_archived.is_(False))
        .group_by(System.vendor_id)
    ).all()
    return {vendor_id: count for vendor_id, count in rows}


def load_vendor(session: Session, vendor_id: int) -> Vendor | None:
    """A vendor with everything its page shows, in a handful of queries."""
    return session.scalar(
        select(Vendor)
        .where(Vendor.id == vendor_id)
        .options(
            joinedload(Vendor.country),
            joinedload(Vendor.parent_country),
            selectinload(Vendor.locations).joinedload(ProcessingLocation.country),
            selectinload(Vendor.audit_statements),
            selectinload(Vendor.supervisions),
            selectinload(Vendor.agreements).joinedload(DataProcessingAgreement.system),
            selectinload(Vendor.sub_processors).options(
                joinedload(SubProcessor.country),
                joinedload(SubProcessor.parent_country),
                selectinload(SubProcessor.locations).joinedload(ProcessingLocation.country),
            ),
        )
    )


def vendor_systems(session: Session, vendor: Vendor) -> Sequence[System]:
    return session.scalars(select(System).where(System.vendor_id == vendor.id).order_by(System.name)).all()


@dataclass
class SubProcessorNode:
    sub_processor: SubProcessor
    children: list[SubProcessorNode] = field(default_factory=list)


def sub_processor_tree(sub_processors: Sequence[SubProcessor]) -> list[SubProcessorNode]:
    """The vendor's sub-processors as a forest following parent links.

    A sub-processor whose parent is archived, belongs elsewhere or is missing becomes a root; a cycle in the
    parent links is cut where it would repeat a node.
    """
    live = [sp for sp in sub_processors if not sp.is_archived]
    ids = {sp.id for sp in live}
    children: dict[int | None, list[SubProcessor]] = {}
    for sp in live:
        parent = sp.parent_id if sp.parent_id in ids else None
        children.setdefault(parent, []).append(sp)
    placed: set[int] = set()

    def build(parent_id: int | None) -> list[SubProcessorNode]:
        nodes = []
        for sp in sorted(children.get(parent_id, []), key=lambda s: s.name.lower()):
            if sp.id in placed:
                continue
            placed.add(sp.id)
            nodes.append(SubProcessorNode(sp, build(sp.id)))
        return nodes

    roots = build(None)
    # Members of a pure cycle have no root; show them at the top level rather than hide them.
    for sp in live:
        if sp.id not in placed:
            placed.add(sp.id)
            roots.append(SubProcessorNode(sp, build(sp.id)))
    return roots


def statement_is_old(statement: AuditStatement, on: dt.date | None = None) -> bool:
    return statement.received_on < (on or today()) - AUDIT_STATEMENT_MAX_AGE


def dpf_check_is_stale(vendor: Vendor, on: dt.date | None = None) -> bool:
    """An active DPF entry that was not checked within 90 days (a certification can lapse)."""
    if vendor.dpf_status != DpfStatus.ACTIVE:
        return False
    return vendor.dpf_checked_on is None or vendor.dpf_checked_on < (on or today()) - DPF_CHECK_MAX_AGE


def dpf_due_is_past(record: Vendor | SubProcessor, on: dt.date | None = None) -> bool:
    """The next certification the list showed as due has passed: the entry may have lapsed since."""
    return record.dpf_due_on is not None and record.dpf_due_on < (on or today())


def supervision_is_overdue(supervision: Supervision, on: dt.date | None = None) -> bool:
    return supervision.next_on is not None and supervision.next_on < (on or today())
