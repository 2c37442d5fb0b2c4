"""The form for a new scenario: its name, what it assumes, and the countries whose status it overrides."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, FieldList, Form, FormField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from riskreg.countries.services import NOTE_MAX
from riskreg.enums import CountryStatus
from riskreg.forms import KnownCountry, enum_select, unique_countries
from riskreg.scenarios.services import NAME_MAX

#: Override rows offered on a new form.
OVERRIDE_ROWS = 5


class OverrideForm(Form):
    """One country and its status under the scenario (the CSRF token belongs to the outer form)."""

    country_code = SelectField(_l("Country"), validators=[Optional(), KnownCountry()], validate_choice=False)
    status = enum_select(_l("Status under the scenario"), CountryStatus, default=CountryStatus.NONE.value)


class ScenarioForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(message=_l("The name is required.")), Length(max=NAME_MAX)],
        description=_l("For example: UK adequacy lapses."),
    )
    description = TextAreaField(
        _l("Description"),
        validators=[Optional(), Length(max=NOTE_MAX)],
        description=_l("What the scenario assumes and why it is worth asking."),
    )
    effective_on = DateField(
        _l("In force from"), validators=[InputRequired(message=_l("The effective date is required."))]
    )
    overrides = FieldList(FormField(OverrideForm), min_entries=OVERRIDE_ROWS)

    def validate_overrides(self, field: FieldList) -> None:
        if not unique_countries(field):
            raise ValidationError(_l("Name at least one country and its status under the scenario."))

    def override_mapping(self) -> dict[str, CountryStatus]:
        """The rows with a country; rows without one are ignored."""
        return {
            row.form.country_code.data: CountryStatus(row.form.status.data)
            for row in self.overrides
            if row.form.country_code.data
        }
