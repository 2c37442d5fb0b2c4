"""The 4×4 heat map of a DPIA's risks: how many risks sit in each likelihood × consequence cell. No Flask."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from riskreg.dpia import scoring
from riskreg.enums import RiskLevel


@dataclass(frozen=True)
class Cell:
    likelihood: int
    consequence: int
    level: RiskLevel
    count: int

    @property
    def score(self) -> int:
        return self.likelihood * self.consequence


def heat_map(pairs: Iterable[tuple[int, int]]) -> list[list[Cell]]:
    """Rows of cells: likelihood 4 (top) down to 1, consequence 1 to 4 left to right, as risk maps read."""
    counts = Counter(pairs)
    return [
        [Cell(lk, c, scoring.level(lk, c), counts[(lk, c)]) for c in scoring.SCALE]
        for lk in reversed(scoring.SCALE)
    ]
