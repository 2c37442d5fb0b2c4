"""Forms of the DPIA pages: screening and sections, a risk, a measure of the library.

The services check the rules (the 1–4 scale, a reason for a lower residual risk, unknown measures); the forms
carry the fields and their length limits, so a refusal always reads the same wherever it comes from.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from riskreg.dpia.scoring import SCALE
from riskreg.dpia.services import MEASURE_NAME_MAX, RISK_TEXT_MAX, SECTION_MAX
from riskreg.enums import ListedProcessing, MeasureKind, Wp248Criterion
from riskreg.forms import MultiCheckboxField, VersionedForm, enum_checkboxes, enum_select, select_choices


def _section(label: Any, description: Any = "") -> TextAreaField:
    return TextAreaField(
        label,
        validators=[Optional(), Length(max=SECTION_MAX)],
        description=description,
        render_kw={"rows": 8},
    )


class SectionsForm(VersionedForm):
    criteria = enum_checkboxes(_l("WP248 criteria met"), Wp248Criterion)
    listed = enum_checkboxes(_l("On Datatilsynet's list of processing that needs a DPIA"), ListedProcessing)
    description = _section(
        _l("Systematic description (art. 35(7)(a))"),
        _l("The processing, its purposes and the data; prefilled from the register when the DPIA starts."),
    )
    necessity = _section(_l("Necessity and proportionality (art. 35(7)(b))"))
    subject_views = _section(
        _l("Views of the data subjects or their representatives (art. 35(9))"),
        _l("Whose views were sought, and what they said; or why none were sought."),
    )
    dpo_opinion = _section(_l("The DPO's opinion"))
    proposal = _section(
        _l("Proposed decision"), _l("What the DPO proposes the bodies decide; shown on the agenda.")
    )

    def values(self) -> dict[str, Any]:
        return {
            "criteria": list(self.criteria.data or []),
            "listed": list(self.listed.data or []),
            **{
                key: getattr(self, key).data or ""
                for key in ("description", "necessity", "subject_views", "dpo_opinion", "proposal")
            },
        }


def _scale(label: Any, *, optional: bool) -> SelectField:
    # The service refuses anything but 1–4 with its own message; the field does not second-guess it.
    blank = [("", _l("— same as inherent —") if optional else _l("— choose —"))]
    return SelectField(
        label, choices=select_choices(blank + [(n, str(n)) for n in SCALE]), validate_choice=False
    )


def _text(key: str, label: Any, field: type = StringField, **kwargs: Any) -> Any:
    return field(label, validators=[Optional(), Length(max=RISK_TEXT_MAX[key])], **kwargs)


class RiskForm(VersionedForm):
    title = _text(
        "title",
        _l("Threat or scenario"),
        render_kw={"required": True},
        description=_l("What could happen to the data subjects, and how."),
    )
    description = _text("description", _l("Description"), TextAreaField)
    rights = _text(
        "rights",
        _l("Rights and freedoms affected"),
        TextAreaField,
        render_kw={"rows": 2},
    )
    inherent_likelihood = _scale(_l("Inherent likelihood"), optional=False)
    inherent_consequence = _scale(_l("Inherent consequence"), optional=False)
    measure_ids = MultiCheckboxField(_l("Measures"), coerce=int, validate_choice=False)
    residual_likelihood = _scale(_l("Residual likelihood"), optional=True)
    residual_consequence = _scale(_l("Residual consequence"), optional=True)
    residual_reason = _text(
        "residual_reason",
        _l("Why the residual risk differs"),
        TextAreaField,
        description=_l("Required when the residual risk differs from the inherent risk."),
    )
    owner = _text("owner", _l("Risk owner"))

    def values(self) -> dict[str, Any]:
        return {
            key: getattr(self, key).data or ""
            for key in (
                "title",
                "description",
                "rights",
                "inherent_likelihood",
                "inherent_consequence",
                "residual_likelihood",
                "residual_consequence",
                "residual_reason",
                "owner",
            )
        } | {"measure_ids": list(self.measure_ids.data or [])}


class MeasureForm(VersionedForm):
    name = StringField(_l("Name"), validators=[Optional(), Length(max=MEASURE_NAME_MAX)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=4000)])
    kind = enum_select(_l("Kind"), MeasureKind, optional=True)
    relies_on_users = BooleanField(
        _l("Depends on users remembering a rule"),
        description=_l("Such a measure alone cannot carry a lower residual risk: the risk is flagged."),
    )

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            "kind": self.kind.data or "",
            "relies_on_users": bool(self.relies_on_users.data),
        }
        # A shipped measure's form has no name or description (they are translated, not edited).
        for key in ("name", "description"):
            if key in self:
                values[key] = self[key].data or ""
        return values
