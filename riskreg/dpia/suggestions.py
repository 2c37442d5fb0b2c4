"""Suggested risks from the register's facts (issue 5, item 4): the DPO starts from the facts. No Flask.

Each transfer finding (``no_basis``, ``unknown``, ``derogation``, the fragility of ``dpf``, ``safeguarded``
without a TIA), each exposure finding, support access from a third country, free text users control, and AI
features, and each finding from the vendor's role (a disclosure without its own legal basis, a processor
without a data processing agreement, a joint controller without an art. 26 arrangement) become a suggestion
with a default inherent likelihood and consequence. The consequence rises
with what is at stake for the data subjects (children and other vulnerable persons, art. 9/10 data,
CPR numbers, volume).
Suggestions have stable keys, so a dismissed one can stay dismissed when the facts are evaluated again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from riskreg.catalogue import label_in, translate
from riskreg.enums import (
    DataCategory,
    DataSubject,
    ExposureLevel,
    LocationKind,
    SubjectVolume,
    TransferClass,
)
from riskreg.transfers.findings import Assessment, TransferFinding
from riskreg.vendors.roles import RoleFinding, RoleFindingKind
from riskreg.vocabulary import N_

VULNERABLE = frozenset({DataSubject.CHILDREN, DataSubject.VULNERABLE, DataSubject.PATIENTS})
SPECIAL = frozenset({DataCategory.SPECIAL_ART9, DataCategory.CRIMINAL_ART10})
LARGE = frozenset({SubjectVolume.UNDER_100000, SubjectVolume.OVER_100000})
#: Default likelihood of a transfer finding by class (classes not listed suggest no risk).
TRANSFER_LIKELIHOOD = {
    TransferClass.NO_BASIS: 4,
    TransferClass.UNKNOWN: 3,
    TransferClass.DEROGATION: 3,
    TransferClass.DPF: 2,
}
#: Default likelihood of an exposure finding: the level of the exposure (issue 14 §1), so a very high exposure
#: starts as likely as a transfer without a basis.
EXPOSURE_LIKELIHOOD = {ExposureLevel.MEDIUM: 2, ExposureLevel.HIGH: 3, ExposureLevel.VERY_HIGH: 4}
#: Default likelihood and title of a finding from the vendor's role. A disclosure without its own legal basis
#: is unlawful as it stands (the Chromebook decision); a missing DPA may be one not yet recorded.
ROLE_SUGGESTIONS = {
    RoleFindingKind.DISCLOSURE: (4, N_("Disclosure to %(vendor)s without its own legal basis")),
    RoleFindingKind.NO_DPA: (3, N_("No data processing agreement with the processor %(vendor)s")),
    RoleFindingKind.JOINT_CONTROLLER: (
        2,
        N_("No arrangement under art. 26 with the joint controller %(vendor)s"),
    ),
}


class SystemFacts(Protocol):
    """What suggestions read of a system (a loaded ``System`` has it)."""

    @property
    def data_subjects(self) -> Iterable[DataSubject]: ...
    @property
    def data_categories(self) -> Iterable[DataCategory]: ...
    @property
    def subject_volume(self) -> SubjectVolume | None: ...
    @property
    def has_free_text(self) -> bool: ...
    @property
    def has_ai(self) -> bool: ...
    @property
    def ai_output_in_decisions(self) -> bool: ...


@dataclass(frozen=True)
class Suggestion:
    key: str
    kind: str
    title: str  # a message id; ``text`` translates it with ``params``
    likelihood: int
    consequence: int
    params: dict[str, str] = field(default_factory=dict)

    def text(self, lang: str) -> str:
        return translate(lang, self.title, **self.params)


def consequence_for(system: SystemFacts) -> int:
    """2, plus one for each: vulnerable subjects, art. 9/10 data, CPR numbers, 10,000+ subjects (max 4)."""
    subjects, categories = set(system.data_subjects), set(system.data_categories)
    raisers = (
        bool(subjects & VULNERABLE),
        bool(categories & SPECIAL),
        DataCategory.CPR in categories,
        system.subject_volume in LARGE,
    )
    return min(4, 2 + sum(raisers))


def _recipient_key(t: TransferFinding) -> str:
    return f"sub{t.sub_processor_id}" if t.sub_processor_id is not None else f"vendor{t.vendor_id}"


def _transfer_suggestions(assessment: Assessment, consequence: int, lang: str) -> list[Suggestion]:
    found: dict[str, Suggestion] = {}
    for t in assessment.transfers:
        country = t.country_code or "?"
        params = {"recipient": t.recipient, "country": t.country(lang) or country}
        key = f"transfer:{_recipient_key(t)}:{country}"
        likelihood = TRANSFER_LIKELIHOOD.get(t.klass)
        if likelihood is not None:
            title = {
                TransferClass.NO_BASIS: N_("Transfer to %(country)s without a legal basis (%(recipient)s)"),
                TransferClass.UNKNOWN: N_("Unknown transfer: %(recipient)s, %(country)s"),
                TransferClass.DEROGATION: N_(
                    "Transfer to %(country)s relies on an art. 49 derogation (%(recipient)s)"
                ),
                TransferClass.DPF: N_(
                    "The Data Privacy Framework could be invalidated (%(recipient)s, %(country)s)"
                ),
            }[t.klass]
            found.setdefault(key, Suggestion(key, t.klass.value, title, likelihood, consequence, params))
        elif t.tia_missing:
            title = N_("No transfer impact assessment for %(recipient)s in %(country)s")
            found.setdefault(key, Suggestion(key, "tia_missing", title, 3, consequence, params))
        if t.kind == LocationKind.SUPPORT and t.klass not in (TransferClass.EEA, TransferClass.ADEQUATE):
            support_key = f"support:{_recipient_key(t)}:{country}"
            title = N_("Support access from %(country)s (%(recipient)s)")
            found.setdefault(support_key, Suggestion(support_key, "support", title, 2, consequence, params))
    return list(found.values())


def _role_suggestions(findings: Sequence[RoleFinding], consequence: int) -> list[Suggestion]:
    found: dict[str, Suggestion] = {}
    for f in findings:
        key = f"role:{f.kind.value}:vendor{f.vendor_id}"
        likelihood, title = ROLE_SUGGESTIONS[f.kind]
        found.setdefault(
            key, Suggestion(key, f.kind.value, title, likelihood, consequence, {"vendor": f.vendor})
        )
    return list(found.values())


def suggest(
    system: SystemFacts,
    assessment: Assessment,
    lang: str = "da",
    role_findings: Sequence[RoleFinding] = (),
) -> list[Suggestion]:
    """The suggested risks for a system, worst default score first."""
    consequence = consequence_for(system)
    suggestions = _transfer_suggestions(assessment, consequence, lang)
    suggestions += _role_suggestions(role_findings, consequence)
    for e in assessment.exposure:
        key = f"exposure:{e.role.value}:{e.entity}:{e.country_code}"
        country_name = e.country(lang) or e.country_code
        params = {"entity": e.entity, "country": country_name, "role": label_in(lang, e.role).lower()}
        title = N_("Authorities in %(country)s can demand the data from %(entity)s (%(role)s)")
        suggestions.append(
            Suggestion(key, "exposure", title, EXPOSURE_LIKELIHOOD[e.level], consequence, params)
        )
    if system.has_free_text:
        title = N_("Users can enter personal data in free text where none is meant to be")
        suggestions.append(Suggestion("free_text", "free_text", title, 3, consequence))
    if system.has_ai:
        title = N_("AI output used as decision support or for automated decisions about persons")
        suggestions.append(
            Suggestion("ai", "ai", title, 3 if system.ai_output_in_decisions else 2, consequence)
        )
    return sorted(suggestions, key=lambda s: (-s.likelihood * s.consequence, s.key))
