"""Vendors and systems for sub-processors and agreements to hang on, and page helpers."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from riskreg.audit import AuditEntry
from riskreg.enums import LocationKind
from riskreg.systems.models import System
from riskreg.vendors.models import ProcessingLocation, Vendor


def make_vendor(session: Session, name: str, country: str = "DK") -> Vendor:
    # Through the models until the vendors area's create_vendor is committed; swap it in then.
    vendor = Vendor(name=name, country_code=country)
    vendor.locations = [ProcessingLocation(country_code=country, kind=LocationKind.PROCESSING)]
    session.add(vendor)
    session.commit()
    return vendor


def make_system(session: Session, vendor: Vendor, name: str) -> System:
    # Through the model until the systems area's create_system lands; swap it in then.
    system = System(name=name, vendor=vendor)
    session.add(system)
    session.commit()
    return system


def audit_entries(session: Session, entity_type: str, entity_id: int) -> list[AuditEntry]:
    return list(
        session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity_type == entity_type, AuditEntry.entity_id == entity_id)
            .order_by(AuditEntry.id)
        )
    )
