"""The register of systems: forms, rules, audit, list and the system page."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event, select

from riskreg.audit import AuditEntry
from riskreg.enums import LocationKind, SystemStatus
from riskreg.extensions import db
from riskreg.systems.models import System
from tests.conftest import post_form


def form_data(vendor_id: int, **overrides):
    data = {
        "name": "Elevplan",
        "vendor_id": str(vendor_id),
        "status": "draft",
        "journal_number": "85.15.02G01-11-26",
        "departments": "Børne- og Ungeforvaltningen, Skoler",
        "purpose": "Planlægning af undervisning",
        "legal_bases": ["art6_e"],
        "data_subjects": ["children", "employees"],
        "data_categories": ["ordinary", "cpr"],
        "subject_volume": "under_10000",
        "ai_act_class": "none",
    }
    data.update(overrides)
    return data


def count_systems(app) -> int:
    with app.app_context():
        return len(db.session.scalars(select(System)).all())


def test_create_system_stores_every_field_and_writes_audit(app, login, make_vendor):
    vendor_id = make_vendor()
    client = login("security")
    response = post_form(client, "/systems/new", form_data(vendor_id))
    assert response.status_code == 302
    with app.app_context():
        system = db.session.scalars(select(System)).one()
        assert [d.name for d in system.departments] == ["Børne- og Ungeforvaltningen", "Skoler"]
        assert {s.value for s in system.data_subjects} == {"children", "employees"}
        assert {c.value for c in system.data_categories} == {"ordinary", "cpr"}
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.entity_type == "system")).one()
        assert entry.action.value == "create"
        assert entry.changes["data_subjects"] == [[], ["children", "employees"]]
        assert entry.changes["departments"][1] == ["Børne- og Ungeforvaltningen", "Skoler"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Elevplan" in page and "85.15.02G01-11-26" in page


def test_edit_logs_field_level_changes_including_many_valued(app, login, make_vendor, make_system):
    vendor_id = make_vendor()
    system_id = make_system("Elevplan", vendor_id, departments=("Skoler",))
    client = login("dpo")
    data = form_data(
        vendor_id,
        status="in_assessment",
        data_subjects=["children"],
        departments="Skoler, Kultur",
        version="1",
    )
    response = post_form(client, f"/systems/{system_id}/edit", data)
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        entry = db.session.scalars(
            select(AuditEntry).where(AuditEntry.entity_type == "system").order_by(AuditEntry.id.desc())
        ).first()
        assert entry.action.value == "update"
        assert entry.changes["status"] == ["draft", "in_assessment"]
        assert entry.changes["data_subjects"] == [[], ["children"]]
        assert entry.changes["departments"] == [["Skoler"], ["Kultur", "Skoler"]]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": ""}, None),
        ({"vendor": "999999"}, None),
        ({"next_review_on": (dt.date.today() - dt.timedelta(days=1)).isoformat()}, "review"),
        ({"journal_number": "x" * 61}, None),
        ({"purpose": "x" * 4001}, None),
        ({"has_ai": "y", "ai_act_class": "high_risk", "ai_annex_iii_area": ""}, "Annex III"),
    ],
)
def test_bad_input_is_refused_and_nothing_stored(app, login, make_vendor, overrides, message):
    vendor_id = make_vendor()
    client = login("security")
    client.post("/language", data={"lang": "en", "csrf_token": _token(client)})
    if "vendor" in overrides:
        vendor_id = int(overrides.pop("vendor"))
    response = post_form(client, "/systems/new", form_data(vendor_id, **overrides))
    assert response.status_code == 400
    assert count_systems(app) == 0
    if message:
        assert message in response.get_data(as_text=True)


def _token(client):
    from tests.conftest import csrf_token

    return csrf_token(client, "/account")


def test_archived_vendor_cannot_get_new_systems(app, login, make_vendor):
    from riskreg.vendors.models import Vendor
    from riskreg.vendors.services import set_vendor_archived

    vendor_id = make_vendor()
    with app.app_context():
        set_vendor_archived(db.session, db.session.get(Vendor, vendor_id), True)
    response = post_form(login("security"), "/systems/new", form_data(vendor_id))
    assert response.status_code == 400
    assert count_systems(app) == 0


@pytest.mark.parametrize("role", ["reader", "steering"])
def test_read_only_roles_cannot_change_systems(app, login, make_vendor, make_system, role):
    vendor_id = make_vendor()
    system_id = make_system("Elevplan", vendor_id)
    client = login(role)
    assert client.get(f"/systems/{system_id}").status_code == 200
    for url in ("/systems/new", f"/systems/{system_id}/edit", f"/systems/{system_id}/archive"):
        assert post_form(client, url, form_data(vendor_id, name="Changed")).status_code == 403
    with app.app_context():
        system = db.session.get(System, system_id)
        assert system.name == "Elevplan" and not system.is_archived


def test_concurrent_edit_is_refused_and_shows_what_changed(app, login, make_vendor, make_system):
    vendor_id = make_vendor()
    system_id = make_system("Elevplan", vendor_id)
    first, second = login("security"), login("dpo")
    assert (
        post_form(
            first, f"/systems/{system_id}/edit", form_data(vendor_id, name="Elevplan 2", version="1")
        ).status_code
        == 302
    )
    response = post_form(
        second, f"/systems/{system_id}/edit", form_data(vendor_id, name="Elevplan X", version="1")
    )
    assert response.status_code == 409
    assert "Elevplan 2" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(System, system_id).name == "Elevplan 2"


def test_archive_toggles(app, login, make_vendor, make_system):
    vendor_id = make_vendor()
    system_id = make_system("Elevplan", vendor_id)
    client = login("security")
    assert post_form(client, f"/systems/{system_id}/archive").status_code == 302
    with app.app_context():
        assert db.session.get(System, system_id).is_archived
        actions = [
            e.action.value
            for e in db.session.scalars(select(AuditEntry).where(AuditEntry.entity_type == "system"))
        ]
        assert actions == ["create", "archive"]
    assert "Elevplan" not in client.get("/systems/").get_data(as_text=True)
    assert "Elevplan" in client.get("/systems/?archived=1").get_data(as_text=True)


@pytest.fixture
def register(make_vendor, make_sub, make_system):
    dk = make_vendor("Dansk Drift A/S")
    us = make_vendor("US Cloud Inc", locations=(("US", LocationKind.PROCESSING),))
    ie = make_vendor("Irish Host Ltd", locations=(("IE", LocationKind.PROCESSING),))
    make_sub(ie, "Support Manila", (("PH", LocationKind.SUPPORT),))
    return {
        "Alpha": make_system(
            "Alpha", dk, departments=("Skoler",), status=SystemStatus.APPROVED, journal_number="J-3"
        ),
        "Beta": make_system(
            "Beta", us, departments=("Kultur",), status=SystemStatus.IN_ASSESSMENT, journal_number="J-1"
        ),
        "Gamma": make_system(
            "Gamma",
            ie,
            departments=("Skoler",),
            status=SystemStatus.APPROVED,
            purpose="Bibliotek",
            journal_number="J-2",
        ),
    }


def names_on(client, query: str) -> list[str]:
    import re

    html = client.get("/systems/" + query).get_data(as_text=True)
    return re.findall(r'/systems/\d+">([^<]+)</a>', html)


def test_list_search_filters_and_sort(app, login, register):
    from riskreg.systems.models import Department
    from riskreg.vendors.models import Vendor

    client = login("reader")
    assert names_on(client, "") == ["Alpha", "Beta", "Gamma"]
    assert names_on(client, "?q=bibliotek") == ["Gamma"]
    assert names_on(client, "?q=US+Cloud") == ["Beta"]
    assert names_on(client, "?status=approved") == ["Alpha", "Gamma"]
    with app.app_context():
        kultur = db.session.scalar(select(Department.id).where(Department.name == "Kultur"))
        irish = db.session.scalar(select(Vendor.id).where(Vendor.name == "Irish Host Ltd"))
    assert names_on(client, f"?department={kultur}") == ["Beta"]
    assert names_on(client, f"?vendor={irish}") == ["Gamma"]
    assert names_on(client, "?country=US") == ["Beta"]
    assert names_on(client, "?country=PH") == ["Gamma"]  # support access through a sub-processor
    assert names_on(client, "?sort=journal") == ["Beta", "Gamma", "Alpha"]
    assert names_on(client, "?sort=-name") == ["Gamma", "Beta", "Alpha"]
    assert names_on(client, "?sort=nonsense") == ["Alpha", "Beta", "Gamma"]


def test_pagination(app, login, make_vendor, make_system):
    vendor_id = make_vendor()
    for i in range(30):
        make_system(f"System {i:02d}", vendor_id)
    client = login("reader")
    assert len(names_on(client, "")) == 25
    assert names_on(client, "?page=2") == [f"System {i:02d}" for i in range(25, 30)]


def test_system_page_shows_chain_and_every_country(app, login, make_vendor, make_sub, make_system):
    vendor_id = make_vendor("SkoleTube", locations=(("DK", LocationKind.PROCESSING),))
    canva = make_sub(vendor_id, "Canva Pty Ltd", (("AU", LocationKind.PROCESSING),))
    make_sub(
        vendor_id,
        "US analytics provider",
        (("US", LocationKind.PROCESSING), ("IE", LocationKind.PROCESSING)),
        parent_id=canva,
    )
    make_sub(vendor_id, "Manila support", (("PH", LocationKind.SUPPORT),), parent_id=canva)
    system_id = make_system("Canva via SkoleTube", vendor_id)
    client = login("reader")
    client.post("/language", data={"lang": "en", "csrf_token": _token(client)})
    html = client.get(f"/systems/{system_id}").get_data(as_text=True)
    chain = html[html.index('data-testid="chain"') :]
    assert chain.index("Canva Pty Ltd") < chain.index("Manila support") < chain.index("US analytics provider")
    countries = html[html.index('data-testid="countries"') : html.index('data-testid="chain"')]
    for name in ("Australia", "Philippines", "United States", "Ireland", "Denmark"):
        assert name in countries
    assert countries.count("third country") == 3  # AU, PH, US (partial) — not DK, IE


def test_list_query_count_does_not_grow_with_rows(app, login, make_vendor, make_system):
    client = login("reader")
    vendor_id = make_vendor()

    def queries_for_list() -> int:
        statements = []
        with app.app_context():
            engine = db.engine
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert client.get("/systems/").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(statements)

    for i in range(5):
        make_system(f"S{i}", vendor_id, departments=(f"D{i}",))
    few = queries_for_list()
    for i in range(5, 30):
        make_system(f"S{i}", vendor_id, departments=(f"D{i}",))
    assert queries_for_list() == few


def test_search_matches_percent_and_underscore_literally(app, login, make_vendor, make_system):
    vendor_id = make_vendor()
    make_system("Rabat 100% skole", vendor_id)
    make_system("Rabat 1000 skole", vendor_id)
    make_system("snake_case", vendor_id)
    make_system("snakeXcase", vendor_id)
    client = login("reader")
    assert names_on(client, "?q=100%25") == ["Rabat 100% skole"]
    assert names_on(client, "?q=snake_") == ["snake_case"]
