"""The system's residual risk read from the database: the DPIA version a body decides on and the transfer
facts under today's official list, turned into plain facts for ``riskreg.dpia.residual``. No Flask.

``residuals`` is set-based: one query for the risks and their measures, one ``assess`` for the transfers of
all the systems asked for, so a page of the register costs the same few queries as one system.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session, selectinload

from riskreg.dpia.models import Dpia, Risk
from riskreg.dpia.residual import ExposureFacts, RiskFacts, SystemResidual, TransferFacts, system_residual
from riskreg.enums import DpiaState
from riskreg.errors import DomainError
from riskreg.transfers import findings, sources

#: The versions a body decides on, or has decided on; a draft counts only while nothing else exists.
DECIDABLE = (DpiaState.IN_REVIEW, DpiaState.DECIDED)


def risk_facts(dpia: Dpia) -> list[RiskFacts]:
    """The risks of a DPIA version, numbered as the DPIA tab numbers them."""
    return [
        RiskFacts(
            number,
            risk.title,
            (risk.inherent_likelihood, risk.inherent_consequence),
            (risk.residual_l, risk.residual_c),
            risk.flag,
        )
        for number, risk in enumerate(dpia.risks, start=1)
    ]


def transfer_facts(assessment: findings.Assessment | None) -> tuple[list[TransferFacts], list[ExposureFacts]]:
    if assessment is None:
        return [], []
    transfers = [
        TransferFacts(t.recipient, t.country_names or None, t.klass, t.tia_missing)
        for t in assessment.transfers
    ]
    exposures = [ExposureFacts(e.entity, e.country_names, e.level) for e in assessment.exposure]
    return transfers, exposures


def deciding_versions(session: Session, system_ids: Sequence[int]) -> dict[int, Dpia]:
    """Per system, the newest version submitted or decided, else its newest draft (risks, measures loaded)."""
    if not system_ids:
        return {}
    rank = func.max(Dpia.number)
    submitted: dict[int, int] = {
        sid: number
        for sid, number in session.execute(
            select(Dpia.system_id, rank)
            .where(Dpia.system_id.in_(system_ids), Dpia.state.in_(DECIDABLE))
            .group_by(Dpia.system_id)
        )
    }
    newest = session.execute(
        select(Dpia.system_id, rank).where(Dpia.system_id.in_(system_ids)).group_by(Dpia.system_id)
    )
    wanted = [(sid, submitted.get(sid, number)) for sid, number in newest]
    if not wanted:
        return {}
    versions = session.scalars(
        select(Dpia)
        .where(tuple_(Dpia.system_id, Dpia.number).in_(wanted))
        .options(selectinload(Dpia.risks).selectinload(Risk.measures))
    )
    return {d.system_id: d for d in versions}


def _assessments(
    session: Session, system_ids: Sequence[int], on: dt.date | None
) -> dict[int, findings.Assessment]:
    try:
        source = sources.official_source(session, on or sources.today())
    except DomainError:  # no official list yet: nothing to classify against
        return {}
    return {a.system_id: a for a in findings.assess(session, source, list(system_ids))}


def residuals(
    session: Session,
    system_ids: Iterable[int],
    *,
    versions: dict[int, Dpia] | None = None,
    on: dt.date | None = None,
) -> dict[int, SystemResidual]:
    """Each system's residual risk; ``versions`` names the DPIA version to weigh (default: the deciding)."""
    ids = list(dict.fromkeys(system_ids))
    chosen = deciding_versions(session, ids) if versions is None else versions
    found = _assessments(session, ids, on)
    result = {}
    for system_id in ids:
        dpia = chosen.get(system_id)
        transfers, exposures = transfer_facts(found.get(system_id))
        result[system_id] = system_residual(
            risk_facts(dpia) if dpia is not None else None, transfers, exposures
        )
    return result


def residual_of(session: Session, system_id: int, dpia: Dpia | None = None) -> SystemResidual:
    """One system's residual risk, weighing ``dpia`` (default: the deciding version)."""
    versions = {system_id: dpia} if dpia is not None else None
    return residuals(session, [system_id], versions=versions)[system_id]
