"""Vendors (data processors), their audit statements, supervision, DPAs and sub-processors."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from riskreg.countries.models import Country
from riskreg.db import Base, Timestamped, enum_type, intpk, str200, text
from riskreg.enums import (
    AuditStatementType,
    DpfStatus,
    LocationKind,
    SupervisionMethod,
    TransferMechanism,
    VendorRole,
)

if TYPE_CHECKING:
    from riskreg.systems.models import System

subprocessor_system = Table(
    "subprocessor_system",
    Base.metadata,
    Column("sub_processor_id", ForeignKey("sub_processor.id", ondelete="CASCADE"), primary_key=True),
    Column("system_id", ForeignKey("system.id", ondelete="CASCADE"), primary_key=True),
)


class DpfRecord:
    """What the DPF list says about a recipient, as last looked up (both vendors and sub-processors).

    An entry on the list belongs to one legal entity in the United States. ``dpf_status`` is the EU-U.S.
    DPF's; the UK Extension and the Swiss-U.S. DPF are joined separately. Covered data is declared per
    organisation as HR and/or non-HR (None: not recorded).
    """

    dpf_status: Mapped[DpfStatus] = mapped_column(
        enum_type(DpfStatus), default=DpfStatus.UNKNOWN, server_default=DpfStatus.UNKNOWN.value
    )
    dpf_uk_status: Mapped[DpfStatus] = mapped_column(
        enum_type(DpfStatus), default=DpfStatus.UNKNOWN, server_default=DpfStatus.UNKNOWN.value
    )
    dpf_swiss_status: Mapped[DpfStatus] = mapped_column(
        enum_type(DpfStatus), default=DpfStatus.UNKNOWN, server_default=DpfStatus.UNKNOWN.value
    )
    dpf_covers_hr: Mapped[bool | None]
    dpf_covers_non_hr: Mapped[bool | None]
    dpf_listed_name: Mapped[text]
    #: The participant's page on dataprivacyframework.gov.
    dpf_url: Mapped[text]
    #: The next (annual) certification due date as the list shows it.
    dpf_due_on: Mapped[dt.date | None]
    dpf_checked_on: Mapped[dt.date | None]


class Vendor(DpfRecord, Timestamped, Base):
    """A data processor (*databehandler*) the municipality contracts with."""

    __tablename__ = "vendor"

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(String(200), index=True)
    org_number: Mapped[str | None] = mapped_column(String(40), unique=True)
    country_code: Mapped[str | None] = mapped_column(ForeignKey("country.code"))
    parent_name: Mapped[text]
    parent_country_code: Mapped[str | None] = mapped_column(ForeignKey("country.code"))
    website: Mapped[text]
    contact: Mapped[text]
    # The vendor is a recipient itself: how its own processing outside the EEA is covered.
    transfer_mechanism: Mapped[TransferMechanism] = mapped_column(
        enum_type(TransferMechanism), default=TransferMechanism.UNKNOWN
    )
    tia_on: Mapped[dt.date | None]
    role: Mapped[VendorRole] = mapped_column(
        enum_type(VendorRole), default=VendorRole.PROCESSOR, server_default=VendorRole.PROCESSOR.value
    )
    #: The vendor uses the data or metadata for its own purposes (Datatilsynet, Chromebook, 30 Jan 2024).
    own_purpose_use: Mapped[bool] = mapped_column(default=False, server_default="0")
    own_purpose_note: Mapped[text]
    notes: Mapped[text]
    is_archived: Mapped[bool] = mapped_column(default=False, server_default="0")

    country: Mapped[Country | None] = relationship(foreign_keys=[country_code])
    parent_country: Mapped[Country | None] = relationship(foreign_keys=[parent_country_code])
    locations: Mapped[list[ProcessingLocation]] = relationship(
        back_populates="vendor", cascade="all, delete-orphan", order_by="ProcessingLocation.country_code"
    )
    sub_processors: Mapped[list[SubProcessor]] = relationship(
        back_populates="vendor", order_by="SubProcessor.name"
    )
    audit_statements: Mapped[list[AuditStatement]] = relationship(
        back_populates="vendor", order_by="AuditStatement.received_on.desc()"
    )
    supervisions: Mapped[list[Supervision]] = relationship(
        back_populates="vendor", order_by="Supervision.next_on"
    )
    agreements: Mapped[list[DataProcessingAgreement]] = relationship(back_populates="vendor")

    __audit_collections__ = {"locations": "label"}

    def __str__(self) -> str:
        return self.name


class SubProcessor(DpfRecord, Timestamped, Base):
    """A sub-processor (*underdatabehandler*) of a vendor; ``parent`` links sub-sub-processors into chains."""

    __tablename__ = "sub_processor"

    id: Mapped[intpk]
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendor.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("sub_processor.id"), index=True)
    name: Mapped[str200]
    service: Mapped[text]
    country_code: Mapped[str | None] = mapped_column(ForeignKey("country.code"))
    parent_company: Mapped[text]
    parent_country_code: Mapped[str | None] = mapped_column(ForeignKey("country.code"))
    transfer_mechanism: Mapped[TransferMechanism] = mapped_column(
        enum_type(TransferMechanism), default=TransferMechanism.UNKNOWN
    )
    tia_on: Mapped[dt.date | None]
    source: Mapped[text]
    source_on: Mapped[dt.date | None]
    is_archived: Mapped[bool] = mapped_column(default=False, server_default="0")

    vendor: Mapped[Vendor] = relationship(back_populates="sub_processors")
    parent: Mapped[SubProcessor | None] = relationship(
        remote_side="SubProcessor.id", back_populates="children"
    )
    children: Mapped[list[SubProcessor]] = relationship(back_populates="parent", order_by="SubProcessor.name")
    country: Mapped[Country | None] = relationship(foreign_keys=[country_code])
    parent_country: Mapped[Country | None] = relationship(foreign_keys=[parent_country_code])
    locations: Mapped[list[ProcessingLocation]] = relationship(
        back_populates="sub_processor",
        cascade="all, delete-orphan",
        order_by="ProcessingLocation.country_code",
    )
    # Empty means: used for every system of the vendor.
    systems: Mapped[list[System]] = relationship(secondary=subprocessor_system, order_by="System.name")

    __audit_collections__ = {"locations": "label", "systems": "name"}

    def __str__(self) -> str:
        return self.name


class ProcessingLocation(Base):
    """A country where a vendor or sub-processor processes data, or from where it has support access."""

    __tablename__ = "processing_location"
    __table_args__ = (
        CheckConstraint("(vendor_id IS NULL) <> (sub_processor_id IS NULL)", name="one_recipient"),
    )

    id: Mapped[intpk]
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendor.id", ondelete="CASCADE"), index=True)
    sub_processor_id: Mapped[int | None] = mapped_column(
        ForeignKey("sub_processor.id", ondelete="CASCADE"), index=True
    )
    #: None: the recipient says it processes data somewhere it does not name ("not disclosed"); classified
    #: ``unknown``, never safe.
    country_code: Mapped[str | None] = mapped_column(ForeignKey("country.code"), index=True)
    kind: Mapped[LocationKind] = mapped_column(enum_type(LocationKind), default=LocationKind.PROCESSING)
    #: How this country's transfer is covered where it differs from the recipient's own mechanism
    #: (Canada adequate, the same recipient on SCC in India); None: the recipient's.
    mechanism: Mapped[TransferMechanism | None] = mapped_column(enum_type(TransferMechanism))

    vendor: Mapped[Vendor | None] = relationship(back_populates="locations")
    sub_processor: Mapped[SubProcessor | None] = relationship(back_populates="locations")
    country: Mapped[Country | None] = relationship()

    @property
    def label(self) -> str:
        mechanism = f", {self.mechanism.value}" if self.mechanism is not None else ""
        return f"{self.country_code or '?'} ({self.kind.value}{mechanism})"


class AuditStatement(Timestamped, Base):
    """An auditor's statement (ISAE 3000 etc.) received from a vendor."""

    __tablename__ = "audit_statement"

    id: Mapped[intpk]
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendor.id"), index=True)
    type: Mapped[AuditStatementType] = mapped_column(enum_type(AuditStatementType))
    period_start: Mapped[dt.date | None]
    period_end: Mapped[dt.date | None]
    received_on: Mapped[dt.date]
    remarks: Mapped[text]

    vendor: Mapped[Vendor] = relationship(back_populates="audit_statements")


class Supervision(Timestamped, Base):
    """The supervision plan for a processor (*tilsyn*): method, frequency, last and next, outcome."""

    __tablename__ = "supervision"

    id: Mapped[intpk]
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendor.id"), index=True)
    method: Mapped[SupervisionMethod] = mapped_column(enum_type(SupervisionMethod))
    frequency_months: Mapped[int] = mapped_column(default=12)
    last_on: Mapped[dt.date | None]
    next_on: Mapped[dt.date | None]
    outcome: Mapped[text]

    vendor: Mapped[Vendor] = relationship(back_populates="supervisions")


class DataProcessingAgreement(Timestamped, Base):
    """A data processing agreement (*databehandleraftale*) with a vendor, optionally for one system."""

    __tablename__ = "data_processing_agreement"

    id: Mapped[intpk]
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendor.id"), index=True)
    system_id: Mapped[int | None] = mapped_column(ForeignKey("system.id"), index=True)
    signed_on: Mapped[dt.date | None]
    agreement_version: Mapped[str] = mapped_column(String(60), default="", server_default="")
    template: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # SCC 2021/914 modules included (1-4).
    scc_modules: Mapped[list[int]] = mapped_column(JSON, default=list)
    notes: Mapped[text]
    is_archived: Mapped[bool] = mapped_column(default=False, server_default="0")

    vendor: Mapped[Vendor] = relationship(back_populates="agreements")
    system: Mapped[System | None] = relationship(back_populates="agreements")

    def __str__(self) -> str:
        signed = self.signed_on.isoformat() if self.signed_on else "unsigned"
        return f"DPA {self.vendor.name} {self.agreement_version} ({signed})".replace("  ", " ")
