"""Import batches and the DPF matches waiting for a person (domain §8).

A batch holds what a file said, read and checked, until a person applies or discards it: an import changes the
register only when confirmed, and then all at once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from riskreg.db import Base, enum_type, intpk, text, utcnow
from riskreg.enums import DpfStatus, ImportKind, ImportState, ReviewState
from riskreg.vendors.models import SubProcessor, Vendor


class ImportBatch(Base):
    __tablename__ = "import_batch"
    __audited__ = True
    # The parsed file can be large; the log keeps the batch's kind, state, source and counts.
    __audit_exclude__ = frozenset({"payload"})

    id: Mapped[intpk]
    kind: Mapped[ImportKind] = mapped_column(enum_type(ImportKind), index=True)
    state: Mapped[ImportState] = mapped_column(
        enum_type(ImportState), default=ImportState.PENDING, index=True
    )
    filename: Mapped[str] = mapped_column(String(255), default="", server_default="")
    # Where the list came from (a URL or a document) and its date, kept on what the import creates.
    source: Mapped[text]
    source_on: Mapped[dt.date | None]
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendor.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    applied_at: Mapped[dt.datetime | None]
    # What the file said, parsed and checked: enough to apply the batch without the file.
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Counts for lists and the audit log, e.g. {"matched": 12, "review": 3, "unmatched": 40}.
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    vendor: Mapped[Vendor | None] = relationship()
    reviews: Mapped[list[DpfReview]] = relationship(back_populates="batch", order_by="DpfReview.id")

    def __str__(self) -> str:
        return f"{self.kind.value} {self.filename}".strip()


class DpfReview(Base):
    """A near match of a DPF list entry and a vendor or sub-processor, for a person to confirm or reject."""

    __tablename__ = "dpf_review"
    __audited__ = True

    id: Mapped[intpk]
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id"), index=True)
    row_number: Mapped[int]
    listed_name: Mapped[str] = mapped_column(String(300))
    listed_status: Mapped[DpfStatus] = mapped_column(enum_type(DpfStatus))
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendor.id"), index=True)
    sub_processor_id: Mapped[int | None] = mapped_column(ForeignKey("sub_processor.id"), index=True)
    score: Mapped[float] = mapped_column(Float)
    state: Mapped[ReviewState] = mapped_column(
        enum_type(ReviewState), default=ReviewState.PENDING, index=True
    )
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[dt.datetime | None]

    batch: Mapped[ImportBatch] = relationship(back_populates="reviews")
    vendor: Mapped[Vendor | None] = relationship()
    sub_processor: Mapped[SubProcessor | None] = relationship()

    def __str__(self) -> str:
        return self.listed_name
