"""Each system's transfers and exposure in detail, with their reasons in Danish and English (no Flask here).

``assess`` gives the detail for some systems or all, read from ``riskreg.transfers.classified``; the
``Assessment`` it returns judges the system by ``riskreg.transfers.rules`` as the SQL verdicts do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased

from riskreg.countries.models import JurisdictionExposure, country_names
from riskreg.enums import (
    DpfStatus,
    EntityRole,
    ExposureLevel,
    LocationKind,
    Outcome,
    TransferClass,
    TransferMechanism,
)
from riskreg.systems.models import System
from riskreg.transfers import rules
from riskreg.transfers.classified import exposure_rows, transfer_rows
from riskreg.transfers.sources import ListSource
from riskreg.vendors.models import SubProcessor, Vendor


@dataclass
class TransferFinding:
    recipient: str
    vendor_id: int
    sub_processor_id: int | None
    country_code: str | None
    country_names: dict[str, str]  # language -> the country's name (empty when no country is known)
    kind: LocationKind | None
    mechanism: TransferMechanism
    dpf_status: DpfStatus
    tia_on: dt.date | None
    klass: TransferClass
    rule: str
    reason_da: str
    reason_en: str
    #: The facts the DPF rules read besides: the recipient entity's country, the listing's HR coverage, and
    #: whether the system is an HR system.
    location_id: int | None = None  # None: the recipient has no location recorded at all
    entity_country: str | None = None
    dpf_covers_hr: bool | None = None
    hr_system: bool = False

    @property
    def tia_missing(self) -> bool:
        return rules.needs_tia(self.klass, self.tia_on)

    def reason(self, lang: str) -> str:
        return self.reason_da if lang == "da" else self.reason_en

    def country(self, lang: str) -> str | None:
        return self.country_names.get(lang)


@dataclass
class ExposureItem:
    entity: str
    role: EntityRole
    vendor_id: int
    sub_processor_id: int | None
    country_code: str
    country_names: dict[str, str]  # language -> the country's name
    level: ExposureLevel
    laws: list[str]
    reason_da: str
    reason_en: str
    #: The rules that found it: the entity's (or parent's) country, and the recipient's locations there.
    via_entity: bool = True
    locations: frozenset[LocationKind] = frozenset()

    def reason(self, lang: str) -> str:
        return self.reason_da if lang == "da" else self.reason_en

    def country(self, lang: str) -> str | None:
        return self.country_names.get(lang)


@dataclass
class Assessment:
    system_id: int
    system: str
    transfers: list[TransferFinding] = field(default_factory=list)
    exposure: list[ExposureItem] = field(default_factory=list)

    @property
    def verdict(self) -> TransferClass:
        return rules.verdict(t.klass for t in self.transfers)

    @property
    def worst_exposure(self) -> ExposureLevel | None:
        return max((e.level for e in self.exposure), key=lambda lv: lv.severity, default=None)

    @property
    def tia_missing(self) -> bool:
        return any(t.tia_missing for t in self.transfers)

    @property
    def outcome(self) -> Outcome:
        return rules.outcome(self.verdict, self.worst_exposure, self.tia_missing)


def assess(session: Session, source: ListSource, system_ids: Sequence[int] | None = None) -> list[Assessment]:
    """Each system's transfers with their reasons in Danish and English, and its exposure findings.

    Systems are in name order; the transfers of a system are worst first, then by recipient and country.
    """
    rows = transfer_rows(source, system_ids).subquery()
    vendor, sub = aliased(Vendor), aliased(SubProcessor)
    stmt = (
        select(
            rows,
            System.name.label("system_name"),
            vendor.name.label("vendor_name"),
            sub.name.label("sub_name"),
        )
        .join(System, System.id == rows.c.system_id)
        .join(vendor, vendor.id == rows.c.vendor_id)
        .outerjoin(sub, sub.id == rows.c.sub_processor_id)
    )
    names = {lang: country_names(session, lang) for lang in ("da", "en")}
    labels = {lang: source.label(lang) for lang in ("da", "en")}
    by_system: dict[int, Assessment] = {}
    for r in session.execute(stmt):
        a = by_system.get(r.system_id)
        if a is None:
            a = by_system[r.system_id] = Assessment(r.system_id, r.system_name)
        a.transfers.append(_finding(r, names, labels))
    _add_exposure(session, by_system, system_ids, names)
    for a in by_system.values():
        a.transfers.sort(
            key=lambda t: (
                -t.klass.severity,
                t.sub_processor_id is not None,
                t.recipient.lower(),
                t.country_code or "",
            )
        )
    return sorted(by_system.values(), key=lambda a: (a.system.lower(), a.system_id))


def _finding(r: Any, names: dict[str, dict[str, str]], labels: dict[str, str]) -> TransferFinding:
    """A classified row with its reason in Danish and English."""
    recipient = r.sub_name if r.sub_processor_id is not None else r.vendor_name
    rule = rules.RULES_BY_ID[r.rule]
    kind = LocationKind(r.location_kind) if r.location_kind is not None else None
    mechanism, dpf = TransferMechanism(r.mechanism), DpfStatus(r.dpf_status)
    countries = (
        {lang: names[lang].get(r.country_code, r.country_code) for lang in names} if r.country_code else {}
    )
    reasons = {}
    for lang in ("da", "en"):
        facts = rules.ReasonFacts(
            recipient, countries.get(lang), labels[lang], mechanism, dpf, kind, r.tia_on
        )
        reasons[lang] = rules.reason(lang, rule, facts)
    return TransferFinding(
        recipient=recipient,
        vendor_id=r.vendor_id,
        sub_processor_id=r.sub_processor_id,
        location_id=r.location_id,
        country_code=r.country_code,
        country_names=countries,
        kind=kind,
        mechanism=mechanism,
        dpf_status=dpf,
        tia_on=r.tia_on,
        klass=TransferClass(r.klass),
        rule=r.rule,
        reason_da=reasons["da"],
        reason_en=reasons["en"],
        entity_country=r.entity_country,
        dpf_covers_hr=r.dpf_covers_hr,
        hr_system=bool(r.hr_system),
    )


def exposure_entities(system_ids: Sequence[int] | Any | None = None) -> Select[Any]:
    """The exposure rows (``exposure_rows``) with the names of the vendor, its parent, the sub-processor and
    its parent, so that ``exposed_entity`` can name who is exposed."""
    exp = exposure_rows(system_ids).subquery()
    vendor, sub = aliased(Vendor), aliased(SubProcessor)
    return (
        select(
            exp,
            vendor.name.label("vendor_name"),
            vendor.parent_name,
            sub.name.label("sub_name"),
            sub.parent_company,
        )
        .join(vendor, vendor.id == exp.c.vendor_id)
        .outerjoin(sub, sub.id == exp.c.sub_processor_id)
    )


def exposed_entity(r: Any) -> str:
    """The entity an ``exposure_entities`` row is about: the parent when the exposure is the parent's, else
    the recipient (found by its own country or by where it processes data or has support access)."""
    return {
        EntityRole.VENDOR: r.vendor_name,
        EntityRole.VENDOR_PARENT: r.parent_name or r.vendor_name,
        EntityRole.SUB_PROCESSOR: r.sub_name,
        EntityRole.SUB_PROCESSOR_PARENT: r.parent_company or r.sub_name,
        EntityRole.VENDOR_LOCATION: r.vendor_name,
        EntityRole.SUB_PROCESSOR_LOCATION: r.sub_name,
    }[EntityRole(r.role)]


def exposure_locations(r: Any) -> frozenset[LocationKind]:
    """The kinds of location in the country through which an ``exposure_rows`` row's recipient is exposed."""
    found = ((LocationKind.PROCESSING, r.via_processing), (LocationKind.SUPPORT, r.via_support))
    return frozenset(kind for kind, via in found if via)


def _add_exposure(
    session: Session,
    by_system: dict[int, Assessment],
    system_ids: Sequence[int] | None,
    names: dict[str, dict[str, str]],
) -> None:
    rows = exposure_entities(system_ids).subquery()
    stmt = (
        select(rows, JurisdictionExposure.laws)
        .join(JurisdictionExposure, JurisdictionExposure.country_code == rows.c.country_code)
        .order_by(rows.c.system_id, rows.c.severity.desc(), rows.c.role)
    )
    for r in session.execute(stmt):
        a = by_system.get(r.system_id)
        if a is None:  # pragma: no cover - every system has its vendor as a transfer
            continue
        role = EntityRole(r.role)
        entity = exposed_entity(r)
        laws = list(r.laws or [])
        countries = {lang: names[lang].get(r.country_code, r.country_code) for lang in names}
        kinds = exposure_locations(r)
        reasons = {
            lang: rules.exposure_reason(lang, entity, role, countries[lang], laws, kinds) for lang in names
        }
        a.exposure.append(
            ExposureItem(
                entity=entity,
                role=role,
                vendor_id=r.vendor_id,
                sub_processor_id=r.sub_processor_id,
                country_code=r.country_code,
                country_names=countries,
                level=ExposureLevel(r.level),
                laws=laws,
                reason_da=reasons["da"],
                reason_en=reasons["en"],
                via_entity=bool(r.via_entity),
                locations=kinds,
            )
        )
