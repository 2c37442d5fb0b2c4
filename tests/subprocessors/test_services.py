"""Domain rules of sub-processors, through the service functions other areas call."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import func, select

from riskreg.enums import AuditAction, DpfStatus, LocationKind, TransferMechanism
from riskreg.errors import ConflictError, DomainError
from riskreg.extensions import db
from riskreg.subprocessors import services
from riskreg.vendors.models import ProcessingLocation, SubProcessor, Vendor
from tests.records import audit_entries

P, S = LocationKind.PROCESSING, LocationKind.SUPPORT


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_create_with_processing_and_support_countries_and_systems_is_logged(
    app: Flask, world: dict[str, int]
) -> None:
    with app.app_context():
        vendor = db.session.get(Vendor, world["vendor"])
        sp = services.create_sub_processor(
            db.session,
            vendor,
            {
                "name": " Microsoft Ireland Operations Ltd ",
                "service": "Hosting (Azure)",
                "country_code": "ie",
                "parent_company": "Microsoft Corporation",
                "parent_country_code": "US",
                "transfer_mechanism": "scc",
                # Not on the DPF list itself: the entry "Microsoft Corporation" is the US parent's.
                "dpf_status": DpfStatus.NOT_LISTED,
                "source_on": dt.date(2026, 5, 1),
            },
            [("IE", P), ("NL", P), ("US", S), ("IE", P)],
            [world["momentum"]],
        )
        assert sp.name == "Microsoft Ireland Operations Ltd"
        assert sp.country_code == "IE"
        assert sp.transfer_mechanism == TransferMechanism.SCC
        assert sorted((loc.country_code, loc.kind) for loc in sp.locations) == [
            ("IE", P),
            ("NL", P),
            ("US", S),
        ]
        assert [s.name for s in sp.systems] == ["Momentum"]

        [entry] = audit_entries(db.session, "sub_processor", sp.id)
        assert entry.action == AuditAction.CREATE
        assert entry.changes["name"] == [None, "Microsoft Ireland Operations Ltd"]
        assert entry.changes["vendor_id"] == [None, world["vendor"]]
        assert entry.changes["locations"] == [[], ["IE (processing)", "NL (processing)", "US (support)"]]
        assert entry.changes["systems"] == [[], ["Momentum"]]


def test_update_of_countries_and_systems_alone_is_logged_and_moves_the_version(
    app: Flask, make_sp: Callable[..., int], world: dict[str, int]
) -> None:
    sp_id = make_sp("AWS EMEA", locations=[("IE", "processing")])
    with app.app_context():
        sp = db.session.get(SubProcessor, sp_id)
        services.update_sub_processor(
            db.session, sp, {}, [("DE", P), ("IN", S)], [world["sbsys"], world["momentum"]], version=1
        )
        assert sp.version == 2
        entry = audit_entries(db.session, "sub_processor", sp_id)[-1]
        assert entry.action == AuditAction.UPDATE
        assert entry.changes == {
            "locations": [["IE (processing)"], ["DE (processing)", "IN (support)"]],
            "systems": [[], ["Momentum", "SBSYS"]],
        }
        # The dropped location row is gone, not orphaned.
        assert (
            db.session.scalar(select(func.count()).where(ProcessingLocation.sub_processor_id == sp_id)) == 2
        )


def test_parent_links_sub_sub_processors_into_a_chain(
    app: Flask, make_sp: Callable[..., int], world: dict[str, int]
) -> None:
    top = make_sp("Microsoft")
    middle = make_sp("OpenAI", parent_id=top)
    bottom = make_sp("CoreWeave", parent_id=middle)
    with app.app_context():
        sp = db.session.get(SubProcessor, bottom)
        assert sp.parent.name == "OpenAI"
        assert sp.parent.parent.name == "Microsoft"
        chain = services.chain_of(
            db.session.get(SubProcessor, middle), services.vendor_sub_processors(db.session, world["vendor"])
        )
        assert [a.name for a in chain.ancestors] == ["Microsoft"]
        assert [n.sub_processor.name for n in chain.children] == ["CoreWeave"]


@pytest.mark.parametrize("depth", [0, 1, 2])
def test_a_parent_link_that_closes_a_loop_is_refused(
    app: Flask, make_sp: Callable[..., int], depth: int
) -> None:
    a = make_sp("A")
    chain = [a]
    for i in range(depth):
        chain.append(make_sp(f"B{i}", parent_id=chain[-1]))
    with app.app_context():
        sp = db.session.get(SubProcessor, a)
        # depth 0: A under itself; 1: A -> B0 -> A; 2: A -> B0 -> B1 -> A.
        with pytest.raises(DomainError) as err:
            services.update_sub_processor(db.session, sp, {"parent_id": chain[-1]}, [("IE", P)], [])
        assert err.value.field == "parent_id"
        db.session.rollback()
        assert db.session.get(SubProcessor, a).parent_id is None


def test_moving_a_sub_processor_elsewhere_in_its_chain_is_allowed(
    app: Flask, make_sp: Callable[..., int]
) -> None:
    a = make_sp("A")
    b = make_sp("B", parent_id=a)
    c = make_sp("C", parent_id=b)
    with app.app_context():
        services.update_sub_processor(
            db.session, db.session.get(SubProcessor, c), {"parent_id": a}, [("IE", P)], []
        )
        assert db.session.get(SubProcessor, c).parent_id == a


def test_parent_from_another_vendor_is_refused(app: Flask, make_sp: Callable[..., int]) -> None:
    foreign = make_sp("Amazon Web Services", vendor="other")
    with pytest.raises(DomainError) as err:
        make_sp("Cloudflare", parent_id=foreign)
    assert err.value.field == "parent_id"
    with app.app_context():
        assert db.session.scalar(select(SubProcessor).where(SubProcessor.name == "Cloudflare")) is None


def test_system_of_another_vendor_is_refused(
    app: Flask, make_sp: Callable[..., int], world: dict[str, int]
) -> None:
    with pytest.raises(DomainError) as err:
        make_sp("Cloudflare", system_ids=[world["momentum"], world["canva"]])
    assert err.value.field == "system_ids"
    with pytest.raises(DomainError):
        make_sp("Cloudflare", system_ids=[999_999])
    with app.app_context():
        assert count(SubProcessor) == 0


@pytest.mark.parametrize(
    ("values", "locations", "field"),
    [
        ({"country_code": "XX"}, [("IE", P)], "country_code"),
        ({"parent_country_code": "ZZ"}, [("IE", P)], "parent_country_code"),
        ({}, [("IE", P), ("QQ", P)], "processing_countries"),
        ({}, [("IE", P), ("QQ", S)], "support_countries"),
    ],
)
def test_unknown_country_is_refused(
    app: Flask, make_sp: Callable[..., int], values: dict, locations: list, field: str
) -> None:
    with pytest.raises(DomainError) as err:
        make_sp("Somewhere Ltd", locations=locations, **values)
    assert err.value.field == field
    assert "Ukendt land" in err.value.message
    with app.app_context():
        assert count(SubProcessor) == 0
        assert count(ProcessingLocation) == 2  # the two vendors' own


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"name": "   "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"tia_on": dt.date.today() + dt.timedelta(days=1)}, "tia_on"),
        ({"source_on": dt.date.today() + dt.timedelta(days=1)}, "source_on"),
        ({"service": "x" * 1001}, "service"),
    ],
)
def test_bad_values_are_refused(app: Flask, make_sp: Callable[..., int], values: dict, field: str) -> None:
    values = {"name": "Valid", **values}
    name = values.pop("name")
    with pytest.raises(DomainError) as err:
        make_sp(name, **values)
    assert err.value.field == field
    with app.app_context():
        assert count(SubProcessor) == 0


def test_dates_up_to_today_are_fine(app: Flask, make_sp: Callable[..., int]) -> None:
    sp_id = make_sp("Valid", tia_on=dt.date.today(), source_on=dt.date.today())
    with app.app_context():
        assert db.session.get(SubProcessor, sp_id).tia_on == dt.date.today()


def test_dpf_with_an_inactive_recipient_is_stored_with_a_warning(
    app: Flask, make_sp: Callable[..., int]
) -> None:
    sp_id = make_sp(
        "Canva US",
        country_code="US",
        locations=[("US", "processing")],
        transfer_mechanism="dpf",
        dpf_status="inactive",
    )
    with app.app_context():
        sp = db.session.get(SubProcessor, sp_id)
        assert any("DPF-status er ikke aktiv" in w for w in services.warnings(sp))
        services.update_sub_processor(db.session, sp, {"dpf_status": "active"}, [("US", P)], [])
        assert services.warnings(sp) == []


def test_stale_version_is_refused(app: Flask, make_sp: Callable[..., int]) -> None:
    sp_id = make_sp("Original")
    with app.app_context():
        sp = db.session.get(SubProcessor, sp_id)
        services.update_sub_processor(db.session, sp, {"name": "First save"}, [("IE", P)], [], version=1)
        with pytest.raises(ConflictError) as err:
            services.update_sub_processor(db.session, sp, {"name": "Second save"}, [("IE", P)], [], version=1)
        assert ("name", "Original", "First save") in err.value.changes
        assert db.session.get(SubProcessor, sp_id).name == "First save"


def test_the_vendor_cannot_be_changed_through_values(app: Flask, make_sp: Callable[..., int], world) -> None:  # type: ignore[no-untyped-def]
    sp_id = make_sp("Stays")
    with app.app_context():
        sp = db.session.get(SubProcessor, sp_id)
        with pytest.raises(DomainError):
            services.update_sub_processor(db.session, sp, {"vendor_id": world["other"]}, [("IE", P)], [])
        db.session.rollback()
        assert db.session.get(SubProcessor, sp_id).vendor_id == world["vendor"]


def test_archive_and_restore_are_logged(app: Flask, make_sp: Callable[..., int]) -> None:
    sp_id = make_sp("Zendesk")
    with app.app_context():
        sp = db.session.get(SubProcessor, sp_id)
        services.set_sub_processor_archived(db.session, sp, True)
        services.set_sub_processor_archived(db.session, sp, False)
        actions = [e.action for e in audit_entries(db.session, "sub_processor", sp_id)]
        assert actions == [AuditAction.CREATE, AuditAction.ARCHIVE, AuditAction.RESTORE]
