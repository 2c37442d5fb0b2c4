"""Country names as vendors write them: names, codes and variants in English and Danish; regions flagged."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from riskreg.imports.country_names import CountryIndex, fold

REGION = "“%(value)s” is a region, not a country: name the countries it means."
UNKNOWN = "Unknown country: “%(value)s”."


@pytest.mark.parametrize(
    ("written", "code"),
    [
        # English and Danish names, any case, accents or not
        ("Germany", "DE"),
        ("Tyskland", "DE"),
        ("Deutschland", "DE"),
        ("IRELAND", "IE"),
        ("irland", "IE"),
        ("Østrig", "AT"),
        ("ostrig", "AT"),
        ("Côte d'Ivoire", "CI"),
        ("COTE D’IVOIRE", "CI"),
        ("the Netherlands", "NL"),
        ("Holland", "NL"),
        ("Nederlandene", "NL"),
        ("Sverige", "SE"),
        # codes
        ("US", "US"),
        ("de", "DE"),
        ("DNK", "DK"),
        # the United States
        ("USA", "US"),
        ("U.S.", "US"),
        ("U.S.A.", "US"),
        ("United States", "US"),
        ("United States of America", "US"),
        ("America", "US"),
        # the United Kingdom
        ("UK", "GB"),
        ("U.K.", "GB"),
        ("Great Britain", "GB"),
        ("Britain", "GB"),
        ("England", "GB"),
        ("Storbritannien", "GB"),
        ("United Kingdom of Great Britain and Northern Ireland", "GB"),
        # Korea and other short forms
        ("Korea", "KR"),
        ("South Korea", "KR"),
        ("Sydkorea", "KR"),
        ("Korea, Republic of", "KR"),
        ("North Korea", "KP"),
        ("Czech Republic", "CZ"),
        ("Turkey", "TR"),
        ("Vietnam", "VN"),
        ("Viet Nam", "VN"),
        # names holding a separator are one country
        ("Bosnia and Herzegovina", "BA"),
        ("Trinidad og Tobago", "TT"),
        ("Trinidad & Tobago", "TT"),
        # a place in parentheses after the country
        ("Ireland (Dublin)", "IE"),
        ("United States (us-east-1, us-west-2)", "US"),
    ],
)
def test_one_country(index: CountryIndex, written: str, code: str) -> None:
    assert index.resolve(written) == ([code], [])


@pytest.mark.parametrize(
    ("cell", "codes"),
    [
        ("Ireland, USA", ["IE", "US"]),
        ("Irland; USA", ["IE", "US"]),
        ("Ireland / United States", ["IE", "US"]),
        ("Ireland | UK", ["IE", "GB"]),
        ("Ireland and the Netherlands", ["IE", "NL"]),
        ("Irland og Tyskland", ["IE", "DE"]),
        ("Ireland\nUnited States\r\nIndia", ["IE", "US", "IN"]),
        ("Australia, Japan and Singapore", ["AU", "JP", "SG"]),
        ("Ireland and Northern Ireland", ["IE", "GB"]),
        ("Korea, Republic of; Bosnia and Herzegovina", ["KR", "BA"]),
        ("USA, U.S.A., United States", ["US"]),  # once each
    ],
)
def test_several_countries_in_a_cell(index: CountryIndex, cell: str, codes: list[str]) -> None:
    assert index.resolve(cell) == (codes, [])


@pytest.mark.parametrize(
    "region",
    [
        "EU",
        "E.U.",
        "EEA",
        "EØS",
        "Europe",
        "Europa",
        "European Union",
        "Worldwide",
        "Global",
        "Multiple",
        "Various",
        "Asia",
    ],
)
def test_regions_are_flagged_never_guessed(index: CountryIndex, region: str) -> None:
    codes, problems = index.resolve(region, row=4, column="Countries")
    assert codes == []
    assert [(p.msgid, p.params, p.row, p.column) for p in problems] == [
        (REGION, {"value": region}, 4, "Countries")
    ]
    assert problems[0].message("en") == f"“{region}” is a region, not a country: name the countries it means."


def test_a_region_beside_countries_is_flagged_and_the_countries_still_read(index: CountryIndex) -> None:
    codes, problems = index.resolve("Ireland, EU, Atlantis", row=7, column="Land")
    assert codes == ["IE"]
    assert [(p.msgid, p.params) for p in problems] == [
        (
            REGION,
            {"value": "EU"},
        ),
        (UNKNOWN, {"value": "Atlantis"}),
    ]
    assert all((p.row, p.column) == (7, "Land") for p in problems)


def test_empty_and_not_applicable_cells_name_no_country(index: CountryIndex) -> None:
    for cell in ("", "  ", "-", "n/a", "N/A"):
        assert index.resolve(cell) == ([], [])


def test_only_the_countries_of_the_table_are_known() -> None:
    small = CountryIndex.from_rows([("DK", "Denmark", "Danmark"), ("US", "United States", "USA")])
    assert small.resolve("United States of America") == (["US"], [])
    codes, problems = small.resolve("Germany")
    assert codes == [] and [p.params for p in problems] == [{"value": "Germany"}]


def test_fold_ignores_case_accents_punctuation_and_dots_between_letters() -> None:
    assert fold("U.S.A.") == fold("usa") == "usa"
    assert fold("  Côte  d'Ivoire ") == "cote d ivoire"
    assert fold("The Netherlands") == "netherlands"
    assert fold("Færøerne") == "faeroerne"


@given(st.text(max_size=80))
def test_any_cell_gives_codes_and_problems_never_an_error(index: CountryIndex, cell: str) -> None:
    codes, problems = index.resolve(cell, row=2, column="Country")
    assert set(codes) <= index.codes
    assert len(codes) == len(set(codes))
    assert all(p.row == 2 and p.column == "Country" for p in problems)
