"""What needs attention on the front page: cases in assessment and overdue at their body, transfers that are
not acceptable, findings from the vendors' roles, reviews and checks that are due."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from riskreg.dpia import approval
from riskreg.dpia.models import Decision, Dpia
from riskreg.enums import DecisionOutcome, DpfStatus, ExposureLevel, Outcome, SystemStatus, TransferClass
from riskreg.systems.models import System
from riskreg.transfers import system_verdicts
from riskreg.vendors import roles
from riskreg.vendors.models import AuditStatement, Supervision, Vendor

DPF_CHECK_MAX_AGE = dt.timedelta(days=90)
AUDIT_STATEMENT_MAX_AGE = dt.timedelta(days=365)
LIMIT = 20


@dataclass(frozen=True)
class OverdueCase:
    """A case still before a body whose meeting has passed; ``postponed`` when it was postponed to it."""

    dpia: Dpia
    postponed: bool


@dataclass(frozen=True)
class TransferProblem:
    """A system in use whose stored transfer outcome is not acceptable."""

    system: System
    verdict: TransferClass
    exposure: ExposureLevel | None


@dataclass
class Attention:
    status_counts: dict[SystemStatus, int]
    in_assessment: list[System]
    cases_overdue: list[OverdueCase]
    transfers_not_acceptable: list[TransferProblem]
    reviews_overdue: list[System]
    reviews_due: list[System]
    dpf_checks_due: list[Vendor]
    statements_due: list[tuple[Vendor, dt.date | None]]
    supervision_overdue: list[Supervision]
    #: Per kind of role finding (processor without a DPA, disclosure, joint controller): systems in use.
    role_findings: dict[roles.RoleFindingKind, roles.KindList]

    @property
    def is_empty(self) -> bool:
        return not any(
            (
                self.in_assessment,
                self.cases_overdue,
                self.transfers_not_acceptable,
                self.reviews_overdue,
                self.reviews_due,
                self.dpf_checks_due,
                self.statements_due,
                self.supervision_overdue,
                *(k.count for k in self.role_findings.values()),
            )
        )


def _live_systems() -> Any:
    return select(System).where(System.is_archived.is_(False), System.status != SystemStatus.RETIRED)


def _overdue_cases(session: Session, today: dt.date) -> list[OverdueCase]:
    cases = approval.overdue_cases(session, today, LIMIT)
    ids = [c.id for c in cases]
    if not ids:
        return []
    # Eager-load what the list shows into the cases already loaded (one query, not one per case).
    session.scalars(
        select(Dpia)
        .where(Dpia.id.in_(ids))
        .options(joinedload(Dpia.system).joinedload(System.vendor), joinedload(Dpia.body))
    ).all()
    latest = dict(
        session.execute(
            select(Decision.dpia_id, Decision.outcome).where(Decision.dpia_id.in_(ids)).order_by(Decision.id)
        ).all()
    )
    return [OverdueCase(c, latest.get(c.id) == DecisionOutcome.POSTPONED) for c in cases]


def _transfers_not_acceptable(session: Session) -> list[TransferProblem]:
    """Systems in use (not archived, retired or rejected) whose stored transfer outcome is not acceptable."""
    verdicts = system_verdicts.verdicts(system_verdicts.stale_source(session), name="attention_verdict")
    rows = session.execute(
        _live_systems()
        .add_columns(verdicts.c.verdict, verdicts.c.exposure)
        .join(verdicts, verdicts.c.system_id == System.id)
        .where(verdicts.c.outcome == Outcome.NOT_ACCEPTABLE, System.status != SystemStatus.REJECTED)
        .options(joinedload(System.vendor))
        .order_by(verdicts.c.severity.desc(), System.name)
        .limit(LIMIT)
    ).all()
    return [TransferProblem(system, verdict, exposure) for system, verdict, exposure in rows]


def _role_findings(session: Session) -> dict[roles.RoleFindingKind, roles.KindList]:
    """Systems in use (not archived, retired or rejected) whose vendor's role raises a finding."""
    in_use = _live_systems().where(System.status != SystemStatus.REJECTED)
    return roles.findings_by_kind(session, in_use, LIMIT)


def attention(session: Session, today: dt.date, horizon_days: int = 30) -> Attention:
    counts = dict(
        session.execute(
            select(System.status, func.count()).where(System.is_archived.is_(False)).group_by(System.status)
        ).all()
    )
    opts = joinedload(System.vendor)
    in_assessment = session.scalars(
        _live_systems()
        .where(System.status == SystemStatus.IN_ASSESSMENT)
        .options(opts)
        .order_by(System.name)
        .limit(LIMIT)
    ).all()
    overdue = session.scalars(
        _live_systems()
        .where(System.next_review_on < today)
        .options(opts)
        .order_by(System.next_review_on)
        .limit(LIMIT)
    ).all()
    due = session.scalars(
        _live_systems()
        .where(
            System.next_review_on >= today, System.next_review_on <= today + dt.timedelta(days=horizon_days)
        )
        .options(opts)
        .order_by(System.next_review_on)
        .limit(LIMIT)
    ).all()
    dpf_due = session.scalars(
        select(Vendor)
        .where(
            Vendor.is_archived.is_(False),
            Vendor.dpf_status == DpfStatus.ACTIVE,
            (Vendor.dpf_checked_on.is_(None)) | (Vendor.dpf_checked_on < today - DPF_CHECK_MAX_AGE),
        )
        .order_by(Vendor.dpf_checked_on.nulls_first(), Vendor.name)
        .limit(LIMIT)
    ).all()
    latest = (
        select(AuditStatement.vendor_id, func.max(AuditStatement.received_on).label("latest"))
        .group_by(AuditStatement.vendor_id)
        .subquery()
    )
    statements_due = [
        (vendor, latest_on)
        for vendor, latest_on in session.execute(
            select(Vendor, latest.c.latest)
            .join(latest, latest.c.vendor_id == Vendor.id)
            .where(Vendor.is_archived.is_(False), latest.c.latest < today - AUDIT_STATEMENT_MAX_AGE)
            .order_by(latest.c.latest)
            .limit(LIMIT)
        ).all()
    ]
    supervision_overdue = session.scalars(
        select(Supervision)
        .join(Supervision.vendor)
        .where(Vendor.is_archived.is_(False), Supervision.next_on < today)
        .options(joinedload(Supervision.vendor))
        .order_by(Supervision.next_on)
        .limit(LIMIT)
    ).all()
    return Attention(
        status_counts=counts,
        in_assessment=list(in_assessment),
        cases_overdue=_overdue_cases(session, today),
        transfers_not_acceptable=_transfers_not_acceptable(session),
        reviews_overdue=list(overdue),
        reviews_due=list(due),
        dpf_checks_due=list(dpf_due),
        statements_due=statements_due,
        supervision_overdue=list(supervision_overdue),
        role_findings=_role_findings(session),
    )
