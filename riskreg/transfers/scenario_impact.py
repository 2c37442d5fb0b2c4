"""What a scenario changes: the systems whose verdict or outcome differs from the official list's, and why.

No Flask here; reads only, the official data is not touched.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from riskreg.countries.models import CountryList
from riskreg.enums import Outcome, TransferClass
from riskreg.systems.models import System
from riskreg.transfers.findings import TransferFinding, assess
from riskreg.transfers.sources import ListSource, official_source, source_for
from riskreg.transfers.system_verdicts import verdicts


@dataclass
class VerdictChange:
    system_id: int
    system: str
    before: TransferClass
    after: TransferClass
    before_outcome: Outcome
    after_outcome: Outcome
    # The transfers whose class the scenario changes: (before, after).
    transfers: list[tuple[TransferFinding, TransferFinding]] = field(default_factory=list)


def scenario_impact(
    session: Session, scenario: CountryList, as_of: dt.date, lang: str = "da"
) -> tuple[ListSource, ListSource, list[VerdictChange]]:
    """Which systems change verdict or outcome under ``scenario``, from what to what, and the transfers why.

    Archived systems are left out. Reads only; the official data is not touched.
    """
    base = official_source(session, as_of, lang)
    what_if = source_for(session, as_of, scenario, lang)
    changed = changed_systems(session, base, what_if)
    if not changed:
        return base, what_if, []
    old = {a.system_id: a for a in assess(session, base, changed)}
    new = {a.system_id: a for a in assess(session, what_if, changed)}
    result = []
    for system_id, a in old.items():
        b = new[system_id]
        key = _finding_key
        after_by_key = {key(t): t for t in b.transfers}
        moved = [(t, after_by_key[key(t)]) for t in a.transfers if after_by_key[key(t)].klass != t.klass]
        result.append(VerdictChange(system_id, a.system, a.verdict, b.verdict, a.outcome, b.outcome, moved))
    result.sort(key=lambda c: (-c.after.severity, c.system.lower()))
    return base, what_if, result


def changed_systems(session: Session, base: ListSource, what_if: ListSource) -> list[int]:
    """Ids of the live systems whose verdict or outcome differs between two lists (one query, no detail)."""
    before, after = verdicts(base, name="before"), verdicts(what_if, name="after")
    return list(
        session.execute(
            select(before.c.system_id)
            .join(after, after.c.system_id == before.c.system_id)
            .join(System, System.id == before.c.system_id)
            .where(
                System.is_archived.is_(False),
                (before.c.verdict != after.c.verdict) | (before.c.outcome != after.c.outcome),
            )
        ).scalars()
    )


def _finding_key(t: TransferFinding) -> tuple[Any, ...]:
    return (t.vendor_id, t.sub_processor_id, t.location_id)
