"""The register workbook for the steering group (DESIGN §7), streamed row by row. No Flask here.

Sheets: the systems the register page lists (same filters, same list, same order), their vendors, the vendors'
live sub-processors, every transfer of those systems, with a scenario the systems it changes, and last a sheet
saying what was exported (date, list, scenario, filters, rows per sheet).

Each sheet is a ``Table`` whose rows come straight from one SQL query (aggregates per system joined in the
database, streamed with ``yield_per``) as plain values: text already in the reader's language, numbers, dates,
None. Per row, Python only looks values up in dictionaries made once (labels of enums, country names, the
reasons of a recipient location, which are the same for every system it serves). ``build_register_workbook``
writes them with ``Book(streaming=True)``, so neither the register nor the workbook is held in memory.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import IO, Any

from sqlalchemy import Executable, String, and_, case, func, literal, select, type_coerce
from sqlalchemy.orm import Session, aliased

from riskreg.bodies.models import ApprovalBody
from riskreg.catalogue import format_day, label_in, translate
from riskreg.countries.models import CountryList, country_names
from riskreg.dpia import scoring
from riskreg.dpia.models import Decision, Dpia, Risk
from riskreg.enums import (
    DecisionOutcome,
    DpfStatus,
    DpiaState,
    ExposureLevel,
    LocationKind,
    Outcome,
    RiskLevel,
    SystemStatus,
    TransferClass,
    TransferMechanism,
)
from riskreg.errors import DomainError
from riskreg.exports.cells import file_name
from riskreg.exports.xlsx import Book, Column
from riskreg.systems.assessment import SourceChoice
from riskreg.systems.models import Department, System, system_department
from riskreg.systems.register_list import SystemFilter, system_list_ids, system_list_rows
from riskreg.transfers import classified, rules, sources, system_verdicts
from riskreg.vendors.models import ProcessingLocation, SubProcessor, Vendor, subprocessor_system
from riskreg.vocabulary import N_

#: Rows fetched from the database at a time.
YIELD_PER = 500
#: Separates names aggregated in SQL; a name cannot hold it (names are whitespace-normalised).
SEP = "\x1f"

REGISTER = N_("Register")
TITLE_SYSTEMS = N_("Systems")
TITLE_VENDORS = N_("Vendors")
TITLE_SUB_PROCESSORS = N_("Sub-processors")
TITLE_TRANSFERS = N_("Transfers")
TITLE_SCENARIO = N_("Scenario")
TITLE_ABOUT = N_("About this export")

NO_SYSTEMS = N_("No systems match the filters.")
NO_SUB_PROCESSORS = N_("The vendors of these systems have no live sub-processors.")
NO_CHANGES = N_("No system changes verdict or outcome under this scenario.")
NO_LIST = N_("There is no official country list, so the transfers are not classified and verdicts are blank.")
ALL_SYSTEMS = N_("All the vendor's systems")
#: The column of the Systems sheet with the residual risk level (coloured by conditional formatting).
RESIDUAL_COLUMN = 13


@dataclass
class Table:
    """One sheet of the register workbook: its title, columns and rows (an iterator, read once).

    ``notes`` go above the header, ``empty`` below it when there are no rows; ``level_columns`` hold risk
    levels (coloured by conditional formatting); ``facts`` is a label/value sheet rather than a table.
    """

    title: str
    columns: list[Column]
    rows: Iterator[Sequence[Any]]
    notes: list[str] = field(default_factory=list)
    empty: str = ""
    level_columns: tuple[int, ...] = ()
    facts: bool = False


# --- what the rows show -------------------------------------------------------------------------------------


class _Words:
    """Everything a row needs in the reader's language, looked up once."""

    def __init__(self, session: Session, lang: str) -> None:
        self.lang = lang
        self.countries = country_names(session, lang)
        self._labels: dict[type[StrEnum], dict[str, str]] = {}
        self.yes, self.no = translate(lang, N_("Yes")), translate(lang, N_("No"))
        self._country_lists: dict[str, str] = {}
        # L × C takes the values 1..16; the level of each, in words.
        self.levels = {points: label_in(lang, scoring.level_of_score(points)) for points in range(1, 17)}

    def t(self, msgid: str, **params: object) -> str:
        return translate(self.lang, msgid, **params)

    def labels(self, enum_cls: type[StrEnum]) -> dict[str, str]:
        """value -> label of every member (a member looks itself up too: a StrEnum hashes as its value)."""
        found = self._labels.get(enum_cls)
        if found is None:
            found = self._labels[enum_cls] = {m.value: label_in(self.lang, m) for m in enum_cls}
        return found

    def country(self, code: str | None) -> str | None:
        return self.countries.get(code, code) if code else None

    def country_list(self, codes: str | None) -> str | None:
        """Comma-separated codes aggregated in SQL as names, sorted (cached: many rows share one set)."""
        if not codes:
            return None
        found = self._country_lists.get(codes)
        if found is None:
            names = {self.countries.get(c, c) for c in codes.split(",")}
            found = self._country_lists[codes] = ", ".join(sorted(names, key=str.lower))
        return found


def _names(aggregated: str | None) -> str | None:
    """Names aggregated in SQL with ``SEP`` as a sorted, comma-separated list."""
    if not aggregated:
        return None
    return ", ".join(sorted(set(aggregated.split(SEP)), key=lambda n: (n.lower(), n)))


def _stream(session: Session, stmt: Executable) -> Iterator[Any]:
    """The rows of ``stmt``, fetched ``YIELD_PER`` at a time (Core: no ORM loading per row).

    The result is closed when the rows run out or the reader stops early (an error while writing): on
    PostgreSQL it is a server-side cursor, which must not outlive the export.
    """
    with session.connection().execute(stmt.execution_options(yield_per=YIELD_PER)) as result:
        yield from result


def _counted(rows: Iterable[Sequence[Any]], counts: dict[str, int], key: str) -> Iterator[Sequence[Any]]:
    """``rows``, noting how many there were in ``counts[key]`` once they are read."""
    n = 0
    for n, row in enumerate(rows, 1):  # noqa: B007 - n is the count afterwards
        yield row
    counts[key] = n


# --- the queries --------------------------------------------------------------------------------------------


def _departments() -> Any:
    return (
        select(
            system_department.c.system_id,
            func.aggregate_strings(Department.name, SEP).label("departments"),
        )
        .join(Department, Department.id == system_department.c.department_id)
        .group_by(system_department.c.system_id)
        .subquery("departments")
    )


def _transfer_countries() -> Any:
    distinct = classified.transfer_countries().subquery("system_country")
    return (
        select(distinct.c.system_id, func.aggregate_strings(distinct.c.country_code, ",").label("countries"))
        .group_by(distinct.c.system_id)
        .subquery("countries")
    )


def _newest_dpia() -> Any:
    """Per system, the state of its newest DPIA version."""
    newest = select(Dpia.system_id, func.max(Dpia.number).label("number")).group_by(Dpia.system_id).subquery()
    return (
        select(Dpia.system_id, Dpia.state.label("dpia_state"))
        .join(newest, and_(newest.c.system_id == Dpia.system_id, newest.c.number == Dpia.number))
        .subquery("newest_dpia")
    )


def _residual() -> Any:
    """Per system, the highest residual L × C of its newest submitted DPIA version (0 without risks)."""
    submitted = (
        select(Dpia.system_id, func.max(Dpia.number).label("number"))
        .where(Dpia.state.in_([DpiaState.IN_REVIEW, DpiaState.DECIDED]))
        .group_by(Dpia.system_id)
        .subquery()
    )
    points = func.coalesce(Risk.residual_likelihood, Risk.inherent_likelihood) * func.coalesce(
        Risk.residual_consequence, Risk.inherent_consequence
    )
    return (
        select(Dpia.system_id, func.coalesce(func.max(points), 0).label("residual_points"))
        .join(submitted, and_(submitted.c.system_id == Dpia.system_id, submitted.c.number == Dpia.number))
        .outerjoin(Risk, Risk.dpia_id == Dpia.id)
        .group_by(Dpia.system_id)
        .subquery("residual")
    )


def _last_decision() -> Any:
    """Per system, its newest decision on any DPIA version: body, outcome and meeting date."""
    ranked = (
        select(
            Dpia.system_id,
            Decision.body_id,
            Decision.outcome,
            Decision.meeting_on,
            func.row_number()
            .over(partition_by=Dpia.system_id, order_by=(Decision.meeting_on.desc(), Decision.id.desc()))
            .label("rank"),
        )
        .join(Dpia, Dpia.id == Decision.dpia_id)
        .subquery()
    )
    return (
        select(
            ranked.c.system_id,
            ApprovalBody.name.label("decision_body"),
            ranked.c.outcome.label("decision_outcome"),
            ranked.c.meeting_on.label("decision_on"),
        )
        .join(ApprovalBody, ApprovalBody.id == ranked.c.body_id)
        .where(ranked.c.rank == 1)
        .subquery("last_decision")
    )


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


# --- the sheets ---------------------------------------------------------------------------------------------


@dataclass
class _Export:
    """What every sheet of one export shares."""

    session: Session
    words: _Words
    choice: SourceChoice
    flt: SystemFilter
    sort: str
    # The verdicts the page shows: stored (None) for today's official list, else computed for the choice.
    source: sources.ListSource | None
    counts: dict[str, int]

    def ids(self, *, ordered: bool = False) -> Any:
        """The exported systems (``system_id``, and ``position`` when ``ordered``) as a subquery."""
        return system_list_ids(self.flt, self.source, sort=self.sort if ordered else None).subquery(
            "exported_ordered" if ordered else "exported"
        )

    def t(self, msgid: str, **params: object) -> str:
        return self.words.t(msgid, **params)

    def columns(self, spec: Sequence[tuple[str, float, str]]) -> list[Column]:
        return [Column(self.t(label), width, style) for label, width, style in spec]


def _systems_table(x: _Export, empty: str) -> Table:
    w = x.words
    columns = [
        (N_("System"), 36, "plain"),
        (N_("Journal number"), 16, "plain"),
        (N_("Status"), 18, "plain"),
        (N_("Vendor"), 28, "plain"),
        (N_("Purpose"), 40, "plain"),
        (N_("Departments"), 28, "plain"),
        (N_("Countries"), 30, "plain"),
        (N_("Verdict"), 18, "plain"),
        (N_("Outcome"), 16, "plain"),
        (N_("Jurisdiction exposure"), 14, "plain"),
        (N_("TIA missing"), 10, "plain"),
        (N_("Transfers"), 11, "number"),
        (N_("DPIA"), 16, "plain"),
        (N_("Residual risk"), 12, "plain"),
        (N_("Last decision"), 34, "plain"),
        (N_("Decision date"), 12, "date"),
        (N_("Next review"), 12, "date"),
    ]
    if x.flt.archived:
        columns.append((N_("Archived"), 10, "text"))
    depts, countries = _departments(), _transfer_countries()
    dpia, residual, decision = _newest_dpia(), _residual(), _last_decision()
    stmt = (
        system_list_rows(x.flt, x.sort, x.source)
        .outerjoin(depts, depts.c.system_id == System.id)
        .outerjoin(countries, countries.c.system_id == System.id)
        .outerjoin(dpia, dpia.c.system_id == System.id)
        .outerjoin(residual, residual.c.system_id == System.id)
        .outerjoin(decision, decision.c.system_id == System.id)
        .add_columns(
            System.purpose,
            depts.c.departments,
            countries.c.countries,
            dpia.c.dpia_state,
            residual.c.residual_points,
            decision.c.decision_body,
            decision.c.decision_outcome,
            decision.c.decision_on,
        )
    )
    status, verdicts, outcomes = w.labels(SystemStatus), w.labels(TransferClass), w.labels(Outcome)
    exposures, states, decided = w.labels(ExposureLevel), w.labels(DpiaState), w.labels(DecisionOutcome)
    levels, country_list, yes, no = w.levels, w.country_list, w.yes, w.no
    lowest = label_in(w.lang, RiskLevel.LOW)
    archived = x.flt.archived

    def decision_text(body: str | None, outcome: str | None) -> str | None:
        if body is None:
            return None
        return w.t(N_("%(body)s: %(outcome)s"), body=body, outcome=decided.get(outcome or "", outcome))

    def rows() -> Iterator[Sequence[Any]]:
        for r in _stream(x.session, stmt):
            verdict = r.verdict
            row = (
                r.name,
                r.journal_number,
                status[r.status],
                r.vendor_name,
                r.purpose,
                _names(r.departments),
                country_list(r.countries),
                verdicts[verdict] if verdict is not None else None,
                outcomes[r.outcome] if verdict is not None else None,
                exposures[r.exposure] if r.exposure is not None else None,
                (yes if r.tia_missing else no) if verdict is not None else None,
                r.transfer_count,
                states[r.dpia_state] if r.dpia_state is not None else None,
                (levels.get(r.residual_points, lowest) if r.residual_points is not None else None),
                decision_text(r.decision_body, r.decision_outcome),
                r.decision_on,
                r.next_review_on,
            )
            yield (*row, yes if r.is_archived else no) if archived else row

    return Table(
        x.t(TITLE_SYSTEMS),
        x.columns(columns),
        _counted(rows(), x.counts, "systems"),
        notes=[x.t(NO_LIST)] if x.choice.source is None else [],
        empty=empty,
        level_columns=(RESIDUAL_COLUMN,),
    )


def _vendors_table(x: _Export, empty: str) -> Table:
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
        for r in _stream(x.session, stmt):
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

    return Table(x.t(TITLE_VENDORS), x.columns(columns), _counted(rows(), x.counts, "vendors"), empty=empty)


def _sub_processors_table(x: _Export, empty: str) -> Table:
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
        for r in _stream(x.session, stmt):
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
                _names(r.systems) or every,
                r.source,
                r.source_on,
            )

    return Table(
        x.t(TITLE_SUB_PROCESSORS),
        x.columns(columns),
        _counted(rows(), x.counts, "sub_processors"),
        empty=empty,
    )


def _transfers_table(x: _Export, empty: str) -> Table:
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
            transfers.c.country_code,
            # The stored value, not the enum (a member hashes as its value, so the look-up below still works).
            type_coerce(transfers.c.location_kind, String),
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

    def cells(r: Any) -> tuple[Any, ...]:
        """The cells of a recipient location, the same for every system it serves."""
        country = w.country(r.country_code)
        kind = LocationKind(r.location_kind) if r.location_kind is not None else None
        mechanism, dpf_status = TransferMechanism(r.mechanism), DpfStatus(r.dpf_status)
        klass = reason = None
        if r.rule is not None:
            rule = rules.RULES_BY_ID[r.rule]
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
        made = {
            (r.recipient_key, share(r.country_code, r.country_code), r.location_kind): cells(r)
            for r in _stream(x.session, facts_stmt)
        }
        shared.clear()
        for system_name, recipient_key, country_code, location_kind in _stream(x.session, stmt):
            yield (system_name, *made[recipient_key, country_code, location_kind])

    return Table(
        x.t(TITLE_TRANSFERS),
        x.columns(columns),
        _counted(rows(), x.counts, "transfers"),
        notes=[x.t(NO_LIST)] if source is None else [],
        empty=empty,
    )


def _scenario_table(x: _Export, scenario: CountryList, empty: str) -> Table:
    """The exported systems whose verdict or outcome the scenario changes, from the official list's to its."""
    w = x.words
    columns = [
        (N_("System"), 36, "plain"),
        (N_("Vendor"), 28, "plain"),
        (N_("Verdict before"), 18, "plain"),
        (N_("Verdict after"), 18, "plain"),
        (N_("Outcome before"), 16, "plain"),
        (N_("Outcome after"), 16, "plain"),
    ]
    what_if = x.choice.source
    assert what_if is not None
    base = sources.official_source(x.session, x.choice.as_of, w.lang)
    ids = select(x.ids().c.system_id)
    before, after = (
        system_verdicts.verdicts(base, ids, name="before"),
        system_verdicts.verdicts(what_if, ids, name="after"),
    )
    stmt = (
        select(
            System.name,
            Vendor.name.label("vendor_name"),
            before.c.verdict.label("verdict_before"),
            after.c.verdict.label("verdict_after"),
            before.c.outcome.label("outcome_before"),
            after.c.outcome.label("outcome_after"),
        )
        .select_from(before)
        .join(after, after.c.system_id == before.c.system_id)
        .join(System, System.id == before.c.system_id)
        .join(Vendor, Vendor.id == System.vendor_id)
        .where((before.c.verdict != after.c.verdict) | (before.c.outcome != after.c.outcome))
        .order_by(after.c.severity.desc(), System.name, System.id)
    )
    verdicts, outcomes = w.labels(TransferClass), w.labels(Outcome)

    def rows() -> Iterator[Sequence[Any]]:
        for r in _stream(x.session, stmt):
            yield (
                r.name,
                r.vendor_name,
                verdicts[r.verdict_before],
                verdicts[r.verdict_after],
                outcomes[r.outcome_before],
                outcomes[r.outcome_after],
            )

    title = f"{x.t(TITLE_SCENARIO)} {scenario.name}"
    return Table(title, x.columns(columns), _counted(rows(), x.counts, "scenario"), empty=empty)


def _filters(x: _Export) -> list[tuple[str, Any]]:
    """The register page's filters and sort, in words."""
    w, flt, session = x.words, x.flt, x.session
    every = w.t(N_("All"))
    department = vendor = None
    if flt.department_id is not None:
        department = session.scalar(select(Department.name).where(Department.id == flt.department_id))
    if flt.vendor_id is not None:
        vendor = session.scalar(select(Vendor.name).where(Vendor.id == flt.vendor_id))
    sort_labels = {
        "name": N_("System"),
        "vendor": N_("Vendor"),
        "status": N_("Status"),
        "review": N_("Next review"),
        "journal": N_("Journal number"),
        "verdict": N_("Verdict"),
        "outcome": N_("Outcome"),
    }
    sort = w.t(sort_labels.get(x.sort.lstrip("-"), N_("System")))
    if x.sort.startswith("-"):
        sort = w.t(N_("%(column)s, descending"), column=sort)

    def enum_or_all(value: StrEnum | None) -> str:
        return label_in(w.lang, value) if value is not None else every

    return [
        (w.t(N_("Search")), flt.q or every),
        (w.t(N_("Status")), enum_or_all(flt.status)),
        (w.t(N_("Department")), department or every),
        (w.t(N_("Vendor")), vendor or every),
        (w.t(N_("Country")), w.country(flt.country) or every),
        (w.t(N_("Verdict")), enum_or_all(flt.verdict)),
        (w.t(N_("Outcome")), enum_or_all(flt.outcome)),
        (w.t(N_("Show archived")), w.yes if flt.archived else w.no),
        (w.t(N_("Sorted by")), sort),
    ]


def _about_table(x: _Export, day: dt.date, titles: dict[str, str]) -> Table:
    """Label/value rows: the date, the list, the scenario, the filters and the rows of each sheet."""
    w, choice = x.words, x.choice

    def rows() -> Iterator[Sequence[Any]]:
        yield (w.t(N_("Exported on")), format_day(w.lang, day))
        listed = choice.source.label(w.lang) if choice.source is not None else w.t(NO_LIST)
        yield (w.t(N_("Country list")), listed)
        yield (w.t(N_("As of")), format_day(w.lang, choice.as_of))
        yield (
            w.t(TITLE_SCENARIO),
            choice.scenario.name if choice.scenario else w.t(N_("None (the official list)")),
        )
        for message in choice.messages:
            yield (w.t(N_("Note")), message)
        yield from _filters(x)
        # The sheets before this one have been read by now, so their counts are known.
        for key, title in titles.items():
            yield (w.t(N_("Rows in %(sheet)s"), sheet=title), x.counts.get(key, 0))

    columns = [Column(w.t(N_("What")), 34, "label"), Column(w.t(N_("Value")), 80, "wrap")]
    return Table(w.t(TITLE_ABOUT), columns, rows(), facts=True)


# --- the workbook -------------------------------------------------------------------------------------------


def register_tables(
    session: Session,
    lang: str,
    *,
    choice: SourceChoice,
    flt: SystemFilter | None = None,
    sort: str = "name",
    today: dt.date | None = None,
) -> Iterator[Table]:
    """The sheets of the register workbook, in order, each streaming its rows from the database.

    Read each table's rows before asking for the next table: the last sheet reports how many rows each had.
    """
    day = today or dt.date.today()
    x = _Export(
        session=session,
        words=_Words(session, lang),
        choice=choice,
        flt=flt or SystemFilter(),
        sort=sort,
        source=choice.source if choice.is_computed else None,
        counts={},
    )
    any_system = session.scalar(select(literal(1)).select_from(x.ids()).limit(1)) is not None
    nothing = x.t(NO_SYSTEMS)
    tables: list[tuple[str, Callable[[], Table]]] = [
        ("systems", lambda: _systems_table(x, nothing)),
        ("vendors", lambda: _vendors_table(x, nothing)),
        (
            "sub_processors",
            lambda: _sub_processors_table(x, x.t(NO_SUB_PROCESSORS) if any_system else nothing),
        ),
        ("transfers", lambda: _transfers_table(x, nothing)),
    ]
    scenario = choice.scenario
    if scenario is not None and choice.source is not None:
        try:
            sources.official_source(session, choice.as_of, lang)
        except DomainError:  # pragma: no cover - choose_source found a list in force on that date
            scenario = None
    if scenario is not None and choice.source is not None:
        tables.append(
            ("scenario", lambda: _scenario_table(x, scenario, x.t(NO_CHANGES) if any_system else nothing))
        )
    titles: dict[str, str] = {}
    for key, make in tables:
        table = make()
        titles[key] = table.title
        yield table
    yield _about_table(x, day, titles)


def build_register_workbook(
    session: Session,
    target: str | IO[bytes],
    lang: str = "da",
    *,
    choice: SourceChoice,
    flt: SystemFilter | None = None,
    sort: str = "name",
    today: dt.date | None = None,
) -> dict[str, int]:
    """Write the register workbook to ``target``; returns the number of data rows per sheet title."""
    day = today or dt.date.today()
    book = Book(target, lang, streaming=True)
    listed = choice.source.label(lang) if choice.source is not None else translate(lang, NO_LIST)
    left = f"{translate(lang, REGISTER)} – {listed}"
    right = format_day(lang, day)
    counts: dict[str, int] = {}
    try:
        for table in register_tables(session, lang, choice=choice, flt=flt, sort=sort, today=day):
            sheet = book.sheet(table.title, table.columns)
            counts[sheet.name] = _write(book, sheet, table)
            sheet.print_setup(left, right)
    finally:
        book.close()
    return counts


def _write(book: Book, sheet: Any, table: Table) -> int:
    """Write one table at the sheet's cursor; the number of data rows."""
    if table.facts:
        sheet.title(table.title)
        sheet.skip()
        n = 0
        for n, (label, value) in enumerate(table.rows, 1):  # noqa: B007 - n is the count afterwards
            sheet.append([label, value], ["label", "wrap"])
        return n
    for note in table.notes:
        sheet.note(note)
    sheet.header()
    first = sheet.row
    append = sheet.append
    for row in table.rows:
        append(row)
    n = sheet.row - first
    if n == 0 and table.empty:
        sheet.autofilter()
        sheet.note(table.empty)
        return 0
    sheet.autofilter()
    for col in table.level_columns:
        for level in RiskLevel:
            sheet.ws.conditional_format(
                first,
                col,
                sheet.row - 1,
                col,
                {
                    "type": "cell",
                    "criteria": "==",
                    "value": '"' + label_in(book.lang, level).replace('"', '""') + '"',
                    "format": book.level_format(level),
                },
            )
    return n


def register_file_name(lang: str, day: dt.date, scenario: str | None = None) -> str:
    """The download name, e.g. "Register - 2026-11-25.xlsx" (with the scenario's name when there is one)."""
    parts = [translate(lang, REGISTER), day.isoformat()]
    if scenario:
        parts.append(scenario)
    return file_name(" - ".join(parts))
