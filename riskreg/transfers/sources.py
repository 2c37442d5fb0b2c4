"""Which list the register is judged against: the official version in force on a date, and a scenario on top.

No Flask here. A scenario only overrides some countries; every other country keeps its status on the official
list in force (``source_for``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from riskreg.catalogue import format_day, translate
from riskreg.countries.models import CountryList, CountryListVersion
from riskreg.enums import CountryListKind
from riskreg.errors import DomainError
from riskreg.vocabulary import N_


def today() -> dt.date:
    return dt.date.today()


@dataclass(frozen=True)
class ListSource:
    """The official list version in force on ``as_of``, and optionally a scenario's overrides on top of it."""

    as_of: dt.date
    official_version_id: int
    official_name: str
    official_effective_on: dt.date
    scenario_version_id: int | None = None
    scenario_name: str | None = None

    def label(self, lang: str) -> str:
        text = translate(
            lang,
            N_("%(list)s, version in force from %(date)s"),
            list=self.official_name,
            date=format_day(lang, self.official_effective_on),
        )
        if self.scenario_name is not None:
            text = translate(
                lang, N_("%(list)s with the scenario %(scenario)s"), list=text, scenario=self.scenario_name
            )
        return text


def official_source(session: Session, as_of: dt.date, lang: str = "da") -> ListSource:
    """The official list in force on ``as_of``; a DomainError if no version was in force then."""
    row = session.execute(
        select(CountryListVersion.id, CountryListVersion.effective_on, CountryList.name)
        .join(CountryList, CountryList.id == CountryListVersion.country_list_id)
        .where(CountryList.kind == CountryListKind.OFFICIAL, CountryListVersion.effective_on <= as_of)
        .order_by(CountryListVersion.effective_on.desc(), CountryList.id)
        .limit(1)
    ).first()
    if row is None:
        first = session.scalar(
            select(func.min(CountryListVersion.effective_on))
            .join(CountryList, CountryList.id == CountryListVersion.country_list_id)
            .where(CountryList.kind == CountryListKind.OFFICIAL)
        )
        if first is None:
            raise DomainError(
                translate(lang, N_("There is no official country list. Run 'riskreg db upgrade'."))
            )
        raise DomainError(
            translate(
                lang,
                N_(
                    "No version of the official list was in force on %(date)s; "
                    "the first is in force from %(first)s."
                ),
                date=format_day(lang, as_of),
                first=format_day(lang, first),
            )
        )
    return ListSource(
        as_of=as_of,
        official_version_id=row.id,
        official_name=row.name,
        official_effective_on=row.effective_on,
    )


def scenario_lists(session: Session) -> list[CountryList]:
    return list(
        session.scalars(
            select(CountryList).where(CountryList.kind == CountryListKind.SCENARIO).order_by(CountryList.name)
        )
    )


def find_scenario(session: Session, name_or_id: str | int, lang: str = "da") -> CountryList:
    """A scenario list by id or by name (case-insensitive); a DomainError naming the scenarios there are."""
    stmt = select(CountryList).where(CountryList.kind == CountryListKind.SCENARIO)
    if isinstance(name_or_id, int):
        found = session.scalar(stmt.where(CountryList.id == name_or_id))
    else:
        found = session.scalar(stmt.where(func.lower(CountryList.name) == name_or_id.strip().lower()))
    if found is None:
        names = ", ".join(s.name for s in scenario_lists(session)) or "-"
        raise DomainError(
            translate(
                lang, N_("No scenario called %(name)s. Scenarios: %(names)s."), name=name_or_id, names=names
            )
        )
    return found


def scenario_version_id(session: Session, scenario: CountryList, as_of: dt.date) -> int | None:
    """The scenario's version in force on ``as_of``, else its first one (None if it has no version)."""
    versions = select(CountryListVersion.id).where(CountryListVersion.country_list_id == scenario.id)
    return session.scalar(
        versions.where(CountryListVersion.effective_on <= as_of)
        .order_by(CountryListVersion.effective_on.desc())
        .limit(1)
    ) or session.scalar(versions.order_by(CountryListVersion.effective_on).limit(1))


def source_for(
    session: Session, as_of: dt.date, scenario: CountryList | None = None, lang: str = "da"
) -> ListSource:
    """The official list in force on ``as_of``, with ``scenario``'s overrides on top of it.

    The scenario's version is the one in force on ``as_of`` too; a scenario made after that date applies its
    first version (a what-if is a question about any date).
    """
    source = official_source(session, as_of, lang)
    if scenario is None:
        return source
    version_id = scenario_version_id(session, scenario, as_of)
    if version_id is None:
        raise DomainError(
            translate(lang, N_("The scenario %(name)s has no version yet."), name=scenario.name)
        )
    return ListSource(
        as_of=source.as_of,
        official_version_id=source.official_version_id,
        official_name=source.official_name,
        official_effective_on=source.official_effective_on,
        scenario_version_id=version_id,
        scenario_name=scenario.name,
    )
