"""Reading an existing register: a spreadsheet row per system and its vendor, via a column mapping. No Flask.

A person maps each column of the file to a riskreg field (``suggest_mapping`` proposes one from the header
names, Danish or English); ``parse`` turns every row into plain values the systems and vendors services take,
and refuses the whole file with every bad cell as a ``Problem`` (row, column, reason) when any is wrong.
What needs the database (matching vendors, existing system names, the services' own rules) is left to
``riskreg.imports.register.services``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from typing import Any

from riskreg.catalogue import LANGUAGES, label_in, translate
from riskreg.enums import DataCategory, DataSubject, SubjectVolume, SystemStatus
from riskreg.imports.country_names import CountryIndex
from riskreg.imports.files import ImportRefused, Problem, Table
from riskreg.vocabulary import N_

#: The fields a column can be mapped to, in the order the mapping step shows them.
FIELD_LABELS: dict[str, str] = {
    "system_name": N_("System name"),
    "vendor_name": N_("Vendor name"),
    "vendor_country": N_("Vendor country"),
    "departments": N_("Departments"),
    "system_owner": N_("System owner"),
    "purpose": N_("Purpose"),
    "data_subjects": N_("Data subjects"),
    "data_categories": N_("Data categories"),
    "subject_volume": N_("Number of data subjects"),
    "legal_basis_note": N_("Legal basis (note)"),
    "retention": N_("Retention"),
    "journal_number": N_("Journal number"),
    "next_review_on": N_("Next review"),
    "status": N_("Status"),
}
FIELDS = tuple(FIELD_LABELS)
REQUIRED = ("system_name", "vendor_name")
MISSING_COLUMN = {
    "system_name": N_("Choose the column that holds the system name."),
    "vendor_name": N_("Choose the column that holds the vendor name."),
}
MISSING_CELL = {
    "system_name": N_("The system name is missing."),
    "vendor_name": N_("The vendor name is missing."),
}
#: Fields whose text goes to the system as it is.
TEXT_FIELDS = ("system_owner", "purpose", "legal_basis_note", "retention", "journal_number")

#: Header names (compared by ``header_key``) that suggest a field, besides its own label in each language.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "system_name": (
        "system",
        "systemnavn",
        "systemets navn",
        "navn på system",
        "it-system",
        "it system",
        "name",
        "navn",
        "application",
        "applikation",
        "behandling",
    ),
    "vendor_name": (
        "vendor",
        "leverandør",
        "leverandørnavn",
        "leverandørens navn",
        "supplier",
        "supplier name",
        "leverandor",
        "databehandler",
        "data processor",
        "processor",
    ),
    "vendor_country": (
        "country",
        "land",
        "vendor country",
        "leverandørens land",
        "leverandørland",
        "leverandør land",
        "supplier country",
    ),
    "departments": (
        "department",
        "afdeling",
        "afdelinger",
        "forvaltning",
        "forvaltninger",
        "område",
        "anvendes af",
        "used by",
    ),
    "system_owner": ("owner", "systemejer", "ejer", "systemansvarlig", "system owner", "systemejere"),
    "purpose": (
        "formål",
        "formålet",
        "purpose of processing",
        "formål med behandlingen",
        "description",
        "beskrivelse",
    ),
    "data_subjects": (
        "registrerede",
        "de registrerede",
        "kategorier af registrerede",
        "categories of data subjects",
        "data subject",
    ),
    "data_categories": (
        "personoplysninger",
        "kategorier af personoplysninger",
        "oplysningstyper",
        "datakategorier",
        "categories of personal data",
        "personal data",
        "data category",
    ),
    "subject_volume": (
        "antal registrerede",
        "antal",
        "volume",
        "number of subjects",
        "number of persons",
        "antal personer",
    ),
    "legal_basis_note": (
        "legal basis",
        "hjemmel",
        "retsgrundlag",
        "behandlingsgrundlag",
        "lovhjemmel",
        "juridisk grundlag",
    ),
    "retention": (
        "opbevaring",
        "opbevaringsperiode",
        "slettefrist",
        "sletning",
        "storage period",
        "retention period",
    ),
    "journal_number": (
        "journalnummer",
        "journalnr",
        "journal no",
        "sagsnummer",
        "sagsnr",
        "case number",
        "case no",
        "j.nr",
    ),
    "next_review_on": (
        "next review date",
        "review date",
        "næste gennemgang",
        "næste revision",
        "næste review",
        "revisionsdato",
        "revideres",
        "review",
    ),
    "status": ("state", "tilstand"),
}

#: Extra words people use for the values, besides each value's label in either language and the value itself.
VALUE_ALIASES: dict[type[StrEnum], dict[str, tuple[str, ...]]] = {
    DataSubject: {
        "citizens": ("borger", "citizen", "residents", "indbyggere"),
        "children": ("børn", "barn", "elever", "elev", "children", "pupils", "pupil", "students"),
        "employees": ("medarbejder", "ansatte", "ansat", "employee", "staff", "personale"),
        "vulnerable": ("sårbare", "udsatte", "vulnerable"),
        "patients": ("patient",),
        "other": ("andet", "others"),
    },
    DataCategory: {
        "ordinary": ("almindelige", "almindelige oplysninger", "ordinary", "general"),
        "special_art9": (
            "følsomme",
            "følsomme oplysninger",
            "særlige kategorier",
            "art. 9",
            "art 9",
            "sensitive",
        ),
        "criminal_art10": ("strafbare forhold", "art. 10", "art 10", "criminal offences", "criminal"),
        "cpr": ("cpr", "cpr-nr", "cpr nr", "cpr-nummer", "cpr-numre", "cpr number", "personnummer"),
        "financial": ("økonomi", "økonomiske", "financial", "finansielle oplysninger"),
        "location": ("lokation", "placering", "location", "gps", "positionsdata"),
        "communication": ("kommunikation", "communication", "indhold af kommunikationen"),
    },
    SystemStatus: {
        "draft": ("udkast", "ny", "new"),
        "in_assessment": ("i gang", "under behandling", "in progress", "assessment"),
        "approved": ("ok", "godkendt"),
        "retired": ("udgået", "nedlagt", "retired", "discontinued"),
    },
    SubjectVolume: {},
}

SPLIT = re.compile(r"[,;\n]")
DMY = re.compile(r"^(\d{1,2})[-./](\d{1,2})[-./](\d{4})$")
ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+)?$")
SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")
NUMBER = re.compile(r"^\s*(?:ca\.?|approx\.?|about|>|<|~)?\s*(\d{1,3}(?:[ .,]\d{3})+|\d+)\s*$", re.IGNORECASE)
#: Excel's day zero (it counts 1900 as a leap year, so serials from March 1900 on start here).
EXCEL_EPOCH = dt.date(1899, 12, 30)
#: Serial numbers read as dates: 1954 to 2119; other numbers are more likely a mistake than a date.
SERIAL_RANGE = (20_000, 80_000)
#: Bands by upper bound (exclusive) of the number of data subjects.
VOLUME_BANDS = (
    (100, SubjectVolume.UNDER_100),
    (1_000, SubjectVolume.UNDER_1000),
    (10_000, SubjectVolume.UNDER_10000),
    (100_000, SubjectVolume.UNDER_100000),
)


def header_key(text: str) -> str:
    """A header or value as compared: lower case, single spaces, no marks such as ``*`` or a final ``:``."""
    text = " ".join(str(text).lower().replace("_", " ").split())
    return text.strip(" *:.?!()[]")


@cache
def _header_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for name, msgid in FIELD_LABELS.items():
        for key in (name, msgid, *(translate(lang, msgid) for lang in LANGUAGES), *HEADER_ALIASES[name]):
            index.setdefault(header_key(key), name)
    return index


def suggest_mapping(headers: list[str]) -> dict[str, str]:
    """header -> field for each header, "" where none fits; each field goes to its first fitting column."""
    index = _header_index()
    taken: set[str] = set()
    mapping: dict[str, str] = {}
    for header in headers:
        name = index.get(header_key(header), "")
        if name in taken:
            name = ""
        taken.add(name)
        mapping[header] = name
    return mapping


def check_mapping(headers: list[str], mapping: Mapping[str, str], lang: str = "da") -> dict[str, str]:
    """The mapping of every header (unmapped ones to ""), or ``ImportRefused`` saying each mistake.

    ``lang`` is the language of the field names inside the messages.
    """
    problems: list[Problem] = []
    known = {h.lower(): h for h in headers}
    full = dict.fromkeys(headers, "")
    chosen: dict[str, str] = {}
    for header, name in mapping.items():
        if header.lower() not in known:
            problems.append(Problem(N_("The file has no column %(name)s."), {"name": header}))
            continue
        header = known[header.lower()]
        if not name:
            continue
        if name not in FIELD_LABELS:
            problems.append(Problem(N_("Unknown field: %(name)s."), {"name": name}, column=header))
            continue
        if name in chosen:
            problems.append(
                Problem(
                    N_("Only one column can hold %(field)s; %(first)s and %(second)s are both chosen."),
                    {"field": translate(lang, FIELD_LABELS[name]), "first": chosen[name], "second": header},
                    column=header,
                )
            )
            continue
        chosen[name] = header
        full[header] = name
    for name, msgid in MISSING_COLUMN.items():
        if name not in chosen:
            problems.append(Problem(msgid))
    if problems:
        raise ImportRefused(problems)
    return full


@dataclass
class RegisterRow:
    """One system and its vendor, as the services take them."""

    number: int
    system_name: str
    vendor_name: str
    vendor_country: str | None = None  # an ISO code, or None when the file gives none
    #: System fields by the systems service's names (``system_owner``, ``subject_volume``, ``status``...).
    values: dict[str, Any] = field(default_factory=dict)
    departments: list[str] = field(default_factory=list)
    data_subjects: list[DataSubject] = field(default_factory=list)
    data_categories: list[DataCategory] = field(default_factory=list)


@dataclass
class ParsedRegister:
    rows: list[RegisterRow]
    columns: dict[str, str]  # field -> the header of its column

    def column(self, name: str) -> str | None:
        return self.columns.get(name)


@cache
def _value_index(enum_cls: type[StrEnum]) -> dict[str, StrEnum]:
    index: dict[str, StrEnum] = {}
    for member in enum_cls:
        keys = [member.value, *(label_in(lang, member) for lang in LANGUAGES)]
        keys += VALUE_ALIASES[enum_cls].get(member.value, ())
        for key in keys:
            index.setdefault(header_key(key), member)
    return index


def enum_value(enum_cls: type[StrEnum], text: str) -> StrEnum | None:
    """The member ``text`` names (its value, or its label in Danish or English), or None."""
    return _value_index(enum_cls).get(header_key(text))


def subject_volume(text: str) -> SubjectVolume | None:
    """A band by name, or the band a number falls in ("5.000" -> 1,000 to 9,999)."""
    named = enum_value(SubjectVolume, text)
    if named is not None:
        return SubjectVolume(named)
    match = NUMBER.match(text)
    if match is None:
        return None
    count = int(re.sub(r"\D", "", match.group(1)))
    return next((band for limit, band in VOLUME_BANDS if count < limit), SubjectVolume.OVER_100000)


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


def split_values(text: str) -> list[str]:
    return [part.strip() for part in SPLIT.split(text) if part.strip()]


def vendor_country(
    text: str, countries: CountryIndex | None, row: int, column: str
) -> tuple[str | None, list[Problem]]:
    """The one country ``text`` names (a name in Danish or English, a code or a common variant)."""
    if countries is None:
        code = text.strip().upper()
        if re.fullmatch(r"[A-Z]{2}", code):
            return code, []
        return None, [Problem(N_("Unknown country: “%(value)s”."), {"value": text}, row, column)]
    codes, problems = countries.resolve(text, row, column)
    if len(codes) > 1 and not problems:
        problems = [
            Problem(N_("Name one country for the vendor, not %(n)s."), {"n": len(codes)}, row, column)
        ]
    return (codes[0] if len(codes) == 1 and not problems else None), problems


def parse(
    table: Table, mapping: Mapping[str, str], countries: CountryIndex | None = None, lang: str = "da"
) -> ParsedRegister:
    """Every row of ``table`` as a ``RegisterRow``, or ``ImportRefused`` with every bad cell of the file.

    ``countries`` reads the vendor's country by name or code; without it only two-letter codes are read
    (and checked by the vendors service). Rows whose mapped cells are all empty are skipped.
    """
    full = check_mapping(table.headers, mapping, lang)
    columns = {name: header for header, name in full.items() if name}
    problems: list[Problem] = []
    rows: list[RegisterRow] = []
    first_row: dict[str, int] = {}
    for source in table.rows:
        cells = {name: source.values.get(header, "").strip() for name, header in columns.items()}
        if not any(cells.values()):
            continue

        def problem(field_name: str, msgid: str, number: int = source.number, **params: Any) -> None:
            problems.append(Problem(msgid, params, row=number, column=columns[field_name]))

        for name, msgid in MISSING_CELL.items():
            if not cells[name]:
                problem(name, msgid)
        system_name = " ".join(cells["system_name"].split())
        if system_name:
            earlier = first_row.setdefault(system_name.lower(), source.number)
            if earlier != source.number:
                problem(
                    "system_name",
                    N_("The system %(name)s is also in row %(other)s."),
                    name=system_name,
                    other=earlier,
                )
        row = RegisterRow(source.number, system_name, " ".join(cells["vendor_name"].split()))
        for name in TEXT_FIELDS:
            if cells.get(name):
                row.values[name] = cells[name]
        if text := cells.get("vendor_country"):
            row.vendor_country, country_problems = vendor_country(
                text, countries, source.number, columns["vendor_country"]
            )
            problems.extend(country_problems)
        if text := cells.get("departments"):
            row.departments = split_values(text)
        for name, enum_cls in (("data_subjects", DataSubject), ("data_categories", DataCategory)):
            found: list[Any] = []
            for part in split_values(cells.get(name, "")):
                member = enum_value(enum_cls, part)
                if member is None:
                    problem(name, N_("Unknown value: %(value)s."), value=part)
                elif member not in found:
                    found.append(member)
            setattr(row, name, found)
        if text := cells.get("subject_volume"):
            volume = subject_volume(text)
            if volume is None:
                problem(
                    "subject_volume", N_("Not a number or a band of data subjects: %(value)s."), value=text
                )
            row.values["subject_volume"] = volume.value if volume else None
        if text := cells.get("next_review_on"):
            day = parse_date(text)
            if day is None:
                problem("next_review_on", N_("Not a date (dd-mm-yyyy or yyyy-mm-dd): %(value)s."), value=text)
            row.values["next_review_on"] = day
        if text := cells.get("status"):
            status = enum_value(SystemStatus, text)
            if status is None:
                problem("status", N_("Unknown value: %(value)s."), value=text)
            else:
                row.values["status"] = status.value
        rows.append(row)
    if problems:
        raise ImportRefused(problems)
    if not rows:
        raise ImportRefused.single(N_("The file has no rows under its header."))
    return ParsedRegister(rows, columns)
