"""The register workbook for the steering group (domain §7), streamed row by row. No Flask here.

Sheets: the systems the register page lists (same filters, same list, same order), their vendors, the vendors'
live sub-processors, every transfer of those systems, with a scenario the systems it changes, and last a sheet
saying what was exported (date, list, scenario, filters, rows per sheet).

Each sheet is a ``Table`` whose rows come straight from one SQL query (aggregates per system joined in the
database, streamed with ``yield_per``) as plain values: text already in the reader's language, numbers, dates,
None. Per row, Python only looks values up in dictionaries made once (labels of enums, country names, the
reasons of a recipient location, which are the same for every system it serves). ``build_register_workbook``
writes them with ``Book(streaming=True)``, so neither the register nor the workbook is held in memory.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import IO, Any

from sqlalchemy import literal, select
from sqlalchemy.orm import Session

from riskreg.catalogue import format_day, label_in, translate
from riskreg.enums import RiskLevel
from riskreg.errors import DomainError
from riskreg.exports.cells import file_name
from riskreg.exports.register.about_sheet import about_table
from riskreg.exports.register.scenario_sheet import NO_CHANGES, scenario_table
from riskreg.exports.register.sheet import NO_LIST, Export, Table, Words
from riskreg.exports.register.systems_sheet import systems_table
from riskreg.exports.register.transfers_sheet import transfers_table
from riskreg.exports.register.vendors_sheets import NO_SUB_PROCESSORS, sub_processors_table, vendors_table
from riskreg.exports.xlsx import Book
from riskreg.systems.assessment import SourceChoice
from riskreg.systems.register_list import SystemFilter
from riskreg.transfers import sources
from riskreg.vocabulary import N_

REGISTER = N_("Register")
NO_SYSTEMS = N_("No systems match the filters.")


def register_tables(
    session: Session,
    lang: str,
    *,
    choice: SourceChoice,
    flt: SystemFilter | None = None,
    sort: str = "name",
    today: dt.date | None = None,
) -> Iterator[Table]:
    """The sheets of the register workbook, in order, each streaming its rows from the database.

    Read each table's rows before asking for the next table: the last sheet reports how many rows each had.
    """
    day = today or dt.date.today()
    x = Export(
        session=session,
        words=Words(session, lang),
        choice=choice,
        flt=flt or SystemFilter(),
        sort=sort,
        source=choice.source if choice.is_computed else None,
        counts={},
    )
    any_system = session.scalar(select(literal(1)).select_from(x.ids()).limit(1)) is not None
    nothing = x.t(NO_SYSTEMS)
    tables: list[tuple[str, Callable[[], Table]]] = [
        ("systems", lambda: systems_table(x, nothing)),
        ("vendors", lambda: vendors_table(x, nothing)),
        (
            "sub_processors",
            lambda: sub_processors_table(x, x.t(NO_SUB_PROCESSORS) if any_system else nothing),
        ),
        ("transfers", lambda: transfers_table(x, nothing)),
    ]
    scenario = choice.scenario
    if scenario is not None and choice.source is not None:
        try:
            sources.official_source(session, choice.as_of, lang)
        except DomainError:  # pragma: no cover - choose_source found a list in force on that date
            scenario = None
    if scenario is not None and choice.source is not None:
        tables.append(
            ("scenario", lambda: scenario_table(x, scenario, x.t(NO_CHANGES) if any_system else nothing))
        )
    titles: dict[str, str] = {}
    for key, make in tables:
        table = make()
        titles[key] = table.title
        yield table
    yield about_table(x, day, titles)


def build_register_workbook(
    session: Session,
    target: str | IO[bytes],
    lang: str = "da",
    *,
    choice: SourceChoice,
    flt: SystemFilter | None = None,
    sort: str = "name",
    today: dt.date | None = None,
) -> dict[str, int]:
    """Write the register workbook to ``target``; returns the number of data rows per sheet title."""
    day = today or dt.date.today()
    book = Book(target, lang, streaming=True)
    listed = choice.source.label(lang) if choice.source is not None else translate(lang, NO_LIST)
    left = f"{translate(lang, REGISTER)} – {listed}"
    right = format_day(lang, day)
    counts: dict[str, int] = {}
    try:
        for table in register_tables(session, lang, choice=choice, flt=flt, sort=sort, today=day):
            sheet = book.sheet(table.title, table.columns)
            counts[sheet.name] = _write(book, sheet, table)
            sheet.print_setup(left, right)
    finally:
        book.close()
    return counts


def _write(book: Book, sheet: Any, table: Table) -> int:
    """Write one table at the sheet's cursor; the number of data rows."""
    if table.facts:
        sheet.title(table.title)
        sheet.skip()
        n = 0
        for n, (label, value) in enumerate(table.rows, 1):  # noqa: B007 - n is the count afterwards
            sheet.append([label, value], ["label", "wrap"])
        return n
    for note in table.notes:
        sheet.note(note)
    sheet.header()
    first = sheet.row
    append = sheet.append
    for row in table.rows:
        append(row)
    n = sheet.row - first
    if n == 0 and table.empty:
        sheet.autofilter()
        sheet.note(table.empty)
        return 0
    sheet.autofilter()
    for col in table.level_columns:
        for level in RiskLevel:
            sheet.ws.conditional_format(
                first,
                col,
                sheet.row - 1,
                col,
                {
                    "type": "cell",
                    "criteria": "==",
                    "value": '"' + label_in(book.lang, level).replace('"', '""') + '"',
                    "format": book.level_format(level),
                },
            )
    return n


def register_file_name(lang: str, day: dt.date, scenario: str | None = None) -> str:
    """The download name, e.g. "Register - 2026-11-25.xlsx" (with the scenario's name when there is one)."""
    parts = [translate(lang, REGISTER), day.isoformat()]
    if scenario:
        parts.append(scenario)
    return file_name(" - ".join(parts))
