"""Importing the DPF list: a batch to look at first, applied all at once; near matches decided one at a time.

``preview`` reads and matches the list (``riskreg.imports.dpf.parse``) and keeps the result as a pending
batch, with a ``DpfReview`` for each near match; nothing in the register changes. ``apply`` writes the exact
matches in one transaction: the DPF status as listed (active or inactive), the name as listed, and the date
checked. Near matches wait for a person (``decide_review``). Vendors and sub-processors that are not on the
list are left alone: the list says who is certified, not who was looked for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from riskreg.db import utcnow
from riskreg.enums import DpfStatus, ImportKind, ImportState, ReviewState
from riskreg.errors import DomainError
from riskreg.imports.dpf.parse import SUB_PROCESSOR, VENDOR, Candidate, MatchResult, match, read_list
from riskreg.imports.files import Limits
from riskreg.imports.models import DpfReview, ImportBatch
from riskreg.services import commit
from riskreg.vendors.models import SubProcessor, Vendor

MODELS: dict[str, type[Vendor | SubProcessor]] = {VENDOR: Vendor, SUB_PROCESSOR: SubProcessor}
FILENAME_MAX = 255


def today() -> dt.date:
    return dt.date.today()


def candidates(session: Session) -> list[Candidate]:
    """Every vendor and sub-processor in use, with its DPF record (two queries, no ORM objects)."""
    found: list[Candidate] = []
    for kind, model in MODELS.items():
        rows = session.execute(
            select(model.id, model.name, model.dpf_listed_name, model.dpf_status).where(
                model.is_archived.is_(False)
            )
        )
        found.extend(Candidate(kind, i, name, listed or "", status) for i, name, listed, status in rows)
    return found


def plan(
    session: Session,
    data: bytes,
    *,
    limits: Limits | None = None,
    progress: Callable[[int], None] | None = None,
) -> MatchResult:
    """What importing the list in ``data`` would do; changes nothing. ``ImportRefused`` for a bad file."""
    entries = read_list(data, limits)
    return match(entries, candidates(session), progress=progress)


def _payload(result: MatchResult) -> dict[str, Any]:
    return {
        "matched": [
            {
                "row": p.entry.row,
                "listed_name": p.entry.name,
                "status": p.entry.status.value,
                "target": p.candidate.kind,
                "id": p.candidate.id,
                "name": p.candidate.name,
                "was": p.candidate.status.value,
            }
            for p in result.matched
        ],
        "unmatched": [[e.row, e.name, e.status.value] for e in result.unmatched],
        "not_found": [[c.kind, c.id, c.name] for c in result.not_found],
    }


def summary(result: MatchResult) -> dict[str, int]:
    return {
        "entries": result.entries,
        "matched": len(result.matched),
        "review": len(result.review),
        "unmatched": len(result.unmatched),
        "not_found": len(result.not_found),
    }


def preview(
    session: Session,
    data: bytes,
    filename: str,
    *,
    user_id: int | None = None,
    source: str = "",
    source_on: dt.date | None = None,
    limits: Limits | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportBatch:
    """Read and match the list, and keep the result as a pending batch with its near matches to review.

    ``ImportRefused`` (nothing saved) for a file that is not a readable DPF list.
    """
    result = plan(session, data, limits=limits, progress=progress)
    batch = ImportBatch(
        kind=ImportKind.DPF,
        state=ImportState.PENDING,
        filename=filename[:FILENAME_MAX],
        source=source,
        source_on=source_on,
        created_by_id=user_id,
        payload=_payload(result),
        summary=summary(result),
    )
    for pair in result.review:
        batch.reviews.append(
            DpfReview(
                row_number=pair.entry.row,
                listed_name=pair.entry.name,
                listed_status=pair.entry.status,
                vendor_id=pair.candidate.id if pair.candidate.kind == VENDOR else None,
                sub_processor_id=pair.candidate.id if pair.candidate.kind == SUB_PROCESSOR else None,
                score=pair.score,
            )
        )
    session.add(batch)
    commit(session)
    return batch


def _record(target: Vendor | SubProcessor, status: DpfStatus, listed_name: str, on: dt.date) -> None:
    target.dpf_status = status
    target.dpf_listed_name = listed_name
    target.dpf_checked_on = on


def _targets(
    session: Session, rows: Sequence[dict[str, Any]]
) -> dict[tuple[str, int], Vendor | SubProcessor]:
    """The vendors and sub-processors the rows name, one query per kind."""
    found: dict[tuple[str, int], Vendor | SubProcessor] = {}
    vendor_ids = {r["id"] for r in rows if r["target"] == VENDOR}
    if vendor_ids:
        found.update(
            ((VENDOR, v.id), v) for v in session.scalars(select(Vendor).where(Vendor.id.in_(vendor_ids)))
        )
    sp_ids = {r["id"] for r in rows if r["target"] == SUB_PROCESSOR}
    if sp_ids:
        sps = session.scalars(select(SubProcessor).where(SubProcessor.id.in_(sp_ids)))
        found.update(((SUB_PROCESSOR, sp.id), sp) for sp in sps)
    return found


def _check_pending(batch: ImportBatch) -> None:
    if batch.kind != ImportKind.DPF or batch.state != ImportState.PENDING:
        raise DomainError(_("This import was already applied or discarded. Nothing was changed."))


def apply(session: Session, batch: ImportBatch, user_id: int | None = None, on: dt.date | None = None) -> int:
    """Write the batch's exact matches, all in one transaction; returns how many records it updated.

    The near matches stay pending for a person. Any failure rolls everything back.
    """
    _check_pending(batch)
    on = on or today()
    try:
        rows = [dict(r) for r in batch.payload.get("matched", [])]
        targets = _targets(session, rows)
        for row in rows:
            target = targets.get((row["target"], row["id"]))
            if target is None:
                raise DomainError(
                    _(
                        "%(name)s is no longer in the register, so the list was not applied. "
                        "Nothing was changed; import the list again.",
                        name=row["name"],
                    )
                )
            row["was"] = target.dpf_status.value
            _record(target, DpfStatus(row["status"]), row["listed_name"], on)
        # A new dict: the JSON column sees a replaced value, not one changed in place.
        batch.payload = {**batch.payload, "matched": rows, "applied_by": user_id}
        batch.state = ImportState.APPLIED
        batch.applied_at = utcnow()
        commit(session)
    except Exception:
        session.rollback()
        raise
    return len(rows)


def discard(session: Session, batch: ImportBatch) -> None:
    """Drop a pending batch and its near matches; the register was never changed by it."""
    _check_pending(batch)
    for review in list(batch.reviews):
        session.delete(review)
    batch.state = ImportState.DISCARDED
    commit(session)


def decide_review(
    session: Session, review: DpfReview, confirm: bool, user_id: int | None, on: dt.date | None = None
) -> None:
    """Confirm a near match (the vendor or sub-processor takes the listed status) or reject it.

    ``on`` is the date checked; by default the day the list was applied.
    """
    if review.state != ReviewState.PENDING:
        raise DomainError(_("This near match was already decided."))
    batch = review.batch
    if batch.state != ImportState.APPLIED:
        raise DomainError(_("Apply the list before deciding its near matches."))
    if confirm:
        target = review.vendor or review.sub_processor
        if target is None:  # pragma: no cover - the foreign keys keep one of them
            raise DomainError(_("The near match names nothing in the register."))
        applied_on = batch.applied_at.date() if batch.applied_at else None
        _record(target, review.listed_status, review.listed_name, on or applied_on or today())
    review.state = ReviewState.CONFIRMED if confirm else ReviewState.REJECTED
    review.decided_by_id = user_id
    review.decided_at = utcnow()
    commit(session)


# --- what the pages show ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MatchedRow:
    row: int
    listed_name: str
    target: str
    id: int
    name: str
    old: DpfStatus
    new: DpfStatus


def load_batch(session: Session, batch_id: int) -> ImportBatch | None:
    """A DPF batch with its near matches and what they name; None for an unknown id or another kind."""
    return session.scalar(
        select(ImportBatch)
        .where(ImportBatch.id == batch_id, ImportBatch.kind == ImportKind.DPF)
        .options(
            selectinload(ImportBatch.reviews).selectinload(DpfReview.vendor),
            selectinload(ImportBatch.reviews).selectinload(DpfReview.sub_processor),
        )
    )


def load_review(session: Session, review_id: int) -> DpfReview | None:
    return session.get(DpfReview, review_id)


def matched_rows(session: Session, batch: ImportBatch) -> list[MatchedRow]:
    """The exact matches with their status before and after: before as it is now for a pending batch,
    as it was when applied for an applied one."""
    rows = batch.payload.get("matched", [])
    current: dict[tuple[str, int], DpfStatus] = {}
    if batch.state == ImportState.PENDING:
        current = {key: obj.dpf_status for key, obj in _targets(session, rows).items()}
    return [
        MatchedRow(
            r["row"],
            r["listed_name"],
            r["target"],
            r["id"],
            r["name"],
            current.get((r["target"], r["id"]), DpfStatus(r["was"])),
            DpfStatus(r["status"]),
        )
        for r in rows
    ]


def unmatched_rows(batch: ImportBatch) -> list[tuple[int, str, DpfStatus]]:
    """The list entries that matched nothing: row, name, status."""
    return [(row, name, DpfStatus(status)) for row, name, status in batch.payload.get("unmatched", [])]


@dataclass(frozen=True)
class BatchLine:
    batch: ImportBatch
    pending: int


def recent_batches(session: Session, limit: int = 20) -> list[BatchLine]:
    """The latest DPF batches, and every older one with near matches still waiting, with that count."""
    pending = (
        select(DpfReview.batch_id, func.count().label("n"))
        .where(DpfReview.state == ReviewState.PENDING)
        .group_by(DpfReview.batch_id)
        .subquery()
    )
    base = select(ImportBatch, func.coalesce(pending.c.n, 0)).outerjoin(
        pending, pending.c.batch_id == ImportBatch.id
    )
    base = base.where(ImportBatch.kind == ImportKind.DPF).order_by(
        ImportBatch.created_at.desc(), ImportBatch.id.desc()
    )
    latest = session.execute(base.limit(limit)).all()
    waiting = session.execute(base.where(pending.c.n > 0)).all()
    seen: set[int] = set()
    lines = []
    for batch, n in [*latest, *waiting]:
        if batch.id not in seen:
            seen.add(batch.id)
            lines.append(BatchLine(batch, int(n)))
    return sorted(lines, key=lambda line: (line.batch.created_at, line.batch.id), reverse=True)
