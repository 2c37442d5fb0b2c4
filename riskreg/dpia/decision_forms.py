"""The form a body's decision is recorded with; the chain's rules are checked by the service, not here."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from riskreg.dpia.services import DECISION_TEXT_MAX
from riskreg.enums import DecisionOutcome
from riskreg.forms import VersionedForm, enum_select


class DecisionForm(VersionedForm):
    """A decision on one DPIA version; ``version`` is the DPIA's: a decision recorded meanwhile is noticed."""

    # Any body id is accepted here: the service says why a body may not decide (not yours, not before it).
    body_id = SelectField(_l("Body"), validate_choice=False)
    meeting_on = DateField(
        _l("Meeting date"), validators=[InputRequired(message=_l("The meeting date is required."))]
    )
    case_number = StringField(
        _l("Case number"),
        validators=[Optional(), Length(max=DECISION_TEXT_MAX["case_number"])],
        description=_l("The journal number of the case, for example 85.15.02G01-11-26."),
    )
    outcome = enum_select(_l("Outcome"), DecisionOutcome)
    conditions = TextAreaField(
        _l("Conditions"),
        validators=[Optional(), Length(max=DECISION_TEXT_MAX["conditions"])],
        description=_l("Required when approved with conditions."),
    )
    residual_accepted = BooleanField(_l("Residual risk accepted"))
    rationale = TextAreaField(
        _l("Rationale"), validators=[Optional(), Length(max=DECISION_TEXT_MAX["rationale"])]
    )
    alternative = StringField(
        _l("Alternative system offered"),
        validators=[Optional(), Length(max=DECISION_TEXT_MAX["alternative"])],
    )
    next_meeting_on = DateField(
        _l("Next meeting"),
        validators=[Optional()],
        description=_l(
            "Postponed: the later meeting the case is postponed to (required). "
            "Escalated: the next body's meeting, if it is known."
        ),
    )

    def values(self) -> dict[str, Any]:
        """The values ``services.record_decision`` takes."""
        return {
            "body_id": self.body_id.data,
            "outcome": self.outcome.data,
            "meeting_on": self.meeting_on.data,
            "case_number": self.case_number.data or "",
            "conditions": self.conditions.data or "",
            "residual_accepted": bool(self.residual_accepted.data),
            "rationale": self.rationale.data or "",
            "alternative": self.alternative.data or "",
            "next_meeting_on": self.next_meeting_on.data,
        }
