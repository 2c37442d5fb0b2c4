"""Sub-processors: create, update, archive; their chains, processing countries and the systems they serve."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, aliased, joinedload, selectinload

from riskreg.countries.models import Country
from riskreg.db import utcnow
from riskreg.enums import DpfStatus, LocationKind, TransferMechanism
from riskreg.errors import DomainError
from riskreg.listing import contains
from riskreg.services import assign, check_version, commit
from riskreg.systems.models import System
from riskreg.vendors.dpf_facts import DPF_FIELDS, STATUS_FIELDS, check_dpf
from riskreg.vendors.locations import LocationInput, Place, clean_locations, replace_locations
from riskreg.vendors.models import ProcessingLocation, SubProcessor, Vendor

NAME_MAX = 200
TEXT_MAX = 1000

#: Fields a caller may set; anything else in ``values`` is refused rather than silently stored.
FIELDS = (
    "name",
    "service",
    "country_code",
    "parent_company",
    "parent_country_code",
    "parent_id",
    "transfer_mechanism",
    *DPF_FIELDS,
    "tia_on",
    "source",
    "source_on",
)
_TEXT_FIELDS = ("service", "parent_company", "source")


def today() -> dt.date:
    return dt.date.today()


# --- validation ---------------------------------------------------------------------------------------------


def _check_countries(session: Session, values: dict[str, Any], locations: Sequence[Place]) -> None:
    wanted = {values.get("country_code"), values.get("parent_country_code"), *(p.code for p in locations)}
    wanted.discard(None)
    known = set(session.scalars(select(Country.code).where(Country.code.in_(wanted)))) if wanted else set()
    for key in ("country_code", "parent_country_code"):
        code = values.get(key)
        if code and code not in known:
            raise DomainError(_("Unknown country: %(code)s", code=code), field=key)
    for place in locations:
        # None: a country the sub-processor does not disclose.
        if place.code is not None and place.code not in known:
            target = "support_countries" if place.kind == LocationKind.SUPPORT else "processing_countries"
            raise DomainError(_("Unknown country: %(code)s", code=place.code), field=target)


def _check_parent(session: Session, vendor: Vendor, sp: SubProcessor | None, parent_id: int | None) -> None:
    """The parent must be a sub-processor of the same vendor, and the link must not close a loop."""
    if parent_id is None:
        return
    parent = session.get(SubProcessor, parent_id)
    if parent is None or parent.vendor_id != vendor.id:
        raise DomainError(
            _("The parent must be a sub-processor of %(vendor)s.", vendor=vendor.name), field="parent_id"
        )
    if sp is None:
        return
    seen: set[int] = set()
    node: SubProcessor | None = parent
    while node is not None and node.id not in seen:
        if node.id == sp.id:
            raise DomainError(
                _(
                    "%(parent)s cannot be the parent: it is %(name)s itself or below it in the chain.",
                    parent=parent.name,
                    name=sp.name,
                ),
                field="parent_id",
            )
        seen.add(node.id)
        node = node.parent


def _check_systems(session: Session, vendor: Vendor, system_ids: Sequence[int]) -> list[System]:
    ids = list(dict.fromkeys(int(i) for i in system_ids))
    if not ids:
        return []
    systems = session.scalars(select(System).where(System.id.in_(ids))).all()
    by_id = {s.id: s for s in systems}
    for system_id in ids:
        system = by_id.get(system_id)
        if system is None or system.vendor_id != vendor.id:
            raise DomainError(
                _("A sub-processor can only be limited to systems of %(vendor)s.", vendor=vendor.name),
                field="system_ids",
            )
    return [by_id[i] for i in ids]


def check_sub_processor(
    session: Session,
    vendor: Vendor,
    sp: SubProcessor | None,
    values: dict[str, Any],
    locations: Sequence[LocationInput],
) -> dict[str, Any]:
    """Validate the domain rules of a sub-processor; return the values as they will be stored."""
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise DomainError(_("These fields cannot be set: %(names)s", names=", ".join(sorted(unknown))))
    values = dict(values)
    if "name" in values or sp is None:
        name = (values.get("name") or "").strip()
        if not name:
            raise DomainError(_("The name is required."), field="name")
        if len(name) > NAME_MAX:
            raise DomainError(_("The name can have at most %(n)s characters.", n=NAME_MAX), field="name")
        values["name"] = name
    for key in _TEXT_FIELDS:
        if key in values:
            values[key] = (values[key] or "").strip()
            if len(values[key]) > TEXT_MAX:
                raise DomainError(_("At most %(n)s characters.", n=TEXT_MAX), field=key)
    for key in ("country_code", "parent_country_code"):
        if key in values:
            values[key] = (values[key] or "").strip().upper() or None
    if values.get("transfer_mechanism") is not None:
        values["transfer_mechanism"] = TransferMechanism(values["transfer_mechanism"])
    if sp is None:
        # A new sub-processor has not been looked up on the list until the caller says so.
        for key in STATUS_FIELDS:
            values.setdefault(key, DpfStatus.UNKNOWN)
    check_dpf(values, sp, today())
    for key, message in (
        ("tia_on", _("The transfer impact assessment date cannot be in the future.")),
        ("source_on", _("The date of the source cannot be in the future.")),
    ):
        if values.get(key) is not None and values[key] > today():
            raise DomainError(message, field=key)
    _check_countries(session, values, clean_locations(locations))
    if "parent_id" in values:
        values["parent_id"] = int(values["parent_id"]) if values["parent_id"] else None
        _check_parent(session, vendor, sp, values["parent_id"])
    return values


# --- changes ------------------------------------------------------------------------------------------------


def create_sub_processor(
    session: Session,
    vendor: Vendor,
    values: dict[str, Any],
    locations: Sequence[LocationInput] = (),
    system_ids: Sequence[int] = (),
) -> SubProcessor:
    """Register a sub-processor of ``vendor`` with its processing and support countries (no systems = all).

    ``locations`` are (country, kind) or (country, kind, mechanism); a country of None is one the
    sub-processor does not disclose.
    """
    cleaned = clean_locations(locations)
    values = check_sub_processor(session, vendor, None, values, cleaned)
    systems = _check_systems(session, vendor, system_ids)
    sp = SubProcessor(vendor=vendor)
    assign(sp, values)
    replace_locations(sp, cleaned)
    sp.systems = systems
    session.add(sp)
    commit(session)
    return sp


def update_sub_processor(
    session: Session,
    sp: SubProcessor,
    values: dict[str, Any],
    locations: Sequence[LocationInput],
    system_ids: Sequence[int],
    version: int | str | None = None,
) -> SubProcessor:
    """Change a sub-processor's facts and replace its countries and the systems it is limited to."""
    check_version(session, sp, version)
    cleaned = clean_locations(locations)
    values = check_sub_processor(session, sp.vendor, sp, values, cleaned)
    systems = _check_systems(session, sp.vendor, system_ids)
    # One flush, so that one audit entry carries every change of this save.
    with session.no_autoflush:
        assign(sp, values)
        changed = replace_locations(sp, cleaned)
        if {s.id for s in sp.systems} != {s.id for s in systems}:
            sp.systems = systems
            changed = True
    if changed:
        # Collections live in other tables; touch the row so its version moves on and a concurrent editor
        # is told (the audit listener logs the collection change on the sub-processor itself).
        sp.updated_at = utcnow()
    commit(session)
    return sp


def set_sub_processor_archived(session: Session, sp: SubProcessor, archived: bool) -> None:
    # Read the current value first: on an expired object the log would not know the old one.
    if sp.is_archived == archived:
        return
    sp.is_archived = archived
    commit(session)


# --- reading ------------------------------------------------------------------------------------------------


def warnings(sp: SubProcessor) -> list[str]:
    """What a reader of the page should notice: allowed to store, but not a sound basis as it stands."""
    found = []
    if sp.transfer_mechanism == TransferMechanism.DPF and sp.dpf_status != DpfStatus.ACTIVE:
        found.append(_("The transfer relies on the DPF, but the recipient's DPF status is not active."))
    if sp.transfer_mechanism in (TransferMechanism.SCC, TransferMechanism.BCR) and sp.tia_on is None:
        found.append(_("No transfer impact assessment is recorded for a transfer under SCC or BCR."))
    if not any(loc.kind == LocationKind.PROCESSING for loc in sp.locations):
        found.append(_("No processing country is recorded: the transfer cannot be classified."))
    if any(loc.country_code is None for loc in sp.locations):
        found.append(
            _("The sub-processor processes data in a country it does not disclose: unknown, never safe.")
        )
    return found


@dataclass
class SubProcessorFilter:
    q: str = ""
    vendor_id: int | None = None
    country: str = ""
    mechanism: str = ""
    dpf: str = ""
    archived: bool = False


SORT_KEYS = ("name", "vendor", "country", "mechanism")


def sub_processor_list_query(flt: SubProcessorFilter, sort: str, language: str) -> Select[Any]:
    """Sub-processors of every vendor matching the filter, sorted by a whitelisted key, eager-loaded."""
    country = aliased(Country, name="sort_country")
    sorts: dict[str, Any] = {
        "name": SubProcessor.name,
        "vendor": Vendor.name,
        "country": country.name_da if language == "da" else country.name_en,
        "mechanism": SubProcessor.transfer_mechanism,
    }
    stmt = (
        select(SubProcessor)
        .join(Vendor, Vendor.id == SubProcessor.vendor_id)
        .outerjoin(country, country.code == SubProcessor.country_code)
        .options(
            joinedload(SubProcessor.vendor),
            joinedload(SubProcessor.country),
            joinedload(SubProcessor.parent),
            selectinload(SubProcessor.locations).joinedload(ProcessingLocation.country),
        )
    )
    if flt.q:
        stmt = stmt.where(
            or_(
                contains(SubProcessor.name, flt.q),
                contains(SubProcessor.service, flt.q),
                contains(SubProcessor.parent_company, flt.q),
            )
        )
    if flt.vendor_id is not None:
        stmt = stmt.where(SubProcessor.vendor_id == flt.vendor_id)
    if flt.country:
        processes_there = (
            select(ProcessingLocation.id)
            .where(
                ProcessingLocation.sub_processor_id == SubProcessor.id,
                ProcessingLocation.country_code == flt.country,
                ProcessingLocation.kind == LocationKind.PROCESSING,
            )
            .exists()
        )
        stmt = stmt.where(or_(SubProcessor.country_code == flt.country, processes_there))
    if flt.mechanism in TransferMechanism.__members__.values():
        stmt = stmt.where(SubProcessor.transfer_mechanism == TransferMechanism(flt.mechanism))
    if flt.dpf in DpfStatus.__members__.values():
        stmt = stmt.where(SubProcessor.dpf_status == DpfStatus(flt.dpf))
    if not flt.archived:
        stmt = stmt.where(SubProcessor.is_archived.is_(False))
    key = sort.lstrip("-") if sort.lstrip("-") in sorts else "name"
    column = sorts[key]
    ordered = column.desc() if sort.startswith("-") else column.asc()
    # Name and id break ties so that pages are stable.
    return stmt.order_by(ordered.nulls_last(), SubProcessor.name, SubProcessor.id)


def vendor_options(session: Session) -> list[tuple[int, str]]:
    return [
        (i, n) for i, n in session.execute(select(Vendor.id, Vendor.name).order_by(Vendor.name, Vendor.id))
    ]


def load_sub_processor(session: Session, sub_processor_id: int) -> SubProcessor | None:
    """A sub-processor with what its page shows."""
    return session.scalar(
        select(SubProcessor)
        .where(SubProcessor.id == sub_processor_id)
        .options(
            joinedload(SubProcessor.vendor),
            joinedload(SubProcessor.country),
            joinedload(SubProcessor.parent_country),
            selectinload(SubProcessor.locations).joinedload(ProcessingLocation.country),
            selectinload(SubProcessor.systems),
        )
    )


def vendor_sub_processors(session: Session, vendor_id: int) -> Sequence[SubProcessor]:
    """Every sub-processor of a vendor (archived too), one query: chains are walked in memory."""
    return session.scalars(
        select(SubProcessor)
        .where(SubProcessor.vendor_id == vendor_id)
        .options(selectinload(SubProcessor.locations))
        .order_by(SubProcessor.name, SubProcessor.id)
    ).all()


@dataclass
class ChainNode:
    sub_processor: SubProcessor
    children: list[ChainNode] = field(default_factory=list)


@dataclass
class Chain:
    """Where a sub-processor sits: its ancestors (nearest first) and the tree below it."""

    ancestors: list[SubProcessor]
    children: list[ChainNode]


def chain_of(sp: SubProcessor, siblings: Sequence[SubProcessor]) -> Chain:
    """Walk the parent links up and down among ``siblings`` (the vendor's sub-processors); loops are cut."""
    by_id = {s.id: s for s in siblings}
    ancestors: list[SubProcessor] = []
    seen = {sp.id}
    parent_id = sp.parent_id
    while parent_id is not None and parent_id in by_id and parent_id not in seen:
        parent = by_id[parent_id]
        ancestors.append(parent)
        seen.add(parent_id)
        parent_id = parent.parent_id
    below: dict[int, list[SubProcessor]] = {}
    for s in siblings:
        if s.parent_id is not None:
            below.setdefault(s.parent_id, []).append(s)
    placed = {sp.id}

    def build(node_id: int) -> list[ChainNode]:
        nodes = []
        for child in below.get(node_id, []):
            if child.id in placed:
                continue
            placed.add(child.id)
            nodes.append(ChainNode(child, build(child.id)))
        return nodes

    return Chain(ancestors=ancestors, children=build(sp.id))


def descendant_ids(sp: SubProcessor, siblings: Sequence[SubProcessor]) -> set[int]:
    """Ids of ``sp`` and everything below it: none of them can become its parent."""
    ids = {sp.id}

    def walk(nodes: list[ChainNode]) -> None:
        for node in nodes:
            ids.add(node.sub_processor.id)
            walk(node.children)

    walk(chain_of(sp, siblings).children)
    return ids


def vendor_systems(session: Session, vendor_id: int) -> Sequence[System]:
    return session.scalars(
        select(System).where(System.vendor_id == vendor_id).order_by(System.name, System.id)
    ).all()
