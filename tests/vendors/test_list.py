"""The vendor list: search, filters, sort, pagination, and no query per row."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import event

from riskreg.extensions import db
from riskreg.systems.services import create_system
from tests.pages import in_english, text

TODAY = dt.date.today()


def ids(response) -> list[int]:  # type: ignore[no-untyped-def]
    """Vendor ids in the order the list shows them."""
    assert response.status_code == 200
    return [int(i) for i in re.findall(r'href="/vendors/(\d+)"', response.get_data(as_text=True))]


@pytest.fixture
def register(app, make_vendor) -> dict[str, int]:
    vendors = {
        "microsoft": make_vendor(
            "Microsoft Ireland Operations Ltd",
            org_number="IE 8256796 U",
            country_code="IE",
            parent_name="Microsoft Corporation",
            parent_country_code="US",
            # Not on the DPF list itself: the entry "Microsoft Corporation" is the US parent's.
            dpf_status="not_listed",
            dpf_listed_name="Microsoft Corporation",
            dpf_checked_on=TODAY - dt.timedelta(days=10),
            locations=[("IE", "processing"), ("NL", "processing"), ("US", "support"), ("IN", "support")],
        ),
        "bytedance": make_vendor(
            "ByteDance Pte. Ltd.",
            country_code="SG",
            parent_name="ByteDance Ltd.",
            parent_country_code="CN",
            dpf_status="not_listed",
            locations=[("SG", "processing"), ("US", "processing")],
        ),
        "netcompany": make_vendor(
            "Netcompany A/S",
            org_number="DK14934112",
            country_code="DK",
            dpf_status="not_listed",
            locations=[("DK", "processing")],
        ),
        "zoom": make_vendor(
            "Zoom Video Communications",
            country_code="US",
            dpf_status="active",
            dpf_checked_on=TODAY - dt.timedelta(days=200),
            locations=[("US", "processing")],
        ),
    }
    with app.app_context():
        from riskreg.vendors.models import Vendor

        for name, count in (("netcompany", 3), ("microsoft", 1)):
            for n in range(count):
                create_system(db.session, {"name": f"{name} system {n}", "vendor_id": vendors[name]})
        archived = make_vendor("Old Hosting ApS", country_code="DK", locations=[("DK", "processing")])
        db.session.get(Vendor, archived).is_archived = True
        db.session.commit()
    vendors["archived"] = archived
    return vendors


@pytest.fixture
def reader(login):  # type: ignore[no-untyped-def]
    return in_english(login("reader"))


def test_list_shows_live_vendors_by_name(reader, register):
    r = register
    assert ids(reader.get("/vendors/")) == [r["bytedance"], r["microsoft"], r["netcompany"], r["zoom"]]


def test_list_shows_the_facts_of_each_vendor(reader, register):
    page = text(reader.get("/vendors/"))
    assert "IE8256796U" in page
    assert "Microsoft Corporation (United States)" in page
    assert "<td>Ireland, Netherlands</td>" in page  # processing only; support access is on the vendor page


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("microsoft", ["microsoft"]),
        ("BYTEDANCE", ["bytedance"]),
        ("Ltd.", ["bytedance"]),  # parent name
        ("corporation", ["microsoft"]),  # parent and DPF listed name
        ("ie8256796u", ["microsoft"]),  # org number, any case
        ("14934112", ["netcompany"]),
        ("dk 1493 4112", ["netcompany"]),  # spaces as people type them
        ("%", []),  # LIKE wildcards are literal
        ("_", []),
        ("nobody", []),
    ],
)
def test_search(reader, register, q, expected):
    assert ids(reader.get("/vendors/", query_string={"q": q})) == [register[k] for k in expected]


@pytest.mark.parametrize(
    ("dpf", "expected"),
    [
        ("active", ["zoom"]),
        ("inactive", []),
        ("not_listed", ["bytedance", "microsoft", "netcompany"]),
    ],
)
def test_filter_by_dpf_status(reader, register, dpf, expected):
    assert ids(reader.get("/vendors/", query_string={"dpf": dpf})) == [register[k] for k in expected]


def test_unknown_filter_values_are_ignored(reader, register):
    assert len(ids(reader.get("/vendors/", query_string={"dpf": "x' OR 1=1", "sort": "password"}))) == 4


@pytest.mark.parametrize(
    ("country", "expected"),
    [
        ("US", ["bytedance", "zoom"]),  # processing in the US, or contracting entity there
        ("IE", ["microsoft"]),
        ("NL", ["microsoft"]),  # processing country only
        ("IN", []),  # support access only: not a processing country
        ("CN", []),  # parent country only
        ("DK", ["netcompany"]),
    ],
)
def test_filter_by_country(reader, register, country, expected):
    assert ids(reader.get("/vendors/", query_string={"country": country})) == [register[k] for k in expected]


def test_archived_vendors_only_on_request(reader, register):
    assert register["archived"] not in ids(reader.get("/vendors/"))
    shown = ids(reader.get("/vendors/", query_string={"archived": "1"}))
    assert register["archived"] in shown
    assert len(shown) == 5
    assert "Archived" in text(reader.get("/vendors/", query_string={"archived": "1", "q": "Old"}))


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["bytedance", "microsoft", "netcompany", "zoom"]),
        ("-name", ["zoom", "netcompany", "microsoft", "bytedance"]),
        # English names: Denmark, Ireland, Singapore, United States
        ("country", ["netcompany", "microsoft", "bytedance", "zoom"]),
        ("-country", ["zoom", "bytedance", "microsoft", "netcompany"]),
        ("dpf", ["zoom", "bytedance", "microsoft", "netcompany"]),
        # Never checked comes last either way.
        ("dpf_checked", ["zoom", "microsoft", "bytedance", "netcompany"]),
        ("-dpf_checked", ["microsoft", "zoom", "bytedance", "netcompany"]),
        ("-systems", ["netcompany", "microsoft", "bytedance", "zoom"]),
        ("systems", ["bytedance", "zoom", "microsoft", "netcompany"]),
    ],
)
def test_sort(reader, register, sort, expected):
    assert ids(reader.get("/vendors/", query_string={"sort": sort})) == [register[k] for k in expected]


def test_sort_by_country_follows_the_language(login, make_vendor):
    german = make_vendor("SAP SE", country_code="DE", locations=())
    swedish = make_vendor("Visma Sverige AB", country_code="SE", locations=())
    # Germany < Sweden in English, but Sverige < Tyskland in Danish.
    assert ids(in_english(login("reader")).get("/vendors/?sort=country")) == [german, swedish]
    assert ids(login("reader").get("/vendors/?sort=country")) == [swedish, german]


def test_systems_count_is_shown(reader, register):
    page = reader.get("/vendors/", query_string={"q": "Netcompany"}).get_data(as_text=True)
    assert "<td>3</td>" in page


def test_pagination(app, reader, register):
    app.config["PER_PAGE"] = 3
    first = ids(reader.get("/vendors/"))
    second = ids(reader.get("/vendors/", query_string={"page": 2}))
    assert first == [register["bytedance"], register["microsoft"], register["netcompany"]]
    assert second == [register["zoom"]]
    assert "Page 1 of 2" in text(reader.get("/vendors/"))
    assert ids(reader.get("/vendors/", query_string={"page": 9})) == []


def test_list_needs_the_same_number_of_queries_for_many_vendors(app, reader, make_vendor):
    def queries_for_list() -> int:
        count = 0

        def count_query(*args):  # type: ignore[no-untyped-def]
            nonlocal count
            count += 1

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", count_query)
        try:
            assert reader.get("/vendors/").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", count_query)
        return count

    make_vendor(
        "One",
        country_code="DK",
        parent_country_code="US",
        locations=[("DK", "processing"), ("SE", "processing"), ("US", "support")],
    )
    few = queries_for_list()
    for n in range(8):
        make_vendor(
            f"Vendor {n}",
            country_code="IE",
            parent_country_code="US",
            locations=[("IE", "processing"), ("DE", "processing")],
        )
    assert queries_for_list() == few
