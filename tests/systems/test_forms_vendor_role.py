"""A system's own vendor role: where it differs from the vendor's, chosen on the system form."""

from __future__ import annotations

import re

from sqlalchemy import select

from riskreg.enums import VendorRole
from riskreg.extensions import db
from riskreg.systems.models import System
from tests.conftest import post_form
from tests.pages import in_english, text
from tests.records import audit_entries
from tests.systems.test_systems import form_data


def role_options(page: str) -> list[tuple[str, str, bool]]:
    """(value, label, selected) of the vendor role select."""
    match = re.search(r'<select[^>]*name="vendor_role"[^>]*>(.*?)</select>', page, re.S)
    assert match
    return [
        (value, label, bool(sel))
        for sel, value, label in re.findall(
            r'<option (selected )?value="([^"]*)">([^<]*)</option>', match.group(1)
        )
    ]


def test_a_systems_own_vendor_role_round_trips_and_is_logged(app, login, make_vendor):
    vendor_id = make_vendor("Microsoft Ireland Operations Ltd", country_code="IE")
    client = in_english(login("security"))
    new_form = text(client.get("/systems/new"))
    assert "Vendor's role for this system" in new_form
    assert role_options(new_form)[0] == ("", "As the vendor's role", True)

    response = post_form(client, "/systems/new", form_data(vendor_id, vendor_role="independent_controller"))
    assert response.status_code == 302
    with app.app_context():
        system = db.session.scalars(select(System)).one()
        assert system.vendor_role is VendorRole.INDEPENDENT_CONTROLLER
        [entry] = audit_entries(db.session, "system", system.id)
        assert entry.changes["vendor_role"] == [None, "independent_controller"]
        system_id = system.id

    edit_form = text(client.get(f"/systems/{system_id}/edit"))
    options = role_options(edit_form)
    # The empty choice names the vendor's own role.
    assert options[0] == ("", "As the vendor's role (Processor)", False)
    assert ("independent_controller", "Independent controller", True) in options

    # Back to the vendor's role: stored as None, logged old -> new.
    response = post_form(
        client, f"/systems/{system_id}/edit", form_data(vendor_id, vendor_role="", version="1")
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(System, system_id).vendor_role is None
        entry = audit_entries(db.session, "system", system_id)[-1]
        assert entry.changes["vendor_role"] == ["independent_controller", None]


def test_a_role_that_does_not_exist_is_refused_and_nothing_changes(app, login, make_vendor):
    vendor_id = make_vendor()
    client = in_english(login("security"))
    response = post_form(client, "/systems/new", form_data(vendor_id, vendor_role="owner"))
    assert response.status_code == 400
    assert "Choose one of the listed values." in text(response)
    with app.app_context():
        assert db.session.scalars(select(System)).first() is None
