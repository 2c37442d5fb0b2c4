"""Generate a large register for benchmarks: N systems, N/10 vendors, their sub-processors and countries.

The spread is meant to look like a municipality's register: vendors mostly Danish or European, some American
(DPF active, inactive or not listed) and a few British, Indian or Chinese; each vendor has 0-5 sub-processors
with 1-3 processing countries (EU most, the US often, some GB/IN/PH/AU/CN), some chains and some support
access from third countries. Generated sub-processors serve every system of their vendor, so a system has one
transfer per location of its vendor and of the vendor's sub-processors: about ten on average.

Rows are written with bulk inserts in chunks (fast; they bypass the ORM audit listener, so generated data has
no history). A seeded ``random.Random`` makes a batch reproducible; each batch numbers on from the highest
existing "Demo system" / "Demo vendor", so a second run adds a new batch with new names.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from riskreg.enums import (
    AiActClass,
    AuditStatementType,
    DataCategory,
    DataSubject,
    DpfStatus,
    LegalBasis,
    LocationKind,
    SubjectVolume,
    SupervisionMethod,
    SystemStatus,
    TransferMechanism,
)
from riskreg.systems.models import (
    Department,
    System,
    SystemDataCategory,
    SystemDataSubject,
    SystemLegalBasis,
    system_department,
)
from riskreg.transfers.tracking import mark_stale
from riskreg.vendors.models import (
    AuditStatement,
    DataProcessingAgreement,
    ProcessingLocation,
    SubProcessor,
    Supervision,
    Vendor,
)

DEFAULT_SEED = 2026
CHUNK = 5_000
SYSTEMS_PER_VENDOR = 10
SYSTEM_PREFIX = "Demo system "
VENDOR_PREFIX = "Demo vendor "

T = TypeVar("T")

EU = ("DK", "DE", "IE", "NL", "SE", "FI", "FR", "BE")
THIRD = ("IN", "PH", "AU", "CN")
#: Where a vendor's contracting entity sits.
VENDOR_COUNTRIES: tuple[tuple[str, int], ...] = (
    ("DK", 50),
    ("SE", 6),
    ("DE", 6),
    ("NL", 5),
    ("IE", 5),
    ("FI", 3),
    ("NO", 3),
    ("US", 14),
)
VENDOR_COUNTRIES += (("GB", 4), ("IN", 2), ("CN", 2))
#: Where a sub-processor processes data.
PROCESSING_COUNTRIES = tuple((c, 8) for c in EU) + (("US", 22), ("GB", 5), ("IN", 4), ("PH", 2))
PROCESSING_COUNTRIES += (("AU", 2), ("CN", 1))
SUPPORT_COUNTRIES = (("US", 5), ("IN", 4), ("PH", 2), ("GB", 1))
SUB_PROCESSOR_COUNT = ((0, 5), (1, 8), (2, 14), (3, 22), (4, 26), (5, 25))
SERVICES = (
    "Hosting",
    "Backup",
    "E-mail delivery",
    "SMS gateway",
    "Content delivery (CDN)",
    "Customer support",
    "Monitoring and logging",
    "Analytics",
    "Payment",
    "Identity and login",
    "AI model hosting",
)
STATUSES = (
    (SystemStatus.APPROVED, 55),
    (SystemStatus.APPROVED_WITH_CONDITIONS, 12),
    (SystemStatus.IN_ASSESSMENT, 9),
    (SystemStatus.DRAFT, 8),
    (SystemStatus.REJECTED, 5),
    (SystemStatus.POSTPONED, 3),
    (SystemStatus.RETIRED, 8),
)
PURPOSES = (
    "Sagsbehandling",
    "Borgerkommunikation",
    "Booking",
    "Dokumentation",
    "Undervisning",
    "Økonomistyring",
    "Personaleadministration",
    "Planlægning",
    "Indberetning",
    "Selvbetjening",
)


@dataclass
class GenerateResult:
    systems: int
    vendors: int
    sub_processors: int
    locations: int
    transfers: int
    first_system: str
    last_system: str
    seconds: float


def _pick(rng: random.Random, weighted: Sequence[tuple[T, int]]) -> T:
    return rng.choices([v for v, _w in weighted], [w for _v, w in weighted])[0]


def _countries(rng: random.Random, weighted: Sequence[tuple[str, int]], k: int) -> list[str]:
    """``k`` distinct countries drawn by weight."""
    found: list[str] = []
    while len(found) < k:
        code = _pick(rng, weighted)
        if code not in found:
            found.append(code)
    return found


def _chunks(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def _insert(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    for chunk in _chunks(rows):
        session.execute(insert(model), chunk)


def _insert_ids(session: Session, model: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Insert and return the new ids in the order of ``rows``."""
    ids: list[int] = []
    for chunk in _chunks(rows):
        stmt = insert(model).returning(model.id, sort_by_parameter_order=True)
        ids.extend(session.scalars(stmt, chunk))
    return ids


def _next_number(session: Session, column: Any, prefix: str) -> int:
    """One more than the highest number after ``prefix`` in ``column`` (1 when there is none)."""
    pattern = re.compile(re.escape(prefix) + r"(\d+)$")
    highest = 0
    for name in session.scalars(select(column).where(column.like(prefix + "%"))):
        match = pattern.match(name)
        if match:
            highest = max(highest, int(match.group(1)))
    return highest + 1


def _mechanism(rng: random.Random, countries: list[str], dpf: DpfStatus) -> TransferMechanism:
    """What a recipient processing in ``countries`` typically relies on, mistakes included."""
    third = [c for c in countries if c not in EU and c != "NO"]
    if not third:
        return TransferMechanism.NONE
    if third == ["GB"]:
        return TransferMechanism.ADEQUACY
    if set(third) <= {"US", "GB"}:
        if dpf == DpfStatus.ACTIVE:
            return TransferMechanism.DPF
        # Some records claim the DPF though the entry is inactive or missing: a finding to catch.
        weights = ((TransferMechanism.DPF, 2), (TransferMechanism.SCC, 5), (TransferMechanism.NONE, 2))
        return _pick(rng, (*weights, (TransferMechanism.UNKNOWN, 1)))
    weights = ((TransferMechanism.SCC, 12), (TransferMechanism.BCR, 1), (TransferMechanism.ART49, 1))
    return _pick(rng, (*weights, (TransferMechanism.NONE, 4), (TransferMechanism.UNKNOWN, 2)))


def _dpf(rng: random.Random, country: str, parent_country: str | None) -> DpfStatus:
    if "US" not in (country, parent_country):
        return DpfStatus.NOT_LISTED
    return _pick(rng, ((DpfStatus.ACTIVE, 6), (DpfStatus.INACTIVE, 1), (DpfStatus.NOT_LISTED, 3)))


class _Batch:
    """The rows of one generated batch, built in memory, then inserted table by table."""

    def __init__(
        self,
        session: Session,
        size: int,
        seed: int,
        today: dt.date,
        systems_per_vendor: int = SYSTEMS_PER_VENDOR,
    ) -> None:
        self.session = session
        self.today = today
        self.size = size
        self.systems_per_vendor = systems_per_vendor
        self.first_system = _next_number(session, System.name, SYSTEM_PREFIX)
        self.first_vendor = _next_number(session, Vendor.name, VENDOR_PREFIX)
        # Seeded per batch, so each batch is reproducible and differs from the previous one.
        self.rng = random.Random(f"{seed}:{self.first_system}:{self.first_vendor}")  # noqa: S311 (not secret)
        self.locations = 0
        self.sub_processors = 0

    def days(self, lo: int, hi: int) -> dt.date:
        return self.today + dt.timedelta(days=self.rng.randint(lo, hi))

    def location_rows(
        self, key: str, owner: int, processing: list[str], support: list[str]
    ) -> list[dict[str, Any]]:
        rows = [{key: owner, "country_code": c, "kind": LocationKind.PROCESSING} for c in processing]
        rows += [{key: owner, "country_code": c, "kind": LocationKind.SUPPORT} for c in support]
        self.locations += len(rows)
        return rows

    def support(self, p: float) -> list[str]:
        rng = self.rng
        return _countries(rng, SUPPORT_COUNTRIES, rng.choice((1, 1, 2))) if rng.random() < p else []

    # --- vendors -----------------------------------------------------------------------------------------

    def vendor_row(self, number: int) -> tuple[dict[str, Any], list[str], list[str]]:
        rng = self.rng
        country = _pick(rng, VENDOR_COUNTRIES)
        parent_country = country
        if country in EU and rng.random() < 0.2:
            parent_country = "US"  # a European subsidiary of an American group
        dpf = _dpf(rng, country, parent_country)
        processing = [country] if country != "NO" else ["NO", "SE"]
        if country in ("US", "GB", "IN", "CN") and rng.random() < 0.5:
            processing.append(rng.choice(("IE", "NL", "DE")))
        elif rng.random() < 0.4:
            processing.append(rng.choice([c for c in EU if c not in processing]))
        support = self.support(0.2)
        row = {
            "name": f"{VENDOR_PREFIX}{number:05d}",
            "org_number": f"DEMO-{number:06d}",
            "country_code": country,
            "parent_name": f"Demo group {number:05d}" if parent_country != country else "",
            "parent_country_code": parent_country,
            "website": f"https://demo-vendor-{number:05d}.example.dk",
            "contact": f"kontakt@demo-vendor-{number:05d}.example.dk",
            "transfer_mechanism": _mechanism(rng, processing + support, dpf),
            "dpf_status": dpf,
            "dpf_listed_name": f"Demo group {number:05d}" if dpf != DpfStatus.NOT_LISTED else "",
            "dpf_checked_on": self.days(-200, -1) if dpf != DpfStatus.NOT_LISTED else None,
            "notes": "Generated demo data.",
        }
        return row, processing, support

    # --- sub-processors ----------------------------------------------------------------------------------

    def sub_processor_plan(self, vendor_number: int) -> list[dict[str, Any]]:
        """The sub-processors of one vendor; ``parent`` is the index of an earlier one (a chain) or None."""
        rng = self.rng
        plan = []
        for j in range(_pick(rng, SUB_PROCESSOR_COUNT)):
            processing = _countries(rng, PROCESSING_COUNTRIES, _pick(rng, ((1, 3), (2, 4), (3, 4))))
            support = self.support(0.3)
            country = processing[0]
            parent_country = "US" if country in EU and rng.random() < 0.3 else country
            dpf = _dpf(rng, country, parent_country)
            mechanism = _mechanism(rng, processing + support, dpf)
            needs_tia = mechanism in (TransferMechanism.SCC, TransferMechanism.BCR)
            plan.append(
                {
                    "parent": rng.randrange(j) if j and rng.random() < 0.25 else None,
                    "processing": processing,
                    "support": support,
                    "row": {
                        "name": f"Demo sub-processor {vendor_number:05d}-{j + 1}",
                        "service": rng.choice(SERVICES),
                        "country_code": country,
                        "parent_company": f"Demo parent {vendor_number:05d}-{j + 1}"
                        if parent_country != country
                        else "",
                        "parent_country_code": parent_country,
                        "transfer_mechanism": mechanism,
                        "dpf_status": dpf,
                        "tia_on": self.days(-700, -1) if needs_tia and rng.random() < 0.7 else None,
                        "source": "Generated demo data",
                        "source_on": self.days(-400, -1),
                    },
                }
            )
        return plan

    def insert_sub_processors(self, plans: list[tuple[int, list[dict[str, Any]]]]) -> None:
        """Insert level by level, so that each chain link knows its parent's id."""
        ids: dict[tuple[int, int], int] = {}
        pending = [(vendor_id, j, item) for vendor_id, plan in plans for j, item in enumerate(plan)]
        locations: list[dict[str, Any]] = []
        while pending:
            is_ready = [p[2]["parent"] is None or (p[0], p[2]["parent"]) in ids for p in pending]
            ready = [p for p, ok in zip(pending, is_ready, strict=True) if ok]
            pending = [p for p, ok in zip(pending, is_ready, strict=True) if not ok]
            rows = []
            for vendor_id, _j, item in ready:
                parent = item["parent"]
                rows.append(
                    {
                        **item["row"],
                        "vendor_id": vendor_id,
                        "parent_id": None if parent is None else ids[(vendor_id, parent)],
                    }
                )
            new_ids = _insert_ids(self.session, SubProcessor, rows)
            for (vendor_id, j, item), new_id in zip(ready, new_ids, strict=True):
                ids[(vendor_id, j)] = new_id
                locations += self.location_rows(
                    "sub_processor_id", new_id, item["processing"], item["support"]
                )
        self.sub_processors += len(ids)
        _insert(self.session, ProcessingLocation, locations)

    # --- systems -----------------------------------------------------------------------------------------

    def system_row(self, number: int, vendor_id: int) -> dict[str, Any]:
        rng = self.rng
        status = _pick(rng, STATUSES)
        has_ai = rng.random() < 0.08
        has_free_text = rng.random() < 0.15
        return {
            "name": f"{SYSTEM_PREFIX}{number:05d}",
            "vendor_id": vendor_id,
            "system_owner": f"Systemejer {number % 97 + 1}",
            "purpose": f"{rng.choice(PURPOSES)} (genereret demodata).",
            "legal_basis_note": "",
            "subject_volume": rng.choice(list(SubjectVolume)),
            "retention": "Efter kommunens bevaringsplan.",
            "has_free_text": has_free_text,
            "free_text_note": "Brugerne skriver fritekst." if has_free_text else "",
            "has_ai": has_ai,
            "ai_description": "Genererer tekstforslag." if has_ai else "",
            "ai_output_in_decisions": has_ai and rng.random() < 0.2,
            "ai_act_class": rng.choice((AiActClass.MINIMAL, AiActClass.TRANSPARENCY, AiActClass.HIGH_RISK))
            if has_ai
            else AiActClass.NONE,
            "ai_annex_iii_area": "",
            "status": status,
            "journal_number": f"85.15.02G01-{number:05d}-{self.today:%y}",
            "next_review_on": None if status == SystemStatus.RETIRED else self.days(-120, 720),
        }

    def insert_systems(self, vendor_ids: list[int], weights: list[float]) -> list[int]:
        rng = self.rng
        numbers = range(self.first_system, self.first_system + self.size)
        owners = rng.choices(vendor_ids, weights, k=self.size)
        rows = [self.system_row(n, v) for n, v in zip(numbers, owners, strict=True)]
        system_ids = _insert_ids(self.session, System, rows)
        departments = list(self.session.scalars(select(Department.id).order_by(Department.id)))
        links: list[dict[str, Any]] = []
        subjects: list[dict[str, Any]] = []
        categories: list[dict[str, Any]] = []
        bases: list[dict[str, Any]] = []
        for system_id in system_ids:
            if departments:
                for d in rng.sample(departments, min(len(departments), rng.choice((1, 1, 2, 3)))):
                    links.append({"system_id": system_id, "department_id": d})
            for v in rng.sample(list(DataSubject), rng.choice((1, 2, 2, 3))):
                subjects.append({"system_id": system_id, "value": v})
            chosen = {DataCategory.ORDINARY, *rng.sample(list(DataCategory), rng.choice((0, 1, 2)))}
            categories += [{"system_id": system_id, "value": v} for v in chosen]
            basis = {rng.choice((LegalBasis.ART6_B, LegalBasis.ART6_C, LegalBasis.ART6_E))}
            if DataCategory.SPECIAL_ART9 in chosen:
                basis.add(LegalBasis.ART9_2)
            bases += [{"system_id": system_id, "value": v} for v in basis]
        if links:
            for chunk in _chunks(links):
                self.session.execute(system_department.insert(), chunk)
        _insert(self.session, SystemDataSubject, subjects)
        _insert(self.session, SystemDataCategory, categories)
        _insert(self.session, SystemLegalBasis, bases)
        return owners

    # --- the vendor's paperwork --------------------------------------------------------------------------

    def insert_paperwork(self, vendor_ids: list[int]) -> None:
        rng = self.rng
        agreements, statements, plans = [], [], []
        for vendor_id in vendor_ids:
            if rng.random() < 0.8:
                agreements.append(
                    {
                        "vendor_id": vendor_id,
                        "signed_on": self.days(-2000, -30),
                        "agreement_version": rng.choice(("1.0", "2.0", "2.1")),
                        "template": "KL/KOMBIT fælles databehandleraftale",
                        "scc_modules": [],
                    }
                )
            if rng.random() < 0.5:
                received = self.days(-500, -10)
                statements.append(
                    {
                        "vendor_id": vendor_id,
                        "type": rng.choice((AuditStatementType.ISAE3000, AuditStatementType.ISAE3402_T2)),
                        "period_start": received - dt.timedelta(days=425),
                        "period_end": received - dt.timedelta(days=60),
                        "received_on": received,
                        "remarks": "",
                    }
                )
            if rng.random() < 0.8:
                last = self.days(-500, -10)
                plans.append(
                    {
                        "vendor_id": vendor_id,
                        "method": rng.choice(list(SupervisionMethod)),
                        "frequency_months": 12,
                        "last_on": last,
                        "next_on": last + dt.timedelta(days=365),
                        "outcome": "",
                    }
                )
        _insert(self.session, DataProcessingAgreement, agreements)
        _insert(self.session, AuditStatement, statements)
        _insert(self.session, Supervision, plans)

    # --- all of it ---------------------------------------------------------------------------------------

    def run(self) -> GenerateResult:
        started = time.perf_counter()
        n_vendors = max(1, round(self.size / self.systems_per_vendor))
        numbers = range(self.first_vendor, self.first_vendor + n_vendors)
        built = [self.vendor_row(n) for n in numbers]
        vendor_ids = _insert_ids(self.session, Vendor, [row for row, _p, _s in built])
        locations: list[dict[str, Any]] = []
        reach: dict[int, int] = {}  # vendor id -> locations of the vendor and all its sub-processors
        plans = []
        for vendor_id, number, (_row, processing, support) in zip(vendor_ids, numbers, built, strict=True):
            locations += self.location_rows("vendor_id", vendor_id, processing, support)
            plan = self.sub_processor_plan(number)
            plans.append((vendor_id, plan))
            reach[vendor_id] = len(processing) + len(support)
            reach[vendor_id] += sum(len(p["processing"]) + len(p["support"]) for p in plan)
        _insert(self.session, ProcessingLocation, locations)
        self.insert_sub_processors(plans)
        # Some vendors carry many systems, most a few (a long tail, as in a real register).
        weights = [self.rng.paretovariate(1.5) for _ in vendor_ids]
        owners = self.insert_systems(vendor_ids, weights)
        self.insert_paperwork(vendor_ids)
        mark_stale(self.session)  # the bulk inserts above bypass the ORM events; classify before commit
        self.session.commit()
        return GenerateResult(
            systems=self.size,
            vendors=n_vendors,
            sub_processors=self.sub_processors,
            locations=self.locations,
            transfers=sum(reach[v] for v in owners),
            first_system=f"{SYSTEM_PREFIX}{self.first_system:05d}",
            last_system=f"{SYSTEM_PREFIX}{self.first_system + self.size - 1:05d}",
            seconds=time.perf_counter() - started,
        )


def generate_register(
    session: Session,
    size: int,
    *,
    seed: int = DEFAULT_SEED,
    today: dt.date | None = None,
    systems_per_vendor: int = SYSTEMS_PER_VENDOR,
) -> GenerateResult:
    """Add ``size`` generated systems with their vendors, sub-processors and countries, and commit.

    ``systems_per_vendor`` sets how many vendors there are (``bench/export.py`` varies it to vary the number
    of systems and transfers while the vendors stay as many).
    """
    if size < 1 or systems_per_vendor < 1:
        raise ValueError("size and systems_per_vendor must be at least 1")
    return _Batch(session, size, seed, today or dt.date.today(), systems_per_vendor).run()
