"""The mapping step shared by the imports: the field each column of an uploaded file holds."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField

from riskreg.forms import select_choices


class MappingForm(FlaskForm):
    """One select per column of the file (``col_0``, ``col_1``...), added by ``mapping_form``."""

    headers: list[str]

    def mapping(self) -> dict[str, str]:
        return {header: self[f"col_{i}"].data or "" for i, header in enumerate(self.headers)}

    def columns(self) -> list[tuple[str, SelectField]]:
        return [(header, self[f"col_{i}"]) for i, header in enumerate(self.headers)]


def mapping_form(
    headers: Sequence[str], mapping: Mapping[str, str], fields: Iterable[tuple[str, str]]
) -> MappingForm:
    """A form with a choice of ``fields`` (key, English msgid) for each column, preset to ``mapping``."""
    options = [("", _l("— not imported —"))] + [(key, _l(msgid)) for key, msgid in fields]

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
