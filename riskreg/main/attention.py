"""What needs attention on the front page: cases in assessment, reviews and checks that are due."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from riskreg.enums import DpfStatus, SystemStatus
from riskreg.systems.models import System
from riskreg.vendors.models import AuditStatement, Supervision, Vendor

DPF_CHECK_MAX_AGE = dt.timedelta(days=90)
AUDIT_STATEMENT_MAX_AGE = dt.timedelta(days=365)
LIMIT = 20


@dataclass
class Attention:
    status_counts: dict[SystemStatus, int]
    in_assessment: list[System]
    reviews_overdue: list[System]
    reviews_due: list[System]
    dpf_checks_due: list[Vendor]
    statements_due: list[tuple[Vendor, dt.date | None]]
    supervision_overdue: list[Supervision]

    @property
    def is_empty(self) -> bool:
        return not any(
            (
                self.in_assessment,
                self.reviews_overdue,
                self.reviews_due,
                self.dpf_checks_due,
                self.statements_due,
                self.supervision_overdue,
            )
        )


def _live_systems() -> Any:
    return select(System).where(System.is_archived.is_(False), System.status != SystemStatus.RETIRED)


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
        reviews_overdue=list(overdue),
        reviews_due=list(due),
        dpf_checks_due=list(dpf_due),
        statements_due=statements_due,
        supervision_overdue=list(supervision_overdue),
    )
