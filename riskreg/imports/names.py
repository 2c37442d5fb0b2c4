"""Organisation names reduced to what identifies them: "Acme, Inc." and "ACME Inc" compare equal. No Flask.

``normalise`` folds case and accents (the Danish letters æ, ø and å stay themselves), reads ``&`` as "and",
drops punctuation, and ignores the legal form at the end of a name ("Inc.", "L.L.C.", "GmbH & Co. KG", "A/S",
"Pty Ltd", several in a row, after a comma or not). It keeps everything else: "Microsoft Ireland Operations"
stays apart from "Microsoft", so a subsidiary never equals its parent.
"""

from __future__ import annotations

import re
import unicodedata

#: Legal forms, as their letters (dots and slashes dropped, lower case). Only ever removed at the end.
LEGAL_SUFFIXES = frozenset(
    {
        # English-speaking countries
        "inc", "incorporated", "llc", "ltd", "limited", "corp", "corporation", "co", "company", "plc",
        "pty", "lp", "llp", "pc",
        # German-speaking countries, the Netherlands, Belgium
        "gmbh", "ag", "kg", "se", "bv", "nv", "bvba",
        # Nordic countries
        "aps", "as", "asa", "ab", "oy", "oyj", "ps", "ivs",
        # France, Italy, Spain, Luxembourg
        "sa", "sas", "sarl", "srl", "spa", "sl",
    }
)  # fmt: skip
#: Words that only join a legal form to the name ("Smith & Co.", "GmbH & Co. KG").
_JOINERS = frozenset({"and"})
#: Slashed legal forms, kept whole ("A/S" is a legal form, "Sales/Marketing" is two words).
_SLASHED = re.compile(r"\b([aikp])\s*/\s*s\b")
#: Dots and apostrophes join what they separate ("L.L.C." -> "llc", "O'Brien" -> "obrien").
_JOINING = re.compile(r"[.'’`´]")
_NOT_WORD = re.compile(r"[^\w]+|_")
_KEEP = frozenset("æøå")


def fold(text: str) -> str:
    """Lower case without accents, except the Danish letters æ, ø and å."""
    text = unicodedata.normalize("NFC", text.casefold())
    if text.isascii():
        return text
    out = []
    for char in text:
        if char in _KEEP or char.isascii():
            out.append(char)
            continue
        out.extend(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    # Compatibility forms decompose to capitals too ("𝕬" -> "A").
    return "".join(out).casefold()


def normalise(name: str) -> str:
    """``name`` as words without case, accents, punctuation or a trailing legal form ('' for no name)."""
    text = fold(name).replace("&", " and ")
    text = _SLASHED.sub(r"\1s", text)
    text = _JOINING.sub("", text)
    words = _NOT_WORD.sub(" ", text).split()
    # Strip legal forms from the end, and a joiner left dangling by one ("Smith & Co." -> "smith"),
    # but never the whole name: a company called "AB" is still called something.
    end = len(words)
    while end > 1 and words[end - 1] in LEGAL_SUFFIXES:
        end -= 1
        if end > 1 and words[end - 1] in _JOINERS:
            end -= 1
    return " ".join(words[:end])
