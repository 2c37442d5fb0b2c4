"""The register list of systems: its filters, sort orders, verdict counts and marks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import CompoundSelect, FromClause, Select, case, func, or_, select
from sqlalchemy.orm import Session, selectinload

from riskreg.enums import Outcome, SystemStatus, TransferClass
from riskreg.listing import contains
from riskreg.systems.models import Department, System, system_department
from riskreg.transfers import sources, system_verdicts
from riskreg.vendors.models import ProcessingLocation, SubProcessor, Vendor, subprocessor_system


@dataclass
class SystemFilter:
    q: str = ""
    status: SystemStatus | None = None
    department_id: int | None = None
    vendor_id: int | None = None
    country: str = ""
    archived: bool = False
    verdict: TransferClass | None = None
    outcome: Outcome | None = None


def systems_in_country(country: str) -> CompoundSelect:
    """Ids of systems whose vendor, or a sub-processor applying to the system, touches ``country``.

    A sub-processor applies to the systems it is limited to, or to every system of its vendor when it is
    limited to none; archived sub-processors apply to nothing.
    """
    by_vendor = (
        select(System.id)
        .join(ProcessingLocation, ProcessingLocation.vendor_id == System.vendor_id)
        .where(ProcessingLocation.country_code == country)
    )
    sub_in_country = (
        select(SubProcessor.id, SubProcessor.vendor_id)
        .join(ProcessingLocation, ProcessingLocation.sub_processor_id == SubProcessor.id)
        .where(ProcessingLocation.country_code == country, SubProcessor.is_archived.is_(False))
        .subquery()
    )
    limited = select(subprocessor_system.c.sub_processor_id)
    by_sub_for_all = (
        select(System.id)
        .join(sub_in_country, sub_in_country.c.vendor_id == System.vendor_id)
        .where(sub_in_country.c.id.not_in(limited))
    )
    by_sub_limited = select(subprocessor_system.c.system_id).join(
        sub_in_country, sub_in_country.c.id == subprocessor_system.c.sub_processor_id
    )
    return by_vendor.union(by_sub_for_all, by_sub_limited)


#: Sort keys of the list; status sorts in the order a case moves through, not alphabetically.
SORTS: dict[str, Any] = {
    "name": System.name,
    "vendor": Vendor.name,
    "status": case(*((System.status == s, i) for i, s in enumerate(SystemStatus)), else_=len(SystemStatus)),
    "review": System.next_review_on,
    "journal": System.journal_number,
}
#: Sort keys on the verdict row of each system (bound to the verdicts of the page's list in the query).
VERDICT_SORTS = ("verdict", "outcome")
LIST_SORTS: dict[str, Any] = {**SORTS, **dict.fromkeys(VERDICT_SORTS)}


def list_verdicts(source: sources.ListSource | None) -> FromClause:
    """One verdict row per system: stored for today (``source`` None) or computed for ``source``."""
    return system_verdicts.verdicts(source, name="list_verdict")


def _filtered(stmt: Select[Any], flt: SystemFilter, verdicts: FromClause) -> Select[Any]:
    """``stmt`` (System joined to its vendor and verdict row) narrowed by every filter but the verdict."""
    if not flt.archived:
        stmt = stmt.where(System.is_archived.is_(False))
    if flt.q:
        stmt = stmt.where(
            or_(
                contains(System.name, flt.q),
                contains(System.purpose, flt.q),
                contains(System.journal_number, flt.q),
                contains(Vendor.name, flt.q),
            )
        )
    if flt.status is not None:
        stmt = stmt.where(System.status == flt.status)
    if flt.vendor_id is not None:
        stmt = stmt.where(System.vendor_id == flt.vendor_id)
    if flt.department_id is not None:
        stmt = stmt.where(
            System.id.in_(
                select(system_department.c.system_id).where(
                    system_department.c.department_id == flt.department_id
                )
            )
        )
    if flt.country:
        stmt = stmt.where(System.id.in_(systems_in_country(flt.country)))
    if flt.outcome is not None:
        stmt = stmt.where(verdicts.c.outcome == flt.outcome.value)
    return stmt


def _list_order(sort: str, verdicts: FromClause) -> list[Any]:
    """The ORDER BY of the register list for ``sort`` (a leading '-' sorts descending)."""
    sorts = {
        **SORTS,
        "verdict": verdicts.c.severity,
        "outcome": case({o.value: o.severity for o in Outcome}, value=verdicts.c.outcome),
    }
    column = sorts[sort.lstrip("-")]
    order = column.desc() if sort.startswith("-") else column.asc()
    # Systems without a review date go last either way (SQLite and PostgreSQL disagree otherwise).
    return [order.nulls_last(), System.name, System.id]


def _listed(stmt: Select[Any], flt: SystemFilter, verdicts: FromClause) -> Select[Any]:
    """``stmt`` narrowed by every filter of the list, the verdict too."""
    stmt = _filtered(stmt, flt, verdicts)
    if flt.verdict is not None:
        stmt = stmt.where(verdicts.c.verdict == flt.verdict.value)
    return stmt


def system_list_query(flt: SystemFilter, sort: str, source: sources.ListSource | None = None) -> Select[Any]:
    """The systems matching ``flt`` in ``sort`` order, with what the list shows eager-loaded.

    Verdicts are the stored ones when ``source`` is None, else computed under ``source``; a system with no
    verdict row matches no verdict or outcome filter and sorts last by verdict.
    """
    verdicts = list_verdicts(source)
    stmt = _listed(
        select(System)
        .join(System.vendor)
        .outerjoin(verdicts, verdicts.c.system_id == System.id)
        .options(selectinload(System.vendor), selectinload(System.departments)),
        flt,
        verdicts,
    )
    return stmt.order_by(*_list_order(sort, verdicts))


def system_list_rows(flt: SystemFilter, sort: str, source: sources.ListSource | None = None) -> Select[Any]:
    """The rows of ``system_list_query`` as plain columns, for streaming (no ORM object per system).

    Columns: ``system_id``, ``name``, ``journal_number``, ``status``, ``next_review_on``, ``is_archived``,
    ``vendor_id``, ``vendor_name`` and the verdict row's ``verdict``, ``exposure``, ``tia_missing``,
    ``outcome``, ``transfer_count`` (NULL for a system without one). Same filters, same order; callers may
    join more to ``System`` and add columns.
    """
    verdicts = list_verdicts(source)
    stmt = _listed(
        select(
            System.id.label("system_id"),
            System.name,
            System.journal_number,
            System.status,
            System.next_review_on,
            System.is_archived,
            System.vendor_id,
            Vendor.name.label("vendor_name"),
            verdicts.c.verdict,
            verdicts.c.exposure,
            verdicts.c.tia_missing,
            verdicts.c.outcome,
            verdicts.c.transfer_count,
        )
        .select_from(System)
        .join(System.vendor)
        .outerjoin(verdicts, verdicts.c.system_id == System.id),
        flt,
        verdicts,
    )
    return stmt.order_by(*_list_order(sort, verdicts))


def system_list_ids(
    flt: SystemFilter, source: sources.ListSource | None = None, *, sort: str | None = None
) -> Select[Any]:
    """``system_id`` of each system the list shows; with ``sort``, its ``position`` in that order (1, 2, ...).

    The verdicts are joined only when a filter or the sort reads them, so this is cheap as a subquery: its
    ``system_id`` column can be the systems ``riskreg.transfers.classified.transfer_rows`` classifies.
    """
    verdicts = list_verdicts(source)
    stmt = select(System.id.label("system_id")).select_from(System).join(System.vendor)
    by_verdict = sort is not None and sort.lstrip("-") in VERDICT_SORTS
    if flt.verdict is not None or flt.outcome is not None or by_verdict:
        stmt = stmt.outerjoin(verdicts, verdicts.c.system_id == System.id)
    stmt = _listed(stmt, flt, verdicts)
    if sort is None:
        return stmt
    position = func.row_number().over(order_by=_list_order(sort, verdicts))
    return stmt.add_columns(position.label("position"))


def verdict_counts(
    session: Session, flt: SystemFilter, source: sources.ListSource | None = None
) -> dict[TransferClass, int]:
    """How many systems matching every filter of ``flt`` but the verdict have each verdict (one GROUP BY)."""
    verdicts = list_verdicts(source)
    stmt = _filtered(
        select(verdicts.c.verdict, func.count())
        .select_from(System)
        .join(System.vendor)
        .join(verdicts, verdicts.c.system_id == System.id),
        flt,
        verdicts,
    ).group_by(verdicts.c.verdict)
    counts = dict.fromkeys(TransferClass, 0)
    for verdict, n in session.execute(stmt):
        counts[TransferClass(verdict)] += n
    return counts


@dataclass(frozen=True)
class VerdictMark:
    verdict: TransferClass
    outcome: Outcome
    tia_missing: bool


def verdict_marks(
    session: Session, system_ids: Sequence[int], source: sources.ListSource | None = None
) -> dict[int, VerdictMark]:
    """system id -> its verdict, outcome and missing TIA, for the systems on one page (one query)."""
    if not system_ids:
        return {}
    verdicts = system_verdicts.verdicts(source, list(system_ids), name="page_verdict")
    rows = session.execute(
        select(verdicts.c.system_id, verdicts.c.verdict, verdicts.c.outcome, verdicts.c.tia_missing).where(
            verdicts.c.system_id.in_(list(system_ids))
        )
    )
    return {
        sid: VerdictMark(TransferClass(verdict), Outcome(outcome), bool(tia))
        for sid, verdict, outcome, tia in rows
    }


def filter_options(session: Session) -> tuple[list[Department], list[tuple[int, str]]]:
    """Departments and live vendors, for the list's filters and the form's vendor choice."""
    departments = list(session.scalars(select(Department).order_by(Department.name)))
    vendors = [
        (vid, name)
        for vid, name in session.execute(
            select(Vendor.id, Vendor.name).where(Vendor.is_archived.is_(False)).order_by(Vendor.name)
        )
    ]
    return departments, vendors
