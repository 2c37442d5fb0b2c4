"""The stored classification of the whole register under the official list in force today.

These tables are derived: ``riskreg.transfers.engine.refresh`` rewrites them in full, in the same
transaction as any change that can move a verdict. Nothing else writes them, and they are not audited.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from riskreg.db import Base, UTCDateTime, enum_type, intpk
from riskreg.enums import (
    DpfStatus,
    EntityRole,
    ExposureLevel,
    LocationKind,
    Outcome,
    TransferClass,
    TransferMechanism,
)


class Transfer(Base):
    """One system × recipient × country (``country_code`` is empty when no country is recorded)."""

    __tablename__ = "transfer"
    __table_args__ = (Index("ix_transfer_system_severity", "system_id", "severity"),)

    id: Mapped[intpk]
    system_id: Mapped[int] = mapped_column(ForeignKey("system.id", ondelete="CASCADE"))
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendor.id", ondelete="CASCADE"))
    sub_processor_id: Mapped[int | None] = mapped_column(ForeignKey("sub_processor.id", ondelete="CASCADE"))
    country_code: Mapped[str | None] = mapped_column(String(2))
    location_kind: Mapped[LocationKind | None] = mapped_column(enum_type(LocationKind))
    mechanism: Mapped[TransferMechanism] = mapped_column(enum_type(TransferMechanism))
    dpf_status: Mapped[DpfStatus] = mapped_column(enum_type(DpfStatus))
    tia_on: Mapped[dt.date | None]
    klass: Mapped[TransferClass] = mapped_column("class", enum_type(TransferClass), index=True)
    rule: Mapped[str] = mapped_column(String(40))
    severity: Mapped[int]


class ExposureFinding(Base):
    """A recipient, or its parent company, under the jurisdiction of a country on the exposure list."""

    __tablename__ = "exposure_finding"

    id: Mapped[intpk]
    system_id: Mapped[int] = mapped_column(ForeignKey("system.id", ondelete="CASCADE"), index=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendor.id", ondelete="CASCADE"))
    sub_processor_id: Mapped[int | None] = mapped_column(ForeignKey("sub_processor.id", ondelete="CASCADE"))
    role: Mapped[EntityRole] = mapped_column(enum_type(EntityRole))
    country_code: Mapped[str] = mapped_column(String(2))
    level: Mapped[ExposureLevel] = mapped_column(enum_type(ExposureLevel))
    severity: Mapped[int]


class SystemAssessment(Base):
    """A system's verdict (worst transfer class), its worst exposure and what that means for a decision."""

    __tablename__ = "system_assessment"

    system_id: Mapped[int] = mapped_column(ForeignKey("system.id", ondelete="CASCADE"), primary_key=True)
    verdict: Mapped[TransferClass] = mapped_column(enum_type(TransferClass), index=True)
    severity: Mapped[int]
    exposure: Mapped[ExposureLevel | None] = mapped_column(enum_type(ExposureLevel))
    tia_missing: Mapped[bool]
    outcome: Mapped[Outcome] = mapped_column(enum_type(Outcome), index=True)
    transfer_count: Mapped[int]


class AssessmentState(Base):
    """One row: which official list version the stored classification used, and when it was computed."""

    __tablename__ = "assessment_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    list_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("country_list_version.id", ondelete="SET NULL")
    )
    as_of: Mapped[dt.date]
    computed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
