"""The one place riskreg writes workbooks: XlsxWriter with user text kept as text. No Flask here.

XlsxWriter was picked by measurement (``bench/export.py``): for 100,000 rows it writes in about 60 % of
openpyxl's write-only time with half the memory, and its ``constant_memory`` mode flushes each row as soon
as the next one starts, so a register of any size streams. The price is that, in that mode, each sheet
must be written top to bottom; ``Sheet`` keeps a cursor so builders cannot get that wrong by accident.

Every value goes through ``Sheet.put``: text is written as a string (never a formula, even when it starts
with ``=``) and, when Excel or LibreOffice could read it as one once a user edits the cell, with the quote
prefix a leading apostrophe would give. Dates are dates, numbers are numbers, enums are their labels.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import IO, Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from riskreg.catalogue import label_in, translate
from riskreg.enums import RiskLevel
from riskreg.exports.cells import (
    ERROR_CODES,
    FORMULA_STARTS,
    ILLEGAL_CHARACTERS_RE,
    needs_quote_prefix,
    safe_value,
    unique_sheet_title,
)
from riskreg.vocabulary import N_

#: Excel keeps at most this many characters in a cell.
CELL_TEXT_MAX = 32767
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: Text ``safe_value`` would change: a character XML cannot hold, or a CR.
_CHANGED_BY_SAFE_VALUE = re.compile(ILLEGAL_CHARACTERS_RE.pattern + "|\r")
#: First characters that make safe text quote-prefixed (as ``needs_quote_prefix``: after it, a CR is an LF).
_QUOTED_FIRST = frozenset((*FORMULA_STARTS, "\n"))


def _is_plain_text(value: str) -> bool:
    """Text ``Sheet.put`` writes as it is: unchanged by ``safe_value``, short enough, never quote-prefixed."""
    return (
        value != ""
        and value[0] not in _QUOTED_FIRST
        and value[0] != "#"
        and len(value) <= CELL_TEXT_MAX
        and not _CHANGED_BY_SAFE_VALUE.search(value)
    )


#: Excel number formats for dates, as the pages show them (see ``catalogue.DATE_PATTERNS``).
DATE_FORMATS = {"da": "dd-mm-yyyy", "en": "d mmm yyyy"}
DATETIME_FORMATS = {"da": "dd-mm-yyyy hh:mm", "en": "d mmm yyyy hh:mm"}

#: Fill and font colour of each risk level: the colours of the pages' level badges.
LEVEL_COLOURS: dict[RiskLevel, tuple[str, str]] = {
    RiskLevel.LOW: ("#E7F5EC", "#1B5E20"),
    RiskLevel.MEDIUM: ("#FFF6E0", "#7A5200"),
    RiskLevel.HIGH: ("#FDE7D6", "#8A3B00"),
    RiskLevel.VERY_HIGH: ("#B3261E", "#FFFFFF"),
}

_BASE = {"valign": "top", "font_name": "Calibri", "font_size": 11}
PLAIN = "plain"
#: How many distinct plain texts a sheet remembers (see ``Sheet.append``).
_PLAIN_TEXTS_KEPT = 4096
#: Styles in which an empty cell is not written at all.
_NOTHING_WHEN_EMPTY = frozenset({"text", PLAIN})
#: Named cell styles; builders ask for them by name.
STYLES: dict[str, dict[str, Any]] = {
    "text": {},
    # Excel's own cell style (no format written): single-line cells of a long table, where it saves time.
    "plain": {},
    "wrap": {"text_wrap": True},
    "number": {"align": "center"},
    "date": {"align": "left"},  # num_format is set per language
    "datetime": {"align": "left"},
    "header": {"bold": True, "text_wrap": True, "bg_color": "#DCE6F1", "bottom": 1},
    "title": {"bold": True, "font_size": 16},
    "subtitle": {"bold": True, "font_size": 12},
    "label": {"bold": True, "text_wrap": True},
    "note": {"italic": True, "font_color": "#595959", "text_wrap": True},
    "input": {"align": "center", "bg_color": "#FFFFFF", "border": 1, "border_color": "#A6A6A6"},
    **{
        f"level_{level.value}": {"align": "center", "bg_color": fill, "font_color": font, "border": 1}
        for level, (fill, font) in LEVEL_COLOURS.items()
    },
}


@dataclass(frozen=True)
class Column:
    """A column of a table sheet: its header label, width in characters and default style."""

    label: str
    width: float = 14
    style: str = "text"


class Book:
    """An XlsxWriter workbook in one language, with cached formats.

    ``streaming`` turns on ``constant_memory``: rows are flushed as they are written, so memory does not grow
    with the number of rows, and each sheet must be written top to bottom.
    """

    def __init__(self, target: str | IO[bytes], lang: str, *, streaming: bool = False) -> None:
        self.lang = lang
        self.streaming = streaming
        self.workbook = xlsxwriter.Workbook(
            target,
            {
                "constant_memory": streaming,
                # Defence in depth: ``put`` never calls ``write``, but if anything did, text stays text.
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
                "remove_timezone": True,
            },
        )
        self._formats: dict[tuple[str, bool], Format] = {}
        self._titles: set[str] = set()

    def style(self, name: str, *, quote: bool = False) -> Format:
        """The named style as a format; ``quote`` adds the quote prefix (text typed after an apostrophe)."""
        key = (name, quote)
        found = self._formats.get(key)
        if found is None:
            props = {**(_BASE if name != PLAIN else {}), **STYLES[name]}
            if name == "date":
                props["num_format"] = DATE_FORMATS.get(self.lang, DATE_FORMATS["en"])
            elif name == "datetime":
                props["num_format"] = DATETIME_FORMATS.get(self.lang, DATETIME_FORMATS["en"])
            if quote:
                props["quote_prefix"] = True
            found = self._formats[key] = self.workbook.add_format(props)
        return found

    def level_format(self, level: RiskLevel) -> Format:
        """Fill and font of a risk level, for conditional formats (no borders or alignment)."""
        fill, font = LEVEL_COLOURS[level]
        key = (f"cf_{level.value}", False)
        if key not in self._formats:
            self._formats[key] = self.workbook.add_format({"bg_color": fill, "font_color": font})
        return self._formats[key]

    def t(self, msgid: str, **params: object) -> str:
        """A message in the book's language."""
        return translate(self.lang, msgid, **params)

    def yes_no(self, value: bool) -> str:
        return self.t(N_("Yes")) if value else self.t(N_("No"))

    def sheet(self, title: str, columns: Sequence[Column] = ()) -> Sheet:
        """A new sheet with a sanitised, unique title; ``columns`` sets widths and default styles."""
        name = unique_sheet_title(title, self._titles)
        self._titles.add(name)
        return Sheet(self, self.workbook.add_worksheet(name), columns)

    def close(self) -> None:
        self.workbook.close()


class Sheet:
    """A worksheet written from the top down: ``row`` is the next row to write."""

    def __init__(self, book: Book, ws: Worksheet, columns: Sequence[Column]) -> None:
        self.book = book
        self.ws = ws
        self.columns = list(columns)
        self.row = 0
        self.header_row: int | None = None
        self._styles = [c.style for c in self.columns]
        self._formats: dict[str, Format | None] = {}
        self._column_formats: list[Format | None] | None = None
        # Text seen to need no change or quote prefix (a long table repeats names and labels): a set look-up
        # instead of the checks. Emptied when full, so memory stays flat however many rows there are.
        self._plain_texts: set[str] = set()
        for i, column in enumerate(self.columns):
            ws.set_column(i, i, column.width)

    @property
    def name(self) -> str:
        return str(self.ws.name)

    def put(self, row: int, col: int, value: Any, style: str = "text") -> None:
        """Write one value: text as text (quote-prefixed when it could read as a formula), dates as dates."""
        kind = type(value)
        # The common cases first, without the general path's checks (``append`` writes every cell here).
        if kind is str and value:
            text = safe_value(value) if _CHANGED_BY_SAFE_VALUE.search(value) else value
            if len(text) > CELL_TEXT_MAX:
                text = text[:CELL_TEXT_MAX]
            first = text[:1]
            if first in _QUOTED_FIRST or (first == "#" and text in ERROR_CODES):
                self.ws.write_string(row, col, text, self.book.style(style, quote=True))
            else:
                self.ws.write_string(row, col, text, self._format(style))
            return
        if kind is int or kind is float:
            self.ws.write_number(row, col, value, self._format(style))
            return
        if kind is dt.date:
            self.ws.write_datetime(row, col, value, self._format("date"))
            return
        ws = self.ws
        if value is None or value == "":
            if style not in _NOTHING_WHEN_EMPTY:
                ws.write_blank(row, col, None, self.book.style(style))
            return
        if isinstance(value, bool):
            value = self.book.yes_no(value)
        elif isinstance(value, StrEnum):
            value = label_in(self.book.lang, value)
        if isinstance(value, str):
            text = safe_value(value)[:CELL_TEXT_MAX]
            if needs_quote_prefix(text):
                ws.write_string(row, col, text, self.book.style(style, quote=True))
            else:
                ws.write_string(row, col, text, self._format(style))
        elif isinstance(value, dt.datetime):
            ws.write_datetime(row, col, value, self.book.style("datetime"))
        elif isinstance(value, dt.date):
            ws.write_datetime(row, col, value, self.book.style("date"))
        elif isinstance(value, int | float):
            ws.write_number(row, col, value, self._format(style))
        else:
            raise TypeError(f"cannot write {type(value).__name__} to a workbook")

    def _format(self, style: str) -> Format | None:
        """The unquoted format of a style, cached on the sheet (one dictionary look-up per cell).

        None for ``plain``: the cell gets no format at all, which XlsxWriter writes fastest.
        """
        try:
            return self._formats[style]
        except KeyError:
            found = self._formats[style] = None if style == PLAIN else self.book.style(style)
            return found

    def formula(self, row: int, col: int, formula: str, style: str = "number", value: Any = None) -> None:
        """A formula we wrote (never user text); ``value`` is the cached result shown before recalculation."""
        self.ws.write_formula(row, col, formula, self.book.style(style), value if value is not None else 0)

    def append(self, values: Sequence[Any], styles: Sequence[str | None] | None = None) -> int:
        """Write a row at the cursor, each value in its column's style unless ``styles`` says otherwise."""
        row = self.row
        put = self.put
        defaults = self._styles
        if styles is None and len(values) <= len(defaults):
            # The hot path of a long table: plain text that needs no change is written here, the rest by put.
            # XlsxWriter's undecorated write_string (the public one first checks for "A1" cell notation, which
            # costs about a tenth of a long export); the public method if a version lacks it.
            write_string = getattr(self.ws, "_write_string", self.ws.write_string)
            formats = self._column_formats
            if formats is None:
                formats = self._column_formats = [self._format(style) for style in defaults]
            plain = self._plain_texts
            for col, value in enumerate(values):
                if value is None:
                    if defaults[col] not in _NOTHING_WHEN_EMPTY:
                        put(row, col, value, defaults[col])
                # The type first: a StrEnum member equals its value, but it is written as its label.
                elif type(value) is not str:
                    put(row, col, value, defaults[col])
                elif value in plain:
                    write_string(row, col, value, formats[col])
                elif _is_plain_text(value):
                    write_string(row, col, value, formats[col])
                    if len(plain) >= _PLAIN_TEXTS_KEPT:
                        plain.clear()
                    plain.add(value)
                else:
                    put(row, col, value, defaults[col])
        elif styles is None:
            for col, value in enumerate(values):
                put(row, col, value, defaults[col] if col < len(defaults) else "text")
        else:
            for col, value in enumerate(values):
                style = styles[col] if col < len(styles) else None
                if style is None:
                    style = defaults[col] if col < len(defaults) else "text"
                put(row, col, value, style)
        self.row += 1
        return row

    def header(self, labels: Sequence[str] | None = None, *, freeze: bool = True) -> int:
        """The header row at the cursor (the columns' labels by default), frozen when it is the first."""
        labels = list(labels) if labels is not None else [c.label for c in self.columns]
        row = self.append(labels, ["header"] * len(labels))
        if freeze and self.header_row is None:
            self.ws.freeze_panes(row + 1, 0)
            self.ws.repeat_rows(row)
        if self.header_row is None:
            self.header_row = row
        return row

    def title(self, text: str, style: str = "title") -> int:
        row = self.append([text], [style])
        return row

    def note(self, text: str, span: int | None = None) -> int:
        """A line of explanation at the cursor (e.g. "nothing to show"), across ``span`` columns."""
        row = self.row
        span = span or max(len(self.columns), 1)
        if span > 1:
            self.ws.merge_range(row, 0, row, span - 1, "", self.book.style("note"))
        self.put(row, 0, text, "note")
        self.ws.set_row(row, 30 if len(text) > 80 else None)
        self.row += 1
        return row

    def skip(self, rows: int = 1) -> None:
        self.row += rows

    def facts(self, pairs: Iterable[tuple[str, Any]], value_style: str = "wrap") -> None:
        """Label / value rows at the cursor (a cover or details sheet)."""
        for label, value in pairs:
            self.append([label, value], ["label", value_style])

    def autofilter(self) -> None:
        """Filter buttons over the table from the header row to the last written row."""
        if self.header_row is not None and self.columns:
            self.ws.autofilter(self.header_row, 0, max(self.row - 1, self.header_row), len(self.columns) - 1)

    def print_setup(self, left: str, right: str, *, landscape: bool = True) -> None:
        """Landscape, fit to the page width, ``left`` and ``right`` in the header, page numbers below."""
        ws = self.ws
        if landscape:
            ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 0)
        ws.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.75)
        ws.set_header(f"&L{_escape(left)}&R{_escape(right)}")
        page = _escape(self.book.t(N_("Page %(page)s of %(pages)s"), page="{P}", pages="{N}"))
        ws.set_footer("&C" + page.replace("{P}", "&P").replace("{N}", "&N"))


#: Each side of a header gets at most this much text, so the whole stays within Excel's 255 characters.
_HEADER_PART_MAX = 100


def _escape(text: str) -> str:
    """Header and footer text: ``&`` starts a code, so a literal one is doubled; line breaks go."""
    text = safe_value(text).replace("\n", " ")[:_HEADER_PART_MAX]
    return text.replace("&", "&&")


def col_letter(col: int) -> str:
    """The column letters of a zero-based column index (0 -> A, 26 -> AA)."""
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def quote_sheet(name: str) -> str:
    """A sheet name as a formula refers to it: in apostrophes, an apostrophe in it doubled."""
    return "'" + name.replace("'", "''") + "'"
