"""Which list a page classifies against (as of a date, with a scenario); a system's Transfers tab. No Flask.

The pages take the date and the scenario as text from the query string; a bad date, a date before the first
official version or an unknown scenario falls back to today's official list with a message for the reader,
never an error page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from riskreg.catalogue import translate
from riskreg.countries.models import CountryList
from riskreg.errors import DomainError
from riskreg.systems.models import System
from riskreg.transfers import findings, sources, system_verdicts
from riskreg.vocabulary import N_


@dataclass
class SourceChoice:
    """The list a page uses, what the reader asked for, and why it differs if it does."""

    source: sources.ListSource | None  # None: not even today's official list exists
    as_of: dt.date
    scenario: CountryList | None
    scenarios: list[CountryList]
    asked_on: dt.date | None  # the date the reader asked for, if it is the one used
    messages: list[str] = field(default_factory=list)
    #: False when a list version took effect since the stored verdicts were written (until the next commit).
    stored_is_current: bool = True

    @property
    def is_computed(self) -> bool:
        """Pages compute instead of reading stored rows: a date or a scenario was asked for and used, or the
        stored rows are not of today's list yet (reading never writes them)."""
        asked = self.asked_on is not None or self.scenario is not None
        return self.source is not None and (asked or not self.stored_is_current)

    @property
    def scenario_id(self) -> int | None:
        return self.scenario.id if self.scenario is not None else None


def parse_day(text: str) -> dt.date | None:
    """A YYYY-MM-DD date, or None if ``text`` is not one."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None


def choose_source(
    session: Session, as_of_text: str, scenario_text: str, lang: str, today: dt.date | None = None
) -> SourceChoice:
    """The list in force on ``as_of_text`` with the scenario ``scenario_text`` (an id or a name) on top.

    Empty texts mean today and no scenario. Whatever cannot be used is dropped with a message, in this
    order: the date (back to today), then the scenario.
    """
    today = today or sources.today()
    messages: list[str] = []
    as_of = today
    asked_date = False
    if as_of_text.strip():
        day = parse_day(as_of_text)
        if day is None:
            messages.append(
                translate(
                    lang,
                    N_("%(value)s is not a date (YYYY-MM-DD); showing the list in force today."),
                    value=as_of_text.strip()[:40],
                )
            )
        else:
            as_of, asked_date = day, True
    scenarios = sources.scenario_lists(session)
    scenario = None
    if scenario_text.strip():
        text = scenario_text.strip()
        key: str | int = int(text) if text.isascii() and text.isdigit() and len(text) < 10 else text
        try:
            scenario = sources.find_scenario(session, key, lang)
        except DomainError as exc:
            messages.append(exc.message)
    asked = (as_of, scenario)
    source = None
    for day, what_if in dict.fromkeys([asked, (today, scenario), (today, None)]):
        try:
            source = sources.source_for(session, day, what_if, lang)
        except DomainError as exc:
            messages.append(exc.message)
            continue
        as_of, scenario = day, what_if
        break
    if source is not None and (as_of, scenario) != asked:
        messages.append(translate(lang, N_("Showing the list in force today instead.")))
    asked_on = as_of if asked_date and source is not None and as_of == asked[0] else None
    current = system_verdicts.is_current(session, today)
    return SourceChoice(source, as_of, scenario, scenarios, asked_on, messages, stored_is_current=current)


@dataclass
class TransfersTab:
    """What a system's Transfers tab shows."""

    system: System
    choice: SourceChoice
    assessment: findings.Assessment | None  # None without a list to classify against


def transfers_tab(session: Session, system: System, choice: SourceChoice) -> TransfersTab:
    """The system's transfers and exposure findings under the chosen list."""
    assessment = None
    if choice.source is not None:
        found = findings.assess(session, choice.source, [system.id])
        assessment = found[0] if found else findings.Assessment(system.id, system.name)
    return TransfersTab(system, choice, assessment)
