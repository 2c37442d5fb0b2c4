"""The vendor services as other areas and the demo loader call them (no pages involved)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from riskreg.enums import AuditAction, DpfStatus, LocationKind, TransferMechanism
from riskreg.errors import ConflictError, DomainError
from riskreg.extensions import db
from riskreg.vendors import services
from riskreg.vendors.models import Vendor
from tests.records import audit_entries

TOMORROW = dt.date.today() + dt.timedelta(days=1)
P, S = LocationKind.PROCESSING, LocationKind.SUPPORT


def test_create_accepts_plain_strings_for_enums_and_cleans_values(app):
    with app.app_context():
        vendor = services.create_vendor(
            db.session,
            {
                "name": "  ByteDance Pte. Ltd.  ",
                "org_number": " sg 2013 ",
                "country_code": "sg",
                "dpf_status": "not_listed",
                "transfer_mechanism": "scc",
                "parent_name": " ByteDance Ltd. ",
            },
            [("SG", P), ("us", "processing"), ("SG", P), ("", P)],  # type: ignore[list-item]
        )
        assert vendor.name == "ByteDance Pte. Ltd."
        assert vendor.org_number == "SG2013"
        assert vendor.country_code == "SG"
        assert vendor.parent_name == "ByteDance Ltd."
        assert vendor.dpf_status is DpfStatus.NOT_LISTED
        assert vendor.transfer_mechanism is TransferMechanism.SCC
        assert [(loc.country_code, loc.kind) for loc in vendor.locations] == [("SG", P), ("US", P)]


def test_a_country_may_be_both_processing_and_support(app):
    with app.app_context():
        vendor = services.create_vendor(db.session, {"name": "Zoom"}, [("US", P), ("US", S)])
        assert sorted(loc.label for loc in vendor.locations) == ["US (processing)", "US (support)"]


@pytest.mark.parametrize(
    ("values", "locations", "field"),
    [
        ({"name": ""}, [], "name"),
        ({"name": "x" * 201}, [], "name"),
        ({"name": "A", "org_number": "1" * 41}, [], "org_number"),
        ({"name": "A", "country_code": "XX"}, [], "country_code"),
        ({"name": "A", "parent_country_code": "XX"}, [], "parent_country_code"),
        ({"name": "A"}, [("XX", P)], "locations"),
        ({"name": "A", "dpf_checked_on": TOMORROW}, [], "dpf_checked_on"),
        ({"name": "A", "dpf_status": "certified"}, [], "dpf_status"),
        ({"name": "A", "is_archived": True}, [], None),
        ({"name": "A", "id": 7}, [], None),
    ],
)
def test_create_refuses_bad_values(app, values, locations, field):
    with app.app_context():
        with pytest.raises(DomainError) as raised:
            services.create_vendor(db.session, values, locations)
        assert raised.value.field == field
        assert db.session.scalar(select(func.count(Vendor.id))) == 0


def test_duplicate_org_number_names_the_other_vendor(app, make_vendor):
    make_vendor("Netcompany A/S", org_number="DK14934112", locations=())
    with app.app_context():
        with pytest.raises(DomainError) as raised:
            services.create_vendor(db.session, {"name": "Copy", "org_number": "dk 14934112"})
        assert raised.value.field == "org_number"
        assert raised.value.message.startswith("Organisationsnummeret")
        assert "Netcompany A/S" in raised.value.message


def test_update_only_touches_the_given_fields(app, make_vendor):
    vendor_id = make_vendor("Acme", org_number="DK1", country_code="DK", locations=[("DK", "processing")])
    with app.app_context():
        vendor = db.session.get(Vendor, vendor_id)
        services.update_vendor(db.session, vendor, {"contact": "it@acme.example"}, [("DK", P)])
        assert (vendor.name, vendor.org_number, vendor.country_code) == ("Acme", "DK1", "DK")
        assert audit_entries(db.session, "vendor", vendor_id)[-1].changes == {
            "contact": ["", "it@acme.example"]
        }


def test_update_with_stale_version_is_a_conflict(app, make_vendor):
    vendor_id = make_vendor("Acme", locations=())
    with app.app_context():
        vendor = db.session.get(Vendor, vendor_id)
        services.update_vendor(db.session, vendor, {"name": "Acme 2"}, [])
        with pytest.raises(ConflictError):
            services.update_vendor(db.session, vendor, {"name": "Acme 3"}, [], version=1)
        assert db.session.get(Vendor, vendor_id).name == "Acme 2"


def test_archiving_twice_writes_one_entry(app, make_vendor):
    vendor_id = make_vendor("Acme", locations=())
    with app.app_context():
        vendor = db.session.get(Vendor, vendor_id)
        services.set_vendor_archived(db.session, vendor, True)
        services.set_vendor_archived(db.session, vendor, True)
        actions = [e.action for e in audit_entries(db.session, "vendor", vendor_id)]
        assert actions == [AuditAction.CREATE, AuditAction.ARCHIVE]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"type": "isae3000"}, "received_on"),
        ({"received_on": dt.date(2026, 1, 1)}, "type"),
        ({"type": "isae3000", "received_on": TOMORROW}, "received_on"),
        (
            {
                "type": "isae3000",
                "received_on": dt.date(2026, 1, 1),
                "period_start": dt.date(2025, 6, 1),
                "period_end": dt.date(2025, 5, 1),
            },
            "period_end",
        ),
    ],
)
def test_audit_statement_rules(app, make_vendor, values, field):
    vendor_id = make_vendor("Acme", locations=())
    with app.app_context():
        with pytest.raises(DomainError) as raised:
            services.add_audit_statement(db.session, db.session.get(Vendor, vendor_id), values)
        assert raised.value.field == field


def test_statement_edit_checks_the_period_against_the_stored_start(app, make_vendor):
    vendor_id = make_vendor("Acme", locations=())
    with app.app_context():
        st = services.add_audit_statement(
            db.session,
            db.session.get(Vendor, vendor_id),
            {"type": "isae3000", "received_on": dt.date(2026, 1, 1), "period_start": dt.date(2025, 6, 1)},
        )
        with pytest.raises(DomainError):
            services.update_audit_statement(db.session, st, {"period_end": dt.date(2025, 1, 1)})


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"frequency_months": 12}, "method"),
        ({"method": "inspection", "frequency_months": 0}, "frequency_months"),
        ({"method": "inspection", "frequency_months": 61}, "frequency_months"),
        (
            {"method": "inspection", "last_on": dt.date(2026, 1, 1), "next_on": dt.date(2026, 1, 1)},
            "next_on",
        ),
        ({"method": "inspection", "last_on": TOMORROW}, "last_on"),
    ],
)
def test_supervision_rules(app, make_vendor, values, field):
    vendor_id = make_vendor("Acme", locations=())
    with app.app_context():
        with pytest.raises(DomainError) as raised:
            services.add_supervision(db.session, db.session.get(Vendor, vendor_id), values)
        assert raised.value.field == field


def test_supervision_frequency_edges_are_allowed(app, make_vendor):
    vendor_id = make_vendor("Acme", locations=())
    with app.app_context():
        vendor = db.session.get(Vendor, vendor_id)
        for months in (1, 60):
            assert services.add_supervision(
                db.session, vendor, {"method": "inspection", "frequency_months": months}
            )
