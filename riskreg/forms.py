"""Form building blocks shared by every area."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any

from flask import flash, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import HiddenField, SelectChoice, SelectField, SelectMultipleField
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from riskreg.countries.models import Country
from riskreg.enums import LocationKind
from riskreg.errors import ConflictError, DomainError
from riskreg.extensions import db
from riskreg.i18n import current_language
from riskreg.labels import choices


class MultiCheckboxField(SelectMultipleField):
    """A many-valued field shown as checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class VersionedForm(FlaskForm):
    """A form that edits a versioned record; the hidden version detects a concurrent save."""

    version = HiddenField()


def show_error(
    form: FlaskForm, exc: DomainError, *, default: str | None = None, fields: Mapping[str, str] | None = None
) -> None:
    """Show a service's refusal on the field it concerns.

    ``fields`` renames a service's field to the form's; a refusal about no field of the form goes on
    ``default``, or above the form when there is none.
    """
    name = (fields or {}).get(exc.field or "", exc.field)
    target = form._fields.get(name or "") or form._fields.get(default or "")
    if target is None:
        form.form_errors.append(exc.message)
    else:
        target.errors = [*target.errors, exc.message]


def form_status(form: FlaskForm, conflict: ConflictError | None = None) -> int:
    """409 after a concurrent save, 400 when the form shows errors, else 200."""
    return 409 if conflict else (400 if form.errors or form.form_errors else 200)


def select_choices(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms options (WTForms 3.3 deprecates plain tuples)."""
    return [SelectChoice(value="" if value is None else str(value), label=label) for value, label in pairs]


def enum_select(label: Any, enum_cls: type[StrEnum], *, optional: bool = False, **kwargs: Any) -> SelectField:
    """A select over an enum's values with translated labels."""
    options = ([("", _l("— not set —"))] if optional else []) + choices(enum_cls)
    return SelectField(label, choices=select_choices(options), **kwargs)


def enum_checkboxes(label: Any, enum_cls: type[StrEnum], **kwargs: Any) -> MultiCheckboxField:
    return MultiCheckboxField(label, choices=select_choices(choices(enum_cls)), **kwargs)


def country_choices(*, optional: bool = True) -> list[tuple[str, str]]:
    """Every country by its name in the user's language, sorted by that name."""
    lang = current_language()
    rows = db.session.execute(select(Country.code, Country.name_da, Country.name_en)).all()
    options = sorted(((code, da if lang == "da" else en) for code, da, en in rows), key=lambda o: o[1])
    return ([("", str(_l("— not set —")))] if optional else []) + options


def enum_or_none(enum_cls: type[StrEnum], value: str | None) -> StrEnum | None:
    return enum_cls(value) if value else None


class KnownCountry:
    """Validate that a submitted country code is a country riskreg knows."""

    def __call__(self, form: FlaskForm, field: Any) -> None:
        values = field.data if isinstance(field.data, list) else [field.data]
        known = {c for (c,) in db.session.execute(select(Country.code))}
        for value in values:
            if value and value not in known:
                raise ValidationError(_l("Unknown country: %(code)s", code=value))


def date_arg(name: str, fallback: str) -> dt.date | None:
    """The YYYY-MM-DD query parameter ``name``; None when absent, or when it is no date (then flashes
    "Not a date: …" followed by ``fallback``, which says what the page does instead)."""
    value = request.args.get(name, "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        not_a_date = _("Not a date: %(value)s.", value=value[:40])
        flash(f"{not_a_date} {fallback}", "error")
        return None


def unique_countries(rows: Iterable[Any]) -> set[str]:
    """The countries chosen in the rows of a FieldList (``country_code``); each may be chosen once."""
    seen: set[str] = set()
    for row in rows:
        code = row.form.country_code.data
        if not code:
            continue
        if code in seen:
            raise ValidationError(_l("%(code)s is on the list twice.", code=code))
        seen.add(code)
    return seen


def chosen_locations(form: Any) -> list[tuple[str, LocationKind]]:
    """The countries ticked in ``processing_countries`` and ``support_countries``, as (country, kind)."""
    return [(c, LocationKind.PROCESSING) for c in form.processing_countries.data or []] + [
        (c, LocationKind.SUPPORT) for c in form.support_countries.data or []
    ]


def tick_locations(form: Any, locations: Iterable[Any]) -> None:
    """Tick a record's locations in ``processing_countries`` and ``support_countries``."""
    locations = list(locations)
    form.processing_countries.data = [
        loc.country_code for loc in locations if loc.kind == LocationKind.PROCESSING
    ]
    form.support_countries.data = [loc.country_code for loc in locations if loc.kind == LocationKind.SUPPORT]
