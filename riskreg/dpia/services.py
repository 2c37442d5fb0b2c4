"""DPIAs: versions, sections, risks, suggestions and the measures library (domain §5–§6).

Submission and the bodies' decisions are in ``riskreg.dpia.approval``.

Views call these; the rules themselves live in the plain modules beside (``scoring``, ``screening``,
``suggestions``, ``workflow``). Every function changes all or nothing and raises ``DomainError`` with a
message for the user.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from riskreg.catalogue import translate
from riskreg.dpia import prefill, screening, suggestions
from riskreg.dpia.models import Dpia, Measure, Risk, SuggestionDismissal
from riskreg.enums import (
    DpiaState,
    ListedProcessing,
    MeasureKind,
    Wp248Criterion,
)
from riskreg.errors import DomainError
from riskreg.services import assign, check_version, commit
from riskreg.systems.models import System
from riskreg.transfers import findings, sources
from riskreg.vendors import roles

SECTION_FIELDS = ("description", "necessity", "subject_views", "dpo_opinion", "proposal")
SECTION_MAX = 20000
RISK_TEXT_MAX = {"title": 300, "owner": 200, "description": 4000, "rights": 2000, "residual_reason": 4000}
MEASURE_NAME_MAX = 200
SCALED = ("inherent_likelihood", "inherent_consequence", "residual_likelihood", "residual_consequence")
RISK_COPY = (
    "position",
    "title",
    "description",
    "rights",
    *SCALED,
    "residual_reason",
    "owner",
    "suggestion_key",
)


# --- reading ------------------------------------------------------------------------------------------------


def versions(session: Session, system_id: int) -> list[Dpia]:
    """Every version of a system's DPIA, newest first."""
    return list(
        session.scalars(
            select(Dpia)
            .where(Dpia.system_id == system_id)
            .options(selectinload(Dpia.risks).selectinload(Risk.measures), selectinload(Dpia.decisions))
            .order_by(Dpia.number.desc())
        )
    )


def current_dpia(session: Session, system_id: int) -> Dpia | None:
    """The newest version of a system's DPIA, or None when none is started."""
    found = versions(session, system_id)
    return found[0] if found else None


def measure_name(measure: Measure, lang: str) -> str:
    """A shipped measure's name in the reader's language; a measure users added as they wrote it."""
    return translate(lang, measure.name) if measure.is_standard else measure.name


def measure_description(measure: Measure, lang: str) -> str:
    if measure.is_standard and measure.description:
        return translate(lang, measure.description)
    return measure.description


def measures(session: Session, *, include_archived: bool = False) -> list[Measure]:
    stmt = select(Measure).order_by(Measure.kind, Measure.name)
    if not include_archived:
        stmt = stmt.where(Measure.is_archived.is_(False))
    return list(session.scalars(stmt))


def screening_of(dpia: Dpia) -> screening.Screening:
    return screening.screen(
        (Wp248Criterion(c) for c in dpia.criteria), (ListedProcessing(v) for v in dpia.listed)
    )


# --- starting and versioning --------------------------------------------------------------------------------


def start_dpia(session: Session, system: System, lang: str) -> Dpia:
    """Version 1, prefilled from the register: description, screening criteria the facts show."""
    if current_dpia(session, system.id) is not None:
        raise DomainError(_("This system already has a DPIA."))
    if system.is_archived:
        raise DomainError(_("An archived system gets no new DPIA. Restore it first."))
    assessment = _assessment(session, system, lang)
    dpia = Dpia(
        system=system,
        number=1,
        state=DpiaState.DRAFT,
        criteria=[
            c.value
            for c in screening.criteria_from_facts(
                system.data_subjects,
                system.data_categories,
                system.subject_volume,
                system.has_ai,
                system.ai_output_in_decisions,
            )
        ],
        listed=[],
        description=prefill.describe(
            system, system.vendor.name, [d.name for d in system.departments], assessment, lang
        ),
    )
    session.add(dpia)
    commit(session)
    return dpia


def _copy(dpia: Dpia) -> Dpia:
    draft = Dpia(
        system_id=dpia.system_id,
        number=dpia.number + 1,
        state=DpiaState.DRAFT,
        criteria=list(dpia.criteria),
        listed=list(dpia.listed),
        **{f: getattr(dpia, f) for f in SECTION_FIELDS},
    )
    for risk in dpia.risks:
        copy = Risk(**{f: getattr(risk, f) for f in RISK_COPY})
        copy.measures = list(risk.measures)
        draft.risks.append(copy)
    return draft


def editable(session: Session, dpia: Dpia) -> Dpia:
    """The draft to change: ``dpia`` itself, or a new version copied from it when it has been submitted.

    Only the newest version can be changed; a new version is added to the session, not committed.
    """
    newest = session.scalar(select(func.max(Dpia.number)).where(Dpia.system_id == dpia.system_id))
    if dpia.number != newest:
        raise DomainError(_("Only the newest version of a DPIA can be changed."))
    if not dpia.is_frozen:
        return dpia
    draft = _copy(dpia)
    session.add(draft)
    return draft


def _counterpart(draft: Dpia, risk: Risk) -> Risk:
    """The risk in ``draft`` that stands for ``risk`` (itself, or its copy in a new version)."""
    if risk.dpia is draft:
        return risk
    return draft.risks[risk.dpia.risks.index(risk)]


# --- sections and screening ---------------------------------------------------------------------------------


def text_value(values: dict[str, Any], key: str, limit: int, *, required: bool = False) -> str:
    value = (values.get(key) or "").strip()
    if required and not value:
        raise DomainError(_("This field is required."), field=key)
    if len(value) > limit:
        raise DomainError(_("At most %(n)s characters.", n=limit), field=key)
    return value


def save_sections(
    session: Session, dpia: Dpia, values: dict[str, Any], version: int | str | None = None
) -> Dpia:
    """Save screening and the text sections; returns the draft saved (a new version if it was frozen)."""
    check_version(session, dpia, version)
    clean: dict[str, Any] = {f: text_value(values, f, SECTION_MAX) for f in SECTION_FIELDS if f in values}
    try:
        if "criteria" in values:
            clean["criteria"] = [
                c.value for c in Wp248Criterion if c in {Wp248Criterion(v) for v in values["criteria"]}
            ]
        if "listed" in values:
            clean["listed"] = [
                k.value for k in ListedProcessing if k in {ListedProcessing(v) for v in values["listed"]}
            ]
    except ValueError as exc:
        raise DomainError(_("Unknown screening criterion.")) from exc
    draft = editable(session, dpia)
    assign(draft, clean)
    commit(session)
    return draft


# --- risks --------------------------------------------------------------------------------------------------


def _scale(values: dict[str, Any], key: str, *, required: bool) -> int | None:
    raw = values.get(key)
    if raw in (None, ""):
        if required:
            raise DomainError(_("Choose 1, 2, 3 or 4."), field=key)
        return None
    try:
        number = int(raw)
    except (TypeError, ValueError):
        number = 0
    if number not in range(1, 5):
        raise DomainError(_("Choose 1, 2, 3 or 4."), field=key)
    return number


def _clean_risk(session: Session, values: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {
        key: text_value(values, key, limit, required=key == "title") for key, limit in RISK_TEXT_MAX.items()
    }
    for key in ("inherent_likelihood", "inherent_consequence"):
        clean[key] = _scale(values, key, required=True)
    for key in ("residual_likelihood", "residual_consequence"):
        clean[key] = _scale(values, key, required=False)
    if (clean["residual_likelihood"] is None) != (clean["residual_consequence"] is None):
        missing = "residual_likelihood" if clean["residual_likelihood"] is None else "residual_consequence"
        raise DomainError(_("Give both the residual likelihood and consequence, or neither."), field=missing)
    residual = (clean["residual_likelihood"] or clean["inherent_likelihood"]) * (
        clean["residual_consequence"] or clean["inherent_consequence"]
    )
    if (
        residual != clean["inherent_likelihood"] * clean["inherent_consequence"]
        and not clean["residual_reason"]
    ):
        raise DomainError(
            _("Say why the residual risk differs from the inherent risk."), field="residual_reason"
        )
    try:
        ids = {int(i) for i in values.get("measure_ids") or ()}
    except (TypeError, ValueError) as exc:
        raise DomainError(_("Unknown measure."), field="measure_ids") from exc
    found = list(session.scalars(select(Measure).where(Measure.id.in_(ids)))) if ids else []
    if len(found) != len(ids):
        raise DomainError(_("Unknown measure."), field="measure_ids")
    clean["measures"] = found
    return clean


def add_risk(
    session: Session, dpia: Dpia, values: dict[str, Any], *, suggestion_key: str | None = None
) -> Risk:
    clean = _clean_risk(session, values)
    if any(m.is_archived for m in clean["measures"]):
        raise DomainError(_("An archived measure cannot be linked to a risk."), field="measure_ids")
    draft = editable(session, dpia)
    risk = Risk(
        position=max((r.position for r in draft.risks), default=0) + 1, suggestion_key=suggestion_key, **clean
    )
    draft.risks.append(risk)
    commit(session)
    return risk


def update_risk(
    session: Session, risk: Risk, values: dict[str, Any], version: int | str | None = None
) -> Risk:
    check_version(session, risk, version)
    clean = _clean_risk(session, values)
    newly_linked = {m.id for m in clean["measures"]} - {m.id for m in risk.measures}
    if any(m.is_archived and m.id in newly_linked for m in clean["measures"]):
        raise DomainError(_("An archived measure cannot be linked to a risk."), field="measure_ids")
    draft = editable(session, risk.dpia)
    target = _counterpart(draft, risk)
    assign(target, clean)
    commit(session)
    return target


def remove_risk(session: Session, risk: Risk) -> Dpia:
    """Take a risk out of the DPIA (out of a new version if it was submitted); old versions keep it."""
    draft = editable(session, risk.dpia)
    draft.risks.remove(_counterpart(draft, risk))
    commit(session)
    return draft


# --- suggestions --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SuggestionView:
    suggestion: suggestions.Suggestion
    title: str  # in the reader's language


def _assessment(session: Session, system: System, lang: str) -> findings.Assessment:
    """The system's transfers and exposure today, on the official list."""
    (assessment,) = findings.assess(
        session, sources.official_source(session, sources.today(), lang), [system.id]
    )
    return assessment


def _suggestions(session: Session, system: System, lang: str) -> list[suggestions.Suggestion]:
    assessment = _assessment(session, system, lang)
    found = roles.role_findings(session, [system.id]).get(system.id, [])
    return suggestions.suggest(system, assessment, lang, found)


def dismissed(session: Session, system_id: int) -> list[SuggestionDismissal]:
    return list(
        session.scalars(
            select(SuggestionDismissal)
            .where(SuggestionDismissal.system_id == system_id)
            .order_by(SuggestionDismissal.dismissed_at)
        )
    )


def pending_suggestions(session: Session, dpia: Dpia, lang: str) -> list[SuggestionView]:
    """What the facts suggest and the DPO has neither accepted into this DPIA nor dismissed."""
    taken = {r.suggestion_key for r in dpia.risks} | {d.key for d in dismissed(session, dpia.system_id)}
    return [
        SuggestionView(s, s.text(lang))
        for s in _suggestions(session, dpia.system, lang)
        if s.key not in taken
    ]


def _find_suggestion(session: Session, dpia: Dpia, key: str, lang: str) -> suggestions.Suggestion:
    for view in pending_suggestions(session, dpia, lang):
        if view.suggestion.key == key:
            return view.suggestion
    raise DomainError(_("This suggestion no longer applies, or it has been handled already."))


def accept_suggestion(
    session: Session, dpia: Dpia, key: str, lang: str, values: dict[str, Any] | None = None
) -> Risk:
    """Add the suggested risk, with the DPO's edits over the suggested defaults."""
    found = _find_suggestion(session, dpia, key, lang)
    merged = {
        "title": found.text(lang),
        "inherent_likelihood": found.likelihood,
        "inherent_consequence": found.consequence,
        **(values or {}),
    }
    return add_risk(session, dpia, merged, suggestion_key=found.key)


def dismiss_suggestion(session: Session, dpia: Dpia, key: str, lang: str, reason: str = "") -> None:
    found = _find_suggestion(session, dpia, key, lang)
    session.add(
        SuggestionDismissal(
            system_id=dpia.system_id,
            key=found.key,
            title=found.text(lang)[:300],
            reason=text_value({"reason": reason}, "reason", 2000),
        )
    )
    commit(session, unique_message=_("This suggestion has been dismissed already."))


def restore_suggestion(session: Session, system_id: int, dismissal_id: int) -> None:
    found = session.get(SuggestionDismissal, dismissal_id)
    if found is None or found.system_id != system_id:
        raise DomainError(_("This suggestion is not dismissed."))
    session.delete(found)
    commit(session)


# --- measures library ---------------------------------------------------------------------------------------


def _clean_measure(session: Session, values: dict[str, Any], measure: Measure | None) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    if "name" in values:
        clean["name"] = " ".join((values.get("name") or "").split())
        if not clean["name"]:
            raise DomainError(_("The name is required."), field="name")
        if len(clean["name"]) > MEASURE_NAME_MAX:
            raise DomainError(_("At most %(n)s characters.", n=MEASURE_NAME_MAX), field="name")
        other = session.scalar(select(Measure).where(func.lower(Measure.name) == clean["name"].lower()))
        if other is not None and other is not measure:
            raise DomainError(_("A measure with this name already exists."), field="name")
    if "description" in values:
        clean["description"] = text_value(values, "description", 4000)
    if "kind" in values:
        try:
            clean["kind"] = MeasureKind(values["kind"])
        except ValueError as exc:
            raise DomainError(_("Choose the kind of measure."), field="kind") from exc
    if "relies_on_users" in values:
        clean["relies_on_users"] = bool(values["relies_on_users"])
    return clean


def create_measure(session: Session, values: dict[str, Any]) -> Measure:
    clean = _clean_measure(session, {"description": "", "relies_on_users": False, **values}, None)
    if "kind" not in clean:
        raise DomainError(_("Choose the kind of measure."), field="kind")
    measure = Measure(**clean)
    session.add(measure)
    commit(session, unique_message=_("A measure with this name already exists."))
    return measure


def update_measure(
    session: Session, measure: Measure, values: dict[str, Any], version: int | str | None = None
) -> Measure:
    """Change a measure; a shipped measure keeps its name and description (they are translated)."""
    check_version(session, measure, version)
    if measure.is_standard:
        values = {k: v for k, v in values.items() if k not in ("name", "description")}
    assign(measure, _clean_measure(session, values, measure))
    commit(session, unique_message=_("A measure with this name already exists."))
    return measure


def set_measure_archived(session: Session, measure: Measure, archived: bool) -> None:
    """Archive a measure: risks keep it, new links cannot be made (nothing a DPIA refers to is deleted)."""
    measure.is_archived = archived
    commit(session)
