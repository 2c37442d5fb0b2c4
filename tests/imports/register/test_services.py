"""The register import against the database: dry run, apply all or nothing, existing systems and vendors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from riskreg.enums import DataCategory, DataSubject, ImportState, LocationKind, SubjectVolume, SystemStatus
from riskreg.errors import DomainError
from riskreg.extensions import db
from riskreg.imports.files import ImportRefused, read_table
from riskreg.imports.models import ImportBatch
from riskreg.imports.register import parse as register
from riskreg.imports.register import services as register_services
from riskreg.systems.models import System
from riskreg.systems.services import create_system
from riskreg.transfers.models import SystemAssessment
from riskreg.vendors.models import Vendor
from riskreg.vendors.services import create_vendor, set_vendor_archived

HEADER = (
    "Systemnavn;Leverandør;Land;Afdelinger;Registrerede;Personoplysninger;Antal;Næste gennemgang;Status\n"
)
GOOD = (
    HEADER
    + "Aula;Netcompany A/S;Danmark;Skole, Dagtilbud;Børn;CPR-numre, følsomme;5000;31-12-2040;Godkendt\n"
    "Momentum;netcompany a/s;;Jobcenter;Borgere;;;;\n"
    "Zoom;Zoom Video Communications, Inc.;USA;;Medarbejdere;;;;\n"
)


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    with app.test_request_context():
        yield db.session()


@pytest.fixture
def netcompany(session: Session) -> Vendor:
    return create_vendor(
        session, {"name": "Netcompany A/S", "country_code": "DK"}, [("DK", LocationKind.PROCESSING)]
    )


def counts(session: Session) -> tuple[int, int]:
    return (
        session.scalar(select(func.count(Vendor.id))) or 0,
        session.scalar(select(func.count(System.id))) or 0,
    )


def preview(session: Session, text: str, lang: str = "en") -> ImportBatch:
    table = read_table(text.encode("utf-8"))
    return register_services.preview(
        session, table, register.suggest_mapping(table.headers), "register.csv", lang
    )


def messages(batch: ImportBatch) -> list[tuple[int | None, str | None, str]]:
    return [(p.row, p.column, p.message("en")) for p in register_services.batch_problems(batch)]


def test_the_dry_run_counts_what_would_be_created_and_changes_nothing(
    session: Session, netcompany: Vendor
) -> None:
    before = counts(session)
    batch = preview(session, GOOD)
    assert counts(session) == before
    assert batch.state == ImportState.PENDING
    assert batch.summary == {
        "rows": 3,
        "vendors_new": 1,
        "vendors_existing": 1,
        "systems": 3,
        "agreements": 0,
        "problems": 0,
    }
    vendors = {v["name"]: v for v in batch.payload["plan"]["vendors"]}
    assert vendors["Netcompany A/S"]["existing_id"] == netcompany.id
    assert vendors["Netcompany A/S"]["rows"] == [2, 3]
    assert vendors["Zoom Video Communications, Inc."] | {"existing_id": None} == {
        "name": "Zoom Video Communications, Inc.",
        "country": "US",
        "row": 4,
        "existing_id": None,
        "rows": [4],
        "facts": "Vendor country: United States",
    }
    assert [s["name"] for s in batch.payload["plan"]["systems"]] == ["Aula", "Momentum", "Zoom"]
    assert register_services.can_apply(batch)


def test_apply_creates_the_vendors_and_systems_at_once_with_their_verdicts(
    session: Session, netcompany: Vendor
) -> None:
    batch = preview(session, GOOD)
    result = register_services.apply(session, batch, None, "en")
    assert result == {
        "rows": 3,
        "vendors_created": 1,
        "vendors_existing": 1,
        "systems_created": 3,
        "agreements_created": 0,
    }
    assert batch.state == ImportState.APPLIED and batch.applied_at is not None

    zoom_vendor = session.scalars(select(Vendor).where(Vendor.name.startswith("Zoom"))).one()
    assert zoom_vendor.country_code == "US"
    systems = {s.name: s for s in session.scalars(select(System))}
    aula = systems["Aula"]
    assert aula.vendor_id == netcompany.id
    assert [d.name for d in aula.departments] == ["Dagtilbud", "Skole"]
    assert list(aula.data_subjects) == [DataSubject.CHILDREN]
    assert set(aula.data_categories) == {DataCategory.CPR, DataCategory.SPECIAL_ART9}
    assert aula.subject_volume == SubjectVolume.UNDER_10000
    assert aula.next_review_on == dt.date(2040, 12, 31)
    assert aula.status == SystemStatus.APPROVED
    assert systems["Momentum"].status == SystemStatus.DRAFT
    assert systems["Zoom"].vendor_id == zoom_vendor.id
    # The stored transfer verdicts were refreshed on the import's commit.
    assessed = set(session.scalars(select(SystemAssessment.system_id)))
    assert {s.id for s in systems.values()} <= assessed
    with pytest.raises(DomainError):
        register_services.apply(session, batch, None, "en")


def test_any_bad_row_creates_nothing_and_every_problem_is_listed(
    session: Session, netcompany: Vendor
) -> None:
    create_system(session, {"name": "SBSYS", "vendor_id": netcompany.id})
    archived = create_vendor(session, {"name": "Old Vendor ApS", "country_code": "DK"})
    set_vendor_archived(session, archived, True)
    before = counts(session)
    batch = preview(
        session,
        GOOD
        + "sbsys;Netcompany A/S;;;;;;;\n"  # exists already (any case)
        + "Gammelt;Old Vendor ApS;;;;;;;\n"  # the vendor is archived
        + "Ny;Ny Leverandør;Irland;;;;;;\n"
        + "Nyere;ny leverandør;Danmark;;;;;;\n",  # the same new vendor, another country
    )
    assert counts(session) == before
    assert batch.summary["problems"] == 3
    assert messages(batch) == [
        (8, "Land", "ny leverandør: Vendor country is Denmark here but Ireland in row 7."),
        (
            5,
            "Systemnavn",
            "A system called SBSYS exists already. The import only adds systems: change it in riskreg, "
            "or leave the row out.",
        ),
        (6, "Leverandør", "The vendor Old Vendor ApS is archived."),
    ]
    assert not register_services.can_apply(batch)
    with pytest.raises(ImportRefused):
        register_services.apply(session, batch, None, "en")
    assert counts(session) == before


def test_the_services_refusals_are_in_the_language_of_the_dry_run(session: Session) -> None:
    archived = create_vendor(session, {"name": "Old Vendor ApS", "country_code": "DK"})
    set_vendor_archived(session, archived, True)
    danish = preview(session, HEADER + "Gammelt;Old Vendor ApS;;;;;;;\n", lang="da")
    english = preview(session, HEADER + "Gammelt;Old Vendor ApS;;;;;;;\n", lang="en")
    assert messages(english) == [(2, "Leverandør", "The vendor Old Vendor ApS is archived.")]
    assert messages(danish)[0][:2] == (2, "Leverandør")
    assert "Old Vendor ApS" in messages(danish)[0][2] != messages(english)[0][2]
    assert counts(session) == (1, 0)


def test_apply_refuses_when_the_register_changed_since_the_dry_run(
    session: Session, netcompany: Vendor
) -> None:
    batch = preview(session, GOOD)
    create_system(session, {"name": "Zoom", "vendor_id": netcompany.id})
    before = counts(session)
    with pytest.raises(ImportRefused) as info:
        register_services.apply(session, batch, None, "en")
    assert [(p.row, p.column) for p in info.value.problems] == [(4, "Systemnavn")]
    assert counts(session) == before
    batch = session.get_one(ImportBatch, batch.id)
    assert batch.state == ImportState.PENDING
    assert messages(batch)[0][0] == 4


def test_vendors_match_by_name_whatever_the_case_or_legal_form(session: Session, netcompany: Vendor) -> None:
    batch = preview(session, "System,Vendor\nA,NETCOMPANY A/S\nB,Netcompany\nC,Netcompany ApS\n")
    assert batch.summary["vendors_new"] == 0
    assert [v["existing_id"] for v in batch.payload["plan"]["vendors"]] == [netcompany.id]


def test_a_new_mapping_replaces_the_dry_run_and_discard_closes_the_batch(session: Session) -> None:
    table = read_table(b"Program,Firma,Notes\nAula,Netcompany,x\n")
    batch = register_services.start(session, table, "r.csv", None)
    assert batch.payload["mapping"] == {"Program": "", "Firma": "", "Notes": ""}
    assert not register_services.can_apply(batch)
    batch = register_services.remap(session, batch, {"Program": "system_name", "Firma": "vendor_name"}, "en")
    assert batch.summary["systems"] == 1 and register_services.can_apply(batch)
    register_services.discard(session, batch)
    assert batch.state == ImportState.DISCARDED
    with pytest.raises(DomainError):
        register_services.apply(session, batch, None, "en")
    assert counts(session) == (0, 0)


def test_a_batch_applied_meanwhile_is_not_applied_twice(app: Flask, session: Session) -> None:
    batch = preview(session, GOOD)
    assert batch.state == ImportState.PENDING  # loaded: this copy will not see the other confirmation
    with db.engine.begin() as other:
        other.execute(update(ImportBatch).where(ImportBatch.id == batch.id).values(state=ImportState.APPLIED))
    with pytest.raises(DomainError):
        register_services.apply(session, batch, None, "en")
    assert counts(session) == (0, 0)


def test_an_overdue_review_in_the_spreadsheet_is_imported_and_shows_as_overdue(session: Session) -> None:
    from riskreg.main.attention import attention

    batch = preview(
        session,
        "System,Vendor,Vendor country,Next review\nGammelt ESDH,Arkivsystemer ApS,DK,01-03-2025\n",
    )
    assert register_services.batch_problems(batch) == []
    register_services.apply(session, batch, None, "en")
    system = session.scalars(select(System).where(System.name == "Gammelt ESDH")).one()
    assert system.next_review_on == dt.date(2025, 3, 1)
    assert system in attention(session, dt.date(2026, 11, 25)).reviews_overdue
