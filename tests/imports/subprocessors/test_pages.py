"""Sub-processor import pages: upload or paste -> preview -> confirm or discard; refusals; who may do what."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from riskreg.enums import ImportState, LocationKind, TransferClass
from riskreg.extensions import db
from riskreg.imports.models import ImportBatch
from riskreg.vendors.models import SubProcessor
from tests.conftest import post_form
from tests.imports.helpers import UPDATED, batches, csv_list, stored_verdict
from tests.pages import in_english, text

PASTED = (
    "Navn\tYdelse\tLande\n"
    "Microsoft Ireland Operations Ltd\tHosting\tIrland\n"
    "Amazon Web Services EMEA SARL\tBackup\tTyskland og Irland\n"
    "Twilio Ireland Limited\tSMS\tSverige\n"
    "Atlassian Pty Ltd\tSupport\tAustralien\n"
)


def _upload(client: FlaskClient, vendor_id: int, data: bytes, **fields: str):  # type: ignore[no-untyped-def]
    form = {"file": (io.BytesIO(data), "subprocessors.csv"), "source": "Annex 3", "source_on": "2026-01-15"}
    form.update(fields)
    return post_form(client, f"/imports/subprocessors/{vendor_id}", form, content_type="multipart/form-data")


def _batch_id(response) -> int:  # type: ignore[no-untyped-def]
    match = re.search(r"/imports/subprocessors/batch/(\d+)$", response.headers["Location"])
    assert match, response.headers.get("Location")
    return int(match.group(1))


def _live(app: Flask, vendor_id: int) -> set[str]:
    with app.app_context():
        return set(
            db.session.scalars(
                select(SubProcessor.name).where(
                    SubProcessor.vendor_id == vendor_id, SubProcessor.is_archived.is_(False)
                )
            )
        )


def test_upload_preview_confirm(app: Flask, world: dict[str, int], login: Callable[..., FlaskClient]) -> None:
    client = in_english(login("security"))
    assert client.get(f"/imports/subprocessors/{world['vendor']}").status_code == 200
    response = _upload(client, world["vendor"], UPDATED)
    assert response.status_code == 302
    batch_id = _batch_id(response)

    page = client.get(f"/imports/subprocessors/batch/{batch_id}")
    assert page.status_code == 200
    html = text(page)
    assert 'data-kind="added" data-name="Zendesk Inc."' in html
    assert 'data-kind="removed" data-name="Twilio Ireland Limited"' in html
    assert 'data-kind="changed" data-name="Microsoft Ireland Operations Ltd"' in html
    assert {m for m in re.findall(r'data-testid="new-third" data-country="(\w+)"', html)} == {"IN", "US"}
    assert "New third countries (outside the EU/EEA" in html
    assert 'data-system="Momentum" data-before="eea" data-after="unknown"' in html
    # Nothing has changed yet.
    assert stored_verdict(app, world["momentum"]) == TransferClass.EEA
    assert "Zendesk Inc." not in _live(app, world["vendor"])

    response = post_form(client, f"/imports/subprocessors/batch/{batch_id}/apply")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/vendors/{world['vendor']}")
    assert _live(app, world["vendor"]) == {
        "Microsoft Ireland Operations Ltd",
        "Amazon Web Services EMEA SARL",
        "Zendesk Inc.",
    }
    assert stored_verdict(app, world["momentum"]) == TransferClass.UNKNOWN
    # Applied once: a second confirmation is refused.
    again = post_form(client, f"/imports/subprocessors/batch/{batch_id}/apply")
    assert again.status_code == 409
    assert "This import was applied already." in text(again)


def test_paste_a_danish_table_then_discard(
    app: Flask, world: dict[str, int], login: Callable[..., FlaskClient]
) -> None:
    client = in_english(login("dpo"))
    response = post_form(
        client,
        f"/imports/subprocessors/{world['vendor']}",
        {"text": PASTED, "source": "", "source_on": ""},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, text(response)
    batch_id = _batch_id(response)
    html = text(client.get(f"/imports/subprocessors/batch/{batch_id}"))
    assert 'data-kind="added" data-name="Atlassian Pty Ltd"' in html
    assert 'data-country="AU"' in html
    assert 'data-kind="removed"' not in html
    assert "pasted table" in html

    response = post_form(client, f"/imports/subprocessors/batch/{batch_id}/discard")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(ImportBatch, batch_id).state == ImportState.DISCARDED
    assert "Atlassian Pty Ltd" not in _live(app, world["vendor"])
    assert post_form(client, f"/imports/subprocessors/batch/{batch_id}/apply").status_code == 409


def test_a_refused_list_shows_every_problem_with_400_and_saves_nothing(
    app: Flask, world: dict[str, int], login: Callable[..., FlaskClient]
) -> None:
    client = in_english(login("admin"))
    data = csv_list(
        "Good Ltd,Hosting,Ireland,", ",Hosting,Ireland,", "Cloud Corp,Hosting,EU,", "X Inc,Y,Narnia,"
    )
    response = _upload(client, world["vendor"], data)
    assert response.status_code == 400
    html = text(response)
    found = set(re.findall(r'data-testid="problem" data-row="(\d+)" data-column="([^"]*)"', html))
    assert found == {("3", "Name"), ("4", "Countries"), ("5", "Countries")}
    assert "“EU” is a region, not a country: name the countries it means." in html
    assert "Unknown country: “Narnia”." in html
    assert batches(app) == 0


def test_file_and_pasted_table_together_or_neither_are_refused(
    app: Flask, world: dict[str, int], login: Callable[..., FlaskClient]
) -> None:
    client = in_english(login("admin"))
    both = _upload(client, world["vendor"], UPDATED, text=PASTED)
    assert both.status_code == 400
    assert "Upload a file or paste a table, not both." in text(both)
    neither = post_form(
        client, f"/imports/subprocessors/{world['vendor']}", {"text": ""}, content_type="multipart/form-data"
    )
    assert neither.status_code == 400
    assert "Upload a file or paste a table." in text(neither)
    empty = _upload(client, world["vendor"], b"")
    assert empty.status_code == 400
    assert "The file is empty." in text(empty)
    assert batches(app) == 0


def test_a_stale_batch_is_refused_with_409(
    app: Flask, world: dict[str, int], login: Callable[..., FlaskClient]
) -> None:
    from riskreg.subprocessors.services import update_sub_processor

    client = in_english(login("admin"))
    batch_id = _batch_id(_upload(client, world["vendor"], UPDATED))
    with app.app_context():
        sp = db.session.get(SubProcessor, world["aws"])
        update_sub_processor(db.session, sp, {}, [("FR", LocationKind.PROCESSING)], [])
    page = text(client.get(f"/imports/subprocessors/batch/{batch_id}"))
    assert 'data-testid="stale"' in page
    response = post_form(client, f"/imports/subprocessors/batch/{batch_id}/apply")
    assert response.status_code == 409
    assert "changed after this preview was made" in text(response)
    assert "Zendesk Inc." not in _live(app, world["vendor"])


def test_a_reader_sees_the_preview_but_cannot_upload_or_confirm(
    app: Flask, world: dict[str, int], login: Callable[..., FlaskClient]
) -> None:
    editor = in_english(login("admin"))
    batch_id = _batch_id(_upload(editor, world["vendor"], UPDATED))
    reader = in_english(login("reader"))
    assert reader.get(f"/imports/subprocessors/{world['vendor']}").status_code == 403
    assert _upload(reader, world["vendor"], UPDATED).status_code == 403
    page = reader.get(f"/imports/subprocessors/batch/{batch_id}")
    assert page.status_code == 200
    assert "/apply" not in text(page)
    assert post_form(reader, f"/imports/subprocessors/batch/{batch_id}/apply").status_code == 403
    assert post_form(reader, f"/imports/subprocessors/batch/{batch_id}/discard").status_code == 403
    assert batches(app) == 1
    assert "Zendesk Inc." not in _live(app, world["vendor"])


def test_unknown_vendor_or_batch_is_404(
    app: Flask, world: dict[str, int], login: Callable[..., FlaskClient]
) -> None:
    client = login("admin")
    assert client.get("/imports/subprocessors/9999").status_code == 404
    assert client.get("/imports/subprocessors/batch/9999").status_code == 404
    assert post_form(client, "/imports/subprocessors/batch/9999/apply").status_code == 404
