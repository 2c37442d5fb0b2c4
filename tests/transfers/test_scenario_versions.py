"""Which version of a scenario applies on a date, and archived systems in a scenario report."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from sqlalchemy import select

from riskreg.countries.models import CountryList
from riskreg.countries.services import create_list_version
from riskreg.enums import CountryListKind, CountryStatus, TransferClass
from riskreg.extensions import db
from riskreg.systems.models import System
from riskreg.systems.services import set_system_archived
from riskreg.transfers import scenario_impact, sources

ENTRY = (CountryStatus.NONE, "", None, "")


@pytest.fixture
def session(demo_app: Flask):  # type: ignore[no-untyped-def]
    """A copy of the demo register."""
    with demo_app.app_context():
        yield db.session


def scenario(session, name: str = "DPF invalidated") -> CountryList:  # type: ignore[no-untyped-def]
    return session.scalar(select(CountryList).where(CountryList.name == name))


def changed(session, what_if: CountryList, on: dt.date) -> dict[str, TransferClass]:  # type: ignore[no-untyped-def]
    _base, _source, changes = scenario_impact.scenario_impact(session, what_if, on)
    return {c.system: c.after for c in changes}


def test_the_scenario_version_in_force_on_the_date_applies(session) -> None:  # type: ignore[no-untyped-def]
    dpf = scenario(session)
    first = sources.source_for(session, dt.date(2026, 12, 31), dpf).scenario_version_id
    # From 2027 the scenario also lets the UK adequacy lapse.
    create_list_version(session, dpf, dt.date(2027, 1, 1), "UK too", {"US": ENTRY, "GB": ENTRY})

    assert sources.source_for(session, dt.date(2026, 12, 31), dpf).scenario_version_id == first
    assert sources.source_for(session, dt.date(2027, 1, 1), dpf).scenario_version_id != first


def test_a_scenario_made_later_applies_its_first_version_to_an_earlier_date(session) -> None:  # type: ignore[no-untyped-def]
    later = CountryList(name="Later", kind=CountryListKind.SCENARIO)
    session.add(later)
    create_list_version(session, later, dt.date(2030, 1, 1), "US without DPF", {"US": ENTRY})

    assert set(changed(session, later, dt.date(2026, 12, 1))) == {
        "Adobe Creative Cloud",
        "Momentum – AI-tekstassistent",
    }


def test_archived_systems_are_left_out_of_a_scenario_report(session) -> None:  # type: ignore[no-untyped-def]
    adobe = session.scalar(select(System).where(System.name == "Adobe Creative Cloud"))
    set_system_archived(session, adobe, True)

    assert changed(session, scenario(session), sources.today()) == {
        "Momentum – AI-tekstassistent": TransferClass.NO_BASIS
    }
