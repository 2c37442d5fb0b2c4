"""The measures library pages: the measures by kind, new, edit (shipped ones keep their texts), archive."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from riskreg.dpia.models import Measure
from riskreg.enums import MeasureKind, Role
from riskreg.extensions import db
from tests.conftest import post_form
from tests.pages import text

ROW = re.compile(r'data-testid="measure" data-measure="(\d+)" data-kind="([a-z]+)"')


def rows(page: str) -> dict[int, str]:
    return {int(mid): kind for mid, kind in ROW.findall(page)}


def row(page: str, measure_id: int) -> str:
    start = page.index(f'data-measure="{measure_id}"')
    return page[start : page.index("</tr>", start)]


def measure(app: Flask, **where: Any) -> Measure:
    with app.app_context():
        found = db.session.scalars(select(Measure).filter_by(**where)).one()
        db.session.expunge(found)
        return found


def count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Measure)) or 0


@pytest.fixture
def dpo(login: Callable[..., FlaskClient]) -> FlaskClient:
    return login(Role.DPO)


def test_the_library_lists_the_shipped_measures_by_kind(
    app: Flask, login: Callable[..., FlaskClient]
) -> None:
    reader = login(Role.READER)
    response = reader.get("/measures/")
    assert response.status_code == 200
    page = text(response)
    listed = rows(page)
    assert len(listed) == 15
    assert sorted(listed.values()).count("technical") == 5
    for kind in MeasureKind:
        section = page[page.index(f'data-testid="kind-{kind.value}"') :]
        section = section[: section.index("</section>")]
        assert set(rows(section).values()) == {kind.value}
    guidelines = measure(app, key="no_personal_data_rule")
    assert 'class="badge badge-relies"' in row(page, guidelines.id)
    keys = measure(app, key="customer_held_keys")
    assert 'class="badge badge-relies"' not in row(page, keys.id)
    # A reader sees no way to change the library; the main menu leads here.
    assert "/measures/new" not in page and "/edit" not in page
    assert 'href="/measures/"' in text(reader.get("/systems/"))


def test_the_dpo_adds_and_edits_an_own_measure(app: Flask, dpo: FlaskClient) -> None:
    assert dpo.get("/measures/new").status_code == 200
    response = post_form(
        dpo,
        "/measures/new",
        {"name": "  Diskkryptering  af bærbare ", "description": "BitLocker", "kind": "technical"},
    )
    assert response.status_code == 302
    own = measure(app, name="Diskkryptering af bærbare")
    assert own.kind == MeasureKind.TECHNICAL and not own.relies_on_users and own.key is None
    page = text(dpo.get("/measures/"))
    assert "Diskkryptering af bærbare" in row(page, own.id)
    assert 'data-origin="own"' in row(page, own.id)
    assert 'data-origin="shipped"' in row(page, measure(app, key="training").id)

    form = text(dpo.get(f"/measures/{own.id}/edit"))
    assert 'name="name"' in form and "Diskkryptering af bærbare" in form
    response = post_form(
        dpo,
        f"/measures/{own.id}/edit",
        {
            "name": "Husk at låse skærmen",
            "description": "",
            "kind": "organisational",
            "relies_on_users": "y",
            "version": str(own.version),
        },
    )
    assert response.status_code == 302
    changed = measure(app, id=own.id)
    assert (changed.name, changed.kind, changed.relies_on_users) == (
        "Husk at låse skærmen",
        MeasureKind.ORGANISATIONAL,
        True,
    )

    # A stale form is refused with what changed meanwhile.
    response = post_form(
        dpo,
        f"/measures/{own.id}/edit",
        {"name": "Gammel", "kind": "technical", "version": str(own.version)},
    )
    assert response.status_code == 409
    assert measure(app, id=own.id).name == "Husk at låse skærmen"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"name": "", "kind": "technical"}, "name"),
        ({"name": "Ny", "kind": ""}, "kind"),
        ({"name": "Ny", "kind": "magical"}, "kind"),
        ({"name": "EU Data Boundary", "kind": "technical"}, "name"),  # a shipped measure's name
        ({"name": "x" * 201, "kind": "technical"}, "name"),
    ],
)
def test_a_bad_measure_is_refused(app: Flask, dpo: FlaskClient, values: dict[str, str], field: str) -> None:
    before = count(app)
    response = post_form(dpo, "/measures/new", values)
    assert response.status_code == 400
    page = text(response)
    assert 'class="flash flash-error"' in page
    assert f'id="{field}"' in page[page.index('class="field has-error') :]
    assert count(app) == before


def test_a_shipped_measure_keeps_its_name_and_description(app: Flask, dpo: FlaskClient) -> None:
    shipped = measure(app, key="training")
    form = text(dpo.get(f"/measures/{shipped.id}/edit"))
    assert 'data-testid="shipped"' in form and 'name="name"' not in form and 'name="description"' not in form
    response = post_form(
        dpo,
        f"/measures/{shipped.id}/edit",
        {
            "name": "Omdøbt",
            "description": "Ny tekst",
            "kind": "organisational",
            "version": str(shipped.version),
        },
    )
    assert response.status_code == 302
    after = measure(app, id=shipped.id)
    assert (after.name, after.description) == (shipped.name, shipped.description)
    assert after.relies_on_users is False  # the box was not ticked: the DPO decided training does not


def test_archive_hides_a_measure_from_new_links_and_restore_brings_it_back(
    app: Flask, dpo: FlaskClient, dpia_id: int
) -> None:
    lockbox = measure(app, key="customer_lockbox")
    assert post_form(dpo, f"/measures/{lockbox.id}/archive").status_code == 302
    assert measure(app, id=lockbox.id).is_archived
    assert lockbox.id not in rows(text(dpo.get("/measures/")))
    archived = text(dpo.get("/measures/?archived=1"))
    assert lockbox.id in rows(archived)
    assert 'class="badge badge-archived"' in row(archived, lockbox.id)
    assert f'action="/measures/{lockbox.id}/archive"' in row(archived, lockbox.id)  # restore
    # Not offered for new links, and refused if posted anyway.
    form = text(dpo.get(f"/dpia/{dpia_id}/risks/new"))
    assert f'name="measure_ids" value="{lockbox.id}"' not in form
    assert 'name="measure_ids" value=' in form
    response = post_form(
        dpo,
        f"/dpia/{dpia_id}/risks/new",
        {
            "title": "Supportadgang",
            "inherent_likelihood": "2",
            "inherent_consequence": "2",
            "measure_ids": [lockbox.id],
        },
    )
    assert response.status_code == 400

    assert post_form(dpo, f"/measures/{lockbox.id}/archive").status_code == 302
    assert not measure(app, id=lockbox.id).is_archived
    assert lockbox.id in rows(text(dpo.get("/measures/")))


def test_only_the_dpo_and_admins_change_the_library(app: Flask, login: Callable[..., FlaskClient]) -> None:
    keys = measure(app, key="customer_held_keys")
    for role in (Role.READER, Role.SECURITY, Role.STEERING):
        client = login(role)
        assert client.get("/measures/").status_code == 200
        assert client.get("/measures/new").status_code == 403
        assert post_form(client, "/measures/new", {"name": "Ny", "kind": "technical"}).status_code == 403
        assert client.get(f"/measures/{keys.id}/edit").status_code == 403
        assert post_form(client, f"/measures/{keys.id}/archive").status_code == 403
    assert count(app) == 15 and not measure(app, id=keys.id).is_archived
    admin = login(Role.ADMIN)
    assert admin.get("/measures/new").status_code == 200
    assert admin.get("/measures/9999/edit").status_code == 404
    assert post_form(admin, "/measures/9999/archive").status_code == 404


def test_the_library_in_english(login: Callable[..., FlaskClient]) -> None:
    client = login(Role.READER)
    assert post_form(client, "/language", {"lang": "en", "next": "/measures/"}).status_code == 302
    page = text(client.get("/measures/"))
    assert 'lang="en"' in page
    assert "Measures library" in page and "Encryption with customer-held keys" in page
    assert "relies on users" in page and "Shipped" in page
