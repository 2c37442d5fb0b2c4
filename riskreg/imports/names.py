"""Organisation names reduced to what identifies them: "Acme, Inc." and "ACME Inc" compare equal. No Flask.

``normalise`` folds case and accents (the Danish letters æ, ø and å stay themselves), reads ``&`` as "and",
drops punctuation, and ignores the legal form at the end of a name ("Inc.", "L.L.C.", "GmbH & Co. KG", "A/S",
"Pty Ltd", several in a row, after a comma or not). It keeps everything else: "Microsoft Ireland Operations"
stays apart from "Microsoft", so a subsidiary never equals its parent.

The legal form is ignored for comparing, not lost: ``legal_form`` gives it, and ``jurisdiction`` the family of
legal systems it belongs to ("llc" and "inc" are the United States', "limited" and "unlimited company" the
British and Irish), so that a matcher can refuse to take "Slack Technologies Limited" for "Slack Technologies,
LLC". ``strip_qualifier`` separates a parenthetical qualifier ("Google LLC (affiliate)") from the name.
"""

from __future__ import annotations

import re
import unicodedata

#: Legal forms, as their letters (dots and slashes dropped, lower case), by the legal systems they belong to.
#: "co" and "company" are used everywhere (the Coca-Cola Company, Co., Ltd.): they belong to none.
JURISDICTIONS: dict[str, frozenset[str]] = {
    "us": frozenset({"inc", "incorporated", "llc", "pllc", "corp", "corporation", "lp", "llp", "pc"}),
    "uk_ie": frozenset({"ltd", "limited", "plc", "pty", "unlimited", "uc", "dac", "clg"}),
    "de_at_ch": frozenset({"gmbh", "ag", "kg", "kgaa", "ohg", "ug", "se"}),
    "benelux": frozenset({"bv", "nv", "bvba"}),
    "nordic": frozenset({"aps", "as", "asa", "ab", "oy", "oyj", "ps", "ivs", "hf", "ehf"}),
    "romance": frozenset({"sa", "sas", "sarl", "srl", "spa", "sl", "sau", "lda"}),
}
#: Every legal form. Only ever removed at the end.
LEGAL_SUFFIXES = frozenset({"co", "company"}.union(*JURISDICTIONS.values()))
_FAMILY = {form: family for family, forms in JURISDICTIONS.items() for form in forms}
#: Words that only join a legal form to the name ("Smith & Co.", "GmbH & Co. KG").
_JOINERS = frozenset({"and"})
#: Slashed legal forms, kept whole ("A/S" is a legal form, "Sales/Marketing" is two words).
_SLASHED = re.compile(r"\b([aikp])\s*/\s*s\b")
#: Dots and apostrophes join what they separate ("L.L.C." -> "llc", "O'Brien" -> "obrien").
_JOINING = str.maketrans("", "", ".'’`´")
_WORD = re.compile(r"[^\W_]+")
_KEEP = frozenset("æøå")
#: A parenthetical qualifier at the end of a name: "(affiliate)", "[EU]", "(and its US subsidiaries)".
_QUALIFIER = re.compile(r"\s*(\([^()\[\]]*\)|\[[^()\[\]]*\])\s*$")


def fold(text: str) -> str:
    """Lower case without accents, except the Danish letters æ, ø and å."""
    text = text.casefold()
    if text.isascii():
        return text
    text = unicodedata.normalize("NFC", text)
    out = []
    for char in text:
        if char in _KEEP or char.isascii():
            out.append(char)
            continue
        out.extend(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    # Compatibility forms decompose to capitals too ("𝕬" -> "A").
    return "".join(out).casefold()


def _split(name: str) -> tuple[list[str], list[str]]:
    """The words of ``name`` as compared, and the legal-form words at its end."""
    text = fold(name).replace("&", " and ")
    if "/" in text:
        text = _SLASHED.sub(r"\1s", text)
    words = _WORD.findall(text.translate(_JOINING))
    # Strip legal forms from the end, and a joiner left dangling by one ("Smith & Co." -> "smith"),
    # but never the whole name: a company called "AB" is still called something.
    end = len(words)
    while end > 1 and words[end - 1] in LEGAL_SUFFIXES:
        end -= 1
        if end > 1 and words[end - 1] in _JOINERS:
            end -= 1
    return words[:end], words[end:]


def normalise(name: str) -> str:
    """``name`` as words without case, accents, punctuation or a trailing legal form ('' for no name)."""
    return " ".join(_split(name)[0])


def parts(name: str) -> tuple[str, str]:
    """``normalise(name)`` and ``legal_form(name)`` at the cost of one."""
    words, form = _split(name)
    return " ".join(words), " ".join(form)


def legal_form(name: str) -> str:
    """The legal form ending ``name``, as compared ("Acme GmbH & Co. KG" -> "gmbh and co kg"; '' for none)."""
    return " ".join(_split(name)[1])


def jurisdiction(form: str) -> str:
    """The family of legal systems a legal form (as ``legal_form`` gives it) belongs to; '' for none or only
    "Co."/"Company". A form mixing families ("Ltd. LLC") gives its last word's."""
    families = [_FAMILY[w] for w in form.split() if w in _FAMILY]
    return families[-1] if families else ""


def strip_qualifier(name: str) -> tuple[str, str]:
    """``name`` without the parenthetical qualifiers at its end, and those qualifiers as written.

    "Google LLC (affiliate)" -> ("Google LLC", "(affiliate)"). A name that is only a qualifier keeps it:
    "(Acme)" stays "(Acme)". Stripping twice gives what stripping once did.
    """
    base = " ".join(name.split())
    if not base.endswith((")", "]", ",", ";")):
        return base, ""
    qualifiers: list[str] = []
    while True:
        # A qualifier after a comma ("Acme, Inc., (US)") leaves the comma behind: drop it too.
        base = base.rstrip(" ,;") or base
        found = _QUALIFIER.search(base)
        if found is None or not base[: found.start()].strip(" ,;"):
            return base, " ".join(qualifiers)
        qualifiers.insert(0, found.group(1))
        base = base[: found.start()]
