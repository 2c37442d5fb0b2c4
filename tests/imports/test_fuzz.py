"""Fuzz: the reader and the parsers never raise anything but ``ImportRefused``, whatever they are given.

A user can upload any bytes; an error other than the domain one would become an error page (or a traceback
on the CLI) instead of a message saying what is wrong.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from riskreg.imports.country_names import CountryIndex
from riskreg.imports.dpf import parse as dpf
from riskreg.imports.files import ImportRefused, Limits, Row, Table, read_table, read_text
from riskreg.imports.register import parse as register
from riskreg.imports.subprocessors import parse as subprocessors

FUZZ = settings(suppress_health_check=[HealthCheck.too_slow])
LIMITS = Limits(max_bytes=64 * 1024, max_unzipped=1024 * 1024, max_rows=500)
COUNTRIES = CountryIndex.from_rows(
    [
        ("DK", "Denmark", "Danmark"),
        ("US", "United States", "USA"),
        ("IE", "Ireland", "Irland"),
        ("DE", "Germany", "Tyskland"),
    ]
)

#: Headers the parsers know, so that generated tables get past the column check and into the rows.
REGISTER = (
    "System",
    "Leverandør",
    "Vendor country",
    "Departments",
    "Registrerede",
    "Personoplysninger",
    "Antal registrerede",
    "Næste gennemgang",
    "Status",
)
DPF = ("Organization Name", "Status", "Frameworks", "Covered Data")
SUBPROCESSORS = ("Name", "Service", "Country", "Processing countries", "Transfer mechanism")
KNOWN_HEADERS = [
    "System",
    "Leverandør",
    "Vendor country",
    "Departments",
    "Registrerede",
    "Personoplysninger",
    "Antal registrerede",
    "Næste gennemgang",
    "Status",
    "Organization Name",
    "Frameworks",
    "Covered Data",
    "Name",
    "Service",
    "Country",
    "Processing countries",
    "Transfer mechanism",
]
#: Cell text near what the parsers look for: dates, numbers, countries, labels, separators.
CELL_WORDS = [
    "",
    "31-12-2030",
    "2030-02-30",
    "45658",
    "99999999999",
    "5.000",
    "ca. 1,000",
    "Danmark",
    "USA, EU",
    "Worldwide",
    "Korea, Republic of",
    "Børn / elever; Borgere",
    "CPR-numre,",
    "Active",
    "Inactive",
    "Godkendt",
    "SCC",
    "Inc.",
    "A/S",
    "(",
    ";;",
    "\n",
]

cell = st.one_of(st.sampled_from(CELL_WORDS), st.text(max_size=30))
header = st.one_of(st.sampled_from(KNOWN_HEADERS), st.text(min_size=1, max_size=20))


@st.composite
def tables(draw: st.DrawFn, required: tuple[str, ...] = ()) -> Table:
    """Small tables with the ``required`` headers and maybe others the parsers know, so that rows get read."""
    known = draw(st.lists(st.sampled_from(KNOWN_HEADERS), max_size=3, unique=True))
    extra = draw(st.lists(st.text(min_size=1, max_size=20), max_size=2))
    headers: list[str] = []
    for name in (" ".join(h.split()) for h in draw(st.permutations([*required, *known])) + extra):
        if name.lower() not in {h.lower() for h in headers}:
            headers.append(name)
    if not headers:
        headers = ["x"]
    rows = draw(
        st.lists(st.lists(cell, min_size=len(headers), max_size=len(headers)), min_size=1, max_size=8)
    )
    numbers = sorted(
        draw(st.lists(st.integers(2, 10_000), min_size=len(rows), max_size=len(rows), unique=True))
    )
    return Table(
        headers,
        [
            Row(n, {h: v.strip() for h, v in zip(headers, cells, strict=True) if h})
            for n, cells in zip(numbers, rows, strict=True)
        ],
        "csv",
    )


def only_refusals(call: Callable[[], Any]) -> None:
    try:
        call()
    except ImportRefused as exc:
        assert exc.problems, "a refusal says why"
        for problem in exc.problems:
            assert problem.message("en") and problem.message("da")
            assert problem.describe("en")


# --- the reader ---------------------------------------------------------------------------------------------


@FUZZ
@given(
    st.one_of(
        st.binary(max_size=2048),
        st.binary(max_size=2048).map(lambda b: b"PK\x03\x04" + b),
        st.binary(max_size=512).map(lambda b: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b),
        st.binary(max_size=512).map(lambda b: b"\xef\xbb\xbf" + b),
        st.text(max_size=500).map(lambda t: t.encode("utf-8")),
        st.text(alphabet='abc;,"\n\r\t ø', max_size=300).map(lambda t: t.encode("cp1252")),
    )
)
def test_read_table_refuses_or_reads_any_bytes(data: bytes) -> None:
    only_refusals(lambda: read_table(data, LIMITS))


@FUZZ
@given(st.one_of(st.text(max_size=500), st.text(alphabet='ab;,"\t\n\r ', max_size=300)))
def test_read_text_refuses_or_reads_any_text(text: str) -> None:
    only_refusals(lambda: read_text(text, LIMITS))


def _zip_member(content: bytes) -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", content)
        archive.writestr("xl/workbook.xml", content)
    return out.getvalue()


@FUZZ
@given(st.binary(max_size=300))
def test_read_table_refuses_or_reads_any_zip_that_claims_to_be_a_workbook(content: bytes) -> None:
    only_refusals(lambda: read_table(_zip_member(content), LIMITS))


# --- the parsers --------------------------------------------------------------------------------------------


def _csv_bytes(rows: list[list[str]], delimiter: str) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue().encode("utf-8")


@FUZZ
@given(tables(REGISTER))
def test_the_register_parser_refuses_or_parses_any_table(table: Table) -> None:
    only_refusals(lambda: register.parse(table, register.suggest_mapping(table.headers), COUNTRIES))
    only_refusals(lambda: register.parse(table, register.suggest_mapping(table.headers)))


@FUZZ
@given(tables(REGISTER), st.data())
def test_the_register_parser_refuses_or_parses_under_any_mapping(table: Table, data: st.DataObject) -> None:
    keys = st.one_of(st.sampled_from(table.headers), st.text(max_size=10))
    values = st.one_of(st.sampled_from(["", *register.FIELDS]), st.text(max_size=10))
    # Changes to the suggested mapping, as a person makes them in the mapping step (or with --map).
    mapping = register.suggest_mapping(table.headers) | data.draw(st.dictionaries(keys, values, max_size=4))
    only_refusals(lambda: register.parse(table, mapping, COUNTRIES, "en"))


@FUZZ
@given(tables(DPF))
def test_the_dpf_parser_refuses_or_parses_any_table(table: Table) -> None:
    only_refusals(lambda: dpf.parse(table))


@FUZZ
@given(tables(SUBPROCESSORS))
def test_the_subprocessor_parser_refuses_or_parses_any_table(table: Table) -> None:
    only_refusals(lambda: subprocessors.parse(table, COUNTRIES))


@FUZZ
@given(
    st.lists(st.sampled_from(KNOWN_HEADERS), min_size=1, max_size=10, unique=True),
    st.lists(st.lists(cell, min_size=1, max_size=10), max_size=6),
    st.sampled_from([",", ";"]),
)
def test_files_through_the_reader_and_every_parser(
    headers: list[str], rows: list[list[str]], delimiter: str
) -> None:
    """The way a file really travels: bytes -> table -> parser."""
    data = _csv_bytes([headers, *rows], delimiter)
    try:
        table = read_table(data, LIMITS)
    except ImportRefused:
        return
    for parse in (
        lambda: register.parse(table, register.suggest_mapping(table.headers), COUNTRIES),
        lambda: dpf.parse(table),
        lambda: subprocessors.parse(table, COUNTRIES),
    ):
        only_refusals(parse)


@pytest.mark.parametrize("text", ["", "x", "31-02-2030", "1" * 400, "٣١-١٢-٢٠٣٠", "0" * 5, "99999.5"])
def test_value_readers_never_raise(text: str) -> None:
    register.parse_date(text)
    register.subject_volume(text)
    register.enum_value(register.SystemStatus, text)
