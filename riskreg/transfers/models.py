"""The stored verdicts of the whole register under the official list in force today.

These tables are derived: ``riskreg.transfers.system_verdicts.refresh`` rewrites them in full, in the same
transaction as any change that can move a verdict. Nothing else writes them, and they are not audited.
The transfers themselves are computed when shown (``riskreg.transfers.classified``), never stored.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from riskreg.db import Base, UTCDateTime, enum_type
from riskreg.enums import (
    ExposureLevel,
    Outcome,
    TransferClass,
)


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
