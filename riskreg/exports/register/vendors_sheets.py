"""The Vendors and Sub-processors sheets: the exported systems' vendors and their live sub-processors."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import aliased

from riskreg.enums import DpfStatus, LocationKind, TransferMechanism
from riskreg.exports.register.sheet import SEP, Export, Table, counted, sorted_names, stream
from riskreg.systems.models import System
from riskreg.vendors.models import ProcessingLocation, SubProcessor, Vendor, subprocessor_system
from riskreg.vocabulary import N_

TITLE_VENDORS = N_("Vendors")
TITLE_SUB_PROCESSORS = N_("Sub-processors")
NO_SUB_PROCESSORS = N_("The vendors of these systems have no live sub-processors.")
ALL_SYSTEMS = N_("All the vendor's systems")


def _locations(key: Any) -> Any:
    """Per vendor or sub-processor (``key`` the column of ProcessingLocation), its countries by kind."""

    def codes(kind: LocationKind) -> Any:
        code = case((ProcessingLocation.kind == kind, ProcessingLocation.country_code))
        return func.aggregate_strings(code, ",")

    return (
        select(
            key.label("owner_id"),
            codes(LocationKind.PROCESSING).label("processing"),
            codes(LocationKind.SUPPORT).label("support"),
        )
        .where(key.is_not(None))
        .group_by(key)
        .subquery()
    )


def vendors_table(x: Export, empty: str) -> Table:
    w = x.words
    columns = [
        (N_("Vendor"), 30, "plain"),
        (N_("Organisation number"), 16, "plain"),
        (N_("Country"), 16, "plain"),
        (N_("Parent company"), 26, "plain"),
        (N_("Parent company's country"), 16, "plain"),
        (N_("DPF status"), 14, "plain"),
        (N_("Listed as"), 26, "plain"),
        (N_("DPF checked on"), 12, "date"),
        (N_("Transfer mechanism"), 18, "plain"),
        (N_("TIA"), 12, "date"),
        (N_("Processing countries"), 30, "plain"),
        (N_("Support access countries"), 24, "plain"),
        (N_("Systems in this export"), 12, "number"),
    ]
    ids = x.ids()
    used = (
        select(System.vendor_id, func.count().label("systems"))
        .where(System.id.in_(select(ids.c.system_id)))
        .group_by(System.vendor_id)
        .subquery("used")
    )
    loc = _locations(ProcessingLocation.vendor_id)
    stmt = (
        select(
            Vendor.name,
            Vendor.org_number,
            Vendor.country_code,
            Vendor.parent_name,
            Vendor.parent_country_code,
            Vendor.dpf_status,
            Vendor.dpf_listed_name,
            Vendor.dpf_checked_on,
            Vendor.transfer_mechanism,
            Vendor.tia_on,
            loc.c.processing,
            loc.c.support,
            used.c.systems,
        )
        .join(used, used.c.vendor_id == Vendor.id)
        .outerjoin(loc, loc.c.owner_id == Vendor.id)
        .order_by(func.lower(Vendor.name), Vendor.id)
    )
    dpf, mechanisms, country, country_list = (
        w.labels(DpfStatus),
        w.labels(TransferMechanism),
        w.country,
        w.country_list,
    )

    def rows() -> Iterator[Sequence[Any]]:
        for r in stream(x.session, stmt):
            yield (
                r.name,
                r.org_number,
                country(r.country_code),
                r.parent_name,
                country(r.parent_country_code),
                dpf[r.dpf_status],
                r.dpf_listed_name,
                r.dpf_checked_on,
                mechanisms[r.transfer_mechanism],
                r.tia_on,
                country_list(r.processing),
                country_list(r.support),
                r.systems,
            )

    return Table(x.t(TITLE_VENDORS), x.columns(columns), counted(rows(), x.counts, "vendors"), empty=empty)


def sub_processors_table(x: Export, empty: str) -> Table:
    w = x.words
    columns = [
        (N_("Vendor"), 26, "plain"),
        (N_("Sub-processor"), 28, "plain"),
        (N_("Parent sub-processor"), 22, "plain"),
        (N_("Service"), 28, "plain"),
        (N_("Country"), 16, "plain"),
        (N_("Parent company"), 24, "plain"),
        (N_("Parent company's country"), 16, "plain"),
        (N_("DPF status"), 14, "plain"),
        (N_("Transfer mechanism"), 18, "plain"),
        (N_("TIA"), 12, "date"),
        (N_("Processing countries"), 26, "plain"),
        (N_("Support access countries"), 22, "plain"),
        (N_("Used for"), 30, "plain"),
        (N_("Source"), 30, "plain"),
        (N_("Source dated"), 12, "date"),
    ]
    ids = x.ids()
    vendors = select(System.vendor_id).where(System.id.in_(select(ids.c.system_id)))
    limited = (
        select(
            subprocessor_system.c.sub_processor_id,
            func.aggregate_strings(System.name, SEP).label("systems"),
        )
        .join(System, System.id == subprocessor_system.c.system_id)
        .group_by(subprocessor_system.c.sub_processor_id)
        .subquery("limited")
    )
    loc = _locations(ProcessingLocation.sub_processor_id)
    parent = aliased(SubProcessor)
    stmt = (
        select(
            Vendor.name.label("vendor_name"),
            SubProcessor.name,
            parent.name.label("parent_sub"),
            SubProcessor.service,
            SubProcessor.country_code,
            SubProcessor.parent_company,
            SubProcessor.parent_country_code,
            SubProcessor.dpf_status,
            SubProcessor.transfer_mechanism,
            SubProcessor.tia_on,
            loc.c.processing,
            loc.c.support,
            limited.c.systems,
            SubProcessor.source,
            SubProcessor.source_on,
        )
        .join(Vendor, Vendor.id == SubProcessor.vendor_id)
        .outerjoin(parent, and_(parent.id == SubProcessor.parent_id, parent.is_archived.is_(False)))
        .outerjoin(loc, loc.c.owner_id == SubProcessor.id)
        .outerjoin(limited, limited.c.sub_processor_id == SubProcessor.id)
        .where(SubProcessor.is_archived.is_(False), SubProcessor.vendor_id.in_(vendors))
        .order_by(func.lower(Vendor.name), Vendor.id, func.lower(SubProcessor.name), SubProcessor.id)
    )
    dpf, mechanisms, country, country_list = (
        w.labels(DpfStatus),
        w.labels(TransferMechanism),
        w.country,
        w.country_list,
    )
    every = w.t(ALL_SYSTEMS)

    def rows() -> Iterator[Sequence[Any]]:
        for r in stream(x.session, stmt):
            yield (
                r.vendor_name,
                r.name,
                r.parent_sub,
                r.service,
                country(r.country_code),
                r.parent_company,
                country(r.parent_country_code),
                dpf[r.dpf_status],
                mechanisms[r.transfer_mechanism],
                r.tia_on,
                country_list(r.processing),
                country_list(r.support),
                sorted_names(r.systems) or every,
                r.source,
                r.source_on,
            )

    return Table(
        x.t(TITLE_SUB_PROCESSORS),
        x.columns(columns),
        counted(rows(), x.counts, "sub_processors"),
        empty=empty,
    )
