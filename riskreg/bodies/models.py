"""Approval bodies: the ordered chain a DPIA passes through (settings, not code)."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from riskreg.db import Base, Timestamped, enum_type, intpk, text
from riskreg.enums import RiskLevel


class ApprovalBody(Timestamped, Base):
    __tablename__ = "approval_body"

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # Position in the chain, 1 first; the active body with the highest position decides finally.
    position: Mapped[int]
    # The highest residual-risk level this body may accept; above it the case goes to the next body.
    residual_ceiling: Mapped[RiskLevel] = mapped_column(enum_type(RiskLevel))
    description: Mapped[text]
    is_archived: Mapped[bool] = mapped_column(default=False, server_default="0")

    def __str__(self) -> str:
        return self.name
