"""The Data Privacy Framework list: read it, match its organisations to the register's. No Flask, no session.

Reading (``parse``): the list as published, CSV or XLSX, with a column for the organisation's name and one for
its status (Active / Inactive), and optionally its frameworks and covered data. Columns are found by their
header, whatever the case and in the usual variants; every bad row is reported, all at once.

Matching (``match``): a vendor or sub-processor *matches* an entry when their names are equal once normalised
(``riskreg.imports.names``), or when the entry's name is the one recorded as its DPF listing; only those
change anything without a person. A name that is merely close (rapidfuzz ``token_sort_ratio`` of at least
``REVIEW_CUTOFF``) goes to *review*. The rule never lets a subsidiary inherit its parent's listing: "Microsoft
Ireland Operations Ltd" and "Microsoft Corporation" are different names, and closeness alone changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz, process

from riskreg.enums import DpfStatus
from riskreg.imports.files import ImportRefused, Limits, Problem, Table, read_table
from riskreg.imports.names import fold, normalise
from riskreg.vocabulary import N_

#: The least rapidfuzz score (0-100, on normalised names) that puts a pair before a person.
REVIEW_CUTOFF = 85
#: How many register names are compared with the whole list at once (bounds memory; paces progress).
CHUNK = 2000
#: The longest name a review can hold (``DpfReview.listed_name``).
NAME_MAX = 300

VENDOR = "vendor"
SUB_PROCESSOR = "sub_processor"


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # as the published list names it
    variants: tuple[str, ...]  # header texts accepted, compared by ``_header_key``
    required: bool


COLUMNS = (
    Column(
        "name",
        "Organization Name",
        ("Organization Name", "Organisation Name", "Organization", "Organisation", "Name", "Company Name"),
        True,
    ),
    Column("status", "Status", ("Status", "Participation Status", "DPF Status"), True),
    Column("frameworks", "Frameworks", ("Frameworks", "Framework"), False),
    Column("covered_data", "Covered Data", ("Covered Data", "Data Covered"), False),
)

STATUSES = {
    "active": DpfStatus.ACTIVE,
    "inactive": DpfStatus.INACTIVE,
    # As a Danish user may have re-typed them.
    "aktiv": DpfStatus.ACTIVE,
    "inaktiv": DpfStatus.INACTIVE,
}


@dataclass(frozen=True)
class DpfEntry:
    """One organisation on the list, with the row it is on."""

    row: int
    name: str
    status: DpfStatus
    frameworks: str = ""
    covered_data: str = ""


@dataclass(frozen=True)
class Candidate:
    """A vendor or sub-processor of the register, with what it records about the DPF."""

    kind: str  # VENDOR or SUB_PROCESSOR
    id: int
    name: str
    listed_name: str = ""
    status: DpfStatus = DpfStatus.NOT_LISTED


@dataclass(frozen=True)
class Pair:
    entry: DpfEntry
    candidate: Candidate
    score: float


@dataclass
class MatchResult:
    matched: list[Pair] = field(default_factory=list)
    review: list[Pair] = field(default_factory=list)
    #: Entries that are neither a match nor a near match of anything in the register.
    unmatched: list[DpfEntry] = field(default_factory=list)
    #: Vendors and sub-processors neither matched nor near: the import leaves them alone.
    not_found: list[Candidate] = field(default_factory=list)
    entries: int = 0


def _header_key(text: str) -> str:
    return "".join(c for c in fold(text) if c.isalnum())


def find_columns(headers: Sequence[str]) -> dict[str, str]:
    """Each known column's header as the file spells it; ``ImportRefused`` naming each missing one."""
    by_key = {_header_key(h): h for h in headers if h}
    found: dict[str, str] = {}
    problems = []
    for column in COLUMNS:
        header = next((by_key[k] for k in map(_header_key, column.variants) if k in by_key), None)
        if header is not None:
            found[column.key] = header
        elif column.required:
            problems.append(
                Problem(
                    N_("The list has no column %(column)s (also accepted: %(variants)s)."),
                    {"column": column.label, "variants": ", ".join(column.variants[1:])},
                )
            )
    if problems:
        raise ImportRefused(problems)
    return found


def parse(table: Table) -> list[DpfEntry]:
    """The entries of a DPF list; ``ImportRefused`` with every bad row (row, column, reason)."""
    columns = find_columns(table.headers)
    name_col, status_col = columns["name"], columns["status"]
    entries: list[DpfEntry] = []
    problems: list[Problem] = []
    for row in table:
        name = " ".join(row.values.get(name_col, "").split())
        raw_status = row.values.get(status_col, "")
        status = STATUSES.get(fold(raw_status).strip())
        bad = False
        if not normalise(name):
            problems.append(Problem(N_("The organisation name is empty."), row=row.number, column=name_col))
            bad = True
        elif len(name) > NAME_MAX:
            problems.append(
                Problem(
                    N_("The name is longer than %(max)s characters."),
                    {"max": NAME_MAX},
                    row=row.number,
                    column=name_col,
                )
            )
            bad = True
        if status is None:
            msgid = (
                N_("The status is empty: use Active or Inactive.")
                if not raw_status
                else N_("Unknown status %(value)s: use Active or Inactive.")
            )
            problems.append(Problem(msgid, {"value": raw_status[:60]}, row=row.number, column=status_col))
            bad = True
        if bad or status is None:
            continue
        entries.append(
            DpfEntry(
                row.number,
                name,
                status,
                row.values.get(columns.get("frameworks", ""), ""),
                row.values.get(columns.get("covered_data", ""), ""),
            )
        )
    if problems:
        raise ImportRefused(problems)
    if not entries:
        raise ImportRefused.single(N_("The list has no organisations."))
    return entries


def read_list(data: bytes, limits: Limits | None = None) -> list[DpfEntry]:
    """The entries of the DPF list in ``data`` (CSV or XLSX)."""
    return parse(read_table(data, limits))


def _by_name(entries: Iterable[DpfEntry]) -> dict[str, DpfEntry]:
    """Entries by normalised name; a name listed twice counts as active if either entry is."""
    index: dict[str, DpfEntry] = {}
    for entry in entries:
        key = normalise(entry.name)
        seen = index.get(key)
        if seen is None or (seen.status != DpfStatus.ACTIVE and entry.status == DpfStatus.ACTIVE):
            index[key] = entry
    return index


def _keys(candidate: Candidate) -> list[str]:
    """The names a candidate is known by, normalised: the recorded DPF listing first."""
    keys = [normalise(candidate.listed_name), normalise(candidate.name)]
    return list(dict.fromkeys(k for k in keys if k))


def match(
    entries: Sequence[DpfEntry],
    candidates: Sequence[Candidate],
    *,
    cutoff: float = REVIEW_CUTOFF,
    progress: Callable[[int], None] | None = None,
) -> MatchResult:
    """Sort the register's ``candidates`` against the list into matched, to review and not found.

    ``progress`` is called with the number of candidates done, as the work goes.
    """
    index = _by_name(entries)
    result = MatchResult(entries=len(entries))
    used: set[str] = set()
    loose: list[tuple[Candidate, list[str]]] = []
    for candidate in candidates:
        keys = _keys(candidate)
        key = next((k for k in keys if k in index), None)
        if key is None:
            loose.append((candidate, keys))
        else:
            result.matched.append(Pair(index[key], candidate, 100.0))
            used.add(key)
    if progress:
        progress(len(candidates) - len(loose))

    choices = list(index)
    for start in range(0, len(loose), CHUNK):
        chunk = loose[start : start + CHUNK]
        queries = list(dict.fromkeys(k for _, keys in chunk for k in keys))
        best: dict[str, tuple[int, int]] = {}  # query -> (score, choice index)
        if queries and choices:
            scores = process.cdist(
                queries,
                choices,
                scorer=fuzz.token_sort_ratio,
                score_cutoff=cutoff,
                dtype=np.uint8,
                workers=-1,
            )
            top = scores.argmax(axis=1)
            for i, query in enumerate(queries):
                score = int(scores[i, top[i]])
                if score:
                    best[query] = (score, int(top[i]))
        for candidate, keys in chunk:
            hits = [best[k] for k in keys if k in best]
            if hits:
                score, at = max(hits)
                result.review.append(Pair(index[choices[at]], candidate, float(score)))
                used.add(choices[at])
            else:
                result.not_found.append(candidate)
        if progress:
            progress(len(chunk))

    result.unmatched = [e for k, e in index.items() if k not in used]
    result.matched.sort(key=lambda p: (p.entry.row, p.candidate.name.casefold()))
    result.review.sort(key=lambda p: (p.entry.row, p.candidate.name.casefold()))
    result.not_found.sort(key=lambda c: c.name.casefold())
    return result
