"""Readers and steering group members may look at vendors but change nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from riskreg.extensions import db
from riskreg.vendors.models import Vendor
from riskreg.vendors.services import add_audit_statement, add_supervision
from tests.conftest import post_form
from tests.pages import text
from tests.records import audit_entries
from tests.vendors.conftest import vendor_form


@pytest.fixture
def records(app, make_vendor) -> dict[str, int]:
    vendor_id = make_vendor("Acme", locations=[("DK", "processing")])
    with app.app_context():
        vendor = db.session.get(Vendor, vendor_id)
        statement = add_audit_statement(
            db.session, vendor, {"type": "isae3402_t2", "received_on": dt.date(2026, 1, 2)}
        )
        supervision = add_supervision(db.session, vendor, {"method": "questionnaire", "frequency_months": 12})
        return {"vendor": vendor_id, "statement": statement.id, "supervision": supervision.id}


CHANGE_ROUTES = [
    ("GET", "/vendors/new"),
    ("POST", "/vendors/new"),
    ("GET", "/vendors/{vendor}/edit"),
    ("POST", "/vendors/{vendor}/edit"),
    ("POST", "/vendors/{vendor}/archive"),
    ("GET", "/vendors/{vendor}/statements/new"),
    ("POST", "/vendors/{vendor}/statements/new"),
    ("GET", "/vendors/statements/{statement}/edit"),
    ("POST", "/vendors/statements/{statement}/edit"),
    ("GET", "/vendors/{vendor}/supervision/new"),
    ("POST", "/vendors/{vendor}/supervision/new"),
    ("GET", "/vendors/supervision/{supervision}/edit"),
    ("POST", "/vendors/supervision/{supervision}/edit"),
]


@pytest.mark.parametrize("role", ["reader", "steering"])
@pytest.mark.parametrize(("method", "route"), CHANGE_ROUTES)
def test_read_only_roles_get_403_on_every_change(app, login, records, role, method, route):
    client = login(role)
    url = route.format(**records)
    if method == "GET":
        response = client.get(url)
    else:
        data = vendor_form(
            name="Hijacked", version="1", type="iso27001", received_on="2026-01-01", method="inspection"
        )
        response = post_form(client, url, data)
    assert response.status_code == 403
    with app.app_context():
        vendor = db.session.get(Vendor, records["vendor"])
        assert vendor.name == "Acme"
        assert not vendor.is_archived
        assert len(vendor.audit_statements) == 1
        assert len(vendor.supervisions) == 1
        assert len(audit_entries(db.session, "vendor", records["vendor"])) == 1


@pytest.mark.parametrize("role", ["reader", "steering"])
def test_read_only_roles_see_the_pages_without_edit_buttons(login, records, role):
    client = login(role)
    listing = text(client.get("/vendors/"))
    assert "Acme" in listing
    assert "/vendors/new" not in listing
    page = client.get(f"/vendors/{records['vendor']}")
    assert page.status_code == 200
    html = text(page)
    for hidden in (
        "/edit",
        "/archive",
        "/statements/new",
        "/supervision/new",
        "/subprocessors/new",
        "/agreements/new",
    ):
        assert hidden not in html
    assert f"/history/vendor/{records['vendor']}" in html


@pytest.mark.parametrize("role", ["security", "dpo", "admin"])
def test_editing_roles_see_the_edit_buttons(login, records, role):
    html = text(login(role).get(f"/vendors/{records['vendor']}"))
    assert f"/vendors/{records['vendor']}/edit" in html
    assert f"/vendors/{records['vendor']}/archive" in html
    assert f"/subprocessors/new/{records['vendor']}" in html
    assert f"/agreements/new/{records['vendor']}" in html


def test_anonymous_is_sent_to_login(client, records):
    response = client.get(f"/vendors/{records['vendor']}")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
