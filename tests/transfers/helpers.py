"""Records for the transfer engine's tests, built through the real services; readers of the stored rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from riskreg.countries.models import CountryList, CountryListEntry, CountryListVersion
from riskreg.enums import CountryListKind, CountryStatus, LocationKind
from riskreg.systems.models import System
from riskreg.transfers import classified, sources
from riskreg.transfers.models import SystemAssessment
from riskreg.vendors.models import SubProcessor, Vendor

P, SUPPORT = LocationKind.PROCESSING, LocationKind.SUPPORT


# --- building records through the services ------------------------------------------------------------------


def update_sub(
    session: Session,
    sp: SubProcessor,
    locations: Sequence[tuple[str, LocationKind]] | None = None,
    **values: Any,
) -> SubProcessor:
    """Change some facts of a sub-processor through the service, keeping what is not given."""
    from riskreg.subprocessors.services import update_sub_processor

    if locations is None:
        locations = [(loc.country_code, loc.kind) for loc in sp.locations]
    return update_sub_processor(session, sp, values, locations, [s.id for s in sp.systems])


def update_vendor(
    session: Session,
    vendor: Vendor,
    locations: Sequence[tuple[str, LocationKind]] | None = None,
    **values: Any,
) -> Vendor:
    from riskreg.vendors import services

    if locations is None:
        locations = [(loc.country_code, loc.kind) for loc in vendor.locations]
    return services.update_vendor(session, vendor, values, locations)


def by_name(session: Session, model: Any, name: str) -> Any:
    return session.scalars(select(model).where(model.name == name)).one()


# --- the official list ------------------------------------------------------------------------------------


def official_list(session: Session) -> CountryList:
    return session.scalars(select(CountryList).where(CountryList.kind == CountryListKind.OFFICIAL)).one()


def statuses_on(session: Session, on: dt.date) -> dict[str, CountryStatus]:
    """code -> status in the official version in force on ``on`` (read without the engine)."""
    version = max(
        (v for v in official_list(session).versions if v.effective_on <= on), key=lambda v: v.effective_on
    )
    return {e.country_code: e.status for e in version.entries}


def new_official_version(
    session: Session, effective_on: dt.date, changes: dict[str, CountryStatus], note: str = "Test"
) -> CountryListVersion:
    """A new official version through the service: the version in force then, with ``changes``."""
    from riskreg.countries.services import create_list_version, list_version_in_force

    official = official_list(session)
    base = list_version_in_force(session, official.id, effective_on)
    assert base is not None
    entries = {e.country_code: (e.status, e.decision_ref, e.decision_on, e.scope_note) for e in base.entries}
    for code, status in changes.items():
        _s, ref, on, note_ = entries.get(code, (status, "", None, ""))
        entries[code] = (status, ref, on, note_)
    return create_list_version(session, official, effective_on, note, entries)


def first_official_day(session: Session) -> dt.date:
    return min(v.effective_on for v in official_list(session).versions)


# --- what is stored -----------------------------------------------------------------------------------------


def stored(session: Session) -> dict[int, tuple[Any, ...]]:
    """system id -> the stored verdict row (verdict, outcome, exposure, TIA missing, number of transfers)."""
    session.expire_all()
    return {
        a.system_id: (a.verdict, a.outcome, a.exposure, a.tia_missing, a.transfer_count)
        for a in session.scalars(select(SystemAssessment))
    }


def current_transfers(session: Session) -> list[tuple[Any, ...]]:
    """Every transfer under today's official list, as comparable tuples (computed, not stored)."""
    rows = session.execute(classified.transfer_rows(sources.official_source(session, sources.today())))
    return sorted(
        (
            t.system_id,
            t.vendor_id,
            t.sub_processor_id or 0,
            t.country_code or "",
            str(t.location_kind),
            t.rule,
        )
        for t in rows
    )


def official_entries(session: Session) -> list[tuple[Any, ...]]:
    """Every entry of every official version, to compare before and after something that must not touch it."""
    rows = session.execute(
        select(
            CountryListVersion.id,
            CountryListVersion.effective_on,
            CountryListEntry.country_code,
            CountryListEntry.status,
            CountryListEntry.decision_ref,
        )
        .join(CountryList, CountryList.id == CountryListVersion.country_list_id)
        .join(CountryListEntry, CountryListEntry.list_version_id == CountryListVersion.id)
        .where(CountryList.kind == CountryListKind.OFFICIAL)
        .order_by(CountryListVersion.id, CountryListEntry.country_code)
    )
    return [tuple(r) for r in rows]


def verdict_of(session: Session, system: System) -> Any:
    return stored(session)[system.id][0]


def today() -> dt.date:
    return sources.today()
