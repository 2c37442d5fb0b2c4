"""The countries a recipient (vendor or sub-processor) processes data in or has support access from."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from riskreg.enums import LocationKind
from riskreg.vendors.models import ProcessingLocation


class Recipient(Protocol):
    locations: list[ProcessingLocation]


def clean_locations(locations: Iterable[tuple[str, LocationKind | str]]) -> list[tuple[str, LocationKind]]:
    """Drop empty codes and duplicates, upper-case the codes, keep the order given."""
    seen: dict[tuple[str, LocationKind], None] = {}
    for code, kind in locations:
        if code and code.strip():
            seen[(code.strip().upper(), LocationKind(kind))] = None
    return list(seen)


def replace_locations(recipient: Recipient, locations: list[tuple[str, LocationKind]]) -> bool:
    """Make the recipient's locations exactly ``locations`` (rows that stay are kept); True if changed."""
    wanted = set(locations)
    current = {(loc.country_code, loc.kind): loc for loc in recipient.locations}
    changed = False
    for key, loc in current.items():
        if key not in wanted:
            recipient.locations.remove(loc)
            changed = True
    for code, kind in locations:
        if (code, kind) not in current:
            recipient.locations.append(ProcessingLocation(country_code=code, kind=kind))
            changed = True
    return changed
