"""The system form."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from riskreg.enums import (
    AiActClass,
    DataCategory,
    DataSubject,
    LegalBasis,
    SubjectVolume,
    SystemStatus,
    VendorRole,
)
from riskreg.forms import VersionedForm, enum_checkboxes, enum_select, select_choices
from riskreg.labels import choices
from riskreg.systems.services import MAX_LENGTH


def _int_or_none(value: object) -> int | None:
    if value in (None, "", "None"):
        return None
    return int(value)  # type: ignore[call-overload]


def _text(key: str, *, required: bool = False) -> list[Any]:
    """Validators of a text field, with the length limit the service enforces."""
    return [DataRequired() if required else Optional(), Length(max=MAX_LENGTH[key])]


class SystemForm(VersionedForm):
    name = StringField(_l("Name"), validators=_text("name", required=True))
    vendor_id = SelectField(_l("Vendor"), coerce=_int_or_none, validators=[DataRequired()])
    # The choices come from ``offer_vendor_roles``: the empty one names the vendor's own role.
    vendor_role = SelectField(
        _l("Vendor's role for this system"),
        validate_choice=False,
        description=_l(
            "Only where it differs from the vendor's role, e.g. a processor that is a controller here."
        ),
    )
    status = enum_select(_l("Status"), SystemStatus, validators=[DataRequired()])
    journal_number = StringField(
        _l("Journal number"), validators=_text("journal_number"), description=_l("e.g. 85.15.02G01-11-26")
    )
    departments = StringField(
        _l("Departments"),
        validators=[Optional(), Length(max=1000)],
        description=_l("Separate several departments with commas; new ones are created."),
    )
    system_owner = StringField(_l("System owner"), validators=_text("system_owner"))
    purpose = TextAreaField(_l("Purpose"), validators=_text("purpose"))
    legal_bases = enum_checkboxes(_l("Legal basis"), LegalBasis)
    legal_basis_note = TextAreaField(
        _l("Legal basis: references"),
        validators=_text("legal_basis_note"),
        description=_l("e.g. the executive order or act the processing rests on"),
    )
    data_subjects = enum_checkboxes(_l("Data subjects"), DataSubject)
    data_categories = enum_checkboxes(_l("Data categories"), DataCategory)
    subject_volume = enum_select(_l("Number of data subjects"), SubjectVolume, optional=True)
    retention = TextAreaField(_l("Retention"), validators=_text("retention"))
    has_free_text = BooleanField(
        _l("Users can enter free text (personal data may end up where none was meant)")
    )
    free_text_note = TextAreaField(_l("About the free text"), validators=_text("free_text_note"))
    has_ai = BooleanField(_l("The system has AI features"))
    ai_description = TextAreaField(_l("What the AI does"), validators=_text("ai_description"))
    ai_output_in_decisions = BooleanField(_l("AI output is used in decisions about persons"))
    ai_act_class = enum_select(_l("EU AI Act class"), AiActClass)
    ai_annex_iii_area = StringField(_l("Annex III area (high-risk)"), validators=_text("ai_annex_iii_area"))
    next_review_on = DateField(_l("Next review"), validators=[Optional()])


def offer_vendor_roles(form: SystemForm, vendor_role: VendorRole | None) -> None:
    """Offer the roles, the empty choice standing for ``vendor_role`` (the chosen vendor's, when known)."""
    if vendor_role is None:
        same = _l("As the vendor's role")
    else:
        same = _l("As the vendor's role (%(role)s)", role=dict(choices(VendorRole))[vendor_role.value])
    form.vendor_role.choices = select_choices([("", same), *choices(VendorRole)])
    if form.vendor_role.data is None:
        form.vendor_role.data = ""
