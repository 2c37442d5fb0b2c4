"""The columns of a DPF list as people have them, and which column holds what: the mapping. No Flask.

A saved DPF list rarely has the published labels: "Organisation", "DPF status", "EU-U.S. DPF", "Next
certification due", a Danish "Næste certificering". Headers are compared after folding case, accents, spaces,
underscores and punctuation (``header_key``), against each field's variants in English and Danish.
``suggest_mapping`` proposes a field for every header; ``is_complete`` says whether it recognised every header
(the pages then skip the mapping step); ``check_mapping`` checks a person's mapping.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from riskreg.catalogue import translate
from riskreg.imports.files import ImportRefused, Problem, header_key
from riskreg.vocabulary import N_


@dataclass(frozen=True)
class Field:
    key: str
    label: str  # a msgid: how the mapping step names the field
    published: str  # the header as the published list (or the usual saved copy) spells it
    variants: tuple[str, ...]  # other header texts accepted, compared by ``header_key``


FIELDS = (
    Field(
        "name",
        N_("Organisation name"),
        "Organization Name",
        (
            "Organisation Name", "Organization", "Organisation", "Name", "Company Name", "Company",
            "Participant", "Participant Name", "Legal Name", "Organisationsnavn", "Organisation (navn)",
            "Navn", "Virksomhed", "Virksomhedsnavn", "Firma", "Firmanavn", "Juridisk navn",
        ),
    ),
    Field(
        "status",
        N_("Status (EU-U.S. DPF)"),
        "Status",
        (
            "Participation Status", "DPF Status", "DPF-status", "Active/Inactive", "Certification Status",
            "Status on the list", "Deltagelsesstatus", "Status på listen", "Status (EU-U.S. DPF)",
            "EU-U.S. DPF Status", "EU-U.S. DPF", "EU-U.S. Data Privacy Framework",
            "EU-U.S. Data Privacy Framework Status", "EU Status", "Status EU",
        ),
    ),
    Field(
        "uk_status",
        N_("Status (UK Extension)"),
        "UK Extension Status",
        (
            "UK Extension", "UK Extension to the EU-U.S. DPF", "UK Extension to the EU-U.S. DPF Status",
            "UK Status", "UK DPF Status", "UK-udvidelsen", "Status (UK Extension)", "Status UK",
        ),
    ),
    Field(
        "swiss_status",
        N_("Status (Swiss-U.S. DPF)"),
        "Swiss-U.S. DPF Status",
        (
            "Swiss-U.S. DPF", "Swiss-U.S. Data Privacy Framework", "Swiss-U.S. Data Privacy Framework Status",
            "Swiss Status", "Swiss DPF Status", "Schweiz", "Status (Swiss-U.S. DPF)", "Status Schweiz",
        ),
    ),
    Field(
        "frameworks",
        N_("Frameworks"),
        "Frameworks",
        ("Framework", "Framework(s)", "Frameworks Joined", "Programs", "Rammer", "Ordninger", "DPF Rammer"),
    ),
    Field(
        "covered_data",
        N_("Covered data (HR / non-HR)"),
        "Covered Data",
        ("Data Covered", "Covered Data Type", "HR / Non-HR", "HR/Non-HR", "Omfattede data", "Dækkede data"),
    ),
    Field(
        "due_on",
        N_("Next certification due"),
        "Next Certification Due Date",
        (
            "Next Certification Due", "Next Certification", "Certification Due Date", "Due Date",
            "Re-certification Due", "Recertification Due Date", "Next Recertification", "Næste certificering",
            "Frist for recertificering", "Forfaldsdato", "Næste recertificering",
        ),
    ),
    Field(
        "url",
        N_("Page on the DPF list"),
        "URL",
        (
            "Link", "Participant URL", "Participant Page", "Participant Page URL", "DPF URL", "DPF Link",
            "Page", "Web Address", "Webadresse", "Side på listen", "Link til listen",
        ),
    ),
)  # fmt: skip
BY_KEY = {f.key: f for f in FIELDS}
REQUIRED = ("name", "status")
MISSING_COLUMN = {
    "name": N_("Choose the column that holds the organisation name."),
    "status": N_("Choose the column that holds the status (EU-U.S. DPF)."),
}
#: Columns the list has that riskreg knows and does not import: they do not call for the mapping step.
KNOWN_UNUSED = (
    "Original Certification Date", "Certification Date", "Privacy Policy", "Privacy Policy URL",
    "Dispute Resolution", "Independent Recourse Mechanism", "Recourse Mechanism", "Enforcement Authority",
    "Purpose of Data Collection", "Verification Method", "Other Covered Entities", "Covered Entities",
    "Country", "Address", "City", "State", "Industry", "Sector", "Contact", "Organization Contact",
    "Notes", "Note", "Comments", "Comment", "Bemærkninger", "Bemærkning", "Noter", "Land", "Adresse",
)  # fmt: skip


@cache
def _index() -> dict[str, str]:
    index: dict[str, str] = {}
    for f in FIELDS:
        for text in (f.key, f.published, *f.variants, translate("en", f.label), translate("da", f.label)):
            index.setdefault(header_key(text), f.key)
    return index


_UNUSED = frozenset(header_key(h) for h in KNOWN_UNUSED)


def suggest_mapping(headers: Sequence[str]) -> dict[str, str]:
    """header -> field for each header, "" where none fits; each field goes to its first fitting column."""
    taken: set[str] = set()
    mapping: dict[str, str] = {}
    for header in headers:
        key = _index().get(header_key(header), "")
        if key in taken:
            key = ""
        taken.add(key)
        mapping[header] = key
    return mapping


def with_overrides(headers: Sequence[str], overrides: Mapping[str, str]) -> dict[str, str]:
    """The suggested mapping, with the fields ``overrides`` chooses moved to the columns it names."""
    mapping = suggest_mapping(headers)
    chosen = {key for key in overrides.values() if key}
    mapping = {h: ("" if key in chosen else key) for h, key in mapping.items()}
    mapping.update(overrides)
    return mapping


def is_complete(headers: Sequence[str], mapping: Mapping[str, str]) -> bool:
    """Whether ``mapping`` knows every header (a field, or a column the list has and riskreg leaves out) and
    has the required fields: then there is nothing for a person to choose."""
    chosen = set(mapping.values())
    return all(k in chosen for k in REQUIRED) and all(
        mapping.get(h) or header_key(h) in _UNUSED for h in headers if h
    )


def missing_columns(mapping: Mapping[str, str]) -> list[Problem]:
    """A refusal for each required field no column holds, naming the headers accepted for it."""
    chosen = set(mapping.values())
    return [
        Problem(
            N_("The list has no column %(column)s (also accepted: %(variants)s)."),
            {"column": BY_KEY[key].published, "variants": ", ".join(BY_KEY[key].variants[:6])},
        )
        for key in REQUIRED
        if key not in chosen
    ]


def check_mapping(headers: Sequence[str], mapping: Mapping[str, str], lang: str = "da") -> dict[str, str]:
    """The mapping of every header (unmapped ones to ""), or ``ImportRefused`` saying each mistake."""
    problems: list[Problem] = []
    full = dict.fromkeys(headers, "")
    chosen: dict[str, str] = {}
    for header, key in mapping.items():
        if header not in full:
            problems.append(Problem(N_("The file has no column %(name)s."), {"name": header}))
            continue
        if not key:
            continue
        if key not in BY_KEY:
            problems.append(Problem(N_("Unknown field: %(name)s."), {"name": key}, column=header))
            continue
        if key in chosen:
            problems.append(
                Problem(
                    N_("Only one column can hold %(field)s; %(first)s and %(second)s are both chosen."),
                    {"field": translate(lang, BY_KEY[key].label), "first": chosen[key], "second": header},
                    column=header,
                )
            )
            continue
        chosen[key] = header
        full[header] = key
    problems.extend(Problem(MISSING_COLUMN[key]) for key in REQUIRED if key not in chosen)
    if problems:
        raise ImportRefused(problems)
    return full
