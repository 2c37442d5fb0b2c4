"""The DPO fills a DPIA from suggestions and submits it; a steering member decides (real browser)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from flask import Flask

from riskreg.enums import DpiaState, LocationKind, RiskLevel, SystemStatus
from riskreg.extensions import db
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

SUBMIT = "main form[method=post] button[type=submit]"


def _log_in(page, live_server: str, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server + "/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click(SUBMIT)
    page.wait_for_url(live_server + "/")


@pytest.fixture
def school_tool(app: Flask) -> tuple[int, int]:
    """(system id, id of the first body): a Danish vendor, pupils' free text and an AI feature."""
    from riskreg.agreements.services import create_agreement
    from riskreg.bodies.services import create_body
    from riskreg.systems.services import create_system
    from riskreg.vendors.services import create_vendor

    with app.app_context():
        first = create_body(db.session, "Systemgodkendelsesgruppen", RiskLevel.MEDIUM)
        create_body(db.session, "Direktionen", RiskLevel.VERY_HIGH)
        vendor = create_vendor(
            db.session, {"name": "Elevnoter ApS", "country_code": "DK"}, [("DK", LocationKind.PROCESSING)]
        )
        # With a signed DPA: the suggestions are the facts of the system, not a missing agreement.
        create_agreement(
            db.session,
            vendor,
            {"signed_on": dt.date(2026, 1, 5), "template": "KL/KOMBIT fælles databehandleraftale"},
        )
        system = create_system(
            db.session,
            {
                "name": "Elevnoter",
                "vendor_id": vendor.id,
                "purpose": "Noter i undervisningen",
                "has_free_text": True,
                "has_ai": True,
                "ai_description": "Opsummering af noter",
            },
        )
        return system.id, first.id


def test_dpo_fills_a_dpia_from_suggestions_and_a_steering_member_approves_it(  # type: ignore[no-untyped-def]
    live_server, browser, page, make_user, app: Flask, school_tool: tuple[int, int]
):
    system_id, first_body = school_tool
    make_user("dpo", email="dpo@example.dk")
    make_user("steering", email="styregruppe@example.dk", approval_body_id=first_body)
    tab = f"{live_server}/systems/{system_id}/dpia"

    # The DPO starts the DPIA: the description comes from the register.
    _log_in(page, live_server, "dpo@example.dk")
    page.goto(tab)
    page.click("[data-testid=no-dpia] button[type=submit]")
    page.wait_for_url(re.compile(r".*/dpia$"))
    assert "Noter i undervisningen" in page.locator("[data-testid=section-description]").inner_text()

    # Two suggestions from the facts: free text is accepted with the DPO's scores, AI is dismissed.
    keys = {s.get_attribute("data-key") for s in page.locator("[data-testid=suggestion]").all()}
    assert keys == {"free_text", "ai"}
    free_text = page.locator("[data-testid=suggestion][data-key=free_text]")
    free_text.locator("select[name=inherent_likelihood]").select_option("1")
    free_text.locator("select[name=inherent_consequence]").select_option("3")
    free_text.locator("[data-testid=accept]").click()
    page.wait_for_load_state()
    ai = page.locator("[data-testid=suggestion][data-key=ai]")
    ai.locator("input[name=reason]").fill("AI-funktionen er slået fra hos kommunen")
    ai.locator("[data-testid=dismiss]").click()
    page.wait_for_load_state()
    assert page.locator("[data-testid=suggestion]").count() == 0
    risk = page.locator("[data-testid=risk]")
    assert risk.count() == 1
    assert risk.locator("[data-testid=inherent]").get_attribute("data-score") == "3"
    assert page.locator("[data-testid=dismissal][data-key=ai]").count() == 1

    # Submitted to the first body for its meeting.
    page.fill("#submit input[name=meeting_on]", "2026-12-03")
    page.click("#submit button[type=submit]")
    page.wait_for_load_state()
    assert "Systemgodkendelsesgruppen" in page.locator("[data-testid=before-body]").inner_text()

    # A steering member of that body records the approval.
    context = browser.new_context(locale="da-DK")
    try:
        steering = context.new_page()
        steering.set_default_timeout(10_000)
        _log_in(steering, live_server, "styregruppe@example.dk")
        steering.goto(tab)
        steering.click("[data-testid=record-decision]")
        steering.wait_for_url(re.compile(r".*/decision$"))
        assert steering.locator("input[name=meeting_on]").input_value() == "2026-12-03"
        steering.fill("input[name=case_number]", "85.15.02G01-20-26")
        steering.select_option("select[name=outcome]", "approved")
        steering.check("input[name=residual_accepted]")
        steering.fill("textarea[name=rationale]", "Lav restrisiko; ingen personoplysninger i fritekst.")
        steering.click("main form[method=post] button[type=submit]")
        steering.wait_for_url(re.compile(r".*/systems/\d+/dpia$"))
        assert steering.locator("[data-testid=status]").first.inner_text() == "Godkendt"
        assert steering.locator("[data-testid=decision]").count() == 1
    finally:
        context.close()

    with app.app_context():
        from riskreg.dpia.models import Dpia
        from riskreg.systems.models import System

        assert db.session.get(System, system_id).status == SystemStatus.APPROVED
        (dpia,) = db.session.query(Dpia).filter_by(system_id=system_id).all()
        assert dpia.state == DpiaState.DECIDED and dpia.decisions[0].body_id == first_body
