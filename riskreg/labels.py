"""Translated labels for the stored vocabularies (enum value -> text a person reads)."""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from riskreg.vocabulary import MSGIDS

LABELS: dict[type[StrEnum], dict[str, LazyString]] = {
    enum_cls: {value: _l(msgid) for value, msgid in msgids.items()} for enum_cls, msgids in MSGIDS.items()
}


def label(value: StrEnum | None) -> str:
    """The translated label of an enum member ('' for None)."""
    if value is None:
        return ""
    return str(LABELS[type(value)][value.value])


def choices(enum_cls: type[StrEnum]) -> list[tuple[str, LazyString]]:
    """(value, label) pairs for a WTForms select, in the enum's order."""
    return [(m.value, LABELS[enum_cls][m.value]) for m in enum_cls]
