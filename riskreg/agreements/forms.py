"""The data processing agreement form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from riskreg.forms import MultiCheckboxField, VersionedForm
from riskreg.subprocessors.forms import optional_int

SCC_MODULE_CHOICES = [
    SelectChoice(value=1, label=_l("Module 1: controller to controller")),
    SelectChoice(value=2, label=_l("Module 2: controller to processor")),
    SelectChoice(value=3, label=_l("Module 3: processor to processor")),
    SelectChoice(value=4, label=_l("Module 4: processor to controller")),
]


class AgreementForm(VersionedForm):
    # Choices are the vendor's systems; the service checks the system belongs to the vendor.
    system_id = SelectField(
        _l("System"),
        coerce=optional_int,
        validate_choice=False,
        description=_l("Leave empty when the agreement covers every system of the vendor."),
    )
    signed_on = DateField(_l("Signed on"), validators=[Optional()])
    agreement_version = StringField(_l("Version of the agreement"), validators=[Optional(), Length(max=60)])
    template = StringField(
        _l("Template"),
        validators=[Optional(), Length(max=200)],
        description=_l("For example the municipalities' common DPA template."),
        render_kw={"list": "dpa-templates"},
    )
    scc_modules = MultiCheckboxField(
        _l("Standard contractual clauses (2021/914) included"), choices=SCC_MODULE_CHOICES, coerce=int
    )
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)])
