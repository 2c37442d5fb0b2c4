"""One verdict row per system: computed in SQL for any list, and stored for today's official list (no Flask).

- ``refresh`` stores each system's verdict for today's official list in ``system_assessment``;
  ``riskreg.transfers.tracking`` calls it in the same transaction as every change that
  can move a verdict, so the register's filters and counts read stored rows.
- ``verdicts`` gives one row per system, from the stored tables for today or computed for another date or a
  scenario.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    ColumnElement,
    FromClause,
    Integer,
    Select,
    case,
    cast,
    delete,
    func,
    insert,
    literal,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session

from riskreg.db import utcnow
from riskreg.enums import ExposureLevel, Outcome, TransferClass
from riskreg.errors import DomainError
from riskreg.transfers import rules
from riskreg.transfers.classified import (
    SystemIds,
    exposure_rows,
    location_facts,
    rule_case,
    system_recipients,
)
from riskreg.transfers.models import AssessmentState, SystemAssessment
from riskreg.transfers.sources import ListSource, official_source, today

STATE_ID = 1
VERDICT_COLUMNS = ("system_id", "verdict", "severity", "exposure", "tia_missing", "outcome", "transfer_count")


# --- computed, for any list ---------------------------------------------------------------------------------


def _per_system(source: ListSource, system_ids: SystemIds) -> FromClause:
    """Per system: worst severity, transfers under SCC/BCR without a TIA, and the number of transfers.

    Aggregated per recipient first (few rows), once for a system that is not an HR system and once for one
    that is (the DPF's HR coverage), then per system over the recipients that serve it.
    """
    serving = system_recipients(system_ids)
    stmt, rl, facts = location_facts(source, serving if system_ids is not None else None)
    columns = []
    for hr, suffix in ((False, ""), (True, "_hr")):
        safeguarded = rule_case(facts[hr], lambda r: int(r.klass == TransferClass.SAFEGUARDED))
        columns += [
            func.max(rule_case(facts[hr], lambda r: r.klass.severity)).label("severity" + suffix),
            func.sum(case(((safeguarded == 1) & rl.c.tia_on.is_(None), 1), else_=0)).label(
                "tia_missing" + suffix
            ),
        ]
    per_recipient = (
        stmt.add_columns(rl.c.recipient_key, *columns, func.count().label("transfer_count"))
        .group_by(rl.c.recipient_key)
        .subquery("per_recipient")
    )
    pr, hr_system = per_recipient.c, serving.c.hr_system
    return (
        select(
            serving.c.system_id,
            func.max(case((hr_system, pr.severity_hr), else_=pr.severity)).label("severity"),
            # SUM is NUMERIC on PostgreSQL (a Decimal in Python); these are counts.
            cast(func.sum(case((hr_system, pr.tia_missing_hr), else_=pr.tia_missing)), Integer).label(
                "tia_missing"
            ),
            cast(func.sum(pr.transfer_count), Integer).label("transfer_count"),
        )
        .select_from(serving)
        .join(per_recipient, per_recipient.c.recipient_key == serving.c.recipient_key)
        .group_by(serving.c.system_id)
        .subquery("per_system")
    )


def _outcome_case(severity: Any, exposure_severity: Any, tia_missing: Any) -> ColumnElement[str]:
    """``rules.outcome`` in SQL, from the same thresholds."""
    return case(
        (
            (severity >= rules.NOT_ACCEPTABLE_FROM.severity)
            | (func.coalesce(exposure_severity, -1) >= rules.EXPOSURE_NOT_ACCEPTABLE_FROM.severity),
            literal(Outcome.NOT_ACCEPTABLE.value),
        ),
        (
            (severity >= rules.ATTENTION_FROM.severity) | exposure_severity.is_not(None) | (tia_missing > 0),
            literal(Outcome.ATTENTION.value),
        ),
        else_=literal(Outcome.ACCEPTABLE.value),
    )


def _verdict_rows(per_system: FromClause, exposures: FromClause) -> Select[Any]:
    """One row per system: worst class, worst exposure, missing TIA, outcome, number of transfers."""
    worst_exposure = (
        select(exposures.c.system_id, func.max(exposures.c.severity).label("severity"))
        .group_by(exposures.c.system_id)
        .subquery("worst_exposure")
    )
    # Typed as the stored columns are, so that computed rows read back as enums just like stored ones.
    stored = SystemAssessment.__table__.c
    verdict = case({c.severity: c.value for c in TransferClass}, value=per_system.c.severity)
    exposure = case({lv.severity: lv.value for lv in ExposureLevel}, value=worst_exposure.c.severity)
    outcome = _outcome_case(per_system.c.severity, worst_exposure.c.severity, per_system.c.tia_missing)
    return select(
        per_system.c.system_id,
        type_coerce(verdict, stored.verdict.type).label("verdict"),
        per_system.c.severity,
        type_coerce(exposure, stored.exposure.type).label("exposure"),
        (per_system.c.tia_missing > 0).label("tia_missing"),
        type_coerce(outcome, stored.outcome.type).label("outcome"),
        per_system.c.transfer_count,
    ).outerjoin(worst_exposure, worst_exposure.c.system_id == per_system.c.system_id)


# --- reading ------------------------------------------------------------------------------------------------


def verdicts(
    source: ListSource | None = None, system_ids: SystemIds = None, name: str = "verdicts"
) -> FromClause:
    """One row per system (``VERDICT_COLUMNS``): stored for today's official list, else for ``source``."""
    if source is None:
        stmt = select(SystemAssessment.__table__)
        if system_ids is not None:
            stmt = stmt.where(SystemAssessment.system_id.in_(system_ids))
        return stmt.subquery(name)
    return _verdict_rows(_per_system(source, system_ids), exposure_rows(system_ids).subquery()).subquery(name)


# --- storing today's classification -------------------------------------------------------------------------


def _official_in_force_id(session: Session, on: dt.date) -> int | None:
    try:
        return official_source(session, on).official_version_id
    except DomainError:
        return None


def refresh(session: Session, on: dt.date | None = None) -> None:
    """Re-classify the whole register under the official list in force ``on`` (today) and store it.

    Runs in the caller's transaction; with no official version in force, the stored tables are left empty.
    Concurrent refreshes take turns: the state row is locked first (PostgreSQL; SQLite has one writer anyway),
    so two saves at the same moment cannot both insert the same verdicts.
    """
    on = on or today()
    state = session.scalar(select(AssessmentState).where(AssessmentState.id == STATE_ID).with_for_update())
    session.execute(delete(SystemAssessment))
    try:
        source: ListSource | None = official_source(session, on)
    except DomainError:
        source = None
    if source is not None:
        session.execute(
            insert(SystemAssessment).from_select(
                [getattr(SystemAssessment, c) for c in VERDICT_COLUMNS],
                _verdict_rows(_per_system(source, None), exposure_rows().subquery()),
            )
        )
    version_id = source.official_version_id if source is not None else None
    if state is None:
        state = AssessmentState(id=STATE_ID)
        session.add(state)
    state.list_version_id = version_id
    state.as_of = on
    state.computed_at = utcnow()
    session.flush()


def is_current(session: Session, on: dt.date | None = None) -> bool:
    """Whether the stored classification used the official version in force ``on``."""
    on = on or today()
    state = session.get(AssessmentState, STATE_ID)
    return state is not None and state.list_version_id == _official_in_force_id(session, on)


def stale_source(session: Session, on: dt.date | None = None) -> ListSource | None:
    """Today's official list if the stored verdicts are not of it, else None (read the stored rows).

    A list version that takes effect on a date makes the stored rows stale that day, before anyone saves
    anything. Readers pass this to ``verdicts`` and compute instead, without writing: a page that is read
    (a GET) never commits. The next commit stores the new classification (``tracking``).
    """
    if is_current(session, on):
        return None
    try:
        return official_source(session, on or today())
    except DomainError:
        return None


def ensure_current(session: Session, on: dt.date | None = None) -> bool:
    """Refresh and commit if a list version took effect since the last run; True if it did (CLI, jobs)."""
    if is_current(session, on):
        return False
    refresh(session, on)
    session.commit()
    return True
