"""The register import's pages and the imports index: upload, mapping, dry run, apply; bad files; who may."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from riskreg.enums import ImportKind, ImportState, LocationKind, Role
from riskreg.extensions import db
from riskreg.imports.models import ImportBatch
from riskreg.systems.models import System
from riskreg.vendors.models import Vendor
from tests.conftest import csrf_token, post_form
from tests.pages import in_english, text

GOOD = (
    "System;Leverandør;Land;Registrerede;Noter\n"
    "Aula;Netcompany A/S;Danmark;Børn;\n"
    "Momentum;Netcompany A/S;;Borgere;x\n"
    "Zoom;Zoom Video Communications, Inc.;USA;Medarbejdere;\n"
).encode("cp1252", errors="strict")


def counts(app: Flask) -> tuple[int, int, int]:
    with app.app_context():
        return (
            db.session.scalar(select(func.count(Vendor.id))) or 0,
            db.session.scalar(select(func.count(System.id))) or 0,
            db.session.scalar(select(func.count(ImportBatch.id))) or 0,
        )


def upload(client: FlaskClient, data: bytes, filename: str = "register.csv") -> Any:
    return post_form(
        client,
        "/imports/register",
        {"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def batch_id(response: Any) -> int:
    match = re.search(r"/imports/register/(\d+)", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


@pytest.fixture
def editor(login: Callable[..., FlaskClient]) -> FlaskClient:
    return in_english(login(Role.SECURITY))


@pytest.fixture
def netcompany(app: Flask) -> int:
    from riskreg.vendors.services import create_vendor

    with app.app_context():
        return create_vendor(
            db.session, {"name": "Netcompany A/S", "country_code": "DK"}, [("DK", LocationKind.PROCESSING)]
        ).id


def test_upload_map_dry_run_and_apply(app: Flask, editor: FlaskClient, netcompany: int) -> None:
    response = upload(editor, GOOD)
    assert response.status_code == 302
    bid = batch_id(response)
    assert response.headers["Location"].endswith(f"/imports/register/{bid}/mapping")

    page = editor.get(f"/imports/register/{bid}/mapping")
    body = text(page)
    assert page.status_code == 200
    assert "Rows read: 3" in body
    # The suggested mapping is preselected; the notes column is not imported.
    assert re.search(r'name="col_0"[^>]*>.*?<option selected value="system_name"', body, re.S)
    assert re.search(r'name="col_4"[^>]*>\s*<option selected value=""', body, re.S)

    form = {
        "col_0": "system_name",
        "col_1": "vendor_name",
        "col_2": "vendor_country",
        "col_3": "data_subjects",
    }
    form["col_4"] = ""
    response = post_form(editor, f"/imports/register/{bid}/mapping", form)
    assert response.status_code == 302
    assert counts(app)[:2] == (1, 0)

    body = text(editor.get(f"/imports/register/{bid}"))
    assert 'data-count="vendors_new">1<' in body
    assert 'data-count="vendors_existing">1<' in body
    assert 'data-count="systems">3<' in body
    assert "Apply the import" in body

    response = post_form(editor, f"/imports/register/{bid}/apply")
    assert response.status_code == 302
    assert counts(app)[:2] == (2, 3)
    body = text(editor.get(f"/imports/register/{bid}"))
    assert "Imported: 3 rows read, 1 vendors and 3 systems created." in body
    assert 'data-count="systems_created">3<' in body
    # Applied once only.
    response = post_form(editor, f"/imports/register/{bid}/apply")
    assert response.status_code == 409
    assert counts(app)[:2] == (2, 3)


def test_a_file_with_a_bad_row_shows_every_problem_and_cannot_be_applied(
    app: Flask, editor: FlaskClient, netcompany: int
) -> None:
    data = GOOD + "Aula;;Narnia;aliens;\n".encode("cp1252")
    bid = batch_id(upload(editor, data))
    post_form(
        editor,
        f"/imports/register/{bid}/mapping",
        {
            "col_0": "system_name",
            "col_1": "vendor_name",
            "col_2": "vendor_country",
            "col_3": "data_subjects",
            "col_4": "",
        },
    )
    body = text(editor.get(f"/imports/register/{bid}"))
    rows = re.findall(r'data-testid="problem" data-row="(\d+)" data-column="([^"]*)"', body)
    assert rows == [("5", "Leverandør"), ("5", "System"), ("5", "Land"), ("5", "Registrerede")]
    assert "Nothing was imported. Problems found: 4." in body
    assert "Apply the import" not in body
    response = post_form(editor, f"/imports/register/{bid}/apply")
    assert response.status_code == 409
    assert counts(app)[:2] == (1, 0)


def test_the_mapping_step_refuses_a_mapping_without_the_required_columns(
    app: Flask, editor: FlaskClient
) -> None:
    bid = batch_id(upload(editor, GOOD))
    response = post_form(
        editor,
        f"/imports/register/{bid}/mapping",
        {f"col_{i}": "" for i in range(5)} | {"col_0": "system_name"},
    )
    assert response.status_code == 400
    assert "Choose the column that holds the vendor name." in text(response)
    response = post_form(
        editor,
        f"/imports/register/{bid}/mapping",
        {"col_0": "system_name", "col_1": "vendor_name", "col_2": "system_name", "col_3": "", "col_4": ""},
    )
    assert response.status_code == 400
    assert "Only one column can hold System name; System and Land are both chosen." in text(response)
    # A tampered choice is a form error, never an error page.
    response = post_form(editor, f"/imports/register/{bid}/mapping", {"col_0": "password_hash"})
    assert response.status_code == 400
    assert counts(app)[:2] == (0, 0)


def test_discard_changes_nothing_and_closes_the_batch(app: Flask, editor: FlaskClient) -> None:
    bid = batch_id(upload(editor, GOOD))
    response = post_form(editor, f"/imports/register/{bid}/discard")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get_one(ImportBatch, bid).state == ImportState.DISCARDED
    response = editor.get(f"/imports/register/{bid}/mapping")
    assert response.status_code == 302
    assert post_form(editor, f"/imports/register/{bid}/apply").status_code == 409
    assert counts(app)[:2] == (0, 0)


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "empty.csv", "The file is empty."),
        (b"PK\x03\x04 not really a zip", "fake.xlsx", "The file is not a valid XLSX workbook."),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old.xls", "This is an old Excel file (.xls)."),
        (b'System,Vendor\n"Aula,Netcompany\n', "broken.csv", "The CSV file is malformed"),
        (b"System,system\nAula,Netcompany\n", "twice.csv", "The column system appears twice."),
    ],
)
def test_a_bad_file_is_refused_with_a_clear_message(
    app: Flask, editor: FlaskClient, data: bytes, filename: str, message: str
) -> None:
    response = upload(editor, data, filename)
    assert response.status_code == 400
    body = text(response)
    assert message in body
    assert "Traceback" not in body
    assert counts(app) == (0, 0, 0)


def test_an_upload_over_the_size_limit_gets_413_with_the_limit(app: Flask, editor: FlaskClient) -> None:
    token = csrf_token(editor)
    app.config["MAX_CONTENT_LENGTH"] = 2048
    response = editor.post(
        "/imports/register",
        data={"csrf_token": token, "file": (io.BytesIO(b"System,Vendor\n" + b"A,B\n" * 1000), "big.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    body = text(response)
    assert "The file is too large: the limit is 0.002 MB." in body
    assert "Traceback" not in body
    assert counts(app) == (0, 0, 0)


def test_the_413_message_is_in_danish_by_default(app: Flask, login: Callable[..., FlaskClient]) -> None:
    client = login(Role.SECURITY)
    token = csrf_token(client)
    app.config["MAX_CONTENT_LENGTH"] = 2048
    response = client.post(
        "/imports/register",
        data={"csrf_token": token, "file": (io.BytesIO(b"x" * 4096), "big.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert "0,002 MB" in text(response)


def test_a_reader_sees_the_index_and_batches_but_cannot_upload(
    app: Flask, editor: FlaskClient, login: Callable[..., FlaskClient], netcompany: int
) -> None:
    bid = batch_id(upload(editor, GOOD))
    reader = in_english(login(Role.READER))
    body = text(reader.get("/imports/"))
    assert f'data-batch="{bid}" data-kind="register" data-state="pending"' in body
    assert "Import a register" not in body
    assert reader.get(f"/imports/register/{bid}").status_code == 200
    assert reader.get("/imports/register").status_code == 403
    assert upload(reader, GOOD).status_code == 403
    assert reader.get(f"/imports/register/{bid}/mapping").status_code == 403
    assert post_form(reader, f"/imports/register/{bid}/apply").status_code == 403
    assert post_form(reader, f"/imports/register/{bid}/discard").status_code == 403
    assert counts(app) == (1, 0, 1)


def test_the_index_links_every_import_and_lists_recent_batches_of_all_kinds(
    app: Flask, editor: FlaskClient, netcompany: int
) -> None:
    with app.app_context():
        db.session.add(ImportBatch(kind=ImportKind.DPF, state=ImportState.APPLIED, filename="dpf.csv"))
        db.session.add(
            ImportBatch(
                kind=ImportKind.SUBPROCESSORS,
                state=ImportState.DISCARDED,
                filename="subs.csv",
                vendor_id=netcompany,
            )
        )
        db.session.commit()
    body = text(editor.get("/imports/"))
    assert 'href="/imports/dpf"' in body
    assert f'href="/imports/subprocessors/{netcompany}"' in body
    assert 'href="/imports/register"' in body
    assert 'data-kind="dpf" data-state="applied"' in body
    assert 'data-kind="subprocessors" data-state="discarded"' in body
    assert "Netcompany A/S" in body
    # The navigation links the imports.
    assert '<a href="/imports/" class="active">Import</a>' in body


def test_a_batch_of_another_kind_is_not_a_register_batch(app: Flask, editor: FlaskClient) -> None:
    with app.app_context():
        batch = ImportBatch(kind=ImportKind.DPF, state=ImportState.PENDING, filename="dpf.csv")
        db.session.add(batch)
        db.session.commit()
        bid = batch.id
    assert editor.get(f"/imports/register/{bid}").status_code == 404
    assert post_form(editor, f"/imports/register/{bid}/apply").status_code == 404
    assert editor.get("/imports/register/9999").status_code == 404
