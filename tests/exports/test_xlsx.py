"""The workbook layer every export writes through: frozen headers, filters, print set-up, titles, formats."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from riskreg.catalogue import translate
from riskreg.exports.xlsx import Book, Column, col_letter, quote_sheet


def read(write) -> openpyxl.Workbook:  # type: ignore[no-untyped-def]
    out = io.BytesIO()
    book = Book(out, "da")
    write(book)
    book.close()
    return openpyxl.load_workbook(io.BytesIO(out.getvalue()))


@pytest.mark.parametrize(("col", "letters"), [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ"), (702, "AAA")])
def test_col_letter(col: int, letters: str) -> None:
    assert col_letter(col) == letters


def test_quote_sheet_doubles_apostrophes() -> None:
    assert quote_sheet("Risici") == "'Risici'"
    assert quote_sheet("Bo's liste") == "'Bo''s liste'"


def test_table_sheet_has_frozen_header_filter_widths_and_typed_cells() -> None:
    def write(book: Book) -> None:
        sheet = book.sheet("Systemer", [Column("Navn", 30), Column("Antal", 8, "number"), Column("Dato", 12)])
        sheet.header()
        sheet.append(["Løn", 3, dt.date(2026, 6, 23)])
        sheet.append(["Ferie", 0, None])
        sheet.autofilter()

    ws = read(write)["Systemer"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:C3"
    assert [c.value for c in ws[1]] == ["Navn", "Antal", "Dato"] and ws["A1"].font.b
    assert ws.column_dimensions["A"].width == pytest.approx(30, abs=1)
    assert ws["B2"].value == 3 and ws["C2"].value == dt.datetime(2026, 6, 23)
    assert ws["C2"].number_format == "dd-mm-yyyy"
    assert ws.print_title_rows == "$1:$1"


def test_sheet_titles_are_sanitised_and_unique() -> None:
    def write(book: Book) -> None:
        for title in ("Risici", "risici", "a/b:c*d?"):
            book.sheet(title).append(["x"])

    assert read(write).sheetnames == ["Risici", "risici (2)", "a b c d"]


def test_print_setup_landscape_fit_to_width_with_header_and_page_numbers() -> None:
    def write(book: Book) -> None:
        sheet = book.sheet("Forside")
        sheet.append(["x"])
        sheet.print_setup("Løn & Personale", "25-11-2026")

    ws = read(write)["Forside"]
    assert ws.page_setup.orientation == "landscape"
    # fitToWidth 1 is the default, which XlsxWriter leaves out.
    assert (ws.page_setup.fitToWidth or 1) == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    # A literal "&" is doubled in the header code, so it prints as one "&".
    assert ws.oddHeader.left.text == "Løn && Personale"
    assert ws.oddHeader.right.text == "25-11-2026"
    expected = translate("da", "Page %(page)s of %(pages)s", page="&P", pages="&N")
    assert ws.oddFooter.center.text == expected


def test_booleans_and_empty_values() -> None:
    def write(book: Book) -> None:
        sheet = book.sheet("S", [Column("A"), Column("B"), Column("C", style="input")])
        sheet.append([True, False, None])

    ws = read(write)["S"]
    assert (ws["A1"].value, ws["B1"].value) == (translate("da", "Yes"), translate("da", "No"))
    assert ws["C1"].value is None and ws["C1"].border.left.style == "thin"


def test_unknown_value_types_are_refused() -> None:
    book = Book(io.BytesIO(), "da")
    with pytest.raises(TypeError):
        book.sheet("S").append([object()])
    book.close()
