"""What a system's page shows: the system, its sub-processor chain, its countries, its DPAs and the findings
from its vendor's role."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from riskreg.countries.models import CountryList, CountryListEntry, CountryListVersion
from riskreg.enums import CountryListKind, CountryStatus, VendorRole
from riskreg.systems.chain import ChainNode, CountryUse, build_chain, country_uses, walk
from riskreg.systems.models import System
from riskreg.systems.services import today
from riskreg.vendors import roles
from riskreg.vendors.models import DataProcessingAgreement, ProcessingLocation, SubProcessor, Vendor


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
    #: The vendor's role for this system (the system's own where it has one).
    role: VendorRole
    role_findings: list[roles.RoleFinding]

    @property
    def no_dpa(self) -> roles.RoleFinding | None:
        """The finding that the processor has no data processing agreement, if it is one."""
        return next((f for f in self.role_findings if f.kind == roles.RoleFindingKind.NO_DPA), None)


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
        role=roles.role_in_effect(system),
        role_findings=roles.role_findings(session, [system.id]).get(system.id, []),
    )
