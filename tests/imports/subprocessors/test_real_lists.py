"""Sub-processor lists as vendors publish them (issue 15, point 4): headers, "unknown" countries, sources."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from sqlalchemy import func, select

from riskreg.enums import LocationKind, TransferMechanism
from riskreg.extensions import db
from riskreg.imports.country_names import UNKNOWN, CountryIndex
from riskreg.imports.files import ImportRefused, header_key, match_columns, read_table
from riskreg.imports.models import ImportBatch
from riskreg.imports.subprocessors import services
from riskreg.imports.subprocessors.parse import COLUMNS, UNKNOWN_COUNTRY, find_columns, parse
from riskreg.vendors.models import ProcessingLocation, SubProcessor, Vendor

# The shape of a published list (Canva's and Slack's are like it): snake_case headers with odd spacing and
# case, a byte-order mark from Excel, several countries in one cell, and one sub-processor whose country the
# vendor does not disclose.
CANVA_LIKE = (
    "\ufeffsubprocessor_name , Purpose ,processing_countries,Source,Last updated\r\n"
    "Amazon Web Services Inc.,Cloud hosting,United States,https://canva.example/subprocessors,2025-11-01\r\n"
    '"Google LLC","Analytics","Ireland, United States",,\r\n'
    "Zendesk Inc.,Customer support,unknown,https://canva.example/support-vendors,2025-10-15\r\n"
    "Cloudflare Inc.,CDN,Not disclosed,,\r\n"
).encode()

DANISH = (
    "Underdatabehandler;Formål;Behandlingslande;Kilde\n"
    "Microsoft Ireland Operations Ltd;Hosting;Irland;DBA bilag 3\n"
    "Visma Enterprise A/S;Drift;ikke oplyst;DBA bilag 3\n"
).encode()


def test_headers_are_matched_after_folding_case_spaces_underscores_and_hyphens() -> None:
    assert header_key("processing_countries") == header_key(" Processing-Countries: ")
    assert header_key("subprocessor_name") == header_key("Sub-processor name")
    assert header_key("\ufeffFormål") == "formål"  # the Danish letters stay themselves
    columns = match_columns(
        ["SUBPROCESSOR_NAME", "Country of processing", "Kilde", "Behandlingslande"], COLUMNS
    )
    # The first header that fits a field takes it; a header serves one field.
    assert columns == {"name": "SUBPROCESSOR_NAME", "countries": "Country of processing", "source": "Kilde"}


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (["subprocessor_name", "processing_countries"], ("subprocessor_name", "processing_countries")),
        (["Underdatabehandler", "Behandlingslande"], ("Underdatabehandler", "Behandlingslande")),
        (["Navn", "Land"], ("Navn", "Land")),
        (["Name", "Location"], ("Name", "Location")),
        (["Sub-Processor", "Processing Country"], ("Sub-Processor", "Processing Country")),
    ],
)
def test_the_headers_people_use_are_recognised(headers: list[str], expected: tuple[str, str]) -> None:
    columns, problems = find_columns(headers)
    assert problems == []
    assert (columns["name"], columns["countries"]) == expected


def test_a_published_list_with_an_unknown_country_is_read_not_refused(index: CountryIndex) -> None:
    listed = parse(read_table(CANVA_LIKE), index)
    by_name = {item.name: item for item in listed}
    assert by_name["Amazon Web Services Inc."].countries == ("US",)
    assert by_name["Google LLC"].countries == ("IE", "US")
    assert by_name["Zendesk Inc."].countries == (UNKNOWN_COUNTRY,)
    assert by_name["Cloudflare Inc."].countries == (UNKNOWN_COUNTRY,)
    assert by_name["Amazon Web Services Inc."].service == "Cloud hosting"
    # Each row's own source and date, where the row has them.
    assert by_name["Zendesk Inc."].source == "https://canva.example/support-vendors"
    assert by_name["Zendesk Inc."].source_on == "2025-10-15"
    assert by_name["Google LLC"].source is None


@pytest.mark.parametrize("word", [*UNKNOWN, "", "  ", "UNKNOWN", "Ikke Oplyst", "N/A"])
def test_every_word_for_an_unknown_country_gives_a_location_of_unknown_country(
    index: CountryIndex, word: str
) -> None:
    listed = parse(read_table(f"Name,Country\nSome Vendor Ltd,{word}\n".encode()), index)
    assert listed[0].countries == (UNKNOWN_COUNTRY,)


def test_an_unknown_word_beside_countries_keeps_the_countries(index: CountryIndex) -> None:
    listed = parse(read_table(b'Name,Country\nSome Vendor Ltd,"Ireland, not disclosed"\n'), index)
    assert listed[0].countries == ("IE", UNKNOWN_COUNTRY)


def test_text_that_is_no_country_is_still_a_problem_row(index: CountryIndex) -> None:
    data = b"Name,Country\nGood Ltd,Ireland\nOdd Ltd,Atlantis\nRegion Ltd,EU/US\n"
    with pytest.raises(ImportRefused) as refused:
        parse(read_table(data), index)
    assert [(p.row, p.message("en")) for p in refused.value.problems] == [
        (3, "Unknown country: “Atlantis”."),
        (4, "“EU” is a region, not a country: name the countries it means."),
    ]


def test_a_future_or_unreadable_source_date_is_a_problem_row(index: CountryIndex) -> None:
    later = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    data = f"Name,Country,Source date\nA Ltd,Ireland,{later}\nB Ltd,Ireland,soon\n".encode()
    with pytest.raises(ImportRefused) as refused:
        parse(read_table(data), index)
    assert [(p.row, p.column, p.message("en")) for p in refused.value.problems] == [
        (2, "Source date", "The date of the source cannot be in the future."),
        (3, "Source date", "Not a date (dd-mm-yyyy or yyyy-mm-dd): soon."),
    ]


def _vendor(vendor_id: int) -> Vendor:
    vendor = db.session.get(Vendor, vendor_id)
    assert vendor is not None
    return vendor


def _by_name(vendor_id: int) -> dict[str, SubProcessor]:
    subs = db.session.scalars(
        select(SubProcessor).where(SubProcessor.vendor_id == vendor_id, SubProcessor.is_archived.is_(False))
    )
    return {sp.name: sp for sp in subs}


def test_applying_a_published_list_creates_locations_of_unknown_country_with_each_rows_source(
    app: Flask, world: dict[str, int]
) -> None:
    with app.app_context():
        batch = services.preview(
            db.session,
            _vendor(world["vendor"]),
            read_table(CANVA_LIKE),
            source="https://canva.example/legal",
            source_on=dt.date(2025, 12, 1),
            filename="canva.csv",
            lang="en",
        )
        shown = services.show(db.session, batch, "en")
        zendesk = next(e for e in shown.diff.entries if e.name == "Zendesk Inc.")
        # The preview says, per row, that the country is not disclosed.
        assert [shown.country(c) for c in zendesk.countries_after] == ["unknown country (not disclosed)"]
        services.apply(db.session, batch, None, "en")
        db.session.expire_all()
        subs = _by_name(world["vendor"])
        assert [(loc.country_code, loc.kind) for loc in subs["Zendesk Inc."].locations] == [
            (None, LocationKind.PROCESSING)
        ]
        assert {loc.country_code for loc in subs["Google LLC"].locations} == {"IE", "US"}
        assert subs["Zendesk Inc."].source == "https://canva.example/support-vendors"
        assert subs["Zendesk Inc."].source_on == dt.date(2025, 10, 15)
        # A row without its own source takes the batch's.
        assert subs["Google LLC"].source == "https://canva.example/legal"
        assert subs["Google LLC"].source_on == dt.date(2025, 12, 1)

        # The same list again changes nothing: the location of unknown country is matched, not replaced.
        again = services.preview(
            db.session, _vendor(world["vendor"]), read_table(CANVA_LIKE), filename="canva.csv", lang="en"
        )
        kinds = {e.name: e.kind for e in services.show(db.session, again, "en").diff.entries}
        assert kinds["Zendesk Inc."] == kinds["Cloudflare Inc."] == "unchanged"


def test_a_danish_list_with_ikke_oplyst_is_imported(app: Flask, world: dict[str, int]) -> None:
    with app.app_context():
        batch = services.preview(
            db.session, _vendor(world["vendor"]), read_table(DANISH), filename="bilag3.csv", lang="da"
        )
        services.apply(db.session, batch, None, "da")
        db.session.expire_all()
        subs = _by_name(world["vendor"])
        assert [loc.country_code for loc in subs["Visma Enterprise A/S"].locations] == [None]
        assert subs["Visma Enterprise A/S"].source == "DBA bilag 3"


def test_a_list_with_a_problem_row_changes_nothing(app: Flask, world: dict[str, int]) -> None:
    data = CANVA_LIKE + b"Atlantis Hosting Ltd,Hosting,Atlantis,,\r\n"
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(ProcessingLocation))
        with pytest.raises(ImportRefused) as refused:
            services.preview(db.session, _vendor(world["vendor"]), read_table(data), lang="en")
        assert [(p.row, p.message("en")) for p in refused.value.problems] == [
            (6, "Unknown country: “Atlantis”.")
        ]
        assert db.session.scalar(select(func.count()).select_from(ImportBatch)) == 0
        assert db.session.scalar(select(func.count()).select_from(ProcessingLocation)) == before
        assert "Zendesk Inc." not in _by_name(world["vendor"])


def test_a_changed_list_keeps_the_mechanism_recorded_for_a_country_that_stays(
    app: Flask, world: dict[str, int]
) -> None:
    """A list names countries, not mechanisms: Google's SCC for the US survives a list adding a country."""
    with app.app_context():
        vendor = _vendor(world["vendor"])
        services.apply(db.session, services.preview(db.session, vendor, read_table(CANVA_LIKE), lang="en"))
        google = _by_name(world["vendor"])["Google LLC"]
        us = next(loc for loc in google.locations if loc.country_code == "US")
        us.mechanism = TransferMechanism.SCC
        db.session.commit()
        changed = CANVA_LIKE.replace(b'"Ireland, United States"', b'"Ireland, United States, Japan"')
        batch = services.preview(db.session, _vendor(world["vendor"]), read_table(changed), lang="en")
        kinds = {e.name: e.kind for e in services.show(db.session, batch, "en").diff.entries}
        assert kinds["Google LLC"] == "changed"
        services.apply(db.session, batch, None, "en")
        db.session.expire_all()
        google = _by_name(world["vendor"])["Google LLC"]
        assert {(loc.country_code, loc.mechanism) for loc in google.locations} == {
            ("IE", None),
            ("US", TransferMechanism.SCC),
            ("JP", None),
        }
