"""Systems: create, update, archive; the register list; what a system page shows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from flask_babel import gettext as _
from sqlalchemy import CompoundSelect, FromClause, Select, case, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from riskreg.countries.models import CountryList, CountryListEntry, CountryListVersion
from riskreg.db import utcnow
from riskreg.dpia.models import Dpia
from riskreg.enums import (
    AiActClass,
    CountryListKind,
    CountryStatus,
    DataCategory,
    DataSubject,
    DpiaState,
    LegalBasis,
    LocationKind,
    Outcome,
    SubjectVolume,
    SystemStatus,
    TransferClass,
)
from riskreg.errors import DomainError
from riskreg.listing import contains
from riskreg.services import assign, check_version, commit
from riskreg.systems.models import Department, System, system_department
from riskreg.transfers import sources, system_verdicts
from riskreg.vendors.models import (
    DataProcessingAgreement,
    ProcessingLocation,
    SubProcessor,
    Vendor,
    subprocessor_system,
)

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
SAFE = frozenset({CountryStatus.EU, CountryStatus.EEA})


def today() -> dt.date:
    return dt.date.today()


# --- changes ------------------------------------------------------------------------------------------------


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


# --- the register list ------------------------------------------------------------------------------------


@dataclass
class SystemFilter:
    q: str = ""
    status: SystemStatus | None = None
    department_id: int | None = None
    vendor_id: int | None = None
    country: str = ""
    archived: bool = False
    verdict: TransferClass | None = None
    outcome: Outcome | None = None


def systems_in_country(country: str) -> CompoundSelect:
    """Ids of systems whose vendor, or a sub-processor applying to the system, touches ``country``.

    A sub-processor applies to the systems it is limited to, or to every system of its vendor when it is
    limited to none; archived sub-processors apply to nothing.
    """
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


#: Sort keys of the list; status sorts in the order a case moves through, not alphabetically.
SORTS: dict[str, Any] = {
    "name": System.name,
    "vendor": Vendor.name,
    "status": case(*((System.status == s, i) for i, s in enumerate(SystemStatus)), else_=len(SystemStatus)),
    "review": System.next_review_on,
    "journal": System.journal_number,
}
#: Sort keys on the verdict row of each system (bound to the verdicts of the page's list in the query).
VERDICT_SORTS = ("verdict", "outcome")
LIST_SORTS: dict[str, Any] = {**SORTS, **dict.fromkeys(VERDICT_SORTS)}


def list_verdicts(source: sources.ListSource | None) -> FromClause:
    """One verdict row per system: stored for today (``source`` None) or computed for ``source``."""
    return system_verdicts.verdicts(source, name="list_verdict")


def _filtered(stmt: Select[Any], flt: SystemFilter, verdicts: FromClause) -> Select[Any]:
    """``stmt`` (System joined to its vendor and verdict row) narrowed by every filter but the verdict."""
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
    if flt.outcome is not None:
        stmt = stmt.where(verdicts.c.outcome == flt.outcome.value)
    return stmt


def _list_order(sort: str, verdicts: FromClause) -> list[Any]:
    """The ORDER BY of the register list for ``sort`` (a leading '-' sorts descending)."""
    sorts = {
        **SORTS,
        "verdict": verdicts.c.severity,
        "outcome": case({o.value: o.severity for o in Outcome}, value=verdicts.c.outcome),
    }
    column = sorts[sort.lstrip("-")]
    order = column.desc() if sort.startswith("-") else column.asc()
    # Systems without a review date go last either way (SQLite and PostgreSQL disagree otherwise).
    return [order.nulls_last(), System.name, System.id]


def _listed(stmt: Select[Any], flt: SystemFilter, verdicts: FromClause) -> Select[Any]:
    """``stmt`` narrowed by every filter of the list, the verdict too."""
    stmt = _filtered(stmt, flt, verdicts)
    if flt.verdict is not None:
        stmt = stmt.where(verdicts.c.verdict == flt.verdict.value)
    return stmt


def system_list_query(flt: SystemFilter, sort: str, source: sources.ListSource | None = None) -> Select[Any]:
    """The systems matching ``flt`` in ``sort`` order, with what the list shows eager-loaded.

    Verdicts are the stored ones when ``source`` is None, else computed under ``source``; a system with no
    verdict row matches no verdict or outcome filter and sorts last by verdict.
    """
    verdicts = list_verdicts(source)
    stmt = _listed(
        select(System)
        .join(System.vendor)
        .outerjoin(verdicts, verdicts.c.system_id == System.id)
        .options(selectinload(System.vendor), selectinload(System.departments)),
        flt,
        verdicts,
    )
    return stmt.order_by(*_list_order(sort, verdicts))


def system_list_rows(flt: SystemFilter, sort: str, source: sources.ListSource | None = None) -> Select[Any]:
    """The rows of ``system_list_query`` as plain columns, for streaming (no ORM object per system).

    Columns: ``system_id``, ``name``, ``journal_number``, ``status``, ``next_review_on``, ``is_archived``,
    ``vendor_id``, ``vendor_name`` and the verdict row's ``verdict``, ``exposure``, ``tia_missing``,
    ``outcome``, ``transfer_count`` (NULL for a system without one). Same filters, same order; callers may
    join more to ``System`` and add columns.
    """
    verdicts = list_verdicts(source)
    stmt = _listed(
        select(
            System.id.label("system_id"),
            System.name,
            System.journal_number,
            System.status,
            System.next_review_on,
            System.is_archived,
            System.vendor_id,
            Vendor.name.label("vendor_name"),
            verdicts.c.verdict,
            verdicts.c.exposure,
            verdicts.c.tia_missing,
            verdicts.c.outcome,
            verdicts.c.transfer_count,
        )
        .select_from(System)
        .join(System.vendor)
        .outerjoin(verdicts, verdicts.c.system_id == System.id),
        flt,
        verdicts,
    )
    return stmt.order_by(*_list_order(sort, verdicts))


def system_list_ids(
    flt: SystemFilter, source: sources.ListSource | None = None, *, sort: str | None = None
) -> Select[Any]:
    """``system_id`` of each system the list shows; with ``sort``, its ``position`` in that order (1, 2, ...).

    The verdicts are joined only when a filter or the sort reads them, so this is cheap as a subquery: its
    ``system_id`` column can be the systems ``classified.transfer_rows`` classifies.
    """
    verdicts = list_verdicts(source)
    stmt = select(System.id.label("system_id")).select_from(System).join(System.vendor)
    by_verdict = sort is not None and sort.lstrip("-") in VERDICT_SORTS
    if flt.verdict is not None or flt.outcome is not None or by_verdict:
        stmt = stmt.outerjoin(verdicts, verdicts.c.system_id == System.id)
    stmt = _listed(stmt, flt, verdicts)
    if sort is None:
        return stmt
    position = func.row_number().over(order_by=_list_order(sort, verdicts))
    return stmt.add_columns(position.label("position"))


def verdict_counts(
    session: Session, flt: SystemFilter, source: sources.ListSource | None = None
) -> dict[TransferClass, int]:
    """How many systems matching every filter of ``flt`` but the verdict have each verdict (one GROUP BY)."""
    verdicts = list_verdicts(source)
    stmt = _filtered(
        select(verdicts.c.verdict, func.count())
        .select_from(System)
        .join(System.vendor)
        .join(verdicts, verdicts.c.system_id == System.id),
        flt,
        verdicts,
    ).group_by(verdicts.c.verdict)
    counts = dict.fromkeys(TransferClass, 0)
    for verdict, n in session.execute(stmt):
        counts[TransferClass(verdict)] += n
    return counts


@dataclass(frozen=True)
class VerdictMark:
    verdict: TransferClass
    outcome: Outcome
    tia_missing: bool


def verdict_marks(
    session: Session, system_ids: Sequence[int], source: sources.ListSource | None = None
) -> dict[int, VerdictMark]:
    """system id -> its verdict, outcome and missing TIA, for the systems on one page (one query)."""
    if not system_ids:
        return {}
    verdicts = system_verdicts.verdicts(source, list(system_ids), name="page_verdict")
    rows = session.execute(
        select(verdicts.c.system_id, verdicts.c.verdict, verdicts.c.outcome, verdicts.c.tia_missing).where(
            verdicts.c.system_id.in_(list(system_ids))
        )
    )
    return {
        sid: VerdictMark(TransferClass(verdict), Outcome(outcome), bool(tia))
        for sid, verdict, outcome, tia in rows
    }


def filter_options(session: Session) -> tuple[list[Department], list[tuple[int, str]]]:
    """Departments and live vendors, for the list's filters and the form's vendor choice."""
    departments = list(session.scalars(select(Department).order_by(Department.name)))
    vendors = [
        (vid, name)
        for vid, name in session.execute(
            select(Vendor.id, Vendor.name).where(Vendor.is_archived.is_(False)).order_by(Vendor.name)
        )
    ]
    return departments, vendors


# --- the sub-processor chain (pure) -------------------------------------------------------------------------


class _HasId(Protocol):
    @property
    def id(self) -> int: ...


class ChainRow(Protocol):
    """What the chain needs of a sub-processor (a loaded ``SubProcessor`` has it)."""

    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def parent_id(self) -> int | None: ...
    @property
    def is_archived(self) -> bool: ...
    @property
    def systems(self) -> Sequence[_HasId]: ...


@dataclass
class ChainNode:
    sub_processor: Any
    # False: the sub-processor does not serve this system itself; it is shown because one below it does.
    applies: bool
    children: list[ChainNode] = field(default_factory=list)


def applies_to(sub_processor: ChainRow, system_id: int) -> bool:
    """A sub-processor serves the systems it is limited to, or every system of its vendor if none."""
    return not sub_processor.systems or any(s.id == system_id for s in sub_processor.systems)


def build_chain(system_id: int, sub_processors: Sequence[ChainRow]) -> list[ChainNode]:
    """The vendor's sub-processors that serve ``system_id`` as a tree following parent links.

    Archived sub-processors are left out and their children move up; a parent that does not serve the
    system stays in (``applies=False``) only to connect one below it that does; a loop of parent links is
    cut where it would repeat a sub-processor. Siblings are sorted by name.
    """
    live = {sp.id: sp for sp in sub_processors if not sp.is_archived}
    below: dict[int | None, list[ChainRow]] = {}
    for sp in live.values():
        parent = sp.parent_id if sp.parent_id in live and sp.parent_id != sp.id else None
        below.setdefault(parent, []).append(sp)
    placed: set[int] = set()

    def node(sp: ChainRow) -> ChainNode | None:
        placed.add(sp.id)
        children = build(sp.id)
        applies = applies_to(sp, system_id)
        return ChainNode(sp, applies, children) if applies or children else None

    def build(parent_id: int | None) -> list[ChainNode]:
        nodes = []
        for sp in sorted(below.get(parent_id, []), key=lambda s: (s.name.lower(), s.id)):
            if sp.id not in placed and (n := node(sp)) is not None:
                nodes.append(n)
        return nodes

    roots = build(None)
    # Members of a pure loop have no root; show them at the top rather than hide them.
    for sp in sorted(live.values(), key=lambda s: (s.name.lower(), s.id)):
        if sp.id not in placed and (n := node(sp)) is not None:
            roots.append(n)
    return roots


def walk(nodes: Sequence[ChainNode]) -> Iterator[ChainNode]:
    """Every node of a chain, parents before their children."""
    for n in nodes:
        yield n
        yield from walk(n.children)


@dataclass
class CountryUse:
    code: str
    name: str
    status: CountryStatus
    processing: bool = False
    support: bool = False
    recipients: list[str] = field(default_factory=list)

    @property
    def is_third_country(self) -> bool:
        return self.status not in SAFE


def country_uses(
    recipients: Sequence[tuple[str, Sequence[ProcessingLocation]]],
    status_of: dict[str, CountryStatus],
    language: str,
) -> list[CountryUse]:
    """Every country where a recipient (name, locations) processes data or has support access.

    A country's status is its status on the list given; a country absent from it has status ``none``.
    Countries outside the EU/EEA come first.
    """
    uses: dict[str, CountryUse] = {}
    for name, locations in recipients:
        for loc in locations:
            use = uses.get(loc.country_code)
            if use is None:
                label = loc.country.name(language) if loc.country is not None else loc.country_code
                status = status_of.get(loc.country_code, CountryStatus.NONE)
                use = uses[loc.country_code] = CountryUse(loc.country_code, label, status)
            if loc.kind == LocationKind.SUPPORT:
                use.support = True
            else:
                use.processing = True
            if name not in use.recipients:
                use.recipients.append(name)
    return sorted(uses.values(), key=lambda u: (not u.is_third_country, u.name.lower()))


# --- the system page ----------------------------------------------------------------------------------------


def official_statuses(session: Session, on: dt.date) -> dict[str, CountryStatus]:
    """code -> status on the official country list version in force on ``on`` (none if there is none)."""
    version_id = (
        select(CountryListVersion.id)
        .join(CountryList, CountryList.id == CountryListVersion.country_list_id)
        .where(CountryList.kind == CountryListKind.OFFICIAL, CountryListVersion.effective_on <= on)
        .order_by(CountryListVersion.effective_on.desc(), CountryList.id)
        .limit(1)
        .scalar_subquery()
    )
    rows = session.execute(
        select(CountryListEntry.country_code, CountryListEntry.status).where(
            CountryListEntry.list_version_id == version_id
        )
    )
    return {code: status for code, status in rows}


def system_agreements(session: Session, system: System) -> list[DataProcessingAgreement]:
    """Live DPAs for this system, or for its vendor as a whole; newest signature first."""
    return list(
        session.scalars(
            select(DataProcessingAgreement)
            .where(
                DataProcessingAgreement.is_archived.is_(False),
                or_(
                    DataProcessingAgreement.system_id == system.id,
                    (DataProcessingAgreement.vendor_id == system.vendor_id)
                    & DataProcessingAgreement.system_id.is_(None),
                ),
            )
            .order_by(DataProcessingAgreement.signed_on.desc().nulls_last(), DataProcessingAgreement.id)
        )
    )


@dataclass
class SystemPicture:
    system: System
    vendor: Vendor
    chain: list[ChainNode]
    countries: list[CountryUse]
    agreements: list[DataProcessingAgreement]


def _locations_with_country() -> Any:
    return joinedload(ProcessingLocation.country)


def system_picture(
    session: Session, system_id: int, language: str, on: dt.date | None = None
) -> SystemPicture | None:
    """Everything the system page shows, with country statuses from the official list in force ``on``."""
    system = session.scalar(
        select(System)
        .where(System.id == system_id)
        .options(
            selectinload(System.vendor).options(
                selectinload(Vendor.locations).options(_locations_with_country()),
                joinedload(Vendor.country),
                joinedload(Vendor.parent_country),
            ),
            selectinload(System.departments),
            selectinload(System._data_subjects),
            selectinload(System._data_categories),
            selectinload(System._legal_bases),
        )
    )
    if system is None:
        return None
    vendor = system.vendor
    subs = session.scalars(
        select(SubProcessor)
        .where(SubProcessor.vendor_id == vendor.id)
        .options(
            selectinload(SubProcessor.locations).options(_locations_with_country()),
            selectinload(SubProcessor.systems),
            joinedload(SubProcessor.country),
            joinedload(SubProcessor.parent_country),
        )
    ).all()
    chain = build_chain(system.id, subs)
    recipients = [(vendor.name, vendor.locations)] + [
        (n.sub_processor.name, n.sub_processor.locations) for n in walk(chain) if n.applies
    ]
    return SystemPicture(
        system=system,
        vendor=vendor,
        chain=chain,
        countries=country_uses(recipients, official_statuses(session, on or today()), language),
        agreements=system_agreements(session, system),
    )
