"""The register import against the database: a dry run kept as a pending batch, then applied all at once.

``start`` keeps the uploaded table in a pending batch; ``preview`` maps and checks it and records what would
be created (vendors matched by name or new, systems) and every problem, changing nothing else; ``apply``
builds it for real in one transaction through the systems and vendors services' own rules, or changes
nothing; ``discard`` closes the batch.

The import only adds: a row naming a system that already exists is a problem, never an update, so that a
spreadsheet cannot silently overwrite what was assessed in riskreg. Existing vendors are linked, not changed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, cast

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import Table as SqlTable
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from riskreg.audit import AuditEntry
from riskreg.catalogue import label_in, translate
from riskreg.countries.models import Country, country_names
from riskreg.db import utcnow
from riskreg.enums import AuditAction, ImportKind, ImportState, LocationKind
from riskreg.errors import DomainError
from riskreg.imports.country_names import CountryIndex
from riskreg.imports.files import ImportRefused, Problem, Table
from riskreg.imports.models import ImportBatch
from riskreg.imports.names import normalise
from riskreg.imports.register import parse as parsing
from riskreg.services import assign
from riskreg.systems.models import (
    Department,
    System,
    SystemDataCategory,
    SystemDataSubject,
    system_department,
)
from riskreg.systems.services import DEPARTMENT_MAX, check_system
from riskreg.transfers import tracking
from riskreg.vendors.models import DataProcessingAgreement, ProcessingLocation, Vendor
from riskreg.vendors.services import check_vendor
from riskreg.vocabulary import N_

Progress = Callable[[int], None]

#: The services' field names as the register's fields (for the column of a refusal).
SYSTEM_FIELD_COLUMNS = {"name": "system_name", "vendor_id": "vendor_name"}
VENDOR_FIELD_COLUMNS = {"name": "vendor_name", "country_code": "vendor_country"}


# --- the table kept in the batch ----------------------------------------------------------------------------


def batch_table(batch: ImportBatch) -> Table:
    return Table.from_json(batch.payload.get("table") or {})


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
        payload={"table": table.to_json(), "mapping": parsing.suggest_mapping(table.headers)},
        summary={"rows": len(table.rows)},
    )
    session.add(batch)
    session.commit()
    return batch


# --- building the register ----------------------------------------------------------------------------------


def country_index(session: Session) -> CountryIndex:
    rows = session.execute(select(Country.code, Country.name_en, Country.name_da))
    return CountryIndex.from_rows((code, en, da) for code, en, da in rows)


def _key(name: str) -> str:
    return " ".join(name.lower().split())


@dataclass
class PlannedVendor:
    name: str
    country: str | None
    row: int
    existing_id: int | None = None
    rows: list[int] = field(default_factory=list)
    #: The vendor's facts as the file gives them (``RegisterRow.vendor_facts``), for a new vendor.
    facts: dict[str, Any] = field(default_factory=dict)
    #: The name as the row that brought the vendor spells it.
    spelling: str = ""
    #: The facts as a person reads them, in the language of the dry run.
    described: str = ""
    refused: bool = False


@dataclass
class Plan:
    vendors: list[PlannedVendor] = field(default_factory=list)
    systems: list[dict[str, Any]] = field(default_factory=list)  # row, name, vendor
    problems: list[Problem] = field(default_factory=list)
    agreements: int = 0

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
                    "facts": v.described,
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
            "agreements": self.agreements,
            "problems": len(self.problems),
        }


class _VendorMatcher:
    """Vendors by name: exact (case-insensitive) first, then by normalised name when exactly one fits.

    Every vendor is read in one query (and their locations in one more), not one per row.
    """

    def __init__(self, session: Session) -> None:
        self.exact: dict[str, Vendor] = {}
        self.normalised: dict[str, list[Vendor]] = {}
        query = select(Vendor).options(selectinload(Vendor.locations)).order_by(Vendor.is_archived, Vendor.id)
        for vendor in session.scalars(query):
            self.exact.setdefault(_key(vendor.name), vendor)
            self.normalised.setdefault(normalise(vendor.name), []).append(vendor)

    def find(self, name: str) -> Vendor | None:
        found = self.exact.get(_key(name))
        if found is None:
            candidates = self.normalised.get(normalise(name), [])
            found = candidates[0] if len(candidates) == 1 else None
        return found

    def file_key(self, name: str) -> str:
        """Rows name the same vendor when this key is equal."""
        return normalise(name) or _key(name)


#: Vendor facts -> the register field whose column gives them (for a problem's column and label).
FACT_FIELDS = {
    "country_code": "vendor_country",
    "parent_name": "vendor_parent_name",
    "parent_country_code": "vendor_parent_country",
    "locations": "vendor_processing_countries",
    "transfer_mechanism": "vendor_mechanism",
    "dpf_status": "vendor_dpf_status",
    "role": "vendor_role",
    "own_purpose_use": "vendor_own_purpose",
}


def _vendor_fact(vendor: Vendor, name: str) -> Any:
    """A vendor's fact as ``RegisterRow.vendor_facts`` gives it."""
    if name == "locations":
        return sorted(
            ((loc.country_code, loc.kind) for loc in vendor.locations),
            key=lambda loc: (loc[0] or "", loc[1].value),
        )
    value = getattr(vendor, name)
    return value or None if isinstance(value, str) else value


def _show_fact(name: str, value: Any, lang: str, countries: Mapping[str, str]) -> str:
    """A fact as a person reads it: a country's name, a label, yes or no."""
    if value is None or value == "":
        return "–"
    if name in ("country_code", "parent_country_code"):
        return countries.get(value, value)
    if name == "locations":
        unknown = translate(lang, N_("unknown country (not disclosed)"))
        parts = []
        for code, kind in value:
            place = countries.get(code, code) if code else unknown
            parts.append(place if kind == LocationKind.PROCESSING else f"{place} ({label_in(lang, kind)})")
        return ", ".join(parts) or "–"
    if isinstance(value, bool):
        return translate(lang, N_("Yes") if value else N_("No"))
    if isinstance(value, StrEnum):
        return label_in(lang, value)
    return str(value)


def _describe(facts: Mapping[str, Any], lang: str, countries: Mapping[str, str]) -> str:
    return "; ".join(
        translate(lang, parsing.FIELD_LABELS[FACT_FIELDS[name]])
        + ": "
        + _show_fact(name, value, lang, countries)
        for name, value in facts.items()
        if name in FACT_FIELDS
    )


def _domain_problem(
    exc: DomainError, row: int, columns: Mapping[str, str], renames: Mapping[str, str]
) -> Problem:
    name = renames.get(exc.field or "", exc.field or "")
    # The message is translated already (the services speak the user's language): it is its own msgid.
    return Problem(exc.message, {}, row=row, column=columns.get(name))


def _conflict(row: int, column: str | None) -> Problem:
    return Problem(N_("The row conflicts with existing data."), row=row, column=column)


def _plan_vendors(
    session: Session, parsed: parsing.ParsedRegister, plan: Plan, lang: str
) -> dict[int, PlannedVendor]:
    """Which vendor each row goes to (by row number).

    Rows whose vendors have the same normalised name ("Dropbox" and "Dropbox Inc.") are one vendor only
    when no fact they give differs; else each later row is a problem, never a silent merge. A row that
    names an existing vendor and gives a fact the register holds otherwise is a problem too: the import
    links existing vendors, it does not change them.
    """
    matcher = _VendorMatcher(session)
    names = country_names(session, lang)
    by_key: dict[str, PlannedVendor] = {}
    by_row: dict[int, PlannedVendor] = {}

    def column_of(fact: str) -> str | None:
        column = parsed.column(FACT_FIELDS[fact])
        if column is None and fact == "locations":
            column = parsed.column("vendor_support_countries")
        return column

    def label(fact: str) -> str:
        return translate(lang, parsing.FIELD_LABELS[FACT_FIELDS[fact]])

    for row in parsed.rows:
        key = matcher.file_key(row.vendor_name)
        facts = row.vendor_facts()
        planned = by_key.get(key)
        if planned is None:
            existing = matcher.find(row.vendor_name)
            planned = PlannedVendor(
                existing.name if existing else row.vendor_name,
                existing.country_code if existing else row.vendor_country,
                row.number,
                existing.id if existing else None,
                facts={} if existing else dict(facts),
                spelling=row.vendor_name,
            )
            by_key[key] = planned
            plan.vendors.append(planned)
            for fact, value in facts.items():
                if existing is None:
                    break
                held = _vendor_fact(existing, fact)
                if value != held:
                    planned.refused = True
                    plan.problems.append(
                        Problem(
                            N_(
                                "The register has the vendor %(name)s with %(field)s %(held)s; this row says "
                                "%(value)s. The import does not change existing vendors: change it in "
                                "riskreg, or leave the cell empty."
                            ),
                            {
                                "name": existing.name,
                                "field": label(fact),
                                "held": _show_fact(fact, held, lang, names),
                                "value": _show_fact(fact, value, lang, names),
                            },
                            row=row.number,
                            column=column_of(fact),
                        )
                    )
        elif planned.existing_id is None:
            clash = next(
                (f for f, v in facts.items() if f in planned.facts and planned.facts[f] != v),
                None,
            )
            if clash is not None:
                planned.refused = True
                if _key(row.vendor_name) != _key(planned.spelling):
                    msgid = N_(
                        "%(name)s and %(other_name)s (row %(other)s) have the same name once legal forms "
                        "and punctuation are left out, but %(field)s is %(value)s here and %(held)s there: "
                        "they may be different companies. Name them apart, or make the rows agree."
                    )
                else:
                    msgid = N_("%(name)s: %(field)s is %(value)s here but %(held)s in row %(other)s.")
                plan.problems.append(
                    Problem(
                        msgid,
                        {
                            "name": row.vendor_name,
                            "other_name": planned.spelling,
                            "other": planned.row,
                            "field": label(clash),
                            "value": _show_fact(clash, facts[clash], lang, names),
                            "held": _show_fact(clash, planned.facts[clash], lang, names),
                        },
                        row=row.number,
                        column=column_of(clash),
                    )
                )
            else:
                for fact, value in facts.items():
                    planned.facts.setdefault(fact, value)
                planned.country = planned.country or row.vendor_country
        elif facts:
            existing = session.get(Vendor, planned.existing_id)
            for fact, value in facts.items():
                held = _vendor_fact(existing, fact) if existing is not None else value
                if value != held:
                    planned.refused = True
                    plan.problems.append(
                        Problem(
                            N_("%(name)s: %(field)s is %(value)s here but %(held)s in row %(other)s."),
                            {
                                "name": row.vendor_name,
                                "other": planned.row,
                                "field": label(fact),
                                "value": _show_fact(fact, value, lang, names),
                                "held": _show_fact(fact, held, lang, names),
                            },
                            row=row.number,
                            column=column_of(fact),
                        )
                    )
                    break
        planned.rows.append(row.number)
        by_row[row.number] = planned
    for planned in plan.vendors:
        planned.described = _describe(planned.facts, lang, names)
    return by_row


#: The facts ``check_vendor`` validates; the others are read already (countries by the country table).
_CHECKED_FACTS = ("parent_name", "transfer_mechanism", "dpf_status")


def _new_vendor(session: Session, planned: PlannedVendor) -> Vendor:
    """A new vendor with the file's facts, checked by the vendors service (no query: no country to check)."""
    facts = planned.facts
    values = check_vendor(
        session,
        {"name": planned.name, **{k: _plain(facts[k]) for k in _CHECKED_FACTS if k in facts}},
        [],
        None,
    )
    vendor = Vendor()
    assign(vendor, values)
    vendor.country_code = planned.country
    vendor.parent_country_code = facts.get("parent_country_code")
    if "role" in facts:
        vendor.role = facts["role"]
    if "own_purpose_use" in facts:
        vendor.own_purpose_use = facts["own_purpose_use"]
    for code, kind in facts.get("locations") or ():
        vendor.locations.append(ProcessingLocation(country_code=code, kind=kind))
    return vendor


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, StrEnum) else value


def _departments(session: Session, rows: Sequence[parsing.RegisterRow]) -> dict[str, Department]:
    """Every department the rows name, by lower-case name: the existing ones in one query, the others new."""
    wanted: dict[str, str] = {}
    for row in rows:
        for name in row.departments:
            clean = " ".join(name.split())
            if clean:
                wanted.setdefault(clean.lower(), clean)
    # All names, lowered in Python: SQL's lower() leaves æ, ø and å alone in SQLite.
    found = {d.name.lower(): d for d in session.scalars(select(Department))}
    return {key: found.get(key) or Department(name=name) for key, name in wanted.items()}


def _build(
    session: Session, parsed: parsing.ParsedRegister, lang: str = "da", progress: Progress | None = None
) -> tuple[Plan, int]:
    """Create the vendors and systems in the session (flushed, not committed); the plan and its problems.

    Set-based: the vendors, the systems and the departments are each read in one query, and everything is
    written in two flushes (the new vendors, then the systems with their agreements), each one batched
    insert per table, never a flush per row. Returns the plan and the number of systems built. The caller
    commits when there are no problems, else rolls back.
    """
    plan = Plan()
    by_row = _plan_vendors(session, parsed, plan, lang)
    columns = parsed.columns
    vendor_objects: dict[int, Vendor] = {}  # id(PlannedVendor) -> vendor
    with session.no_autoflush:
        matcher_vendors = {v.id: v for v in session.identity_map.values() if isinstance(v, Vendor)}
        for planned in plan.vendors:
            if planned.refused:
                continue
            if planned.existing_id is not None:
                existing = matcher_vendors.get(planned.existing_id) or session.get(
                    Vendor, planned.existing_id
                )
                if existing is not None:
                    vendor_objects[id(planned)] = existing
                continue
            try:
                created = _new_vendor(session, planned)
            except DomainError as exc:
                plan.problems.append(_domain_problem(exc, planned.row, columns, VENDOR_FIELD_COLUMNS))
                continue
            session.add(created)
            vendor_objects[id(planned)] = created
    try:
        session.flush()  # the new vendors, in one batched insert (and their locations in another)
    except IntegrityError:
        plan.problems.append(
            _conflict(plan.vendors[0].row if plan.vendors else 1, columns.get("vendor_name"))
        )
        return plan, 0  # the session must be rolled back before anything else

    existing_names = {name.lower(): name for name in session.scalars(select(System.name))}
    departments = _departments(session, parsed.rows)
    new_departments = [d for d in departments.values() if d.id is None]
    if new_departments:
        session.add_all(new_departments)
        session.flush()  # the departments new to the register, in one batched insert
    built: list[_NewSystem] = []
    with session.no_autoflush:
        for done, row in enumerate(parsed.rows, start=1):
            if progress is not None:
                progress(done)
            planned = by_row[row.number]
            if row.system_name.lower() in existing_names:
                plan.problems.append(
                    Problem(
                        N_(
                            "A system called %(name)s exists already. The import only adds systems: change "
                            "it in riskreg, or leave the row out."
                        ),
                        {"name": existing_names[row.system_name.lower()]},
                        row=row.number,
                        column=columns.get("system_name"),
                    )
                )
                continue
            vendor = vendor_objects.get(id(planned))
            if vendor is None:
                continue  # the vendor's problem is reported on its row
            try:
                if any(len(" ".join(d.split())) > DEPARTMENT_MAX for d in row.departments):
                    raise DomainError(_("At most %(n)s characters.", n=DEPARTMENT_MAX), field="departments")
                values = check_system(
                    session,
                    {"name": row.system_name, "vendor_id": vendor.id, **row.values},
                    None,
                    past_review=True,
                )
            except DomainError as exc:
                plan.problems.append(_domain_problem(exc, row.number, columns, SYSTEM_FIELD_COLUMNS))
                continue
            wanted = {departments[" ".join(n.split()).lower()].id: None for n in row.departments}
            built.append(_NewSystem(row, vendor.id, values, [d for d in wanted if d is not None]))
            plan.systems.append({"row": row.number, "name": row.system_name, "vendor": planned.name})
    if plan.problems:
        return plan, 0  # rolled back by the caller: nothing more to write
    try:
        plan.agreements = _insert_systems(session, built, {d.id: d.name for d in departments.values()})
    except IntegrityError:
        plan.problems.append(_conflict(parsed.rows[0].number, columns.get("system_name")))
        return plan, 0
    return plan, len(built)


@dataclass
class _NewSystem:
    row: parsing.RegisterRow
    vendor_id: int
    values: dict[str, Any]
    department_ids: list[int]


#: Rows per INSERT statement's parameter list (the driver batches them further).
CHUNK = 5_000


def _insert_systems(
    session: Session, built: Sequence[_NewSystem], department_names: Mapping[int, str]
) -> int:
    """Insert the systems, their classifications and agreements set-based; the number of agreements.

    One executemany per table and chunk (``INSERT ... RETURNING`` gives the new ids in order), never a flush
    per row. The audit log gets an entry per record created, as the ORM's listener writes for a form, and
    the stored verdicts are refreshed on commit.
    """
    user_id, actor = session.info.get("actor", (None, "system"))
    now = utcnow()
    agreements = 0
    for start in range(0, len(built), CHUNK):
        chunk = built[start : start + CHUNK]
        rows = [{**item.values, "vendor_id": item.vendor_id} for item in chunk]
        ids = _insert_returning_ids(session, _table(System), rows)
        links: list[dict[str, Any]] = []
        subjects: list[dict[str, Any]] = []
        categories: list[dict[str, Any]] = []
        dpas: list[dict[str, Any]] = []
        entries: list[dict[str, Any]] = []
        for item, system_id in zip(chunk, ids, strict=True):
            links += [{"system_id": system_id, "department_id": d} for d in item.department_ids]
            subjects += [{"system_id": system_id, "value": v} for v in item.row.data_subjects]
            categories += [{"system_id": system_id, "value": v} for v in item.row.data_categories]
            changes = {
                key: [None, _audit_plain(value)]
                for key, value in {**item.values, "vendor_id": item.vendor_id}.items()
                if value not in (None, "", [], False)
            }
            for key, labels in (
                ("departments", sorted(department_names[d] for d in item.department_ids)),
                ("data_subjects", sorted(v.value for v in item.row.data_subjects)),
                ("data_categories", sorted(v.value for v in item.row.data_categories)),
            ):
                if labels:
                    changes[key] = [[], labels]
            entries.append(_entry(now, user_id, actor, "system", system_id, item.row.system_name, changes))
            if item.row.dpa is not None:
                dpas.append(
                    {
                        "vendor_id": item.vendor_id,
                        "system_id": system_id,
                        "signed_on": item.row.dpa["signed_on"],
                        "template": item.row.dpa["template"],
                        "scc_modules": [],
                    }
                )
        if links:
            session.execute(insert(system_department), links)
        if subjects:
            session.execute(insert(_table(SystemDataSubject)), subjects)
        if categories:
            session.execute(insert(_table(SystemDataCategory)), categories)
        if dpas:
            dpa_ids = _insert_returning_ids(session, _table(DataProcessingAgreement), dpas)
            for dpa, dpa_id in zip(dpas, dpa_ids, strict=True):
                changes = {k: [None, _audit_plain(v)] for k, v in dpa.items() if v not in (None, "", [])}
                entries.append(
                    _entry(now, user_id, actor, "data_processing_agreement", dpa_id, f"DPA {dpa_id}", changes)
                )
            agreements += len(dpas)
        session.execute(insert(_table(AuditEntry)), entries)
    if built:
        tracking.mark_stale(session)  # the new systems' verdicts are computed on commit
    return agreements


def _insert_returning_ids(session: Session, table: SqlTable, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` in as few statements as their keys allow; the new ids in the order of ``rows``.

    An executemany needs the same keys in every row (a row without a key takes the column's default), so
    rows are grouped by their keys: a handful of groups, each one ``INSERT ... RETURNING``.
    """
    groups: dict[frozenset[str], list[int]] = {}
    for i, row in enumerate(rows):
        groups.setdefault(frozenset(row), []).append(i)
    ids: list[int] = [0] * len(rows)
    for positions in groups.values():
        statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        found = session.scalars(statement, [rows[i] for i in positions])
        for i, new_id in zip(positions, found, strict=True):
            ids[i] = new_id
    return ids


def _table(model: type[Any]) -> SqlTable:
    """The model's table, for Core inserts (no ORM bookkeeping per row)."""
    return cast(SqlTable, model.__table__)


def _entry(
    now: Any, user_id: int | None, actor: str, kind: str, entity_id: int, label: str, changes: dict[str, Any]
) -> dict[str, Any]:
    return {
        "at": now,
        "user_id": user_id,
        "actor": actor,
        "action": AuditAction.CREATE,
        "entity_type": kind,
        "entity_id": entity_id,
        "entity_label": label[:200],
        "entity_version": 1,
        "changes": changes,
    }


def _audit_plain(value: Any) -> Any:
    """A value as the audit log writes it (enums by value, dates in ISO form)."""
    if isinstance(value, StrEnum):
        return value.value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


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
                plan, _built = _build(session, parsed, lang, progress)
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
        "table": table.to_json(),
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
                plan, built = _build(session, parsed, lang, progress)
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
        "agreements_created": plan.agreements,
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
