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
from riskreg.enums import CountryStatus, DataSubject, DpfStatus, EntityRole, ExposureLevel, LocationKind
from riskreg.systems.models import System, SystemDataSubject
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
    """Each recipient's locations, once (a recipient without any has one row with no location and no country).

    Recipients are the vendors and the live sub-processors; ``recipient_key`` is the sub-processor's id, or
    minus the vendor's id for the vendor itself. ``location_id`` is NULL on the row of a recipient without
    locations; ``country_code`` is NULL there and on a location of undisclosed country. ``mechanism`` is the
    location's own where it has one, else the recipient's. Classification depends only on these rows and on
    whether a system is an HR system (``hr_system`` of ``system_recipients``).
    """
    vendor_loc = aliased(ProcessingLocation)
    by_vendor = select(
        (-Vendor.id).label("recipient_key"),
        Vendor.id.label("vendor_id"),
        NO_SUB_PROCESSOR.label("sub_processor_id"),
        vendor_loc.id.label("location_id"),
        vendor_loc.country_code.label("country_code"),
        vendor_loc.kind.label("location_kind"),
        func.coalesce(vendor_loc.mechanism, Vendor.transfer_mechanism).label("mechanism"),
        Vendor.dpf_status.label("dpf_status"),
        Vendor.tia_on.label("tia_on"),
        Vendor.country_code.label("entity_country"),
        Vendor.dpf_covers_hr.label("dpf_covers_hr"),
    ).select_from(join(Vendor, vendor_loc, vendor_loc.vendor_id == Vendor.id, isouter=True))
    sub_loc = aliased(ProcessingLocation)
    by_sub = (
        select(
            SubProcessor.id,
            SubProcessor.vendor_id,
            SubProcessor.id,
            sub_loc.id,
            sub_loc.country_code,
            sub_loc.kind,
            func.coalesce(sub_loc.mechanism, SubProcessor.transfer_mechanism),
            SubProcessor.dpf_status,
            SubProcessor.tia_on,
            SubProcessor.country_code,
            SubProcessor.dpf_covers_hr,
        )
        .select_from(join(SubProcessor, sub_loc, sub_loc.sub_processor_id == SubProcessor.id, isouter=True))
        .where(SubProcessor.is_archived.is_(False))
    )
    return union_all(by_vendor, by_sub).subquery("recipient_location")


def is_hr_system(system_id: Any) -> ColumnElement[bool]:
    """The system's data subjects include employees: a DPF listing must cover HR data for it."""
    subjects = SystemDataSubject
    return exists().where(subjects.system_id == system_id, subjects.value == DataSubject.EMPLOYEES)


def system_recipients(system_ids: SystemIds) -> FromClause:
    """Which recipients serve which system: its vendor, and each live sub-processor that applies to it.

    ``hr_system``: the system is an HR system (``is_hr_system``), which classification needs for the DPF.
    """
    by_vendor = select(
        System.id.label("system_id"),
        (-System.vendor_id).label("recipient_key"),
        is_hr_system(System.id).label("hr_system"),
    )
    by_sub = select(System.id, SubProcessor.id, is_hr_system(System.id)).select_from(
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
) -> tuple[Select[Any], FromClause, dict[bool, dict[str, Any]]]:
    """The recipients' locations joined to their status on the list (and scenario), and the facts rules read.

    The facts are given twice, by whether the system served is an HR system (``hr_system``): the class of a
    DPF transfer depends on it; nothing else does. With ``serving`` (system recipients), only the recipients
    in it. The statement selects nothing yet; callers add the columns they need.
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
    common: dict[str, Any] = {
        "has_country": rl.c.country_code.is_not(None),
        "status": func.coalesce(status, literal(CountryStatus.NONE.value)),
        "dpf_country": rl.c.country_code.in_(sorted(rules.DPF_COUNTRIES)),
        "dpf_active": rl.c.dpf_status == DpfStatus.ACTIVE.value,
        "dpf_unchecked": rl.c.dpf_status == DpfStatus.UNKNOWN.value,
        "dpf_entity": rl.c.entity_country.is_(None) | rl.c.entity_country.in_(sorted(rules.DPF_COUNTRIES)),
        "mechanism": rl.c.mechanism,
    }
    covers = rl.c.dpf_covers_hr
    hr = case(
        (covers.is_(None), literal(rules.HR_UNRECORDED)),
        (covers, literal(rules.HR_COVERED)),
        else_=literal(rules.HR_NOT_COVERED),
    )
    facts = {
        False: {**common, "hr": literal(rules.HR_NOT_NEEDED)},
        True: {**common, "hr": hr},
    }
    return stmt, rl, facts


def _rule_columns(facts: dict[bool, dict[str, Any]]) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    """``rule`` (for a system that is not an HR system) and ``rule_hr`` (for one that is)."""
    return (
        rule_case(facts[False], lambda r: r.id).label("rule"),
        rule_case(facts[True], lambda r: r.id).label("rule_hr"),
    )


def transfer_rows(source: ListSource, system_ids: SystemIds = None) -> Select[Any]:
    """Every transfer (system x recipient x country) with its facts, rule, class and severity, in one query.

    Each recipient location is classified once; the systems it serves share the result.
    """
    serving = system_recipients(system_ids)
    stmt, rl, facts = location_facts(source, serving if system_ids is not None else None)
    classified = stmt.add_columns(
        *rl.c, facts[False]["status"].label("status"), *_rule_columns(facts)
    ).subquery("classified")
    rule = case((serving.c.hr_system, classified.c.rule_hr), else_=classified.c.rule)
    klass = case({r.id: r.klass.value for r in rules.RULES}, value=rule)
    severity = case({r.id: r.klass.severity for r in rules.RULES}, value=rule)
    located = [c for c in classified.c if c.name not in ("rule", "rule_hr")]
    return (
        select(
            serving.c.system_id,
            *located,
            rule.label("rule"),
            klass.label("klass"),
            severity.label("severity"),
            serving.c.hr_system,
        )
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
            serving.c.hr_system,
        )
        .select_from(serving)
        .join(rl, rl.c.recipient_key == serving.c.recipient_key)
    )


def classified_locations(source: ListSource | None, system_ids: SystemIds = None) -> Select[Any]:
    """Each location of the recipients serving ``system_ids`` once, with its ``rule`` (NULL without a list).

    The columns of ``transfer_rows`` but ``system_id``, ``status``, ``klass``, ``severity`` and ``hr_system``,
    with ``rule`` for a system that is not an HR system and ``rule_hr`` for one that is: a transfer's class
    and reason depend on its recipient location and that only, so a long listing can look them up here.
    """
    serving = system_recipients(system_ids) if system_ids is not None else None
    if source is None:
        rl = recipient_locations()
        stmt = select(*rl.c, null().label("rule"), null().label("rule_hr"))
        return (
            stmt.where(rl.c.recipient_key.in_(select(serving.c.recipient_key)))
            if serving is not None
            else stmt
        )
    stmt, rl, facts = location_facts(source, serving)
    return stmt.add_columns(*rl.c, *_rule_columns(facts))


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


#: The exposure rules, each a way an entity comes under an exposure country's jurisdiction.
EXPOSURE_VIA = ("via_entity", "via_processing", "via_support")


def exposure_rows(system_ids: SystemIds = None) -> Select[Any]:
    """Every entity under an exposure country's jurisdiction, per system it serves: one row per finding.

    Four rules find an entity by where it is (the vendor's or sub-processor's country, its parent's), and
    two by where the data is (a recipient's processing or support-access location in that country). The
    same recipient and country through several rules is one finding: ``via_entity``, ``via_processing`` and
    ``via_support`` (1 or 0) say which rules found it; ``role`` is the entity rule's role if it fired, else
    the location role. A parent company is a finding of its own (another entity).
    """

    def rows(country: Any, role: EntityRole, sub: bool, kind: Any = None) -> Select[Any]:
        stmt = select(
            System.id.label("system_id"),
            Vendor.id.label("vendor_id"),
            (SubProcessor.id if sub else NO_SUB_PROCESSOR).label("sub_processor_id"),
            literal(role.value).label("role"),
            country.label("country_code"),
            JurisdictionExposure.level.label("level"),
            literal(int(kind is None)).label("via_entity"),
            literal(int(kind is LocationKind.PROCESSING)).label("via_processing"),
            literal(int(kind is LocationKind.SUPPORT)).label("via_support"),
        ).join(Vendor, Vendor.id == System.vendor_id)
        if sub:
            stmt = stmt.join(
                SubProcessor, and_(SubProcessor.vendor_id == Vendor.id, _applies(SubProcessor, System.id))
            )
        if kind is not None:
            owner = ProcessingLocation.sub_processor_id if sub else ProcessingLocation.vendor_id
            stmt = stmt.join(
                ProcessingLocation,
                and_(owner == (SubProcessor.id if sub else Vendor.id), ProcessingLocation.kind == kind),
            )
        stmt = stmt.join(JurisdictionExposure, JurisdictionExposure.country_code == country)
        return stmt.where(System.id.in_(system_ids)) if system_ids is not None else stmt

    where = ProcessingLocation.country_code
    parts = union_all(
        rows(Vendor.country_code, EntityRole.VENDOR, False),
        rows(Vendor.parent_country_code, EntityRole.VENDOR_PARENT, False),
        rows(SubProcessor.country_code, EntityRole.SUB_PROCESSOR, True),
        rows(SubProcessor.parent_country_code, EntityRole.SUB_PROCESSOR_PARENT, True),
        *(
            rows(where, role, sub, kind)
            for role, sub in (
                (EntityRole.VENDOR_LOCATION, False),
                (EntityRole.SUB_PROCESSOR_LOCATION, True),
            )
            for kind in (LocationKind.PROCESSING, LocationKind.SUPPORT)
        ),
    ).subquery("exposure_rule")
    # A recipient's own findings (its country, its locations) merge; its parent's stay apart.
    parent = parts.c.role.in_([EntityRole.VENDOR_PARENT.value, EntityRole.SUB_PROCESSOR_PARENT.value])
    finding = case((parent, parts.c.role), else_=literal("recipient"))
    via = {name: func.max(parts.c[name]).label(name) for name in EXPOSURE_VIA}
    merged = (
        select(
            parts.c.system_id,
            parts.c.vendor_id,
            parts.c.sub_processor_id,
            # The entity rule's role sorts before the location role ("..._location" is the longer name).
            func.min(parts.c.role).label("role"),
            parts.c.country_code,
            parts.c.level,
            *via.values(),
        )
        .group_by(
            parts.c.system_id,
            parts.c.vendor_id,
            parts.c.sub_processor_id,
            finding,
            parts.c.country_code,
            parts.c.level,
        )
        .subquery("exposure")
    )
    severity = case({lv.value: lv.severity for lv in ExposureLevel}, value=merged.c.level)
    return select(*merged.c, severity.label("severity"))
