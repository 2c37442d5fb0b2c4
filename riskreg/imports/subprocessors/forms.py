"""Form of the sub-processor import: a file or a pasted table, and where the list comes from."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from riskreg.imports.subprocessors.services import SOURCE_MAX


class SubProcessorUploadForm(FlaskForm):
    # Neither is required on its own: the service says when both or neither are given.
    file = FileField(
        _l("The list as a file"),
        description=_l("CSV or XLSX, with a header row: name, service and countries, in English or Danish."),
    )
    text = TextAreaField(
        _l("Or paste the table"),
        description=_l("Copied from a spreadsheet or a web page, with the header row first."),
        render_kw={"rows": 8},
    )
    source = StringField(
        _l("Source"),
        validators=[Optional(), Length(max=SOURCE_MAX)],
        description=_l("Where the list comes from: its web address or the document, e.g. the DPA's annex."),
    )
    source_on = DateField(_l("Date of the list"), validators=[Optional()])
