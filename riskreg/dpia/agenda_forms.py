"""Forms of agenda items: the item itself, and its one decision for all its cases (rules: the services)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from riskreg.dpia.agenda_items import ITEM_TEXT_MAX
from riskreg.dpia.approval import DECISION_TEXT_MAX
from riskreg.enums import DecisionOutcome
from riskreg.forms import MultiCheckboxField, VersionedForm, enum_select


class AgendaItemForm(VersionedForm):
    position = IntegerField(
        _l("Item number"),
        validators=[Optional(), NumberRange(min=1)],
        description=_l("Left empty: the next number on the agenda."),
    )
    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=ITEM_TEXT_MAX["title"])])
    journal_number = StringField(
        _l("Journal number"),
        validators=[Optional(), Length(max=ITEM_TEXT_MAX["journal_number"])],
        description=_l("The journal number of the case, for example 85.15.02G01-11-26."),
    )
    summary = TextAreaField(
        _l("Case presentation"),
        validators=[Optional(), Length(max=ITEM_TEXT_MAX["summary"])],
        render_kw={"rows": 6},
    )
    recommendation = TextAreaField(
        _l("Recommendation"),
        validators=[Optional(), Length(max=ITEM_TEXT_MAX["recommendation"])],
        description=_l("What the secretariat recommends that the body decides."),
        render_kw={"rows": 4},
    )
    # The choices are set by the view: the cases before the body at this meeting.
    dpia_ids = MultiCheckboxField(_l("Cases on this item"), validate_choice=False)

    def values(self) -> dict[str, Any]:
        return {
            "position": self.position.data,
            "title": self.title.data or "",
            "journal_number": self.journal_number.data or "",
            "summary": self.summary.data or "",
            "recommendation": self.recommendation.data or "",
            "dpia_ids": self.dpia_ids.data or [],
        }


class ItemDecisionForm(FlaskForm):
    """One decision for every open case of the item; the body, meeting and journal number are the item's."""

    # Nothing is pre-selected: the person recording picks the outcome.
    outcome = enum_select(
        _l("Outcome"),
        DecisionOutcome,
        optional=True,
        validators=[InputRequired(message=_l("Choose the outcome."))],
    )
    residual_accepted = BooleanField(_l("Residual risk accepted"))
    conditions = TextAreaField(
        _l("Conditions"),
        validators=[Optional(), Length(max=DECISION_TEXT_MAX["conditions"])],
        description=_l("Required when approved with conditions."),
    )
    rationale = TextAreaField(
        _l("Decision text"),
        validators=[Optional(), Length(max=DECISION_TEXT_MAX["rationale"])],
        description=_l("The decision text as the minutes record it; the same for every case of the item."),
        render_kw={"rows": 5},
    )
    alternative = StringField(
        _l("Alternative system offered"),
        validators=[Optional(), Length(max=DECISION_TEXT_MAX["alternative"])],
    )
    next_meeting_on = DateField(
        _l("Next meeting"),
        validators=[Optional()],
        description=_l(
            "Postponed: the later meeting the item is postponed to (required). "
            "Escalated: the next body's meeting, if it is known."
        ),
    )

    def values(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome.data or "",
            "residual_accepted": bool(self.residual_accepted.data),
            "conditions": self.conditions.data or "",
            "rationale": self.rationale.data or "",
            "alternative": self.alternative.data or "",
            "next_meeting_on": self.next_meeting_on.data,
        }
