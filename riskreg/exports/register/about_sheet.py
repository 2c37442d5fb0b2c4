"""The last sheet, saying what was exported: date, list, scenario, filters and rows per sheet."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from enum import StrEnum
from typing import Any

from sqlalchemy import select

from riskreg.catalogue import format_day, label_in
from riskreg.exports.register.scenario_sheet import TITLE_SCENARIO
from riskreg.exports.register.sheet import NO_LIST, Export, Table
from riskreg.exports.xlsx import Column
from riskreg.systems.models import Department
from riskreg.vendors.models import Vendor
from riskreg.vocabulary import N_

TITLE_ABOUT = N_("About this export")


def _filters(x: Export) -> list[tuple[str, Any]]:
    """The register page's filters and sort, in words."""
    w, flt, session = x.words, x.flt, x.session
    every = w.t(N_("All"))
    department = vendor = None
    if flt.department_id is not None:
        department = session.scalar(select(Department.name).where(Department.id == flt.department_id))
    if flt.vendor_id is not None:
        vendor = session.scalar(select(Vendor.name).where(Vendor.id == flt.vendor_id))
    sort_labels = {
        "name": N_("System"),
        "vendor": N_("Vendor"),
        "status": N_("Status"),
        "review": N_("Next review"),
        "journal": N_("Journal number"),
        "verdict": N_("Verdict"),
        "outcome": N_("Outcome"),
    }
    sort = w.t(sort_labels.get(x.sort.lstrip("-"), N_("System")))
    if x.sort.startswith("-"):
        sort = w.t(N_("%(column)s, descending"), column=sort)

    def enum_or_all(value: StrEnum | None) -> str:
        return label_in(w.lang, value) if value is not None else every

    return [
        (w.t(N_("Search")), flt.q or every),
        (w.t(N_("Status")), enum_or_all(flt.status)),
        (w.t(N_("Department")), department or every),
        (w.t(N_("Vendor")), vendor or every),
        (w.t(N_("Country")), w.country(flt.country) or every),
        (w.t(N_("Verdict")), enum_or_all(flt.verdict)),
        (w.t(N_("Outcome")), enum_or_all(flt.outcome)),
        (w.t(N_("Show archived")), w.yes if flt.archived else w.no),
        (w.t(N_("Sorted by")), sort),
    ]


def about_table(x: Export, day: dt.date, titles: dict[str, str]) -> Table:
    """Label/value rows: the date, the list, the scenario, the filters and the rows of each sheet."""
    w, choice = x.words, x.choice

    def rows() -> Iterator[Sequence[Any]]:
        yield (w.t(N_("Exported on")), format_day(w.lang, day))
        listed = choice.source.label(w.lang) if choice.source is not None else w.t(NO_LIST)
        yield (w.t(N_("Country list")), listed)
        yield (w.t(N_("As of")), format_day(w.lang, choice.as_of))
        yield (
            w.t(TITLE_SCENARIO),
            choice.scenario.name if choice.scenario else w.t(N_("None (the official list)")),
        )
        for message in choice.messages:
            yield (w.t(N_("Note")), message)
        yield from _filters(x)
        # The sheets before this one have been read by now, so their counts are known.
        for key, title in titles.items():
            yield (w.t(N_("Rows in %(sheet)s"), sheet=title), x.counts.get(key, 0))

    columns = [Column(w.t(N_("What")), 34, "label"), Column(w.t(N_("Value")), 80, "wrap")]
    return Table(w.t(TITLE_ABOUT), columns, rows(), facts=True)
