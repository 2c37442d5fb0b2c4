"""Country list services: time travel, new versions and their rules."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from sqlalchemy import select

from riskreg.audit import AuditEntry
from riskreg.countries import services
from riskreg.countries.models import CountryList, CountryListVersion
from riskreg.enums import AuditAction, CountryListKind, CountryStatus
from riskreg.errors import ConflictError, DomainError
from riskreg.extensions import db

SHIPPED_ON = dt.date(2026, 1, 26)
DAY = dt.timedelta(days=1)


def entries_of(version: CountryListVersion) -> dict[str, services.EntryValues]:
    return {e.country_code: (e.status, e.decision_ref, e.decision_on, e.scope_note) for e in version.entries}


def status_on(list_id: int, code: str, on: dt.date) -> CountryStatus | None:
    version = services.list_version_in_force(db.session, list_id, on)
    if version is None:
        return None
    return services.statuses(version).get(code, CountryStatus.NONE)


def test_the_official_list_is_loaded(app: Flask) -> None:
    with app.app_context():
        official = services.official_list(db.session)
        assert official.name == "Officiel liste over sikre tredjelande"
        version = services.list_version_in_force(db.session, official.id, dt.date(2026, 6, 1))
        assert version is not None
        assert version.effective_on == SHIPPED_ON
        assert len(version.entries) == 90


def test_time_travel_around_the_first_version(app: Flask) -> None:
    with app.app_context():
        official = services.official_list(db.session)
        assert services.list_version_in_force(db.session, official.id, SHIPPED_ON - DAY) is None
        assert services.list_version_in_force(db.session, official.id, SHIPPED_ON).effective_on == SHIPPED_ON
        assert (
            services.list_version_in_force(db.session, official.id, SHIPPED_ON + DAY).effective_on
            == SHIPPED_ON
        )


def test_a_new_version_is_in_force_from_its_date_and_not_before(app: Flask) -> None:
    """'DPF invalidated': the US goes from partial to none on 1 March 2027."""
    effective = dt.date(2027, 3, 1)
    with app.app_context():
        official = services.official_list(db.session)
        current = services.list_version_in_force(db.session, official.id, effective)
        entries = entries_of(current)
        assert entries["US"][0] == CountryStatus.PARTIAL
        entries["US"] = (CountryStatus.NONE, "CJEU C-703/25 P", effective, "DPF annulled")

        version = services.create_list_version(
            db.session, official, effective, "Court of Justice annulled the DPF", entries
        )

        assert status_on(official.id, "US", effective - DAY) == CountryStatus.PARTIAL
        assert status_on(official.id, "US", effective) == CountryStatus.NONE
        assert status_on(official.id, "US", effective + DAY) == CountryStatus.NONE
        # Everything else is carried over.
        assert status_on(official.id, "CA", effective) == CountryStatus.PARTIAL
        assert len(version.entries) == 90
        assert services.version_diff(db.session, version) == [
            services.StatusChange("US", CountryStatus.PARTIAL, CountryStatus.NONE)
        ]
        assert services.next_scheduled_version(db.session, official.id, effective - DAY).id == version.id

        entry = db.session.scalars(
            select(AuditEntry).where(
                AuditEntry.entity_type == "country_list_version", AuditEntry.entity_id == version.id
            )
        ).one()
        assert entry.action == AuditAction.CREATE
        assert entry.changes["effective_on"] == [None, "2027-03-01"]
        assert "US: none" in entry.changes["entries"][1]


def test_a_country_left_off_counts_as_none(app: Flask) -> None:
    with app.app_context():
        official = services.official_list(db.session)
        current = services.list_version_in_force(db.session, official.id, SHIPPED_ON)
        entries = entries_of(current)
        del entries["GB"]
        version = services.create_list_version(
            db.session, official, dt.date(2027, 6, 1), "UK lapses", entries
        )
        assert status_on(official.id, "GB", dt.date(2027, 6, 1)) == CountryStatus.NONE
        assert [c.code for c in services.version_diff(db.session, version)] == ["GB"]


def test_a_second_version_on_the_same_day_is_refused(app: Flask) -> None:
    with app.app_context():
        official = services.official_list(db.session)
        count = len(official.versions)
        with pytest.raises(DomainError) as error:
            services.create_list_version(db.session, official, SHIPPED_ON, "again", {})
        assert error.value.field == "effective_on"
        db.session.expire_all()
        assert len(services.official_list(db.session).versions) == count


@pytest.mark.parametrize(
    ("note", "entries", "field"),
    [
        ("", {}, "note"),
        ("   ", {}, "note"),
        ("x" * (services.NOTE_MAX + 1), {}, "note"),
        ("why", {"XX": (CountryStatus.ADEQUACY, "", None, "")}, "entries"),
        ("why", {"US": ("sort of", "", None, "")}, "entries"),
        ("why", {"US": (CountryStatus.PARTIAL, "r" * (services.DECISION_REF_MAX + 1), None, "")}, "entries"),
    ],
    ids=["empty-note", "blank-note", "long-note", "unknown-country", "unknown-status", "long-reference"],
)
def test_bad_versions_are_refused(app: Flask, note: str, entries: dict, field: str) -> None:  # type: ignore[type-arg]
    with app.app_context():
        official = services.official_list(db.session)
        with pytest.raises(DomainError) as error:
            services.create_list_version(db.session, official, dt.date(2027, 1, 1), note, entries)
        assert error.value.field == field
        assert (
            services.list_version_in_force(db.session, official.id, dt.date(2027, 1, 1)).effective_on
            == SHIPPED_ON
        )


def test_a_version_added_meanwhile_is_a_conflict(app: Flask) -> None:
    with app.app_context():
        official = services.official_list(db.session)
        seen = services.latest_version_id(db.session, official.id)
        services.create_list_version(db.session, official, dt.date(2027, 1, 1), "first", {}, based_on_id=seen)
        with pytest.raises(ConflictError):
            services.create_list_version(
                db.session, official, dt.date(2027, 2, 1), "second", {}, based_on_id=seen
            )
        assert services.list_version_in_force(db.session, official.id, dt.date(2027, 2, 1)).note == "first"


def test_eu_status_changes_are_warned_about(app: Flask) -> None:
    with app.app_context():
        official = services.official_list(db.session)
        entries = entries_of(services.list_version_in_force(db.session, official.id, SHIPPED_ON))
        entries["DE"] = (CountryStatus.NONE, "", None, "")
        version = services.create_list_version(db.session, official, dt.date(2099, 1, 1), "test", entries)
        warnings = services.version_warnings(db.session, version, dt.date(2026, 12, 1))
        assert len(warnings) == 1
        assert "DE" in warnings[0]


def test_overview_puts_the_official_list_first(app: Flask) -> None:
    with app.app_context():
        scenario = CountryList(name="A scenario", kind=CountryListKind.SCENARIO)
        db.session.add(scenario)
        db.session.commit()
        overview = services.list_overview(db.session, dt.date(2026, 12, 1))
        kinds = [s.country_list.kind for s in overview]
        # The preset scenario "DPF invalidated" ships with the reference data beside this one.
        assert kinds == [CountryListKind.OFFICIAL, CountryListKind.SCENARIO, CountryListKind.SCENARIO]
        assert overview[0].in_force.effective_on == SHIPPED_ON
        assert overview[0].scheduled is None
        assert overview[1].in_force is None
