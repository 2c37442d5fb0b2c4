"""What a vendor's data-protection role means for a system: the findings it raises (no Flask here).

The role in effect for a system is the system's own ``vendor_role``, else the vendor's ``role``. The rule, one
finding per line, reasons in Danish and English naming the vendor and the rule:

- a **processor** needs a live data processing agreement (GDPR art. 28(3)), for this system or for all of the
  vendor's systems; a sub-processor's agreement is the main processor's, so it raises none;
- an **independent controller** receiving personal data, or any vendor that uses the data or metadata for
  its **own purposes** (Datatilsynet's Chromebook decision of 30 January 2024, j.nr. 2023-431-0001; Region
  Syddanmark's Microsoft 365, 15 February 2024, j.nr. 2023-431-0012), receives a **disclosure**: it needs its
  own legal basis and cannot be covered by a data processing agreement;
- a **joint controller** needs an arrangement under GDPR art. 26, which a data processing agreement is not;
- a vendor that receives **no personal data** raises nothing.

``judge`` is the rule on plain facts; ``role_facts`` reads the facts of many systems in one query and
``role_findings`` turns them into findings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select
from sqlalchemy.orm import Session

from riskreg.catalogue import translate
from riskreg.enums import VendorRole
from riskreg.systems.models import System
from riskreg.vendors.models import DataProcessingAgreement, Vendor
from riskreg.vocabulary import N_


class RoleFindingKind(StrEnum):
    """What is wrong with the vendor's role for a system; the order is the order of severity shown."""

    DISCLOSURE = "disclosure"
    NO_DPA = "no_dpa"
    JOINT_CONTROLLER = "joint_controller"


#: A short title per kind (front page headings, workbook cells, badges).
KIND_TITLES = {
    RoleFindingKind.NO_DPA: N_("Processor without a data processing agreement"),
    RoleFindingKind.DISCLOSURE: N_("Disclosure: needs its own legal basis"),
    RoleFindingKind.JOINT_CONTROLLER: N_("Joint controller: an arrangement under art. 26 is needed"),
}

NO_DPA_TEXT = N_(
    "%(vendor)s is a processor for %(system)s, but no data processing agreement is recorded, neither for "
    "this system nor for all of %(vendor)s's systems: a processor may only process personal data under an "
    "agreement (GDPR art. 28(3))."
)
CONTROLLER_TEXT = N_(
    "%(vendor)s is an independent controller for %(system)s: the personal data it receives is a disclosure, "
    "which needs its own legal basis (GDPR art. 6) and cannot be covered by a data processing agreement."
)
OWN_PURPOSE_TEXT = N_(
    "%(vendor)s uses the data or metadata of %(system)s for its own purposes: that use is a disclosure, "
    "which needs its own legal basis (GDPR art. 6) and cannot be covered by a data processing agreement "
    "(Datatilsynet's Chromebook decision of 30 January 2024, j.nr. 2023-431-0001; Region Syddanmark's "
    "Microsoft 365, 15 February 2024, j.nr. 2023-431-0012)."
)
OWN_PURPOSE_NOTE_TEXT = N_("Recorded own-purpose use: %(note)s")
JOINT_TEXT = N_(
    "%(vendor)s is a joint controller with the municipality for %(system)s: an arrangement under GDPR "
    "art. 26 must set out each party's responsibilities; a data processing agreement is not the instrument."
)

LANGUAGES = ("da", "en")


@dataclass(frozen=True)
class RoleFacts:
    """What the rule reads of one system and its vendor."""

    system_id: int
    system: str
    vendor_id: int
    vendor: str
    role: VendorRole
    own_purpose_use: bool
    own_purpose_note: str
    has_dpa: bool


@dataclass(frozen=True)
class RoleFinding:
    kind: RoleFindingKind
    system_id: int
    system: str
    vendor_id: int
    vendor: str
    role: VendorRole
    reason_da: str
    reason_en: str

    def reason(self, lang: str) -> str:
        return self.reason_da if lang == "da" else self.reason_en

    def title(self, lang: str) -> str:
        return translate(lang, KIND_TITLES[self.kind])


def role_in_effect(system: System) -> VendorRole:
    """The vendor's role for ``system``: the system's own where it has one, else the vendor's."""
    return system.vendor_role or system.vendor.role


def judge(role: VendorRole, own_purpose_use: bool, has_dpa: bool) -> list[RoleFindingKind]:
    """The kinds of finding a role raises, worst first (see the module's docstring for the rule)."""
    if role == VendorRole.NO_PERSONAL_DATA:
        return []
    found = []
    if role == VendorRole.INDEPENDENT_CONTROLLER or own_purpose_use:
        found.append(RoleFindingKind.DISCLOSURE)
    if role == VendorRole.PROCESSOR and not has_dpa:
        found.append(RoleFindingKind.NO_DPA)
    if role == VendorRole.JOINT_CONTROLLER:
        found.append(RoleFindingKind.JOINT_CONTROLLER)
    return found


def reason(lang: str, kind: RoleFindingKind, facts: RoleFacts) -> str:
    """Why ``facts`` raise ``kind``, in ``lang``, naming the vendor, the system and the rule."""
    params = {"vendor": facts.vendor, "system": facts.system}
    if kind == RoleFindingKind.NO_DPA:
        return translate(lang, NO_DPA_TEXT, **params)
    if kind == RoleFindingKind.JOINT_CONTROLLER:
        return translate(lang, JOINT_TEXT, **params)
    parts = []
    if facts.role == VendorRole.INDEPENDENT_CONTROLLER:
        parts.append(translate(lang, CONTROLLER_TEXT, **params))
    if facts.own_purpose_use:
        parts.append(translate(lang, OWN_PURPOSE_TEXT, **params))
        if facts.own_purpose_note.strip():
            parts.append(translate(lang, OWN_PURPOSE_NOTE_TEXT, note=facts.own_purpose_note.strip()))
    return " ".join(parts)


def findings_of(facts: RoleFacts) -> list[RoleFinding]:
    """The findings of one system's facts, worst first."""
    return [
        RoleFinding(
            kind=kind,
            system_id=facts.system_id,
            system=facts.system,
            vendor_id=facts.vendor_id,
            vendor=facts.vendor,
            role=facts.role,
            reason_da=reason("da", kind, facts),
            reason_en=reason("en", kind, facts),
        )
        for kind in judge(facts.role, facts.own_purpose_use, facts.has_dpa)
    ]


# --- set-based reading ----------------------------------------------------------------------------------


def role_column() -> ColumnElement[Any]:
    """The role in effect as a SQL expression over ``System`` joined to its ``Vendor``."""
    return func.coalesce(System.vendor_role, Vendor.role)


def has_dpa_column() -> ColumnElement[bool]:
    """Whether ``System`` has a live DPA with its vendor, for itself or for all the vendor's systems."""
    return exists().where(
        DataProcessingAgreement.vendor_id == System.vendor_id,
        DataProcessingAgreement.is_archived.is_(False),
        or_(DataProcessingAgreement.system_id.is_(None), DataProcessingAgreement.system_id == System.id),
    )


def role_facts_stmt(system_ids: Sequence[int] | Any | None = None) -> Select[Any]:
    """One row of ``RoleFacts`` columns per system (of ``system_ids``, a list or a subquery's select)."""
    stmt = (
        select(
            System.id.label("system_id"),
            System.name.label("system"),
            Vendor.id.label("vendor_id"),
            Vendor.name.label("vendor"),
            role_column().label("role"),
            Vendor.own_purpose_use,
            Vendor.own_purpose_note,
            has_dpa_column().label("has_dpa"),
        )
        .select_from(System)
        .join(Vendor, Vendor.id == System.vendor_id)
    )
    if system_ids is not None:
        stmt = stmt.where(System.id.in_(system_ids))
    return stmt


def facts_of_row(r: Any) -> RoleFacts:
    return RoleFacts(
        system_id=r.system_id,
        system=r.system,
        vendor_id=r.vendor_id,
        vendor=r.vendor,
        role=VendorRole(r.role),
        own_purpose_use=bool(r.own_purpose_use),
        own_purpose_note=r.own_purpose_note or "",
        has_dpa=bool(r.has_dpa),
    )


def role_facts(session: Session, system_ids: Sequence[int] | Any | None = None) -> list[RoleFacts]:
    """The facts of the systems (all without ``system_ids``), in one query, in name order."""
    stmt = role_facts_stmt(system_ids).order_by(func.lower(System.name), System.id)
    return [facts_of_row(r) for r in session.execute(stmt)]


def role_findings(
    session: Session, system_ids: Sequence[int] | Any | None = None
) -> dict[int, list[RoleFinding]]:
    """system id -> its findings (worst first), for the systems that have any; one query."""
    found: dict[int, list[RoleFinding]] = {}
    for facts in role_facts(session, system_ids):
        items = findings_of(facts)
        if items:
            found[facts.system_id] = items
    return found


@dataclass
class KindList:
    """The systems with one kind of finding: how many, and the first of them in name order."""

    count: int = 0
    findings: list[RoleFinding] = field(default_factory=list)


def findings_by_kind(
    session: Session, systems: Select[Any], limit: int | None = None
) -> dict[RoleFindingKind, KindList]:
    """Per kind, how many of the systems ``systems`` selects (a select of ``System``) have it, and the
    findings of the first ``limit`` of them in name order.

    The rule runs in SQL as a filter first, so only systems that have a finding are read (one query); reasons
    are written only for the findings kept.
    """
    role = role_column()
    raises = and_(
        role != VendorRole.NO_PERSONAL_DATA,
        or_(
            role.in_([VendorRole.INDEPENDENT_CONTROLLER, VendorRole.JOINT_CONTROLLER]),
            Vendor.own_purpose_use.is_(True),
            and_(role == VendorRole.PROCESSOR, ~has_dpa_column()),
        ),
    )
    ids = systems.with_only_columns(System.id).join(Vendor, Vendor.id == System.vendor_id).where(raises)
    by_kind = {kind: KindList() for kind in RoleFindingKind}
    stmt = role_facts_stmt(ids).order_by(func.lower(System.name), System.id)
    for r in session.execute(stmt):
        facts = facts_of_row(r)
        for kind in judge(facts.role, facts.own_purpose_use, facts.has_dpa):
            found = by_kind[kind]
            found.count += 1
            if limit is None or len(found.findings) < limit:
                found.findings.extend(f for f in findings_of(facts) if f.kind == kind)
    return by_kind
