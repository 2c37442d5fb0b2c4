"""DPIA screening (domain §6): the WP248 criteria and Datatilsynet's list decide whether a DPIA is required.

Two or more WP248 criteria, or a processing on Datatilsynet's art. 35(4) list, require a DPIA. The first four
listed kinds (biometric, genetic, location data, innovative technology) count only together with at least one
WP248 criterion. No Flask.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from riskreg.enums import DataCategory, DataSubject, ListedProcessing, SubjectVolume, Wp248Criterion

#: WP248's rule of thumb: from this many criteria on, a DPIA is required.
CRITERIA_THRESHOLD = 2
NEEDS_A_CRITERION = frozenset(
    {
        ListedProcessing.BIOMETRIC,
        ListedProcessing.GENETIC,
        ListedProcessing.LOCATION,
        ListedProcessing.INNOVATIVE_TECHNOLOGY,
    }
)


@dataclass(frozen=True)
class Screening:
    required: bool
    criteria: tuple[Wp248Criterion, ...]  # the WP248 criteria met, in WP248's order
    listed: tuple[
        ListedProcessing, ...
    ]  # the listed kinds that trigger a DPIA on their own or in combination

    @property
    def triggers(self) -> tuple[Wp248Criterion | ListedProcessing, ...]:
        """What made the DPIA required (empty when it is not)."""
        if not self.required:
            return ()
        by_criteria = self.criteria if len(self.criteria) >= CRITERIA_THRESHOLD else ()
        return (*by_criteria, *self.listed)


def screen(criteria: Iterable[Wp248Criterion], listed: Iterable[ListedProcessing] = ()) -> Screening:
    # Sets first: ``criteria`` may be an iterator, which a test inside the generator would consume at once.
    wanted, chosen = set(criteria), set(listed)
    met = tuple(c for c in Wp248Criterion if c in wanted)
    triggering = tuple(
        kind for kind in ListedProcessing if kind in chosen and (kind not in NEEDS_A_CRITERION or met)
    )
    return Screening(
        required=len(met) >= CRITERIA_THRESHOLD or bool(triggering), criteria=met, listed=triggering
    )


def criteria_from_facts(
    subjects: Iterable[DataSubject],
    categories: Iterable[DataCategory],
    volume: SubjectVolume | None,
    has_ai: bool,
    ai_output_in_decisions: bool,
) -> tuple[Wp248Criterion, ...]:
    """The WP248 criteria the register shows, ticked when a DPIA is started; the DPO decides."""
    subjects, categories = set(subjects), set(categories)
    met = set()
    if subjects & {DataSubject.CHILDREN, DataSubject.VULNERABLE, DataSubject.PATIENTS, DataSubject.EMPLOYEES}:
        met.add(Wp248Criterion.VULNERABLE_SUBJECTS)
    if categories & {DataCategory.SPECIAL_ART9, DataCategory.CRIMINAL_ART10, DataCategory.CPR}:
        met.add(Wp248Criterion.SENSITIVE_DATA)
    if volume in (SubjectVolume.UNDER_100000, SubjectVolume.OVER_100000):
        met.add(Wp248Criterion.LARGE_SCALE)
    if has_ai:
        met.add(Wp248Criterion.INNOVATIVE_USE)
    if ai_output_in_decisions:
        met.add(Wp248Criterion.EVALUATION)
    return tuple(c for c in Wp248Criterion if c in met)
