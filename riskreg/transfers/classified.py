"""Every transfer (system × recipient × country) with its facts and its class, as SQL (no Flask here).

The rule table of ``riskreg.transfers.rules`` is compiled to one ``CASE``, over the list in force on a date
with a scenario's overrides on top (``riskreg.transfers.sources``). Each recipient location is classified
once; the systems it serves share the result. ``riskreg.transfers.system_verdicts`` aggregates these rows
per system, ``riskreg.transfers.findings`` reads them with their reasons.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    FromClause,
    Integer,
    Select,
    and_,
    case,
    cast,
    exists,
    false,
    func,
    join,
    literal,
    not_,
    null,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import aliased

from riskreg.countries.models import CountryListEntry, JurisdictionExposure
from riskreg.enums import CountryStatus, DpfStatus, EntityRole, ExposureLevel
from riskreg.systems.models import System
from riskreg.transfers import rules
from riskreg.transfers.sources import ListSource
from riskreg.vendors.models import ProcessingLocation, SubProcessor, Vendor, subprocessor_system

#: The vendor's own rows have no sub-processor; typed, or PostgreSQL cannot match it in the UNION.
NO_SUB_PROCESSOR = cast(null(), Integer)
#: The systems a query covers: ids, a SELECT of one column of ids (run in the database), or None for all.
SystemIds = Sequence[int] | Select[Any] | None


def _applies(sub: Any, system_id: Any) -> ColumnElement[bool]:
    """A live sub-processor serves the systems it is limited to, or every system of its vendor if none."""
    limits = subprocessor_system.c
    unlimited = not_(exists().where(limits.sub_processor_id == sub.id))
    limited_to_it = exists().where(limits.sub_processor_id == sub.id, limits.system_id == system_id)
    return and_(sub.is_archived.is_(False), unlimited | limited_to_it)


def recipient_locations() -> FromClause:
    """Each recipient's locations, once (a recipient without any has one row with no country).

    Recipients are the vendors and the live sub-processors; ``recipient_key`` is the sub-processor's id, or
    minus the vendor's id for the vendor itself. Classification depends only on these rows, not on the system.
    """
    vendor_loc = aliased(ProcessingLocation)
    by_vendor = select(
        (-Vendor.id).label("recipient_key"),
        Vendor.id.label("vendor_id"),
        NO_SUB_PROCESSOR.label("sub_processor_id"),
        vendor_loc.country_code.label("country_code"),
        vendor_loc.kind.label("location_kind"),
        Vendor.transfer_mechanism.label("mechanism"),
        Vendor.dpf_status.label("dpf_status"),
        Vendor.tia_on.label("tia_on"),
    ).select_from(join(Vendor, vendor_loc, vendor_loc.vendor_id == Vendor.id, isouter=True))
    sub_loc = aliased(ProcessingLocation)
    by_sub = (
        select(
            SubProcessor.id,
            SubProcessor.vendor_id,
            SubProcessor.id,
            sub_loc.country_code,
            sub_loc.kind,
            SubProcessor.transfer_mechanism,
            SubProcessor.dpf_status,
            SubProcessor.tia_on,
        )
        .select_from(join(SubProcessor, sub_loc, sub_loc.sub_processor_id == SubProcessor.id, isouter=True))
        .where(SubProcessor.is_archived.is_(False))
    )
    return union_all(by_vendor, by_sub).subquery("recipient_location")


def system_recipients(system_ids: SystemIds) -> FromClause:
    """Which recipients serve which system: its vendor, and each live sub-processor that applies to it."""
    by_vendor = select(System.id.label("system_id"), (-System.vendor_id).label("recipient_key"))
    by_sub = select(System.id, SubProcessor.id).select_from(
        join(
            System,
            SubProcessor,
            and_(SubProcessor.vendor_id == System.vendor_id, _applies(SubProcessor, System.id)),
        )
    )
    if system_ids is not None:
        by_vendor = by_vendor.where(System.id.in_(system_ids))
        by_sub = by_sub.where(System.id.in_(system_ids))
    return union_all(by_vendor, by_sub).subquery("system_recipient")


def _condition(
    name: str, allowed: frozenset[object], facts: dict[str, ColumnElement[Any]]
) -> ColumnElement[bool]:
    expr = facts[name]
    if allowed <= {True, False}:  # a yes/no fact
        if allowed == {True}:
            return expr
        if allowed == {False}:
            return not_(expr)
        return true() if allowed else false()
    return expr.in_(sorted(str(v) for v in allowed))


def rule_case(
    facts: dict[str, ColumnElement[Any]], result: Callable[[rules.Rule], Any]
) -> ColumnElement[Any]:
    """The rule table as one CASE: ``result`` of the first rule whose conditions all hold (e.g. its id)."""
    *ordered, last = rules.RULES
    assert not last.when, "the last rule catches every transfer"
    return case(
        *(
            (
                and_(true(), *(_condition(n, allowed, facts) for n, allowed in rule.when.items())),
                literal(result(rule)),
            )
            for rule in ordered
        ),
        else_=literal(result(last)),
    )


def location_facts(
    source: ListSource, serving: FromClause | None
) -> tuple[Select[Any], FromClause, dict[str, Any]]:
    """The recipients' locations joined to their status on the list (and scenario), and the facts rules read.

    With ``serving`` (system recipients), only the recipients in it. The statement selects nothing yet;
    callers add the columns they need.
    """
    rl = recipient_locations()
    official = aliased(CountryListEntry)
    stmt = (
        select()
        .select_from(rl)
        .outerjoin(
            official,
            and_(
                official.list_version_id == source.official_version_id,
                official.country_code == rl.c.country_code,
            ),
        )
    )
    status: Any = official.status
    if source.scenario_version_id is not None:
        scenario = aliased(CountryListEntry)
        stmt = stmt.outerjoin(
            scenario,
            and_(
                scenario.list_version_id == source.scenario_version_id,
                scenario.country_code == rl.c.country_code,
            ),
        )
        status = func.coalesce(scenario.status, official.status)
    if serving is not None:
        stmt = stmt.where(rl.c.recipient_key.in_(select(serving.c.recipient_key)))
    facts: dict[str, Any] = {
        "has_country": rl.c.country_code.is_not(None),
        "status": func.coalesce(status, literal(CountryStatus.NONE.value)),
        "dpf_country": rl.c.country_code.in_(sorted(rules.DPF_COUNTRIES)),
        "dpf_active": rl.c.dpf_status == DpfStatus.ACTIVE.value,
        "mechanism": rl.c.mechanism,
    }
    return stmt, rl, facts


def transfer_rows(source: ListSource, system_ids: SystemIds = None) -> Select[Any]:
    """Every transfer (system x recipient x country) with its facts, rule, class and severity, in one query.

    Each recipient location is classified once; the systems it serves share the result.
    """
    serving = system_recipients(system_ids)
    stmt, rl, facts = location_facts(source, serving if system_ids is not None else None)
    classified = stmt.add_columns(
        *rl.c, facts["status"].label("status"), rule_case(facts, lambda r: r.id).label("rule")
    ).subquery("classified")
    klass = case({r.id: r.klass.value for r in rules.RULES}, value=classified.c.rule)
    severity = case({r.id: r.klass.severity for r in rules.RULES}, value=classified.c.rule)
    return (
        select(serving.c.system_id, *classified.c, klass.label("klass"), severity.label("severity"))
        .select_from(serving)
        .join(classified, classified.c.recipient_key == serving.c.recipient_key)
    )


def listed_transfers(source: ListSource | None, system_ids: SystemIds = None) -> Select[Any]:
    """``transfer_rows``, or without a list to classify against the same transfers unclassified.

    Unclassified rows have the same columns with ``status``, ``rule``, ``klass`` and ``severity`` NULL.
    """
    if source is not None:
        return transfer_rows(source, system_ids)
    serving = system_recipients(system_ids)
    rl = recipient_locations()
    nothing = cast(null(), Integer)
    return (
        select(
            serving.c.system_id,
            *rl.c,
            null().label("status"),
            null().label("rule"),
            null().label("klass"),
            nothing.label("severity"),
        )
        .select_from(serving)
        .join(rl, rl.c.recipient_key == serving.c.recipient_key)
    )


def classified_locations(source: ListSource | None, system_ids: SystemIds = None) -> Select[Any]:
    """Each location of the recipients serving ``system_ids`` once, with its ``rule`` (NULL without a list).

    The columns of ``transfer_rows`` but ``system_id``, ``status``, ``klass`` and ``severity``: a transfer's
    class and reason depend on its recipient location only, so a long listing can look them up here.
    """
    serving = system_recipients(system_ids) if system_ids is not None else None
    if source is None:
        rl = recipient_locations()
        stmt = select(*rl.c, null().label("rule"))
        return (
            stmt.where(rl.c.recipient_key.in_(select(serving.c.recipient_key)))
            if serving is not None
            else stmt
        )
    stmt, rl, facts = location_facts(source, serving)
    return stmt.add_columns(*rl.c, rule_case(facts, lambda r: r.id).label("rule"))


def transfer_countries(system_ids: SystemIds = None) -> Select[Any]:
    """Each system's distinct transfer countries: ``system_id``, ``country_code`` (unclassified)."""
    serving = system_recipients(system_ids)
    rl = recipient_locations()
    return (
        select(serving.c.system_id, rl.c.country_code)
        .distinct()
        .select_from(serving)
        .join(rl, rl.c.recipient_key == serving.c.recipient_key)
        .where(rl.c.country_code.is_not(None))
    )


def exposure_rows(system_ids: SystemIds = None) -> Select[Any]:
    """Every recipient or parent company under an exposure country's jurisdiction, per system it serves."""

    def entity(country: Any, role: EntityRole, sub: bool) -> Select[Any]:
        stmt = select(
            System.id.label("system_id"),
            Vendor.id.label("vendor_id"),
            (SubProcessor.id if sub else NO_SUB_PROCESSOR).label("sub_processor_id"),
            literal(role.value).label("role"),
            country.label("country_code"),
            JurisdictionExposure.level.label("level"),
        ).join(Vendor, Vendor.id == System.vendor_id)
        if sub:
            stmt = stmt.join(
                SubProcessor, and_(SubProcessor.vendor_id == Vendor.id, _applies(SubProcessor, System.id))
            )
        stmt = stmt.join(JurisdictionExposure, JurisdictionExposure.country_code == country)
        return stmt.where(System.id.in_(system_ids)) if system_ids is not None else stmt

    parts = union_all(
        entity(Vendor.country_code, EntityRole.VENDOR, False),
        entity(Vendor.parent_country_code, EntityRole.VENDOR_PARENT, False),
        entity(SubProcessor.country_code, EntityRole.SUB_PROCESSOR, True),
        entity(SubProcessor.parent_country_code, EntityRole.SUB_PROCESSOR_PARENT, True),
    ).subquery("exposure")
    severity = case({lv.value: lv.severity for lv in ExposureLevel}, value=parts.c.level)
    return select(*parts.c, severity.label("severity"))
