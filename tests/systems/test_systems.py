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
from tests.pages import in_english


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
        ({"name": "x" * 201}, None),
        ({"departments": "d" * 121}, "120"),
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
    in_english(client)
    if "vendor" in overrides:
        vendor_id = int(overrides.pop("vendor"))
    response = post_form(client, "/systems/new", form_data(vendor_id, **overrides))
    assert response.status_code == 400
    assert count_systems(app) == 0
    if message:
        assert message in response.get_data(as_text=True)


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
    for url in ("/systems/new", f"/systems/{system_id}/edit"):
        assert client.get(url).status_code == 403
    assert "/edit" not in client.get(f"/systems/{system_id}").get_data(as_text=True)
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
    in_english(client)
    html = client.get(f"/systems/{system_id}").get_data(as_text=True)
    chain = html[html.index('data-testid="chain"') :]
    assert chain.index("Canva Pty Ltd") < chain.index("Manila support") < chain.index("US analytics provider")
    countries = html[html.index('data-testid="countries"') : html.index('data-testid="chain"')]
    for name in ("Australia", "Philippines", "United States", "Ireland", "Denmark"):
        assert name in countries
    assert countries.count("· third country") == 3  # AU, PH, US (partial) — not DK, IE
    assert countries.count("third country</strong>") == 3


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


def test_created_system_shows_its_facts_and_ai_section(app, login, make_vendor):
    vendor_id = make_vendor()
    client = in_english(login("dpo"))
    data = form_data(
        vendor_id,
        name="Momentum AI",
        legal_bases=["art6_e", "national_law"],
        legal_basis_note="Executive order no. 101/2026",
        has_ai="y",
        ai_description="Drafts letters to citizens",
        ai_output_in_decisions="y",
        ai_act_class="high_risk",
        ai_annex_iii_area="Access to public benefits",
        has_free_text="y",
        free_text_note="Case workers type notes",
        next_review_on=(dt.date.today() + dt.timedelta(days=30)).isoformat(),
    )
    response = post_form(client, "/systems/new", data)
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        system = db.session.scalars(select(System)).one()
        assert {b.value for b in system.legal_bases} == {"art6_e", "national_law"}
        assert system.ai_act_class.value == "high_risk" and system.ai_output_in_decisions
        assert system.ai_annex_iii_area == "Access to public benefits"
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    facts = html[html.index('data-testid="facts"') : html.index('data-testid="vendor"')]
    for text in (
        "Art. 6(1)(e) public authority",
        "National law",
        "Executive order no. 101/2026",
        "Children",
        "CPR numbers",
        "Drafts letters to citizens",
        "High risk (Annex III)",
        "Access to public benefits",
        "AI output is used in decisions about persons",
        "Case workers type notes",
        "Børne- og Ungeforvaltningen, Skoler",
    ):
        assert text in facts, text


def test_edit_logs_legal_bases_and_categories_old_and_new(app, login, make_vendor):
    vendor_id = make_vendor()
    client = login("security")
    post_form(client, "/systems/new", form_data(vendor_id))
    with app.app_context():
        system_id = db.session.scalars(select(System.id)).one()
    data = form_data(vendor_id, legal_bases=["art6_c"], data_categories=["cpr", "special_art9"], version="1")
    assert post_form(client, f"/systems/{system_id}/edit", data).status_code == 302
    with app.app_context():
        entries = db.session.scalars(
            select(AuditEntry).where(AuditEntry.entity_type == "system").order_by(AuditEntry.id)
        ).all()
        assert [e.action.value for e in entries] == ["create", "update"]
        changes = entries[1].changes
        assert changes["legal_bases"] == [["art6_e"], ["art6_c"]]
        assert changes["data_categories"] == [["cpr", "ordinary"], ["cpr", "special_art9"]]
        assert "data_subjects" not in changes and "departments" not in changes
        assert db.session.get(System, system_id).version == 2


def test_edit_form_is_filled_and_unknown_system_is_404(app, login, make_vendor, make_system):
    vendor_id = make_vendor()
    system_id = make_system("Elevplan", vendor_id, departments=("Skoler", "Kultur"), journal_number="J-9")
    client = login("security")
    html = client.get(f"/systems/{system_id}/edit").get_data(as_text=True)
    assert 'value="Kultur, Skoler"' in html and 'value="J-9"' in html
    assert client.get("/systems/999999").status_code == 404
    assert client.get("/systems/999999/edit").status_code == 404
    assert post_form(client, "/systems/999999/archive").status_code == 404


def test_country_filter_honours_sub_processors_limited_to_systems(
    app, login, make_vendor, make_sub, make_system
):
    from riskreg.subprocessors.services import set_sub_processor_archived
    from riskreg.vendors.models import SubProcessor

    vendor_id = make_vendor("Kommunedata A/S")
    one = make_system("One", vendor_id)
    make_system("Two", vendor_id)
    make_sub(vendor_id, "India support", (("IN", LocationKind.SUPPORT),), system_ids=[one])
    archived = make_sub(vendor_id, "Old Chinese host", (("CN", LocationKind.PROCESSING),))
    with app.app_context():
        set_sub_processor_archived(db.session, db.session.get(SubProcessor, archived), True)
    client = login("reader")
    assert names_on(client, "?country=IN") == ["One"]
    assert names_on(client, "?country=DK") == ["One", "Two"]
    assert names_on(client, "?country=CN") == []


def test_sort_by_vendor_status_and_review(app, login, make_vendor, make_system):
    zulu, alpha = make_vendor("Zulu A/S"), make_vendor("Alpha A/S")
    later = dt.date.today() + dt.timedelta(days=90)
    soon = dt.date.today() + dt.timedelta(days=10)
    make_system("A", zulu, status=SystemStatus.RETIRED, next_review_on=soon)
    make_system("B", alpha, status=SystemStatus.APPROVED)
    make_system("C", zulu, status=SystemStatus.DRAFT, next_review_on=later)
    client = login("reader")
    assert names_on(client, "?sort=vendor") == ["B", "A", "C"]
    assert names_on(client, "?sort=-vendor") == ["A", "C", "B"]
    # In the order a case moves through (draft first), not alphabetically.
    assert names_on(client, "?sort=status") == ["C", "B", "A"]
    assert names_on(client, "?sort=review") == ["A", "C", "B"]
    assert names_on(client, "?sort=-review") == ["C", "A", "B"]


def test_system_page_shows_vendor_facts_and_agreements(app, login, make_vendor, make_system):
    from riskreg.agreements.services import create_agreement, set_agreement_archived
    from riskreg.enums import DpfStatus
    from riskreg.vendors.models import Vendor

    vendor_id = make_vendor(
        "Microsoft Ireland",
        locations=(("IE", LocationKind.PROCESSING),),
        country_code="IE",
        parent_name="Microsoft Corporation",
        parent_country_code="US",
        # The Irish entity is not on the DPF list (only a US entity can be active there).
        dpf_status=DpfStatus.NOT_LISTED,
    )
    system_id = make_system("Momentum AI", vendor_id)
    other_id = make_system("Other", vendor_id)
    with app.app_context():
        vendor = db.session.get(Vendor, vendor_id)
        for version, system in (("v-system", system_id), ("v-vendor", None), ("v-other", other_id)):
            create_agreement(db.session, vendor, {"agreement_version": version, "system_id": system})
        gone = create_agreement(db.session, vendor, {"agreement_version": "v-archived"})
        set_agreement_archived(db.session, gone, True)
        shown = {a.agreement_version: a.id for a in vendor.agreements}
    client = in_english(login("reader"))
    html = client.get(f"/systems/{system_id}").get_data(as_text=True)
    card = html[html.index('data-testid="vendor"') : html.index('data-testid="chain"')]
    assert f'/vendors/{vendor_id}"' in card
    assert "Microsoft Corporation (United States)" in card and "Ireland" in card
    assert "badge-not_listed" in card
    assert f'/agreements/{shown["v-system"]}"' in card and f'/agreements/{shown["v-vendor"]}"' in card
    assert "v-other" not in card and "v-archived" not in card
    assert f"/history/system/{system_id}" in html


def test_chain_marks_processing_and_support_countries(app, login, make_vendor, make_sub, make_system):
    vendor_id = make_vendor("SkoleTube", locations=(("DK", LocationKind.PROCESSING),))
    canva = make_sub(vendor_id, "Canva Pty Ltd", (("AU", LocationKind.PROCESSING),))
    make_sub(
        vendor_id,
        "Canva Manila",
        (("US", LocationKind.PROCESSING), ("IE", LocationKind.PROCESSING), ("PH", LocationKind.SUPPORT)),
        parent_id=canva,
    )
    system_id = make_system("Canva via SkoleTube", vendor_id)
    client = in_english(login("reader"))
    html = client.get(f"/systems/{system_id}").get_data(as_text=True)
    chain = html[html.index('data-testid="chain"') :]
    child = chain[chain.index("Canva Manila") :]
    child = child[: child.index("</li>")]
    processing = child[child.index("Processing countries:") : child.index("Support access from:")]
    assert "Ireland" in processing and "United States" in processing and "Philippines" not in processing
    assert "Philippines" in child[child.index("Support access from:") :]
    summary = html[html.index('data-testid="countries"') : html.index('data-testid="facts"')]
    assert "Philippines · third country · support only" in summary


def test_concurrent_edit_of_many_valued_fields_alone_is_refused(app, login, make_vendor, make_system):
    vendor_id = make_vendor()
    system_id = make_system("Elevplan", vendor_id)
    first, second = login("security"), login("dpo")
    base = form_data(vendor_id, name="Elevplan", journal_number="", purpose="", subject_volume="")
    base.pop("departments")
    data = {**base, "legal_bases": ["art6_c"], "data_subjects": [], "data_categories": [], "version": "1"}
    assert post_form(first, f"/systems/{system_id}/edit", data).status_code == 302
    response = post_form(second, f"/systems/{system_id}/edit", {**data, "legal_bases": ["art6_a"]})
    assert response.status_code == 409
    assert "legal_bases" in response.get_data(as_text=True)
    with app.app_context():
        assert [b.value for b in db.session.get(System, system_id).legal_bases] == ["art6_c"]


def test_parent_serving_another_system_is_shown_only_as_context(
    app, login, make_vendor, make_sub, make_system
):
    vendor_id = make_vendor("Kommunedata A/S")
    mine = make_system("Mine", vendor_id)
    theirs = make_system("Theirs", vendor_id)
    parent = make_sub(vendor_id, "China host", (("CN", LocationKind.PROCESSING),), system_ids=[theirs])
    make_sub(vendor_id, "Swiss backup", (("CH", LocationKind.PROCESSING),), parent_id=parent)
    client = in_english(login("reader"))
    html = client.get(f"/systems/{mine}").get_data(as_text=True)
    chain = html[html.index('data-testid="chain"') :]
    assert (
        chain.index("China host") < chain.index("Used only for these systems: Theirs") < chain.index("Swiss")
    )
    summary = html[html.index('data-testid="countries"') : html.index('data-testid="facts"')]
    assert "Switzerland" in summary and "China" not in summary
