"""The systematic description (art. 35(7)(a)) a new DPIA starts from, written from the register. No Flask.

The DPO edits it; the text only saves retyping what the register already knows.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from riskreg.catalogue import label_in, translate
from riskreg.enums import DataCategory, DataSubject, LegalBasis, SubjectVolume
from riskreg.transfers.findings import Assessment
from riskreg.vocabulary import N_


class Described(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def purpose(self) -> str: ...
    @property
    def retention(self) -> str: ...
    @property
    def legal_basis_note(self) -> str: ...
    @property
    def system_owner(self) -> str: ...
    @property
    def has_ai(self) -> bool: ...
    @property
    def ai_description(self) -> str: ...
    @property
    def subject_volume(self) -> SubjectVolume | None: ...
    @property
    def data_subjects(self) -> Iterable[DataSubject]: ...
    @property
    def data_categories(self) -> Iterable[DataCategory]: ...
    @property
    def legal_bases(self) -> Iterable[LegalBasis]: ...


def describe(
    system: Described, vendor: str, departments: Iterable[str], assessment: Assessment, lang: str
) -> str:
    """One line per fact the register holds; facts it does not hold are left out."""

    def names(values: Iterable[object]) -> str:
        return ", ".join(label_in(lang, v) for v in values)  # type: ignore[arg-type]

    recipients: dict[str, set[str]] = {}
    for t in assessment.transfers:
        recipients.setdefault(t.recipient, set()).add(t.country(lang) or t.country_code or "?")
    lines = [
        (N_("Purpose: %(value)s"), system.purpose.strip()),
        (N_("Vendor (data processor): %(value)s"), vendor),
        (N_("System owner: %(value)s"), system.system_owner.strip()),
        (N_("Departments: %(value)s"), ", ".join(departments)),
        (N_("Data subjects: %(value)s"), names(system.data_subjects)),
        (N_("Number of data subjects: %(value)s"), label_in(lang, system.subject_volume)),
        (N_("Data categories: %(value)s"), names(system.data_categories)),
        (N_("Legal basis: %(value)s"), names(system.legal_bases)),
        (N_("Legal basis, references: %(value)s"), system.legal_basis_note.strip()),
        (N_("Retention: %(value)s"), system.retention.strip()),
        (N_("AI features: %(value)s"), system.ai_description.strip() if system.has_ai else ""),
        (
            N_("Recipients and countries: %(value)s"),
            "; ".join(f"{r} ({', '.join(sorted(c))})" for r, c in sorted(recipients.items())),
        ),
    ]
    return "\n".join(translate(lang, msgid, value=value) for msgid, value in lines if value)
