"""Forms of the DPF import: the list to upload, the field each of its columns holds, a decision on a pair."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional

from riskreg.forms import select_choices

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
