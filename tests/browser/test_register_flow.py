"""The security consultant's first session, in a real browser (Debian's Chromium)."""

from __future__ import annotations

import re

import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

SUBMIT = "main form[method=post] button[type=submit]"


def test_register_a_vendor_system_and_sub_processor_then_find_it(live_server, page, make_user):
    make_user("security", email="konsulent@example.dk")
    page.goto(live_server + "/login")
    page.fill("input[name=email]", "konsulent@example.dk")
    page.fill("input[name=password]", PASSWORD)
    page.click(SUBMIT)
    page.wait_for_url(live_server + "/")

    # A vendor.
    page.goto(live_server + "/vendors/new")
    page.fill("input[name=name]", "Nordisk Skoleportal ApS")
    page.select_option("select[name=country_code]", "DK")
    page.click(SUBMIT)
    page.wait_for_url(re.compile(r".*/vendors/\d+$"))
    vendor_id = int(page.url.rsplit("/", 1)[1])

    # A system of that vendor.
    page.goto(live_server + "/systems/new")
    page.fill("input[name=name]", "Elevportfolio")
    page.select_option("select[name=vendor_id]", str(vendor_id))
    page.fill("input[name=departments]", "Børne- og Ungeforvaltningen")
    page.check("input[name=data_subjects][value=children]")
    page.click(SUBMIT)
    page.wait_for_url(re.compile(r".*/systems/\d+$"))

    # A sub-processor processing in two countries.
    page.goto(live_server + f"/subprocessors/new/{vendor_id}")
    page.fill("input[name=name]", "Cloud Hosting Ltd")
    page.select_option("select[name=processing_countries]", ["IE", "US"])
    page.click(SUBMIT)
    page.wait_for_url(re.compile(r".*/subprocessors/\d+$"))

    # Found through the register's search, and its page shows both countries.
    page.goto(live_server + "/systems/")
    page.fill("input[name=q]", "portfolio")
    page.click("form[role=search] button[type=submit]")
    page.click("text=Elevportfolio")
    page.wait_for_url(re.compile(r".*/systems/\d+$"))
    countries = page.locator("[data-testid=countries]")
    assert "Irland" in countries.inner_text()
    assert "USA" in countries.inner_text()
    assert "Cloud Hosting Ltd" in page.locator("[data-testid=chain]").inner_text()

    # English, and it sticks.
    page.click("[data-testid=lang-en]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Ireland" in page.locator("[data-testid=countries]").inner_text()
    page.goto(live_server + "/systems/")
    assert page.locator("html").get_attribute("lang") == "en"
