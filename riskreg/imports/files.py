"""Reading the tables users import: CSV or XLSX, forgiving of real files, strict about bad ones. No Flask.

``read_table`` takes the uploaded bytes and returns a ``Table``: its header and its rows, each with the row
number a person sees in a spreadsheet program (the header is row 1). It checks the real type of the
file, not its name:

- an XLSX must be a valid workbook (a zip holding ``[Content_Types].xml``), and the sum of its members'
  decompressed sizes is limited (a zip bomb is refused before anything is decompressed);
- a CSV is UTF-8 (with or without a byte-order mark), else Windows-1252; the delimiter is ``,`` or ``;``;
- empty and malformed files, and files over the size limit, are refused.

Every refusal is an ``ImportRefused`` holding one or more ``Problem``s (row, column, message id, parameters),
translated where they are shown, so the same checks serve the pages and the CLI.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from riskreg.catalogue import translate
from riskreg.imports.names import fold
from riskreg.vocabulary import N_

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
#: The most an XLSX may decompress to, and the highest compression ratio of any of its members.
DEFAULT_MAX_UNZIPPED = 100 * 1024 * 1024
MAX_RATIO = 200
MAX_ROWS = 200_000
MAX_COLUMNS = 200


@dataclass(frozen=True)
class Problem:
    """What is wrong, where: ``row`` as a spreadsheet numbers it (None: the whole file), ``column``."""

    msgid: str
    params: dict[str, Any] = field(default_factory=dict)
    row: int | None = None
    column: str | None = None

    def message(self, lang: str) -> str:
        return translate(lang, self.msgid, **self.params)

    def describe(self, lang: str) -> str:
        """The message with its place, as one line for the CLI."""
        if self.row is None:
            return self.message(lang)
        where = translate(lang, N_("Row %(row)s"), row=self.row)
        if self.column:
            where = translate(lang, N_("Row %(row)s, column %(column)s"), row=self.row, column=self.column)
        return f"{where}: {self.message(lang)}"


class ImportRefused(Exception):
    """The import changes nothing; ``problems`` says every reason found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("; ".join(p.msgid for p in problems))
        self.problems = list(problems)

    @classmethod
    def single(cls, msgid: str, **params: Any) -> ImportRefused:
        return cls([Problem(msgid, params)])


@dataclass(frozen=True)
class Row:
    number: int  # as a spreadsheet numbers it: the header is row 1
    values: dict[str, str]  # header -> cell text, stripped; missing cells are ""


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[Row]
    kind: str  # "csv" or "xlsx"
    encoding: str | None = None
    delimiter: str | None = None

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)

    def to_json(self) -> dict[str, Any]:
        """The table as JSON, for a batch kept for its mapping step: each row's cells in header order."""
        return {
            "headers": self.headers,
            "kind": self.kind,
            "rows": [[row.number, [row.values.get(h, "") for h in self.headers]] for row in self.rows],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Table:
        """The table ``to_json`` kept (an empty table for nothing kept)."""
        headers = list(data.get("headers", []))
        rows = [
            Row(int(number), dict(zip(headers, cells, strict=False)))
            for number, cells in data.get("rows", [])
        ]
        return cls(headers, rows, str(data.get("kind", "csv")))


@dataclass(frozen=True)
class Limits:
    max_bytes: int = DEFAULT_MAX_BYTES
    max_unzipped: int = DEFAULT_MAX_UNZIPPED
    max_rows: int = MAX_ROWS


# --- dates -------------------------------------------------------------------------------------------------

DMY = re.compile(r"^(\d{1,2})[-./](\d{1,2})[-./](\d{4})$")
ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+)?$")
SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")
#: Excel's day zero (it counts 1900 as a leap year, so serials from March 1900 on start here).
EXCEL_EPOCH = dt.date(1899, 12, 30)
#: Serial numbers read as dates: 1954 to 2119; other numbers are more likely a mistake than a date.
SERIAL_RANGE = (20_000, 80_000)


def parse_date(text: str) -> dt.date | None:
    """dd-mm-yyyy (or with . or /), yyyy-mm-dd (a time after it is ignored), or an Excel serial number."""
    text = text.strip()
    try:
        if match := DMY.match(text):
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day)
        if match := ISO.match(text):
            year, month, day = (int(g) for g in match.groups())
            return dt.date(year, month, day)
    except ValueError:
        return None
    if SERIAL.match(text):
        serial = float(text)
        if SERIAL_RANGE[0] <= serial <= SERIAL_RANGE[1]:
            return EXCEL_EPOCH + dt.timedelta(days=int(serial))
    return None


# --- headers ------------------------------------------------------------------------------------------------

_NOT_LETTER = re.compile(r"[^0-9a-zæøå]+")


def header_key(text: str) -> str:
    """A header as compared: no case, accents (æ, ø and å stay), spaces, underscores, hyphens or marks.

    "processing_countries", "Processing Countries" and " processing-countries: " have one key; so have
    "Sub-processor name" and "subprocessor_name".
    """
    return _NOT_LETTER.sub("", fold(str(text)))


def match_columns(headers: Sequence[str], synonyms: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """field -> the file's header for it, by ``header_key``; each header serves one field.

    Fields are taken in the order of ``synonyms``, and within a field its first synonym the file has wins.
    """
    by_key: dict[str, str] = {}
    for header in headers:
        if header:
            by_key.setdefault(header_key(header), header)
    columns: dict[str, str] = {}
    used: set[str] = set()
    for name, variants in synonyms.items():
        for variant in (name, *variants):
            found = by_key.get(header_key(variant))
            if found is not None and found not in used:
                columns[name] = found
                used.add(found)
                break
    return columns


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.0f}"


def read_table(data: bytes, limits: Limits | None = None) -> Table:
    """The table in ``data`` (CSV or XLSX, told apart by content); ``ImportRefused`` for anything bad."""
    limits = limits or Limits()
    if len(data) > limits.max_bytes:
        raise ImportRefused.single(
            N_("The file is larger than %(limit)s MB."), limit=_megabytes(limits.max_bytes)
        )
    if not data.strip():
        raise ImportRefused.single(N_("The file is empty."))
    if data[:4] == b"PK\x03\x04":
        rows = _read_xlsx(data, limits)
        table = Table([], [], "xlsx")
    elif data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportRefused.single(
            N_("This is an old Excel file (.xls). Save it as .xlsx or CSV and try again.")
        )
    else:
        text, encoding = _decode(data)
        rows, delimiter = _read_csv(text)
        table = Table([], [], "csv", encoding, delimiter)
    return _build(table, rows, limits)


def read_file(path: Path, limits: Limits | None = None) -> bytes:
    """A file's bytes, but never more than one byte past the limit: enough for ``read_table`` to refuse it."""
    limits = limits or Limits()
    with path.open("rb") as f:
        return f.read(limits.max_bytes + 1)


def read_text(text: str, limits: Limits | None = None) -> Table:
    """A table pasted into a form: tab-separated (as copied from a spreadsheet), or CSV."""
    limits = limits or Limits()
    if len(text.encode("utf-8")) > limits.max_bytes:
        raise ImportRefused.single(
            N_("The text is longer than %(limit)s MB."), limit=_megabytes(limits.max_bytes)
        )
    if not text.strip():
        raise ImportRefused.single(N_("Nothing was pasted."))
    first = text.strip().splitlines()[0]
    if "\t" in first:
        lines = enumerate((line.split("\t") for line in text.splitlines()), start=1)
        return _build(Table([], [], "text"), [(n, cells) for n, cells in lines if _filled(cells)], limits)
    rows, delimiter = _read_csv(text)
    return _build(Table([], [], "text", None, delimiter), rows, limits)


def _decode(data: bytes) -> tuple[str, str]:
    if b"\x00" in data[:4096]:
        # UTF-16 exports and binary files: neither is a CSV we read.
        raise ImportRefused.single(
            N_("The file is neither a CSV file (UTF-8 or Windows-1252) nor an XLSX workbook.")
        )
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError as exc:
        raise ImportRefused.single(
            N_("The file is neither a CSV file (UTF-8 or Windows-1252) nor an XLSX workbook.")
        ) from exc


def _filled(cells: Sequence[str]) -> bool:
    return any(cell.strip() for cell in cells)


def _read_csv(text: str) -> tuple[list[tuple[int, list[str]]], str]:
    """The non-empty rows with their line numbers, and the delimiter."""
    lines = text.splitlines()
    header_line = next((line for line in lines if line.strip()), "")
    # The delimiter is the one of , and ; that the header uses more (a name with a comma is quoted).
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows = []
    try:
        for cells in reader:
            if _filled(cells):
                # The line the row ends on (a quoted cell may span lines) is where a person finds it.
                rows.append((reader.line_num, cells))
    except csv.Error as exc:
        raise ImportRefused(
            [Problem(N_("The CSV file is malformed: %(reason)s."), {"reason": str(exc)}, row=reader.line_num)]
        ) from exc
    return rows, delimiter


def _read_xlsx(data: bytes, limits: Limits) -> list[tuple[int, list[str]]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ImportRefused.single(N_("The file is not a valid XLSX workbook.")) from exc
    names = {m.filename for m in members}
    if "[Content_Types].xml" not in names:
        raise ImportRefused.single(N_("The file is not a valid XLSX workbook."))
    total = sum(m.file_size for m in members)
    worst = max((m.file_size / max(m.compress_size, 1) for m in members), default=0)
    if total > limits.max_unzipped or worst > MAX_RATIO:
        raise ImportRefused.single(
            N_(
                "The workbook unpacks to more than %(limit)s MB, or is compressed suspiciously; "
                "it was not read."
            ),
            limit=_megabytes(limits.max_unzipped),
        )
    # python-calamine reads the cells' stored values (a formula is never evaluated) and is several times
    # faster than openpyxl (bench/read_tables.py).
    from python_calamine import CalamineWorkbook  # imported here: only workbooks need it

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        if not book.sheet_names:
            raise ImportRefused.single(N_("The workbook has no sheets."))
        sheet = book.get_sheet_by_index(0)
        # skip_empty_area=False: the rows keep the numbers a spreadsheet program shows.
        values = sheet.to_python(skip_empty_area=False, nrows=limits.max_rows + 2 + _LEADING_EMPTY)
    except ImportRefused:
        raise
    except Exception as exc:  # calamine raises several kinds for a broken workbook
        raise ImportRefused.single(N_("The file is not a valid XLSX workbook.")) from exc
    rows: list[tuple[int, list[str]]] = []
    for number, cells_in in enumerate(values, start=1):
        cells = [_cell_text(v) for v in cells_in]
        if _filled(cells):
            rows.append((number, cells))
        if len(rows) > limits.max_rows + 1:
            break
    return rows


#: Empty rows above the header that are read besides the row limit.
_LEADING_EMPTY = 1000


def _cell_text(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return str(value)
    if hasattr(value, "isoformat"):
        text = value.isoformat()
        return text[:10] if text.endswith("T00:00:00") else text
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _build(table: Table, rows: Sequence[tuple[int, Sequence[str]]], limits: Limits) -> Table:
    """The header is the first non-empty row; each other row keeps the number a spreadsheet shows."""
    if not rows:
        raise ImportRefused.single(N_("The file is empty."))
    (_header_number, headers), body = rows[0], rows[1:]
    clean = [" ".join(str(h).split()) for h in headers]
    if len(clean) > MAX_COLUMNS:
        raise ImportRefused.single(N_("The file has more than %(n)s columns."), n=MAX_COLUMNS)
    if not any(clean):
        raise ImportRefused.single(N_("The first row must name the columns."))
    seen: set[str] = set()
    for name in clean:
        if name and name.lower() in seen:
            raise ImportRefused.single(N_("The column %(name)s appears twice."), name=name)
        seen.add(name.lower())
    if len(body) > limits.max_rows:
        raise ImportRefused.single(N_("The file has more than %(n)s rows."), n=limits.max_rows)
    built = []
    problems = []
    for number, cells in body:
        values = {h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(clean) if h}
        built.append(Row(number, values))
        # In a text table more cells than headers means a value was cut at an unquoted delimiter ("Zoom
        # Video Communications, Inc."), which shifts the cells after it: refuse rather than read them wrongly.
        # A workbook's (or a pasted spreadsheet's) cells cannot shift; values beside its table are notes
        # and are left out.
        if table.delimiter is not None and _filled(cells[len(clean) :]):
            problems.append(
                Problem(
                    N_(
                        "The row has %(cells)s cells but the header names %(columns)s columns: put a value "
                        "holding the delimiter (%(delimiter)s) in double quotes."
                    ),
                    {"cells": len(cells), "columns": len(clean), "delimiter": table.delimiter},
                    row=number,
                )
            )
    if problems:
        raise ImportRefused(problems)
    return Table(clean, built, table.kind, table.encoding, table.delimiter)
