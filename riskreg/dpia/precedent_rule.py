"""Which earlier rejections are precedents for a system: by legal entity or parent, never by a similar name.

No Flask, no database. Another system is a precedent when it counts as rejected and shares a legal entity with
the system: the same vendor record, or the same name among the vendor's name, the vendor's parent and the
parents of the sub-processors that serve it, compared after whitespace and case are normalised and nothing
else (no legal suffixes dropped, no fuzzy matching: "Dropbox" is not "Dropbox, Inc.").
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from riskreg.enums import SystemStatus


def entity_key(name: str | None) -> str:
    """Compare ``name`` as a legal entity: runs of whitespace as one space, case folded ('' for no name)."""
    # NFC only makes one spelling of "é" equal another; it changes no letter.
    return " ".join(unicodedata.normalize("NFC", name or "").split()).casefold()


@dataclass(frozen=True)
class Parties:
    """The legal entities behind a system, as entered in the register."""

    system_id: int
    vendor_id: int
    vendor_name: str
    vendor_parent: str = ""
    sub_processor_parents: tuple[str, ...] = ()

    def names(self) -> dict[str, str]:
        """Each entity's key and its name as first entered: vendor, its parent, then the sub-processors'."""
        found: dict[str, str] = {}
        for name in (self.vendor_name, self.vendor_parent, *self.sub_processor_parents):
            key = entity_key(name)
            if key and key not in found:
                found[key] = name.strip()
        return found


def counts_as_rejected(status: SystemStatus, has_rejection: bool) -> bool:
    """A system counts as rejected when a body recorded *rejected* on it or its status is *rejected*."""
    return has_rejection or status == SystemStatus.REJECTED


def shared_entities(system: Parties, other: Parties) -> tuple[str, ...]:
    """The legal entities ``other`` shares with ``system``, named as ``system`` has them; () for none.

    A system shares nothing with itself: it is never its own precedent.
    """
    if other.system_id == system.system_id:
        return ()
    mine, theirs = system.names(), other.names()
    shared = [name for key, name in mine.items() if key in theirs]
    if other.vendor_id == system.vendor_id and not shared:
        # The same vendor record is the same legal entity, whatever its name says.
        shared.append(system.vendor_name.strip() or f"#{system.vendor_id}")
    return tuple(shared)


def precedent_links(
    system: Parties, others: Iterable[tuple[Parties, SystemStatus, bool]]
) -> list[tuple[Parties, tuple[str, ...]]]:
    """The others that are precedents for ``system`` (rejected, sharing a legal entity), with what they share.

    ``others`` are (parties, status, whether a body recorded *rejected*) for each candidate.
    """
    links = []
    for other, status, has_rejection in others:
        if not counts_as_rejected(status, has_rejection):
            continue
        shared = shared_entities(system, other)
        if shared:
            links.append((other, shared))
    return links
