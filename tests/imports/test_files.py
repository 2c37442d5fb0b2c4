"""The shared reader on bad and awkward input: each kind is refused with a clear problem, or read right."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pytest

from riskreg.imports import files
from riskreg.imports.files import ImportRefused, Limits, read_table, read_text


def refusal(data: bytes, limits: Limits | None = None) -> list[tuple[int | None, str]]:
    with pytest.raises(ImportRefused) as info:
        read_table(data, limits)
    return [(p.row, p.message("en")) for p in info.value.problems]


def workbook(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            if value is not None:
                sheet.cell(row=number, column=column, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def zipped(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


# --- size, type and emptiness -------------------------------------------------------------------------------


def test_a_file_over_the_size_limit_is_refused_before_it_is_read() -> None:
    data = b"System,Vendor\n" + b"Aula,Netcompany\n" * 100_000
    assert refusal(data, Limits(max_bytes=1024 * 1024)) == [(None, "The file is larger than 1 MB.")]
    assert len(read_table(data, Limits(max_bytes=2 * 1024 * 1024)).rows) == 100_000


@pytest.mark.parametrize("data", [b"", b"   ", b"\r\n\r\n;;;\r\n", "\ufeff".encode()])
def test_an_empty_file_is_refused(data: bytes) -> None:
    assert refusal(data) == [(None, "The file is empty.")]


def test_an_old_xls_workbook_is_refused_with_what_to_do() -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512
    assert refusal(ole) == [
        (None, "This is an old Excel file (.xls). Save it as .xlsx or CSV and try again.")
    ]


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04 this is not a zip archive at all",
        zipped({"hello.txt": b"a zip, but no workbook"}),
        zipped({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<not a workbook"}),
    ],
    ids=["broken zip", "zip without workbook", "workbook parts that are broken"],
)
def test_an_xlsx_that_is_not_a_workbook_is_refused(data: bytes) -> None:
    assert refusal(data) == [(None, "The file is not a valid XLSX workbook.")]


@pytest.mark.parametrize(
    "data",
    [b"\x00\x01\x02\x03binary", "System,Vendor\nAula,Netcompany\n".encode("utf-16"), bytes(range(256)) * 4],
    ids=["binary", "utf-16", "all bytes"],
)
def test_a_file_that_is_neither_csv_nor_xlsx_is_refused(data: bytes) -> None:
    assert refusal(data) == [
        (None, "The file is neither a CSV file (UTF-8 or Windows-1252) nor an XLSX workbook.")
    ]


# --- zip bombs ----------------------------------------------------------------------------------------------


def test_a_zip_bomb_is_refused_before_anything_is_decompressed(monkeypatch: pytest.MonkeyPatch) -> None:
    # 64 MB of zeros compress to about 64 kB: a ratio no real workbook has.
    bomb = zipped(
        {"[Content_Types].xml": b"<Types/>", "xl/worksheets/sheet1.xml": b"\0" * (64 * 1024 * 1024)}
    )
    assert len(bomb) < 200_000

    def must_not_open(*args: object, **kwargs: object) -> None:
        raise AssertionError("the workbook was opened")

    monkeypatch.setattr(openpyxl, "load_workbook", must_not_open)
    [(row, message)] = refusal(bomb)
    assert row is None
    assert message.startswith("The workbook unpacks to more than 100 MB, or is compressed suspiciously")


def test_a_workbook_that_unpacks_to_more_than_the_limit_is_refused() -> None:
    import os

    # Incompressible content: the ratio is fine, the total is not.
    data = zipped({"[Content_Types].xml": b"<Types/>", "xl/media/image.bin": os.urandom(300_000)})
    limits = Limits(max_unzipped=256 * 1024)
    [(_row, message)] = refusal(data, limits)
    assert "unpacks to more than" in message


# --- CSV encodings, delimiters, malformed -------------------------------------------------------------------


def test_windows_1252_is_read_with_its_danish_letters() -> None:
    data = "Navn;By;Note\r\nSøren Ærø;Århus;10 €\r\n".encode("cp1252")
    table = read_table(data)
    assert (table.encoding, table.delimiter) == ("windows-1252", ";")
    assert table.rows[0].values == {"Navn": "Søren Ærø", "By": "Århus", "Note": "10 €"}


def test_utf8_with_a_byte_order_mark_reads_the_first_header_clean() -> None:
    table = read_table("\ufeffNavn,By\nSøren,Århus\n".encode())
    assert table.encoding == "utf-8"
    assert table.headers == ["Navn", "By"]
    assert table.rows[0].values["Navn"] == "Søren"


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ('System,Vendor,Country\nTeams,"Microsoft Ireland Operations, Ltd",IE\n', ","),
        ("System;Vendor;Country\nTeams;Microsoft Ireland Operations, Ltd;IE\n", ";"),
        ('System;Vendor;Country\nTeams;"Microsoft Ireland Operations; Ltd";IE\n', ";"),
    ],
)
def test_the_delimiter_is_comma_or_semicolon(text: str, delimiter: str) -> None:
    table = read_table(text.encode())
    assert table.delimiter == delimiter
    assert table.rows[0].values["Country"] == "IE"
    assert table.rows[0].values["Vendor"].startswith("Microsoft Ireland Operations")


def test_a_value_cut_by_an_unquoted_delimiter_is_refused_not_shifted() -> None:
    data = b"System,Vendor,Country\nTeams,Microsoft,IE\nZoom,Zoom Video Communications, Inc.,US\nX,Y,Z,,\n"
    assert refusal(data) == [
        (
            3,
            "The row has 4 cells but the header names 3 columns: put a value holding the delimiter (,) in "
            "double quotes.",
        )
    ]


@pytest.mark.parametrize(
    ("data", "row"),
    [
        (b'System,Vendor\nAula,Netcompany\n"Teams,Microsoft\nZoom,Zoom\n', 4),
        (b'System,Vendor\nAula,"Net"company\n', 2),
    ],
    ids=["unclosed quote", "text after a closing quote"],
)
def test_a_malformed_csv_is_refused_with_the_line(data: bytes, row: int) -> None:
    [(number, message)] = refusal(data)
    assert number == row
    assert message.startswith("The CSV file is malformed:")


def test_duplicate_headers_are_refused_whatever_their_case() -> None:
    assert refusal(b"System,Vendor,system\nA,B,C\n") == [(None, "The column system appears twice.")]


def test_too_many_rows_or_columns_are_refused() -> None:
    assert refusal(b"a\n" + b"1\n" * 11, Limits(max_rows=10)) == [(None, "The file has more than 10 rows.")]
    wide = ",".join(f"c{i}" for i in range(files.MAX_COLUMNS + 1)).encode()
    assert refusal(wide + b"\n") == [(None, f"The file has more than {files.MAX_COLUMNS} columns.")]


# --- row numbers --------------------------------------------------------------------------------------------


def test_csv_row_numbers_are_the_spreadsheets_with_blank_lines_counted() -> None:
    data = b'\nSystem,Vendor\n\nAula,Netcompany\n,\n"Multi\nline",KMD\nZoom,Zoom\n'
    table = read_table(data)
    assert table.headers == ["System", "Vendor"]
    # The header is on line 2, a quoted cell spans lines 6-7: a row is numbered by the line it ends on.
    assert [(r.number, r.values["System"]) for r in table.rows] == [
        (4, "Aula"),
        (7, "Multi\nline"),
        (8, "Zoom"),
    ]


def test_xlsx_row_numbers_dates_and_numbers() -> None:
    data = workbook(
        [
            ["System", "Vendor", "Next review", "Subjects"],
            ["Aula", "Netcompany", dt.datetime(2030, 12, 31), 5000],
            [None, None, None, None],
            ["KMD Nexus", "KMD", dt.date(2031, 1, 2), 12.5],
        ]
    )
    table = read_table(data)
    assert table.kind == "xlsx"
    assert [(r.number, r.values) for r in table.rows] == [
        (2, {"System": "Aula", "Vendor": "Netcompany", "Next review": "2030-12-31", "Subjects": "5000"}),
        (4, {"System": "KMD Nexus", "Vendor": "KMD", "Next review": "2031-01-02", "Subjects": "12.5"}),
    ]


def test_xlsx_values_beside_the_table_are_left_out() -> None:
    table = read_table(workbook([["System", "Vendor"], ["Aula", "Netcompany", "a note"]]))
    assert table.rows[0].values == {"System": "Aula", "Vendor": "Netcompany"}


# --- pasted text --------------------------------------------------------------------------------------------


def test_a_pasted_table_is_tab_separated_or_csv() -> None:
    pasted = read_text("Name\tCountry\r\nMicrosoft, Inc.\tUS\r\n\r\nAWS\tIE\tnote\r\n")
    assert [(r.number, r.values) for r in pasted.rows] == [
        (2, {"Name": "Microsoft, Inc.", "Country": "US"}),
        (4, {"Name": "AWS", "Country": "IE"}),
    ]
    assert read_text("Name;Country\nAWS;IE\n").rows[0].values == {"Name": "AWS", "Country": "IE"}
    with pytest.raises(ImportRefused) as info:
        read_text("  \n ")
    assert info.value.problems[0].message("en") == "Nothing was pasted."
    with pytest.raises(ImportRefused) as info:
        read_text("x" * 2000, Limits(max_bytes=1024))
    assert info.value.problems[0].msgid == "The text is longer than %(limit)s MB."
