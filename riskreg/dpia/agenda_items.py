"""Agenda items: a body's meeting takes several cases as one item, under one journal number and one decision.

Direktionen took CapCut Pro, Canva via SkoleTube and the AI text assistant in Momentum as one item ("Afviste
it-systemer", 85.15.02G01-11-26) and postponed all three in one decision. Recording an item's decision records
it for each of its cases through ``approval.record_decision``, and commits once: all or nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from riskreg.auth.models import User
from riskreg.bodies.models import ApprovalBody
from riskreg.dpia import approval
from riskreg.dpia.models import AgendaItem, Decision, Dpia, Risk
from riskreg.enums import DpiaState
from riskreg.errors import DomainError
from riskreg.services import assign, check_version, commit

ITEM_TEXT_MAX = {"title": 300, "journal_number": 60, "summary": 8000, "recommendation": 8000}
#: What the item's decision gives every case; the body, meeting and journal number come from the item.
DECISION_FIELDS = (
    "outcome",
    "residual_accepted",
    "conditions",
    "rationale",
    "alternative",
    "next_meeting_on",
)


def _case_options() -> Any:
    return selectinload(AgendaItem.cases).options(
        selectinload(Dpia.risks).selectinload(Risk.measures),
        selectinload(Dpia.decisions).selectinload(Decision.body),
        selectinload(Dpia.system),
    )


def items_of(session: Session, body_id: int, on: dt.date) -> list[AgendaItem]:
    """The items of a body's meeting in agenda order, with their cases, risks and decisions loaded."""
    return list(
        session.scalars(
            select(AgendaItem)
            .where(AgendaItem.body_id == body_id, AgendaItem.meeting_on == on)
            .options(_case_options())
            .order_by(AgendaItem.position, AgendaItem.id)
        )
    )


def is_open_at(dpia: Dpia, body_id: int, on: dt.date) -> bool:
    """The case is before the body at that meeting and not decided yet."""
    return dpia.state == DpiaState.IN_REVIEW and dpia.body_id == body_id and dpia.meeting_on == on


def candidates(session: Session, body_id: int, on: dt.date, item: AgendaItem | None = None) -> list[Dpia]:
    """The cases an item may carry: those open before the body at the meeting and on no other of its items.

    The cases already on ``item`` stay candidates, decided or not.
    """
    taken = {d.id for other in items_of(session, body_id, on) if other is not item for d in other.cases}
    open_ = session.scalars(
        select(Dpia)
        .where(Dpia.state == DpiaState.IN_REVIEW, Dpia.body_id == body_id, Dpia.meeting_on == on)
        .options(selectinload(Dpia.system))
    )
    found = {d.id: d for d in (*(item.cases if item else ()), *open_) if d.id not in taken}
    return sorted(found.values(), key=lambda d: (d.system.name.lower(), d.number))


def _text(values: dict[str, Any], key: str) -> str:
    value = (values.get(key) or "").strip()
    if key == "title" and not value:
        raise DomainError(_("The title is required."), field=key)
    if len(value) > ITEM_TEXT_MAX[key]:
        raise DomainError(_("At most %(n)s characters.", n=ITEM_TEXT_MAX[key]), field=key)
    return value


def _position(session: Session, values: dict[str, Any], item: AgendaItem, body_id: int, on: dt.date) -> int:
    raw = values.get("position")
    if raw in (None, ""):
        if item.position and item.id is not None:
            return item.position
        highest = session.scalar(
            select(func.max(AgendaItem.position)).where(
                AgendaItem.body_id == body_id, AgendaItem.meeting_on == on
            )
        )
        return (highest or 0) + 1
    try:
        number = int(raw)
    except (TypeError, ValueError):
        number = 0
    if number < 1:
        raise DomainError(_("The item number is a whole number from 1."), field="position")
    other = session.scalar(
        select(AgendaItem.id).where(
            AgendaItem.body_id == body_id,
            AgendaItem.meeting_on == on,
            AgendaItem.position == number,
            AgendaItem.id != (item.id or 0),
        )
    )
    if other is not None:
        raise DomainError(_("Another item of this meeting has number %(n)s.", n=number), field="position")
    return number


def _cases(session: Session, ids: Iterable[Any], item: AgendaItem, body_id: int, on: dt.date) -> list[Dpia]:
    try:
        wanted = {int(i) for i in ids}
    except (TypeError, ValueError) as exc:
        raise DomainError(_("Unknown case."), field="dpia_ids") from exc
    allowed = {d.id: d for d in candidates(session, body_id, on, item if item.id else None)}
    if wanted - allowed.keys():
        raise DomainError(
            _("Only cases before this body at this meeting, and on no other of its items, can be put on it."),
            field="dpia_ids",
        )
    for dpia in item.cases:
        if dpia.id not in wanted and not is_open_at(dpia, body_id, on):
            raise DomainError(
                _("%(system)s was decided under this item; it stays on it.", system=dpia.system.name),
                field="dpia_ids",
            )
    return sorted((allowed[i] for i in wanted), key=lambda d: d.id)


def _apply_values(session: Session, item: AgendaItem, values: dict[str, Any]) -> None:
    clean: dict[str, Any] = {
        key: _text(values, key) for key in ITEM_TEXT_MAX if key in values or key == "title"
    }
    clean["position"] = _position(session, values, item, item.body_id, item.meeting_on)
    if "dpia_ids" in values:
        clean["cases"] = _cases(session, values["dpia_ids"] or (), item, item.body_id, item.meeting_on)
    assign(item, clean)


def create_item(session: Session, body: ApprovalBody, on: dt.date, values: dict[str, Any]) -> AgendaItem:
    """Add an item to a body's meeting; its number is the next free one unless ``values`` names it."""
    item = AgendaItem(body=body, body_id=body.id, meeting_on=on, position=0)
    _apply_values(session, item, values)
    session.add(item)
    commit(session)
    return item


def update_item(
    session: Session, item: AgendaItem, values: dict[str, Any], version: int | str | None = None
) -> AgendaItem:
    """Change an item's texts, number and cases; a case decided under it cannot be taken off."""
    check_version(session, item, version)
    _apply_values(session, item, values)
    commit(session)
    return item


def open_cases(item: AgendaItem) -> list[Dpia]:
    return [d for d in item.cases if is_open_at(d, item.body_id, item.meeting_on)]


def record_item_decision(
    session: Session, item: AgendaItem, values: dict[str, Any], user: User, lang: str
) -> list[Decision]:
    """Record one decision for every open case of the item and commit once; if one is refused, none is."""
    if not approval.may_decide_for(user, item.body_id):
        raise DomainError(_("You can record decisions only for your own body."))
    cases = open_cases(item)
    if not cases:
        raise DomainError(_("No case of this item is open; its decision has been recorded."))
    shared = {key: values.get(key) for key in DECISION_FIELDS}
    shared.update(body_id=item.body_id, meeting_on=item.meeting_on, case_number=item.journal_number)
    decisions = []
    for dpia in sorted(cases, key=lambda d: d.system.name.lower()):
        try:
            decisions.append(approval.record_decision(session, dpia, shared, user, lang, commit_now=False))
        except DomainError as exc:
            session.rollback()
            raise DomainError(
                _(
                    "%(system)s: %(reason)s Nothing was recorded for this item.",
                    system=dpia.system.name,
                    reason=exc.message,
                ),
                field=exc.field,
            ) from exc
    commit(session)
    return decisions


# --- the meeting page ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemCase:
    dpia: Dpia
    decision: Decision | None  # recorded at this meeting
    earlier: list[Decision]  # the decisions before this one: earlier bodies, earlier meetings


@dataclass(frozen=True)
class ItemEntry:
    item: AgendaItem
    cases: list[ItemCase]

    @property
    def decision(self) -> Decision | None:
        """The item's one decision: the one its cases share, once every case is decided alike."""
        decided = [c.decision for c in self.cases]
        if not decided or any(d is None for d in decided):
            return None
        first = decided[0]
        assert first is not None
        same = {(d.outcome, d.rationale, d.conditions, d.next_meeting_on) for d in decided if d is not None}
        return first if len(same) == 1 else None


def _at(dpia: Dpia, body_id: int, on: dt.date) -> tuple[Decision | None, list[Decision]]:
    here = [d for d in dpia.decisions if d.body_id == body_id and d.meeting_on == on]
    earlier = [d for d in dpia.decisions if d not in here and d.meeting_on <= on]
    return (here[-1] if here else None), earlier


def entries(items: Sequence[AgendaItem]) -> list[ItemEntry]:
    """Each item with its cases, the decision at its meeting and the decisions before it, by system name."""
    found = []
    for item in items:
        cases = []
        for dpia in sorted(item.cases, key=lambda d: (d.system.name.lower(), d.number)):
            decision, earlier = _at(dpia, item.body_id, item.meeting_on)
            cases.append(ItemCase(dpia, decision, earlier))
        found.append(ItemEntry(item, cases))
    return found
