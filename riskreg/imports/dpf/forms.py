"""Forms of the DPF import: the list to upload, the field each of its columns holds, a decision on a pair."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional

from riskreg.forms import select_choices
from riskreg.imports.dpf.columns import FIELDS

SOURCE_MAX = 500


class DpfUploadForm(FlaskForm):
    file = FileField(
        _l("The DPF list"),
        validators=[FileRequired(message=_l("Choose the file with the DPF list."))],
        description=_l(
            "The list of participating organisations as saved from dataprivacyframework.gov, CSV or XLSX, "
            "with a column for the organisation's name and one for its status; frameworks, covered data, "
            "next certification due date and page where you have them."
        ),
    )
    source = StringField(
        _l("Source"),
        validators=[Optional(), Length(max=SOURCE_MAX)],
        description=_l("Where the list came from, e.g. its web address."),
    )
    source_on = DateField(_l("Date of the list"), validators=[Optional()])


class ReviewDecisionForm(FlaskForm):
    decision = SelectField(
        _l("Decision"),
        choices=select_choices([("confirm", _l("Confirm")), ("reject", _l("Reject"))]),
    )


class DpfMappingForm(FlaskForm):
    """One select per column of the file (``col_0``, ``col_1``...), added by ``mapping_form``."""

    headers: list[str]

    def mapping(self) -> dict[str, str]:
        return {header: self[f"col_{i}"].data or "" for i, header in enumerate(self.headers)}

    def columns(self) -> list[tuple[str, SelectField]]:
        return [(header, self[f"col_{i}"]) for i, header in enumerate(self.headers)]


def mapping_form(headers: Sequence[str], mapping: Mapping[str, str]) -> DpfMappingForm:
    """A form with a field choice for each column, preset to ``mapping``."""
    options = [("", _l("— not imported —"))] + [(f.key, _l(f.label)) for f in FIELDS]

    class Form(DpfMappingForm):
        pass

    for i, header in enumerate(headers):
        setattr(
            Form,
            f"col_{i}",
            SelectField(
                header or f"#{i + 1}", choices=select_choices(options), default=mapping.get(header, "")
            ),
        )
    form = Form()
    form.headers = list(headers)
    return form
