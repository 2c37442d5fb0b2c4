"""Likelihood × consequence (DESIGN §5): the 1–4 scales, the score and its level. No Flask."""

from __future__ import annotations

from riskreg.enums import RiskLevel

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
    points = score(likelihood, consequence)
    return next(lv for lowest, lv in LEVEL_FROM if points >= lowest)
