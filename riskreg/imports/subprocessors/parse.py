"""A vendor's sub-processor list read from a table, its columns found by their headers. No Flask.

``parse`` finds the columns by their headers (English or Danish; case, spaces, underscores and hyphens do
not matter: ``subprocessor_name``, ``Processing Countries``, ``Behandlingslande``), reads every row and
collects every problem (row, column, reason): a list with any bad row or any region instead of countries is
refused as a whole. A country the list does not name ("unknown", "not disclosed", "ikke oplyst", a blank
cell) is a location of unknown country (``UNKNOWN_COUNTRY`` in the codes), never a problem. Rows naming the
same sub-processor are joined. A source column (a URL or document, and its date) gives each row its own.
What it returns (``Listed``) is compared with the register by ``riskreg.imports.subprocessors.diff``.

Everything here is plain data that goes into an import batch's JSON payload and comes back out of it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from riskreg.enums import TransferMechanism
from riskreg.imports.country_names import CountryIndex, fold
from riskreg.imports.files import ImportRefused, Problem, Table, match_columns, parse_date
from riskreg.imports.names import normalise
from riskreg.vocabulary import N_

NAME_MAX = 200
TEXT_MAX = 1000
SOURCE_MAX = 1000
#: The code that stands for a location of unknown country in ``Listed.countries`` and the difference.
UNKNOWN_COUNTRY = ""

# Header variants per field, folded when compared; within a field, an earlier variant wins if a file has two.
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": (
        "Name",
        "Navn",
        "Sub-processor",
        "Subprocessor",
        "Sub-processors",
        "Sub-processor name",
        "Subprocessor name",
        "Sub-processor entity",
        "Name of sub-processor",
        "Third party",
        "Vendor",
        "Provider",
        "Supplier",
        "Underdatabehandler",
        "Underdatabehandlere",
        "Underdatabehandlerens navn",
        "Underleverandør",
        "Company",
        "Company name",
        "Entity name",
        "Virksomhed",
        "Selskab",
    ),
    "service": (
        "Service",
        "Services",
        "Purpose",
        "Ydelse",
        "Ydelser",
        "Formål",
        "Service provided",
        "Description",
        "Beskrivelse",
        "Processing activity",
        "Processing activities",
        "Activity",
        "Aktivitet",
        "Behandling",
        "Nature of processing",
        "Function",
        "Services provided",
        "Purpose of processing",
        "Type of service",
    ),
    "countries": (
        "Countries",
        "Country",
        "Processing location",
        "Processing locations",
        "Processing country",
        "Processing countries",
        "Country of processing",
        "Countries of processing",
        "Location of processing",
        "Data processing location",
        "Data center location",
        "Data centre location",
        "Lande",
        "Land",
        "Behandlingssted",
        "Behandlingslande",
        "Behandlingsland",
        "Location",
        "Locations",
        "Data location",
        "Hosting location",
        "Placering",
        "Lokation",
    ),
    "entity_country": (
        "Entity country",
        "Legal entity country",
        "Country of legal entity",
        "Country of entity",
        "Entity location",
        "Headquarters",
        "Juridisk enheds land",
        "Selskabets land",
        "Hjemland",
        "Hovedsæde",
    ),
    "mechanism": (
        "Transfer mechanism",
        "Transfer mechanisms",
        "Transfer basis",
        "Transfer tool",
        "Safeguards",
        "Safeguard",
        "Overførselsgrundlag",
        "Overførselsmekanisme",
        "Grundlag for overførsel",
    ),
    "parent": ("Parent", "Parent company", "Ultimate parent", "Moderselskab", "Koncern"),
    "support_countries": (
        "Support access countries",
        "Support countries",
        "Support access",
        "Support locations",
        "Remote access countries",
        "Supportlande",
        "Support fra",
        "Supportadgang",
    ),
    "source": ("Source", "Kilde", "Source URL", "URL", "Link", "Document", "Dokument", "Reference"),
    "source_on": (
        "Source date",
        "Date of source",
        "Kildedato",
        "Date",
        "Dato",
        "Last updated",
        "Updated",
        "Opdateret",
        "Senest opdateret",
        "As of",
    ),
}
REQUIRED = ("name", "countries")
#: The words a person reads for each field (a problem names the file's own header when there is one).
FIELD_LABELS = {
    "name": N_("Name"),
    "service": N_("Service"),
    "countries": N_("Countries"),
    "entity_country": N_("Entity country"),
    "mechanism": N_("Transfer mechanism"),
    "parent": N_("Parent company"),
    "support_countries": N_("Support access countries"),
    "source": N_("Source"),
    "source_on": N_("Source date"),
}

MECHANISMS: dict[TransferMechanism, tuple[str, ...]] = {
    TransferMechanism.SCC: (
        "scc",
        "sccs",
        "eu scc",
        "eu sccs",
        "standard contractual clauses",
        "eu standard contractual clauses",
        "model clauses",
        "standardkontraktbestemmelser",
        "standardkontraktbestemmelserne",
        "standardkontrakt",
    ),
    TransferMechanism.BCR: ("bcr", "bcrs", "binding corporate rules", "bindende virksomhedsregler"),
    TransferMechanism.DPF: (
        "dpf",
        "data privacy framework",
        "eu us dpf",
        "eu us data privacy framework",
        "eu u s data privacy framework",
    ),
    TransferMechanism.ADEQUACY: (
        "adequacy",
        "adequacy decision",
        "adequate",
        "tilstrækkelighedsafgørelse",
        "tilstrækkeligt beskyttelsesniveau",
        "art 45",
        "article 45",
        "artikel 45",
    ),
    TransferMechanism.ART49: (
        "art49",
        "art 49",
        "article 49",
        "artikel 49",
        "derogation",
        "derogations",
        "undtagelse",
        "undtagelser",
    ),
    TransferMechanism.NONE: (
        "none",
        "ingen",
        "no transfer",
        "ingen overførsel",
        "not applicable",
        "ikke relevant",
    ),
    TransferMechanism.UNKNOWN: ("unknown", "ukendt"),
}
_MECHANISM_BY_WORDS = {fold(words): m for m, variants in MECHANISMS.items() for words in variants}


# --- what the file says -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Listed:
    """One sub-processor as the list has it; a field without a column or with an empty cell is None.

    None leaves the register's value as it is: a list that does not say, does not change.
    """

    row: int
    name: str
    countries: tuple[str, ...]
    service: str | None = None
    entity_country: str | None = None
    mechanism: str | None = None
    parent: str | None = None
    support_countries: tuple[str, ...] | None = None
    source: str | None = None
    source_on: str | None = None  # ISO date

    @property
    def key(self) -> str:
        return normalise(self.name)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Listed:
        support = data.get("support_countries")
        return cls(
            row=int(data["row"]),
            name=str(data["name"]),
            countries=tuple(data["countries"]),
            service=data.get("service"),
            entity_country=data.get("entity_country"),
            mechanism=data.get("mechanism"),
            parent=data.get("parent"),
            support_countries=tuple(support) if support is not None else None,
            source=data.get("source"),
            source_on=data.get("source_on"),
        )


def find_columns(headers: Sequence[str]) -> tuple[dict[str, str], list[Problem]]:
    """field -> the file's header for it, and a problem for each required column that is missing."""
    columns = match_columns(headers, COLUMNS)
    problems = [
        Problem(
            N_("The column %(column)s is missing; name it one of: %(names)s."),
            {"column": FIELD_LABELS[name], "names": ", ".join(COLUMNS[name][:6])},
            row=1,
        )
        for name in REQUIRED
        if name not in columns
    ]
    return columns, problems


def parse(table: Table, countries: CountryIndex) -> list[Listed]:
    """The sub-processors ``table`` lists; ``ImportRefused`` with every problem if any row is bad."""
    columns, problems = find_columns(table.headers)
    if problems:
        raise ImportRefused(problems)
    listed: list[Listed] = []
    for row in table.rows:
        item, found = _row(row.number, row.values, columns, countries)
        problems += found
        if item is not None:
            listed.append(item)
    merged, found = _merge_duplicates(listed, columns)
    problems += found
    if problems:
        raise ImportRefused(problems)
    if not merged:
        raise ImportRefused.single(N_("The list names no sub-processors."))
    return merged


def _row(
    number: int, values: dict[str, str], columns: dict[str, str], countries: CountryIndex
) -> tuple[Listed | None, list[Problem]]:
    problems: list[Problem] = []

    def cell(name: str) -> str | None:
        header = columns.get(name)
        return " ".join(values.get(header, "").split()) if header else None

    def problem(name: str, msgid: str, **params: Any) -> None:
        problems.append(Problem(msgid, params, number, columns.get(name)))

    name = cell("name") or ""
    if not name:
        problem("name", N_("The name is missing."))
    elif len(name) > NAME_MAX:
        problem("name", N_("The name can have at most %(n)s characters."), n=NAME_MAX)
    elif not normalise(name):
        problem("name", N_("“%(value)s” is not a name."), value=name)
    service = cell("service") or None
    if service is not None and len(service) > TEXT_MAX:
        problem("service", N_("At most %(n)s characters."), n=TEXT_MAX)
    parent = cell("parent") or None
    if parent is not None and len(parent) > TEXT_MAX:
        problem("parent", N_("At most %(n)s characters."), n=TEXT_MAX)

    # Countries keep their line breaks: they separate countries. A blank cell or "unknown" is a place the
    # list does not name: a location of unknown country, never a reason to refuse the list.
    raw = values.get(columns["countries"], "")
    processing, unknown, found = countries.resolve_places(raw, number, columns["countries"])
    problems += found
    if unknown:
        processing.append(UNKNOWN_COUNTRY)
    support: tuple[str, ...] | None = None
    if "support_countries" in columns:
        raw = values.get(columns["support_countries"], "")
        codes, unknown, found = countries.resolve_places(raw, number, columns["support_countries"])
        problems += found
        if unknown and raw.strip():  # a blank support cell says nothing; "unknown" says access from somewhere
            codes.append(UNKNOWN_COUNTRY)
        support = tuple(codes) or None
    source = cell("source") or None
    if source is not None and len(source) > SOURCE_MAX:
        problem("source", N_("The source can have at most %(n)s characters."), n=SOURCE_MAX)
    source_on: str | None = None
    if text := cell("source_on"):
        day = parse_day(text)
        if day is None:
            problem("source_on", N_("Not a date (dd-mm-yyyy or yyyy-mm-dd): %(value)s."), value=text)
        elif day > dt.date.today():
            problem("source_on", N_("The date of the source cannot be in the future."))
        else:
            source_on = day.isoformat()
    entity: str | None = None
    if "entity_country" in columns:
        codes, found = countries.resolve(
            values.get(columns["entity_country"], ""), number, columns["entity_country"]
        )
        problems += found
        if len(codes) > 1:
            problem("entity_country", N_("Name one country for the legal entity, not %(n)s."), n=len(codes))
        entity = codes[0] if codes else None
    mechanism: str | None = None
    text = cell("mechanism")
    if text:
        found_mechanism = mechanism_of(text)
        if found_mechanism is None:
            problem(
                "mechanism",
                N_("Unknown transfer mechanism: “%(value)s” (use SCC, BCR, DPF, adequacy, art. 49 or none)."),
                value=text,
            )
        else:
            mechanism = found_mechanism.value
    if problems:
        return None, problems
    item = Listed(
        row=number,
        name=name,
        countries=tuple(processing),
        service=service,
        entity_country=entity,
        mechanism=mechanism,
        parent=parent,
        support_countries=support,
        source=source,
        source_on=source_on,
    )
    return item, []


def parse_day(text: str) -> dt.date | None:
    """A date as sheets write it (dd-mm-yyyy, yyyy-mm-dd, a workbook's date or serial number), else None."""
    return parse_date(text)  # one reading of dates for every import


def mechanism_of(text: str) -> TransferMechanism | None:
    """The transfer mechanism a cell names ("SCC", "Standardkontraktbestemmelser", "Art. 49"), else None."""
    key = fold(text)
    found = _MECHANISM_BY_WORDS.get(key)
    if found is None and "(" in text:
        found = _MECHANISM_BY_WORDS.get(fold(text.split("(", 1)[0]))
    return found


def _merge_duplicates(listed: list[Listed], columns: dict[str, str]) -> tuple[list[Listed], list[Problem]]:
    """One entry per name: rows of the same sub-processor (one per service, say) have their countries joined.

    Rows that disagree on the mechanism, entity country or parent cannot be joined: each later one is a
    problem, pointing to the first.
    """
    first: dict[str, Listed] = {}
    problems: list[Problem] = []
    for item in listed:
        seen = first.get(item.key)
        if seen is None:
            first[item.key] = item
            continue
        clash = next(
            (
                name
                for name in ("mechanism", "entity_country", "parent")
                if getattr(item, name) and getattr(seen, name) and getattr(item, name) != getattr(seen, name)
            ),
            None,
        )
        if clash is not None:
            problems.append(
                Problem(
                    N_("%(name)s is also listed in row %(other)s, with a different value here."),
                    {"name": item.name, "other": seen.row},
                    item.row,
                    columns.get(clash),
                )
            )
            continue
        services = [s for s in (seen.service, item.service) if s]
        support = [*(seen.support_countries or ()), *(item.support_countries or ())]
        first[item.key] = Listed(
            row=seen.row,
            name=seen.name,
            countries=tuple(dict.fromkeys(seen.countries + item.countries)),
            service="; ".join(dict.fromkeys(services)) or None,
            entity_country=seen.entity_country or item.entity_country,
            mechanism=seen.mechanism or item.mechanism,
            parent=seen.parent or item.parent,
            support_countries=tuple(dict.fromkeys(support)) or None,
            source=seen.source or item.source,
            source_on=seen.source_on or item.source_on,
        )
    return list(first.values()), problems
