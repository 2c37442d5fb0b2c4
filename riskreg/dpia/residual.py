"""The system's residual risk, the level a body decides on (domain §5, §6). No Flask, no database.

It is the highest of
- the DPIA's residual risks, where a risk whose reduction rests only on users remembering a rule, or on no
  measure at all, counts at its inherent level (the DPIA itself still shows both figures);
- the levels the transfer facts imply (``FACT_LEVELS``: one table, the only place the mapping is written).

A transfer without a basis, or whose basis is unknown, also *blocks approval*: accepting a risk does not make
an unlawful transfer lawful. Every part of the figure carries the sentence that explains it, in both
languages.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from riskreg.catalogue import label_in, translate
from riskreg.dpia import scoring
from riskreg.enums import ExposureLevel, RiskLevel, TransferClass
from riskreg.vocabulary import N_


class Fact(StrEnum):
    """A transfer fact that bears on the system's residual risk."""

    NO_BASIS = "no_basis"
    UNKNOWN = "unknown"
    EXPOSURE_VERY_HIGH = "exposure_very_high"
    EXPOSURE_HIGH = "exposure_high"
    DEROGATION = "derogation"
    SAFEGUARDED_WITHOUT_TIA = "safeguarded_without_tia"
    SAFEGUARDED_WITH_TIA = "safeguarded_with_tia"
    DPF = "dpf"


#: The level each fact implies. Facts not listed (EU/EEA, adequacy, medium exposure) imply nothing.
FACT_LEVELS: Mapping[Fact, RiskLevel] = {
    Fact.NO_BASIS: RiskLevel.VERY_HIGH,
    Fact.UNKNOWN: RiskLevel.VERY_HIGH,
    Fact.EXPOSURE_VERY_HIGH: RiskLevel.VERY_HIGH,
    Fact.EXPOSURE_HIGH: RiskLevel.HIGH,
    Fact.DEROGATION: RiskLevel.HIGH,
    Fact.SAFEGUARDED_WITHOUT_TIA: RiskLevel.HIGH,
    Fact.DPF: RiskLevel.MEDIUM,  # lawful, but one ruling away from no basis
    Fact.SAFEGUARDED_WITH_TIA: RiskLevel.MEDIUM,
}
#: Facts no body may approve: the transfer is unlawful (or may be) whatever risk is accepted.
BLOCKS_APPROVAL = frozenset({Fact.NO_BASIS, Fact.UNKNOWN})

_FACT_OF_CLASS = {
    TransferClass.NO_BASIS: Fact.NO_BASIS,
    TransferClass.UNKNOWN: Fact.UNKNOWN,
    TransferClass.DEROGATION: Fact.DEROGATION,
    TransferClass.DPF: Fact.DPF,
}
_FACT_OF_EXPOSURE = {ExposureLevel.VERY_HIGH: Fact.EXPOSURE_VERY_HIGH, ExposureLevel.HIGH: Fact.EXPOSURE_HIGH}

_REASONS = {
    Fact.NO_BASIS: N_("%(recipient)s in %(country)s: the transfer has no legal basis"),
    Fact.UNKNOWN: N_("%(recipient)s in %(country)s: the basis of the transfer is not known"),
    Fact.EXPOSURE_VERY_HIGH: N_("exposure to %(country)s through %(recipient)s"),
    Fact.EXPOSURE_HIGH: N_("exposure to %(country)s through %(recipient)s"),
    Fact.DEROGATION: N_("%(recipient)s in %(country)s: only a derogation of art. 49 (occasional transfers)"),
    Fact.SAFEGUARDED_WITHOUT_TIA: N_(
        "%(recipient)s in %(country)s: SCC or BCR without a transfer impact assessment"
    ),
    Fact.SAFEGUARDED_WITH_TIA: N_(
        "%(recipient)s in %(country)s: SCC or BCR with a transfer impact assessment"
    ),
    Fact.DPF: N_("%(recipient)s in %(country)s: the Data Privacy Framework, which a ruling could invalidate"),
}
_UNBLOCK = {
    Fact.NO_BASIS: N_(
        "Record SCC or BCR with a transfer impact assessment for %(recipient)s, or remove it from the system."
    ),
    Fact.UNKNOWN: N_(
        "Confirm the country and the transfer mechanism of %(recipient)s (with SCC or BCR, a transfer impact "
        "assessment), or remove it from the system."
    ),
}
_UNKNOWN_COUNTRY = N_("an unknown country")
_RISK_RESIDUAL = N_("risk %(number)s (%(title)s)")
_RISK_RELIES_ON_USERS = N_(
    "risk %(number)s (%(title)s) is lowered only by a rule users must remember: it counts as inherent"
)
_RISK_NO_MEASURE = N_("risk %(number)s (%(title)s) is lowered without any measure: it counts as inherent")
_WHY = N_("%(level)s: %(reason)s")

#: Text in both languages: a plain string, or one per language (a country's name).
Text = str | Mapping[str, str]


def _in(lang: str, value: Text) -> str:
    return value if isinstance(value, str) else value.get(lang, "")


@dataclass(frozen=True)
class RiskFacts:
    """A risk of the DPIA version being decided."""

    number: int
    title: str
    inherent: tuple[int, int]  # (L, C)
    residual: tuple[int, int]  # (L, C): the inherent pair when the residual is not assessed yet
    flag: scoring.ReductionFlag | None = None


@dataclass(frozen=True)
class TransferFacts:
    recipient: str
    country: Text | None  # None: the country is not known
    klass: TransferClass
    tia_missing: bool = False


@dataclass(frozen=True)
class ExposureFacts:
    entity: str
    country: Text
    level: ExposureLevel


@dataclass(frozen=True)
class Reason:
    """One part of the figure: the level it implies and the sentence that says why."""

    level: RiskLevel
    msgid: str
    params: Mapping[str, Text] = field(default_factory=dict)
    fact: Fact | None = None  # None for a DPIA risk

    def text(self, lang: str) -> str:
        return translate(lang, self.msgid, **{k: _in(lang, v) for k, v in self.params.items()})

    def why(self, lang: str) -> str:
        """ "very high: exposure to China through ByteDance Ltd." """
        return translate(lang, _WHY, level=label_in(lang, self.level), reason=self.text(lang))


@dataclass(frozen=True)
class Blocker:
    """A transfer that no body may approve, and what would unblock it."""

    reason: Reason
    unblock_msgid: str
    params: Mapping[str, Text]

    def text(self, lang: str) -> str:
        return self.reason.text(lang)

    def unblock(self, lang: str) -> str:
        return translate(lang, self.unblock_msgid, **{k: _in(lang, v) for k, v in self.params.items()})


@dataclass(frozen=True)
class SystemResidual:
    """The level a body decides on (None: nothing assessed), every reason worst first, and the blockers."""

    level: RiskLevel | None
    reasons: tuple[Reason, ...]
    blockers: tuple[Blocker, ...]
    has_dpia: bool

    @property
    def may_be_approved(self) -> bool:
        return not self.blockers

    @property
    def deciding(self) -> tuple[Reason, ...]:
        """The reasons at the system's level: what makes the figure what it is."""
        return tuple(r for r in self.reasons if r.level == self.level)

    def why(self, lang: str) -> list[str]:
        return [r.why(lang) for r in self.deciding]

    def from_dpia(self) -> RiskLevel | None:
        """The highest level among the DPIA's risks as counted here (None without risks)."""
        return max((r.level for r in self.reasons if r.fact is None), key=lambda lv: lv.rank, default=None)


def _risk_reason(risk: RiskFacts) -> Reason:
    params: dict[str, Text] = {"number": str(risk.number), "title": risk.title}
    if risk.flag is None:
        return Reason(scoring.level(*risk.residual), _RISK_RESIDUAL, params)
    msgid = _RISK_RELIES_ON_USERS if risk.flag == scoring.ReductionFlag.RELIES_ON_USERS else _RISK_NO_MEASURE
    return Reason(scoring.level(*risk.inherent), msgid, params)


def transfer_fact(klass: TransferClass, tia_missing: bool) -> Fact | None:
    """The fact a classified transfer is, for the residual risk (None: it implies nothing)."""
    if klass == TransferClass.SAFEGUARDED:
        return Fact.SAFEGUARDED_WITHOUT_TIA if tia_missing else Fact.SAFEGUARDED_WITH_TIA
    return _FACT_OF_CLASS.get(klass)


def exposure_fact(level: ExposureLevel) -> Fact | None:
    return _FACT_OF_EXPOSURE.get(level)


def system_residual(
    risks: Iterable[RiskFacts] | None,
    transfers: Iterable[TransferFacts] = (),
    exposures: Iterable[ExposureFacts] = (),
) -> SystemResidual:
    """The system's residual risk from its DPIA's risks (None: no DPIA yet) and its transfer facts."""
    reasons = [_risk_reason(r) for r in risks or ()]
    blockers: list[Blocker] = []
    seen: set[tuple[Fact, str, str]] = set()
    for t in transfers:
        fact = transfer_fact(t.klass, t.tia_missing)
        if fact is None:
            continue
        country: Text = t.country if t.country is not None else {"da": "", "en": ""}
        key = (fact, t.recipient, _in("en", country))
        if key in seen:
            continue
        seen.add(key)
        params: dict[str, Text] = {
            "recipient": t.recipient,
            "country": country if t.country is not None else _unknown_country(),
        }
        reason = Reason(FACT_LEVELS[fact], _REASONS[fact], params, fact)
        reasons.append(reason)
        if fact in BLOCKS_APPROVAL:
            blockers.append(Blocker(reason, _UNBLOCK[fact], {"recipient": t.recipient}))
    for e in exposures:
        fact = exposure_fact(e.level)
        if fact is None or (fact, e.entity, _in("en", e.country)) in seen:
            continue
        seen.add((fact, e.entity, _in("en", e.country)))
        reasons.append(
            Reason(FACT_LEVELS[fact], _REASONS[fact], {"recipient": e.entity, "country": e.country}, fact)
        )
    # Worst first; within a level the facts (transfers, then exposure) before the DPIA risks: what the
    # register knows on its own, such as "exposure to China through ByteDance Ltd.", leads the why.
    reasons.sort(key=lambda r: (-r.level.rank, r.fact is None))
    level = reasons[0].level if reasons else None
    return SystemResidual(level, tuple(reasons), tuple(blockers), has_dpia=risks is not None)


def _unknown_country() -> Mapping[str, str]:
    return {lang: translate(lang, _UNKNOWN_COUNTRY) for lang in ("da", "en")}
