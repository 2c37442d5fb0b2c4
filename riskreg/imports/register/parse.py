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
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from typing import Any

from riskreg.catalogue import LANGUAGES, label_in, translate
from riskreg.enums import (
    DataCategory,
    DataSubject,
    DpfStatus,
    LocationKind,
    SubjectVolume,
    SystemStatus,
    VendorRole,
)
from riskreg.imports.country_names import CountryIndex
from riskreg.imports.files import ImportRefused, Problem, Table, parse_date
from riskreg.imports.files import header_key as fold_header
from riskreg.imports.subprocessors.parse import mechanism_of
from riskreg.vocabulary import N_

#: The fields a column can be mapped to, in the order the mapping step shows them.
FIELD_LABELS: dict[str, str] = {
    "system_name": N_("System name"),
    "vendor_name": N_("Vendor name"),
    "vendor_country": N_("Vendor country"),
    "vendor_parent_name": N_("Parent company"),
    "vendor_parent_country": N_("Parent company's country"),
    "vendor_processing_countries": N_("Processing countries"),
    "vendor_support_countries": N_("Support access countries"),
    "vendor_mechanism": N_("Transfer mechanism"),
    "vendor_dpf_status": N_("DPF status"),
    "vendor_role": N_("Vendor role"),
    "vendor_own_purpose": N_("Own-purpose use"),
    "dpa_signed_on": N_("DPA signed"),
    "dpa_template": N_("DPA template"),
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
        "entity country",
        "legal entity country",
        "leverandørens land",
        "leverandørland",
        "leverandør land",
        "supplier country",
        "hjemland",
        "selskabets land",
    ),
    "vendor_parent_name": (
        "parent",
        "parent company",
        "ultimate parent",
        "moderselskab",
        "koncern",
        "ejer af leverandøren",
    ),
    "vendor_parent_country": (
        "parent country",
        "parent company country",
        "country of parent",
        "moderselskabets land",
        "moderselskab land",
        "koncernens land",
    ),
    "vendor_processing_countries": (
        "processing countries",
        "processing country",
        "processing locations",
        "processing location",
        "country of processing",
        "countries of processing",
        "data location",
        "hosting location",
        "behandlingslande",
        "behandlingsland",
        "behandlingssted",
        "databehandlingslande",
        "lande",
        "placering af data",
    ),
    "vendor_support_countries": (
        "support countries",
        "support access countries",
        "support access",
        "remote access countries",
        "supportlande",
        "supportadgang",
        "support fra",
    ),
    "vendor_mechanism": (
        "transfer mechanism",
        "transfer basis",
        "transfer tool",
        "safeguards",
        "overførselsgrundlag",
        "overførselsmekanisme",
        "grundlag for overførsel",
        "tredjelandsgrundlag",
    ),
    "vendor_dpf_status": (
        "dpf",
        "dpf status",
        "data privacy framework",
        "dpf-status",
        "dpf certificering",
        "dpf-certificering",
    ),
    "vendor_role": (
        "role",
        "rolle",
        "vendor role",
        "leverandørens rolle",
        "leverandørrolle",
        "gdpr role",
    ),
    "vendor_own_purpose": (
        "own purpose",
        "own purposes",
        "own-purpose use",
        "egne formål",
        "til egne formål",
        "anvender data til egne formål",
    ),
    "dpa_signed_on": (
        "dpa",
        "dpa signed",
        "dpa signed on",
        "dpa date",
        "databehandleraftale",
        "databehandleraftale underskrevet",
        "databehandleraftale dato",
        "dba",
        "dba underskrevet",
        "dba dato",
    ),
    "dpa_template": (
        "dpa template",
        "dpa type",
        "skabelon",
        "dba skabelon",
        "databehandleraftale skabelon",
        "aftaleskabelon",
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
    VendorRole: {
        "processor": ("databehandler", "data processor", "processor"),
        "sub_processor": ("underdatabehandler", "sub-processor", "subprocessor", "sub processor"),
        "independent_controller": (
            "selvstændig dataansvarlig",
            "dataansvarlig",
            "controller",
            "independent controller",
            "separate controller",
        ),
        "joint_controller": (
            "fælles dataansvarlig",
            "fælles dataansvar",
            "joint controller",
            "joint controllers",
        ),
        "no_personal_data": (
            "ingen personoplysninger",
            "no personal data",
            "none",
            "ingen",
            "receives no personal data",
        ),
    },
    DpfStatus: {
        "active": ("aktiv", "active", "certified", "certificeret", "listed", "ja", "yes"),
        "inactive": ("inaktiv", "inactive", "lapsed", "expired", "udløbet"),
        "not_listed": ("ikke på listen", "not listed", "not on the list", "nej", "no", "not certified"),
        "unknown": ("unknown", "ukendt", "ikke slået op", "not looked up", "not checked", "n/a", "?", "-"),
    },
}
YES = frozenset({"ja", "yes", "y", "j", "x", "true", "sand", "1", "sandt"})
NO = frozenset({"nej", "no", "n", "false", "falsk", "0", "-"})

TEXT_MAX = 1000
TEMPLATE_MAX = 200  # as riskreg.agreements.services
SPLIT = re.compile(r"[,;\n]")
NUMBER = re.compile(r"^\s*(?:ca\.?|approx\.?|about|>|<|~)?\s*(\d{1,3}(?:[ .,]\d{3})+|\d+)\s*$", re.IGNORECASE)
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
            index.setdefault(fold_header(key), name)
    return index


def suggest_mapping(headers: list[str]) -> dict[str, str]:
    """header -> field for each header, "" where none fits; each field goes to its first fitting column.

    Headers are compared by ``riskreg.imports.files.header_key``: case, spaces, underscores and hyphens do
    not matter ("Processing_Countries", "parent-company").
    """
    index = _header_index()
    taken: set[str] = set()
    mapping: dict[str, str] = {}
    for header in headers:
        name = index.get(fold_header(header), "")
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
    problems: list[Problem] = field(default_factory=list)  # while parsing only
    #: The vendor's facts the row gives besides its country, by the vendor's attribute names
    #: (``parent_name``, ``parent_country_code``, ``transfer_mechanism``, ``dpf_status``, ``role``,
    #: ``own_purpose_use``); a fact whose cell is empty is left out.
    vendor: dict[str, Any] = field(default_factory=dict)
    #: The vendor's locations (a None code: a country not disclosed); None when the row gives none.
    locations: list[tuple[str | None, LocationKind]] | None = None
    #: The data processing agreement for this system: ``signed_on`` (a date or None) and ``template``.
    dpa: dict[str, Any] | None = None

    def vendor_facts(self) -> dict[str, Any]:
        """Every vendor fact the row gives, its country and locations included, for comparing rows."""
        facts = dict(self.vendor)
        if self.vendor_country:
            facts["country_code"] = self.vendor_country
        if self.locations is not None:
            facts["locations"] = sorted(self.locations, key=lambda loc: (loc[0] or "", loc[1].value))
        return facts


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


def yes_no(text: str) -> bool | None:
    """True for yes (ja, x, 1...), False for no (nej, 0...), None for anything else."""
    key = header_key(text)
    return True if key in YES else False if key in NO else None


def locations(
    text: str, kind: LocationKind, countries: CountryIndex | None, row: int, column: str
) -> tuple[list[tuple[str | None, LocationKind]], list[Problem]]:
    """The locations a cell lists; "unknown", "not disclosed" or "ikke oplyst" is one of unknown country."""
    if countries is None:
        codes = [c.strip().upper() for c in split_values(text)]
        return [(code, kind) for code in codes], []
    found, unknown, problems = countries.resolve_places(text, row, column)
    places: list[tuple[str | None, LocationKind]] = [(code, kind) for code in found]
    if unknown:
        places.append((None, kind))
    return places, problems


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


def _vendor_facts(
    row: RegisterRow,
    cells: dict[str, str],
    columns: dict[str, str],
    countries: CountryIndex | None,
    problem: Callable[..., None],
) -> None:
    """The vendor's facts and the agreement a row gives, into ``row``; a problem for each bad cell."""
    number = row.number
    if text := cells.get("vendor_parent_name"):
        if len(text) > TEXT_MAX:
            problem("vendor_parent_name", N_("At most %(n)s characters."), n=TEXT_MAX)
        row.vendor["parent_name"] = " ".join(text.split())
    if text := cells.get("vendor_parent_country"):
        code, found = vendor_country(text, countries, number, columns["vendor_parent_country"])
        row.problems.extend(found)
        if code:
            row.vendor["parent_country_code"] = code
    places: list[tuple[str | None, LocationKind]] = []
    given = False
    for name, kind in (
        ("vendor_processing_countries", LocationKind.PROCESSING),
        ("vendor_support_countries", LocationKind.SUPPORT),
    ):
        if name in columns and (text := cells.get(name, "")):
            given = True
            found_places, found = locations(text, kind, countries, number, columns[name])
            row.problems.extend(found)
            places += [p for p in found_places if p not in places]
    if given:
        row.locations = places
    if text := cells.get("vendor_mechanism"):
        mechanism = mechanism_of(text)
        if mechanism is None:
            problem(
                "vendor_mechanism",
                N_("Unknown transfer mechanism: “%(value)s” (use SCC, BCR, DPF, adequacy, art. 49 or none)."),
                value=text,
            )
        else:
            row.vendor["transfer_mechanism"] = mechanism
    if text := cells.get("vendor_dpf_status"):
        status = enum_value(DpfStatus, text)
        if status is None:
            problem("vendor_dpf_status", N_("Unknown value: %(value)s."), value=text)
        elif status != DpfStatus.UNKNOWN:  # "unknown" (not looked up) is what a new vendor has anyway
            row.vendor["dpf_status"] = DpfStatus(status)
    if text := cells.get("vendor_role"):
        role = enum_value(VendorRole, text)
        if role is None:
            problem("vendor_role", N_("Unknown value: %(value)s."), value=text)
        else:
            row.vendor["role"] = VendorRole(role)
    if text := cells.get("vendor_own_purpose"):
        answer = yes_no(text)
        if answer is None:
            problem("vendor_own_purpose", N_("Not yes or no: %(value)s."), value=text)
        else:
            row.vendor["own_purpose_use"] = answer
    signed_text, template = cells.get("dpa_signed_on", ""), " ".join(cells.get("dpa_template", "").split())
    if signed_text or template:
        signed_on: dt.date | None = None
        answer = yes_no(signed_text) if signed_text else True
        if answer is None:
            signed_on = parse_date(signed_text)
            if signed_on is None:
                problem(
                    "dpa_signed_on",
                    N_("Not a date (dd-mm-yyyy or yyyy-mm-dd): %(value)s."),
                    value=signed_text,
                )
            elif signed_on > dt.date.today():
                problem("dpa_signed_on", N_("The signing date cannot be in the future."))
        if len(template) > TEMPLATE_MAX:
            problem("dpa_template", N_("At most %(n)s characters."), n=TEMPLATE_MAX)
        if answer is not False:  # "nej" in the DPA column: no agreement
            row.dpa = {"signed_on": signed_on, "template": template}


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
        _vendor_facts(row, cells, columns, countries, problem)
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
        problems.extend(row.problems)
        row.problems = []
        rows.append(row)
    if problems:
        raise ImportRefused(problems)
    if not rows:
        raise ImportRefused.single(N_("The file has no rows under its header."))
    return ParsedRegister(rows, columns)
