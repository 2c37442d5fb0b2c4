"""Users of riskreg and their roles."""

from __future__ import annotations

import datetime as dt

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from riskreg.auth.permissions import Permission, role_can
from riskreg.bodies.models import ApprovalBody
from riskreg.db import Base, Timestamped, enum_type, intpk, str200
from riskreg.enums import Role


class User(UserMixin, Timestamped, Base):
    __tablename__ = "user"

    id: Mapped[intpk]
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str200] = mapped_column(default="", server_default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_type(Role))
    # A steering member records decisions for this body only.
    approval_body_id: Mapped[int | None] = mapped_column(ForeignKey("approval_body.id"))
    locale: Mapped[str | None] = mapped_column(String(5))
    is_archived: Mapped[bool] = mapped_column(default=False, server_default="0")
    last_login_at: Mapped[dt.datetime | None]

    approval_body: Mapped[ApprovalBody | None] = relationship()

    __audit_exclude__ = frozenset({"password_hash", "last_login_at"})

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return not self.is_archived

    def __str__(self) -> str:
        return self.email

    def can(self, permission: Permission | str) -> bool:
        return role_can(self.role, Permission(permission))
