"""IT systems (processing activities), their departments and many-valued classifications."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.ext.associationproxy import AssociationProxy, association_proxy
from sqlalchemy.orm import Mapped, mapped_column, relationship

from riskreg.db import Base, Timestamped, enum_type, intpk, text
from riskreg.enums import (
    AiActClass,
    DataCategory,
    DataSubject,
    LegalBasis,
    SubjectVolume,
    SystemStatus,
    VendorRole,
)
from riskreg.vendors.models import DataProcessingAgreement, Vendor

system_department = Table(
    "system_department",
    Base.metadata,
    Column("system_id", ForeignKey("system.id", ondelete="CASCADE"), primary_key=True),
    Column("department_id", ForeignKey("department.id", ondelete="CASCADE"), primary_key=True),
)


class Department(Base):
    """A department (*forvaltning/afdeling*) that uses systems."""

    __tablename__ = "department"

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(String(120), unique=True)

    def __str__(self) -> str:
        return self.name


class SystemDataSubject(Base):
    __tablename__ = "system_data_subject"

    system_id: Mapped[int] = mapped_column(ForeignKey("system.id", ondelete="CASCADE"), primary_key=True)
    value: Mapped[DataSubject] = mapped_column(enum_type(DataSubject), primary_key=True)


class SystemDataCategory(Base):
    __tablename__ = "system_data_category"

    system_id: Mapped[int] = mapped_column(ForeignKey("system.id", ondelete="CASCADE"), primary_key=True)
    value: Mapped[DataCategory] = mapped_column(enum_type(DataCategory), primary_key=True)


class SystemLegalBasis(Base):
    __tablename__ = "system_legal_basis"

    system_id: Mapped[int] = mapped_column(ForeignKey("system.id", ondelete="CASCADE"), primary_key=True)
    value: Mapped[LegalBasis] = mapped_column(enum_type(LegalBasis), primary_key=True)


class System(Timestamped, Base):
    """An IT system and the processing of personal data it carries out (*it-system / behandling*)."""

    __tablename__ = "system"

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(String(200), index=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendor.id"), index=True)
    #: The vendor's role for this system where it differs from the vendor's own (None: the vendor's).
    vendor_role: Mapped[VendorRole | None] = mapped_column(enum_type(VendorRole))
    system_owner: Mapped[text]
    purpose: Mapped[text]
    # References behind the legal bases, e.g. "bekendtgørelse nr. 101/2026".
    legal_basis_note: Mapped[text]
    subject_volume: Mapped[SubjectVolume | None] = mapped_column(enum_type(SubjectVolume))
    retention: Mapped[text]
    # Free text that users control (the Canva lesson): personal data can end up where none was meant.
    has_free_text: Mapped[bool] = mapped_column(default=False, server_default="0")
    free_text_note: Mapped[text]
    has_ai: Mapped[bool] = mapped_column(default=False, server_default="0")
    ai_description: Mapped[text]
    ai_output_in_decisions: Mapped[bool] = mapped_column(default=False, server_default="0")
    ai_act_class: Mapped[AiActClass] = mapped_column(enum_type(AiActClass), default=AiActClass.NONE)
    ai_annex_iii_area: Mapped[text]
    status: Mapped[SystemStatus] = mapped_column(
        enum_type(SystemStatus), default=SystemStatus.DRAFT, index=True
    )
    journal_number: Mapped[str] = mapped_column(String(60), default="", server_default="")
    next_review_on: Mapped[dt.date | None] = mapped_column(index=True)
    is_archived: Mapped[bool] = mapped_column(default=False, server_default="0")

    vendor: Mapped[Vendor] = relationship()
    departments: Mapped[list[Department]] = relationship(
        secondary=system_department, order_by=Department.name
    )
    _data_subjects: Mapped[list[SystemDataSubject]] = relationship(cascade="all, delete-orphan")
    _data_categories: Mapped[list[SystemDataCategory]] = relationship(cascade="all, delete-orphan")
    _legal_bases: Mapped[list[SystemLegalBasis]] = relationship(cascade="all, delete-orphan")
    agreements: Mapped[list[DataProcessingAgreement]] = relationship(back_populates="system")

    data_subjects: AssociationProxy[list[DataSubject]] = association_proxy(
        "_data_subjects", "value", creator=lambda v: SystemDataSubject(value=v)
    )
    data_categories: AssociationProxy[list[DataCategory]] = association_proxy(
        "_data_categories", "value", creator=lambda v: SystemDataCategory(value=v)
    )
    legal_bases: AssociationProxy[list[LegalBasis]] = association_proxy(
        "_legal_bases", "value", creator=lambda v: SystemLegalBasis(value=v)
    )

    __audit_collections__ = {
        "departments": "name",
        "_data_subjects": "value",
        "_data_categories": "value",
        "_legal_bases": "value",
    }

    def __str__(self) -> str:
        return self.name
