"""Country names as vendors write them, mapped to the codes riskreg knows. No Flask, no session.

A ``CountryIndex`` is built from the ``country`` table's rows (code, English name, Danish name), to which it
adds pycountry's names, official names and alpha-3 codes and the variants people write (USA, U.K., Holland,
Deutschland...). Names are compared folded: case, accents, punctuation and a leading "the" do not matter,
and letters written with dots (U.S.A.) read as one word.

A region that is not one country ("EU", "Worldwide", "Asia") is never guessed: it is reported so that the
user names the countries. A cell may list several countries separated by ``,`` ``;`` ``/`` ``|``, "and",
"og" or line breaks; a name that itself holds a separator ("Korea, Republic of", "Bosnia and
Herzegovina") is still read as one country.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from riskreg.imports.files import Problem
from riskreg.vocabulary import N_

#: Written variants that no reference list carries, folded on use.
VARIANTS: dict[str, tuple[str, ...]] = {
    "US": (
        "USA",
        "U.S.",
        "U.S.A.",
        "US of A",
        "United States of America",
        "America",
        "Amerika",
        "Forenede Stater",
        "De Forenede Stater",
        "Amerikas Forenede Stater",
    ),
    "GB": (
        "UK",
        "U.K.",
        "Great Britain",
        "Britain",
        "England",
        "Scotland",
        "Wales",
        "Northern Ireland",
        "Skotland",
        "Nordirland",
        "Det Forenede Kongerige",
        "Storbritannien og Nordirland",
    ),
    "NL": ("Holland", "The Netherlands", "Nederland"),
    "KR": ("Korea", "South Korea", "Republic of Korea", "Sydkorea"),
    "KP": ("North Korea", "Nordkorea"),
    "DE": ("Deutschland",),
    "AT": ("Österreich",),
    "CH": ("Schweiz", "Suisse", "Svizzera"),
    "ES": ("España",),
    "IT": ("Italia",),
    "PL": ("Polska",),
    "SE": ("Sverige",),
    "NO": ("Norge",),
    "FI": ("Suomi",),
    "DK": ("Danmark",),
    "IE": ("Eire", "Éire", "Republic of Ireland"),
    "CZ": ("Czech Republic", "Tjekkiet"),
    "TR": ("Turkey", "Tyrkiet"),
    "TW": ("Taiwan",),
    "VN": ("Vietnam",),
    "RU": ("Russia", "Russian Federation"),
    "AE": ("UAE", "U.A.E.", "Emirates"),
    "CI": ("Ivory Coast",),
    "MK": ("Macedonia",),
    "SZ": ("Swaziland",),
    "MM": ("Burma",),
    "CV": ("Cape Verde",),
    "HK": ("Hong Kong SAR",),
    "CN": ("PRC", "People's Republic of China", "Mainland China", "Kina"),
}

#: Words for more than one country: flagged, never guessed.
REGIONS = (
    "EU",
    "E.U.",
    "EEA",
    "EØS",
    "EU/EEA",
    "EU/EØS",
    "Europe",
    "Europa",
    "European Union",
    "Den Europæiske Union",
    "European Economic Area",
    "Det Europæiske Økonomiske Samarbejdsområde",
    "Worldwide",
    "World wide",
    "Global",
    "Globally",
    "Globalt",
    "International",
    "Hele verden",
    "Verden",
    "Multiple",
    "Multiple countries",
    "Flere",
    "Flere lande",
    "Various",
    "Diverse",
    "Asia",
    "Asien",
    "APAC",
    "Asia Pacific",
    "EMEA",
    "Americas",
    "North America",
    "Nordamerika",
    "South America",
    "Sydamerika",
    "Latin America",
    "Latinamerika",
    "Middle East",
    "Mellemøsten",
    "Africa",
    "Afrika",
    "Oceania",
    "Nordics",
    "Nordic countries",
    "Norden",
    "De nordiske lande",
    "Scandinavia",
    "Skandinavien",
    "Third countries",
    "Tredjelande",
)

# Separators between countries in one cell; the parentheses keep them for rejoining names that hold one.
_SEPARATOR = re.compile(r"(\s*[,;/|\n]\s*|\s+and\s+|\s+og\s+)", re.IGNORECASE)
_PARENTHESIS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_TRANSLITERATE = str.maketrans({"ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "ß": "ss", "&": " and "})
#: The most separators a single country name holds ("Saint Helena, Ascension and Tristan da Cunha").
_LONGEST_NAME_PARTS = 5
#: The most distinct cells an index remembers the reading of.
_CELL_CACHE = 100_000
_EMPTY = {"", "-", "–", "n a", "na", "none", "ingen"}

#: Words for a country the recipient does not name ("not disclosed"): a location of unknown country,
#: classified ``unknown`` and never safe. Folded on use; a blank cell means the same where a list must name
#: a country.
UNKNOWN = (
    "unknown",
    "unknown country",
    "not known",
    "not disclosed",
    "undisclosed",
    "not specified",
    "unspecified",
    "not stated",
    "not provided",
    "n/a",
    "na",
    "tbd",
    "tbc",
    "?",
    "-",
    "–",
    "ukendt",
    "ukendt land",
    "ikke oplyst",
    "ikke angivet",
    "ikke kendt",
    "ikke offentliggjort",
    "uoplyst",
)


def fold(text: str) -> str:
    """``text`` compared loosely: no case, accents or punctuation; "U.S.A." reads as "usa"."""
    text = unicodedata.normalize("NFKD", text.translate(_TRANSLITERATE))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    words = re.sub(r"[^\w]+", " ", text).split()
    merged: list[str] = []
    run = ""
    for word in words:  # letters written with dots or spaces between them: U.S.A. -> usa
        if len(word) == 1 and word.isalpha():
            run += word
            continue
        if run:
            merged.append(run)
            run = ""
        merged.append(word)
    if run:
        merged.append(run)
    if len(merged) > 1 and merged[0] == "the":
        merged = merged[1:]
    return " ".join(merged)


_UNKNOWN = frozenset(fold(word) for word in UNKNOWN) | {""}


def is_unknown(text: str) -> bool:
    """True for a blank cell or a word for a country not named ("unknown", "not disclosed", "ikke oplyst")."""
    return fold(text) in _UNKNOWN or not text.strip(" ?-–")


@dataclass(frozen=True)
class Lookup:
    """What one name means: a country (``code``), a region, several countries, or nothing known."""

    code: str | None = None
    is_region: bool = False
    candidates: tuple[str, ...] = ()


class CountryIndex:
    """Country names, codes and variants -> the codes of the ``country`` table."""

    def __init__(self, names: dict[str, Lookup], codes: Iterable[str]) -> None:
        self._names = names
        self.codes = frozenset(codes)
        # A register repeats its cells ("Irland, USA" on thousands of rows): each is read once.
        self._cells: dict[str, tuple[list[str], bool, list[Problem]]] = {}

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, str, str]]) -> CountryIndex:
        """Build the index from (code, English name, Danish name) rows of the ``country`` table."""
        rows = list(rows)
        known = {code.upper() for code, _en, _da in rows}
        # Earlier tiers win; two countries claiming one name within a tier make it ambiguous.
        tiers: list[list[tuple[str, str]]] = [
            [(name, code) for code, variants in VARIANTS.items() if code in known for name in variants],
            [(name, code.upper()) for code, en, da in rows for name in (en, da) if name],
            list(_pycountry_names(known)),
            [(code, code.upper()) for code, _en, _da in rows],
            list(_alpha3(known)),
        ]
        names: dict[str, Lookup] = {fold(region): Lookup(is_region=True) for region in REGIONS}
        for tier in tiers:
            claims: dict[str, set[str]] = {}
            for name, code in tier:
                key = fold(name)
                if key and key not in names:
                    claims.setdefault(key, set()).add(code)
            for key, codes in claims.items():
                if len(codes) == 1:
                    names[key] = Lookup(code=next(iter(codes)))
                else:
                    names[key] = Lookup(candidates=tuple(sorted(codes)))
        return cls(names, known)

    def lookup(self, name: str) -> Lookup:
        """What ``name`` means; a name in parentheses after it is a place ("Ireland (Dublin)")."""
        found = self._names.get(fold(name))
        if found is None:
            bare = _PARENTHESIS.sub(" ", name)
            if bare != name and bare.strip():
                found = self._names.get(fold(bare))
        return found or Lookup()

    def resolve(
        self, cell: str, row: int | None = None, column: str | None = None
    ) -> tuple[list[str], list[Problem]]:
        """The country codes a cell lists, in order and once each, and a Problem for each name not read.

        A word for an unknown country ("not disclosed") is left out, as an empty cell is.
        """
        codes, _unknown, problems = self.resolve_places(cell, row, column)
        return codes, problems

    def resolve_places(
        self, cell: str, row: int | None = None, column: str | None = None
    ) -> tuple[list[str], bool, list[Problem]]:
        """The country codes a cell lists, whether it names a place it does not disclose, and the problems.

        ``unknown`` is True for a blank cell, a cell that says "unknown" (or "not disclosed", "ikke oplyst",
        "n/a"...), and for such a word among countries ("Ireland, unknown").
        """
        known = self._cells.get(cell)
        if known is None:
            if len(self._cells) > _CELL_CACHE:
                self._cells.clear()
            known = self._cells[cell] = self._read_places(cell)
        codes, unknown, problems = known
        return list(codes), unknown, [Problem(p.msgid, p.params, row, column) for p in problems]

    def _read_places(self, cell: str) -> tuple[list[str], bool, list[Problem]]:
        row = column = None
        if is_unknown(cell):
            return [], True, []
        codes: list[str] = []
        unknown = False
        problems: list[Problem] = []
        parts = _split(cell)  # names at even positions, the separators between them at odd ones
        i = 0
        while i < len(parts):
            # The longest run of names that is one name: "Korea, Republic of" before "Korea".
            for j in range(min(len(parts), i + 2 * _LONGEST_NAME_PARTS - 1), i, -2):
                name = "".join(parts[i:j]).strip()
                found = self.lookup(name)
                if found.code or found.is_region or found.candidates or j == i + 1:
                    break
            i = j + 1
            if is_unknown(name) and not found.code:
                unknown = True
                continue
            if fold(name) in _EMPTY:
                continue
            if found.code:
                if found.code not in codes:
                    codes.append(found.code)
            elif found.is_region:
                problems.append(
                    Problem(
                        N_("“%(value)s” is a region, not a country: name the countries it means."),
                        {"value": name},
                        row,
                        column,
                    )
                )
            elif found.candidates:
                problems.append(
                    Problem(
                        N_("“%(value)s” could mean several countries (%(codes)s): name the country."),
                        {"value": name, "codes": ", ".join(found.candidates)},
                        row,
                        column,
                    )
                )
            else:
                problems.append(Problem(N_("Unknown country: “%(value)s”."), {"value": name}, row, column))
        return codes, unknown, problems


def _split(cell: str) -> list[str]:
    """The cell cut at separators outside parentheses: names and separators, alternating, names first."""
    pieces: list[str] = []
    depth = 0
    start = position = 0
    text = cell.strip()
    while position < len(text):
        char = text[position]
        if char in "([":
            depth += 1
        elif char in ")]":
            depth = max(depth - 1, 0)
        elif depth == 0 and (match := _SEPARATOR.match(text, position)) and position > start:
            pieces += [text[start:position], match.group(0)]
            start = position = match.end()
            continue
        position += 1
    pieces.append(text[start:])
    return pieces


def _pycountry_names(known: set[str]) -> Iterable[tuple[str, str]]:
    import pycountry  # imported here: only building an index needs it

    for country in pycountry.countries:
        if country.alpha_2 not in known:
            continue
        for attr in ("name", "official_name", "common_name"):
            name = getattr(country, attr, None)
            if name:
                yield name, country.alpha_2


def _alpha3(known: set[str]) -> Iterable[tuple[str, str]]:
    import pycountry

    for country in pycountry.countries:
        if country.alpha_2 in known:
            yield country.alpha_3, country.alpha_2
