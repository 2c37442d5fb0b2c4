"""Forms of the vendors area: vendor, audit statement, supervision."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from riskreg.enums import (
    AuditStatementType,
    DpfStatus,
    LocationKind,
    SupervisionMethod,
    TransferMechanism,
    VendorRole,
)
from riskreg.forms import KnownCountry, VersionedForm, enum_select, select_choices, unique_countries
from riskreg.vendors.dpf_facts import LISTED_NAME_MAX, URL_MAX, is_web_address
from riskreg.vendors.locations import Place

#: Limits on free text; the columns are TEXT, so these keep pages and exports readable.
SHORT_TEXT = 200
LONG_TEXT = 5000


#: Blank rows offered for a country's own transfer mechanism.
MECHANISM_ROWS = 3


def tri_state(value: Any) -> bool | None:
    """A yes / no / not recorded select as stored: True, False or None."""
    if value in (True, "yes", "True", "true", "1"):
        return True
    if value in (False, "no", "False", "false", "0"):
        return False
    return None


def coverage_select(label: Any) -> SelectField:
    return SelectField(
        label,
        choices=select_choices([("", _l("Not recorded")), ("yes", _l("Yes")), ("no", _l("No"))]),
        coerce=tri_state,
    )


class WebAddress:
    """An absolute http(s) address, or nothing."""

    def __call__(self, form: Any, field: Any) -> None:
        if field.data and not is_web_address(field.data.strip()):
            raise ValidationError(
                _l("Give the participant's page as a web address starting with https:// or http://.")
            )


class DpfFields:
    """The DPF list's facts about a recipient, grouped on the form under "Data Privacy Framework"."""

    dpf_status = enum_select(
        _l("EU-U.S. DPF"), DpfStatus, default=DpfStatus.UNKNOWN.value, validators=[DataRequired()]
    )
    dpf_uk_status = enum_select(
        _l("UK Extension to the EU-U.S. DPF"),
        DpfStatus,
        default=DpfStatus.UNKNOWN.value,
        validators=[DataRequired()],
    )
    dpf_swiss_status = enum_select(
        _l("Swiss-U.S. DPF"), DpfStatus, default=DpfStatus.UNKNOWN.value, validators=[DataRequired()]
    )
    dpf_covers_hr = coverage_select(_l("Covers HR data"))
    dpf_covers_non_hr = coverage_select(_l("Covers non-HR data"))
    dpf_due_on = DateField(_l("Next certification due"), validators=[Optional()])
    dpf_url = StringField(
        _l("The participant's page on the DPF list"),
        validators=[Optional(), Length(max=URL_MAX), WebAddress()],
        description=_l("e.g. https://www.dataprivacyframework.gov/participant/..."),
    )
    dpf_listed_name = StringField(
        _l("Name on the DPF list"), validators=[Optional(), Length(max=LISTED_NAME_MAX)]
    )
    dpf_checked_on = DateField(_l("DPF list checked on"), validators=[Optional()])


class CountryMechanismForm(Form):
    """One country and the mechanism that covers it, where it differs from the recipient's own."""

    # Blank rows are ignored; the defaults let a form posted without them validate too.
    country_code = SelectField(
        _l("Country"), default="", validators=[Optional(), KnownCountry()], validate_choice=False
    )
    mechanism = enum_select(_l("Transfer mechanism"), TransferMechanism, optional=True, default="")


class LocationFields:
    """Processing and support countries, a country not disclosed, and a mechanism per country."""

    # Each form declares these two with its own descriptions.
    processing_countries: SelectMultipleField
    support_countries: SelectMultipleField

    undisclosed_processing = BooleanField(
        _l("Processes data in a country it does not disclose"),
        description=_l("The transfer to that country is classified as unknown, never as safe."),
    )
    country_mechanisms = FieldList(FormField(CountryMechanismForm), min_entries=MECHANISM_ROWS)

    def validate_country_mechanisms(self, field: FieldList) -> None:
        unique_countries(field)
        located = {*(self.processing_countries.data or []), *(self.support_countries.data or [])}
        wrong = False
        for row in field:
            country, mechanism = row.form.country_code, row.form.mechanism
            if country.data and not mechanism.data:
                mechanism.errors = [*mechanism.errors, _l("Choose the mechanism for this country.")]
            elif mechanism.data and not country.data:
                country.errors = [*country.errors, _l("Choose the country the mechanism is for.")]
            elif country.data and country.data not in located:
                country.errors = [
                    *country.errors,
                    _l(
                        "%(code)s is not one of the processing or support countries: add it there first.",
                        code=country.data,
                    ),
                ]
            wrong = wrong or bool(country.errors or mechanism.errors)
        if wrong:
            raise ValidationError(_l("Check the marked rows."))


def form_locations(form: Any) -> list[Place]:
    """The locations a submitted form gives: ticked countries, a country not disclosed, own mechanisms."""
    mechanisms = {
        row.form.country_code.data: TransferMechanism(row.form.mechanism.data)
        for row in form.country_mechanisms
        if row.form.country_code.data and row.form.mechanism.data
    }
    places = [
        Place(code, kind, mechanisms.get(code))
        for field, kind in (
            (form.processing_countries, LocationKind.PROCESSING),
            (form.support_countries, LocationKind.SUPPORT),
        )
        for code in field.data or []
        if code
    ]
    if form.undisclosed_processing.data:
        places.append(Place(None, LocationKind.PROCESSING))
    return places


def fill_locations(form: Any, locations: Iterable[Any]) -> None:
    """Show a record's locations on the form: ticked countries, the undisclosed box, the mechanism rows."""
    locations = list(locations)
    form.processing_countries.data = [
        loc.country_code for loc in locations if loc.kind == LocationKind.PROCESSING and loc.country_code
    ]
    form.support_countries.data = [
        loc.country_code for loc in locations if loc.kind == LocationKind.SUPPORT and loc.country_code
    ]
    form.undisclosed_processing.data = any(loc.country_code is None for loc in locations)
    own = dict.fromkeys(
        (loc.country_code, loc.mechanism) for loc in locations if loc.country_code and loc.mechanism
    )
    rows = list(own)
    while len(form.country_mechanisms) < len(rows) + MECHANISM_ROWS:
        form.country_mechanisms.append_entry()
    for entry, (code, mechanism) in zip(form.country_mechanisms, rows, strict=False):
        entry.form.country_code.data = code
        entry.form.mechanism.data = mechanism.value


def set_location_choices(form: Any, options: list[Any]) -> None:
    """Offer the countries (``options`` without the empty choice) on the location fields."""
    form.processing_countries.choices = options
    form.support_countries.choices = options
    for row in form.country_mechanisms:
        row.form.country_code.choices = [*select_choices([("", _l("— not set —"))]), *options]


class VendorForm(DpfFields, LocationFields, VersionedForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    org_number = StringField(
        _l("Organisation number (CVR / VAT)"),
        validators=[Optional(), Length(max=40)],
        description=_l("Spaces and letter case are ignored when checking for duplicates."),
    )
    country_code = SelectField(
        _l("Country of the contracting entity"), validators=[KnownCountry()], validate_choice=False
    )
    parent_name = StringField(_l("Ultimate parent company"), validators=[Optional(), Length(max=SHORT_TEXT)])
    parent_country_code = SelectField(
        _l("Country of the parent company"), validators=[KnownCountry()], validate_choice=False
    )
    website = StringField(_l("Website"), validators=[Optional(), Length(max=500)])
    contact = TextAreaField(_l("Contact"), validators=[Optional(), Length(max=1000)])
    role = enum_select(
        _l("Role"), VendorRole, default=VendorRole.PROCESSOR.value, validators=[DataRequired()]
    )
    own_purpose_use = BooleanField(_l("The vendor uses the data or metadata for its own purposes"))
    own_purpose_note = TextAreaField(
        _l("About the own-purpose use"),
        validators=[Optional(), Length(max=LONG_TEXT)],
        description=_l(
            "What the vendor uses, and for what. Datatilsynet's Chromebook decision of 30 January 2024: "
            "a vendor that uses the data for its own purposes receives a disclosure, which a data "
            "processing agreement cannot cover."
        ),
    )
    transfer_mechanism = enum_select(_l("Transfer mechanism"), TransferMechanism, validators=[DataRequired()])
    tia_on = DateField(_l("Transfer impact assessment done on"), validators=[Optional()])
    processing_countries = SelectMultipleField(
        _l("Processing countries"),
        validators=[KnownCountry()],
        validate_choice=False,
        description=_l("Where the vendor itself stores or processes the data."),
    )
    support_countries = SelectMultipleField(
        _l("Support access from"),
        validators=[KnownCountry()],
        validate_choice=False,
        description=_l("Countries from where the vendor's staff can reach the data, e.g. for support."),
    )
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=LONG_TEXT)])


class AuditStatementForm(VersionedForm):
    type = enum_select(_l("Type"), AuditStatementType, validators=[DataRequired()])
    period_start = DateField(_l("Period from"), validators=[Optional()])
    period_end = DateField(_l("Period to"), validators=[Optional()])
    received_on = DateField(_l("Received on"), validators=[InputRequired()])
    remarks = TextAreaField(_l("Remarks"), validators=[Optional(), Length(max=LONG_TEXT)])


class SupervisionForm(VersionedForm):
    method = enum_select(_l("Method"), SupervisionMethod, validators=[DataRequired()])
    frequency_months = IntegerField(
        _l("Frequency (months)"), default=12, validators=[InputRequired(), NumberRange(min=1, max=60)]
    )
    last_on = DateField(_l("Last supervision"), validators=[Optional()])
    next_on = DateField(_l("Next supervision"), validators=[Optional()])
    outcome = TextAreaField(_l("Outcome"), validators=[Optional(), Length(max=LONG_TEXT)])
