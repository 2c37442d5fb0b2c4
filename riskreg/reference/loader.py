"""Load the reference data shipped with riskreg: countries, the first official list, jurisdiction exposure.

Idempotent: run after every ``riskreg db upgrade``. It adds what is missing and never overwrites what users
have changed since (the official list is then kept by new versions made in the app).
"""

from __future__ import annotations

import csv
import datetime as dt
import gettext
from dataclasses import dataclass
from importlib import resources

import pycountry
from sqlalchemy import select
from sqlalchemy.orm import Session

from riskreg.countries.models import (
    Country,
    CountryList,
    CountryListEntry,
    CountryListVersion,
    JurisdictionExposure,
)
from riskreg.enums import CountryListKind, CountryStatus, ExposureLevel
from riskreg.reference.measures import sync_measures

OFFICIAL_LIST_NAME = "Officiel liste over sikre tredjelande"
DPF_INVALIDATED = "DPF invalidated"
_STATUS = {"partial_adequacy": CountryStatus.PARTIAL}


@dataclass(frozen=True)
class ListRow:
    code: str
    name_en: str
    name_da: str
    status: CountryStatus
    decision_ref: str
    decision_on: dt.date | None
    scope_note: str


def _read_csv(name: str) -> list[dict[str, str]]:
    text = resources.files("riskreg.reference").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def adequacy_rows() -> list[ListRow]:
    """The official list as shipped (statuses and decision references as of November 2026)."""
    return [
        ListRow(
            code=r["iso2"],
            name_en=r["name_en"],
            name_da=r["name_da"],
            status=_STATUS.get(r["status"]) or CountryStatus(r["status"]),
            decision_ref=r["decision_ref"],
            decision_on=dt.date.fromisoformat(r["decision_date"]) if r["decision_date"] else None,
            scope_note=r["scope_note"],
        )
        for r in _read_csv("adequacy_list.csv")
    ]


def country_names() -> dict[str, tuple[str, str]]:
    """code -> (English name, Danish name) for every ISO 3166 country, from pycountry and its translations."""
    danish = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["da"], fallback=True)
    names = {}
    for c in pycountry.countries:
        english = getattr(c, "common_name", None) or c.name
        names[c.alpha_2] = (english, danish.gettext(c.name))
    # The curated list names read better (and carry the EPO, which is no ISO country).
    for row in adequacy_rows():
        names[row.code] = (row.name_en, row.name_da)
    return names


def sync_countries(session: Session) -> int:
    existing = set(session.scalars(select(Country.code)))
    added = 0
    for code, (en, da) in sorted(country_names().items()):
        if code not in existing:
            session.add(Country(code=code, name_en=en, name_da=da))
            added += 1
    session.flush()
    return added


def sync_official_list(session: Session) -> bool:
    """Create the official list with its first version if there is none yet."""
    if session.scalar(select(CountryList).where(CountryList.kind == CountryListKind.OFFICIAL)) is not None:
        return False
    rows = adequacy_rows()
    # The shipped version is in force from the newest decision it contains.
    effective_on = max(r.decision_on for r in rows if r.decision_on is not None)
    official = CountryList(
        name=OFFICIAL_LIST_NAME,
        kind=CountryListKind.OFFICIAL,
        description="EU/EEA and the Commission's adequacy decisions in force (shipped with riskreg).",
    )
    version = CountryListVersion(
        country_list=official,
        effective_on=effective_on,
        note="Shipped with riskreg: statuses and decision references as of November 2026.",
    )
    version.entries = [
        CountryListEntry(
            country_code=r.code,
            status=r.status,
            decision_ref=r.decision_ref,
            decision_on=r.decision_on,
            scope_note=r.scope_note,
        )
        for r in rows
    ]
    session.add(official)
    session.flush()
    return True


def sync_scenarios(session: Session) -> int:
    """Add the preset scenario *DPF invalidated* (United States: partial -> none) if it is missing.

    A scenario's entries override the official list in force; countries it does not name keep their status.
    """
    if session.scalar(select(CountryList).where(CountryList.name == DPF_INVALIDATED)) is not None:
        return 0
    official = session.scalar(select(CountryList).where(CountryList.kind == CountryListKind.OFFICIAL))
    first = min((v.effective_on for v in official.versions), default=None) if official else None
    scenario = CountryList(
        name=DPF_INVALIDATED,
        kind=CountryListKind.SCENARIO,
        description=(
            "Hvad hvis EU-Domstolen annullerer Data Privacy Framework (Schrems III, appelsag C-703/25 P)? "
            "USA mister den delvise tilstrækkelighed: DPF-modtagere skal have SCC eller BCR med TIA."
        ),
    )
    version = CountryListVersion(
        country_list=scenario,
        effective_on=first or dt.date(2026, 1, 26),
        note="Preset shipped with riskreg: the United States without the Data Privacy Framework.",
    )
    version.entries = [
        CountryListEntry(
            country_code="US",
            status=CountryStatus.NONE,
            decision_ref="Scenario: Commission Implementing Decision (EU) 2023/1795 annulled",
            scope_note=(
                "As after Schrems II (C-311/18, 16 July 2020): no grace period; US recipients need "
                "SCC 2021/914 or BCR with a transfer impact assessment and supplementary measures."
            ),
        )
    ]
    session.add(scenario)
    session.flush()
    return 1


def sync_exposure(session: Session) -> int:
    existing = set(session.scalars(select(JurisdictionExposure.country_code)))
    added = 0
    for r in _read_csv("exposure.csv"):
        if r["country_code"] in existing:
            continue
        session.add(
            JurisdictionExposure(
                country_code=r["country_code"],
                level=ExposureLevel(r["level"]),
                laws=r["laws"].split("|"),
                note=r["note"],
            )
        )
        added += 1
    session.flush()
    return added


def load_reference_data(session: Session) -> dict[str, int]:
    """Add missing reference data; commit; return what was added."""
    result = {
        "countries": sync_countries(session),
        "official_list": int(sync_official_list(session)),
        "exposure": sync_exposure(session),
        "scenarios": sync_scenarios(session),
        "measures": sync_measures(session),
    }
    session.commit()
    return result
