"""History pages: the whole log (admin, dpo) with filters and pages; one record's history, readable."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from flask import Flask
from sqlalchemy import func, select

from riskreg.audit import AuditEntry, set_actor
from riskreg.bodies import services as bodies
from riskreg.bodies.models import ApprovalBody
from riskreg.enums import RiskLevel
from riskreg.extensions import db
from riskreg.history import services
from tests.conftest import post_form
from tests.pages import in_english


def rows(html: str) -> list[str]:
    """The body rows of the log table."""
    table = html.split('data-testid="log"')[1].split("</table>")[0]
    found = re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.S)
    return [row for row in found if "colspan" not in row]


@pytest.fixture
def body_id(app: Flask, make_user) -> int:  # type: ignore[no-untyped-def]
    """A body created by one admin and changed by another."""
    first = make_user("admin", email="first@example.dk")
    second = make_user("admin", email="second@example.dk")
    with app.app_context():
        set_actor(db.session(), first, "first@example.dk")
        body = bodies.create_body(db.session, "Direktionen", RiskLevel.HIGH)
        set_actor(db.session(), second, "second@example.dk")
        bodies.update_body(db.session, body, {"residual_ceiling": RiskLevel.VERY_HIGH}, body.version)
        return body.id


@pytest.mark.parametrize("role", ["admin", "dpo"])
def test_admin_and_dpo_see_the_whole_log(login, body_id: int, role: str) -> None:
    response = login(role).get("/history/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Direktionen" in html
    assert f"/history/approval_body/{body_id}" in html


@pytest.mark.parametrize("role", ["security", "steering", "reader"])
def test_other_roles_may_not_see_the_whole_log(login, role: str) -> None:
    client = login(role)
    assert client.get("/history/").status_code == 403
    assert "/history/" not in client.get("/").get_data(as_text=True).replace("/history/approval", "")


def test_filters_narrow_the_log(login, app: Flask, body_id: int) -> None:
    client = login("dpo")

    by_type = rows(client.get("/history/?entity_type=approval_body").get_data(as_text=True))
    assert len(by_type) == 2

    by_actor = rows(client.get("/history/?actor=second@example.dk").get_data(as_text=True))
    assert len(by_actor) == 1 and "Direktionen" in by_actor[0]

    created = rows(client.get("/history/?action=create&entity_type=approval_body").get_data(as_text=True))
    assert len(created) == 1

    by_text = rows(client.get("/history/?q=direktion").get_data(as_text=True))
    assert len(by_text) == 2
    assert rows(client.get("/history/?q=%25_").get_data(as_text=True)) == []

    today = dt.datetime.now(dt.UTC).date()
    assert (
        len(rows(client.get(f"/history/?entity_type=approval_body&date_from={today}").get_data(as_text=True)))
        == 2
    )
    assert (
        len(rows(client.get(f"/history/?entity_type=approval_body&date_to={today}").get_data(as_text=True)))
        == 2
    )
    yesterday = today - dt.timedelta(days=1)
    assert (
        rows(client.get(f"/history/?entity_type=approval_body&date_to={yesterday}").get_data(as_text=True))
        == []
    )
    tomorrow = today + dt.timedelta(days=1)
    assert rows(client.get(f"/history/?date_from={tomorrow}").get_data(as_text=True)) == []

    response = client.get("/history/?date_from=yesterday")
    assert response.status_code == 200 and "flash-error" in response.get_data(as_text=True)


def test_the_log_is_newest_first_and_paged(login, app: Flask, body_id: int) -> None:
    app.config["PER_PAGE"] = 2
    with app.app_context():
        for n in range(3):
            body = db.session.get(ApprovalBody, body_id)
            bodies.update_body(db.session, body, {"description": f"change {n}"}, body.version)
    client = in_english(login("admin"))
    with app.app_context():
        total = db.session.scalar(select(func.count()).select_from(AuditEntry))
    first = rows(client.get("/history/?entity_type=approval_body").get_data(as_text=True))
    assert len(first) == 2
    assert "change 2" in first[0] and "change 1" in first[1]
    second = rows(client.get("/history/?entity_type=approval_body&page=2").get_data(as_text=True))
    assert "change 0" in second[0]
    assert f"{total} in all" in client.get("/history/").get_data(as_text=True)


def test_entity_history_shows_field_level_changes_readably(login, body_id: int) -> None:
    client = in_english(login("reader"))
    response = client.get(f"/history/approval_body/{body_id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert re.search(r"<h1>[^<]*Approval body Direktionen</h1>", html)  # the record type and its name
    assert "Residual-risk ceiling" in html and "residual_ceiling<" not in html
    assert "<del>High</del> → <ins>Very high</ins>" in html
    assert 'data-testid="back"' in html and 'href="/bodies/"' in html
    assert "second@example.dk" in html and "first@example.dk" in html


def test_entity_history_of_a_user_links_back_only_for_admins(login, make_user) -> None:  # type: ignore[no-untyped-def]
    user_id = make_user("reader")
    assert f'href="/users/{user_id}/edit"' in login("admin").get(f"/history/user/{user_id}").get_data(
        as_text=True
    )
    reader_html = login("reader").get(f"/history/user/{user_id}").get_data(as_text=True)
    assert 'data-testid="back"' not in reader_html


def test_entity_history_of_an_unknown_record_is_empty(login) -> None:
    response = in_english(login("reader")).get("/history/nothing/12345")
    assert response.status_code == 200
    assert "No changes recorded." in response.get_data(as_text=True)


def test_history_routes_only_read(login) -> None:
    client = login("admin")
    assert post_form(client, "/history/").status_code == 405
    assert post_form(client, "/history/user/1").status_code == 405


def test_values_are_shown_by_their_labels(app: Flask) -> None:
    with app.test_request_context():
        assert services.value_text("user", "role", "dpo") != "dpo"
        assert services.value_text("system", "status", "approved") != "approved"
        assert services.value_text("vendor", "is_archived", True) in ("Yes", "Ja")
        assert services.value_text("vendor", "name", None) == "–"
        assert services.field_label("parent_country_code") != "parent_country_code"
        assert services.field_label("frobnicate_id") == "Frobnicate"


def test_list_changes_show_what_left_and_what_came(app: Flask) -> None:
    entry = AuditEntry(entity_type="sub_processor", changes={"locations": [["DE", "US"], ["DE", "IN"]]})
    with app.test_request_context():
        (change,) = services.readable_changes(entry)
    assert change.label != "locations"
    assert (change.old, change.new) == ("US", "IN")
