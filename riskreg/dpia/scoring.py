"""Likelihood × consequence (domain §5): the 1–4 scales, the score and its level. No Flask."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import StrEnum

from riskreg.enums import MeasureKind, RiskLevel

SCALE = range(1, 5)
#: The lowest score of each level: 1–3 low, 4–6 medium, 8–9 high, 12–16 very high (L × C has no others).
LEVEL_FROM = ((12, RiskLevel.VERY_HIGH), (8, RiskLevel.HIGH), (4, RiskLevel.MEDIUM), (1, RiskLevel.LOW))


def score(likelihood: int, consequence: int) -> int:
    """L × C; both must be on the 1–4 scale."""
    for name, value in (("likelihood", likelihood), ("consequence", consequence)):
        if isinstance(value, bool) or not isinstance(value, int) or value not in SCALE:
            raise ValueError(f"{name} must be 1, 2, 3 or 4, not {value!r}")
    return likelihood * consequence


def level(likelihood: int, consequence: int) -> RiskLevel:
    """The level of L × C."""
    return level_of_score(score(likelihood, consequence))


def level_of_score(points: int) -> RiskLevel:
    """The level of a score L × C (1–16)."""
    return next(lv for lowest, lv in LEVEL_FROM if points >= lowest)


#: Art. 36: from this residual level on, the supervisory authority must be consulted before processing.
PRIOR_CONSULTATION_FROM = RiskLevel.HIGH


def highest(pairs: Iterable[tuple[int, int]]) -> RiskLevel:
    """The highest level of some (L, C) pairs; low when there are none."""
    return max((level(lk, c) for lk, c in pairs), key=lambda lv: lv.rank, default=RiskLevel.LOW)


class ReductionFlag(StrEnum):
    """Why a risk's reduction from inherent to residual cannot be relied on."""

    #: Lowered only by measures that depend on users remembering a rule (the Canva lesson).
    RELIES_ON_USERS = "relies_on_users"
    #: Lowered without any measure linked.
    NO_MEASURE = "no_measure"


def reduction_flag(
    inherent_score: int, residual_score: int, measures: Sequence[tuple[MeasureKind, bool]]
) -> ReductionFlag | None:
    """Flag a reduction that rests on nothing, or only on users remembering a rule.

    ``measures`` are the linked measures as (kind, relies on users). A reduction is sound when at least one
    linked measure does not depend on users' memory.
    """
    if residual_score >= inherent_score:
        return None
    if not measures:
        return ReductionFlag.NO_MEASURE
    if all(relies for _kind, relies in measures):
        return ReductionFlag.RELIES_ON_USERS
    return None
