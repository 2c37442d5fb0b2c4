"""The register import keeps the vendor's facts and the DPA (issue 15, point 5), and never merges silently."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from riskreg.audit import AuditEntry
from riskreg.enums import DpfStatus, LocationKind, TransferMechanism, VendorRole
from riskreg.extensions import db
from riskreg.imports.country_names import CountryIndex
from riskreg.imports.files import ImportRefused, read_table
from riskreg.imports.models import ImportBatch
from riskreg.imports.register import parse as register
from riskreg.imports.register import services as register_services
from riskreg.systems.models import System
from riskreg.vendors.models import DataProcessingAgreement, ProcessingLocation, Vendor
from riskreg.vendors.services import create_vendor
from tests.imports.helpers import xlsx_bytes

HEADERS = [
    "System",
    "Vendor",
    "Entity country",
    "Parent company",
    "Parent_Country",
    "processing_countries",
    "Support countries",
    "Transfer mechanism",
    "DPF status",
    "Role",
    "Own purpose",
    "DPA signed",
    "DPA template",
]
CANVA = [
    "Canva for Education",
    "Canva Pty Ltd",
    "Australia",
    "",
    "",
    "United States, Australia",
    "unknown",
    "SCC",
    "",
    "Databehandler",
    "nej",
    "15-03-2024",
    "Canva DPA",
]
MENTI = [
    "Mentimeter",
    "Mentimeter AB",
    "Sverige",
    "",
    "",
    "Sweden, Ireland",
    "",
    "",
    "not listed",
    "Selvstændig dataansvarlig",
    "ja",
    "",
    "",
]
DROPBOX = [
    "Dropbox Business",
    "Dropbox International Unlimited Company",
    "Ireland",
    "Dropbox, Inc.",
    "USA",
    "United States",
    "",
    "DPF",
    "unknown",
    "processor",
    "",
    "2023-06-01",
    "KL/KOMBIT fælles databehandleraftale",
]


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    with app.test_request_context():
        yield db.session()


def _workbook(*rows: list[object]) -> bytes:
    return xlsx_bytes([HEADERS, *rows])


def _preview(session: Session, data: bytes) -> ImportBatch:
    table = read_table(data)
    return register_services.preview(
        session, table, register.suggest_mapping(table.headers), "register.xlsx", "en"
    )


def _messages(batch: ImportBatch) -> list[tuple[int | None, str | None, str]]:
    return [(p.row, p.column, p.message("en")) for p in register_services.batch_problems(batch)]


def _counts(session: Session) -> tuple[int, ...]:
    return tuple(
        session.scalar(select(func.count()).select_from(model)) or 0
        for model in (Vendor, System, ProcessingLocation, DataProcessingAgreement)
    )


def test_every_vendor_fact_column_is_suggested_and_none_is_ignored() -> None:
    mapping = register.suggest_mapping(HEADERS)
    assert mapping == {
        "System": "system_name",
        "Vendor": "vendor_name",
        "Entity country": "vendor_country",
        "Parent company": "vendor_parent_name",
        "Parent_Country": "vendor_parent_country",
        "processing_countries": "vendor_processing_countries",
        "Support countries": "vendor_support_countries",
        "Transfer mechanism": "vendor_mechanism",
        "DPF status": "vendor_dpf_status",
        "Role": "vendor_role",
        "Own purpose": "vendor_own_purpose",
        "DPA signed": "dpa_signed_on",
        "DPA template": "dpa_template",
    }


def test_the_import_creates_vendors_with_all_their_facts_and_the_dpa(session: Session) -> None:
    batch = _preview(session, _workbook(CANVA, MENTI, DROPBOX))
    assert _messages(batch) == []
    assert batch.summary["agreements"] == 2
    facts = {v["name"]: v["facts"] for v in batch.payload["plan"]["vendors"]}
    # The dry run shows what it will record, the location of unknown country included.
    assert "unknown country (not disclosed) (Support access)" in facts["Canva Pty Ltd"]
    assert "Vendor role: Processor" in facts["Canva Pty Ltd"]
    counts = register_services.apply(session, batch, None, "en")
    assert counts["vendors_created"] == 3 and counts["systems_created"] == 3
    assert counts["agreements_created"] == 2
    session.expire_all()
    vendors = {v.name: v for v in session.scalars(select(Vendor))}

    canva = vendors["Canva Pty Ltd"]
    assert canva.country_code == "AU"
    assert {(loc.country_code, loc.kind) for loc in canva.locations} == {
        ("US", LocationKind.PROCESSING),
        ("AU", LocationKind.PROCESSING),
        (None, LocationKind.SUPPORT),
    }
    assert canva.transfer_mechanism == TransferMechanism.SCC
    assert canva.dpf_status == DpfStatus.UNKNOWN  # not stated: not looked up
    assert canva.role == VendorRole.PROCESSOR and canva.own_purpose_use is False
    (agreement,) = canva.agreements
    assert agreement.signed_on == dt.date(2024, 3, 15) and agreement.template == "Canva DPA"
    assert agreement.system is not None and agreement.system.name == "Canva for Education"

    menti = vendors["Mentimeter AB"]
    assert menti.role == VendorRole.INDEPENDENT_CONTROLLER and menti.own_purpose_use is True
    assert menti.dpf_status == DpfStatus.NOT_LISTED
    assert menti.agreements == []

    dropbox = vendors["Dropbox International Unlimited Company"]
    assert (dropbox.country_code, dropbox.parent_name, dropbox.parent_country_code) == (
        "IE",
        "Dropbox, Inc.",
        "US",
    )
    assert dropbox.transfer_mechanism == TransferMechanism.DPF
    assert [a.template for a in dropbox.agreements] == ["KL/KOMBIT fælles databehandleraftale"]

    # Written in batches, still in the audit log, one entry per record created.
    logged = set(session.scalars(select(AuditEntry.entity_type).where(AuditEntry.entity_id == dropbox.id)))
    assert "vendor" in logged


def test_two_vendors_with_the_same_normalised_name_and_other_countries_are_a_problem_row(
    session: Session,
) -> None:
    before = _counts(session)
    dropbox = ["Dropbox", "Dropbox", "Ireland", *[""] * 10]
    dropbox_inc = ["Dropbox Sign", "Dropbox Inc.", "United States", *[""] * 10]
    batch = _preview(session, _workbook(dropbox, dropbox_inc, CANVA))
    assert _messages(batch) == [
        (
            3,
            "Entity country",
            "Dropbox Inc. and Dropbox (row 2) have the same name once legal forms and punctuation are left "
            "out, but Vendor country is United States here and Ireland there: they may be different "
            "companies. Name them apart, or make the rows agree.",
        )
    ]
    assert not register_services.can_apply(batch)
    assert _counts(session) == before


def test_a_row_that_contradicts_an_existing_vendor_is_a_problem_and_changes_nothing(session: Session) -> None:
    create_vendor(session, {"name": "Dropbox, Inc.", "country_code": "US"}, [("US", LocationKind.PROCESSING)])
    before = _counts(session)
    row = ["Dropbox Business", "Dropbox", "Ireland", *[""] * 10]
    batch = _preview(session, _workbook(row, CANVA))
    assert _messages(batch) == [
        (
            2,
            "Entity country",
            "The register has the vendor Dropbox, Inc. with Vendor country United States; this row says "
            "Ireland. The import does not change existing vendors: change it in riskreg, or leave the cell "
            "empty.",
        )
    ]
    assert _counts(session) == before


def test_a_future_or_unreadable_dpa_date_is_a_problem_row_and_nothing_is_created(session: Session) -> None:
    later = (dt.date.today() + dt.timedelta(days=10)).strftime("%d-%m-%Y")
    future = [*CANVA[:11], later, "Canva DPA"]
    unreadable = [*DROPBOX[:11], "last spring", ""]
    before = _counts(session)
    batch = _preview(session, _workbook(future, MENTI, unreadable))
    assert _messages(batch) == [
        (2, "DPA signed", "The signing date cannot be in the future."),
        (4, "DPA signed", "Not a date (dd-mm-yyyy or yyyy-mm-dd): last spring."),
    ]
    assert _counts(session) == before
    with pytest.raises(Exception):  # noqa: B017 - a batch with problems cannot be applied
        register_services.apply(session, batch, None, "en")
    assert _counts(session) == before


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("Role", "boss", "Unknown value: boss."),
        ("DPF status", "maybe", "Unknown value: maybe."),
        ("Own purpose", "sometimes", "Not yes or no: sometimes."),
        ("processing_countries", "Atlantis", "Unknown country: “Atlantis”."),
        ("Transfer mechanism", "Privacy Shield", None),
    ],
)
def test_a_bad_vendor_fact_is_a_problem_row(
    index: CountryIndex, column: str, value: str, message: str | None
) -> None:
    row = list(MENTI)
    row[HEADERS.index(column)] = value
    table = read_table(_workbook(row))
    with pytest.raises(ImportRefused) as refused:
        register.parse(table, register.suggest_mapping(table.headers), index)
    (problem,) = refused.value.problems
    assert (problem.row, problem.column) == (2, column)
    if message is not None:
        assert problem.message("en") == message


@pytest.mark.parametrize("word", ["", "unknown", "Not looked up", "ukendt"])
def test_a_blank_or_unknown_dpf_status_is_accepted(index: CountryIndex, word: str) -> None:
    row = list(MENTI)
    row[HEADERS.index("DPF status")] = word
    table = read_table(_workbook(row))
    parsed = register.parse(table, register.suggest_mapping(table.headers), index)
    assert "dpf_status" not in parsed.rows[0].vendor
