"""The 4×4 risk scale and the DPIA screening rule (issue 5: boundaries 3/4, 6/8, 9/12; 0, 1, 2 criteria)."""

from __future__ import annotations

import pytest

from riskreg.dpia.scoring import level, score
from riskreg.dpia.screening import screen
from riskreg.enums import ListedProcessing as Listed
from riskreg.enums import RiskLevel
from riskreg.enums import Wp248Criterion as C


@pytest.mark.parametrize(
    ("likelihood", "consequence", "points", "expected"),
    [
        (1, 1, 1, RiskLevel.LOW),
        (1, 3, 3, RiskLevel.LOW),  # the top of low ...
        (2, 2, 4, RiskLevel.MEDIUM),  # ... and the bottom of medium
        (2, 3, 6, RiskLevel.MEDIUM),
        (2, 4, 8, RiskLevel.HIGH),  # 7 cannot occur: 6 is medium, 8 high
        (3, 3, 9, RiskLevel.HIGH),
        (3, 4, 12, RiskLevel.VERY_HIGH),  # 10 and 11 cannot occur: 9 is high, 12 very high
        (4, 4, 16, RiskLevel.VERY_HIGH),
    ],
)
def test_level_boundaries(likelihood: int, consequence: int, points: int, expected: RiskLevel) -> None:
    assert score(likelihood, consequence) == points
    assert level(likelihood, consequence) == expected


def test_every_cell_of_the_matrix_has_the_level_of_its_score() -> None:
    cells = {(lk, cq): level(lk, cq) for lk in range(1, 5) for cq in range(1, 5)}
    assert sum(lv == RiskLevel.VERY_HIGH for lv in cells.values()) == 3  # 12, 12, 16
    assert sum(lv == RiskLevel.LOW for lv in cells.values()) == 5  # 1, 2, 2, 3, 3
    assert all(cells[a, b] == cells[b, a] for a in range(1, 5) for b in range(1, 5))


@pytest.mark.parametrize("bad", [0, 5, -1, 2.5, True, "3", None])
def test_values_off_the_scale_are_refused(bad: object) -> None:
    with pytest.raises(ValueError, match="must be 1, 2, 3 or 4"):
        score(bad, 2)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="consequence"):
        level(2, bad)  # type: ignore[arg-type]


def test_no_criterion_needs_no_dpia() -> None:
    result = screen([])
    assert not result.required and result.triggers == ()


def test_one_criterion_is_not_enough() -> None:
    result = screen([C.VULNERABLE_SUBJECTS])
    assert not result.required
    assert result.criteria == (C.VULNERABLE_SUBJECTS,) and result.triggers == ()


def test_two_criteria_require_a_dpia_and_say_which() -> None:
    # The municipal classic: children (vulnerable) and CPR/health data (sensitive), listed in WP248's order.
    result = screen([C.VULNERABLE_SUBJECTS, C.SENSITIVE_DATA, C.VULNERABLE_SUBJECTS])
    assert result.required
    assert result.triggers == (C.SENSITIVE_DATA, C.VULNERABLE_SUBJECTS)


def test_a_listed_processing_requires_a_dpia_on_its_own() -> None:
    result = screen([], [Listed.AUTOMATED_ACCESS_DECISION])
    assert result.required and result.triggers == (Listed.AUTOMATED_ACCESS_DECISION,)


def test_listed_location_data_counts_only_with_a_criterion() -> None:
    assert not screen([], [Listed.LOCATION]).required
    with_one = screen([C.SYSTEMATIC_MONITORING], [Listed.LOCATION])
    assert with_one.required
    assert with_one.triggers == (Listed.LOCATION,)  # one criterion alone is no trigger
