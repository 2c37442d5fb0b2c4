"""Forms of the register import: the spreadsheet to upload, and the field each of its columns holds."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField

from riskreg.forms import select_choices
from riskreg.imports.register.parse import FIELD_LABELS


class RegisterUploadForm(FlaskForm):
    file = FileField(
        _l("The spreadsheet"),
        validators=[FileRequired(message=_l("Choose the file with the register."))],
        description=_l("CSV or XLSX with one row per system; the first row names the columns."),
    )


class MappingForm(FlaskForm):
    """One select per column of the file (``col_0``, ``col_1``...), added by ``mapping_form``."""

    headers: list[str]

    def mapping(self) -> dict[str, str]:
        return {header: self[f"col_{i}"].data or "" for i, header in enumerate(self.headers)}

    def columns(self) -> list[tuple[str, SelectField]]:
        return [(header, self[f"col_{i}"]) for i, header in enumerate(self.headers)]


def mapping_form(headers: Sequence[str], mapping: Mapping[str, str]) -> MappingForm:
    """A form with a field choice for each column, preset to ``mapping``."""
    options = [("", _l("— not imported —"))] + [(name, _l(msgid)) for name, msgid in FIELD_LABELS.items()]

    class Form(MappingForm):
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
