"""The Transfers sheet: every transfer of the exported systems, with its class and reason."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from riskreg.enums import DpfStatus, LocationKind, TransferClass, TransferMechanism
from riskreg.exports.register.sheet import NO_LIST, Export, Table, counted, stream
from riskreg.systems.models import System
from riskreg.transfers import classified, rules
from riskreg.vendors.models import SubProcessor, Vendor
from riskreg.vocabulary import N_

TITLE_TRANSFERS = N_("Transfers")


def transfers_table(x: Export, empty: str) -> Table:
    w = x.words
    columns = [
        (N_("System"), 36, "plain"),
        (N_("Recipient"), 28, "plain"),
        (N_("Role"), 16, "plain"),
        (N_("Vendor"), 26, "plain"),
        (N_("Country"), 18, "plain"),
        (N_("Kind"), 14, "plain"),
        (N_("Transfer mechanism"), 18, "plain"),
        (N_("DPF status"), 14, "plain"),
        (N_("TIA"), 12, "date"),
        (N_("Class"), 18, "plain"),
        (N_("Reason"), 90, "plain"),
    ]
    source = x.choice.source
    exported = select(x.ids().c.system_id)
    ordered = x.ids(ordered=True)
    transfers = classified.listed_transfers(source, exported).subquery("transfer")
    vendor, sub = aliased(Vendor), aliased(SubProcessor)
    recipient = func.coalesce(sub.name, vendor.name)
    # A transfer's row holds only what differs from system to system; the rest is per recipient location.
    stmt = (
        select(
            System.name,
            transfers.c.recipient_key,
            transfers.c.location_id,
            # An HR system's DPF transfers can have another class (the listing's HR coverage).
            transfers.c.hr_system,
        )
        .select_from(transfers)
        .join(ordered, ordered.c.system_id == transfers.c.system_id)
        .join(System, System.id == transfers.c.system_id)
        .join(vendor, vendor.id == transfers.c.vendor_id)
        .outerjoin(sub, sub.id == transfers.c.sub_processor_id)
        # As the Transfers tab: worst first, the vendor before its sub-processors, then by name and country.
        .order_by(
            ordered.c.position,
            transfers.c.severity.desc(),
            transfers.c.sub_processor_id.is_not(None),
            func.lower(recipient),
            transfers.c.country_code,
            transfers.c.location_kind,
        )
    )
    located = classified.classified_locations(source, exported).subquery("located")
    facts_stmt = (
        select(located, vendor.name.label("vendor_name"), recipient.label("recipient"))
        .join(vendor, vendor.id == located.c.vendor_id)
        .outerjoin(sub, sub.id == located.c.sub_processor_id)
    )
    roles = {False: w.t(N_("Vendor")), True: w.t(N_("Sub-processor"))}
    kinds, mechanisms, dpf = w.labels(LocationKind), w.labels(TransferMechanism), w.labels(DpfStatus)
    classes = w.labels(TransferClass)
    list_name = source.label(w.lang) if source is not None else ""

    # Each name once in memory, however many locations repeat it (the database returns a new copy each time).
    shared: dict[Any, Any] = {}
    share = shared.setdefault

    def cells(r: Any, rule_id: str | None) -> tuple[Any, ...]:
        """The cells of a recipient location under ``rule_id``, the same for every system it serves."""
        country = w.country(r.country_code)
        kind = LocationKind(r.location_kind) if r.location_kind is not None else None
        mechanism, dpf_status = TransferMechanism(r.mechanism), DpfStatus(r.dpf_status)
        klass = reason = None
        if rule_id is not None:
            rule = rules.RULES_BY_ID[rule_id]
            klass = classes[rule.klass]
            facts = rules.ReasonFacts(r.recipient, country, list_name, mechanism, dpf_status, kind, r.tia_on)
            reason = rules.reason(w.lang, rule, facts)
        return (
            share(r.recipient, r.recipient),
            roles[r.sub_processor_id is not None],
            share(r.vendor_name, r.vendor_name),
            country,
            kinds[kind] if kind is not None else None,
            mechanisms[mechanism],
            dpf[dpf_status],
            r.tia_on,
            klass,
            reason,
        )

    def rows() -> Iterator[Sequence[Any]]:
        # The cells of each recipient location serving these systems: thousands at most, however many systems.
        made = {}
        for r in stream(x.session, facts_stmt):
            plain = cells(r, r.rule)
            hr = plain if r.rule_hr == r.rule else cells(r, r.rule_hr)
            made[r.recipient_key, r.location_id] = (plain, hr)
        shared.clear()
        for system_name, recipient_key, location_id, hr_system in stream(x.session, stmt):
            yield (system_name, *made[recipient_key, location_id][bool(hr_system)])

    return Table(
        x.t(TITLE_TRANSFERS),
        x.columns(columns),
        counted(rows(), x.counts, "transfers"),
        notes=[x.t(NO_LIST)] if source is None else [],
        empty=empty,
    )
