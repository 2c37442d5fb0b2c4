"""The form a body's decision is recorded with; the chain's rules are checked by the service, not here."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from riskreg.dpia.approval import DECISION_TEXT_MAX, WITHDRAWAL_REASON_MAX
from riskreg.dpia.workflow import BODY_OUTCOMES
from riskreg.enums import DecisionOutcome
from riskreg.forms import VersionedForm, select_choices
from riskreg.labels import choices

_CHOOSE = _l("— choose the outcome —")


def outcome_choices(outcomes: tuple[DecisionOutcome, ...]) -> list[Any]:
    """The outcomes with an empty first choice: nothing is pre-selected, the person picks."""
    wanted = {o.value for o in outcomes}
    return select_choices([("", _CHOOSE), *(c for c in choices(DecisionOutcome) if c[0] in wanted)])


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
    outcome = SelectField(
        _l("Outcome"),
        choices=outcome_choices(BODY_OUTCOMES),
        validators=[InputRequired(message=_l("Choose the outcome."))],
    )
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
    # Filled with the register's systems by the view; the free text stays for an alternative outside it.
    alternative_system_id = SelectField(
        _l("Alternative system in the register"), validate_choice=False, validators=[Optional()]
    )
    next_meeting_on = DateField(
        _l("Next meeting"),
        validators=[Optional()],
        description=_l(
            "Postponed: the later meeting the case is postponed to (required). "
            "Rejected or escalated: the next body's meeting, if it is known."
        ),
    )

    def values(self) -> dict[str, Any]:
        """The values ``approval.record_decision`` takes."""
        return {
            "body_id": self.body_id.data,
            "outcome": self.outcome.data,
            "meeting_on": self.meeting_on.data,
            "case_number": self.case_number.data or "",
            "conditions": self.conditions.data or "",
            "residual_accepted": bool(self.residual_accepted.data),
            "rationale": self.rationale.data or "",
            "alternative": self.alternative.data or "",
            "alternative_system_id": self.alternative_system_id.data or None,
            "next_meeting_on": self.next_meeting_on.data,
        }


class CorrectionForm(DecisionForm):
    """A correction of a decision recorded by mistake: the decision as it should have been, and why."""

    outcome = SelectField(
        _l("Outcome"),
        choices=outcome_choices(tuple(DecisionOutcome)),
        validators=[InputRequired(message=_l("Choose the outcome."))],
    )
    correction_reason = TextAreaField(
        _l("Reason for the correction"),
        validators=[
            InputRequired(message=_l("Write why the decision is corrected.")),
            Length(max=WITHDRAWAL_REASON_MAX),
        ],
    )

    def values(self) -> dict[str, Any]:
        return {**super().values(), "correction_reason": self.correction_reason.data or ""}


class WithdrawalForm(VersionedForm):
    """The requester drops a rejected case; ``version`` is the DPIA's."""

    withdrawn_on = DateField(
        _l("Withdrawn on"), validators=[InputRequired(message=_l("The date of the withdrawal is required."))]
    )
    reason = TextAreaField(
        _l("Reason"),
        validators=[
            InputRequired(message=_l("Write why the request is withdrawn.")),
            Length(max=WITHDRAWAL_REASON_MAX),
        ],
    )

    def values(self) -> dict[str, Any]:
        return {"withdrawn_on": self.withdrawn_on.data, "reason": self.reason.data or ""}
