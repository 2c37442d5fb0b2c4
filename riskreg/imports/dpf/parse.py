"""The Data Privacy Framework list: read it, match its organisations to the register's. No Flask, no session.

Reading (``parse``): the list as people save it, CSV or XLSX, by a column mapping
(``riskreg.imports.dpf.columns``): the organisation's name and its status, and where the file has them the
frameworks, the status per framework, the covered data (HR / non-HR), the next certification due date and the
participant's page. Every bad row is reported, all at once. A row whose status is empty says nothing about
the organisation: it is skipped as *not stated* and listed, never a reason to refuse the file.

Matching (``match``): a DPF entry belongs to one legal entity in the United States. A vendor or sub-processor
*matches* an entry when it is that entity: the names are equal once the qualifier ("(affiliate)") and the
legal form are set aside (``riskreg.imports.names``), the legal forms do not belong to different legal systems
("Slack Technologies Limited" is not "Slack Technologies, LLC"), and its country is the United States. Only a
match changes anything without a person. Equal names with no country recorded, or with a legal form on one
side only, go to *review*; so does a name that is merely close (rapidfuzz ``ratio`` of at least
``REVIEW_CUTOFF``). A recipient in another country is never matched nor put to review: it is reported as the
same name of a *different entity*, for information. The name recorded as a recipient's DPF listing counts as
its own name. A subsidiary never inherits its parent's listing: "Microsoft Ireland Operations Ltd" and
"Microsoft Corporation" are different names, and closeness alone changes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process

from riskreg.enums import DpfStatus
from riskreg.imports.dpf import columns
from riskreg.imports.files import ImportRefused, Limits, Problem, Row, Table, read_table
from riskreg.imports.names import fold, jurisdiction, normalise, parts, strip_qualifier
from riskreg.vocabulary import N_

#: The least rapidfuzz score (0-100, ``SCORER`` on normalised names) that puts a pair before a person.
#: ``fuzz.ratio`` at 86 rather than ``token_sort_ratio`` at 85 (issue 15, measured in ``bench/dpf_match.py``):
#: it finds the typing errors that move a space ("Survey Monkey", "Drop box"), which sorting the words
#: loses, and puts fewer unrelated names before a person (42 % of the queue instead of 54 %), while keeping
#: "Salesforce.com" for "Salesforce, Inc." (87).
REVIEW_CUTOFF = 86
SCORER = fuzz.ratio
#: How many register names are compared with the whole list at once (bounds memory; paces progress).
CHUNK = 2000
#: The longest name a review can hold (``DpfReview.listed_name``).
NAME_MAX = 300
URL_MAX = 2000
#: The one country whose organisations the DPF list holds.
US = "US"

VENDOR = "vendor"
SUB_PROCESSOR = "sub_processor"

#: Why a pair waits for a person, or why equal names are not a match.
NEAR = "near"  # a similar name
NO_COUNTRY = "no_country"  # the same name; the recipient's country is not recorded
NO_FORM = "no_form"  # the same name; a legal form on one side only
COUNTRY = "country"  # the same name of an entity in another country
LEGAL_FORM = "legal_form"  # the same name with a legal form of another legal system

#: Framework keys as ``DpfEntry.frameworks`` holds them.
EU_US, UK, SWISS = "eu_us", "uk_extension", "swiss_us"
_SPLIT = re.compile(r"[;,|\n]|\s/\s")
_SPLIT_DATA = re.compile(r"[;,/|\n+&]|\band\b|\bog\b")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+)?$")
_DMY = re.compile(r"^(\d{1,2})[-.](\d{1,2})[-.](\d{4})$")
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_WORDS = re.compile(r"^(?:(\d{1,2})\.?\s+([a-zæøå]+)\.?|([a-zæøå]+)\.?\s+(\d{1,2})),?\s+(\d{4})$")
_MONTHS = {
    **{m: i for i, m in enumerate(
        ("january", "february", "march", "april", "may", "june", "july", "august", "september",
         "october", "november", "december"), start=1)},
    **{m: i for i, m in enumerate(
        ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september",
         "oktober", "november", "december"), start=1)},
}  # fmt: skip


@dataclass(frozen=True)
class DpfEntry:
    """One organisation on the list, with the row it is on and what the row says of it.

    ``status`` is the EU-U.S. DPF's. A fact the file does not state is None (its column missing or its cell
    empty): applying the list leaves that fact of the register as it was.
    """

    row: int
    name: str  # as listed, qualifier included
    status: DpfStatus
    uk_status: DpfStatus | None = None
    swiss_status: DpfStatus | None = None
    covers_hr: bool | None = None
    covers_non_hr: bool | None = None
    due_on: dt.date | None = None
    url: str | None = None
    frameworks: str = ""  # the cells as written, for display
    covered_data: str = ""

    @property
    def base_name(self) -> str:
        """The name without its qualifier: what is matched."""
        return strip_qualifier(self.name)[0]

    def facts(self) -> dict[str, Any]:
        """What applying the entry writes, as JSON: the listed name, and each fact the row states."""
        facts: dict[str, Any] = {"dpf_listed_name": self.name, "dpf_status": self.status.value}
        stated = {
            "dpf_uk_status": self.uk_status.value if self.uk_status else None,
            "dpf_swiss_status": self.swiss_status.value if self.swiss_status else None,
            "dpf_covers_hr": self.covers_hr,
            "dpf_covers_non_hr": self.covers_non_hr,
            "dpf_due_on": self.due_on.isoformat() if self.due_on else None,
            "dpf_url": self.url,
        }
        facts.update((k, v) for k, v in stated.items() if v is not None)
        return facts


@dataclass(frozen=True)
class NotStated:
    """A row of the list whose status is empty: skipped, and shown."""

    row: int
    name: str


@dataclass(frozen=True)
class DpfList:
    entries: list[DpfEntry]
    not_stated: list[NotStated] = field(default_factory=list)
    #: header -> field, as read.
    mapping: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Candidate:
    """A vendor or sub-processor of the register, with what it records about the DPF and its entity."""

    kind: str  # VENDOR or SUB_PROCESSOR
    id: int
    name: str
    listed_name: str = ""
    status: DpfStatus = DpfStatus.UNKNOWN
    country_code: str | None = None


@dataclass(frozen=True)
class Pair:
    entry: DpfEntry
    candidate: Candidate
    score: float
    #: NEAR, NO_COUNTRY or NO_FORM for a review; COUNTRY or LEGAL_FORM for a different entity; "" for a match.
    reason: str = ""


@dataclass
class MatchResult:
    matched: list[Pair] = field(default_factory=list)
    review: list[Pair] = field(default_factory=list)
    #: The same name, but another entity (another country or legal system): never applied, for information.
    different: list[Pair] = field(default_factory=list)
    #: Entries that are neither a match nor a near match of anything in the register.
    unmatched: list[DpfEntry] = field(default_factory=list)
    #: Vendors and sub-processors neither matched nor near: the import leaves them alone.
    not_found: list[Candidate] = field(default_factory=list)
    entries: int = 0


# --- reading ------------------------------------------------------------------------------------------------


def status_of(text: str) -> DpfStatus | None:
    """A status as the list or a person writes it ("Active", "INACTIVE-LAPSE", "Inaktiv"); None if unknown."""
    key = "".join(c for c in fold(text) if c.isalnum())
    if key.startswith(("inactive", "inaktiv", "ikkeaktiv", "notactive", "lapsed", "withdrawn", "bortfaldet")):
        return DpfStatus.INACTIVE
    if key.startswith(("active", "aktiv")):
        return DpfStatus.ACTIVE
    return None


def frameworks_of(text: str) -> set[str] | None:
    """The frameworks a cell names ("EU-U.S. DPF; UK Extension"); None if a part names none."""
    found: set[str] = set()
    for part in _SPLIT.split(text):
        key = "".join(c for c in fold(part) if c.isalnum())
        if not key:
            continue
        if "uk" in key or "unitedkingdom" in key or "storbritannien" in key or "britisk" in key:
            found.add(UK)
        elif "swiss" in key or "switzerland" in key or "schweiz" in key:
            found.add(SWISS)
        elif "eu" in key or key in ("dpf", "dataprivacyframework"):
            found.add(EU_US)
        else:
            return None
    return found


def covered_data_of(text: str) -> tuple[bool, bool] | None:
    """(HR, non-HR) as a cell names them ("HR; Non-HR", "Non-HR Data", "Both"); None for anything else."""
    hr = non_hr = False
    for part in _SPLIT_DATA.split(fold(text).replace("-", " ")):
        key = "".join(c for c in part if c.isalnum())
        if not key:
            continue
        if key in ("both", "begge", "all", "alle"):
            hr = non_hr = True
        elif key.startswith(("non", "ikke", "other", "andre")):
            non_hr = True
        elif "hr" in key or "humanresource" in key or "personale" in key or "medarbejder" in key:
            hr = True
        else:
            return None
    return hr, non_hr


def date_of(text: str) -> dt.date | None:
    """A date as lists write it: yyyy-mm-dd, mm/dd/yyyy (the US list's; dd/mm/yyyy where the first number is
    over 12), dd-mm-yyyy or dd.mm.yyyy, "December 15, 2026", "15. december 2026"; None if not a date."""
    text = " ".join(fold(text).split())
    try:
        if found := _ISO.match(text):
            y, m, d = found.groups()
        elif found := _DMY.match(text):
            d, m, y = found.groups()
        elif found := _SLASHED.match(text):
            m, d, y = found.groups()
            if int(m) > 12:
                m, d = d, m
        elif found := _WORDS.match(text):
            d1, name1, name2, d2, y = found.groups()
            word = name1 or name2
            month = _MONTHS.get(word) or next(
                (n for k, n in _MONTHS.items() if len(word) >= 3 and k.startswith(word)), None
            )
            if month is None:
                return None
            return dt.date(int(y), month, int(d1 or d2))
        else:
            return None
        return dt.date(int(y), int(m), int(d))
    except ValueError:
        return None


def url_of(text: str) -> str | None:
    """A participant page's address, with https:// added where the scheme is missing; None if not one."""
    if " " in text or "." not in text or len(text) > URL_MAX:
        return None
    if not re.match(r"^https?://", text, re.IGNORECASE):
        if "://" in text:
            return None
        text = "https://" + text
    return text


class _RowReader:
    """Reads one row at a time into an entry, noting every problem."""

    def __init__(self, mapping: Mapping[str, str]) -> None:
        self.column = {key: header for header, key in mapping.items() if key}
        self.problems: list[Problem] = []

    def cell(self, row: Row, key: str) -> str:
        header = self.column.get(key)
        return " ".join(row.values.get(header, "").split()) if header else ""

    def problem(self, row: Row, key: str, msgid: str, **params: Any) -> None:
        self.problems.append(Problem(msgid, params, row=row.number, column=self.column.get(key)))

    def status(self, row: Row, key: str) -> DpfStatus | None:
        raw = self.cell(row, key)
        status = status_of(raw) if raw else None
        if raw and status is None:
            self.problem(row, key, N_("Unknown status %(value)s: use Active or Inactive."), value=raw[:60])
        return status

    def read(self, row: Row) -> DpfEntry | NotStated | None:
        """The row's entry; NotStated for an empty status; None for a bad row (its problems noted)."""
        before = len(self.problems)
        name = self.cell(row, "name")
        if not normalise(strip_qualifier(name)[0]):
            self.problem(row, "name", N_("The organisation name is empty."))
            return None
        if len(name) > NAME_MAX:
            self.problem(row, "name", N_("The name is longer than %(max)s characters."), max=NAME_MAX)
        raw_status = self.cell(row, "status")
        status = self.status(row, "status")
        uk, swiss = self.status(row, "uk_status"), self.status(row, "swiss_status")
        frameworks_text = self.cell(row, "frameworks")
        frameworks = frameworks_of(frameworks_text) if frameworks_text else None
        if frameworks_text and frameworks is None:
            self.problem(
                row,
                "frameworks",
                N_("Unknown framework in %(value)s: use EU-U.S. DPF, UK Extension, Swiss-U.S. DPF."),
                value=frameworks_text[:80],
            )
        data_text = self.cell(row, "covered_data")
        covered = covered_data_of(data_text) if data_text else None
        if data_text and covered is None:
            self.problem(
                row,
                "covered_data",
                N_("Unknown covered data %(value)s: use HR, Non-HR or both."),
                value=data_text[:80],
            )
        due_text = self.cell(row, "due_on")
        due_on = date_of(due_text) if due_text else None
        if due_text and due_on is None:
            self.problem(
                row,
                "due_on",
                N_("%(value)s is not a date: use yyyy-mm-dd or mm/dd/yyyy."),
                value=due_text[:40],
            )
        url_text = self.cell(row, "url")
        url = url_of(url_text) if url_text else None
        if url_text and url is None:
            self.problem(row, "url", N_("%(value)s is not a web address."), value=url_text[:80])
        if len(self.problems) > before:
            return None
        if not raw_status:
            return NotStated(row.number, name)
        assert status is not None
        if frameworks is not None:
            # The status is the one of each framework the row names; one it does not name is not joined.
            status_eu = status if EU_US in frameworks else DpfStatus.NOT_LISTED
            uk = uk or (status if UK in frameworks else DpfStatus.NOT_LISTED)
            swiss = swiss or (status if SWISS in frameworks else DpfStatus.NOT_LISTED)
            status = status_eu
        return DpfEntry(
            row.number,
            name,
            status,
            uk,
            swiss,
            covered[0] if covered else None,
            covered[1] if covered else None,
            due_on,
            url,
            frameworks_text,
            data_text,
        )


def parse(table: Table, mapping: Mapping[str, str] | None = None) -> DpfList:
    """The entries of a DPF list by ``mapping`` (header -> field; suggested from the headers by default).

    ``ImportRefused`` with every bad row (row, column, reason), or naming each required column missing.
    """
    if mapping is None:
        mapping = columns.suggest_mapping(table.headers)
        if missing := columns.missing_columns(mapping):
            raise ImportRefused(missing)
    else:
        mapping = columns.check_mapping(table.headers, mapping)
    reader = _RowReader(mapping)
    entries: list[DpfEntry] = []
    not_stated: list[NotStated] = []
    for row in table:
        read = reader.read(row)
        if isinstance(read, DpfEntry):
            entries.append(read)
        elif isinstance(read, NotStated):
            not_stated.append(read)
    if reader.problems:
        raise ImportRefused(reader.problems)
    if not entries:
        raise ImportRefused.single(
            N_("The list has no organisations with a status.")
            if not_stated
            else N_("The list has no organisations.")
        )
    return DpfList(entries, not_stated, dict(mapping))


def read_list(data: bytes, limits: Limits | None = None, mapping: Mapping[str, str] | None = None) -> DpfList:
    """The entries of the DPF list in ``data`` (CSV or XLSX)."""
    return parse(read_table(data, limits), mapping)


# --- matching -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Name:
    """A name as matched: normalised, with its legal form and the legal system that form belongs to."""

    key: str
    form: str
    system: str

    @classmethod
    def of(cls, name: str) -> _Name:
        key, form = parts(strip_qualifier(name)[0]) if name else ("", "")
        return cls(key, form, jurisdiction(form))


def _forms_agree(a: _Name, b: _Name) -> str:
    """How two equal names' legal forms compare: "" (the same legal system, or neither has a form), NO_FORM
    (only one has a form) or LEGAL_FORM (forms of different legal systems)."""
    if a.system and b.system:
        return "" if a.system == b.system else LEGAL_FORM
    if bool(a.form) != bool(b.form):
        return NO_FORM
    return ""


def _index(entries: Iterable[DpfEntry]) -> dict[str, list[tuple[_Name, DpfEntry]]]:
    """Entries by normalised name, an active one first where a name is listed more than once."""
    index: dict[str, list[tuple[_Name, DpfEntry]]] = {}
    for entry in entries:
        name = _Name.of(entry.name)
        index.setdefault(name.key, []).append((name, entry))
    for listed in index.values():
        listed.sort(key=lambda pair: (pair[1].status != DpfStatus.ACTIVE, pair[1].row))
    return index


#: Outcomes of equal names, best first.
_RANK = {"": 0, NO_FORM: 1, LEGAL_FORM: 2}


def _same_name(
    own: _Name, listed: _Name | None, index: Mapping[str, list[tuple[_Name, DpfEntry]]]
) -> tuple[DpfEntry, str] | None:
    """The entry with the candidate's name, and how their legal forms compare; None if no entry has it.

    The recorded DPF listing is the candidate's own word for its entry: its name, legal form included,
    decides where it agrees; a listing recorded without a legal form vouches for the entry's.
    """
    found: list[tuple[int, DpfEntry, str]] = []
    if listed is not None:
        for name, entry in index.get(listed.key, ()):
            if _forms_agree(listed, name) != LEGAL_FORM:
                return entry, ""
    for name, entry in index.get(own.key, ()):
        agree = _forms_agree(own, name)
        found.append((_RANK[agree], entry, agree))
    if not found:
        return None
    rank, entry, agree = min(found, key=lambda f: f[0])
    return entry, agree


def is_us(candidate: Candidate) -> bool:
    return (candidate.country_code or "").upper() == US


def match(
    entries: Sequence[DpfEntry],
    candidates: Sequence[Candidate],
    *,
    cutoff: float = REVIEW_CUTOFF,
    progress: Callable[[int], None] | None = None,
) -> MatchResult:
    """Sort the register's ``candidates`` against the list: matched, to review, a different entity, not found.

    ``progress`` is called with the number of candidates done, as the work goes.
    """
    index = _index(entries)
    result = MatchResult(entries=len(entries))
    used: set[int] = set()  # rows of the entries something was paired with
    loose: list[tuple[Candidate, list[str]]] = []
    for candidate in candidates:
        own = _Name.of(candidate.name)
        listed = _Name.of(candidate.listed_name) if candidate.listed_name else None
        same = _same_name(own, listed, index)
        if same is None:
            if candidate.country_code and not is_us(candidate):
                # Another country's entity can never take a US listing: no closeness is worth a person's time.
                result.not_found.append(candidate)
            else:
                # The names it is known by, the recorded DPF listing first.
                keys = [listed.key if listed else "", own.key]
                loose.append((candidate, list(dict.fromkeys(k for k in keys if k))))
            continue
        entry, agree = same
        used.add(entry.row)
        if agree == LEGAL_FORM:
            result.different.append(Pair(entry, candidate, 100.0, LEGAL_FORM))
        elif candidate.country_code and not is_us(candidate):
            result.different.append(Pair(entry, candidate, 100.0, COUNTRY))
        elif agree == NO_FORM:
            result.review.append(Pair(entry, candidate, 100.0, NO_FORM))
        elif not candidate.country_code:
            result.review.append(Pair(entry, candidate, 100.0, NO_COUNTRY))
        else:
            result.matched.append(Pair(entry, candidate, 100.0))
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
                scorer=SCORER,
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
                entry = index[choices[at]][0][1]
                result.review.append(Pair(entry, candidate, float(score), NEAR))
                used.add(entry.row)
            else:
                result.not_found.append(candidate)
        if progress:
            progress(len(chunk))

    result.unmatched = [e for listed in index.values() for _, e in listed if e.row not in used]
    result.unmatched.sort(key=lambda e: e.row)
    for pairs in (result.matched, result.review, result.different):
        pairs.sort(key=lambda p: (p.entry.row, p.candidate.name.casefold()))
    result.not_found.sort(key=lambda c: c.name.casefold())
    return result
