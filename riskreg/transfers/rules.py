"""Transfer classification (domain §4) as data: an ordered table of rules, the first that matches wins.

A rule is a conjunction of conditions on a transfer's *facts*. The same table is read two ways: ``classify``
evaluates it in Python for one transfer (the reference, used by tests and explanations), and
``riskreg.transfers.classified`` compiles it to one SQL ``CASE`` to classify the whole register in one pass.
There is no Flask here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from riskreg.catalogue import format_day, label_in, translate
from riskreg.enums import (
    CountryStatus,
    DpfStatus,
    EntityRole,
    ExposureLevel,
    LocationKind,
    Outcome,
    TransferClass,
    TransferMechanism,
)
from riskreg.vocabulary import N_

#: Countries whose partial adequacy is the EU-US Data Privacy Framework (only DPF-active recipients).
DPF_COUNTRIES = frozenset({"US"})
SAFE_STATUSES = frozenset({CountryStatus.EU, CountryStatus.EEA})
ART46_TOOLS = frozenset({TransferMechanism.SCC, TransferMechanism.BCR})


@dataclass(frozen=True)
class Facts:
    """What classification looks at for one transfer (system × recipient × country)."""

    country: str | None
    status: CountryStatus | None
    mechanism: TransferMechanism
    dpf_status: DpfStatus

    @property
    def values(self) -> dict[str, object]:
        """The facts under the names rule conditions use (the engine gives the same names SQL columns)."""
        return {
            "has_country": self.country is not None,
            "status": self.status if self.country is not None else None,
            "dpf_country": self.country in DPF_COUNTRIES,
            "dpf_active": self.dpf_status == DpfStatus.ACTIVE,
            "mechanism": self.mechanism,
        }


@dataclass(frozen=True)
class Rule:
    """``when`` maps a fact name to the values that satisfy it; all must hold (empty: always matches)."""

    id: str
    klass: TransferClass
    when: Mapping[str, frozenset[object]]
    # The sentence that explains the finding; see ``reason``.
    text: str

    def matches(self, facts: Facts) -> bool:
        values = facts.values
        return all(values[name] in allowed for name, allowed in self.when.items())


def _is(*values: object) -> frozenset[object]:
    return frozenset(values)


RULES: tuple[Rule, ...] = (
    Rule(
        "country_unknown",
        TransferClass.UNKNOWN,
        {"has_country": _is(False)},
        N_(
            "No processing country is recorded, so the transfer cannot be checked against %(list)s "
            "(mechanism: %(mechanism)s). Unknown is never treated as safe."
        ),
    ),
    Rule(
        "eea",
        TransferClass.EEA,
        {"status": _is(*SAFE_STATUSES)},
        N_("%(country)s is in the EU/EEA according to %(list)s; no transfer tool is needed."),
    ),
    Rule(
        "adequacy",
        TransferClass.ADEQUATE,
        {"status": _is(CountryStatus.ADEQUACY)},
        N_(
            "%(country)s has an adequacy decision on %(list)s; no further transfer tool is needed "
            "(recorded mechanism: %(mechanism)s)."
        ),
    ),
    Rule(
        "dpf_active",
        TransferClass.DPF,
        {"status": _is(CountryStatus.PARTIAL), "dpf_country": _is(True), "dpf_active": _is(True)},
        N_(
            "%(country)s is adequate on %(list)s only for organisations on the Data Privacy Framework list, "
            "and %(recipient)s is active there: lawful, but fragile, as one ruling could invalidate the "
            "framework (recorded mechanism: %(mechanism)s)."
        ),
    ),
    Rule(
        "partial_in_scope",
        TransferClass.ADEQUATE,
        {
            "status": _is(CountryStatus.PARTIAL),
            "dpf_country": _is(False),
            "mechanism": _is(TransferMechanism.ADEQUACY),
        },
        N_(
            "%(country)s has partial adequacy on %(list)s and %(recipient)s is recorded as covered by the "
            "decision (%(mechanism)s)."
        ),
    ),
    Rule(
        "scc_bcr",
        TransferClass.SAFEGUARDED,
        {"mechanism": _is(*ART46_TOOLS)},
        N_(
            "%(country)s has no adequacy for %(recipient)s on %(list)s; "
            "the transfer relies on %(mechanism)s, which is lawful only with a transfer impact assessment."
        ),
    ),
    Rule(
        "art49",
        TransferClass.DEROGATION,
        {"mechanism": _is(TransferMechanism.ART49)},
        N_(
            "%(country)s has no adequacy for %(recipient)s on %(list)s; "
            "the transfer relies on %(mechanism)s, which covers only occasional transfers "
            "and seldom a public authority's routine processing."
        ),
    ),
    Rule(
        "mechanism_unknown",
        TransferClass.UNKNOWN,
        {"mechanism": _is(TransferMechanism.UNKNOWN)},
        N_(
            "%(country)s has no adequacy for %(recipient)s on %(list)s and the transfer mechanism is not "
            "known. Unknown is never treated as safe."
        ),
    ),
    Rule(
        "dpf_not_active",
        TransferClass.NO_BASIS,
        {"status": _is(CountryStatus.PARTIAL), "dpf_country": _is(True)},
        N_(
            "%(country)s is adequate on %(list)s only for organisations active on the Data Privacy Framework "
            "list; %(recipient)s is %(dpf_status)s there and no SCC or BCR is recorded "
            "(mechanism: %(mechanism)s)."
        ),
    ),
    Rule(
        "no_basis",
        TransferClass.NO_BASIS,
        {},
        N_(
            "%(country)s has no adequacy for %(recipient)s on %(list)s "
            "and no valid transfer tool is recorded (mechanism: %(mechanism)s)."
        ),
    ),
)
RULES_BY_ID = {rule.id: rule for rule in RULES}

ACCESS_TEXT = {
    LocationKind.PROCESSING: N_("%(recipient)s processes data in %(country)s."),
    LocationKind.SUPPORT: N_("%(recipient)s has support access from %(country)s."),
}
TIA_MISSING_TEXT = N_("No transfer impact assessment is recorded.")
TIA_DONE_TEXT = N_("Transfer impact assessment done %(date)s.")
EXPOSURE_TEXT = N_(
    "%(entity)s (%(role)s) is under the jurisdiction of %(country)s: %(laws)s. Its authorities can demand "
    "data wherever it is stored."
)


def classify(facts: Facts) -> Rule:
    """The first rule that matches (the last rule always does)."""
    for rule in RULES:
        if rule.matches(facts):
            return rule
    raise AssertionError("the last rule matches every transfer")  # pragma: no cover


def needs_tia(klass: TransferClass, tia_on: dt.date | None) -> bool:
    """A transfer under SCC/BCR without a transfer impact assessment is a finding of its own."""
    return klass == TransferClass.SAFEGUARDED and tia_on is None


# --- a system's verdict -------------------------------------------------------------------------------------

#: From this class on, a transfer makes the system not acceptable; from DPF on, it needs attention.
NOT_ACCEPTABLE_FROM = TransferClass.UNKNOWN
ATTENTION_FROM = TransferClass.DPF
#: Exposure from this level makes a system not acceptable wherever the data is (CapCut);
#: any exposure needs attention.
EXPOSURE_NOT_ACCEPTABLE_FROM = ExposureLevel.VERY_HIGH


def verdict(classes: Iterable[TransferClass]) -> TransferClass:
    """The worst class among a system's transfers; with none known, ``unknown`` (never safe).

    (A system always has its vendor as a recipient, so the engine never asks about an empty set.)
    """
    return max(classes, key=lambda c: c.severity, default=TransferClass.UNKNOWN)


def outcome(worst: TransferClass, exposure: ExposureLevel | None, tia_missing: bool) -> Outcome:
    if worst.severity >= NOT_ACCEPTABLE_FROM.severity or (
        exposure is not None and exposure.severity >= EXPOSURE_NOT_ACCEPTABLE_FROM.severity
    ):
        return Outcome.NOT_ACCEPTABLE
    if worst.severity >= ATTENTION_FROM.severity or exposure is not None or tia_missing:
        return Outcome.ATTENTION
    return Outcome.ACCEPTABLE


# --- reasons ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReasonFacts:
    """What a reason names, in words (country names are looked up in the reader's language by the caller)."""

    recipient: str
    country: str | None
    list_name: str
    mechanism: TransferMechanism
    dpf_status: DpfStatus
    kind: LocationKind | None
    tia_on: dt.date | None


def reason(lang: str, rule: Rule, facts: ReasonFacts) -> str:
    """Why the transfer has its class, naming the recipient, the country, the list and the mechanism."""
    params = {
        "recipient": facts.recipient,
        "country": facts.country or "?",
        "list": facts.list_name,
        "mechanism": label_in(lang, facts.mechanism),
        "dpf_status": label_in(lang, facts.dpf_status).lower(),
    }
    parts = []
    if rule.id == "country_unknown":
        parts.append(f"{facts.recipient}:")
    else:
        parts.append(translate(lang, ACCESS_TEXT[facts.kind or LocationKind.PROCESSING], **params))
    parts.append(translate(lang, rule.text, **params))
    if rule.klass == TransferClass.SAFEGUARDED:
        if facts.tia_on is None:
            parts.append(translate(lang, TIA_MISSING_TEXT))
        else:
            parts.append(translate(lang, TIA_DONE_TEXT, date=format_day(lang, facts.tia_on)))
    return " ".join(parts)


def exposure_reason(lang: str, entity: str, role: EntityRole, country: str, laws: Iterable[str]) -> str:
    return translate(
        lang,
        EXPOSURE_TEXT,
        entity=entity,
        role=label_in(lang, role).lower(),
        country=country,
        laws="; ".join(laws),
    )
