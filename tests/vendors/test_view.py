"""The vendor page: what a security consultant reads at a glance."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest

from riskreg.agreements.services import create_agreement
from riskreg.enums import LocationKind
from riskreg.extensions import db
from riskreg.subprocessors.services import create_sub_processor, set_sub_processor_archived
from riskreg.systems.services import create_system
from riskreg.vendors.models import SubProcessor, Vendor
from riskreg.vendors.services import add_audit_statement, add_supervision, sub_processor_tree
from tests.pages import in_english, text

TODAY = dt.date.today()
DAYS = dt.timedelta(days=1)


class SubProcessorTree(HTMLParser):
    """Read the nesting of sub-processor links: {name: depth in the chain lists}."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.in_link = False
        self.depths: dict[str, int] = {}

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        attributes = dict(attrs)
        if tag == "ul" and attributes.get("class") == "chain":
            self.depth += 1
        if tag == "a" and re.fullmatch(r"/subprocessors/\d+", attributes.get("href") or ""):
            self.in_link = True

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if tag == "ul" and self.depth:
            self.depth -= 1
        if tag == "a":
            self.in_link = False

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if self.in_link and data.strip():
            self.depths[data.strip()] = self.depth


@pytest.fixture
def microsoft(app, make_vendor) -> dict[str, int]:
    vendor_id = make_vendor(
        "Microsoft Ireland Operations Ltd",
        org_number="IE8256796U",
        country_code="IE",
        parent_name="Microsoft Corporation",
        parent_country_code="US",
        website="https://www.microsoft.com",
        contact="privacy@microsoft.example",
        transfer_mechanism="scc",
        tia_on=dt.date(2026, 3, 1),
        # The Irish entity is not on the DPF list: the entry "Microsoft Corporation" belongs to the US parent.
        dpf_status="not_listed",
        dpf_listed_name="",
        dpf_checked_on=TODAY - 10 * DAYS,
        locations=[("IE", "processing"), ("NL", "processing"), ("US", "support"), ("IN", "support")],
    )
    with app.app_context():
        vendor = db.session.get(Vendor, vendor_id)

        def sp(name: str, country: str, locations, parent: int | None = None, **values) -> int:  # type: ignore[no-untyped-def]
            return create_sub_processor(
                db.session,
                vendor,
                {"name": name, "country_code": country, "parent_id": parent, **values},
                [(code, LocationKind(kind)) for code, kind in locations],
            ).id

        azure = sp("Microsoft Azure", "US", [("US", "processing"), ("NL", "processing")])
        openai = sp("OpenAI", "US", [("US", "processing")], parent=azure, service="Language models")
        support = sp("Support Partner Manila", "PH", [("PH", "support")], parent=openai)
        linkedin = sp("LinkedIn", "IE", [("IE", "processing")])
        gone = sp("Old Datacenter", "SG", [("SG", "processing")])
        set_sub_processor_archived(db.session, db.session.get(SubProcessor, gone), True)
        momentum = create_system(db.session, {"name": "Momentum AI assistant", "vendor_id": vendor_id})
        dpa = create_agreement(
            db.session,
            vendor,
            {"system_id": momentum.id, "agreement_version": "v3.1", "signed_on": dt.date(2026, 1, 5)},
        )
        return {
            "vendor": vendor_id,
            "azure": azure,
            "openai": openai,
            "support": support,
            "linkedin": linkedin,
            "gone": gone,
            "momentum": momentum.id,
            "dpa": dpa.id,
        }


def test_page_shows_the_facts(login, microsoft):
    page = text(in_english(login("reader")).get(f"/vendors/{microsoft['vendor']}"))
    for fact in (
        "IE8256796U",
        "Microsoft Corporation",
        "privacy@microsoft.example",
        "Data Privacy Framework",
        '<a href="https://www.microsoft.com" rel="noopener noreferrer">',
        '<dd data-testid="vendor-country">Ireland</dd>',
        '<dd data-testid="parent-country">United States</dd>',
        '<span class="badge badge-not_listed" data-testid="dpf-status">Not listed</span>',
    ):
        assert fact in page
    assert f"/history/vendor/{microsoft['vendor']}" in page


def test_page_shows_processing_and_support_countries_in_the_users_language(login, microsoft):
    english = text(in_english(login("reader")).get(f"/vendors/{microsoft['vendor']}"))
    assert '<dd data-testid="processing-countries">Ireland, Netherlands</dd>' in english
    assert '<dd data-testid="support-countries">India, United States</dd>' in english
    danish = text(login("reader").get(f"/vendors/{microsoft['vendor']}"))
    assert '<dd data-testid="processing-countries">Irland, Nederlandene</dd>' in danish
    assert '<dd data-testid="support-countries">Indien, USA</dd>' in danish


def test_page_shows_the_sub_processor_tree_following_parent_links(login, microsoft):
    response = in_english(login("reader")).get(f"/vendors/{microsoft['vendor']}")
    tree = SubProcessorTree()
    tree.feed(response.get_data(as_text=True))
    assert tree.depths == {
        "LinkedIn": 1,
        "Microsoft Azure": 1,
        "OpenAI": 2,
        "Support Partner Manila": 3,
    }  # the archived one is left out
    page = text(response)
    for key in ("azure", "openai", "support", "linkedin"):
        assert f'href="/subprocessors/{microsoft[key]}"' in page
    assert "Processing: Netherlands, United States" in page
    assert "Support access from: Philippines" in page
    assert "Language models" in page


def test_page_links_dpas_and_systems(login, microsoft):
    page = text(in_english(login("security")).get(f"/vendors/{microsoft['vendor']}"))
    assert f'<a href="/agreements/{microsoft["dpa"]}">v3.1</a>' in page
    assert f'<a href="/systems/{microsoft["momentum"]}">Momentum AI assistant</a>' in page
    assert f'href="/agreements/new/{microsoft["vendor"]}"' in page
    assert f'href="/subprocessors/new/{microsoft["vendor"]}"' in page


@pytest.mark.parametrize(
    ("status", "checked_days_ago", "stale"),
    [
        ("active", 91, True),
        ("active", None, True),
        ("active", 90, False),
        ("active", 5, False),
        ("inactive", 400, False),
        ("not_listed", None, False),
    ],
)
def test_dpf_check_older_than_90_days_is_highlighted(login, make_vendor, status, checked_days_ago, stale):
    checked = None if checked_days_ago is None else TODAY - checked_days_ago * DAYS
    vendor_id = make_vendor(
        "Zoom", country_code="US", dpf_status=status, dpf_checked_on=checked, locations=()
    )
    page = text(in_english(login("reader")).get(f"/vendors/{vendor_id}"))
    assert ('data-testid="dpf-stale"' in page) is stale
    assert ("older than 90 days" in page) is stale


def test_old_audit_statements_and_overdue_supervision_are_highlighted(app, login, make_vendor):
    vendor_id = make_vendor("Netcompany A/S", locations=())
    with app.app_context():
        vendor = db.session.get(Vendor, vendor_id)
        add_audit_statement(
            db.session,
            vendor,
            {"type": "isae3402_t2", "received_on": TODAY - 400 * DAYS, "remarks": "Old one"},
        )
        add_audit_statement(
            db.session,
            vendor,
            {
                "type": "isae3000",
                "period_start": TODAY - 300 * DAYS,
                "period_end": TODAY - 30 * DAYS,
                "received_on": TODAY - 20 * DAYS,
                "remarks": "Fresh one",
            },
        )
        add_supervision(
            db.session,
            vendor,
            {"method": "questionnaire", "last_on": TODAY - 400 * DAYS, "next_on": TODAY - 35 * DAYS},
        )
        add_supervision(db.session, vendor, {"method": "inspection", "next_on": TODAY + 35 * DAYS})
    page = text(in_english(login("reader")).get(f"/vendors/{vendor_id}"))
    statements = page[page.index('data-testid="statements"') : page.index('data-testid="supervision"')]
    rows = statements.split("<tr>")[2:]
    assert "ISAE 3000" in rows[0] and "Fresh one" in rows[0] and "overdue" not in rows[0]
    assert (
        "ISAE 3402 type 2" in rows[1] and "older than 12 months" in rows[1] and 'class="overdue"' in rows[1]
    )
    supervision = page[page.index('data-testid="supervision"') : page.index("Sub-processors</h2>")]
    rows = supervision.split("<tr>")[2:]
    assert "Written questionnaire" in rows[0] and "(overdue)" in rows[0]
    assert "Inspection" in rows[1] and "overdue" not in rows[1]
    assert "every 12 months" in rows[1]


def test_empty_vendor_page_says_what_is_missing(login, make_vendor):
    page = text(in_english(login("reader")).get(f"/vendors/{make_vendor('Bare', locations=())}"))
    for message in (
        "No audit statements received.",
        "No supervision planned.",
        "No sub-processors recorded.",
        "No data processing agreement recorded.",
        "No system uses this vendor.",
    ):
        assert message in page


def test_script_urls_in_website_are_not_links(login, make_vendor):
    vendor_id = make_vendor("Evil", website="javascript:alert(1)", locations=())
    page = login("reader").get(f"/vendors/{vendor_id}").get_data(as_text=True)
    assert 'href="javascript' not in page


def test_tree_survives_a_loop_in_parent_links():
    # The sub-processor services refuse loops; the page must still not hang on data that has one.
    a = SubProcessor(id=1, name="A", parent_id=2, is_archived=False)
    b = SubProcessor(id=2, name="B", parent_id=1, is_archived=False)
    c = SubProcessor(id=3, name="C", parent_id=None, is_archived=False)
    tree = sub_processor_tree([a, b, c])
    assert [n.sub_processor.name for n in tree] == ["C", "A"]
    assert [n.sub_processor.name for n in tree[1].children] == ["B"]
    assert tree[1].children[0].children == []
