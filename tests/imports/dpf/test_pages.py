"""The DPF import pages: upload, preview, apply, decide the near matches; refused files; who may do what."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from riskreg.enums import DpfStatus, ImportState, ReviewState, Role
from riskreg.extensions import db
from riskreg.imports.models import DpfReview, ImportBatch
from riskreg.vendors.models import Vendor
from tests.conftest import post_form
from tests.imports.helpers import DATA, DpfRegister, batches, xlsx_bytes
from tests.pages import in_english, text

Login = Callable[..., FlaskClient]


def upload(client: FlaskClient, data: bytes, filename: str = "list.csv", **fields: str):  # type: ignore[no-untyped-def]
    return post_form(
        client,
        "/imports/dpf",
        {"file": (io.BytesIO(data), filename), **fields},
        content_type="multipart/form-data",
    )


def batch_id(response) -> int:  # type: ignore[no-untyped-def]
    match = re.search(r"/imports/dpf/(\d+)$", response.headers["Location"])
    assert match, response.headers.get("Location")
    return int(match.group(1))


def vendor_status(app: Flask, vendor_id: int) -> DpfStatus:
    with app.app_context():
        status = db.session.get_one(Vendor, vendor_id).dpf_status
        db.session.remove()
        return status


def test_upload_preview_apply_and_confirm(app: Flask, login: Login, dpf_register: DpfRegister) -> None:
    client = in_english(login(Role.SECURITY))
    assert client.get("/imports/dpf").status_code == 200

    response = upload(
        client, (DATA / "dpf_list.csv").read_bytes(), "dpf_list.csv", source="https://example.org"
    )
    assert response.status_code == 302
    bid = batch_id(response)

    page = text(client.get(f"/imports/dpf/{bid}"))
    assert 'data-count="matched">4<' in page
    assert 'data-count="review">1<' in page
    assert 'data-count="different">2<' in page
    assert "same name, different entity (country DK)" in page
    assert 'data-count="unmatched">1<' in page
    assert 'data-count="not_found">2<' in page
    # What applying changes: Twilio goes from active to inactive.
    assert 'data-name="Twilio Inc." data-old="active" data-new="inactive"' in page
    assert "Nobody In The Register LLC" in page
    assert "Microsoft Ireland Operations Ltd" in page  # not found on the list
    assert "Apply the import" in page
    # Nothing changed yet.
    assert vendor_status(app, dpf_register.v["twilio"]) == DpfStatus.ACTIVE

    response = post_form(client, f"/imports/dpf/{bid}/apply")
    assert response.status_code == 302
    assert vendor_status(app, dpf_register.v["twilio"]) == DpfStatus.INACTIVE
    assert vendor_status(app, dpf_register.v["zoom"]) == DpfStatus.ACTIVE
    assert vendor_status(app, dpf_register.v["salesforce"]) == DpfStatus.UNKNOWN

    page = text(client.get(f"/imports/dpf/{bid}"))
    assert 'data-name="Twilio Inc." data-old="active" data-new="inactive"' in page
    with app.app_context():
        review_id = db.session.scalars(select(DpfReview.id)).one()
    assert f'action="/imports/dpf/reviews/{review_id}"' in page

    # The upload page lists the batch with its waiting near match.
    upload_page = text(client.get("/imports/dpf"))
    assert re.search(rf'data-batch="{bid}">.*?data-testid="waiting">.*?1', upload_page, re.S)

    response = post_form(client, f"/imports/dpf/reviews/{review_id}", {"decision": "confirm"})
    assert response.status_code == 302
    assert vendor_status(app, dpf_register.v["salesforce"]) == DpfStatus.ACTIVE
    with app.app_context():
        assert db.session.get_one(DpfReview, review_id).state == ReviewState.CONFIRMED

    # Deciding again, or applying again, is refused and changes nothing.
    again = post_form(client, f"/imports/dpf/reviews/{review_id}", {"decision": "reject"})
    assert again.status_code == 409 and "already decided" in text(again)
    assert post_form(client, f"/imports/dpf/{bid}/apply").status_code == 409
    assert vendor_status(app, dpf_register.v["salesforce"]) == DpfStatus.ACTIVE


def test_reject_leaves_the_record_alone(app: Flask, login: Login, dpf_register: DpfRegister) -> None:
    client = in_english(login(Role.DPO))
    bid = batch_id(upload(client, (DATA / "dpf_list.csv").read_bytes()))
    post_form(client, f"/imports/dpf/{bid}/apply")
    with app.app_context():
        review_id = db.session.scalars(select(DpfReview.id)).one()
    assert post_form(client, f"/imports/dpf/reviews/{review_id}", {"decision": "nonsense"}).status_code == 400
    response = post_form(client, f"/imports/dpf/reviews/{review_id}", {"decision": "reject"})
    assert response.status_code == 302
    assert vendor_status(app, dpf_register.v["salesforce"]) == DpfStatus.UNKNOWN
    with app.app_context():
        assert db.session.get_one(DpfReview, review_id).state == ReviewState.REJECTED


def test_a_near_match_waits_until_the_list_is_applied(
    app: Flask, login: Login, dpf_register: DpfRegister
) -> None:
    client = in_english(login(Role.SECURITY))
    upload(client, (DATA / "dpf_list.csv").read_bytes())
    with app.app_context():
        review_id = db.session.scalars(select(DpfReview.id)).one()
    response = post_form(client, f"/imports/dpf/reviews/{review_id}", {"decision": "confirm"})
    assert response.status_code == 409
    assert "Apply the list before deciding" in text(response)
    assert vendor_status(app, dpf_register.v["salesforce"]) == DpfStatus.UNKNOWN


def test_discard(app: Flask, login: Login, dpf_register: DpfRegister) -> None:
    client = in_english(login(Role.SECURITY))
    bid = batch_id(upload(client, (DATA / "dpf_list.csv").read_bytes()))
    assert post_form(client, f"/imports/dpf/{bid}/discard").status_code == 302
    with app.app_context():
        assert db.session.get_one(ImportBatch, bid).state == ImportState.DISCARDED
    assert vendor_status(app, dpf_register.v["twilio"]) == DpfStatus.ACTIVE
    assert post_form(client, f"/imports/dpf/{bid}/apply").status_code == 409


def test_an_xlsx_list(app: Flask, login: Login, dpf_register: DpfRegister) -> None:
    client = in_english(login(Role.SECURITY))
    data = xlsx_bytes([["Organisation", "Participation Status"], ["Twilio, Inc.", "Inactive"]])
    bid = batch_id(upload(client, data, "list.xlsx"))
    assert 'data-count="matched">1<' in text(client.get(f"/imports/dpf/{bid}"))


def test_a_bad_file_shows_every_problem_and_saves_nothing(
    app: Flask, login: Login, dpf_register: DpfRegister
) -> None:
    client = in_english(login(Role.SECURITY))
    data = b"Organization Name,Status\nAcme,Active\n,Active\nBeta,Suspended\nGamma,\nDelta,INACTIVE-LAPSE\n"
    response = upload(client, data)
    assert response.status_code == 400
    page = text(response)
    problems = re.findall(r'data-testid="problem" data-row="(\d*)" data-column="([^"]*)"', page)
    # Gamma's empty status is not a problem: the row would be skipped as not stated.
    assert problems == [("3", "Organization Name"), ("4", "Status")]
    assert "Unknown status Suspended: use Active or Inactive." in page
    assert "Nothing was changed." in page
    assert batches(app) == 0


def test_a_file_that_is_not_a_list(app: Flask, login: Login) -> None:
    client = in_english(login(Role.SECURITY))
    response = upload(client, b"PK\x03\x04 not really a workbook", "list.xlsx")
    assert response.status_code == 400
    assert "not a valid XLSX workbook" in text(response)
    assert batches(app) == 0


def test_no_file(login: Login) -> None:
    client = in_english(login(Role.SECURITY))
    response = post_form(client, "/imports/dpf", {}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Choose the file with the DPF list." in text(response)


def test_danish_page(login: Login, dpf_register: DpfRegister) -> None:
    page = text(login(Role.SECURITY).get("/imports/dpf"))
    assert 'enctype="multipart/form-data"' in page


def test_reader_cannot_upload_apply_or_decide(app: Flask, login: Login, dpf_register: DpfRegister) -> None:
    editor = login(Role.SECURITY)
    bid = batch_id(upload(editor, (DATA / "dpf_list.csv").read_bytes()))
    with app.app_context():
        review_id = db.session.scalars(select(DpfReview.id)).one()

    reader = login(Role.READER)
    assert reader.get("/imports/dpf").status_code == 403
    assert upload(reader, (DATA / "dpf_list.csv").read_bytes()).status_code == 403
    assert post_form(reader, f"/imports/dpf/{bid}/apply").status_code == 403
    assert post_form(reader, f"/imports/dpf/{bid}/discard").status_code == 403
    assert post_form(reader, f"/imports/dpf/reviews/{review_id}", {"decision": "confirm"}).status_code == 403
    # Reading an import is allowed, without the buttons.
    page = text(reader.get(f"/imports/dpf/{bid}"))
    assert 'data-count="matched">4<' in page
    assert f"/imports/dpf/{bid}/apply" not in page
    assert batches(app) == 1
    assert vendor_status(app, dpf_register.v["twilio"]) == DpfStatus.ACTIVE


def test_unknown_batch_and_review(login: Login) -> None:
    client = login(Role.SECURITY)
    assert client.get("/imports/dpf/999").status_code == 404
    assert post_form(client, "/imports/dpf/reviews/999", {"decision": "confirm"}).status_code == 404
