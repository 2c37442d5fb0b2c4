"""Reading a sub-processor list: headers in English or Danish, every bad row reported (no database)."""

from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from riskreg.imports.country_names import CountryIndex
from riskreg.imports.files import ImportRefused, read_table, read_text
from riskreg.imports.subprocessors.parse import Listed, mechanism_of, parse
from tests.imports.helpers import DATA


def _problems(exc: pytest.ExceptionInfo[ImportRefused]) -> list[tuple[int | None, str | None, str]]:
    return [(p.row, p.column, p.message("en")) for p in exc.value.problems]


def test_a_danish_windows_1252_file_with_every_column(index: CountryIndex) -> None:
    table = read_table((DATA / "subprocessors_danish.csv").read_bytes())
    assert (table.encoding, table.delimiter) == ("windows-1252", ";")
    microsoft, zendesk, orsted = parse(table, index)
    assert microsoft == Listed(
        row=2,
        name="Microsoft Ireland Operations Ltd",
        countries=("IE", "NL"),
        service="Drift af Microsoft 365",
        entity_country="IE",
        mechanism="scc",
        parent="Microsoft Corporation",
        support_countries=("US", "IN"),
    )
    assert (zendesk.countries, zendesk.mechanism, zendesk.parent, zendesk.support_countries) == (
        ("US",),
        "dpf",
        None,  # an empty cell leaves the register's value as it is
        None,
    )
    assert (orsted.name, orsted.countries, orsted.mechanism) == ("Ørsted Hosting A/S", ("DK",), "none")


def test_an_xlsx_workbook(index: CountryIndex) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Sub-processor", "Purpose", "Processing location", "Transfer mechanism"])
    sheet.append(["Amazon Web Services EMEA SARL", "Hosting", "Germany\nIreland", "Adequacy"])
    sheet.append(["Atlassian Pty Ltd", "Support", "Australia", "SCC (module 3)"])
    buffer = io.BytesIO()
    book.save(buffer)
    aws, atlassian = parse(read_table(buffer.getvalue()), index)
    assert (aws.row, aws.countries, aws.mechanism) == (2, ("DE", "IE"), "adequacy")
    assert (atlassian.row, atlassian.countries, atlassian.mechanism) == (3, ("AU",), "scc")


def test_a_pasted_table_without_optional_columns(index: CountryIndex) -> None:
    table = read_text("Navn\tLand\nTwilio Ireland Limited\tIrland\n")
    [twilio] = parse(table, index)
    assert twilio == Listed(row=2, name="Twilio Ireland Limited", countries=("IE",))


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("SCC", "scc"),
        ("Standard Contractual Clauses", "scc"),
        ("standardkontraktbestemmelser", "scc"),
        ("BCR", "bcr"),
        ("Bindende virksomhedsregler", "bcr"),
        ("EU-U.S. Data Privacy Framework", "dpf"),
        ("Adequacy decision", "adequacy"),
        ("Tilstrækkelighedsafgørelse", "adequacy"),
        ("Art. 49", "art49"),
        ("Artikel 49", "art49"),
        ("None", "none"),
        ("Ingen", "none"),
        ("Ukendt", "unknown"),
    ],
)
def test_transfer_mechanisms(written: str, value: str) -> None:
    found = mechanism_of(written)
    assert found is not None and found.value == value


def test_missing_required_columns_are_named(index: CountryIndex) -> None:
    with pytest.raises(ImportRefused) as refused:
        parse(read_text("Service,Notes\nHosting,x\n"), index)
    messages = [m for _row, _col, m in _problems(refused)]
    assert len(messages) == 2
    assert messages[0].startswith("The column Name is missing; name it one of: Name, Navn, Sub-processor")
    assert messages[1].startswith("The column Countries is missing; name it one of: Countries, Country")


def test_every_bad_row_is_reported_with_its_row_and_column(index: CountryIndex) -> None:
    long_name = "N" * 201
    text = (
        "Name,Service,Country,Entity country,Transfer mechanism\n"
        "Fine Ltd,Hosting,Ireland,Ireland,SCC\n"  # 2: fine
        ",Hosting,Ireland,,\n"  # 3: no name
        f"{long_name},Hosting,Ireland,,\n"  # 4: name too long
        "Region GmbH,Hosting,EEA,,\n"  # 5: a region
        "Two Homes AB,Hosting,Sweden,Sweden and Norway,\n"  # 6: two entity countries
        "Shield Inc.,Hosting,USA,,Privacy Shield\n"  # 7: no such mechanism
        "Nowhere Ltd,Hosting,,,\n"  # 8: no country: a location of unknown country, not a problem
        "Fine Ltd,Backup,Germany,Ireland,BCR\n"  # 9: same sub-processor, another mechanism
    )
    with pytest.raises(ImportRefused) as refused:
        parse(read_text(text), index)
    assert _problems(refused) == [
        (3, "Name", "The name is missing."),
        (4, "Name", "The name can have at most 200 characters."),
        (5, "Country", "“EEA” is a region, not a country: name the countries it means."),
        (6, "Entity country", "Name one country for the legal entity, not 2."),
        (
            7,
            "Transfer mechanism",
            "Unknown transfer mechanism: “Privacy Shield” (use SCC, BCR, DPF, adequacy, art. 49 or none).",
        ),
        (9, "Transfer mechanism", "Fine Ltd is also listed in row 2, with a different value here."),
    ]


def test_rows_of_one_sub_processor_are_joined(index: CountryIndex) -> None:
    text = (
        "Name,Service,Countries\n"
        "Google Ireland Limited,Workspace,Ireland\n"
        'Google Ireland Ltd.,Analytics,"USA, Ireland"\n'
    )
    [google] = parse(read_text(text), index)
    assert (google.row, google.countries, google.service) == (2, ("IE", "US"), "Workspace; Analytics")


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.lists(
            st.sampled_from(["Name", "Country", "Ireland", "EU", "", "SCC", "x" * 250, "USA; U.K.", '"', ","])
            | st.text(max_size=12),
            min_size=1,
            max_size=5,
        ),
        min_size=1,
        max_size=6,
    )
)
def test_any_table_parses_or_is_refused_with_problems(index: CountryIndex, rows: list[list[str]]) -> None:
    text = "Name\tCountries\tTransfer mechanism\tEntity country\n" + "\n".join("\t".join(r) for r in rows)
    try:
        listed = parse(read_text(text), index)
    except ImportRefused as exc:
        assert exc.problems
    else:
        assert all(item.countries and item.name for item in listed)
