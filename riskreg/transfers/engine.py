"""The classification of the whole register in one SQL pass, for any date and any scenario (no Flask here).

- ``transfer_rows`` is every transfer (system × recipient × country) with its facts and its class: the rule
  table of ``riskreg.transfers.rules`` compiled to one ``CASE``, over the list in force on a date, with a
  scenario's overrides on top.
- ``refresh`` stores each system's verdict for today's official list in ``system_assessment``;
  ``riskreg.transfers.tracking`` calls it in the same transaction as every change that
  can move a verdict, so the register's filters and counts read stored rows.
- ``verdicts`` gives one row per system, from the stored tables for today or computed for another date or a
  scenario; ``assess`` gives the detail (transfers, reasons, exposure) for some systems or all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    ColumnElement,
    FromClause,
    Integer,
    Select,
    and_,
    case,
    cast,
    delete,
    exists,
    false,
    func,
    insert,
    join,
    literal,
    not_,
    null,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import Session, aliased

from riskreg.catalogue import format_day, translate
from riskreg.countries.models import (
    CountryList,
    CountryListEntry,
    CountryListVersion,
    JurisdictionExposure,
    country_names,
)
from riskreg.db import utcnow
from riskreg.enums import (
    CountryListKind,
    CountryStatus,
    DpfStatus,
    EntityRole,
    ExposureLevel,
    LocationKind,
    Outcome,
    TransferClass,
    TransferMechanism,
)
from riskreg.errors import DomainError
from riskreg.systems.models import System
from riskreg.transfers import rules
from riskreg.transfers.models import AssessmentState, SystemAssessment
from riskreg.vendors.models import ProcessingLocation, SubProcessor, Vendor, subprocessor_system
from riskreg.vocabulary import N_

STATE_ID = 1
#: The vendor's own rows have no sub-processor; typed, or PostgreSQL cannot match it in the UNION.
NO_SUB_PROCESSOR = cast(null(), Integer)
#: The systems a query covers: ids, a SELECT of one column of ids (run in the database), or None for all.
SystemIds = Sequence[int] | Select[Any] | None


def today() -> dt.date:
    return dt.date.today()


# --- which list ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListSource:
    """The official list version in force on ``as_of``, and optionally a scenario's overrides on top of it."""

    as_of: dt.date
    official_version_id: int
    official_name: str
    official_effective_on: dt.date
    scenario_version_id: int | None = None
    scenario_name: str | None = None

    def label(self, lang: str) -> str:
        text = translate(
            lang,
            N_("%(list)s, version in force from %(date)s"),
            list=self.official_name,
            date=format_day(lang, self.official_effective_on),
        )
        if self.scenario_name is not None:
            text = translate(
                lang, N_("%(list)s with the scenario %(scenario)s"), list=text, scenario=self.scenario_name
            )
        return text


def official_source(session: Session, as_of: dt.date, lang: str = "da") -> ListSource:
    """The official list in force on ``as_of``; a DomainError if no version was in force then."""
    row = session.execute(
        select(CountryListVersion.id, CountryListVersion.effective_on, CountryList.name)
        .join(CountryList, CountryList.id == CountryListVersion.country_list_id)
        .where(CountryList.kind == CountryListKind.OFFICIAL, CountryListVersion.effective_on <= as_of)
        .order_by(CountryListVersion.effective_on.desc(), CountryList.id)
        .limit(1)
    ).first()
    if row is None:
        first = session.scalar(
            select(func.min(CountryListVersion.effective_on))
            .join(CountryList, CountryList.id == CountryListVersion.country_list_id)
            .where(CountryList.kind == CountryListKind.OFFICIAL)
        )
        if first is None:
            raise DomainError(
                translate(lang, N_("There is no official country list. Run 'riskreg db upgrade'."))
            )
        raise DomainError(
            translate(
                lang,
                N_(
                    "No version of the official list was in force on %(date)s; "
                    "the first is in force from %(first)s."
                ),
                date=format_day(lang, as_of),
                first=format_day(lang, first),
            )
        )
    return ListSource(
        as_of=as_of,
        official_version_id=row.id,
        official_name=row.name,
        official_effective_on=row.effective_on,
    )


def scenario_lists(session: Session) -> list[CountryList]:
    return list(
        session.scalars(
            select(CountryList).where(CountryList.kind == CountryListKind.SCENARIO).order_by(CountryList.name)
        )
    )


def find_scenario(session: Session, name_or_id: str | int, lang: str = "da") -> CountryList:
    """A scenario list by id or by name (case-insensitive); a DomainError naming the scenarios there are."""
    stmt = select(CountryList).where(CountryList.kind == CountryListKind.SCENARIO)
    if isinstance(name_or_id, int):
        found = session.scalar(stmt.where(CountryList.id == name_or_id))
    else:
        found = session.scalar(stmt.where(func.lower(CountryList.name) == name_or_id.strip().lower()))
    if found is None:
        names = ", ".join(s.name for s in scenario_lists(session)) or "-"
        raise DomainError(
            translate(
                lang, N_("No scenario called %(name)s. Scenarios: %(names)s."), name=name_or_id, names=names
            )
        )
    return found


def scenario_version_id(session: Session, scenario: CountryList, as_of: dt.date) -> int | None:
    """The scenario's version in force on ``as_of``, else its first one (None if it has no version)."""
    versions = select(CountryListVersion.id).where(CountryListVersion.country_list_id == scenario.id)
    return session.scalar(
        versions.where(CountryListVersion.effective_on <= as_of)
        .order_by(CountryListVersion.effective_on.desc())
        .limit(1)
    ) or session.scalar(versions.order_by(CountryListVersion.effective_on).limit(1))


def source_for(
    session: Session, as_of: dt.date, scenario: CountryList | None = None, lang: str = "da"
) -> ListSource:
    """The official list in force on ``as_of``, with ``scenario``'s overrides on top of it.

    The scenario's version is the one in force on ``as_of`` too; a scenario made after that date applies its
    first version (a what-if is a question about any date).
    """
    source = official_source(session, as_of, lang)
    if scenario is None:
        return source
    version_id = scenario_version_id(session, scenario, as_of)
    if version_id is None:
        raise DomainError(
            translate(lang, N_("The scenario %(name)s has no version yet."), name=scenario.name)
        )
    return ListSource(
        as_of=source.as_of,
        official_version_id=source.official_version_id,
        official_name=source.official_name,
        official_effective_on=source.official_effective_on,
        scenario_version_id=version_id,
        scenario_name=scenario.name,
    )


# --- the transfers, classified in SQL -----------------------------------------------------------------------


def _applies(sub: Any, system_id: Any) -> ColumnElement[bool]:
    """A live sub-processor serves the systems it is limited to, or every system of its vendor if none."""
    limits = subprocessor_system.c
    unlimited = not_(exists().where(limits.sub_processor_id == sub.id))
    limited_to_it = exists().where(limits.sub_processor_id == sub.id, limits.system_id == system_id)
    return and_(sub.is_archived.is_(False), unlimited | limited_to_it)


def _recipient_locations() -> FromClause:
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


def _system_recipients(system_ids: SystemIds) -> FromClause:
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


def _facts(source: ListSource, serving: FromClause | None) -> tuple[Select[Any], FromClause, dict[str, Any]]:
    """The recipients' locations joined to their status on the list (and scenario), and the facts rules read.

    With ``serving`` (system recipients), only the recipients in it. The statement selects nothing yet;
    callers add the columns they need.
    """
    rl = _recipient_locations()
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
    serving = _system_recipients(system_ids)
    stmt, rl, facts = _facts(source, serving if system_ids is not None else None)
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
    serving = _system_recipients(system_ids)
    rl = _recipient_locations()
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
    serving = _system_recipients(system_ids) if system_ids is not None else None
    if source is None:
        rl = _recipient_locations()
        stmt = select(*rl.c, null().label("rule"))
        return (
            stmt.where(rl.c.recipient_key.in_(select(serving.c.recipient_key)))
            if serving is not None
            else stmt
        )
    stmt, rl, facts = _facts(source, serving)
    return stmt.add_columns(*rl.c, rule_case(facts, lambda r: r.id).label("rule"))


def transfer_countries(system_ids: SystemIds = None) -> Select[Any]:
    """Each system's distinct transfer countries: ``system_id``, ``country_code`` (unclassified)."""
    serving = _system_recipients(system_ids)
    rl = _recipient_locations()
    return (
        select(serving.c.system_id, rl.c.country_code)
        .distinct()
        .select_from(serving)
        .join(rl, rl.c.recipient_key == serving.c.recipient_key)
        .where(rl.c.country_code.is_not(None))
    )


def _per_system(source: ListSource, system_ids: SystemIds) -> FromClause:
    """Per system: worst severity, transfers under SCC/BCR without a TIA, and the number of transfers.

    Aggregated per recipient first (few rows), then per system over the recipients that serve it.
    """
    serving = _system_recipients(system_ids)
    stmt, rl, facts = _facts(source, serving if system_ids is not None else None)
    safeguarded = rule_case(facts, lambda r: int(r.klass == TransferClass.SAFEGUARDED))
    per_recipient = (
        stmt.add_columns(
            rl.c.recipient_key,
            func.max(rule_case(facts, lambda r: r.klass.severity)).label("severity"),
            func.sum(case(((safeguarded == 1) & rl.c.tia_on.is_(None), 1), else_=0)).label("tia_missing"),
            func.count().label("transfer_count"),
        )
        .group_by(rl.c.recipient_key)
        .subquery("per_recipient")
    )
    return (
        select(
            serving.c.system_id,
            func.max(per_recipient.c.severity).label("severity"),
            # SUM is NUMERIC on PostgreSQL (a Decimal in Python); these are counts.
            cast(func.sum(per_recipient.c.tia_missing), Integer).label("tia_missing"),
            cast(func.sum(per_recipient.c.transfer_count), Integer).label("transfer_count"),
        )
        .select_from(serving)
        .join(per_recipient, per_recipient.c.recipient_key == serving.c.recipient_key)
        .group_by(serving.c.system_id)
        .subquery("per_system")
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


def _outcome_case(severity: Any, exposure_severity: Any, tia_missing: Any) -> ColumnElement[str]:
    """``rules.outcome`` in SQL, from the same thresholds."""
    return case(
        (
            (severity >= rules.NOT_ACCEPTABLE_FROM.severity)
            | (func.coalesce(exposure_severity, -1) >= rules.EXPOSURE_NOT_ACCEPTABLE_FROM.severity),
            literal(Outcome.NOT_ACCEPTABLE.value),
        ),
        (
            (severity >= rules.ATTENTION_FROM.severity) | exposure_severity.is_not(None) | (tia_missing > 0),
            literal(Outcome.ATTENTION.value),
        ),
        else_=literal(Outcome.ACCEPTABLE.value),
    )


def _verdict_rows(per_system: FromClause, exposures: FromClause) -> Select[Any]:
    """One row per system: worst class, worst exposure, missing TIA, outcome, number of transfers."""
    worst_exposure = (
        select(exposures.c.system_id, func.max(exposures.c.severity).label("severity"))
        .group_by(exposures.c.system_id)
        .subquery("worst_exposure")
    )
    verdict = case({c.severity: c.value for c in TransferClass}, value=per_system.c.severity)
    exposure = case({lv.severity: lv.value for lv in ExposureLevel}, value=worst_exposure.c.severity)
    return select(
        per_system.c.system_id,
        verdict.label("verdict"),
        per_system.c.severity,
        exposure.label("exposure"),
        (per_system.c.tia_missing > 0).label("tia_missing"),
        _outcome_case(per_system.c.severity, worst_exposure.c.severity, per_system.c.tia_missing).label(
            "outcome"
        ),
        per_system.c.transfer_count,
    ).outerjoin(worst_exposure, worst_exposure.c.system_id == per_system.c.system_id)


# --- storing today's classification -------------------------------------------------------------------------

VERDICT_COLUMNS = ("system_id", "verdict", "severity", "exposure", "tia_missing", "outcome", "transfer_count")


def _official_in_force_id(session: Session, on: dt.date) -> int | None:
    try:
        return official_source(session, on).official_version_id
    except DomainError:
        return None


def refresh(session: Session, on: dt.date | None = None) -> None:
    """Re-classify the whole register under the official list in force ``on`` (today) and store it.

    Runs in the caller's transaction; with no official version in force, the stored tables are left empty.
    Concurrent refreshes take turns: the state row is locked first (PostgreSQL; SQLite has one writer anyway),
    so two saves at the same moment cannot both insert the same verdicts.
    """
    on = on or today()
    state = session.scalar(select(AssessmentState).where(AssessmentState.id == STATE_ID).with_for_update())
    session.execute(delete(SystemAssessment))
    try:
        source: ListSource | None = official_source(session, on)
    except DomainError:
        source = None
    if source is not None:
        session.execute(
            insert(SystemAssessment).from_select(
                [getattr(SystemAssessment, c) for c in VERDICT_COLUMNS],
                _verdict_rows(_per_system(source, None), exposure_rows().subquery()),
            )
        )
    version_id = source.official_version_id if source is not None else None
    if state is None:
        state = AssessmentState(id=STATE_ID)
        session.add(state)
    state.list_version_id = version_id
    state.as_of = on
    state.computed_at = utcnow()
    session.flush()


def is_current(session: Session, on: dt.date | None = None) -> bool:
    """Whether the stored classification used the official version in force ``on``."""
    on = on or today()
    state = session.get(AssessmentState, STATE_ID)
    return state is not None and state.list_version_id == _official_in_force_id(session, on)


def ensure_current(session: Session, on: dt.date | None = None) -> bool:
    """Refresh and commit if a list version took effect since the last run; True if it did."""
    if is_current(session, on):
        return False
    refresh(session, on)
    session.commit()
    return True


# --- reading ------------------------------------------------------------------------------------------------


def verdicts(
    source: ListSource | None = None, system_ids: SystemIds = None, name: str = "verdicts"
) -> FromClause:
    """One row per system (``VERDICT_COLUMNS``): stored for today's official list, else for ``source``."""
    if source is None:
        stmt = select(SystemAssessment.__table__)
        if system_ids is not None:
            stmt = stmt.where(SystemAssessment.system_id.in_(system_ids))
        return stmt.subquery(name)
    return _verdict_rows(_per_system(source, system_ids), exposure_rows(system_ids).subquery()).subquery(name)


@dataclass
class TransferFinding:
    recipient: str
    vendor_id: int
    sub_processor_id: int | None
    country_code: str | None
    country_names: dict[str, str]  # language -> the country's name (empty when no country is known)
    kind: LocationKind | None
    mechanism: TransferMechanism
    dpf_status: DpfStatus
    tia_on: dt.date | None
    klass: TransferClass
    rule: str
    reason_da: str
    reason_en: str

    @property
    def tia_missing(self) -> bool:
        return rules.needs_tia(self.klass, self.tia_on)

    def reason(self, lang: str) -> str:
        return self.reason_da if lang == "da" else self.reason_en

    def country(self, lang: str) -> str | None:
        return self.country_names.get(lang)


@dataclass
class ExposureItem:
    entity: str
    role: EntityRole
    vendor_id: int
    sub_processor_id: int | None
    country_code: str
    country_names: dict[str, str]  # language -> the country's name
    level: ExposureLevel
    laws: list[str]
    reason_da: str
    reason_en: str

    def reason(self, lang: str) -> str:
        return self.reason_da if lang == "da" else self.reason_en

    def country(self, lang: str) -> str | None:
        return self.country_names.get(lang)


@dataclass
class Assessment:
    system_id: int
    system: str
    transfers: list[TransferFinding] = field(default_factory=list)
    exposure: list[ExposureItem] = field(default_factory=list)

    @property
    def verdict(self) -> TransferClass:
        return rules.verdict(t.klass for t in self.transfers)

    @property
    def worst_exposure(self) -> ExposureLevel | None:
        return max((e.level for e in self.exposure), key=lambda lv: lv.severity, default=None)

    @property
    def tia_missing(self) -> bool:
        return any(t.tia_missing for t in self.transfers)

    @property
    def outcome(self) -> Outcome:
        return rules.outcome(self.verdict, self.worst_exposure, self.tia_missing)


def assess(session: Session, source: ListSource, system_ids: Sequence[int] | None = None) -> list[Assessment]:
    """Each system's transfers with their reasons in Danish and English, and its exposure findings.

    Systems are in name order; the transfers of a system are worst first, then by recipient and country.
    """
    rows = transfer_rows(source, system_ids).subquery()
    vendor, sub = aliased(Vendor), aliased(SubProcessor)
    stmt = (
        select(
            rows,
            System.name.label("system_name"),
            vendor.name.label("vendor_name"),
            sub.name.label("sub_name"),
        )
        .join(System, System.id == rows.c.system_id)
        .join(vendor, vendor.id == rows.c.vendor_id)
        .outerjoin(sub, sub.id == rows.c.sub_processor_id)
    )
    names = {lang: country_names(session, lang) for lang in ("da", "en")}
    labels = {lang: source.label(lang) for lang in ("da", "en")}
    by_system: dict[int, Assessment] = {}
    for r in session.execute(stmt):
        a = by_system.get(r.system_id)
        if a is None:
            a = by_system[r.system_id] = Assessment(r.system_id, r.system_name)
        a.transfers.append(_finding(r, names, labels))
    _add_exposure(session, by_system, system_ids, names)
    for a in by_system.values():
        a.transfers.sort(
            key=lambda t: (
                -t.klass.severity,
                t.sub_processor_id is not None,
                t.recipient.lower(),
                t.country_code or "",
            )
        )
    return sorted(by_system.values(), key=lambda a: (a.system.lower(), a.system_id))


def _finding(r: Any, names: dict[str, dict[str, str]], labels: dict[str, str]) -> TransferFinding:
    """A classified row with its reason in Danish and English."""
    recipient = r.sub_name if r.sub_processor_id is not None else r.vendor_name
    rule = rules.RULES_BY_ID[r.rule]
    kind = LocationKind(r.location_kind) if r.location_kind is not None else None
    mechanism, dpf = TransferMechanism(r.mechanism), DpfStatus(r.dpf_status)
    countries = (
        {lang: names[lang].get(r.country_code, r.country_code) for lang in names} if r.country_code else {}
    )
    reasons = {}
    for lang in ("da", "en"):
        facts = rules.ReasonFacts(
            recipient, countries.get(lang), labels[lang], mechanism, dpf, kind, r.tia_on
        )
        reasons[lang] = rules.reason(lang, rule, facts)
    return TransferFinding(
        recipient=recipient,
        vendor_id=r.vendor_id,
        sub_processor_id=r.sub_processor_id,
        country_code=r.country_code,
        country_names=countries,
        kind=kind,
        mechanism=mechanism,
        dpf_status=dpf,
        tia_on=r.tia_on,
        klass=TransferClass(r.klass),
        rule=r.rule,
        reason_da=reasons["da"],
        reason_en=reasons["en"],
    )


def _add_exposure(
    session: Session,
    by_system: dict[int, Assessment],
    system_ids: Sequence[int] | None,
    names: dict[str, dict[str, str]],
) -> None:
    exp = exposure_rows(system_ids).subquery()
    vendor, sub = aliased(Vendor), aliased(SubProcessor)
    stmt = (
        select(
            exp,
            vendor.name.label("vendor_name"),
            vendor.parent_name,
            sub.name.label("sub_name"),
            sub.parent_company,
            JurisdictionExposure.laws,
        )
        .join(vendor, vendor.id == exp.c.vendor_id)
        .outerjoin(sub, sub.id == exp.c.sub_processor_id)
        .join(JurisdictionExposure, JurisdictionExposure.country_code == exp.c.country_code)
        .order_by(exp.c.system_id, exp.c.severity.desc(), exp.c.role)
    )
    for r in session.execute(stmt):
        a = by_system.get(r.system_id)
        if a is None:  # pragma: no cover - every system has its vendor as a transfer
            continue
        role = EntityRole(r.role)
        entity = {
            EntityRole.VENDOR: r.vendor_name,
            EntityRole.VENDOR_PARENT: r.parent_name or r.vendor_name,
            EntityRole.SUB_PROCESSOR: r.sub_name,
            EntityRole.SUB_PROCESSOR_PARENT: r.parent_company or r.sub_name,
        }[role]
        laws = list(r.laws or [])
        countries = {lang: names[lang].get(r.country_code, r.country_code) for lang in names}
        a.exposure.append(
            ExposureItem(
                entity=entity,
                role=role,
                vendor_id=r.vendor_id,
                sub_processor_id=r.sub_processor_id,
                country_code=r.country_code,
                country_names=countries,
                level=ExposureLevel(r.level),
                laws=laws,
                reason_da=rules.exposure_reason("da", entity, role, countries["da"], laws),
                reason_en=rules.exposure_reason("en", entity, role, countries["en"], laws),
            )
        )


# --- scenarios ----------------------------------------------------------------------------------------------


@dataclass
class VerdictChange:
    system_id: int
    system: str
    before: TransferClass
    after: TransferClass
    before_outcome: Outcome
    after_outcome: Outcome
    # The transfers whose class the scenario changes: (before, after).
    transfers: list[tuple[TransferFinding, TransferFinding]] = field(default_factory=list)


def scenario_impact(
    session: Session, scenario: CountryList, as_of: dt.date, lang: str = "da"
) -> tuple[ListSource, ListSource, list[VerdictChange]]:
    """Which systems change verdict or outcome under ``scenario``, from what to what, and the transfers why.

    Archived systems are left out. Reads only; the official data is not touched.
    """
    base = official_source(session, as_of, lang)
    what_if = source_for(session, as_of, scenario, lang)
    changed = changed_systems(session, base, what_if)
    if not changed:
        return base, what_if, []
    old = {a.system_id: a for a in assess(session, base, changed)}
    new = {a.system_id: a for a in assess(session, what_if, changed)}
    result = []
    for system_id, a in old.items():
        b = new[system_id]
        key = _finding_key
        after_by_key = {key(t): t for t in b.transfers}
        moved = [(t, after_by_key[key(t)]) for t in a.transfers if after_by_key[key(t)].klass != t.klass]
        result.append(VerdictChange(system_id, a.system, a.verdict, b.verdict, a.outcome, b.outcome, moved))
    result.sort(key=lambda c: (-c.after.severity, c.system.lower()))
    return base, what_if, result


def changed_systems(session: Session, base: ListSource, what_if: ListSource) -> list[int]:
    """Ids of the live systems whose verdict or outcome differs between two lists (one query, no detail)."""
    before, after = verdicts(base, name="before"), verdicts(what_if, name="after")
    return list(
        session.execute(
            select(before.c.system_id)
            .join(after, after.c.system_id == before.c.system_id)
            .join(System, System.id == before.c.system_id)
            .where(
                System.is_archived.is_(False),
                (before.c.verdict != after.c.verdict) | (before.c.outcome != after.c.outcome),
            )
        ).scalars()
    )


def _finding_key(t: TransferFinding) -> tuple[Any, ...]:
    return (t.vendor_id, t.sub_processor_id, t.country_code, t.kind)
