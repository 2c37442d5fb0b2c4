"""One sheet of the register workbook as a Table, and what every sheet shares to make its rows."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import Executable
from sqlalchemy.orm import Session

from riskreg.catalogue import label_in, translate
from riskreg.countries.models import country_names
from riskreg.dpia import scoring
from riskreg.exports.xlsx import Column
from riskreg.systems.assessment import SourceChoice
from riskreg.systems.register_list import SystemFilter, system_list_ids
from riskreg.transfers import sources
from riskreg.vocabulary import N_

#: Rows fetched from the database at a time.
YIELD_PER = 500
#: Separates names aggregated in SQL; a name cannot hold it (names are whitespace-normalised).
SEP = "\x1f"

NO_LIST = N_("There is no official country list, so the transfers are not classified and verdicts are blank.")


@dataclass
class Table:
    """One sheet of the register workbook: its title, columns and rows (an iterator, read once).

    ``notes`` go above the header, ``empty`` below it when there are no rows; ``level_columns`` hold risk
    levels (coloured by conditional formatting); ``facts`` is a label/value sheet rather than a table.
    """

    title: str
    columns: list[Column]
    rows: Iterator[Sequence[Any]]
    notes: list[str] = field(default_factory=list)
    empty: str = ""
    level_columns: tuple[int, ...] = ()
    facts: bool = False


class Words:
    """Everything a row needs in the reader's language, looked up once."""

    def __init__(self, session: Session, lang: str) -> None:
        self.lang = lang
        self.countries = country_names(session, lang)
        self._labels: dict[type[StrEnum], dict[str, str]] = {}
        self.yes, self.no = translate(lang, N_("Yes")), translate(lang, N_("No"))
        self._country_lists: dict[str, str] = {}
        # L × C takes the values 1..16; the level of each, in words.
        self.levels = {points: label_in(lang, scoring.level_of_score(points)) for points in range(1, 17)}

    def t(self, msgid: str, **params: object) -> str:
        return translate(self.lang, msgid, **params)

    def labels(self, enum_cls: type[StrEnum]) -> dict[str, str]:
        """value -> label of every member (a member looks itself up too: a StrEnum hashes as its value)."""
        found = self._labels.get(enum_cls)
        if found is None:
            found = self._labels[enum_cls] = {m.value: label_in(self.lang, m) for m in enum_cls}
        return found

    def country(self, code: str | None) -> str | None:
        return self.countries.get(code, code) if code else None

    def country_list(self, codes: str | None) -> str | None:
        """Comma-separated codes aggregated in SQL as names, sorted (cached: many rows share one set)."""
        if not codes:
            return None
        found = self._country_lists.get(codes)
        if found is None:
            names = {self.countries.get(c, c) for c in codes.split(",")}
            found = self._country_lists[codes] = ", ".join(sorted(names, key=str.lower))
        return found


def sorted_names(aggregated: str | None) -> str | None:
    """Names aggregated in SQL with ``SEP`` as a sorted, comma-separated list."""
    if not aggregated:
        return None
    return ", ".join(sorted(set(aggregated.split(SEP)), key=lambda n: (n.lower(), n)))


def stream(session: Session, stmt: Executable) -> Iterator[Any]:
    """The rows of ``stmt``, fetched ``YIELD_PER`` at a time (Core: no ORM loading per row).

    The result is closed when the rows run out or the reader stops early (an error while writing): on
    PostgreSQL it is a server-side cursor, which must not outlive the export.
    """
    with session.connection().execute(stmt.execution_options(yield_per=YIELD_PER)) as result:
        yield from result


def counted(rows: Iterable[Sequence[Any]], counts: dict[str, int], key: str) -> Iterator[Sequence[Any]]:
    """``rows``, noting how many there were in ``counts[key]`` once they are read."""
    n = 0
    for n, row in enumerate(rows, 1):  # noqa: B007 - n is the count afterwards
        yield row
    counts[key] = n


@dataclass
class Export:
    """What every sheet of one export shares."""

    session: Session
    words: Words
    choice: SourceChoice
    flt: SystemFilter
    sort: str
    # The verdicts the page shows: stored (None) for today's official list, else computed for the choice.
    source: sources.ListSource | None
    counts: dict[str, int]

    def ids(self, *, ordered: bool = False) -> Any:
        """The exported systems (``system_id``, and ``position`` when ``ordered``) as a subquery."""
        return system_list_ids(self.flt, self.source, sort=self.sort if ordered else None).subquery(
            "exported_ordered" if ordered else "exported"
        )

    def t(self, msgid: str, **params: object) -> str:
        return self.words.t(msgid, **params)

    def columns(self, spec: Sequence[tuple[str, float, str]]) -> list[Column]:
        return [Column(self.t(label), width, style) for label, width, style in spec]
