"""System services: domain rules, departments, the chain tree and the official list in force."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from riskreg.enums import AiActClass, CountryStatus, DataCategory, DataSubject, LegalBasis, SystemStatus
from riskreg.errors import DomainError
from riskreg.extensions import db
from riskreg.systems import chain, services, system_page
from riskreg.systems.models import Department, System
from riskreg.vendors.models import Vendor


def test_create_stores_many_valued_fields_and_reuses_departments(app, make_vendor):
    vendor_id = make_vendor()
    with app.app_context():
        db.session.add(Department(name="Skoler"))
        db.session.commit()
        system = services.create_system(
            db.session,
            {
                "name": "  Momentum   AI ",
                "vendor_id": vendor_id,
                "has_ai": True,
                "ai_description": "Drafts texts",
                "ai_output_in_decisions": True,
                "ai_act_class": "high_risk",
                "ai_annex_iii_area": "Access to public benefits",
                "status": "in_assessment",
            },
            departments=["skoler", " Jobcenter ", "JOBCENTER", ""],
            data_subjects=[DataSubject.CITIZENS, DataSubject.CITIZENS],
            data_categories=[DataCategory.CPR],
            legal_bases=[LegalBasis.ART6_E, LegalBasis.NATIONAL_LAW],
        )
        db.session.expire_all()
        system = db.session.get(System, system.id)
        assert system.name == "Momentum AI"
        assert system.status is SystemStatus.IN_ASSESSMENT
        assert system.ai_act_class is AiActClass.HIGH_RISK
        assert [d.name for d in system.departments] == ["Jobcenter", "Skoler"]
        assert db.session.scalar(select(func.count()).select_from(Department)) == 2
        assert list(system.data_subjects) == [DataSubject.CITIZENS]
        assert set(system.legal_bases) == {LegalBasis.ART6_E, LegalBasis.NATIONAL_LAW}


def test_ai_fields_are_cleared_when_the_system_has_no_ai(app, make_vendor, make_system):
    vendor_id = make_vendor()
    system_id = make_system(
        "Momentum",
        vendor_id,
        has_ai=True,
        ai_description="Drafts texts",
        ai_output_in_decisions=True,
        ai_act_class=AiActClass.MINIMAL,
    )
    with app.app_context():
        system = db.session.get(System, system_id)
        services.update_system(
            db.session,
            system,
            {"has_ai": False, "ai_description": "left over", "ai_act_class": AiActClass.HIGH_RISK},
            departments=[],
            data_subjects=[],
            data_categories=[],
            legal_bases=[],
        )
        db.session.expire_all()
        system = db.session.get(System, system_id)
        assert (system.ai_description, system.ai_output_in_decisions, system.ai_act_class) == (
            "",
            False,
            AiActClass.NONE,
        )


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"name": " "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"vendor_id": 999999}, "vendor_id"),
        ({"vendor_id": None}, "vendor_id"),
        ({"next_review_on": dt.date.today() - dt.timedelta(days=1)}, "next_review_on"),
        ({"journal_number": "8" * 61}, "journal_number"),
        (
            {"has_ai": True, "ai_act_class": AiActClass.HIGH_RISK, "ai_annex_iii_area": "  "},
            "ai_annex_iii_area",
        ),
        ({"status": "approved-ish"}, "status"),
        ({"purpose": "x" * 4001}, "purpose"),
        ({"colour": "red"}, None),
    ],
)
def test_create_refuses_bad_values(app, make_vendor, values, field):
    vendor_id = make_vendor()
    with app.app_context():
        with pytest.raises(DomainError) as caught:
            services.create_system(db.session, {"name": "Elevplan", "vendor_id": vendor_id, **values})
        assert caught.value.field == field
        assert caught.value.message
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(System)) == 0


def test_review_date_today_and_journal_number_of_60_are_accepted(app, make_vendor):
    vendor_id = make_vendor()
    with app.app_context():
        system = services.create_system(
            db.session,
            {
                "name": "Elevplan",
                "vendor_id": vendor_id,
                "next_review_on": dt.date.today(),
                "journal_number": "85.15.02G01-11-26".ljust(60, "x"),
            },
        )
        assert system.next_review_on == dt.date.today()


def test_overlong_department_is_refused(app, make_vendor):
    vendor_id = make_vendor()
    with app.app_context():
        with pytest.raises(DomainError) as caught:
            services.create_system(
                db.session, {"name": "Elevplan", "vendor_id": vendor_id}, departments=["d" * 121]
            )
        assert caught.value.field == "departments"


def test_review_date_is_checked_against_the_creation_date_on_update(app, make_vendor, make_system):
    vendor_id = make_vendor()
    system_id = make_system("Elevplan", vendor_id)
    with app.app_context():
        system = db.session.get(System, system_id)
        system.created_at = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(days=30)
        db.session.commit()
        ten_days_ago = dt.date.today() - dt.timedelta(days=10)
        many = {"departments": [], "data_subjects": [], "data_categories": [], "legal_bases": []}
        services.update_system(db.session, system, {"next_review_on": ten_days_ago}, **many)
        assert system.next_review_on == ten_days_ago
        with pytest.raises(DomainError) as caught:
            services.update_system(
                db.session, system, {"next_review_on": dt.date.today() - dt.timedelta(days=31)}, **many
            )
        assert caught.value.field == "next_review_on"


def test_a_system_keeps_its_archived_vendor_but_no_new_one_goes_there(app, make_vendor, make_system):
    from riskreg.vendors.services import set_vendor_archived

    old = make_vendor("Old A/S")
    other = make_vendor("Other A/S")
    system_id = make_system("Elevplan", old)
    with app.app_context():
        set_vendor_archived(db.session, db.session.get(Vendor, other), True)
        set_vendor_archived(db.session, db.session.get(Vendor, old), True)
        system = db.session.get(System, system_id)
        many = {"departments": [], "data_subjects": [], "data_categories": [], "legal_bases": []}
        services.update_system(db.session, system, {"name": "Elevplan 2", "vendor_id": old}, **many)
        with pytest.raises(DomainError) as caught:
            services.update_system(db.session, system, {"vendor_id": other}, **many)
        assert caught.value.field == "vendor_id"


# --- the chain tree (pure) ----------------------------------------------------------------------------------


def sp(id, name, parent_id=None, systems=(), archived=False):  # noqa: A002
    return SimpleNamespace(
        id=id,
        name=name,
        parent_id=parent_id,
        is_archived=archived,
        systems=[SimpleNamespace(id=s) for s in systems],
    )


def shape(nodes):
    return [(n.sub_processor.name, n.applies, shape(n.children)) for n in nodes]


def test_chain_follows_parent_links_sorted_by_name():
    rows = [sp(3, "c-child", 1), sp(1, "Beta"), sp(2, "alpha"), sp(4, "grandchild", 3)]
    assert shape(chain.build_chain(10, rows)) == [
        ("alpha", True, []),
        ("Beta", True, [("c-child", True, [("grandchild", True, [])])]),
    ]


def test_chain_keeps_only_sub_processors_serving_the_system():
    rows = [sp(1, "For all"), sp(2, "Only system 10", systems=[10]), sp(3, "Only system 11", systems=[11])]
    assert [n.sub_processor.name for n in chain.build_chain(10, rows)] == ["For all", "Only system 10"]


def test_chain_keeps_a_parent_for_context_when_only_a_child_serves_the_system():
    rows = [sp(1, "Parent", systems=[11]), sp(2, "Child", parent_id=1), sp(3, "Other child", 1, systems=[11])]
    assert shape(chain.build_chain(10, rows)) == [("Parent", False, [("Child", True, [])])]


def test_chain_lifts_children_of_archived_parents_and_survives_loops():
    rows = [sp(1, "Gone", archived=True), sp(2, "Orphan", parent_id=1), sp(3, "A", 4), sp(4, "B", 3)]
    tree = chain.build_chain(10, rows)
    assert [n.sub_processor.name for n in tree] == ["Orphan", "A"]
    assert shape(tree[1:]) == [("A", True, [("B", True, [])])]
    assert [n.sub_processor.name for n in chain.walk(tree)] == ["Orphan", "A", "B"]


# --- the official list in force -----------------------------------------------------------------------------


def test_official_statuses_use_the_version_in_force(app):
    from riskreg.countries.services import create_list_version, official_list

    with app.app_context():
        today = system_page.official_statuses(db.session, dt.date.today())
        assert today["DK"] is CountryStatus.EU
        assert today["US"] is CountryStatus.PARTIAL
        assert system_page.official_statuses(db.session, dt.date(1990, 1, 1)) == {}
        tomorrow = dt.date.today() + dt.timedelta(days=1)
        create_list_version(
            db.session, official_list(db.session), tomorrow, "DPF invalidated", {"DK": ("eu", "", None, "")}
        )
        assert system_page.official_statuses(db.session, dt.date.today())["US"] is CountryStatus.PARTIAL
        assert system_page.official_statuses(db.session, tomorrow) == {"DK": CountryStatus.EU}
