"""A vendor's sub-processor list compared with the register's. No Flask, no session.

``diff`` compares the rows of a list (``Listed``, from ``riskreg.imports.subprocessors.parse``) with the
vendor's current sub-processors (``Current``), matched by normalised name: added, removed, changed
(countries, service, mechanism, entity country, parent) and unchanged, and which countries outside the
EU/EEA are new to the vendor's sub-processors. ``fingerprint`` tells whether the current list has changed
since a preview.

Everything here is plain data that goes into an import batch's JSON payload and comes back out of it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from riskreg.imports.names import normalise
from riskreg.imports.subprocessors.parse import Listed

# --- what the register says ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Current:
    """A current (not archived) sub-processor of the vendor, as plain data."""

    id: int
    name: str
    countries: tuple[str, ...]  # processing, sorted
    support_countries: tuple[str, ...]  # sorted
    service: str
    entity_country: str
    mechanism: str
    parent: str

    @property
    def key(self) -> str:
        return normalise(self.name)


def fingerprint(current: Iterable[Current]) -> str:
    """A digest of the vendor's current list: an import previewed against another list must not apply."""
    rows = sorted((asdict(c) for c in current), key=lambda c: c["id"])
    return hashlib.sha256(json.dumps(rows, sort_keys=True).encode()).hexdigest()


# --- the difference -----------------------------------------------------------------------------------------

ADDED, REMOVED, CHANGED, UNCHANGED = "added", "removed", "changed", "unchanged"
KINDS = (ADDED, REMOVED, CHANGED, UNCHANGED)
#: Fields compared besides the countries: (name on ``Listed``, name on ``Current``).
COMPARED = ("service", "mechanism", "entity_country", "parent")


@dataclass
class Entry:
    """One sub-processor in the difference."""

    kind: str
    name: str
    row: int | None = None  # in the file
    sub_processor_id: int | None = None  # in the register
    countries_before: list[str] = field(default_factory=list)
    countries_after: list[str] = field(default_factory=list)
    support_before: list[str] = field(default_factory=list)
    support_after: list[str] = field(default_factory=list)
    # field -> [before, after] for the fields that change
    fields: dict[str, list[str]] = field(default_factory=dict)
    new_third: list[str] = field(default_factory=list)  # countries of this entry that are new third countries

    @property
    def countries_added(self) -> list[str]:
        return [c for c in self.countries_after if c not in self.countries_before]

    @property
    def countries_removed(self) -> list[str]:
        return [c for c in self.countries_before if c not in self.countries_after]

    @property
    def support_added(self) -> list[str]:
        return [c for c in self.support_after if c not in self.support_before]

    @property
    def support_removed(self) -> list[str]:
        return [c for c in self.support_before if c not in self.support_after]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Entry:
        return cls(**data)


@dataclass
class Diff:
    entries: list[Entry]
    #: Countries outside the EU/EEA that none of the vendor's current sub-processors has, and the list adds.
    new_third: list[str]

    def of(self, kind: str) -> list[Entry]:
        return [e for e in self.entries if e.kind == kind]

    @property
    def has_changes(self) -> bool:
        return any(e.kind != UNCHANGED for e in self.entries)

    def counts(self) -> dict[str, int]:
        counts = {kind: len(self.of(kind)) for kind in KINDS}
        counts["new_third"] = len(self.new_third)
        return counts

    def to_json(self) -> dict[str, Any]:
        return {"entries": [e.to_json() for e in self.entries], "new_third": list(self.new_third)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Diff:
        return cls([Entry.from_json(e) for e in data["entries"]], list(data["new_third"]))


def diff(listed: Sequence[Listed], current: Sequence[Current], third_countries: Iterable[str]) -> Diff:
    """The list against the register: matched by normalised name; ``third_countries`` are outside the EU/EEA.

    A field the file has no column for is not compared (and will not change). Of two current sub-processors
    with the same normalised name, the first (lowest id) is matched and the other is removed.
    """
    third = set(third_countries)
    by_key: dict[str, Current] = {}
    for c in sorted(current, key=lambda c: c.id):
        by_key.setdefault(c.key, c)
    matched: set[int] = set()
    entries: list[Entry] = []
    for item in listed:
        now = by_key.get(item.key)
        if now is None or now.id in matched:
            entries.append(
                Entry(
                    ADDED,
                    item.name,
                    row=item.row,
                    countries_after=list(item.countries),
                    support_after=list(item.support_countries or ()),
                    fields={
                        name: ["", value]
                        for name in COMPARED
                        if (value := getattr(item, name)) not in (None, "")
                    },
                )
            )
            continue
        matched.add(now.id)
        support = (
            list(item.support_countries)
            if item.support_countries is not None
            else list(now.support_countries)
        )
        changed_fields = {
            name: [getattr(now, name), after]
            for name in COMPARED
            if (after := getattr(item, name)) is not None and after != getattr(now, name)
        }
        entry = Entry(
            CHANGED,
            now.name,  # as the register spells it: the list's spelling matched it
            row=item.row,
            sub_processor_id=now.id,
            countries_before=list(now.countries),
            countries_after=list(item.countries),
            support_before=list(now.support_countries),
            support_after=support,
            fields=changed_fields,
        )
        same_places = set(entry.countries_before) == set(entry.countries_after) and set(
            entry.support_before
        ) == set(entry.support_after)
        if same_places and not changed_fields:
            entry.kind = UNCHANGED
        entries.append(entry)
    for c in sorted(current, key=lambda c: (c.name.lower(), c.id)):
        if c.id not in matched:
            entries.append(
                Entry(
                    REMOVED,
                    c.name,
                    sub_processor_id=c.id,
                    countries_before=list(c.countries),
                    support_before=list(c.support_countries),
                )
            )
    had = {code for c in current for code in (*c.countries, *c.support_countries)}
    new_third: list[str] = []
    for entry in entries:
        if entry.kind == REMOVED:
            continue
        entry.new_third = [
            code
            for code in dict.fromkeys(entry.countries_after + entry.support_after)
            if code in third and code not in had
        ]
        new_third += [code for code in entry.new_third if code not in new_third]
    return Diff(entries, sorted(new_third))
