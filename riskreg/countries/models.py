"""Countries, the versioned lists of safe third countries, and jurisdiction exposure."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from riskreg.db import Base, enum_type, intpk, str200, text, timestamp
from riskreg.enums import CountryListKind, CountryStatus, ExposureLevel


class Country(Base):
    """An ISO 3166 country (or an international organisation such as the EPO, code EP)."""

    __tablename__ = "country"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name_en: Mapped[str200]
    name_da: Mapped[str200]

    def name(self, locale: str) -> str:
        return self.name_da if locale.startswith("da") else self.name_en

    @staticmethod
    def name_column(locale: str) -> Mapped[str]:
        """The column holding the names in ``locale`` (for queries that read names only)."""
        return Country.name_da if locale.startswith("da") else Country.name_en

    def __repr__(self) -> str:
        return f"<Country {self.code}>"


class CountryList(Base):
    """A named line of list versions: the official list, or a scenario beside it."""

    __tablename__ = "country_list"

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[CountryListKind] = mapped_column(enum_type(CountryListKind))
    description: Mapped[text]
    created_at: Mapped[timestamp]

    __audited__ = True

    def __str__(self) -> str:
        return self.name

    versions: Mapped[list[CountryListVersion]] = relationship(
        back_populates="country_list", order_by="CountryListVersion.effective_on.desc()"
    )


class CountryListVersion(Base):
    """One version of a list; it is in force from ``effective_on`` until the next version's date."""

    __tablename__ = "country_list_version"
    __table_args__ = (UniqueConstraint("country_list_id", "effective_on"),)

    id: Mapped[intpk]
    country_list_id: Mapped[int] = mapped_column(ForeignKey("country_list.id"), index=True)
    effective_on: Mapped[dt.date]
    note: Mapped[text]
    created_at: Mapped[timestamp]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    country_list: Mapped[CountryList] = relationship(back_populates="versions")
    entries: Mapped[list[CountryListEntry]] = relationship(
        back_populates="list_version", cascade="all, delete-orphan", order_by="CountryListEntry.country_code"
    )

    __audited__ = True
    __audit_collections__ = {"entries": "label"}

    def __str__(self) -> str:
        return f"{self.country_list.name} {self.effective_on.isoformat()}"


class CountryListEntry(Base):
    """A country's status on one list version; a country absent from a version has status ``none``."""

    __tablename__ = "country_list_entry"
    __table_args__ = (UniqueConstraint("list_version_id", "country_code"),)

    id: Mapped[intpk]
    list_version_id: Mapped[int] = mapped_column(ForeignKey("country_list_version.id"), index=True)
    country_code: Mapped[str] = mapped_column(ForeignKey("country.code"))
    status: Mapped[CountryStatus] = mapped_column(enum_type(CountryStatus))
    decision_ref: Mapped[text]
    decision_on: Mapped[dt.date | None]
    scope_note: Mapped[text]

    list_version: Mapped[CountryListVersion] = relationship(back_populates="entries")
    country: Mapped[Country] = relationship()

    @property
    def label(self) -> str:
        return f"{self.country_code}: {self.status.value}"


class JurisdictionExposure(Base):
    """Laws that let a country's authorities demand data from companies under its jurisdiction anywhere."""

    __tablename__ = "jurisdiction_exposure"

    id: Mapped[intpk]
    country_code: Mapped[str] = mapped_column(ForeignKey("country.code"), unique=True)
    level: Mapped[ExposureLevel] = mapped_column(enum_type(ExposureLevel))
    laws: Mapped[list[str]] = mapped_column(JSON, default=list)
    note: Mapped[text]

    country: Mapped[Country] = relationship()


def country_names(session: Session, locale: str) -> dict[str, str]:
    """code -> name in ``locale`` of every known country (one query, names only)."""
    return {code: name for code, name in session.execute(select(Country.code, Country.name_column(locale)))}
