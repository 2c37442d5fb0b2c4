"""The register workbook for the steering group (DESIGN §7), streamed row by row. No Flask here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from sqlalchemy.orm import Session

from riskreg.exports.xlsx import Column
from riskreg.systems.assessment import SourceChoice
from riskreg.systems.services import SystemFilter


@dataclass
class Table:
    """One sheet of the register workbook: its title, columns and rows (an iterator, read once)."""

    title: str
    columns: list[Column]
    rows: Iterator[Sequence[Any]]


def register_tables(
    session: Session,
    lang: str,
    *,
    choice: SourceChoice,
    flt: SystemFilter | None = None,
    sort: str = "name",
    today: dt.date | None = None,
) -> Iterator[Table]:
    """The sheets of the register workbook, in order, each streaming its rows from the database."""
    raise NotImplementedError


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
    raise NotImplementedError


def register_file_name(lang: str, day: dt.date, scenario: str | None = None) -> str:
    """The download name, e.g. "Register - 2026-11-25.xlsx" (with the scenario's name when there is one)."""
    raise NotImplementedError
