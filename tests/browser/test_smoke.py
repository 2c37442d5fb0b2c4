"""Log in through the real page and switch the language (Danish by default)."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_login_and_switch_language(live_server, page, make_user):
    make_user("security", email="sikkerhed@example.dk")
    page.goto(live_server + "/")
    assert "/login" in page.url
    page.fill("input[name=email]", "sikkerhed@example.dk")
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit] >> nth=-1")
    page.wait_for_url(live_server + "/")
    assert page.locator("html").get_attribute("lang") == "da"
    page.click("[data-testid=lang-en]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    # The choice sticks across pages.
    page.goto(live_server + "/account")
    assert page.locator("html").get_attribute("lang") == "en"
