"""One system's DPIA workbook (domain §7): cover, processing, data flow, risks, matrix, measures, decisions.

No Flask here: the pages and ``riskreg export dpia`` call ``build_dpia_workbook``. Every figure comes from
the services the pages use (the DPIA versions, the screening, the transfer engine under today's official
list), so the workbook says what the app says; the risk figures are live formulas (``dpia_risks``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any

from sqlalchemy.orm import Session

from riskreg.catalogue import format_day, label_in, translate
from riskreg.dpia import services, system_risk
from riskreg.dpia.models import Decision, Dpia, Measure, Risk
from riskreg.dpia.residual import SystemResidual
from riskreg.enums import EntityRole, ListedProcessing, MeasureKind, VendorRole, Wp248Criterion
from riskreg.errors import DomainError, NotFound
from riskreg.exports.cells import file_name
from riskreg.exports.dpia_risks import (
    RES_SCORE,
    TITLE,
    RiskSheet,
    level_formula,
    literal,
    prior_consultation_from,
    risk_columns,
    write_matrix,
    write_risks,
)
from riskreg.exports.xlsx import Book, Column, Sheet
from riskreg.systems.models import System
from riskreg.transfers import findings, sources
from riskreg.vendors import roles
from riskreg.vocabulary import N_

DASH = "–"

SECTIONS = (
    ("description", N_("Systematic description (art. 35(7)(a))")),
    ("necessity", N_("Necessity and proportionality (art. 35(7)(b))")),
    ("subject_views", N_("Views of the data subjects or their representatives (art. 35(9))")),
    ("dpo_opinion", N_("The DPO's opinion")),
    ("proposal", N_("Proposed decision")),
)


@dataclass
class _Case:
    """What the workbook shows, read once."""

    system: System
    versions: list[Dpia]  # newest first
    dpia: Dpia | None
    assessment: findings.Assessment | None
    list_label: str  # the list classified against, or why there is none
    today: dt.date
    residual: SystemResidual  # the system's residual risk, weighing the version exported
    role: VendorRole  # the vendor's role for the system
    role_findings: list[roles.RoleFinding]


def _read(session: Session, system: System, lang: str, version: int | None, today: dt.date) -> _Case:
    versions = services.versions(session, system.id)
    dpia = versions[0] if versions else None
    if version is not None:
        dpia = next((v for v in versions if v.number == version), None)
        if dpia is None:
            raise NotFound(
                translate(lang, N_("%(name)s has no DPIA version %(n)s."), name=system.name, n=version)
            )
    try:
        source = sources.official_source(session, today, lang)
    except DomainError:
        assessment = None
        list_label = translate(
            lang, N_("There is no official country list in force, so nothing can be classified.")
        )
    else:
        found = findings.assess(session, source, [system.id])
        assessment = found[0] if found else findings.Assessment(system.id, system.name)
        list_label = translate(lang, N_("Classified against: %(list)s."), list=source.label(lang))
    weighed = {system.id: dpia} if dpia is not None else None
    residual = system_risk.residuals(session, [system.id], versions=weighed, on=today)[system.id]
    found_roles = roles.role_findings(session, [system.id]).get(system.id, [])
    role = roles.role_in_effect(system)
    return _Case(system, versions, dpia, assessment, list_label, today, residual, role, found_roles)


def build_dpia_workbook(
    session: Session,
    system: System,
    target: str | IO[bytes],
    lang: str = "da",
    *,
    version: int | None = None,
    today: dt.date | None = None,
) -> None:
    """Write the DPIA workbook of ``system`` (its newest DPIA version, or ``version``) to ``target``.

    Raises ``NotFound`` when ``version`` is not one of the system's DPIA versions.
    """
    today = today or sources.today()
    case = _read(session, system, lang, version, today)
    book = Book(target, lang)
    t = book.t
    # The sheets are made first, in reading order; the cover is filled last, from the Risici sheet's name.
    cover = book.sheet(t(N_("Summary")), [Column("", 40, "label"), Column("", 90, "wrap")])
    processing = book.sheet(t(N_("Processing")), [Column("", 40, "label"), Column("", 90, "wrap")])
    flow = book.sheet(t(N_("Data flow and transfers")), _flow_columns(book))
    risks_sheet = book.sheet(t(N_("Risks")), risk_columns(book))
    matrix = book.sheet(t(N_("Risk matrix")))
    measures = book.sheet(t(N_("Measures")), _measure_columns(book))
    decisions = book.sheet(t(N_("Decisions")), _decision_columns(book))

    risks = case.dpia.risks if case.dpia is not None else []
    where = write_risks(risks_sheet, risks)
    write_matrix(matrix, risks, where)
    _write_cover(cover, case, where)
    _write_processing(processing, case)
    _write_flow(flow, case)
    _write_measures(measures, risks)
    _write_decisions(decisions, case.versions)
    right = format_day(lang, today)
    for sheet in (cover, processing, flow, risks_sheet, matrix, measures, decisions):
        sheet.print_setup(system.name, right)
    book.close()


def dpia_file_name(system_name: str, lang: str, day: dt.date) -> str:
    """The download name, e.g. "Konsekvensanalyse - Momentum - 2026-11-25.xlsx"."""
    return file_name(f"{translate(lang, N_('DPIA'))} - {system_name} - {day.isoformat()}")


# --- Forside ------------------------------------------------------------------------------------------------


def _last_decision(versions: Sequence[Dpia]) -> Decision | None:
    decisions = [d for v in versions for d in v.decisions]
    return max(decisions, key=lambda d: (d.meeting_on, d.id), default=None)


def _write_cover(sheet: Sheet, case: _Case, risks: RiskSheet) -> None:
    book, system, dpia = sheet.book, case.system, case.dpia
    t = book.t
    sheet.title(t(N_("DPIA: %(system)s"), system=system.name))
    sheet.ws.set_row(0, 24)
    sheet.skip()
    sheet.facts(
        [
            (t(N_("System")), system.name),
            (t(N_("Vendor")), system.vendor.name),
            (t(N_("Status")), system.status),
            (t(N_("Journal number")), system.journal_number or DASH),
            (t(N_("System owner")), system.system_owner or DASH),
            (t(N_("Departments")), ", ".join(d.name for d in system.departments) or DASH),
        ]
    )
    sheet.skip()
    sheet.title(t(N_("DPIA")), "subtitle")
    if dpia is None:
        sheet.note(t(N_("No DPIA has been started for this system yet.")), span=2)
    else:
        submitted = dpia.submitted_at.date() if dpia.submitted_at else DASH
        sheet.facts(
            [
                (t(N_("Version")), t(N_("Version %(n)s"), n=dpia.number)),
                (t(N_("State")), dpia.state),
                (t(N_("Submitted")), submitted),
            ]
        )
        _risk_formulas(sheet, dpia, risks)
    sheet.skip()
    _write_system_residual(sheet, case)
    sheet.skip()
    sheet.title(t(N_("Transfers")), "subtitle")
    a = case.assessment
    if a is None or not a.transfers:
        sheet.note(case.list_label if a is None else t(N_("No transfers found for this system.")), span=2)
    else:
        sheet.facts(
            [
                (t(N_("Verdict")), a.verdict),
                (t(N_("Outcome")), a.outcome),
                (t(N_("Jurisdiction exposure")), a.worst_exposure or DASH),
                (t(N_("TIA")), t(N_("A transfer impact assessment is missing.")) if a.tia_missing else DASH),
            ]
        )
        sheet.note(case.list_label, span=2)
    sheet.skip()
    sheet.title(t(N_("Last decision")), "subtitle")
    last = _last_decision(case.versions)
    if last is None:
        sheet.note(t(N_("No decision has been recorded yet.")), span=2)
    else:
        sheet.facts(
            [
                (t(N_("Body")), last.body.name),
                (t(N_("Meeting date")), last.meeting_on),
                (t(N_("Outcome")), last.outcome),
            ]
        )
    sheet.skip()
    sheet.facts([(t(N_("Exported on")), case.today)])


def _write_system_residual(sheet: Sheet, case: _Case) -> None:
    """The level a body decides on, each deciding reason on a line of its own, and what blocks approval."""
    t, lang, r = sheet.book.t, sheet.book.lang, case.residual
    sheet.title(t(N_("System residual risk")), "subtitle")
    if r.level is None:
        sheet.note(t(N_("Nothing to weigh yet: no DPIA risks and no transfer findings.")), span=2)
        return
    pairs: list[tuple[str, Any]] = [(t(N_("Level")), r.level)]
    pairs += [(t(N_("Why")) if i == 0 else "", why) for i, why in enumerate(r.why(lang))]
    pairs += [
        (t(N_("Blocks approval")) if i == 0 else "", f"{b.text(lang)}. {b.unblock(lang)}")
        for i, b in enumerate(r.blockers)
    ]
    sheet.facts(pairs)
    version = case.dpia.number if case.dpia is not None else None
    sheet.note(
        t(
            N_(
                "The highest of the DPIA's residual risks (version %(n)s) and of what the transfer facts "
                "imply; a reduction that rests only on users remembering a rule, or on no measure, counts as "
                "inherent."
            ),
            n=version,
        )
        if version is not None
        else t(N_("What the transfer facts imply; there is no DPIA yet.")),
        span=2,
    )


def _risk_formulas(sheet: Sheet, dpia: Dpia, risks: RiskSheet) -> None:
    """The highest residual score, its level and the art. 36 flag, as formulas over the Risici sheet."""
    book = sheet.book
    t = book.t
    top = max((r.residual_score for r in dpia.risks), default=0)
    score_ref = f"B{sheet.row + 2}"  # the second of the rows below
    threshold = prior_consultation_from()
    rows: list[tuple[str, str, Any]] = [
        (N_("Number of risks"), f"=COUNTA({risks.range(TITLE)})", len(dpia.risks)),
        (N_("Highest residual risk score"), f"=MAX({risks.range(RES_SCORE)})", top),
        (N_("Residual risk"), "=" + level_formula(book, score_ref), label_in(book.lang, dpia.residual_level)),
        (
            N_("Prior consultation of Datatilsynet (art. 36)"),
            f"=IF({score_ref}>={threshold},{literal(book.yes_no(True))},{literal(book.yes_no(False))})",
            book.yes_no(dpia.needs_prior_consultation),
        ),
    ]
    for label, formula, value in rows:
        row = sheet.row
        sheet.put(row, 0, t(label), "label")
        sheet.formula(row, 1, formula, "text", value)
        sheet.skip()
    sheet.note(
        t(
            N_(
                "These figures are formulas over the sheet %(sheet)s: they follow changes to the risks there."
            ),
            sheet=risks.name,
        ),
        span=2,
    )


# --- Behandling ---------------------------------------------------------------------------------------------


def _labels(values: Any, sep: str, lang: str) -> str:
    return sep.join(label_in(lang, v) for v in values) or DASH


def _write_processing(sheet: Sheet, case: _Case) -> None:
    book, system, dpia = sheet.book, case.system, case.dpia
    t, lang = book.t, book.lang
    sheet.title(t(N_("Processing")))
    sheet.skip()
    free_text = book.yes_no(system.has_free_text)
    if system.has_free_text and system.free_text_note:
        free_text = f"{free_text}: {system.free_text_note}"
    sheet.facts(
        [
            (t(N_("Purpose")), system.purpose or DASH),
            (t(N_("Departments")), ", ".join(d.name for d in system.departments) or DASH),
            (t(N_("Data subjects")), _labels(system.data_subjects, ", ", lang)),
            (t(N_("Data categories")), _labels(system.data_categories, ", ", lang)),
            (t(N_("Legal basis")), _labels(system.legal_bases, "; ", lang)),
            (t(N_("Legal basis: references")), system.legal_basis_note or DASH),
            (t(N_("Number of data subjects")), system.subject_volume or DASH),
            (t(N_("Retention")), system.retention or DASH),
            (t(N_("Free text")), free_text),
            (t(N_("The system has AI features")), book.yes_no(system.has_ai)),
        ]
    )
    if system.has_ai:
        sheet.facts(
            [
                (t(N_("What the AI does")), system.ai_description or DASH),
                (t(N_("EU AI Act class")), system.ai_act_class),
                (t(N_("Annex III area (high-risk)")), system.ai_annex_iii_area or DASH),
                (
                    t(N_("AI output is used in decisions about persons")),
                    book.yes_no(system.ai_output_in_decisions),
                ),
            ]
        )
    sheet.skip()
    sheet.title(t(N_("Screening")), "subtitle")
    if dpia is None:
        sheet.note(t(N_("No DPIA has been started for this system yet.")), span=2)
        return
    screening = services.screening_of(dpia)
    criteria = [c for c in Wp248Criterion if c.value in dpia.criteria]
    listed = [k for k in ListedProcessing if k.value in dpia.listed]
    sheet.facts(
        [
            (t(N_("DPIA required")), book.yes_no(screening.required)),
            (t(N_("WP248 criteria met")), _labels(criteria, "\n", lang)),
            (t(N_("On Datatilsynet's list of processing that needs a DPIA")), _labels(listed, "\n", lang)),
            (t(N_("Triggered by:")).rstrip(":"), _labels(screening.triggers, "\n", lang)),
        ]
    )
    sheet.skip()
    sheet.title(t(N_("Sections")), "subtitle")
    sheet.facts([(t(title), getattr(dpia, key) or DASH) for key, title in SECTIONS])


# --- Dataflow og overførsler --------------------------------------------------------------------------------

# The transfer and the exposure tables share the sheet's columns: who (A), role (B), country (C), the class
# or level (D), and the reason in the one wide column (E).


def _flow_columns(book: Book) -> list[Column]:
    t = book.t
    return [
        Column(t(N_("Recipient")), 30, "wrap"),
        Column(t(N_("Role")), 18, "wrap"),
        Column(t(N_("Country")), 16, "wrap"),
        Column(t(N_("Class")), 20, "wrap"),
        Column(t(N_("Reason")), 70, "wrap"),
        Column(t(N_("Use")), 16, "wrap"),
        Column(t(N_("Transfer mechanism")), 22, "wrap"),
        Column(t(N_("DPF status")), 16, "wrap"),
        Column(t(N_("TIA")), 14, "date"),
    ]


def _write_flow(sheet: Sheet, case: _Case) -> None:
    book, a = sheet.book, case.assessment
    t, lang = book.t, book.lang
    sheet.header()
    if a is None:
        sheet.note(case.list_label)
        return
    for f in a.transfers:
        role = EntityRole.SUB_PROCESSOR if f.sub_processor_id is not None else EntityRole.VENDOR
        tia: Any = f.tia_on or (t(N_("TIA missing")) if f.tia_missing else None)
        sheet.append(
            [
                f.recipient,
                role,
                f.country(lang) or t(N_("unknown")),
                f.klass,
                f.reason(lang),
                f.kind or DASH,
                f.mechanism,
                f.dpf_status,
                tia,
            ]
        )
    if not a.transfers:
        sheet.note(t(N_("No transfers found for this system.")))
    sheet.note(case.list_label)
    sheet.skip()
    sheet.title(t(N_("Jurisdiction exposure")), "subtitle")
    if not a.exposure:
        sheet.note(
            t(
                N_(
                    "No recipient or parent company is under the jurisdiction of a country "
                    "on the exposure list."
                )
            )
        )
    else:
        sheet.header(
            [t(N_("Entity")), t(N_("Role")), t(N_("Country")), t(N_("Level")), t(N_("Reason")), t(N_("Laws"))]
        )
        for e in a.exposure:
            sheet.append(
                [e.entity, e.role, e.country(lang), e.level, e.reason(lang), "; ".join(e.laws)], ["wrap"] * 6
            )
    _write_role_findings(sheet, case)


def _write_role_findings(sheet: Sheet, case: _Case) -> None:
    """The findings from the vendor's role (``riskreg.vendors.roles``), in the same columns."""
    book = sheet.book
    t, lang = book.t, book.lang
    sheet.skip()
    sheet.title(t(N_("Findings from the vendor's role")), "subtitle")
    if not case.role_findings:
        sheet.note(t(N_("The vendor's role (%(role)s) raises no finding."), role=label_in(lang, case.role)))
        return
    sheet.header([t(N_("Vendor")), t(N_("Role")), t(N_("Finding")), t(N_("Reason"))])
    for f in case.role_findings:
        sheet.append([f.vendor, f.role, f.title(lang), f.reason(lang)], ["wrap"] * 4)


# --- Foranstaltninger ---------------------------------------------------------------------------------------


def _measure_columns(book: Book) -> list[Column]:
    t = book.t
    return [
        Column(t(N_("Measure")), 36, "wrap"),
        Column(t(N_("Kind")), 16, "wrap"),
        Column(t(N_("Depends on users remembering a rule")), 16, "wrap"),
        Column(t(N_("Description")), 60, "wrap"),
        Column(t(N_("Risks")), 50, "wrap"),
    ]


def _write_measures(sheet: Sheet, risks: Sequence[Risk]) -> None:
    book = sheet.book
    sheet.header()
    serves: dict[int, list[str]] = {}
    found: dict[int, Measure] = {}
    for number, risk in enumerate(risks, start=1):
        for m in risk.measures:
            found.setdefault(m.id, m)
            serves.setdefault(m.id, []).append(f"{number}. {risk.title}")
    kinds = list(MeasureKind)
    ordered = sorted(
        found.values(), key=lambda m: (kinds.index(m.kind), services.measure_name(m, book.lang).casefold())
    )
    for m in ordered:
        sheet.append(
            [
                services.measure_name(m, book.lang),
                m.kind,
                book.yes_no(m.relies_on_users),
                services.measure_description(m, book.lang),
                "\n".join(serves[m.id]),
            ]
        )
    if not ordered:
        sheet.note(book.t(N_("No measure is linked to a risk.")))


# --- Beslutninger -------------------------------------------------------------------------------------------


def _decision_columns(book: Book) -> list[Column]:
    t = book.t
    return [
        Column(t(N_("Version")), 9, "number"),
        Column(t(N_("Body")), 28, "wrap"),
        Column(t(N_("Meeting date")), 13, "date"),
        Column(t(N_("Case number")), 18, "wrap"),
        Column(t(N_("Outcome")), 20, "wrap"),
        Column(t(N_("Residual level at the decision")), 14, "wrap"),
        Column(t(N_("Residual risk accepted")), 12, "wrap"),
        Column(t(N_("Conditions")), 40, "wrap"),
        Column(t(N_("Rationale")), 60, "wrap"),
        Column(t(N_("Alternative system offered")), 24, "wrap"),
        Column(t(N_("Next meeting")), 13, "date"),
    ]


def _write_decisions(sheet: Sheet, versions: Sequence[Dpia]) -> None:
    book = sheet.book
    sheet.header()
    count = 0
    for dpia in sorted(versions, key=lambda v: v.number):
        for d in dpia.decisions:
            count += 1
            sheet.append(
                [
                    dpia.number,
                    d.body.name,
                    d.meeting_on,
                    d.case_number,
                    d.outcome,
                    d.residual_level,
                    book.yes_no(d.residual_accepted),
                    d.conditions,
                    d.rationale,
                    d.alternative,
                    d.next_meeting_on,
                ]
            )
    if not count:
        sheet.note(book.t(N_("No decision has been recorded yet.")))
    else:
        sheet.autofilter()
