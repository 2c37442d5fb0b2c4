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


#: Values of the ``hr`` fact: whether a DPF listing must cover HR data for this transfer, and does.
HR_NOT_NEEDED = "not_needed"  # the system has no employees among its data subjects
HR_COVERED = "covered"
HR_NOT_COVERED = "not_covered"
HR_UNRECORDED = "unrecorded"  # an HR system, and the listing's HR coverage is not recorded


def hr_fact(hr_system: bool, covers_hr: bool | None) -> str:
    """The ``hr`` fact: an HR system (employees among its data subjects) needs the listing's HR coverage."""
    if not hr_system:
        return HR_NOT_NEEDED
    if covers_hr is None:
        return HR_UNRECORDED
    return HR_COVERED if covers_hr else HR_NOT_COVERED


@dataclass(frozen=True)
class Facts:
    """What classification looks at for one transfer (system × recipient × country).

    ``mechanism`` is the transfer's own: the location's where it has one, else the recipient's.
    ``entity_country`` is where the recipient (the legal entity) is, None if not recorded; only a US entity
    can be on the DPF list. ``hr_system``: the system's data subjects include employees.
    """

    country: str | None
    status: CountryStatus | None
    mechanism: TransferMechanism
    dpf_status: DpfStatus
    entity_country: str | None = None
    dpf_covers_hr: bool | None = None
    hr_system: bool = False

    @property
    def values(self) -> dict[str, object]:
        """The facts under the names rule conditions use (the engine gives the same names SQL columns)."""
        return {
            "has_country": self.country is not None,
            "status": self.status if self.country is not None else None,
            "dpf_country": self.country in DPF_COUNTRIES,
            "dpf_active": self.dpf_status == DpfStatus.ACTIVE,
            "dpf_unchecked": self.dpf_status == DpfStatus.UNKNOWN,
            "dpf_entity": self.entity_country is None or self.entity_country in DPF_COUNTRIES,
            "hr": hr_fact(self.hr_system, self.dpf_covers_hr),
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
        {
            "status": _is(CountryStatus.PARTIAL),
            "dpf_country": _is(True),
            "dpf_active": _is(True),
            "dpf_entity": _is(True),
            "hr": _is(HR_NOT_NEEDED, HR_COVERED),
        },
        N_(
            "%(country)s is adequate on %(list)s only for organisations on the Data Privacy Framework list, "
            "and %(recipient)s is active there: lawful, but fragile, as one ruling could invalidate the "
            "framework (recorded mechanism: %(mechanism)s)."
        ),
    ),
    Rule(
        "dpf_hr_unrecorded",
        TransferClass.DPF,
        {
            "status": _is(CountryStatus.PARTIAL),
            "dpf_country": _is(True),
            "dpf_active": _is(True),
            "dpf_entity": _is(True),
            "hr": _is(HR_UNRECORDED),
        },
        N_(
            "%(country)s is adequate on %(list)s only for organisations on the Data Privacy Framework list, "
            "and %(recipient)s is active there, but whether its certification covers HR data is not "
            "recorded, and this system processes employees' data: check the HR coverage on the DPF list "
            "(recorded mechanism: %(mechanism)s)."
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
        "dpf_hr_not_covered",
        TransferClass.NO_BASIS,
        {
            "status": _is(CountryStatus.PARTIAL),
            "dpf_country": _is(True),
            "dpf_active": _is(True),
            "dpf_entity": _is(True),
            "hr": _is(HR_NOT_COVERED),
        },
        N_(
            "%(country)s is adequate on %(list)s only for organisations on the Data Privacy Framework list; "
            "%(recipient)s is active there, but its certification does not cover HR data, and this system "
            "processes employees' data, so the DPF is no basis for it and no SCC or BCR is recorded "
            "(mechanism: %(mechanism)s)."
        ),
    ),
    Rule(
        "dpf_entity_not_us",
        TransferClass.NO_BASIS,
        {
            "status": _is(CountryStatus.PARTIAL),
            "dpf_country": _is(True),
            "dpf_active": _is(True),
            "dpf_entity": _is(False),
        },
        N_(
            "%(country)s is adequate on %(list)s only for organisations on the Data Privacy Framework list, "
            "which lists only entities in the United States; %(recipient)s is recorded as active there but "
            "is not a US entity, so the listing does not cover it and no SCC or BCR is recorded "
            "(mechanism: %(mechanism)s)."
        ),
    ),
    Rule(
        "dpf_unchecked",
        TransferClass.UNKNOWN,
        {"status": _is(CountryStatus.PARTIAL), "dpf_country": _is(True), "dpf_unchecked": _is(True)},
        N_(
            "%(country)s is adequate on %(list)s only for organisations active on the Data Privacy Framework "
            "list, and the DPF list has not been checked for %(recipient)s; no SCC or BCR is recorded "
            "(mechanism: %(mechanism)s). Unknown is never treated as safe."
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
#: A location of unknown country: the recipient says it is there, but not in which country.
UNDISCLOSED_TEXT = {
    LocationKind.PROCESSING: N_("%(recipient)s processes data in a country it does not disclose."),
    LocationKind.SUPPORT: N_("%(recipient)s has support access from a country it does not disclose."),
}
UNDISCLOSED_RULE_TEXT = N_(
    "The transfer cannot be checked against %(list)s (mechanism: %(mechanism)s). "
    "Unknown is never treated as safe."
)
TIA_MISSING_TEXT = N_("No transfer impact assessment is recorded.")
TIA_DONE_TEXT = N_("Transfer impact assessment done %(date)s.")
EXPOSURE_TEXT = N_(
    "%(entity)s (%(role)s) is under the jurisdiction of %(country)s: %(laws)s. Its authorities can demand "
    "data wherever it is stored."
)
#: Exposure where the data is: a recipient's processing or support-access location in an exposure country.
LOCATION_EXPOSURE_TEXT = {
    frozenset({LocationKind.PROCESSING}): N_(
        "%(entity)s (%(role)s) processes data in %(country)s: %(laws)s. The data stored there is within "
        "reach of that country's authorities."
    ),
    frozenset({LocationKind.SUPPORT}): N_(
        "%(entity)s (%(role)s) has support access from %(country)s: %(laws)s. That country's authorities "
        "can compel the staff there to give access to the data."
    ),
    frozenset({LocationKind.PROCESSING, LocationKind.SUPPORT}): N_(
        "%(entity)s (%(role)s) processes data in and has support access from %(country)s: %(laws)s. "
        "The data there is within reach of that country's authorities."
    ),
}
#: The same recipient and country found by the entity rule as well: one finding, saying both.
ALSO_LOCATION_TEXT = {
    frozenset({LocationKind.PROCESSING}): N_("It also processes data there."),
    frozenset({LocationKind.SUPPORT}): N_("It also has support access from there."),
    frozenset({LocationKind.PROCESSING, LocationKind.SUPPORT}): N_(
        "It also processes data and has support access there."
    ),
}
#: Who the exposed entity is in a location finding's sentence: the recipient itself.
RECIPIENT_ROLE = {
    EntityRole.VENDOR_LOCATION: EntityRole.VENDOR,
    EntityRole.SUB_PROCESSOR_LOCATION: EntityRole.SUB_PROCESSOR,
}


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
    if rule.id == "country_unknown" and facts.kind is not None:
        # A location the recipient does not disclose (rather than no location recorded at all).
        parts.append(translate(lang, UNDISCLOSED_TEXT[facts.kind], **params))
        parts.append(translate(lang, UNDISCLOSED_RULE_TEXT, **params))
    else:
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


def exposure_reason(
    lang: str,
    entity: str,
    role: EntityRole,
    country: str,
    laws: Iterable[str],
    locations: Iterable[LocationKind] = (),
) -> str:
    """Why an entity is exposed, naming the rules that found it.

    ``role`` is the entity rule's (the entity's or its parent's country), or a location role when only the
    recipient's ``locations`` (kinds of location) in ``country`` found it; with both, one sentence each.
    """
    kinds = frozenset(locations)
    params = {
        "entity": entity,
        "role": label_in(lang, RECIPIENT_ROLE.get(role, role)).lower(),
        "country": country,
        "laws": "; ".join(laws),
    }
    if role in RECIPIENT_ROLE:
        text = LOCATION_EXPOSURE_TEXT[kinds or frozenset({LocationKind.PROCESSING})]
        return translate(lang, text, **params)
    text = translate(lang, EXPOSURE_TEXT, **params)
    if kinds:
        text = f"{text} {translate(lang, ALSO_LOCATION_TEXT[kinds])}"
    return text
