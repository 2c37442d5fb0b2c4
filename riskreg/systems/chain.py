"""The sub-processor chain of a system and the countries it reaches, from loaded rows (pure)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from riskreg.catalogue import translate
from riskreg.enums import CountryStatus, LocationKind
from riskreg.vendors.models import ProcessingLocation
from riskreg.vocabulary import N_

#: How a location without a country ("not disclosed") is named among the countries a system reaches.
UNDISCLOSED = N_("A country not disclosed")

SAFE = frozenset({CountryStatus.EU, CountryStatus.EEA})


class _HasId(Protocol):
    @property
    def id(self) -> int: ...


class ChainRow(Protocol):
    """What the chain needs of a sub-processor (a loaded ``SubProcessor`` has it)."""

    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def parent_id(self) -> int | None: ...
    @property
    def is_archived(self) -> bool: ...
    @property
    def systems(self) -> Sequence[_HasId]: ...


@dataclass
class ChainNode:
    sub_processor: Any
    # False: the sub-processor does not serve this system itself; it is shown because one below it does.
    applies: bool
    children: list[ChainNode] = field(default_factory=list)


def applies_to(sub_processor: ChainRow, system_id: int) -> bool:
    """A sub-processor serves the systems it is limited to, or every system of its vendor if none."""
    return not sub_processor.systems or any(s.id == system_id for s in sub_processor.systems)


def build_chain(system_id: int, sub_processors: Sequence[ChainRow]) -> list[ChainNode]:
    """The vendor's sub-processors that serve ``system_id`` as a tree following parent links.

    Archived sub-processors are left out and their children move up; a parent that does not serve the
    system stays in (``applies=False``) only to connect one below it that does; a loop of parent links is
    cut where it would repeat a sub-processor. Siblings are sorted by name.
    """
    live = {sp.id: sp for sp in sub_processors if not sp.is_archived}
    below: dict[int | None, list[ChainRow]] = {}
    for sp in live.values():
        parent = sp.parent_id if sp.parent_id in live and sp.parent_id != sp.id else None
        below.setdefault(parent, []).append(sp)
    placed: set[int] = set()

    def node(sp: ChainRow) -> ChainNode | None:
        placed.add(sp.id)
        children = build(sp.id)
        applies = applies_to(sp, system_id)
        return ChainNode(sp, applies, children) if applies or children else None

    def build(parent_id: int | None) -> list[ChainNode]:
        nodes = []
        for sp in sorted(below.get(parent_id, []), key=lambda s: (s.name.lower(), s.id)):
            if sp.id not in placed and (n := node(sp)) is not None:
                nodes.append(n)
        return nodes

    roots = build(None)
    # Members of a pure loop have no root; show them at the top rather than hide them.
    for sp in sorted(live.values(), key=lambda s: (s.name.lower(), s.id)):
        if sp.id not in placed and (n := node(sp)) is not None:
            roots.append(n)
    return roots


def walk(nodes: Sequence[ChainNode]) -> Iterator[ChainNode]:
    """Every node of a chain, parents before their children."""
    for n in nodes:
        yield n
        yield from walk(n.children)


@dataclass
class CountryUse:
    code: str
    name: str
    status: CountryStatus
    processing: bool = False
    support: bool = False
    recipients: list[str] = field(default_factory=list)

    @property
    def is_third_country(self) -> bool:
        return self.status not in SAFE


def country_uses(
    recipients: Sequence[tuple[str, Sequence[ProcessingLocation]]],
    status_of: dict[str, CountryStatus],
    language: str,
) -> list[CountryUse]:
    """Every country where a recipient (name, locations) processes data or has support access.

    A country's status is its status on the list given; a country absent from it has status ``none``, and
    so has a location whose country is not disclosed (code ''). Countries outside the EU/EEA come first.
    """
    uses: dict[str, CountryUse] = {}
    for name, locations in recipients:
        for loc in locations:
            code = loc.country_code or ""
            use = uses.get(code)
            if use is None:
                if not code:
                    label = translate(language, UNDISCLOSED)
                else:
                    label = loc.country.name(language) if loc.country is not None else code
                use = uses[code] = CountryUse(code, label, status_of.get(code, CountryStatus.NONE))
            if loc.kind == LocationKind.SUPPORT:
                use.support = True
            else:
                use.processing = True
            if name not in use.recipients:
                use.recipients.append(name)
    return sorted(uses.values(), key=lambda u: (not u.is_third_country, u.name.lower()))
