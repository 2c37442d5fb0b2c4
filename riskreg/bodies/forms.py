"""Approval body forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from riskreg.bodies.services import DESCRIPTION_MAX, NAME_MAX
from riskreg.enums import RiskLevel
from riskreg.forms import VersionedForm, enum_select


class BodyForm(VersionedForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=NAME_MAX)])
    residual_ceiling = enum_select(
        _l("Residual-risk ceiling"),
        RiskLevel,
        optional=True,
        validators=[DataRequired(message=_l("The residual-risk ceiling is required."))],
        description=_l(
            "The highest residual risk this body may accept; above it the case goes to the next body."
        ),
    )
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=DESCRIPTION_MAX)])


class NewBodyForm(BodyForm):
    # Choices are set by the view from the current chain.
    position = SelectField(_l("Place in the chain"), coerce=int, validate_choice=True)
