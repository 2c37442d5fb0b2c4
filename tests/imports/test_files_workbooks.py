"""Workbooks as python-calamine reads them for every import: stored values only, spreadsheet row numbers."""

from __future__ import annotations

import io

import xlsxwriter

from riskreg.imports.files import read_table


def _xlsx(write) -> bytes:  # type: ignore[no-untyped-def]
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    write(book.add_worksheet())
    book.close()
    return out.getvalue()


def test_a_formula_is_never_evaluated_its_stored_value_is_read() -> None:
    def write(sheet):  # type: ignore[no-untyped-def]
        sheet.write_row(0, 0, ["Name", "Country"])
        # The stored result says "Ireland"; the formula itself would give something else if evaluated.
        sheet.write_formula(1, 0, '=CONCATENATE("Evil", " Ltd")', None, "Stored Ltd")
        sheet.write(1, 1, "Ireland")
        sheet.write_formula(2, 0, '=HYPERLINK("http://attacker.example")', None, "")
        sheet.write(2, 1, "Denmark")

    table = read_table(_xlsx(write))
    assert [r.values for r in table.rows] == [
        {"Name": "Stored Ltd", "Country": "Ireland"},
        {"Name": "", "Country": "Denmark"},
    ]


def test_rows_keep_the_numbers_a_spreadsheet_shows_after_empty_rows_and_columns() -> None:
    def write(sheet):  # type: ignore[no-untyped-def]
        sheet.write_row(2, 1, ["subprocessor_name", "processing_countries"])  # header on row 3, column B
        sheet.write_row(3, 1, ["Zendesk Inc.", "unknown"])
        sheet.write_row(5, 1, ["Google LLC", "Ireland, United States"])
        sheet.write_row(6, 1, [True, 3.0])

    table = read_table(_xlsx(write))
    assert table.headers[1:] == ["subprocessor_name", "processing_countries"]
    assert [
        (r.number, r.values.get("subprocessor_name"), r.values.get("processing_countries")) for r in table
    ] == [
        (4, "Zendesk Inc.", "unknown"),
        (6, "Google LLC", "Ireland, United States"),
        (7, "True", "3"),
    ]
