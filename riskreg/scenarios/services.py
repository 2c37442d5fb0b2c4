"""Scenarios: the "what if" country lists beside the official one, their overrides, and their impact.

A scenario's newest version holds its *overrides*: those countries take the scenario's status, every other
country keeps its status on the official list in force (``riskreg.transfers.sources``). Reading a scenario's
impact never writes; creating one adds a list and its first version and nothing else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from riskreg.countries.models import CountryList, CountryListEntry, CountryListVersion
from riskreg.countries.services import NOTE_MAX, create_list_version
from riskreg.enums import CountryListKind, CountryStatus
from riskreg.errors import DomainError
from riskreg.transfers import scenario_impact, sources

#: The length of ``CountryList.name``.
NAME_MAX = 120


@dataclass(frozen=True)
class Override:
    code: str
    country: str
    status: CountryStatus


@dataclass(frozen=True)
class ScenarioSummary:
    scenario: CountryList
    #: The version the engine applies on the day; None for a scenario without versions.
    version: CountryListVersion | None
    overrides: list[Override]
    #: How many systems change verdict or outcome today; None when the impact could not be worked out.
    changed: int | None
    #: Why ``changed`` is None (already translated).
    error: str | None = None


def overrides(version: CountryListVersion | None, lang: str) -> list[Override]:
    """A scenario version's entries as overrides, by country name in ``lang``."""
    if version is None:
        return []
    found = [Override(e.country_code, e.country.name(lang), e.status) for e in version.entries]
    return sorted(found, key=lambda o: o.country.casefold())


#: Load a list's versions, their entries and the entries' countries with the list.
WITH_ENTRIES = (
    selectinload(CountryList.versions)
    .selectinload(CountryListVersion.entries)
    .joinedload(CountryListEntry.country)
)


def load_scenario(session: Session, scenario_id: int) -> CountryList | None:
    """A scenario list with its versions and their entries; None for an unknown id or the official list."""
    return session.scalar(
        select(CountryList)
        .where(CountryList.id == scenario_id, CountryList.kind == CountryListKind.SCENARIO)
        .options(WITH_ENTRIES)
    )


def version_applied(session: Session, scenario: CountryList, on: dt.date) -> CountryListVersion | None:
    """The scenario version the engine applies on ``on`` (``sources.scenario_version_id``), as loaded."""
    version_id = sources.scenario_version_id(session, scenario, on)
    return next((v for v in scenario.versions if v.id == version_id), None)


def scenario_overview(session: Session, on: dt.date, lang: str) -> list[ScenarioSummary]:
    """Every scenario with its overrides and how many systems it changes on ``on`` (scenarios are few)."""
    scenarios = session.scalars(
        select(CountryList)
        .where(CountryList.kind == CountryListKind.SCENARIO)
        .options(WITH_ENTRIES)
        .order_by(CountryList.name)
    ).all()
    summaries = []
    for scenario in sorted(scenarios, key=lambda s: s.name.casefold()):
        version = version_applied(session, scenario, on)
        changed: int | None = None
        error = None
        try:
            base = sources.official_source(session, on, lang)
            changed = len(
                scenario_impact.changed_systems(
                    session, base, sources.source_for(session, on, scenario, lang)
                )
            )
        except DomainError as exc:
            error = exc.message
        summaries.append(ScenarioSummary(scenario, version, overrides(version, lang), changed, error))
    return summaries


@dataclass(frozen=True)
class ImpactReport:
    scenario: CountryList
    as_of: dt.date
    base: sources.ListSource
    what_if: sources.ListSource
    changes: list[scenario_impact.VerdictChange]
    overrides: list[Override]


def impact_report(session: Session, scenario: CountryList, as_of: dt.date, lang: str) -> ImpactReport:
    """Which systems the scenario changes on ``as_of`` and why; a DomainError if no list was in force then."""
    base, what_if, changes = scenario_impact.scenario_impact(session, scenario, as_of, lang)
    applied = version_applied(session, scenario, as_of)
    return ImpactReport(scenario, as_of, base, what_if, changes, overrides(applied, lang))


def create_scenario(
    session: Session,
    name: str,
    description: str,
    effective_on: dt.date,
    entries: Mapping[str, CountryStatus],
    *,
    created_by_id: int | None = None,
) -> CountryList:
    """Add a scenario list and its first version (its overrides) in one transaction; nothing on an error."""
    name = (name or "").strip()
    description = (description or "").strip()
    if not name:
        raise DomainError(_("The name is required."), field="name")
    if len(name) > NAME_MAX:
        raise DomainError(_("At most %(n)s characters.", n=NAME_MAX), field="name")
    if len(description) > NOTE_MAX:
        raise DomainError(_("At most %(n)s characters.", n=NOTE_MAX), field="description")
    taken = session.scalar(
        select(func.count()).select_from(CountryList).where(func.lower(CountryList.name) == name.lower())
    )
    if taken:
        raise DomainError(_("There is already a country list called %(name)s.", name=name), field="name")
    if not entries:
        raise DomainError(
            _("Name at least one country and its status under the scenario."), field="overrides"
        )
    scenario = CountryList(name=name, kind=CountryListKind.SCENARIO, description=description)
    session.add(scenario)
    try:
        create_list_version(
            session,
            scenario,
            effective_on,
            description or _("First version of the scenario %(name)s.", name=name),
            {code: (status, "", None, "") for code, status in entries.items()},
            created_by_id=created_by_id,
        )
    except DomainError:
        # create_list_version rolls back a failed commit itself, but not a refusal before it.
        session.rollback()
        raise
    return scenario
