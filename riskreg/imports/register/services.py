"""The register import against the database: a dry run kept as a pending batch, then applied all at once.

``start`` keeps the uploaded table in a pending batch; ``preview`` maps and checks it and records what would
be created (vendors matched by name or new, systems) and every problem, changing nothing else; ``apply``
builds it for real in one transaction through the systems and vendors services' own rules, or changes
nothing; ``discard`` closes the batch.

The import only adds: a row naming a system that already exists is a problem, never an update, so that a
spreadsheet cannot silently overwrite what was assessed in riskreg. Existing vendors are linked, not changed.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from riskreg.countries.models import Country
from riskreg.db import utcnow
from riskreg.enums import ImportKind, ImportState
from riskreg.errors import DomainError
from riskreg.imports.country_names import CountryIndex
from riskreg.imports.files import ImportRefused, Problem, Row, Table
from riskreg.imports.models import ImportBatch
from riskreg.imports.register import parse as parsing
from riskreg.services import assign
from riskreg.systems.models import System
from riskreg.systems.services import check_system, set_classifications
from riskreg.vendors.models import Vendor
from riskreg.vendors.services import check_vendor
from riskreg.vocabulary import N_

Progress = Callable[[int], None]

#: The services' field names as the register's fields (for the column of a refusal).
SYSTEM_FIELD_COLUMNS = {"name": "system_name", "vendor_id": "vendor_name"}
VENDOR_FIELD_COLUMNS = {"name": "vendor_name", "country_code": "vendor_country"}


# --- the table kept in the batch ----------------------------------------------------------------------------


def table_payload(table: Table) -> dict[str, Any]:
    """The table as JSON: headers and each row's cells in header order (not the file)."""
    return {
        "headers": table.headers,
        "kind": table.kind,
        "rows": [[row.number, [row.values.get(h, "") for h in table.headers]] for row in table.rows],
    }


def batch_table(batch: ImportBatch) -> Table:
    data = batch.payload.get("table") or {}
    headers = list(data.get("headers", []))
    rows = [
        Row(int(number), dict(zip(headers, cells, strict=False))) for number, cells in data.get("rows", [])
    ]
    return Table(headers, rows, str(data.get("kind", "csv")))


def batch_problems(batch: ImportBatch) -> list[Problem]:
    return [
        Problem(p["msgid"], dict(p.get("params") or {}), p.get("row"), p.get("column"))
        for p in batch.payload.get("problems", [])
    ]


def _problems_payload(problems: Sequence[Problem]) -> list[dict[str, Any]]:
    return [{"msgid": p.msgid, "params": p.params, "row": p.row, "column": p.column} for p in problems]


def start(session: Session, table: Table, filename: str, user_id: int | None) -> ImportBatch:
    """Keep an uploaded table in a pending batch with the suggested mapping, for the mapping step."""
    batch = ImportBatch(
        kind=ImportKind.REGISTER,
        state=ImportState.PENDING,
        filename=filename[:255],
        created_by_id=user_id,
        payload={"table": table_payload(table), "mapping": parsing.suggest_mapping(table.headers)},
        summary={"rows": len(table.rows)},
    )
    session.add(batch)
    session.commit()
    return batch


# --- building the register ----------------------------------------------------------------------------------


def country_index(session: Session) -> CountryIndex:
    rows = session.execute(select(Country.code, Country.name_en, Country.name_da))
    return CountryIndex.from_rows((code, en, da) for code, en, da in rows)


def _name_normaliser() -> Callable[[str], str] | None:
    """The DPF import's name normaliser (legal suffixes, ``&``/``and``), when that module is present."""
    try:
        module = importlib.import_module("riskreg.imports.names")
    except ImportError:
        return None
    normalise = getattr(module, "normalise", None)
    return normalise if callable(normalise) else None


def _key(name: str) -> str:
    return " ".join(name.lower().split())


@dataclass
class PlannedVendor:
    name: str
    country: str | None
    row: int
    existing_id: int | None = None
    rows: list[int] = field(default_factory=list)


@dataclass
class Plan:
    vendors: list[PlannedVendor] = field(default_factory=list)
    systems: list[dict[str, Any]] = field(default_factory=list)  # row, name, vendor
    problems: list[Problem] = field(default_factory=list)

    @property
    def new_vendors(self) -> list[PlannedVendor]:
        return [v for v in self.vendors if v.existing_id is None]

    def payload(self) -> dict[str, Any]:
        return {
            "vendors": [
                {
                    "name": v.name,
                    "country": v.country,
                    "row": v.row,
                    "existing_id": v.existing_id,
                    "rows": v.rows,
                }
                for v in self.vendors
            ],
            "systems": self.systems,
        }

    def counts(self) -> dict[str, int]:
        return {
            "vendors_new": len(self.new_vendors),
            "vendors_existing": len(self.vendors) - len(self.new_vendors),
            "systems": len(self.systems),
            "problems": len(self.problems),
        }


class _VendorMatcher:
    """Vendors by name: exact (case-insensitive) first, then by normalised name when exactly one fits."""

    def __init__(self, session: Session) -> None:
        self.normalise = _name_normaliser()
        self.exact: dict[str, Vendor] = {}
        self.normalised: dict[str, list[Vendor]] = {}
        for vendor in session.scalars(select(Vendor).order_by(Vendor.is_archived, Vendor.id)):
            self.exact.setdefault(_key(vendor.name), vendor)
            if self.normalise is not None:
                self.normalised.setdefault(self.normalise(vendor.name), []).append(vendor)

    def find(self, name: str) -> Vendor | None:
        found = self.exact.get(_key(name))
        if found is None and self.normalise is not None:
            candidates = self.normalised.get(self.normalise(name), [])
            found = candidates[0] if len(candidates) == 1 else None
        return found

    def file_key(self, name: str) -> str:
        """Rows name the same vendor when this key is equal."""
        return self.normalise(name) if self.normalise is not None else _key(name)


def _domain_problem(
    exc: DomainError, row: int, columns: Mapping[str, str], renames: Mapping[str, str]
) -> Problem:
    name = renames.get(exc.field or "", exc.field or "")
    # The message is translated already (the services speak the user's language): it is its own msgid.
    return Problem(exc.message, {}, row=row, column=columns.get(name))


def _conflict(row: int, column: str | None) -> Problem:
    return Problem(N_("The row conflicts with existing data."), row=row, column=column)


def _plan_vendors(session: Session, parsed: parsing.ParsedRegister, plan: Plan) -> dict[int, PlannedVendor]:
    """Which vendor each row goes to (by row number); a new vendor's country must agree across its rows."""
    matcher = _VendorMatcher(session)
    by_key: dict[str, PlannedVendor] = {}
    by_row: dict[int, PlannedVendor] = {}
    for row in parsed.rows:
        key = matcher.file_key(row.vendor_name)
        planned = by_key.get(key)
        if planned is None:
            existing = matcher.find(row.vendor_name)
            planned = PlannedVendor(
                existing.name if existing else row.vendor_name,
                existing.country_code if existing else row.vendor_country,
                row.number,
                existing.id if existing else None,
            )
            by_key[key] = planned
            plan.vendors.append(planned)
        elif planned.existing_id is None and row.vendor_country:
            if planned.country is None:
                planned.country = row.vendor_country
            elif planned.country != row.vendor_country:
                plan.problems.append(
                    Problem(
                        N_("The vendor %(name)s has the country %(country)s in row %(other)s."),
                        {"name": planned.name, "country": planned.country, "other": planned.row},
                        row=row.number,
                        column=parsed.column("vendor_country"),
                    )
                )
        planned.rows.append(row.number)
        by_row[row.number] = planned
    return by_row


def _build(
    session: Session, parsed: parsing.ParsedRegister, progress: Progress | None = None
) -> tuple[Plan, int]:
    """Create the vendors and systems in the session (flushed, not committed); the plan and its problems.

    Returns the plan and the number of systems built. The caller commits when there are no problems, else
    rolls back.
    """
    plan = Plan()
    by_row = _plan_vendors(session, parsed, plan)
    columns = parsed.columns
    vendor_ids: dict[int, int | None] = {}  # id(PlannedVendor) -> vendor id
    for planned in plan.vendors:
        if planned.existing_id is not None:
            vendor_ids[id(planned)] = planned.existing_id
            continue
        try:
            values = check_vendor(session, {"name": planned.name, "country_code": planned.country}, [], None)
        except DomainError as exc:
            plan.problems.append(_domain_problem(exc, planned.row, columns, VENDOR_FIELD_COLUMNS))
            vendor_ids[id(planned)] = None
            continue
        vendor = Vendor()
        assign(vendor, values)
        session.add(vendor)
        try:
            session.flush()
        except IntegrityError:
            plan.problems.append(_conflict(planned.row, columns.get("vendor_name")))
            return plan, 0  # the session must be rolled back before anything else
        vendor_ids[id(planned)] = vendor.id

    # All names, lowered in Python: SQL's lower() leaves æ, ø and å alone in SQLite.
    existing_names = {name.lower(): name for name in session.scalars(select(System.name))}
    built = 0
    for done, row in enumerate(parsed.rows, start=1):
        if progress is not None:
            progress(done)
        planned = by_row[row.number]
        if row.system_name.lower() in existing_names:
            plan.problems.append(
                Problem(
                    N_(
                        "A system called %(name)s exists already. The import only adds systems: change it "
                        "in riskreg, or leave the row out."
                    ),
                    {"name": existing_names[row.system_name.lower()]},
                    row=row.number,
                    column=columns.get("system_name"),
                )
            )
            continue
        vendor_id = vendor_ids.get(id(planned))
        if vendor_id is None:
            continue  # the vendor's problem is reported on its first row
        try:
            with session.no_autoflush:
                values = check_system(
                    session,
                    {"name": row.system_name, "vendor_id": vendor_id, **row.values},
                    None,
                    past_review=True,
                )
                system = System()
                assign(system, values)
                set_classifications(
                    session, system, row.departments, row.data_subjects, row.data_categories, []
                )
                session.add(system)
            # Flushed row by row: a department new in one row is found by the next.
            session.flush()
        except DomainError as exc:
            plan.problems.append(_domain_problem(exc, row.number, columns, SYSTEM_FIELD_COLUMNS))
            continue
        except IntegrityError:
            plan.problems.append(_conflict(row.number, columns.get("system_name")))
            break  # the session must be rolled back before anything else
        built += 1
        plan.systems.append({"row": row.number, "name": row.system_name, "vendor": planned.name})
    return plan, built


def _parse(
    session: Session, table: Table, mapping: Mapping[str, str], lang: str
) -> tuple[parsing.ParsedRegister | None, list[Problem]]:
    try:
        return parsing.parse(table, mapping, country_index(session), lang), []
    except ImportRefused as exc:
        return None, exc.problems


# --- the steps ----------------------------------------------------------------------------------------------


def preview(
    session: Session,
    table: Table,
    mapping: Mapping[str, str],
    filename: str,
    lang: str,
    *,
    batch: ImportBatch | None = None,
    user_id: int | None = None,
    progress: Progress | None = None,
) -> ImportBatch:
    """Dry run: what the import would create and every problem, kept in a pending batch; nothing else saved.

    The rows are built for real through the services' rules and then rolled back, so the dry run finds
    exactly what applying would refuse.
    """
    parsed, problems = _parse(session, table, mapping, lang)
    plan = Plan(problems=problems)
    if parsed is not None:
        try:
            with force_locale(lang):
                plan, _built = _build(session, parsed, progress)
        finally:
            session.rollback()
    if batch is None:
        batch = ImportBatch(
            kind=ImportKind.REGISTER,
            state=ImportState.PENDING,
            filename=filename[:255],
            created_by_id=user_id,
        )
        session.add(batch)
    _check_pending(batch)
    batch.payload = {
        "table": table_payload(table),
        "mapping": {h: mapping.get(h, "") for h in table.headers},
        "previewed": True,
        "problems": _problems_payload(plan.problems),
        "plan": plan.payload(),
    }
    batch.summary = {"rows": len(table.rows), **plan.counts()}
    session.commit()
    return batch


def remap(session: Session, batch: ImportBatch, mapping: Mapping[str, str], lang: str) -> ImportBatch:
    """The dry run of a pending batch's table under a (new) mapping."""
    _check_pending(batch)
    return preview(session, batch_table(batch), mapping, batch.filename, lang, batch=batch)


def _check_pending(batch: ImportBatch) -> None:
    if batch.kind != ImportKind.REGISTER:
        raise DomainError(_("This is not a register import."))
    if batch.state != ImportState.PENDING:
        raise DomainError(_("This import was applied or discarded already."))


def can_change(batch: ImportBatch) -> bool:
    return batch.kind == ImportKind.REGISTER and batch.state == ImportState.PENDING


def can_apply(batch: ImportBatch) -> bool:
    return (
        batch.kind == ImportKind.REGISTER
        and batch.state == ImportState.PENDING
        and bool(batch.payload.get("previewed"))
        and not batch.payload.get("problems")
    )


def apply(
    session: Session, batch: ImportBatch, user_id: int | None, lang: str, progress: Progress | None = None
) -> dict[str, int]:
    """Create the batch's vendors and systems in one transaction; ``ImportRefused`` (nothing changed) if any
    row fails now, with every problem (the register may have changed since the dry run)."""
    _check_pending(batch)
    if not batch.payload.get("previewed"):
        raise DomainError(_("Choose the columns and look at the dry run first."))
    batch_id = batch.id
    table, mapping = batch_table(batch), dict(batch.payload.get("mapping") or {})
    # Claim the batch first, in this transaction: of two confirmations at once, the second waits for the
    # first and then finds nothing to claim, instead of importing everything twice.
    claimed = session.execute(
        update(ImportBatch)
        .where(ImportBatch.id == batch_id, ImportBatch.state == ImportState.PENDING)
        .values(state=ImportState.APPLIED)
        .execution_options(synchronize_session=False)
    )
    if getattr(claimed, "rowcount", 0) != 1:
        session.rollback()
        raise DomainError(_("This import was applied or discarded already."))
    parsed, problems = _parse(session, table, mapping, lang)
    built = 0
    plan = Plan(problems=problems)
    if parsed is not None:
        try:
            with force_locale(lang):
                plan, built = _build(session, parsed, progress)
        except Exception:
            session.rollback()
            raise
    if plan.problems:
        session.rollback()
        batch = session.get(ImportBatch, batch_id) or batch
        batch.payload = {
            **batch.payload,
            "problems": _problems_payload(plan.problems),
            "plan": plan.payload(),
        }
        batch.summary = {**batch.summary, **plan.counts()}
        session.commit()
        raise ImportRefused(plan.problems)
    counts = {
        "rows": len(table.rows),
        "vendors_created": len(plan.new_vendors),
        "vendors_existing": len(plan.vendors) - len(plan.new_vendors),
        "systems_created": built,
    }
    batch.state = ImportState.APPLIED
    batch.applied_at = utcnow()
    batch.payload = {**batch.payload, "plan": plan.payload()}
    batch.summary = {**batch.summary, **counts, "applied_by_id": user_id}
    session.commit()  # the transfer verdicts of the new systems are refreshed on this commit
    return counts


def discard(session: Session, batch: ImportBatch) -> None:
    """Close a pending batch without changing the register."""
    _check_pending(batch)
    batch.state = ImportState.DISCARDED
    session.commit()


# --- what the pages list ------------------------------------------------------------------------------------


def recent_batches(session: Session, limit: int = 30) -> list[ImportBatch]:
    """The latest imports of every kind, newest first."""
    return list(
        session.scalars(
            select(ImportBatch)
            .options(selectinload(ImportBatch.vendor))
            .order_by(ImportBatch.created_at.desc(), ImportBatch.id.desc())
            .limit(limit)
        )
    )


def active_vendors(session: Session) -> list[Vendor]:
    """Vendors a sub-processor list can be imported for, by name."""
    return list(
        session.scalars(select(Vendor).where(Vendor.is_archived.is_(False)).order_by(func.lower(Vendor.name)))
    )
