"""Data processing agreements (*databehandleraftaler*): create, update, archive, list."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, joinedload

from riskreg.errors import DomainError
from riskreg.listing import contains
from riskreg.services import assign, check_version, commit
from riskreg.systems.models import System
from riskreg.vendors.models import DataProcessingAgreement, Vendor

#: SCC 2021/914 modules.
SCC_MODULES = (1, 2, 3, 4)
VERSION_MAX = 60
TEMPLATE_MAX = 200
NOTES_MAX = 5000
#: Offered as suggestions on the form; any other template name can be typed.
KNOWN_TEMPLATES = ("KL/KOMBIT fælles databehandleraftale", "Datatilsynets standardkontraktbestemmelser")

FIELDS = ("system_id", "signed_on", "agreement_version", "template", "scc_modules", "notes")


def today() -> dt.date:
    return dt.date.today()


def _scc_modules(values: Iterable[Any]) -> list[int]:
    modules = set()
    for value in values:
        try:
            module = int(value)
        except (TypeError, ValueError):
            module = 0
        if module not in SCC_MODULES:
            raise DomainError(_("SCC modules are numbered 1 to 4."), field="scc_modules")
        modules.add(module)
    return sorted(modules)


def _check(session: Session, vendor: Vendor | None, values: dict[str, Any]) -> dict[str, Any]:
    """Validate the domain rules of an agreement; return the values as they will be stored."""
    if vendor is None:
        raise DomainError(_("The vendor is required."), field="vendor_id")
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise DomainError(_("These fields cannot be set: %(names)s", names=", ".join(sorted(unknown))))
    values = dict(values)
    if "system_id" in values:
        system_id = int(values["system_id"]) if values["system_id"] else None
        if system_id is not None:
            system = session.get(System, system_id)
            if system is None or system.vendor_id != vendor.id:
                raise DomainError(
                    _("The system must be one of %(vendor)s's systems.", vendor=vendor.name),
                    field="system_id",
                )
        values["system_id"] = system_id
    if values.get("signed_on") is not None and values["signed_on"] > today():
        raise DomainError(_("The signing date cannot be in the future."), field="signed_on")
    for key, limit in (("agreement_version", VERSION_MAX), ("template", TEMPLATE_MAX), ("notes", NOTES_MAX)):
        if key in values:
            values[key] = (values[key] or "").strip()
            if len(values[key]) > limit:
                raise DomainError(_("At most %(n)s characters.", n=limit), field=key)
    if "scc_modules" in values:
        values["scc_modules"] = _scc_modules(values["scc_modules"] or [])
    return values


def create_agreement(session: Session, vendor: Vendor, values: dict[str, Any]) -> DataProcessingAgreement:
    """Record a data processing agreement with ``vendor``, optionally for one of its systems."""
    values = _check(session, vendor, values)
    agreement = DataProcessingAgreement(vendor=vendor, scc_modules=[])
    assign(agreement, values)
    session.add(agreement)
    commit(session)
    return agreement


def update_agreement(
    session: Session,
    agreement: DataProcessingAgreement,
    values: dict[str, Any],
    version: int | str | None = None,
) -> DataProcessingAgreement:
    check_version(session, agreement, version)
    values = _check(session, agreement.vendor, values)
    assign(agreement, values)
    commit(session)
    return agreement


def set_agreement_archived(session: Session, agreement: DataProcessingAgreement, archived: bool) -> None:
    # Read the current value first: on an expired object the log would not know the old one.
    if agreement.is_archived == archived:
        return
    agreement.is_archived = archived
    commit(session)


# --- reading ------------------------------------------------------------------------------------------------


@dataclass
class AgreementFilter:
    q: str = ""
    vendor_id: int | None = None
    system_id: int | None = None
    archived: bool = False


SORT_KEYS = ("signed", "vendor", "system")


def agreement_list_query(flt: AgreementFilter, sort: str) -> Select[Any]:
    """Agreements matching the filter, sorted by a whitelisted key, with vendor and system eager-loaded."""
    sorts: dict[str, Any] = {
        "signed": DataProcessingAgreement.signed_on,
        "vendor": Vendor.name,
        "system": System.name,
    }
    stmt = (
        select(DataProcessingAgreement)
        .join(Vendor, Vendor.id == DataProcessingAgreement.vendor_id)
        .outerjoin(System, System.id == DataProcessingAgreement.system_id)
        .options(joinedload(DataProcessingAgreement.vendor), joinedload(DataProcessingAgreement.system))
    )
    if flt.q:
        stmt = stmt.where(
            or_(
                contains(Vendor.name, flt.q),
                contains(System.name, flt.q),
                contains(DataProcessingAgreement.template, flt.q),
                contains(DataProcessingAgreement.agreement_version, flt.q),
            )
        )
    if flt.vendor_id is not None:
        stmt = stmt.where(DataProcessingAgreement.vendor_id == flt.vendor_id)
    if flt.system_id is not None:
        stmt = stmt.where(DataProcessingAgreement.system_id == flt.system_id)
    if not flt.archived:
        stmt = stmt.where(DataProcessingAgreement.is_archived.is_(False))
    key = sort.lstrip("-") if sort.lstrip("-") in sorts else "signed"
    column = sorts[key]
    ordered = column.desc() if sort.startswith("-") else column.asc()
    return stmt.order_by(ordered.nulls_last(), Vendor.name, DataProcessingAgreement.id)


def vendor_options(session: Session) -> list[tuple[int, str]]:
    return [
        (i, n) for i, n in session.execute(select(Vendor.id, Vendor.name).order_by(Vendor.name, Vendor.id))
    ]


def system_options(session: Session, vendor_id: int | None = None) -> list[tuple[int, str]]:
    stmt = select(System.id, System.name).order_by(System.name, System.id)
    if vendor_id is not None:
        stmt = stmt.where(System.vendor_id == vendor_id)
    return [(i, n) for i, n in session.execute(stmt)]


def load_agreement(session: Session, agreement_id: int) -> DataProcessingAgreement | None:
    return session.scalar(
        select(DataProcessingAgreement)
        .where(DataProcessingAgreement.id == agreement_id)
        .options(joinedload(DataProcessingAgreement.vendor), joinedload(DataProcessingAgreement.system))
    )


def template_suggestions(session: Session) -> list[str]:
    """The known templates and every template already used, for the form's suggestions."""
    used = session.scalars(
        select(DataProcessingAgreement.template).where(DataProcessingAgreement.template != "").distinct()
    )
    return sorted({*KNOWN_TEMPLATES, *used})
