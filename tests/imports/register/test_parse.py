"""The register parser on its own: the suggested mapping, values as people write them, every bad cell."""

from __future__ import annotations

import datetime as dt

import pytest

from riskreg.enums import DataCategory, DataSubject, SubjectVolume, SystemStatus
from riskreg.imports.country_names import CountryIndex
from riskreg.imports.files import ImportRefused, read_table
from riskreg.imports.register import parse as register

COUNTRIES = CountryIndex.from_rows(
    [("DK", "Denmark", "Danmark"), ("US", "United States", "USA"), ("IE", "Ireland", "Irland")]
)


def table(text: str, encoding: str = "utf-8"):  # type: ignore[no-untyped-def]
    return read_table(text.encode(encoding))


def refused(text: str, mapping: dict[str, str] | None = None) -> list[tuple[int | None, str | None, str]]:
    t = table(text)
    with pytest.raises(ImportRefused) as info:
        register.parse(t, mapping if mapping is not None else register.suggest_mapping(t.headers), COUNTRIES)
    return [(p.row, p.column, p.message("en")) for p in info.value.problems]


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (
            ["Systemnavn", "Leverandør", "Land", "Afdelinger", "Registrerede", "Personoplysninger"],
            [
                "system_name",
                "vendor_name",
                "vendor_country",
                "departments",
                "data_subjects",
                "data_categories",
            ],
        ),
        (
            [
                "System name",
                "VENDOR",
                "Vendor country",
                "Number of data subjects",
                "Next review date",
                "status",
            ],
            ["system_name", "vendor_name", "vendor_country", "subject_volume", "next_review_on", "status"],
        ),
        (
            ["IT-system*", "Leverandørens navn:", "Journalnr.", "Næste gennemgang", "Hjemmel", "Slettefrist"],
            [
                "system_name",
                "vendor_name",
                "journal_number",
                "next_review_on",
                "legal_basis_note",
                "retention",
            ],
        ),
        # A field goes to the first column that fits; unknown headers are not imported.
        (["System", "Name", "Vendor", "Comments"], ["system_name", "", "vendor_name", ""]),
    ],
)
def test_the_mapping_is_suggested_from_danish_and_english_headers(
    headers: list[str], expected: list[str]
) -> None:
    assert list(register.suggest_mapping(headers).values()) == expected


def test_values_are_read_as_people_write_them_in_either_language() -> None:
    t = table(
        "System;Leverandør;Land;Afdelinger;Registrerede;Personoplysninger;Antal;"
        "Næste gennemgang;Status;Ejer\n"
        "Aula;Netcompany A/S;Danmark;Skole, Dagtilbud; Børn / elever, employees ;CPR-numre, følsomme, "
        "Ordinary personal data;5.000;31-12-2030;Godkendt;Jens\n"
        "KMD Nexus;KMD;dk;;citizens;;100,000 or more;2031-01-15;in_assessment;\n"
        "Outlook;Microsoft;USA;;;;;47000;Draft;\n"
    )
    parsed = register.parse(t, register.suggest_mapping(t.headers), COUNTRIES)
    aula, nexus, outlook = parsed.rows
    assert (aula.number, aula.system_name, aula.vendor_name, aula.vendor_country) == (
        2,
        "Aula",
        "Netcompany A/S",
        "DK",
    )
    assert aula.departments == ["Skole", "Dagtilbud"]
    assert aula.data_subjects == [DataSubject.CHILDREN, DataSubject.EMPLOYEES]
    assert aula.data_categories == [DataCategory.CPR, DataCategory.SPECIAL_ART9, DataCategory.ORDINARY]
    assert aula.values == {
        "system_owner": "Jens",
        "subject_volume": SubjectVolume.UNDER_10000.value,
        "next_review_on": dt.date(2030, 12, 31),
        "status": SystemStatus.APPROVED.value,
    }
    assert nexus.vendor_country == "DK"
    assert nexus.values["subject_volume"] == SubjectVolume.OVER_100000.value
    assert nexus.values["next_review_on"] == dt.date(2031, 1, 15)
    assert nexus.values["status"] == SystemStatus.IN_ASSESSMENT.value
    # An Excel serial number, as a CSV export of a date column may hold it.
    assert outlook.values["next_review_on"] == dt.date(2028, 9, 4)
    assert outlook.vendor_country == "US"
    assert parsed.columns["system_name"] == "System"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("31-12-2030", dt.date(2030, 12, 31)),
        ("1.2.2030", dt.date(2030, 2, 1)),
        ("2030-02-01", dt.date(2030, 2, 1)),
        ("2030-02-01T00:00:00", dt.date(2030, 2, 1)),
        ("45658", dt.date(2025, 1, 1)),
        ("31-02-2030", None),
        ("2030", None),
        ("next year", None),
        ("12/31/2030", None),  # American order is not guessed
    ],
)
def test_dates(text: str, expected: dt.date | None) -> None:
    assert register.parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("50", SubjectVolume.UNDER_100),
        ("ca. 800", SubjectVolume.UNDER_1000),
        ("12 000", SubjectVolume.UNDER_100000),
        ("1.000 til 9.999", SubjectVolume.UNDER_10000),
        ("Fewer than 100", SubjectVolume.UNDER_100),
        ("250000", SubjectVolume.OVER_100000),
        ("many", None),
    ],
)
def test_subject_volume_by_band_or_number(text: str, expected: SubjectVolume | None) -> None:
    assert register.subject_volume(text) == expected


def test_every_bad_cell_is_reported_with_its_spreadsheet_row_and_column() -> None:
    problems = refused(
        "System,Vendor,Country,Data subjects,Number of data subjects,Next review,Status\n"
        "Aula,Netcompany,DK,citizens,10,01-01-2030,draft\n"
        "\n"  # a blank line still counts as a row in the spreadsheet
        ",Netcompany,Narnia,aliens,lots,32-01-2030,weird\n"
        "aula,,EU,,,,\n"
    )
    assert problems == [
        (4, "System", "The system name is missing."),
        (4, "Country", "Unknown country: “Narnia”."),
        (4, "Data subjects", "Unknown value: aliens."),
        (4, "Number of data subjects", "Not a number or a band of data subjects: lots."),
        (4, "Next review", "Not a date (dd-mm-yyyy or yyyy-mm-dd): 32-01-2030."),
        (4, "Status", "Unknown value: weird."),
        (5, "Vendor", "The vendor name is missing."),
        (5, "System", "The system aula is also in row 2."),
        (5, "Country", "“EU” is a region, not a country: name the countries it means."),
    ]


def test_a_vendor_has_one_country() -> None:
    problems = refused("System,Vendor,Country\nAula,Netcompany,Denmark and Ireland\n")
    assert problems == [(2, "Country", "Name one country for the vendor, not 2.")]


def test_the_mapping_needs_the_system_and_the_vendor_and_each_field_once() -> None:
    t = table("A,B,C\nx,y,z\n")
    with pytest.raises(ImportRefused) as info:
        register.check_mapping(
            t.headers, {"A": "system_name", "B": "system_name", "C": "nonsense", "D": ""}, "en"
        )
    assert [p.message("en") for p in info.value.problems] == [
        "Only one column can hold System name; A and B are both chosen.",
        "Unknown field: nonsense.",
        "The file has no column D.",
        "Choose the column that holds the vendor name.",
    ]
    assert register.check_mapping(t.headers, {"a": "system_name", "B": "vendor_name"}) == {
        "A": "system_name",
        "B": "vendor_name",
        "C": "",
    }


def test_rows_with_only_unmapped_cells_are_skipped_and_a_file_of_none_is_refused() -> None:
    t = table("System,Vendor,Notes\nAula,Netcompany,\n,,just a note\n")
    assert [r.system_name for r in register.parse(t, register.suggest_mapping(t.headers)).rows] == ["Aula"]
    t = table("System,Vendor,Notes\n,,just a note\n")
    with pytest.raises(ImportRefused) as info:
        register.parse(t, register.suggest_mapping(t.headers))
    assert info.value.problems[0].message("en") == "The file has no rows under its header."
