"""Country list pages: overview, one list as of a date, new version (admin only), exposure."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from riskreg.countries import services
from riskreg.countries.models import CountryList, CountryListVersion
from riskreg.enums import CountryStatus
from riskreg.extensions import db
from tests.conftest import post_form
from tests.pages import in_english

_INPUT = re.compile(r"<input ([^>]*)>")
_SELECT = re.compile(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', re.S)
_ATTR = re.compile(r'([a-z_-]+)="([^"]*)"')


def official_id(app: Flask) -> int:
    with app.app_context():
        return services.official_list(db.session).id


def version_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(CountryListVersion))


def form_rows(client: FlaskClient, list_id: int) -> dict[str, Any]:
    """The new-version form as a browser would send it back unchanged (field name -> value)."""
    html = client.get(f"/countries/{list_id}/versions/new").get_data(as_text=True)
    form = html.split('<form method="post" novalidate>')[1].split("</form>")[0]
    data: dict[str, Any] = {}
    for match in _INPUT.finditer(form):
        attrs = dict(_ATTR.findall(match.group(1)))
        if "name" in attrs and attrs["name"] != "csrf_token":
            data.setdefault(attrs["name"], attrs.get("value", ""))
    for name, options in _SELECT.findall(form):
        selected = re.search(r"<option ([^>]*\bselected\b[^>]*)>", options)
        data[name] = dict(_ATTR.findall(selected.group(1))).get("value", "") if selected else ""
    return data


def row_index(data: dict[str, Any], code: str) -> str:
    return next(k.split("-")[1] for k, v in data.items() if k.endswith("-country_code") and v == code)


def test_index_lists_the_official_list(login, app: Flask) -> None:
    html = login("reader").get("/countries/").get_data(as_text=True)
    assert "Officiel liste over sikre tredjelande" in html
    assert f"/countries/{official_id(app)}" in html


def test_list_shows_countries_in_the_users_language(login, app: Flask) -> None:
    list_id = official_id(app)
    client = login("reader")
    danish = client.get(f"/countries/{list_id}").get_data(as_text=True)
    assert "Østrig" in danish and "Schweiz" in danish
    english = in_english(login("reader"))
    html = english.get(f"/countries/{list_id}").get_data(as_text=True)
    assert "Austria" in html and "Switzerland" in html


def test_list_filters_by_status(login, app: Flask) -> None:
    client = login("steering")
    html = client.get(f"/countries/{official_id(app)}?status=partial").get_data(as_text=True)
    entries = html.split('data-testid="entries"')[1].split("</table>")[0]
    assert entries.count("<tr>") == 3  # header + US + CA
    assert ">US<" in entries and ">CA<" in entries
    assert ">DE<" not in entries


def test_list_as_of_a_date_before_the_first_version(login, app: Flask) -> None:
    response = login("reader").get(f"/countries/{official_id(app)}?as_of=2025-01-01")
    assert response.status_code == 200
    assert 'data-testid="no-version"' in response.get_data(as_text=True)


def test_a_version_of_another_list_is_404(login, app: Flask) -> None:
    assert login("reader").get(f"/countries/{official_id(app)}?version=9999").status_code == 404


def test_admin_creates_a_version_and_sees_it_in_force_on_its_date(login, app: Flask) -> None:
    list_id = official_id(app)
    admin = login("admin")
    data = form_rows(admin, list_id)
    us = row_index(data, "US")
    assert data[f"entries-{us}-status"] == "partial"
    data[f"entries-{us}-status"] = "none"
    data.update({"effective_on": "2027-03-01", "note": "DPF annulled by the Court of Justice"})

    response = post_form(admin, f"/countries/{list_id}/versions/new", data)

    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        version = services.list_version_in_force(db.session, list_id, dt.date(2027, 3, 1))
        assert version.note == "DPF annulled by the Court of Justice"
        assert version.created_by_id == admin.user_id
        assert services.statuses(version)["US"] == CountryStatus.NONE
        assert len(version.entries) == 90
        before = services.list_version_in_force(db.session, list_id, dt.date(2027, 2, 28))
        assert services.statuses(before)["US"] == CountryStatus.PARTIAL
        version_id = version.id

    page = admin.get(f"/countries/{list_id}?version={version_id}").get_data(as_text=True)
    diff = page.split('data-testid="diff"')[1].split("</table>")[0]
    assert "(US)" in diff and diff.count("<tr>") == 2
    timeline = admin.get(f"/countries/{list_id}").get_data(as_text=True).split('data-testid="timeline"')[1]
    assert "DPF annulled" in timeline


def test_admin_adds_a_country_in_an_empty_row(login, app: Flask) -> None:
    list_id = official_id(app)
    admin = login("admin")
    data = form_rows(admin, list_id)
    empty = next(k.split("-")[1] for k, v in data.items() if k.endswith("-country_code") and v == "")
    data.update(
        {
            f"entries-{empty}-country_code": "BO",
            f"entries-{empty}-status": "adequacy",
            f"entries-{empty}-decision_ref": "Decision 2028/1",
            "effective_on": "2028-01-01",
            "note": "Bolivia adequacy",
        }
    )
    response = post_form(admin, f"/countries/{list_id}/versions/new", data)
    assert response.status_code == 302, re.findall(r'role="alert">([^<]*)<', response.get_data(as_text=True))
    with app.app_context():
        version = services.list_version_in_force(db.session, list_id, dt.date(2028, 1, 1))
        assert services.statuses(version)["BO"] == CountryStatus.ADEQUACY
        assert len(version.entries) == 91


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"effective_on": "2026-01-26"}, "already has a version"),
        ({"note": ""}, "the note is required"),
        ({"effective_on": ""}, "effective date is required"),
        ({"entries-0-country_code": "XX", "entries-0-existing": ""}, "Unknown country"),
        ({"entries-0-status": "sort of"}, "Not a valid choice"),
        ({"entries-0-decision_ref": "r" * 301}, "300"),
    ],
    ids=["same-day", "no-note", "no-date", "unknown-country", "bad-status", "long-reference"],
)
def test_bad_input_is_refused_and_nothing_stored(
    login, app: Flask, changes: dict[str, str], message: str
) -> None:
    list_id = official_id(app)
    admin = in_english(login("admin"))
    data = form_rows(admin, list_id)
    data.update({"effective_on": "2027-05-01", "note": "why"})
    data.update(changes)
    before = version_count(app)

    response = post_form(admin, f"/countries/{list_id}/versions/new", data)

    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert version_count(app) == before


def test_the_same_country_twice_is_refused(login, app: Flask) -> None:
    list_id = official_id(app)
    admin = login("admin")
    data = form_rows(admin, list_id)
    empty = next(k.split("-")[1] for k, v in data.items() if k.endswith("-country_code") and v == "")
    data.update({f"entries-{empty}-country_code": "US", "effective_on": "2027-05-01", "note": "why"})
    before = version_count(app)
    assert post_form(admin, f"/countries/{list_id}/versions/new", data).status_code == 400
    assert version_count(app) == before


def test_a_version_added_by_someone_else_meanwhile_is_409(login, app: Flask) -> None:
    list_id = official_id(app)
    first, second = login("admin"), login("admin")
    data_first = form_rows(first, list_id)
    data_second = form_rows(second, list_id)
    data_first.update({"effective_on": "2027-05-01", "note": "first"})
    data_second.update({"effective_on": "2027-06-01", "note": "second"})

    assert post_form(first, f"/countries/{list_id}/versions/new", data_first).status_code == 302
    response = post_form(second, f"/countries/{list_id}/versions/new", data_second)

    assert response.status_code == 409
    assert 'data-testid="conflict"' in response.get_data(as_text=True)
    with app.app_context():
        assert services.list_version_in_force(db.session, list_id, dt.date(2027, 6, 1)).note == "first"


def test_changing_an_eu_country_warns(login, app: Flask) -> None:
    list_id = official_id(app)
    admin = in_english(login("admin"))
    data = form_rows(admin, list_id)
    data[f"entries-{row_index(data, 'DE')}-status"] = "none"
    data.update({"effective_on": "2099-01-01", "note": "test"})
    response = post_form(admin, f"/countries/{list_id}/versions/new", data, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "flash-warning" in html and "EU/EEA status changed for DE" in html


@pytest.mark.parametrize("role", ["security", "dpo", "steering", "reader"])
def test_only_admins_make_versions_of_the_official_list(login, app: Flask, role: str) -> None:
    list_id = official_id(app)
    client = login(role)
    before = version_count(app)
    assert client.get(f"/countries/{list_id}/versions/new").status_code == 403
    response = post_form(
        client, f"/countries/{list_id}/versions/new", {"effective_on": "2027-01-01", "note": "sneaky"}
    )
    assert response.status_code == 403
    assert version_count(app) == before
    assert "/versions/new" not in client.get(f"/countries/{list_id}").get_data(as_text=True)


def scenario_id(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(CountryList.id).where(CountryList.name == "DPF invalidated"))


def test_the_dpo_keeps_the_scenarios_up_to_date(login, app: Flask) -> None:
    list_id = scenario_id(app)
    dpo = login("dpo")
    assert "/versions/new" in dpo.get(f"/countries/{list_id}").get_data(as_text=True)
    data = form_rows(dpo, list_id)
    # The preset overrides only the United States; the DPO adds the United Kingdom's lapse to it.
    assert data[f"entries-{row_index(data, 'US')}-status"] == "none"
    empty = next(k.split("-")[1] for k, v in data.items() if k.endswith("-country_code") and not v)
    data.update({f"entries-{empty}-country_code": "GB", f"entries-{empty}-status": "none"})
    data.update({"effective_on": "2027-01-01", "note": "UK adequacy lapses too"})

    response = post_form(dpo, f"/countries/{list_id}/versions/new", data)

    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        version = services.list_version_in_force(db.session, list_id, dt.date(2027, 1, 1))
        assert services.statuses(version) == {"US": CountryStatus.NONE, "GB": CountryStatus.NONE}


@pytest.mark.parametrize("role", ["security", "steering", "reader"])
def test_only_the_dpo_and_admins_change_scenarios(login, app: Flask, role: str) -> None:
    list_id = scenario_id(app)
    client = login(role)
    before = version_count(app)
    assert client.get(f"/countries/{list_id}/versions/new").status_code == 403
    assert post_form(client, f"/countries/{list_id}/versions/new", {"note": "x"}).status_code == 403
    assert version_count(app) == before
    assert "/versions/new" not in client.get(f"/countries/{list_id}").get_data(as_text=True)


def test_exposure_page_lists_the_laws(login) -> None:
    html = login("reader").get("/countries/exposure").get_data(as_text=True)
    assert "FISA Section 702" in html
    assert "National Intelligence Law" in html


def test_list_page_queries_do_not_grow_with_the_entries(login, app: Flask) -> None:
    """90 entries with their countries, the diff and the timeline come from a handful of queries."""
    from sqlalchemy import event

    list_id = official_id(app)
    client = login("reader")
    client.get(f"/countries/{list_id}")  # warm up the session and caches
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        html = client.get(f"/countries/{list_id}").get_data(as_text=True)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert html.count('class="badge badge-') >= 90
    assert len(statements) <= 15, statements


def test_the_first_version_has_no_diff(login, app: Flask) -> None:
    html = login("reader").get(f"/countries/{official_id(app)}").get_data(as_text=True)
    assert 'data-testid="first-version"' in html
    assert 'data-testid="diff"' not in html
