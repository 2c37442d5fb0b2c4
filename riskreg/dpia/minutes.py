"""What the decision and agenda pages show beside a DPIA: stored transfer verdicts and the risk flags."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from riskreg.dpia.models import Dpia, Risk
from riskreg.dpia.scoring import ReductionFlag
from riskreg.transfers import system_verdicts


def transfer_verdicts(session: Session, system_ids: Iterable[int]) -> dict[int, Any]:
    """The stored verdict row (verdict, exposure, outcome, ...) of each system, for today's official list."""
    ids = sorted(set(system_ids))
    if not ids:
        return {}
    verdicts = system_verdicts.verdicts(system_verdicts.stale_source(session), ids)
    return {row.system_id: row for row in session.execute(select(verdicts))}


def flagged_risks(dpia: Dpia, flag: ReductionFlag) -> list[Risk]:
    """The risks whose reduction to residual cannot be relied on for ``flag``'s reason."""
    return [r for r in dpia.risks if r.flag == flag]


def parse_day(value: str) -> dt.date | None:
    """An ISO date from a URL, or None when it is no date."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None
