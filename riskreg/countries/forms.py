"""The form for a new version of a country list: one row per country."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from riskreg.countries.services import DECISION_REF_MAX, NOTE_MAX, SCOPE_NOTE_MAX, EntryValues
from riskreg.enums import CountryStatus
from riskreg.forms import KnownCountry, enum_select, unique_countries

#: Empty rows offered under the list for countries that are not on it yet.
ADD_ROWS = 3


class EntryForm(Form):
    """One country's row (a plain WTForms form: the CSRF token belongs to the outer form)."""

    # "1" for rows prefilled from a version (the country is shown as text); new rows choose a country.
    existing = HiddenField()
    country_code = SelectField(_l("Country"), validators=[Optional(), KnownCountry()], validate_choice=False)
    status = enum_select(_l("Status"), CountryStatus, validators=[DataRequired()])
    decision_ref = StringField(
        _l("Decision reference"), validators=[Optional(), Length(max=DECISION_REF_MAX)]
    )
    decision_on = DateField(_l("Decision date"), validators=[Optional()])
    scope_note = StringField(_l("Scope note"), validators=[Optional(), Length(max=SCOPE_NOTE_MAX)])


class ListVersionForm(FlaskForm):
    effective_on = DateField(
        _l("In force from"),
        validators=[DataRequired(message=_l("The effective date is required."))],
        description=_l("The version applies from this date until the next version's date."),
    )
    note = TextAreaField(
        _l("Why the list changes"),
        validators=[
            DataRequired(message=_l("Say why the list changes: the note is required.")),
            Length(max=NOTE_MAX),
        ],
        description=_l("For example the Commission decision or ruling behind the change."),
    )
    # The newest version when the form was opened (0: none); a newer one means a concurrent change.
    latest_id = HiddenField()
    entries = FieldList(FormField(EntryForm), min_entries=0)

    def validate_entries(self, field: FieldList) -> None:
        unique_countries(field)

    def entry_mapping(self) -> dict[str, EntryValues]:
        """The rows with a country, as the service takes them; rows without a country are ignored."""
        mapping: dict[str, EntryValues] = {}
        for row in self.entries:
            sub = row.form
            if not sub.country_code.data:
                continue
            mapping[sub.country_code.data] = (
                CountryStatus(sub.status.data),
                sub.decision_ref.data or "",
                sub.decision_on.data,
                sub.scope_note.data or "",
            )
        return mapping

    def latest(self) -> int | None:
        value = self.latest_id.data or ""
        return int(value) if str(value).isdigit() else None


def prefill(rows: dict[str, dict[str, Any]], names: dict[str, str]) -> dict[str, Any]:
    """Form data for a new version that starts as a copy of ``rows``, ordered by country name."""
    entries = [
        {"existing": "1", "country_code": code, **values}
        for code, values in sorted(rows.items(), key=lambda item: names.get(item[0], item[0]).casefold())
    ]
    entries += [{"existing": "", "country_code": "", "status": CountryStatus.ADEQUACY.value}] * ADD_ROWS
    return {"entries": entries}
