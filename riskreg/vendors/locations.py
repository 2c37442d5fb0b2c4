"""The countries a recipient (vendor or sub-processor) processes data in or has support access from."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple, Protocol

from riskreg.enums import LocationKind, TransferMechanism
from riskreg.vendors.models import ProcessingLocation


class Recipient(Protocol):
    locations: list[ProcessingLocation]


class Place(NamedTuple):
    """One location as stored: country (None: not disclosed), kind, and the country's own mechanism."""

    code: str | None
    kind: LocationKind
    #: None: the recipient's own mechanism covers this country.
    mechanism: TransferMechanism | None = None


#: What callers pass: (code, kind) as the imports do, or (code, kind, mechanism).
LocationInput = tuple[str | None, LocationKind | str] | tuple[str | None, LocationKind | str, object]


def clean_locations(locations: Iterable[LocationInput]) -> list[Place]:
    """Upper-case the codes, drop blank codes and duplicates, keep the order given.

    A code of None is kept: a location in a country the recipient does not disclose. A blank string is
    dropped, as before. Where the same country and kind come twice, a mechanism given wins over none.
    """
    seen: dict[tuple[str | None, LocationKind], TransferMechanism | None] = {}
    for item in locations:
        code, kind = item[0], LocationKind(item[1])
        raw = item[2] if len(item) > 2 else None  # type: ignore[misc]
        mechanism = TransferMechanism(raw) if raw not in (None, "") else None  # type: ignore[arg-type]
        if code is not None:
            code = code.strip().upper()
            if not code:
                continue
        key = (code, kind)
        if key not in seen or mechanism is not None:
            seen[key] = mechanism
    return [Place(code, kind, mechanism) for (code, kind), mechanism in seen.items()]


def replace_locations(recipient: Recipient, locations: Iterable[LocationInput]) -> bool:
    """Make the recipient's locations exactly ``locations`` (rows that stay are kept); True if changed.

    A location whose mechanism changes is replaced by a new row, so that the audit log shows the change.
    """
    wanted = clean_locations(locations)
    current = {(loc.country_code, loc.kind, loc.mechanism): loc for loc in recipient.locations}
    changed = False
    for key, loc in current.items():
        if Place(*key) not in wanted:
            recipient.locations.remove(loc)
            changed = True
    for place in wanted:
        if tuple(place) not in current:
            recipient.locations.append(
                ProcessingLocation(country_code=place.code, kind=place.kind, mechanism=place.mechanism)
            )
            changed = True
    return changed
