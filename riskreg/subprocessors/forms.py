"""The sub-processor form."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from riskreg.enums import TransferMechanism
from riskreg.forms import KnownCountry, VersionedForm, enum_select
from riskreg.vendors.forms import DpfFields, LocationFields


def optional_int(value: Any) -> int | None:
    if value in (None, "", "None"):
        return None
    return int(value)


class SubProcessorForm(DpfFields, LocationFields, VersionedForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    service = TextAreaField(
        _l("Service"),
        validators=[Optional(), Length(max=1000)],
        description=_l("What the sub-processor does with the data, e.g. hosting or support."),
    )
    country_code = SelectField(
        _l("Country of the legal entity"), validators=[KnownCountry()], validate_choice=False
    )
    parent_company = StringField(_l("Parent company"), validators=[Optional(), Length(max=1000)])
    parent_country_code = SelectField(
        _l("Country of the parent company"), validators=[KnownCountry()], validate_choice=False
    )
    # Choices are the vendor's other sub-processors; the service checks vendor and loops.
    parent_id = SelectField(
        _l("Sub-processor of"),
        coerce=optional_int,
        validate_choice=False,
        description=_l("For a sub-sub-processor: the sub-processor that engages it."),
    )
    processing_countries = SelectMultipleField(
        _l("Processing countries"),
        validators=[KnownCountry()],
        validate_choice=False,
        description=_l("Where the data is stored or processed; choose one or more."),
    )
    support_countries = SelectMultipleField(
        _l("Support access from"),
        validators=[KnownCountry()],
        validate_choice=False,
        description=_l("Countries from where staff can reach the data, e.g. for support."),
    )
    transfer_mechanism = enum_select(_l("Transfer mechanism"), TransferMechanism, validators=[DataRequired()])
    tia_on = DateField(_l("Transfer impact assessment done on"), validators=[Optional()])
    system_ids = SelectMultipleField(
        _l("Used only for these systems"),
        coerce=int,
        validate_choice=False,
        description=_l("Leave empty when the sub-processor is used for all of the vendor's systems."),
    )
    source = StringField(
        _l("Source"),
        validators=[Optional(), Length(max=1000)],
        description=_l("The document or web address the facts come from."),
    )
    source_on = DateField(_l("Source dated"), validators=[Optional()])
