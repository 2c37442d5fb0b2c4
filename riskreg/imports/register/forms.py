"""Forms of the register import: the spreadsheet to upload, and the field each of its columns holds."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired


class RegisterUploadForm(FlaskForm):
    file = FileField(
        _l("The spreadsheet"),
        validators=[FileRequired(message=_l("Choose the file with the register."))],
        description=_l("CSV or XLSX with one row per system; the first row names the columns."),
    )
