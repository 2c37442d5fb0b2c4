"""Cell values, sheet titles and file names that are safe to put in a workbook a user downloads.

User text must reach Excel and LibreOffice as text, shown as typed, and never as a formula. Writing it
as a string is not enough: a string cell starting with ``+``, ``-`` or ``@`` becomes a formula when a
user opens it for editing and presses Enter, and ``#N/A`` typed in becomes an error value. So text that
could read as either also gets the cell style's ``quotePrefix`` (what Excel records when someone types a
leading apostrophe); ``riskreg.exports.xlsx.Sheet.put`` does both.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, overload

# Characters XML 1.0 cannot hold: control characters but tab, LF and CR, lone surrogates, U+FFFE/U+FFFF.
ILLEGAL_CHARACTERS_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: Error values Excel recognises when they are typed into a cell.
ERROR_CODES = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"})


# The characters the OWASP "CSV injection" advice lists; a cell starting with one is quote-prefixed.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# After safe_value a CR is an LF, so that counts too.
_QUOTED_STARTS = (*FORMULA_STARTS, "\n")

SHEET_TITLE_MAX = 31
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
# Excel refuses this name: it keeps it for the change-tracking sheet.
_SHEET_TITLE_RESERVED = frozenset({"history"})

FILE_NAME_MAX = 100
_FILE_NAME_MAX_BYTES = 255  # the usual file-system limit, in UTF-8
_FILE_NAME_FORBIDDEN = re.compile(r'[<>:"/\\|?*]+')
_WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL"}
    | {f"{port}{n}" for port in ("COM", "LPT") for n in (*"123456789", "¹", "²", "³")}
)
_WHITESPACE = re.compile(r"\s+")


@overload
def safe_value(value: str) -> str: ...
@overload
def safe_value(value: Any) -> Any: ...
def safe_value(value: Any) -> Any:
    """Return user text fit for a cell; numbers, dates, None and other values pass through unchanged.

    Characters XML cannot hold are dropped instead of making the writer fail. Line breaks become
    ``\\n``, which is Excel's own line break in a cell: a bare CR cannot survive anyway, because
    every XML reader (Excel, LibreOffice, openpyxl) turns it into LF (XML 1.0, section 2.11).
    """
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if not isinstance(value, str):
        return value
    return ILLEGAL_CHARACTERS_RE.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def needs_quote_prefix(value: object) -> bool:
    """Tell whether a value is text that Excel or LibreOffice could read as a formula."""
    value = safe_value(value)
    # An error code typed into a cell ("#N/A") becomes an error value, not text.
    return isinstance(value, str) and (value.startswith(_QUOTED_STARTS) or value in ERROR_CODES)


def _utf16_len(text: str) -> int:
    # Excel counts UTF-16 code units: a character outside the BMP (an emoji) counts twice.
    return len(text.encode("utf-16-le")) // 2


def _cut_utf16(text: str, limit: int) -> str:
    out, used = [], 0
    for char in text:
        used += 2 if ord(char) > 0xFFFF else 1
        if used > limit:
            break
        out.append(char)
    return "".join(out)


def _printable(text: str) -> str:
    """Drop control, format (e.g. right-to-left override), private-use and unassigned characters."""
    text = unicodedata.normalize("NFC", text)
    return "".join(c if unicodedata.category(c)[0] != "C" else " " for c in text)


def sheet_title(name: str, *, fallback: str = "_") -> str:
    """Return a title Excel accepts: 1–31 characters, none of ``[]:*?/\\``, no apostrophe at either end.

    ``fallback`` (sanitised the same way) is used when nothing of ``name`` is left.
    """
    title = _WHITESPACE.sub(" ", _SHEET_TITLE_FORBIDDEN.sub(" ", _printable(name)))
    title = _cut_utf16(title.strip(" '"), SHEET_TITLE_MAX).strip(" '")
    if title.casefold() in _SHEET_TITLE_RESERVED:
        title += "_"
    if not title:
        return sheet_title(fallback) if fallback != "_" else "_"
    return title


def unique_sheet_title(name: str, taken: set[str], *, fallback: str = "_") -> str:
    """Return ``sheet_title(name)``, numbered " (2)", " (3)"… if a title in ``taken`` already has it.

    Excel compares sheet titles without regard to case, so this does too. ``taken`` is not changed.
    """
    folded = {t.casefold() for t in taken}
    title = base = sheet_title(name, fallback=fallback)
    n = 1
    while title.casefold() in folded:
        n += 1
        suffix = f" ({n})"
        # The base cannot start with an apostrophe or a space, so cutting it never leaves it empty.
        title = _cut_utf16(base, SHEET_TITLE_MAX - len(suffix)).rstrip(" '") + suffix
    return title


def file_name(stem: str, suffix: str = ".xlsx") -> str:
    """Return a download file name from ``stem``, safe on Windows, macOS and Linux, ending in ``suffix``.

    Letters of any script (æ, ø, å) are kept; path separators, control characters and ``<>:"/\\|?*``
    become ``_``; leading dots and trailing dots and spaces go; Windows device names get a ``_`` in
    front; the whole name stays within 100 characters. "riskreg" stands in when nothing is left.
    """
    text = _WHITESPACE.sub(" ", _printable(stem))
    text = _FILE_NAME_FORBIDDEN.sub("_", text).strip(" .")
    text = _shorten(text, suffix)
    if not text.strip("_"):
        text = "riskreg"
    # Windows reserves device names with any extension ("con.tar.gz") and ignores trailing spaces.
    if text.split(".", 1)[0].rstrip(" ").upper() in _WINDOWS_RESERVED:
        text = _shorten("_" + text, suffix)
    return text + suffix


def _shorten(text: str, suffix: str) -> str:
    while text and (
        len(text + suffix) > FILE_NAME_MAX or len((text + suffix).encode()) > _FILE_NAME_MAX_BYTES
    ):
        text = text[:-1].rstrip(" .")
    return text
