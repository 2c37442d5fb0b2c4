"""A vendor's role, own-purpose use, DPF facts per framework, undisclosed countries and own mechanisms.

Posted through the form as a browser sends it, read back from the database, the audit log and the pages.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from riskreg.enums import AuditAction, DpfStatus, LocationKind, TransferMechanism, VendorRole
from riskreg.errors import DomainError
from riskreg.extensions import db
from riskreg.vendors.locations import Place, clean_locations
from riskreg.vendors.models import Vendor
from riskreg.vendors.services import create_vendor, update_vendor
from tests.conftest import post_form
from tests.pages import text
from tests.records import audit_entries
from tests.vendors.conftest import vendor_form

P, S = LocationKind.PROCESSING, LocationKind.SUPPORT
TODAY = dt.date.today()
US_ONLY = "Only a US entity can be active on the Data Privacy Framework list"


def errors(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [e.strip() for e in re.findall(r'role="alert">([^<]*)<', text(response))]


def selected(page: str, name: str) -> list[str]:
    """The values selected in the select called ``name``."""
    match = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert match, name
    return re.findall(r'<option selected value="([^"]*)"', match.group(1))


def dropbox_inc(**overrides):  # type: ignore[no-untyped-def]
    """Dropbox, Inc. as the DPF list holds it: the US entity, on the EU-U.S. DPF and the UK Extension."""
    values = dict(
        name="Dropbox, Inc.",
        org_number="",
        country_code="US",
        parent_name="",
        parent_country_code="",
        role="processor",
        transfer_mechanism="dpf",
        dpf_status="active",
        dpf_uk_status="active",
        dpf_swiss_status="inactive",
        dpf_covers_hr="no",
        dpf_covers_non_hr="yes",
        dpf_due_on="2027-03-15",
        dpf_url="https://www.dataprivacyframework.gov/participant/5666",
        dpf_listed_name="Dropbox, Inc.",
        dpf_checked_on=(TODAY - dt.timedelta(days=3)).isoformat(),
        processing_countries=["US", "IE"],
        support_countries=["IN"],
    )
    values.update(overrides)
    return vendor_form(**values)


def only(app):  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.scalars(select(Vendor)).one()


# --- the DPF facts as the list holds them ---------------------------------------------------------------


def test_every_dpf_fact_round_trips_through_the_form_and_is_logged(app, editor):
    response = post_form(editor, "/vendors/new", dropbox_inc())
    assert response.status_code == 302, errors(response)
    with app.app_context():
        vendor = db.session.scalars(select(Vendor)).one()
        assert vendor.dpf_status is DpfStatus.ACTIVE
        assert vendor.dpf_uk_status is DpfStatus.ACTIVE
        assert vendor.dpf_swiss_status is DpfStatus.INACTIVE
        assert vendor.dpf_covers_hr is False
        assert vendor.dpf_covers_non_hr is True
        assert vendor.dpf_due_on == dt.date(2027, 3, 15)
        assert vendor.dpf_url == "https://www.dataprivacyframework.gov/participant/5666"
        assert vendor.dpf_listed_name == "Dropbox, Inc."
        assert vendor.dpf_checked_on == TODAY - dt.timedelta(days=3)
        [entry] = audit_entries(db.session, "vendor", vendor.id)
        assert entry.changes["dpf_uk_status"] == [None, "active"]
        assert entry.changes["dpf_covers_non_hr"] == [None, True]
        assert entry.changes["dpf_due_on"][1] == "2027-03-15"
        vendor_id = vendor.id

    form = text(editor.get(f"/vendors/{vendor_id}/edit"))
    fieldset = form[form.index('data-testid="dpf-fieldset"') :]
    assert "<legend>Data Privacy Framework</legend>" in fieldset
    assert selected(fieldset, "dpf_uk_status") == ["active"]
    assert selected(fieldset, "dpf_swiss_status") == ["inactive"]
    assert selected(fieldset, "dpf_covers_hr") == ["no"]
    assert selected(fieldset, "dpf_covers_non_hr") == ["yes"]
    assert 'value="2027-03-15"' in fieldset

    # Saving the form as it is changes nothing.
    again = post_form(editor, f"/vendors/{vendor_id}/edit", dropbox_inc(version="1"))
    assert again.status_code == 302, errors(again)
    with app.app_context():
        assert len(audit_entries(db.session, "vendor", vendor_id)) == 1


def test_coverage_not_recorded_is_stored_as_none_and_a_change_is_logged(app, editor, make_vendor):
    vendor_id = make_vendor("Dropbox, Inc.", locations=(), country_code="US", dpf_covers_hr=True)
    form = dropbox_inc(dpf_covers_hr="", dpf_covers_non_hr="", processing_countries=[], support_countries=[])
    form["version"] = "1"
    assert post_form(editor, f"/vendors/{vendor_id}/edit", form).status_code == 302
    with app.app_context():
        vendor = db.session.get(Vendor, vendor_id)
        assert vendor.dpf_covers_hr is None and vendor.dpf_covers_non_hr is None
        assert audit_entries(db.session, "vendor", vendor_id)[-1].changes["dpf_covers_hr"] == [True, None]


def test_vendor_page_shows_each_framework_coverage_due_date_link_and_check(editor, make_vendor):
    vendor_id = make_vendor(
        "Dropbox, Inc.",
        country_code="US",
        dpf_status="active",
        dpf_uk_status="not_listed",
        dpf_covers_hr=False,
        dpf_covers_non_hr=True,
        dpf_due_on=dt.date(2027, 3, 15),
        dpf_url="https://www.dataprivacyframework.gov/participant/5666",
        dpf_checked_on=dt.date(2026, 11, 2),
    )
    page = text(editor.get(f"/vendors/{vendor_id}"))
    dpf = page[page.index('data-testid="dpf"') :]
    assert '<span class="badge badge-active" data-testid="dpf-status">Active</span>' in dpf
    assert '<span class="badge badge-not_listed" data-testid="dpf-uk-status">Not listed</span>' in dpf
    assert '<span class="badge badge-unknown" data-testid="dpf-swiss-status">Not looked up</span>' in dpf
    assert '<dd data-testid="dpf-hr">No</dd>' in dpf
    assert '<dd data-testid="dpf-non-hr">Yes</dd>' in dpf
    assert '<dd data-testid="dpf-due">15 Mar 2027</dd>' in dpf
    assert "overdue" not in dpf[: dpf.index("</dl>")]
    assert '<a href="https://www.dataprivacyframework.gov/participant/5666" rel="noopener noreferrer">' in dpf
    assert "2 Nov 2026" in dpf


def test_a_due_date_in_the_past_is_flagged_overdue(editor, make_vendor):
    vendor_id = make_vendor(
        "Zoom Video Communications, Inc.",
        country_code="US",
        dpf_status="active",
        dpf_due_on=TODAY - dt.timedelta(days=1),
        dpf_checked_on=TODAY,
    )
    page = text(editor.get(f"/vendors/{vendor_id}"))
    assert 'data-testid="dpf-due-past"' in page
    assert "overdue: the certification may have lapsed" in page


def test_a_new_vendor_is_not_looked_up_on_any_framework(app, editor):
    form = text(editor.get("/vendors/new"))
    for name in ("dpf_status", "dpf_uk_status", "dpf_swiss_status"):
        assert selected(form, name) == ["unknown"]
    assert '<option selected value="unknown">Not looked up</option>' in form
    with app.app_context():
        vendor = create_vendor(db.session, {"name": "Miro"})
        assert (vendor.dpf_status, vendor.dpf_uk_status, vendor.dpf_swiss_status) == (DpfStatus.UNKNOWN,) * 3


@pytest.mark.parametrize(
    "address",
    ["javascript:alert(1)", "www.dataprivacyframework.gov/participant/5666", "ftp://example.com/x"],
)
def test_a_participant_page_that_is_no_web_address_is_refused(app, editor, address):
    response = post_form(editor, "/vendors/new", dropbox_inc(dpf_url=address))
    assert response.status_code == 400
    assert "Give the participant's page as a web address starting with https:// or http://." in errors(
        response
    )
    with app.app_context():
        assert db.session.scalars(select(Vendor)).first() is None
        # The service refuses it as well, for callers that are no form.
        with pytest.raises(DomainError) as refused:
            create_vendor(db.session, {"name": "Dropbox, Inc.", "dpf_url": address})
        assert refused.value.field == "dpf_url"


# --- only a US entity can be DPF-active --------------------------------------------------------------------


@pytest.mark.parametrize("framework", ["dpf_status", "dpf_uk_status", "dpf_swiss_status"])
def test_a_non_us_entity_cannot_be_dpf_active_and_nothing_changes(app, editor, make_vendor, framework):
    # Issue 15: the Irish contracting entity inherited Dropbox, Inc.'s listing.
    vendor_id = make_vendor("Dropbox International Unlimited Company", country_code="IE")
    form = dropbox_inc(
        name="Dropbox International Unlimited Company",
        country_code="IE",
        dpf_status="not_listed",
        dpf_uk_status="not_listed",
        dpf_swiss_status="not_listed",
        version="1",
    )
    form[framework] = "active"
    response = post_form(editor, f"/vendors/{vendor_id}/edit", form)
    assert response.status_code == 400
    page = text(response)
    field = page[page.index(f'name="{framework}"') :]
    assert US_ONLY in field[: field.index("</div>")]  # on the field itself
    assert "this entity's country is IE" in page
    with app.app_context():
        vendor = db.session.get(Vendor, vendor_id)
        assert vendor.version == 1
        assert vendor.dpf_status is DpfStatus.UNKNOWN
        assert vendor.dpf_url == ""
        assert len(audit_entries(db.session, "vendor", vendor_id)) == 1


def test_an_entity_without_a_country_is_told_to_record_it_first(app, editor):
    response = post_form(editor, "/vendors/new", dropbox_inc(country_code=""))
    assert response.status_code == 400
    assert (
        "Only a US entity can be active on the Data Privacy Framework list: record the entity's country "
        "(United States) first." in errors(response)
    )
    with app.app_context():
        assert db.session.scalars(select(Vendor)).first() is None


def test_the_service_refuses_too_and_moving_an_active_entity_out_of_the_us_is_refused(app, make_vendor):
    with app.app_context():
        with pytest.raises(DomainError) as refused:
            create_vendor(
                db.session,
                {"name": "Slack Technologies Limited", "country_code": "IE", "dpf_status": "active"},
            )
        assert refused.value.field == "dpf_status"
        db.session.rollback()
        slack = create_vendor(
            db.session, {"name": "Slack Technologies, LLC", "country_code": "US", "dpf_status": "active"}
        )
        with force_locale("en"), pytest.raises(DomainError) as moved:
            update_vendor(db.session, slack, {"country_code": "IE"}, [])
        assert moved.value.field == "country_code"
        assert US_ONLY in moved.value.message
        db.session.rollback()
        slack = db.session.get(Vendor, slack.id)
        assert (slack.country_code, slack.version) == ("US", 1)
        # Inactive and not listed need no US entity: the list shows such entries, or none.
        update_vendor(db.session, slack, {"country_code": "IE", "dpf_status": "inactive"}, [])
        assert slack.version == 2


# --- role and own-purpose use ------------------------------------------------------------------------------


def test_role_and_own_purpose_use_round_trip_are_shown_and_logged(app, editor):
    form = vendor_form(
        name="Mentimeter AB",
        org_number="",
        country_code="SE",
        role="independent_controller",
        own_purpose_use="y",
        own_purpose_note="Uses account data to improve its service.",
        processing_countries=["SE"],
        support_countries=[],
    )
    edit_form = text(editor.get("/vendors/new"))
    assert "The vendor uses the data or metadata for its own purposes" in edit_form
    assert "Chromebook decision of 30 January 2024" in edit_form
    assert post_form(editor, "/vendors/new", form).status_code == 302
    vendor = only(app)
    assert vendor.role is VendorRole.INDEPENDENT_CONTROLLER
    assert vendor.own_purpose_use is True
    assert vendor.own_purpose_note == "Uses account data to improve its service."
    page = text(editor.get(f"/vendors/{vendor.id}"))
    assert '<dd data-testid="vendor-role">Independent controller</dd>' in page
    assert "The vendor uses the data or metadata for its own purposes" in page
    assert "Uses account data to improve its service." in page
    shown = text(editor.get(f"/vendors/{vendor.id}/edit"))
    assert selected(shown, "role") == ["independent_controller"]
    assert re.search(r'checked id="own_purpose_use"|id="own_purpose_use"[^>]*checked', shown)

    # Unticking and going back to processor is logged old -> new.
    form.update(role="processor", version="1")
    del form["own_purpose_use"]  # an unticked box is not sent
    assert post_form(editor, f"/vendors/{vendor.id}/edit", form).status_code == 302
    with app.app_context():
        entry = audit_entries(db.session, "vendor", vendor.id)[-1]
        assert entry.action is AuditAction.UPDATE
        assert entry.changes["role"] == ["independent_controller", "processor"]
        assert entry.changes["own_purpose_use"] == [True, False]


def test_a_role_that_does_not_exist_is_refused(app, editor):
    response = post_form(editor, "/vendors/new", vendor_form(role="owner"))
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalars(select(Vendor)).first() is None


# --- a country not disclosed, a mechanism per country ------------------------------------------------------


def test_a_country_not_disclosed_is_stored_shown_and_logged(app, editor):
    form = vendor_form(name="Canva Pty Ltd", org_number="", country_code="AU", undisclosed_processing="y")
    assert post_form(editor, "/vendors/new", form).status_code == 302
    vendor = only(app)
    with app.app_context():
        vendor = db.session.get(Vendor, vendor.id)
        assert sorted(((loc.country_code or "?"), loc.kind) for loc in vendor.locations) == [
            ("?", P),
            ("DE", P),
            ("DK", P),
            ("IN", S),
        ]
        [entry] = audit_entries(db.session, "vendor", vendor.id)
        assert "? (processing)" in entry.changes["locations"][1]
    page = text(editor.get(f"/vendors/{vendor.id}"))
    processing = page[page.index('data-testid="processing-countries"') :]
    assert "a country it does not disclose" in processing[: processing.index("</dd>")]
    assert "not disclosed" in text(editor.get("/vendors/"))
    shown = text(editor.get(f"/vendors/{vendor.id}/edit"))
    assert re.search(r'checked id="undisclosed_processing"|id="undisclosed_processing"[^>]*checked', shown)

    # Unticking it removes the location, and the log says so.
    form["version"] = "1"
    del form["undisclosed_processing"]
    assert post_form(editor, f"/vendors/{vendor.id}/edit", form).status_code == 302
    with app.app_context():
        vendor = db.session.get(Vendor, vendor.id)
        assert all(loc.country_code for loc in vendor.locations)
        old, new = audit_entries(db.session, "vendor", vendor.id)[-1].changes["locations"]
        assert "? (processing)" in old and "? (processing)" not in new


def test_a_country_with_its_own_mechanism_is_saved_shown_and_logged(app, editor, make_vendor):
    # Adequacy for the vendor, but support from India on SCC.
    vendor_id = make_vendor(
        "Netcompany A/S",
        locations=[("DK", "processing"), ("DE", "processing"), ("IN", "support")],
        country_code="DK",
        transfer_mechanism="adequacy",
    )
    form = vendor_form(
        version="1",
        **{"country_mechanisms-0-country_code": "IN", "country_mechanisms-0-mechanism": "scc"},
    )
    response = post_form(editor, f"/vendors/{vendor_id}/edit", form)
    assert response.status_code == 302, errors(response)
    with app.app_context():
        vendor = db.session.get(Vendor, vendor_id)
        assert {(loc.country_code, loc.mechanism) for loc in vendor.locations} == {
            ("DK", None),
            ("DE", None),
            ("IN", TransferMechanism.SCC),
        }
        assert vendor.version == 2
        entry = audit_entries(db.session, "vendor", vendor_id)[-1]
        assert entry.changes["locations"][1] == ["DE (processing)", "DK (processing)", "IN (support, scc)"]
    page = text(editor.get(f"/vendors/{vendor_id}"))
    support = page[page.index('data-testid="support-countries"') :]
    assert "India" in support and "(Standard contractual clauses)" in support[: support.index("</dd>")]
    shown = text(editor.get(f"/vendors/{vendor_id}/edit"))
    assert selected(shown, "country_mechanisms-0-country_code") == ["IN"]
    assert selected(shown, "country_mechanisms-0-mechanism") == ["scc"]
    assert selected(shown, "country_mechanisms-1-country_code") == [""]  # blank rows to add more


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"country_code": "US", "mechanism": "scc"}, "US is not one of the processing or support countries"),
        ({"country_code": "IN", "mechanism": ""}, "Choose the mechanism for this country."),
        ({"country_code": "", "mechanism": "bcr"}, "Choose the country the mechanism is for."),
    ],
)
def test_a_mechanism_row_that_does_not_fit_is_refused_and_nothing_changes(
    app, editor, make_vendor, row, message
):
    vendor_id = make_vendor("Netcompany A/S", locations=[("DK", "processing")], country_code="DK")
    form = vendor_form(version="1", **{f"country_mechanisms-0-{k}": v for k, v in row.items()})
    response = post_form(editor, f"/vendors/{vendor_id}/edit", form)
    assert response.status_code == 400
    assert any(e.startswith(message) for e in errors(response)), errors(response)
    with app.app_context():
        vendor = db.session.get(Vendor, vendor_id)
        assert vendor.version == 1
        assert [loc.country_code for loc in vendor.locations] == ["DK"]


def test_the_same_country_twice_in_the_mechanism_rows_is_refused(app, editor, make_vendor):
    vendor_id = make_vendor("Netcompany A/S", locations=[("IN", "support")], country_code="DK")
    form = vendor_form(
        version="1",
        **{
            "country_mechanisms-0-country_code": "IN",
            "country_mechanisms-0-mechanism": "scc",
            "country_mechanisms-1-country_code": "IN",
            "country_mechanisms-1-mechanism": "bcr",
        },
    )
    response = post_form(editor, f"/vendors/{vendor_id}/edit", form)
    assert response.status_code == 400
    assert "IN is on the list twice." in errors(response)


# --- the helpers other code calls -------------------------------------------------------------------------


def test_clean_locations_takes_pairs_and_triples_keeps_an_undisclosed_country_and_drops_blanks():
    assert clean_locations([(" us ", "processing"), ("", "processing"), (None, P), ("IN", S, "scc")]) == [
        Place("US", P, None),
        Place(None, P, None),
        Place("IN", S, TransferMechanism.SCC),
    ]
    # A pair still unpacks as before, and a mechanism given wins over the same location without one.
    assert clean_locations([("IN", S), ("IN", S, TransferMechanism.SCC)]) == [
        Place("IN", S, TransferMechanism.SCC)
    ]
    code, kind, _mechanism = clean_locations([("dk", P)])[0]
    assert (code, kind) == ("DK", P)


def test_the_service_stores_an_undisclosed_country_and_refuses_an_unknown_one(app):
    with app.app_context():
        vendor = create_vendor(db.session, {"name": "Kahoot! ASA"}, [(None, P), ("NO", P)])
        assert sorted(loc.country_code or "?" for loc in vendor.locations) == ["?", "NO"]
        with pytest.raises(DomainError) as refused:
            update_vendor(db.session, vendor, {}, [("XX", P)])
        assert refused.value.field == "locations"


def test_the_history_page_names_the_new_fields_and_their_values(app, editor, make_vendor):
    vendor_id = make_vendor("Mentimeter AB", country_code="SE")
    with app.app_context():
        vendor = db.session.get(Vendor, vendor_id)
        update_vendor(
            db.session,
            vendor,
            {"role": "independent_controller", "dpf_uk_status": "not_listed", "own_purpose_use": True},
            [("SE", P)],
        )
    page = text(editor.get(f"/history/vendor/{vendor_id}"))
    changes = page[page.index("<dl") :]
    assert "Independent controller" in changes
    assert "UK Extension to the EU-U.S. DPF" in changes
    assert "Not looked up" in changes and "Not listed" in changes
    assert "Own-purpose use" in changes
