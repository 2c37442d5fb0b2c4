"""Creating, editing and archiving vendors through the pages: rules, audit entries, roles, conflicts."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from riskreg.enums import AuditAction, DpfStatus, LocationKind, TransferMechanism
from riskreg.extensions import db
from riskreg.vendors.models import Vendor
from riskreg.vendors.services import update_vendor
from tests.conftest import post_form
from tests.pages import in_english, text
from tests.records import audit_entries
from tests.vendors.conftest import vendor_form

TOMORROW = (dt.date.today() + dt.timedelta(days=1)).isoformat()


def vendor_count() -> int:
    return db.session.scalar(select(func.count(Vendor.id))) or 0


def test_create_vendor_stores_it_with_countries_and_logs_every_field(app, editor):
    response = post_form(editor, "/vendors/new", vendor_form(tia_on="2026-01-05"))
    assert response.status_code == 302
    with app.app_context():
        vendor = db.session.scalar(select(Vendor))
        assert response.headers["Location"].endswith(f"/vendors/{vendor.id}")
        assert vendor.name == "Netcompany A/S"
        assert vendor.org_number == "DK14934112"  # spaces gone, upper case
        assert vendor.transfer_mechanism is TransferMechanism.ADEQUACY
        assert vendor.tia_on == dt.date(2026, 1, 5)
        assert sorted((loc.country_code, loc.kind) for loc in vendor.locations) == [
            ("DE", LocationKind.PROCESSING),
            ("DK", LocationKind.PROCESSING),
            ("IN", LocationKind.SUPPORT),
        ]
        [entry] = audit_entries(db.session, "vendor", vendor.id)
        assert entry.action is AuditAction.CREATE
        assert entry.changes["name"] == [None, "Netcompany A/S"]
        assert entry.changes["org_number"] == [None, "DK14934112"]
        assert entry.changes["locations"] == [[], ["DE (processing)", "DK (processing)", "IN (support)"]]


def test_edit_logs_old_and_new_value_of_each_changed_field_including_countries(app, editor, make_vendor):
    vendor_id = make_vendor(
        "Netcompany A/S",
        locations=[("DK", "processing"), ("DE", "processing"), ("IN", "support")],
        country_code="DK",
    )
    form = vendor_form(
        name="Netcompany Denmark A/S",
        org_number="",
        parent_name="",
        parent_country_code="",
        website="",
        contact="",
        transfer_mechanism="unknown",
        processing_countries=["DK", "SE"],
        support_countries=[],
        version="1",
    )
    response = post_form(editor, f"/vendors/{vendor_id}/edit", form)
    assert response.status_code == 302, text(response)
    with app.app_context():
        vendor = db.session.get(Vendor, vendor_id)
        assert vendor.name == "Netcompany Denmark A/S"
        assert vendor.version == 2
        entry = audit_entries(db.session, "vendor", vendor_id)[-1]
        assert entry.action is AuditAction.UPDATE
        assert entry.changes == {
            "name": ["Netcompany A/S", "Netcompany Denmark A/S"],
            "locations": [
                ["DE (processing)", "DK (processing)", "IN (support)"],
                ["DK (processing)", "SE (processing)"],
            ],
        }


def test_changing_only_the_countries_moves_the_version_on(app, editor, make_vendor):
    vendor_id = make_vendor("Acme", locations=[("DK", "processing")], country_code="DK")
    form = vendor_form(
        name="Acme",
        org_number="",
        parent_name="",
        parent_country_code="",
        website="",
        contact="",
        transfer_mechanism="unknown",
        processing_countries=["DK", "US"],
        support_countries=[],
        version="1",
    )
    assert post_form(editor, f"/vendors/{vendor_id}/edit", form).status_code == 302
    with app.app_context():
        assert db.session.get(Vendor, vendor_id).version == 2
        entry = audit_entries(db.session, "vendor", vendor_id)[-1]
        assert entry.changes == {"locations": [["DK (processing)"], ["DK (processing)", "US (processing)"]]}
        assert entry.entity_version == 2


def test_edit_page_shows_the_stored_values(editor, make_vendor):
    vendor_id = make_vendor(
        "Acme", locations=[("DE", "processing"), ("US", "support")], org_number="DK 11 22"
    )
    page = text(editor.get(f"/vendors/{vendor_id}/edit"))
    assert 'value="Acme"' in page
    assert 'value="DK1122"' in page
    assert '<option selected value="DE">' in page
    assert '<option selected value="US">' in page
    assert 'name="version" type="hidden" value="1"' in page


def test_archive_and_restore_are_logged(app, editor, make_vendor):
    vendor_id = make_vendor("Old vendor", locations=())
    assert post_form(editor, f"/vendors/{vendor_id}/archive").status_code == 302
    with app.app_context():
        assert db.session.get(Vendor, vendor_id).is_archived
        assert audit_entries(db.session, "vendor", vendor_id)[-1].action is AuditAction.ARCHIVE
        assert audit_entries(db.session, "vendor", vendor_id)[-1].changes == {"is_archived": [False, True]}
    assert post_form(editor, f"/vendors/{vendor_id}/archive").status_code == 302
    with app.app_context():
        assert not db.session.get(Vendor, vendor_id).is_archived
        assert audit_entries(db.session, "vendor", vendor_id)[-1].action is AuditAction.RESTORE


def test_archive_needs_post(editor, make_vendor):
    vendor_id = make_vendor(locations=())
    assert editor.get(f"/vendors/{vendor_id}/archive").status_code == 405


BAD_INPUT = [
    pytest.param({"name": ""}, "This field is required", id="empty name"),
    pytest.param({"name": "   "}, "This field is required", id="blank name"),
    pytest.param({"name": "x" * 201}, "200", id="name too long"),
    pytest.param({"org_number": "1" * 41}, "40", id="org number too long"),
    pytest.param({"country_code": "XX"}, "Unknown country: XX", id="unknown entity country"),
    pytest.param({"parent_country_code": "QQ"}, "Unknown country: QQ", id="unknown parent country"),
    pytest.param({"processing_countries": ["DK", "ZZ"]}, "Unknown country: ZZ", id="unknown processing"),
    pytest.param({"support_countries": ["ZZ"]}, "Unknown country: ZZ", id="unknown support country"),
    pytest.param({"dpf_checked_on": TOMORROW}, "DPF check date cannot be in the future", id="dpf future"),
    pytest.param({"tia_on": TOMORROW}, "cannot be in the future", id="tia future"),
    pytest.param({"dpf_checked_on": "31-02-2026"}, "Not a valid date", id="bad date"),
    pytest.param({"dpf_status": "certified"}, "Not a valid choice", id="unknown dpf status"),
    pytest.param({"transfer_mechanism": "trust-us"}, "Not a valid choice", id="unknown mechanism"),
    pytest.param({"parent_name": "x" * 201}, "200", id="parent name too long"),
    pytest.param({"dpf_listed_name": "x" * 201}, "200", id="dpf name too long"),
    pytest.param({"website": "x" * 501}, "500", id="website too long"),
    pytest.param({"contact": "x" * 1001}, "1000", id="contact too long"),
    pytest.param({"notes": "x" * 5001}, "5000", id="notes too long"),
]


@pytest.mark.parametrize(("change", "message"), BAD_INPUT)
def test_bad_input_on_create_is_refused_and_nothing_stored(app, editor, change, message):
    response = post_form(editor, "/vendors/new", vendor_form(**change))
    assert response.status_code == 400
    page = text(response)
    assert message in page
    assert "Nothing was saved" in page
    with app.app_context():
        assert vendor_count() == 0


@pytest.mark.parametrize(("change", "message"), BAD_INPUT)
def test_bad_input_on_edit_is_refused_and_nothing_changed(app, editor, make_vendor, change, message):
    vendor_id = make_vendor("Keep me", locations=[("DK", "processing")])
    response = post_form(editor, f"/vendors/{vendor_id}/edit", vendor_form(version="1", **change))
    assert response.status_code == 400
    assert message in text(response)
    with app.app_context():
        vendor = db.session.get(Vendor, vendor_id)
        assert vendor.name == "Keep me"
        assert vendor.version == 1
        assert [loc.country_code for loc in vendor.locations] == ["DK"]
        assert len(audit_entries(db.session, "vendor", vendor_id)) == 1


@pytest.mark.parametrize("spelling", ["DK14934112", "dk 1493 4112", " Dk14934112 ", "DK 14 93 41 12"])
def test_duplicate_org_number_is_refused_whatever_the_spacing_or_case(app, editor, make_vendor, spelling):
    make_vendor("Netcompany A/S", org_number="DK14934112", locations=())
    response = post_form(editor, "/vendors/new", vendor_form(name="Netcompany again", org_number=spelling))
    assert response.status_code == 400
    assert "An organisation number DK14934112 already exists" in text(response)
    with app.app_context():
        assert vendor_count() == 1


def test_duplicate_org_number_is_refused_on_edit_but_a_vendor_keeps_its_own(app, editor, make_vendor):
    make_vendor("First", org_number="DK11111111", locations=())
    second = make_vendor("Second", org_number="DK22222222", locations=())
    response = post_form(editor, f"/vendors/{second}/edit", vendor_form(org_number="dk11111111", version="1"))
    assert response.status_code == 400
    assert "already exists" in text(response)
    response = post_form(
        editor, f"/vendors/{second}/edit", vendor_form(name="Second", org_number="dk 22222222", version="1")
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Vendor, second).org_number == "DK22222222"


def test_vendors_without_org_number_do_not_clash(app, editor, make_vendor):
    make_vendor("No number one", locations=())
    assert post_form(editor, "/vendors/new", vendor_form(org_number="  ")).status_code == 302
    with app.app_context():
        assert vendor_count() == 2
        assert db.session.scalars(select(Vendor.org_number)).all() == [None, None]


def test_concurrent_edit_is_refused_and_names_what_changed(app, editor, make_vendor):
    vendor_id = make_vendor(
        "Microsoft", locations=[("IE", "processing")], country_code="US", dpf_status="active"
    )
    # The editor opened the form at version 1; meanwhile a colleague saves.
    with app.app_context():
        vendor = db.session.get(Vendor, vendor_id)
        update_vendor(
            db.session,
            vendor,
            {"dpf_status": DpfStatus.INACTIVE},
            [("IE", LocationKind.PROCESSING)],
        )
    form = vendor_form(name="Microsoft Ireland", country_code="US", processing_countries=["IE"], version="1")
    response = post_form(editor, f"/vendors/{vendor_id}/edit", form)
    assert response.status_code == 409
    page = text(response)
    assert "Someone else saved this record" in page
    assert "<strong>dpf_status</strong>: active → inactive" in page
    assert 'name="version" type="hidden" value="2"' in page
    with app.app_context():
        vendor = db.session.get(Vendor, vendor_id)
        assert vendor.name == "Microsoft"
        assert vendor.dpf_status is DpfStatus.INACTIVE
    # Saving again, now knowing the colleague's change, goes through.
    form["version"] = "2"
    assert post_form(editor, f"/vendors/{vendor_id}/edit", form).status_code == 302


def test_concurrent_change_of_countries_alone_is_detected(app, editor, make_vendor):
    vendor_id = make_vendor("Zoom", locations=[("US", "processing")])
    with app.app_context():
        vendor = db.session.get(Vendor, vendor_id)
        update_vendor(db.session, vendor, {}, [("US", LocationKind.PROCESSING), ("IN", LocationKind.SUPPORT)])
    response = post_form(
        editor,
        f"/vendors/{vendor_id}/edit",
        vendor_form(name="Zoom", processing_countries=["US"], version="1"),
    )
    assert response.status_code == 409
    assert "<strong>locations</strong>" in text(response)
    with app.app_context():
        codes = {loc.country_code for loc in db.session.get(Vendor, vendor_id).locations}
        assert codes == {"US", "IN"}


def test_unknown_vendor_is_404(editor):
    assert editor.get("/vendors/999").status_code == 404
    assert editor.get("/vendors/999/edit").status_code == 404
    assert post_form(editor, "/vendors/999/archive").status_code == 404


def test_new_vendor_form_lists_countries_in_the_users_language(login):
    danish = login("security")
    assert ">Tyskland</option>" in text(danish.get("/vendors/new"))
    english = in_english(login("security"))
    assert ">Germany</option>" in text(english.get("/vendors/new"))
