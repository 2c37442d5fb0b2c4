"""Formula-injection values stay text in Excel files; sheet titles and file names are sanitised."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from riskreg.exports.cells import (
    ILLEGAL_CHARACTERS_RE,
    file_name,
    needs_quote_prefix,
    safe_value,
    sheet_title,
    unique_sheet_title,
)
from riskreg.exports.xlsx import Book, Column
from tests.exports.helpers import convert, needs_soffice

INJECTIONS = ['=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)", "\t=1+2", "\r=1+2", "#N/A", "=1"]
ORDINARY: list[Any] = [
    "Løn og personale",
    42,
    3.5,
    dt.date(2024, 5, 1),
    dt.datetime(2024, 5, 1, 12, 30),
    None,
]


def shown(value: str) -> str:
    """What a cell shows for typed text: XML readers turn a CR into LF (see safe_value)."""
    return value.replace("\r", "\n")


def book_bytes(values: list[Any], *, streaming: bool) -> bytes:
    out = io.BytesIO()
    book = Book(out, "da", streaming=streaming)
    sheet = book.sheet("Data", [Column("A"), Column("B")])
    for value in values:
        # A plain value after the cell checks that the next cell of the row is not touched.
        sheet.append([value, "after"])
    book.close()
    return out.getvalue()


def normal_workbook(values: list[Any]) -> bytes:
    return book_bytes(values, streaming=False)


def streaming_workbook(values: list[Any]) -> bytes:
    return book_bytes(values, streaming=True)


WRITERS = pytest.mark.parametrize("write", [normal_workbook, streaming_workbook], ids=["normal", "streaming"])


@WRITERS
def test_injection_values_come_back_as_plain_text(write: Callable[[list[Any]], bytes]) -> None:
    data = write(INJECTIONS + ORDINARY)
    ws = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    cells = [row[0] for row in ws.iter_rows(max_row=len(INJECTIONS) + len(ORDINARY))]
    for cell, typed in zip(cells, INJECTIONS, strict=False):
        assert (cell.value, cell.data_type, cell.quotePrefix) == (shown(typed), "s", True), typed
    values = [cell.value for cell in cells[len(INJECTIONS) :]]
    assert values == [
        "Løn og personale",
        42,
        3.5,
        dt.datetime(2024, 5, 1),
        dt.datetime(2024, 5, 1, 12, 30),
        None,
    ]
    assert not cells[len(INJECTIONS)].quotePrefix  # ordinary text is not prefixed
    sheet_xml = zipfile.ZipFile(io.BytesIO(data)).read(
        next(n for n in zipfile.ZipFile(io.BytesIO(data)).namelist() if n.startswith("xl/worksheets/sheet"))
    )
    assert b"<f>" not in sheet_xml and b"<f " not in sheet_xml


@WRITERS
def test_illegal_xml_characters_are_dropped(write: Callable[[list[Any]], bytes]) -> None:
    data = write(["a\x00b\x1fc", "\x01=1"])
    ws = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    assert [(c.value, c.data_type, c.quotePrefix) for (c,) in ws.iter_rows(max_col=1)] == [
        ("abc", "s", False),
        ("=1", "s", True),
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("a\r\nb", "a\nb"), ("a\rb", "a\nb"), ("æøå", "æøå"), (b"=1", "=1"), (7, 7), (None, None)],
)
def test_safe_value(value: Any, expected: Any) -> None:
    assert safe_value(value) == expected


@pytest.mark.parametrize("value", [*INJECTIONS, "\n=1"])
def test_needs_quote_prefix(value: str) -> None:
    assert needs_quote_prefix(value)
    assert not needs_quote_prefix("a=1") and not needs_quote_prefix(-2)


@needs_soffice
@WRITERS
def test_libreoffice_shows_the_text_as_typed(write: Callable[[list[Any]], bytes], tmp_path: Path) -> None:
    shown_csv = convert(write(INJECTIONS), tmp_path, "csv", name="in")
    with shown_csv.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert [row[0] for row in rows] == [shown(v) for v in INJECTIONS]


def is_valid_title(title: str) -> bool:
    return (
        0 < len(title.encode("utf-16-le")) // 2 <= 31
        and not re.search(r"[\[\]:*?/\\]", title)
        and not title.startswith("'")
        and not title.endswith("'")
        and not ILLEGAL_CHARACTERS_RE.search(title)
        and title.casefold() != "history"
    )


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("Økonomi: løn/personale [2024]?", "Økonomi løn personale 2024"),
        ("'quoted'", "quoted"),
        ("", "_"),
        ("***", "_"),
        ("History", "History_"),
        ("x" * 40, "x" * 31),
        ("😀" * 20, "😀" * 15),
    ],
)
def test_sheet_title_examples(name: str, title: str) -> None:
    assert sheet_title(name) == title


def test_sheet_title_fallback() -> None:
    assert sheet_title("[]", fallback="Ark") == "Ark"


@given(st.text())
def test_sheet_title_is_always_valid(name: str) -> None:
    title = sheet_title(name)
    assert is_valid_title(title)
    openpyxl.Workbook().create_sheet(title)  # accepted without error or warning


def test_unique_sheet_title_examples() -> None:
    assert unique_sheet_title("Risici", set()) == "Risici"
    assert unique_sheet_title("risici", {"RISICI"}) == "risici (2)"
    assert unique_sheet_title("Risici", {"Risici", "risici (2)"}) == "Risici (3)"
    assert unique_sheet_title("x" * 40, {"x" * 31}) == "x" * 27 + " (2)"


@given(st.lists(st.text(max_size=40), max_size=15))
def test_unique_sheet_title_never_collides(names: list[str]) -> None:
    taken: set[str] = set()
    for name in names:
        title = unique_sheet_title(name, taken)
        assert is_valid_title(title)
        assert title.casefold() not in {t.casefold() for t in taken}
        taken.add(title)


@pytest.mark.parametrize(
    ("stem", "name"),
    [
        ("Løn & Personale (ØSA)", "Løn & Personale (ØSA).xlsx"),
        ("../../etc/passwd", "_.._etc_passwd.xlsx"),
        ('a<b>c:"d"|e?f*', "a_b_c_d_e_f_.xlsx"),
        ("...hidden", "hidden.xlsx"),
        ("CON", "_CON.xlsx"),
        ("com1.backup", "_com1.backup.xlsx"),
        ("LPT¹", "_LPT¹.xlsx"),
        ("Console", "Console.xlsx"),
        ("", "riskreg.xlsx"),
        ("///", "riskreg.xlsx"),
        ("a\u202exslx.exe", "a xslx.exe.xlsx"),
        ("line\nbreak\ttab", "line break tab.xlsx"),
    ],
)
def test_file_name_examples(stem: str, name: str) -> None:
    assert file_name(stem) == name


def test_file_name_length_and_suffix() -> None:
    assert len(file_name("å" * 300)) == 100
    assert file_name("Register", ".csv") == "Register.csv"


@given(st.text(), st.sampled_from([".xlsx", ".csv", ""]))
def test_file_name_is_always_safe(stem: str, suffix: str) -> None:
    name = file_name(stem, suffix)
    assert name and name.endswith(suffix) and name != suffix
    assert len(name) <= 100 and len(name.encode()) <= 255
    assert not re.search(r'[<>:"/\\|?*\x00-\x1f\x7f]', name)
    assert not name.startswith(".") and not name.endswith((" ", "."))
    root = name.split(".", 1)[0].upper()
    assert root not in {"CON", "PRN", "AUX", "NUL"} and not re.fullmatch(r"(COM|LPT)[1-9¹²³]", root)
