"""Translation without Flask: the same catalogues the pages use, for the engine, the CLI and workbooks."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from functools import cache
from pathlib import Path

from babel.dates import format_date
from babel.support import NullTranslations, Translations

from riskreg.vocabulary import MSGIDS

TRANSLATIONS_DIR = Path(__file__).parent / "translations"
LANGUAGES = ("da", "en")
DATE_PATTERNS = {"da": "dd-MM-yyyy", "en": "d MMM yyyy"}


@cache
def translations(lang: str) -> NullTranslations:
    return Translations.load(str(TRANSLATIONS_DIR), [lang], domain="messages")


def translate(lang: str, msgid: str, **params: object) -> str:
    """``msgid`` in ``lang``, with ``%(name)s`` placeholders filled from ``params``."""
    text = translations(lang).gettext(msgid)
    return text % params if params else text


def label_in(lang: str, value: StrEnum | None) -> str:
    """The label of an enum member in ``lang`` ('' for None)."""
    if value is None:
        return ""
    return translate(lang, MSGIDS[type(value)][value.value])


def format_day(lang: str, day: dt.date) -> str:
    """A date the way the pages show it (dd-mm-yyyy in Danish)."""
    return str(format_date(day, DATE_PATTERNS.get(lang, DATE_PATTERNS["en"]), locale=lang))
