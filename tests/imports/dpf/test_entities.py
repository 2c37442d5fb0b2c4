"""Issue 15's DPF cases with a database: a DPF entry is one US entity; real vendors, a real-looking list.

Dropbox contracts through its Irish entity (recorded as "Dropbox", country IE) and uses Dropbox, Inc. as a
sub-processor; Slack contracts through Slack Technologies Limited (IE); Google LLC is listed "(affiliate)";
Zoom is recorded without a country; Miro without a legal form. The list is ``issue15_list.csv``, saved the way
a user would: odd headers, ";" as delimiter, a lapsed status, frameworks in one cell, US dates, and rows whose
status is empty.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale
from sqlalchemy import select

from riskreg.enums import DpfStatus, ImportState, LocationKind, Role
from riskreg.errors import DomainError
from riskreg.extensions import db
from riskreg.imports.dpf import services
from riskreg.imports.files import ImportRefused
from riskreg.imports.models import DpfReview, ImportBatch
from riskreg.subprocessors.services import create_sub_processor
from riskreg.vendors.models import SubProcessor, Vendor
from riskreg.vendors.services import create_vendor
from tests.conftest import post_form
from tests.imports.helpers import batches
from tests.pages import in_english, text

LIST = Path(__file__).resolve().parent / "issue15_list.csv"
ON = dt.date(2026, 11, 20)
Login = Callable[..., FlaskClient]


@pytest.fixture
def vendors(app: Flask) -> dict[str, int]:
    """The recipients as their contracts and sub-processor lists name them; ids by short name."""
    with app.app_context():
        s = db.session

        def vendor(name: str, country: str | None) -> Vendor:
            locations = [(country or "US", LocationKind.PROCESSING)]
            return create_vendor(s, {"name": name, "country_code": country}, locations)

        dropbox_ie = vendor("Dropbox", "IE")
        ids = {
            "dropbox_ie": dropbox_ie.id,
            "slack_ltd": vendor("Slack Technologies Limited", "IE").id,
            "zoom": vendor("Zoom Video Communications, Inc.", None).id,
            "miro": vendor("Miro", "US").id,
            "mentimeter": vendor("Mentimeter AB", "SE").id,
        }
        us = [("US", LocationKind.PROCESSING)]
        ids["dropbox_inc"] = create_sub_processor(
            s, dropbox_ie, {"name": "Dropbox, Inc.", "country_code": "US"}, us
        ).id
        ids["google"] = create_sub_processor(
            s, dropbox_ie, {"name": "Google LLC", "country_code": "US"}, us
        ).id
        db.session.remove()
    return ids


def facts(obj: Vendor | SubProcessor) -> tuple[object, ...]:
    return (
        obj.dpf_status,
        obj.dpf_uk_status,
        obj.dpf_swiss_status,
        obj.dpf_covers_hr,
        obj.dpf_covers_non_hr,
        obj.dpf_due_on,
        obj.dpf_url,
        obj.dpf_listed_name,
        obj.dpf_checked_on,
    )


UNTOUCHED = (DpfStatus.UNKNOWN, DpfStatus.UNKNOWN, DpfStatus.UNKNOWN, None, None, None, "", "", None)


def preview(app: Flask) -> int:
    with app.app_context():
        return services.preview(db.session, LIST.read_bytes(), LIST.name).id


def test_the_preview_sorts_by_entity(app: Flask, vendors: dict[str, int]) -> None:
    bid = preview(app)
    with app.app_context():
        batch = db.session.get_one(ImportBatch, bid)
        assert batch.summary == {
            "entries": 5,
            "matched": 2,
            "review": 2,
            "different": 2,
            "not_stated": 2,
            "unmatched": 0,
            "not_found": 1,
        }
        assert sorted((m["name"], m["listed_name"]) for m in batch.payload["matched"]) == [
            ("Dropbox, Inc.", "Dropbox, Inc."),
            ("Google LLC", "Google LLC (affiliate)"),
        ]
        # The Irish Dropbox and the Irish Slack are other entities of the same name, for information only.
        assert [(d.name, d.reason, d.country) for d in services.different_rows(batch)] == [
            ("Dropbox", "country", "IE"),
            ("Slack Technologies Limited", "legal_form", "IE"),
        ]
        # Zoom has no country recorded, Miro no legal form: a person decides.
        assert sorted((line.review.listed_name, line.reason) for line in services.review_lines(batch)) == [
            ("Miro Inc.", "no_form"),
            ("Zoom Video Communications, Inc. (and its US subsidiaries)", "no_country"),
        ]
        assert services.not_stated_rows(batch) == [(7, "Blank Corp"), (8, "Mentimeter Inc.")]


def test_apply_writes_every_fact_of_the_us_entity_only(app: Flask, vendors: dict[str, int]) -> None:
    bid = preview(app)
    with app.app_context():
        assert services.apply(db.session, db.session.get_one(ImportBatch, bid), None, ON) == 2
        db.session.expire_all()
        dropbox_inc = db.session.get_one(SubProcessor, vendors["dropbox_inc"])
        assert facts(dropbox_inc) == (
            DpfStatus.ACTIVE,
            DpfStatus.ACTIVE,
            DpfStatus.ACTIVE,
            True,
            True,
            dt.date(2026, 12, 15),
            "https://www.dataprivacyframework.gov/participant/5666",
            "Dropbox, Inc.",
            ON,
        )
        google = db.session.get_one(SubProcessor, vendors["google"])
        assert facts(google) == (
            DpfStatus.ACTIVE,
            DpfStatus.ACTIVE,
            DpfStatus.NOT_LISTED,
            False,
            True,
            dt.date(2027, 3, 1),
            "https://www.dataprivacyframework.gov/participant/5780",
            "Google LLC (affiliate)",
            ON,
        )
        for key in ("dropbox_ie", "slack_ltd", "zoom", "miro", "mentimeter"):
            assert facts(db.session.get_one(Vendor, vendors[key])) == UNTOUCHED, key


def test_confirming_a_review_writes_the_facts(app: Flask, vendors: dict[str, int]) -> None:
    bid = preview(app)
    with app.app_context():
        batch = db.session.get_one(ImportBatch, bid)
        services.apply(db.session, batch, None, ON)
        by_name = {r.listed_name: r for r in batch.reviews}
        services.decide_review(db.session, by_name["Miro Inc."], True, None, ON)
        db.session.expire_all()
        miro = db.session.get_one(Vendor, vendors["miro"])
        assert facts(miro) == (
            DpfStatus.INACTIVE,
            DpfStatus.NOT_LISTED,
            DpfStatus.NOT_LISTED,
            False,
            True,
            None,
            "",
            "Miro Inc.",
            ON,
        )


def test_a_review_is_never_confirmed_for_an_entity_abroad(app: Flask, vendors: dict[str, int]) -> None:
    bid = preview(app)
    with app.app_context():
        batch = db.session.get_one(ImportBatch, bid)
        services.apply(db.session, batch, None, ON)
        # Someone records Zoom's contracting entity as the Irish one before the review is decided.
        zoom = db.session.get_one(Vendor, vendors["zoom"])
        zoom.country_code = "IE"
        db.session.commit()
        [review] = [r for r in batch.reviews if r.vendor_id == vendors["zoom"]]
        with pytest.raises(DomainError, match="IE"):
            services.decide_review(db.session, review, True, None, ON)
        db.session.rollback()
        db.session.expire_all()
        assert db.session.get_one(Vendor, vendors["zoom"]).dpf_status == DpfStatus.UNKNOWN
        assert db.session.get_one(DpfReview, review.id).state.value == "pending"
        # Rejecting it is still possible.
        services.decide_review(db.session, db.session.get_one(DpfReview, review.id), False, None)


def test_apply_refuses_a_match_moved_abroad_since_the_preview(app: Flask, vendors: dict[str, int]) -> None:
    bid = preview(app)
    with app.app_context():
        google = db.session.get_one(SubProcessor, vendors["google"])
        google.country_code = "IE"
        db.session.commit()
        with force_locale("en"), pytest.raises(DomainError, match="United States"):
            services.apply(db.session, db.session.get_one(ImportBatch, bid), None, ON)
        db.session.remove()
        batch = db.session.get_one(ImportBatch, bid)
        assert batch.state == ImportState.PENDING
        dropbox_inc = db.session.get_one(SubProcessor, vendors["dropbox_inc"])
        assert dropbox_inc.dpf_status == DpfStatus.UNKNOWN  # all or nothing


def test_a_list_of_blank_statuses_only_is_refused_and_saves_nothing(
    app: Flask, vendors: dict[str, int]
) -> None:
    with app.app_context(), pytest.raises(ImportRefused):
        services.preview(db.session, b"Organization Name;Status\nBlank Corp;\n", "blank.csv")
    assert batches(app) == 0


# --- the pages, with the mapping step -----------------------------------------------------------------------


def upload(client: FlaskClient, data: bytes, filename: str = "list.csv"):  # type: ignore[no-untyped-def]
    return post_form(
        client, "/imports/dpf", {"file": (io.BytesIO(data), filename)}, content_type="multipart/form-data"
    )


def mapping_fields(page: str) -> dict[str, str]:
    """The mapping form's select names by the header they belong to, as the page shows them."""
    found = re.findall(r'<tr data-header="([^"]*)">.*?<select[^>]*name="(col_\d+)"', page, re.S)
    return {header: name for header, name in found}


def test_unrecognised_headers_lead_to_the_mapping_step(
    app: Flask, login: Login, vendors: dict[str, int]
) -> None:
    client = in_english(login(Role.DPO))
    response = upload(client, LIST.read_bytes(), LIST.name)
    assert response.status_code == 302
    location = response.headers["Location"]
    bid = int(re.search(r"/imports/dpf/(\d+)/mapping$", location).group(1))  # type: ignore[union-attr]
    page = text(client.get(location))
    assert 'data-testid="rows-read">Rows read: 7<' in page
    fields = mapping_fields(page)
    assert list(fields) == [
        "ORGANISATION",
        "DPF_status",
        "Framework(s)",
        "HR / Non-HR",
        "Next certification due",
        "Link",
        "Checked by",
    ]
    # The recognised columns are preset; "Checked by" is not.
    assert re.search(r'name="col_1".*?<option selected value="status"', page, re.S) or re.search(
        r'name="col_1".*?value="status" selected', page, re.S
    )
    # Nothing can be applied before the columns are chosen.
    assert post_form(client, f"/imports/dpf/{bid}/apply").status_code == 409

    # A mapping without the status is refused on the page, and the batch waits.
    choice = {name: "" for name in fields.values()}
    response = post_form(client, location, {**choice, fields["ORGANISATION"]: "name"})
    assert response.status_code == 400
    assert "Choose the column that holds the status (EU-U.S. DPF)." in text(response)
    with app.app_context():
        assert db.session.get_one(ImportBatch, bid).summary == {"rows": 7}

    mapping = {
        fields["ORGANISATION"]: "name",
        fields["DPF_status"]: "status",
        fields["Framework(s)"]: "frameworks",
        fields["HR / Non-HR"]: "covered_data",
        fields["Next certification due"]: "due_on",
        fields["Link"]: "url",
        fields["Checked by"]: "",
    }
    response = post_form(client, location, mapping)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/imports/dpf/{bid}")
    page = text(client.get(f"/imports/dpf/{bid}"))
    assert 'data-count="matched">2<' in page
    assert 'data-count="different">2<' in page
    assert 'data-count="not_stated">2<' in page
    assert "same name, different entity (country IE)" in page
    assert "same name, different entity (legal form of another country)" in page
    assert "Blank Corp" in page and "Mentimeter Inc." in page
    assert "Google LLC (affiliate)" in page
    assert "UK Extension: Active" in page
    # The mapping step is over.
    assert client.get(location).status_code == 302

    assert post_form(client, f"/imports/dpf/{bid}/apply").status_code == 302
    with app.app_context():
        assert db.session.get_one(SubProcessor, vendors["google"]).dpf_status == DpfStatus.ACTIVE
        assert db.session.get_one(Vendor, vendors["dropbox_ie"]).dpf_status == DpfStatus.UNKNOWN


def test_a_file_with_known_headers_skips_the_mapping_step(login: Login, vendors: dict[str, int]) -> None:
    client = in_english(login(Role.SECURITY))
    data = b"Organization Name,Status,Privacy Policy\nGoogle LLC (affiliate),Active,https://policies.google.com\n"
    response = upload(client, data)
    assert response.status_code == 302
    assert re.search(r"/imports/dpf/\d+$", response.headers["Location"])


def test_the_mapping_step_needs_the_csrf_token_and_an_editor(
    app: Flask, login: Login, vendors: dict[str, int]
) -> None:
    editor = login(Role.SECURITY)
    location = upload(editor, LIST.read_bytes()).headers["Location"]
    assert editor.post(location, data={"col_0": "name", "col_1": "status"}).status_code == 400
    reader = login(Role.READER)
    assert reader.get(location).status_code == 403
    assert post_form(reader, location, {"col_0": "name", "col_1": "status"}).status_code == 403
    with app.app_context():
        [batch] = db.session.scalars(select(ImportBatch)).all()
        assert services.is_mapping(batch)


def test_a_bad_row_found_after_the_mapping_is_shown_there(
    app: Flask, login: Login, vendors: dict[str, int]
) -> None:
    client = in_english(login(Role.SECURITY))
    data = b"Firm,State of play\nAcme Inc.,Suspended\nBlank Corp,\n"
    location = upload(client, data).headers["Location"]
    response = post_form(client, location, {"col_0": "name", "col_1": "status"})
    assert response.status_code == 400
    page = text(response)
    assert "Unknown status Suspended: use Active or Inactive." in page
    assert "Nothing was changed." in page
