"""The Systems sheet: the systems the register page lists, with per-system aggregates joined in SQL."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import and_, func, select

from riskreg.bodies.models import ApprovalBody
from riskreg.catalogue import label_in
from riskreg.dpia.models import Decision, Dpia, Risk
from riskreg.dpia.residual import SystemResidual
from riskreg.enums import (
    DecisionOutcome,
    DpiaState,
    ExposureLevel,
    Outcome,
    RiskLevel,
    SystemStatus,
    TransferClass,
    VendorRole,
)
from riskreg.exports.register.residual_column import residual_source, streamed_residuals
from riskreg.exports.register.sheet import (
    NO_LIST,
    SEP,
    Export,
    Table,
    counted,
    sorted_names,
    stream,
)
from riskreg.systems.models import Department, System, system_department
from riskreg.systems.register_list import system_list_rows
from riskreg.transfers import classified, sources
from riskreg.vendors import roles
from riskreg.vendors.models import Vendor
from riskreg.vocabulary import N_

TITLE_SYSTEMS = N_("Systems")
#: The columns of the Systems sheet with the DPIA's highest residual level and the system residual risk
#: (both coloured by conditional formatting).
RESIDUAL_COLUMN = 15
SYSTEM_RESIDUAL_COLUMN = 16
#: Between the reasons of one system's why.
WHY_SEP = "; "
NOT_TODAY = N_(
    "The system residual risk weighs the transfer facts under today's official list, as a body decides on "
    "it; the verdict columns follow the list chosen for this export."
)


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


def systems_table(x: Export, empty: str) -> Table:
    w = x.words
    columns = [
        (N_("System"), 36, "plain"),
        (N_("Journal number"), 16, "plain"),
        (N_("Status"), 18, "plain"),
        (N_("Vendor"), 28, "plain"),
        (N_("Vendor role"), 18, "plain"),
        (N_("Role findings"), 50, "plain"),
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
        (N_("System residual risk"), 14, "plain"),
        (N_("Why"), 60, "plain"),
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
            roles.role_column().label("role"),
            Vendor.own_purpose_use,
            Vendor.own_purpose_note,
            roles.has_dpa_column().label("has_dpa"),
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
    labelled = {level: label_in(w.lang, level) for level in RiskLevel}
    archived = x.flt.archived
    vendor_roles = w.labels(VendorRole)
    role_titles = {kind: w.t(title) for kind, title in roles.KIND_TITLES.items()}

    def role_cell(r: Any, role: VendorRole) -> str | None:
        """The role findings of the row: each kind's title and its reason."""
        kinds = roles.judge(role, bool(r.own_purpose_use), bool(r.has_dpa))
        if not kinds:
            return None
        facts = roles.RoleFacts(
            r.system_id,
            r.name,
            r.vendor_id,
            r.vendor_name,
            role,
            bool(r.own_purpose_use),
            r.own_purpose_note or "",
            bool(r.has_dpa),
        )
        return " ".join(f"{role_titles[k]}. {roles.reason(w.lang, k, facts)}" for k in kinds)

    def decision_text(body: str | None, outcome: str | None) -> str | None:
        if body is None:
            return None
        return w.t(N_("%(body)s: %(outcome)s"), body=body, outcome=decided.get(outcome or "", outcome))

    source = residual_source(x.session, sources.today()) if x.choice.source is not None else None

    def cells(residual: SystemResidual) -> tuple[str | None, str | None]:
        """The level and the deciding why, in the reader's language."""
        if residual.level is None:
            return None, None
        why = WHY_SEP.join(reason.text(w.lang) for reason in residual.deciding)
        return labelled[residual.level], why or None

    def rows() -> Iterator[Sequence[Any]]:
        for r, residual in streamed_residuals(
            x.session, source, stream(x.session, stmt), x.ids(), x.ids(ordered=True), w.countries, cells
        ):
            verdict = r.verdict
            role = VendorRole(r.role)
            row = (
                r.name,
                r.journal_number,
                status[r.status],
                r.vendor_name,
                vendor_roles[role],
                role_cell(r, role),
                r.purpose,
                sorted_names(r.departments),
                country_list(r.countries),
                verdicts[verdict] if verdict is not None else None,
                outcomes[r.outcome] if verdict is not None else None,
                exposures[r.exposure] if r.exposure is not None else None,
                (yes if r.tia_missing else no) if verdict is not None else None,
                r.transfer_count,
                states[r.dpia_state] if r.dpia_state is not None else None,
                (levels.get(r.residual_points, lowest) if r.residual_points is not None else None),
                *residual,
                decision_text(r.decision_body, r.decision_outcome),
                r.decision_on,
                r.next_review_on,
            )
            yield (*row, yes if r.is_archived else no) if archived else row

    notes = [x.t(NO_LIST)] if x.choice.source is None else [x.t(NOT_TODAY)] if x.choice.is_computed else []
    return Table(
        x.t(TITLE_SYSTEMS),
        x.columns(columns),
        counted(rows(), x.counts, "systems"),
        notes=notes,
        empty=empty,
        level_columns=(RESIDUAL_COLUMN, SYSTEM_RESIDUAL_COLUMN),
    )
