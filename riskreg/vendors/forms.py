"""Forms of the vendors area: vendor, audit statement, supervision."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from riskreg.enums import AuditStatementType, DpfStatus, SupervisionMethod, TransferMechanism
from riskreg.forms import KnownCountry, VersionedForm, enum_select

#: Limits on free text; the columns are TEXT, so these keep pages and exports readable.
SHORT_TEXT = 200
LONG_TEXT = 5000


class VendorForm(VersionedForm):
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
    transfer_mechanism = enum_select(_l("Transfer mechanism"), TransferMechanism, validators=[DataRequired()])
    tia_on = DateField(_l("Transfer impact assessment done on"), validators=[Optional()])
    dpf_status = enum_select(_l("DPF status"), DpfStatus, validators=[DataRequired()])
    dpf_listed_name = StringField(_l("Name on the DPF list"), validators=[Optional(), Length(max=SHORT_TEXT)])
    dpf_checked_on = DateField(_l("DPF list checked on"), validators=[Optional()])
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
