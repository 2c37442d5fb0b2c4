"""Importing a vendor's sub-processor list: a preview to look at first, then applied all at once.

``preview`` reads the list (``riskreg.imports.subprocessors.parse``), compares it with the vendor's current
sub-processors (``riskreg.imports.subprocessors.diff``) and keeps the result as a pending batch, with the
affected systems' verdicts before and after: "after" is computed by making the changes inside a savepoint
that is rolled back, so nothing in the register (and no stored verdict) changes. ``apply`` makes the changes
in one transaction — new sub-processors created, changed ones updated with their countries replaced, removed
ones archived (never deleted), each with the list's source and date — and the stored verdicts follow on
commit (``riskreg.transfers.tracking``).
A batch previewed against a list that has changed since is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from riskreg.auth.models import User
from riskreg.catalogue import label_in, translate
from riskreg.countries.models import Country, CountryListEntry, country_names
from riskreg.db import utcnow
from riskreg.enums import (
    CountryStatus,
    ImportKind,
    ImportState,
    LocationKind,
    Outcome,
    TransferClass,
    TransferMechanism,
)
from riskreg.errors import ConflictError, DomainError
from riskreg.imports.country_names import CountryIndex
from riskreg.imports.files import ImportRefused, Limits, Problem, Table, read_table, read_text
from riskreg.imports.models import ImportBatch
from riskreg.imports.names import normalise
from riskreg.imports.subprocessors import parse as parsing
from riskreg.imports.subprocessors.diff import (
    ADDED,
    CHANGED,
    REMOVED,
    Current,
    Diff,
    Entry,
    diff,
    fingerprint,
)
from riskreg.imports.subprocessors.parse import UNKNOWN_COUNTRY, Listed
from riskreg.services import assign, commit
from riskreg.subprocessors.services import check_sub_processor
from riskreg.systems.chain import applies_to
from riskreg.systems.models import System
from riskreg.transfers import findings, sources, tracking
from riskreg.vendors.locations import Place, clean_locations, replace_locations
from riskreg.vendors.models import SubProcessor, Vendor
from riskreg.vocabulary import N_

FILENAME_MAX = 255
SOURCE_MAX = 1000
#: How the preview names a location of unknown country.
UNKNOWN_LABEL = N_("unknown country (not disclosed)")


def today() -> dt.date:
    return dt.date.today()


# --- reading ------------------------------------------------------------------------------------------------


def read(data: bytes | None, text: str | None, limits: Limits | None = None) -> Table:
    """The table of an uploaded file (empty or not) or a pasted one; ``ImportRefused`` for neither or both."""
    if data is not None and text and text.strip():
        raise ImportRefused.single(N_("Upload a file or paste a table, not both."))
    if data is not None:
        return read_table(data, limits)
    if text and text.strip():
        return read_text(text, limits)
    raise ImportRefused.single(N_("Upload a file or paste a table."))


def country_index(session: Session) -> CountryIndex:
    rows = session.execute(select(Country.code, Country.name_en, Country.name_da))
    return CountryIndex.from_rows((code, en, da) for code, en, da in rows)


def current_list(session: Session, vendor: Vendor) -> list[Current]:
    """The vendor's current (not archived) sub-processors as plain data, in one query and its locations."""
    subs = session.scalars(
        select(SubProcessor)
        .where(SubProcessor.vendor_id == vendor.id, SubProcessor.is_archived.is_(False))
        .options(selectinload(SubProcessor.locations))
        .order_by(SubProcessor.id)
    ).all()
    return [
        Current(
            id=sp.id,
            name=sp.name,
            countries=tuple(
                sorted(
                    loc.country_code or UNKNOWN_COUNTRY
                    for loc in sp.locations
                    if loc.kind == LocationKind.PROCESSING
                )
            ),
            support_countries=tuple(
                sorted(
                    loc.country_code or UNKNOWN_COUNTRY
                    for loc in sp.locations
                    if loc.kind == LocationKind.SUPPORT
                )
            ),
            service=sp.service or "",
            entity_country=sp.country_code or "",
            mechanism=sp.transfer_mechanism.value,
            parent=sp.parent_company or "",
        )
        for sp in subs
    ]


def find_vendors(session: Session, name: str) -> list[Vendor]:
    """Vendors called ``name``: ignoring case, else ignoring punctuation and legal forms (A/S, Inc.)."""
    wanted = name.strip().casefold()
    vendors = session.scalars(select(Vendor).order_by(Vendor.name, Vendor.id)).all()
    exact = [v for v in vendors if v.name.strip().casefold() == wanted]
    if exact or not normalise(name):
        return exact
    return [v for v in vendors if normalise(v.name) == normalise(name)]


def third_countries(session: Session, source: sources.ListSource) -> set[str]:
    """The countries that are neither EU nor EEA on the official list version of ``source``."""
    inside = set(
        session.scalars(
            select(CountryListEntry.country_code).where(
                CountryListEntry.list_version_id == source.official_version_id,
                CountryListEntry.status.in_([CountryStatus.EU, CountryStatus.EEA]),
            )
        )
    )
    return set(session.scalars(select(Country.code))) - inside


# --- preview ------------------------------------------------------------------------------------------------


def preview(
    session: Session,
    vendor: Vendor,
    table: Table,
    source: str = "",
    source_on: dt.date | None = None,
    filename: str = "",
    lang: str = "da",
    user: User | None = None,
    *,
    commit_batch: bool = True,
) -> ImportBatch:
    """Read and compare the list; keep it as a pending batch. ``ImportRefused`` with every problem found.

    With ``commit_batch=False`` the batch is only flushed: a dry run shows it and rolls back.
    """
    source = (source or "").strip()
    problems: list[Problem] = []
    if len(source) > SOURCE_MAX:
        problems.append(Problem(N_("The source can have at most %(n)s characters."), {"n": SOURCE_MAX}))
    if source_on is not None and source_on > today():
        problems.append(Problem(N_("The date of the source cannot be in the future.")))
    try:
        listed = parsing.parse(table, country_index(session))
    except ImportRefused as exc:
        problems += exc.problems
    if problems:
        raise ImportRefused(problems)
    current = current_list(session, vendor)
    list_source: sources.ListSource | None = None
    list_error: str | None = None
    try:
        list_source = sources.official_source(session, sources.today(), lang)
    except DomainError as exc:
        list_error = exc.message
    third = third_countries(session, list_source) if list_source is not None else set()
    result = diff(listed, current, third)
    batch = ImportBatch(
        kind=ImportKind.SUBPROCESSORS,
        state=ImportState.PENDING,
        filename=(filename or "")[:FILENAME_MAX],
        source=source,
        source_on=source_on,
        vendor=vendor,
        created_by_id=user.id if user is not None else None,
        payload={},
        summary={**result.counts(), "rows": len(table.rows)},
    )
    session.add(batch)
    # The batch row opens the transaction, so that the savepoint below is nested in it on every database.
    session.flush()
    try:
        systems = (
            _affected_verdicts(session, vendor, listed, result, list_source, batch) if list_source else []
        )
    except ImportRefused:
        session.rollback()
        raise
    batch.payload = {
        "rows": [item.to_json() for item in listed],
        "diff": result.to_json(),
        "fingerprint": fingerprint(current),
        "systems": systems,
        "list": {lang: list_source.label(lang) for lang in ("da", "en")} if list_source else None,
        "list_error": list_error,
    }
    if commit_batch:
        commit(session)
    else:
        session.flush()
    return batch


def _affected_ids(session: Session, vendor: Vendor, result: Diff) -> list[int]:
    """The vendor's live systems that a changed, added or removed sub-processor serves."""
    systems = session.scalars(
        select(System).where(System.vendor_id == vendor.id, System.is_archived.is_(False)).order_by(System.id)
    ).all()
    if result.of(ADDED):
        return [s.id for s in systems]  # a new sub-processor serves every system of its vendor
    touched = [e.sub_processor_id for e in result.entries if e.kind in (CHANGED, REMOVED)]
    subs = session.scalars(
        select(SubProcessor).where(SubProcessor.id.in_(touched)).options(selectinload(SubProcessor.systems))
    ).all()
    return [s.id for s in systems if any(applies_to(sp, s.id) for sp in subs)]


def _affected_verdicts(
    session: Session,
    vendor: Vendor,
    listed: Sequence[Listed],
    result: Diff,
    source: sources.ListSource,
    batch: ImportBatch,
) -> list[dict[str, Any]]:
    """Each affected system's verdict and outcome now and after the import, computed without committing."""
    ids = _affected_ids(session, vendor, result)
    if not ids:
        return []
    before = {a.system_id: a for a in findings.assess(session, source, ids)}
    was_stale = session.info.get(tracking.STALE, False)
    nested = session.begin_nested()
    try:
        _make_changes(session, vendor, listed, result, batch.source, batch.source_on, batch.filename)
        session.flush()
        after = {a.system_id: a for a in findings.assess(session, source, ids)}
    except DomainError as exc:
        raise ImportRefused([Problem(exc.message)]) from exc
    finally:
        nested.rollback()
        # The changes were never made: the stored verdicts need no refresh for them.
        if not was_stale:
            session.info.pop(tracking.STALE, None)
    rows: list[dict[str, Any]] = []
    for system_id, a in before.items():
        b = after.get(system_id)
        if b is None:
            continue
        rows.append(
            {
                "id": system_id,
                "name": a.system,
                "before": a.verdict.value,
                "after": b.verdict.value,
                "before_outcome": a.outcome.value,
                "after_outcome": b.outcome.value,
            }
        )
    rows.sort(key=lambda r: (-TransferClass(r["after"]).severity, r["name"].lower()))
    return rows


# --- applying -----------------------------------------------------------------------------------------------


def _values(item: Listed, *, new: bool) -> dict[str, Any]:
    """The fields the list gives for a sub-processor (an empty cell leaves a field as it is)."""
    values: dict[str, Any] = {"name": item.name} if new else {}
    for key, name in (
        ("service", "service"),
        ("country_code", "entity_country"),
        ("parent_company", "parent"),
        ("transfer_mechanism", "mechanism"),
    ):
        value = getattr(item, name)
        if value is not None:
            values[key] = value
    return values


def _make_changes(
    session: Session,
    vendor: Vendor,
    listed: Sequence[Listed],
    result: Diff,
    source: str,
    source_on: dt.date | None,
    filename: str,
) -> None:
    """Create, update and archive as the difference says, validated as the pages validate; no commit."""
    by_row = {item.row: item for item in listed}
    # Where the facts now come from: the row's own source where the file has a source column, else the
    # batch's; a list without a source or date leaves the ones recorded before.
    batch_origin: dict[str, Any] = {}
    if source or filename:
        batch_origin["source"] = source or filename
    if source_on is not None:
        batch_origin["source_on"] = source_on
    for entry in result.entries:
        if entry.kind == REMOVED:
            sp = session.get(SubProcessor, entry.sub_processor_id)
            if sp is not None:
                sp.is_archived = True
            continue
        item = by_row[entry.row] if entry.row is not None else None
        if item is None:  # pragma: no cover - every added, changed or unchanged entry has its row
            continue
        origin = dict(batch_origin)
        if item.source:
            origin["source"] = item.source
        if item.source_on:
            origin["source_on"] = dt.date.fromisoformat(item.source_on)
        sp = session.get(SubProcessor, entry.sub_processor_id) if entry.kind != ADDED else None
        locations = _locations(entry, sp)
        # The service checks the named countries; a location of unknown country has none to check.
        named = [(place.code, place.kind) for place in locations if place.code is not None]
        if entry.kind == ADDED:
            values = check_sub_processor(session, vendor, None, {**_values(item, new=True), **origin}, named)
            sp = SubProcessor(vendor=vendor)
            assign(sp, values)
            replace_locations(sp, locations)
            session.add(sp)
            continue
        if sp is None:  # pragma: no cover - the fingerprint check sees a deleted sub-processor first
            continue
        values = check_sub_processor(session, vendor, sp, {**_values(item, new=False), **origin}, named)
        with session.no_autoflush:
            assign(sp, values)
            moved = entry.kind == CHANGED and replace_locations(sp, locations)
        if moved:
            # As update_sub_processor does: the countries live in another table; move the version on.
            sp.updated_at = utcnow()


def _code(code: str) -> str | None:
    return None if code == UNKNOWN_COUNTRY else code


def _locations(entry: Entry, sp: SubProcessor | None) -> list[Place]:
    """The entry's locations after the import; ``UNKNOWN_COUNTRY`` becomes a location without a country.

    A list names countries, not mechanisms: a country that keeps its place keeps the mechanism recorded
    for it in the register.
    """
    kept = {(loc.country_code, loc.kind): loc.mechanism for loc in sp.locations} if sp is not None else {}
    places = clean_locations(
        [(_code(c), LocationKind.PROCESSING) for c in entry.countries_after]
        + [(_code(c), LocationKind.SUPPORT) for c in entry.support_after]
    )
    return [place._replace(mechanism=kept.get((place.code, place.kind))) for place in places]


def _refuse_unless_pending(batch: ImportBatch, lang: str) -> None:
    if batch.state == ImportState.APPLIED:
        raise ConflictError(translate(lang, N_("This import was applied already.")))
    if batch.state == ImportState.DISCARDED:
        raise ConflictError(translate(lang, N_("This import was discarded.")))


def apply(session: Session, batch: ImportBatch, user: User | None = None, lang: str = "da") -> ImportBatch:
    """Make the batch's changes in one transaction; a ConflictError if the vendor's list changed since."""
    # Lock the batch (PostgreSQL) so that two confirmations at the same moment cannot both apply it.
    session.refresh(batch, with_for_update=True)
    _refuse_unless_pending(batch, lang)
    vendor = batch.vendor
    if vendor is None:  # pragma: no cover - a sub-processor batch always has its vendor
        raise DomainError(translate(lang, N_("The vendor of this import no longer exists.")))
    if fingerprint(current_list(session, vendor)) != batch.payload.get("fingerprint"):
        raise ConflictError(
            translate(
                lang,
                N_(
                    "The sub-processors of %(vendor)s changed after this preview was made. Nothing was "
                    "changed; import the list again to see the difference as it is now."
                ),
                vendor=vendor.name,
            )
        )
    listed = [Listed.from_json(r) for r in batch.payload["rows"]]
    result = Diff.from_json(batch.payload["diff"])
    try:
        _make_changes(session, vendor, listed, result, batch.source, batch.source_on, batch.filename)
        batch.state = ImportState.APPLIED
        batch.applied_at = utcnow()
    except DomainError:
        session.rollback()
        raise
    commit(session)
    return batch


def discard(session: Session, batch: ImportBatch, lang: str = "da") -> ImportBatch:
    """Set a pending batch aside; the register is not touched."""
    _refuse_unless_pending(batch, lang)
    batch.state = ImportState.DISCARDED
    commit(session)
    return batch


# --- showing ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SystemVerdict:
    id: int
    name: str
    before: TransferClass
    after: TransferClass
    before_outcome: Outcome
    after_outcome: Outcome

    @property
    def changes(self) -> bool:
        return self.before != self.after or self.before_outcome != self.after_outcome

    @property
    def worse(self) -> bool:
        return (
            self.after.severity > self.before.severity
            or self.after_outcome.severity > self.before_outcome.severity
        )


@dataclass
class Preview:
    """What a batch would do, ready to show: the difference, the systems' verdicts, the countries' names."""

    batch: ImportBatch
    diff: Diff
    systems: list[SystemVerdict]
    country_names: dict[str, str]
    list_label: str | None
    list_error: str | None
    is_stale: bool

    def country(self, code: str) -> str:
        return self.country_names.get(code, code)

    def countries(self, codes: Sequence[str]) -> str:
        return ", ".join(self.country(c) for c in codes) or "–"

    def field_label(self, name: str, lang: str) -> str:
        return translate(lang, parsing.FIELD_LABELS[name])

    def field_value(self, name: str, value: str, lang: str) -> str:
        """A compared field's value as a person reads it (a mechanism's label, a country's name)."""
        if not value:
            return "–"
        if name == "mechanism":
            return label_in(lang, TransferMechanism(value))
        if name == "entity_country":
            return self.country(value)
        return value


def load_batch(session: Session, batch_id: int) -> ImportBatch | None:
    batch = session.get(ImportBatch, batch_id)
    return batch if batch is not None and batch.kind == ImportKind.SUBPROCESSORS else None


def show(session: Session, batch: ImportBatch, lang: str) -> Preview:
    """The batch as the preview page and the CLI show it; ``is_stale``: the vendor's list changed since."""
    names = {**country_names(session, lang), UNKNOWN_COUNTRY: translate(lang, UNKNOWN_LABEL)}
    payload = batch.payload or {}
    stale = (
        batch.state == ImportState.PENDING
        and batch.vendor is not None
        and fingerprint(current_list(session, batch.vendor)) != payload.get("fingerprint")
    )
    return Preview(
        batch=batch,
        diff=Diff.from_json(payload.get("diff") or {"entries": [], "new_third": []}),
        systems=[
            SystemVerdict(
                s["id"],
                s["name"],
                TransferClass(s["before"]),
                TransferClass(s["after"]),
                Outcome(s["before_outcome"]),
                Outcome(s["after_outcome"]),
            )
            for s in payload.get("systems") or []
        ],
        country_names=names,
        list_label=(payload.get("list") or {}).get(lang),
        list_error=payload.get("list_error"),
        is_stale=stale,
    )


def vendor_batches(session: Session, vendor_id: int, limit: int = 10) -> list[ImportBatch]:
    """The vendor's latest sub-processor imports, newest first."""
    return list(
        session.scalars(
            select(ImportBatch)
            .where(ImportBatch.kind == ImportKind.SUBPROCESSORS, ImportBatch.vendor_id == vendor_id)
            .order_by(ImportBatch.created_at.desc(), ImportBatch.id.desc())
            .limit(limit)
        )
    )
