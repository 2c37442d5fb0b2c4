"""Importing the DPF list: a batch to look at first, applied all at once; near matches decided one at a time.

``preview`` reads and matches the list (``riskreg.imports.dpf.parse``) and keeps the result as a pending
batch, with a ``DpfReview`` for each pair a person must decide; nothing in the register changes. When the
file's headers are not all recognised, ``start`` keeps the table in a batch for the mapping step first and
``map_columns`` reads it by the person's mapping. ``apply`` writes the exact matches in one transaction:
the status per framework, covered data, due date and page as listed (each where the file states it), the
name as listed, and the date checked. Pairs to review wait for a person (``decide_review``).

Vendors and sub-processors that are not on the list are left alone, *unknown* staying *unknown*: the list
says who is certified, not who was looked for, and a name missing from a list the user saved (perhaps a
filtered or partial copy) is not proof that the organisation is not certified. A recipient in another country
than the United States is never given a listing, not by the import and not by a person's confirmation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from riskreg.db import utcnow
from riskreg.enums import DpfStatus, ImportKind, ImportState, ReviewState
from riskreg.errors import DomainError
from riskreg.imports.dpf import columns
from riskreg.imports.dpf.parse import (
    SUB_PROCESSOR,
    VENDOR,
    Candidate,
    DpfList,
    MatchResult,
    match,
    parse,
)
from riskreg.imports.files import Limits, Table, read_table
from riskreg.imports.models import DpfReview, ImportBatch
from riskreg.services import commit
from riskreg.vendors.models import SubProcessor, Vendor

MODELS: dict[str, type[Vendor | SubProcessor]] = {VENDOR: Vendor, SUB_PROCESSOR: SubProcessor}
FILENAME_MAX = 255
#: The facts a list entry writes, as ``DpfEntry.facts`` names them (all columns of ``DpfRecord``).
FACTS = (
    "dpf_status",
    "dpf_uk_status",
    "dpf_swiss_status",
    "dpf_covers_hr",
    "dpf_covers_non_hr",
    "dpf_due_on",
    "dpf_url",
    "dpf_listed_name",
)
_STATUS_FACTS = ("dpf_status", "dpf_uk_status", "dpf_swiss_status")
#: A batch waiting for its columns to be chosen (``payload["stage"]``).
MAPPING = "mapping"


def today() -> dt.date:
    return dt.date.today()


def candidates(session: Session) -> list[Candidate]:
    """Every vendor and sub-processor in use, with its DPF record and country (two queries, no ORM)."""
    found: list[Candidate] = []
    for kind, model in MODELS.items():
        rows = session.execute(
            select(model.id, model.name, model.dpf_listed_name, model.dpf_status, model.country_code).where(
                model.is_archived.is_(False)
            )
        )
        found.extend(
            Candidate(kind, i, name, listed or "", status, country)
            for i, name, listed, status, country in rows
        )
    return found


def plan_table(
    session: Session,
    table: Table,
    mapping: Mapping[str, str] | None = None,
    *,
    progress: Callable[[int], None] | None = None,
) -> tuple[DpfList, MatchResult]:
    """What importing ``table`` would do; changes nothing. ``ImportRefused`` for a bad list.

    ``mapping`` chooses the field of the columns it names; the others keep the suggested one.
    """
    listed = parse(table, None if mapping is None else columns.with_overrides(table.headers, mapping))
    return listed, match(listed.entries, candidates(session), progress=progress)


def plan(
    session: Session,
    data: bytes,
    *,
    limits: Limits | None = None,
    mapping: Mapping[str, str] | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[DpfList, MatchResult]:
    """What importing the list in ``data`` would do; changes nothing. ``ImportRefused`` for a bad file."""
    return plan_table(session, read_table(data, limits), mapping, progress=progress)


def _pair_key(kind: str, id: int, row: int) -> str:
    return f"{kind}:{id}:{row}"


def _payload(listed: DpfList, result: MatchResult) -> dict[str, Any]:
    return {
        "mapping": listed.mapping,
        "matched": [
            {
                "row": p.entry.row,
                "listed_name": p.entry.name,
                "status": p.entry.status.value,
                "facts": p.entry.facts(),
                "target": p.candidate.kind,
                "id": p.candidate.id,
                "name": p.candidate.name,
                "was": p.candidate.status.value,
            }
            for p in result.matched
        ],
        # What a confirmed review writes, and why each pair is a review.
        "facts": {str(p.entry.row): p.entry.facts() for p in result.review},
        "review_reasons": {
            _pair_key(p.candidate.kind, p.candidate.id, p.entry.row): p.reason for p in result.review
        },
        "different": [
            [
                p.entry.row,
                p.entry.name,
                p.candidate.kind,
                p.candidate.id,
                p.candidate.name,
                p.reason,
                p.candidate.country_code or "",
            ]
            for p in result.different
        ],
        "not_stated": [[n.row, n.name] for n in listed.not_stated],
        "unmatched": [[e.row, e.name, e.status.value] for e in result.unmatched],
        "not_found": [[c.kind, c.id, c.name] for c in result.not_found],
    }


def summary(listed: DpfList, result: MatchResult) -> dict[str, int]:
    return {
        "entries": result.entries,
        "matched": len(result.matched),
        "review": len(result.review),
        "different": len(result.different),
        "not_stated": len(listed.not_stated),
        "unmatched": len(result.unmatched),
        "not_found": len(result.not_found),
    }


def _fill(batch: ImportBatch, listed: DpfList, result: MatchResult) -> None:
    batch.payload = _payload(listed, result)
    batch.summary = summary(listed, result)
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


def _new_batch(filename: str, user_id: int | None, source: str, source_on: dt.date | None) -> ImportBatch:
    return ImportBatch(
        kind=ImportKind.DPF,
        state=ImportState.PENDING,
        filename=filename[:FILENAME_MAX],
        source=source,
        source_on=source_on,
        created_by_id=user_id,
        payload={},
        summary={},
    )


def preview_table(
    session: Session,
    table: Table,
    filename: str,
    *,
    mapping: Mapping[str, str] | None = None,
    user_id: int | None = None,
    source: str = "",
    source_on: dt.date | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportBatch:
    """Read and match ``table`` and keep the result as a pending batch with its pairs to review.

    ``ImportRefused`` (nothing saved) for a table that is not a readable DPF list.
    """
    listed, result = plan_table(session, table, mapping, progress=progress)
    batch = _new_batch(filename, user_id, source, source_on)
    _fill(batch, listed, result)
    session.add(batch)
    commit(session)
    return batch


def preview(
    session: Session,
    data: bytes,
    filename: str,
    *,
    user_id: int | None = None,
    source: str = "",
    source_on: dt.date | None = None,
    limits: Limits | None = None,
    mapping: Mapping[str, str] | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportBatch:
    """``preview_table`` of the file in ``data``: ``ImportRefused`` (nothing saved) for a bad file."""
    return preview_table(
        session,
        read_table(data, limits),
        filename,
        mapping=mapping,
        user_id=user_id,
        source=source,
        source_on=source_on,
        progress=progress,
    )


# --- the mapping step ---------------------------------------------------------------------------------------


def needs_mapping(table: Table) -> bool:
    """Whether a person must choose the columns: a header not recognised, or a required one missing."""
    return not columns.is_complete(table.headers, columns.suggest_mapping(table.headers))


def start(
    session: Session,
    table: Table,
    filename: str,
    *,
    user_id: int | None = None,
    source: str = "",
    source_on: dt.date | None = None,
) -> ImportBatch:
    """Keep an uploaded table in a pending batch with the suggested mapping, for the mapping step."""
    batch = _new_batch(filename, user_id, source, source_on)
    batch.payload = {
        "stage": MAPPING,
        "table": table.to_json(),
        "mapping": columns.suggest_mapping(table.headers),
    }
    batch.summary = {"rows": len(table.rows)}
    session.add(batch)
    commit(session)
    return batch


def is_mapping(batch: ImportBatch) -> bool:
    return batch.state == ImportState.PENDING and batch.payload.get("stage") == MAPPING


def batch_table(batch: ImportBatch) -> Table:
    return Table.from_json(batch.payload.get("table") or {})


def map_columns(
    session: Session, batch: ImportBatch, mapping: Mapping[str, str], lang: str = "da"
) -> ImportBatch:
    """Read the batch's table by ``mapping`` and keep the match as the batch's preview.

    ``ImportRefused`` (the batch kept for another try, unchanged) for a mapping or a table that is wrong.
    """
    if not is_mapping(batch):
        raise DomainError(_("The columns of this import were chosen already."))
    table = batch_table(batch)
    listed, result = plan_table(session, table, columns.check_mapping(table.headers, mapping, lang))
    _fill(batch, listed, result)
    commit(session)
    return batch


# --- applying -----------------------------------------------------------------------------------------------


def _record(target: Vendor | SubProcessor, facts: Mapping[str, Any], on: dt.date) -> None:
    """Write what the list says of ``target``: each fact it states, and the date checked."""
    for name in FACTS:
        if name not in facts:
            continue
        value = facts[name]
        if name in _STATUS_FACTS:
            value = DpfStatus(value)
        elif name == "dpf_due_on":
            value = dt.date.fromisoformat(value) if value else None
        setattr(target, name, value)
    target.dpf_checked_on = on


def _facts(row: Mapping[str, Any]) -> dict[str, Any]:
    """The facts of a matched row (batches made before the facts were kept have status and name only)."""
    return dict(row.get("facts") or {"dpf_status": row["status"], "dpf_listed_name": row["listed_name"]})


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


def _check_us(target: Vendor | SubProcessor, *, applying: bool) -> None:
    """Refuse to give a listing to a recipient recorded in another country than the United States."""
    country = (target.country_code or "").upper()
    if country and country != "US":
        if applying:
            raise DomainError(
                _(
                    "%(name)s is now recorded in %(country)s, and a DPF listing belongs to an entity in the "
                    "United States, so the list was not applied. Nothing was changed; import the list again.",
                    name=str(target),
                    country=country,
                )
            )
        raise DomainError(
            _(
                "%(name)s is recorded in %(country)s: a DPF listing belongs to an entity in the United "
                "States and cannot be confirmed for it. Nothing was changed.",
                name=str(target),
                country=country,
            )
        )


def apply(session: Session, batch: ImportBatch, user_id: int | None = None, on: dt.date | None = None) -> int:
    """Write the batch's exact matches, all in one transaction; returns how many records it updated.

    The pairs to review stay pending for a person. Any failure rolls everything back.
    """
    _check_pending(batch)
    if is_mapping(batch):
        raise DomainError(_("Choose the columns of the list first. Nothing was changed."))
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
            _check_us(target, applying=True)
            row["was"] = target.dpf_status.value
            _record(target, _facts(row), on)
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
        _check_us(target, applying=False)
        applied_on = batch.applied_at.date() if batch.applied_at else None
        facts = (batch.payload.get("facts") or {}).get(str(review.row_number)) or {
            "dpf_status": review.listed_status.value,
            "dpf_listed_name": review.listed_name,
        }
        _record(target, facts, on or applied_on or today())
    review.state = ReviewState.CONFIRMED if confirm else ReviewState.REJECTED
    review.decided_by_id = user_id
    review.decided_at = utcnow()
    commit(session)


# --- what the pages show ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Facts:
    """What a list entry says, as the batch page shows it (None: the file does not state it)."""

    uk: DpfStatus | None
    swiss: DpfStatus | None
    covers_hr: bool | None
    covers_non_hr: bool | None
    due_on: dt.date | None
    url: str | None

    @classmethod
    def of(cls, facts: Mapping[str, Any]) -> Facts:
        def status(key: str) -> DpfStatus | None:
            return DpfStatus(facts[key]) if facts.get(key) else None

        due = facts.get("dpf_due_on")
        return cls(
            status("dpf_uk_status"),
            status("dpf_swiss_status"),
            facts.get("dpf_covers_hr"),
            facts.get("dpf_covers_non_hr"),
            dt.date.fromisoformat(due) if due else None,
            facts.get("dpf_url"),
        )


@dataclass(frozen=True)
class MatchedRow:
    row: int
    listed_name: str
    target: str
    id: int
    name: str
    old: DpfStatus
    new: DpfStatus
    facts: Facts


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
            Facts.of(_facts(r)),
        )
        for r in rows
    ]


@dataclass(frozen=True)
class ReviewLine:
    review: DpfReview
    reason: str  # parse.NEAR, NO_COUNTRY or NO_FORM
    facts: Facts


def review_lines(batch: ImportBatch) -> list[ReviewLine]:
    """The batch's pairs to review, each with why it is one and what the list says."""
    reasons = batch.payload.get("review_reasons") or {}
    facts = batch.payload.get("facts") or {}
    lines = []
    for review in batch.reviews:
        kind, id = (
            (VENDOR, review.vendor_id) if review.vendor_id else (SUB_PROCESSOR, review.sub_processor_id)
        )
        key = _pair_key(kind, id or 0, review.row_number)
        lines.append(
            ReviewLine(
                review,
                reasons.get(key, "near"),
                Facts.of(facts.get(str(review.row_number)) or {}),
            )
        )
    return lines


@dataclass(frozen=True)
class DifferentRow:
    """The same name on the list and in the register, but another entity: never applied."""

    row: int
    listed_name: str
    target: str
    id: int
    name: str
    reason: str  # parse.COUNTRY or LEGAL_FORM
    country: str


def different_rows(batch: ImportBatch) -> list[DifferentRow]:
    return [DifferentRow(*r) for r in batch.payload.get("different", [])]


def not_stated_rows(batch: ImportBatch) -> list[tuple[int, str]]:
    """The rows skipped because their status is empty: row, name."""
    return [(row, name) for row, name in batch.payload.get("not_stated", [])]


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
