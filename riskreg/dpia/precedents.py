"""Earlier rejections of other systems of the same vendor, parent or sub-processor parent (issue 14 §2).

Two queries, whatever the size of the register: the systems asked about and every system that counts as
rejected, each with its vendor and its newest rejection; then the parents of the sub-processors that serve
them. The matching itself is the plain rule in ``riskreg.dpia.precedent_rule``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from riskreg.bodies.models import ApprovalBody
from riskreg.dpia.models import Decision, Dpia
from riskreg.dpia.precedent_rule import Parties, precedent_links
from riskreg.enums import DecisionOutcome, SystemStatus
from riskreg.systems.models import System
from riskreg.transfers.classified import system_recipients
from riskreg.vendors.models import SubProcessor, Vendor


@dataclass(frozen=True)
class Precedent:
    """Another system, rejected before, that shares a legal entity with the system shown."""

    system_id: int
    system_name: str
    status: SystemStatus
    # The newest decision that recorded *rejected*; None when only the status says so.
    decided_on: dt.date | None
    body: str | None
    rationale: str
    via: tuple[str, ...]  # the shared legal entities, as the system shown names them


@dataclass
class _Candidate:
    system_name: str
    status: SystemStatus
    vendor_id: int
    vendor_name: str
    vendor_parent: str
    rejection: tuple[dt.date, int, str, str] | None = None  # (meeting_on, decision id, body, rationale)


def precedents_for(session: Session, system_id: int) -> list[Precedent]:
    """The precedents for one system, newest rejection first."""
    return precedents_by_system(session, [system_id]).get(system_id, [])


def precedents_by_system(session: Session, system_ids: Collection[int]) -> dict[int, list[Precedent]]:
    """The precedents for each of ``system_ids`` (systems without any are left out), newest first."""
    if not system_ids:
        return {}
    rejection = (
        select(
            Dpia.system_id,
            Decision.id,
            Decision.meeting_on,
            Decision.rationale,
            ApprovalBody.name.label("body"),
        )
        .join(Dpia, Dpia.id == Decision.dpia_id)
        .join(ApprovalBody, ApprovalBody.id == Decision.body_id)
        .where(Decision.outcome == DecisionOutcome.REJECTED)
        .subquery("rejection")
    )
    rows = session.execute(
        select(
            System.id,
            System.name,
            System.status,
            System.vendor_id,
            Vendor.name,
            Vendor.parent_name,
            rejection.c.meeting_on,
            rejection.c.id,
            rejection.c.body,
            rejection.c.rationale,
        )
        .join(Vendor, Vendor.id == System.vendor_id)
        .outerjoin(rejection, rejection.c.system_id == System.id)
        .where(
            or_(
                System.id.in_(system_ids),
                System.status == SystemStatus.REJECTED,
                rejection.c.id.is_not(None),
            )
        )
    )
    candidates: dict[int, _Candidate] = {}
    for sid, name, status, vendor_id, vendor_name, parent, on, decision_id, body, rationale in rows:
        candidate = candidates.setdefault(sid, _Candidate(name, status, vendor_id, vendor_name, parent or ""))
        if decision_id is not None and (
            candidate.rejection is None or (on, decision_id) > candidate.rejection[:2]
        ):
            candidate.rejection = (on, decision_id, body, rationale or "")
    served = system_recipients(list(candidates))
    sub_parents: dict[int, list[str]] = {}
    for sid, parent in session.execute(
        select(served.c.system_id, SubProcessor.parent_company)
        .join(SubProcessor, SubProcessor.id == served.c.recipient_key)
        .where(SubProcessor.parent_company != "")
        .distinct()
        .order_by(served.c.system_id, SubProcessor.parent_company)
    ):
        sub_parents.setdefault(sid, []).append(parent)
    parties = {
        sid: Parties(sid, c.vendor_id, c.vendor_name, c.vendor_parent, tuple(sub_parents.get(sid, ())))
        for sid, c in candidates.items()
    }
    others = [(parties[sid], c.status, c.rejection is not None) for sid, c in candidates.items()]
    result: dict[int, list[Precedent]] = {}
    for sid in system_ids:
        if sid not in parties:
            continue
        found = [
            _precedent(other.system_id, candidates[other.system_id], via)
            for other, via in precedent_links(parties[sid], others)
        ]
        if found:
            result[sid] = sorted(found, key=_newest_first)
    return result


def _precedent(system_id: int, candidate: _Candidate, via: tuple[str, ...]) -> Precedent:
    if candidate.rejection is None:
        return Precedent(system_id, candidate.system_name, candidate.status, None, None, "", via)
    on, _decision_id, body, rationale = candidate.rejection
    return Precedent(system_id, candidate.system_name, candidate.status, on, body, rationale, via)


def _newest_first(p: Precedent) -> tuple[int, int, str]:
    # Undated (status only) after the dated ones; then by name.
    return (
        0 if p.decided_on else 1,
        -(p.decided_on.toordinal() if p.decided_on else 0),
        p.system_name.lower(),
    )
