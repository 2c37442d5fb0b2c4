"""A steering member of Direktionen postpones the item "Afviste it-systemer" for its three systems at once."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from riskreg.dpia.models import Dpia
from riskreg.enums import DecisionOutcome, DpiaState
from riskreg.extensions import db
from tests.browser.test_dpia_flow import SUBMIT, _log_in
from tests.dpia.agenda_helpers import (
    BOARD_MEETING,
    JOURNAL_NUMBER,
    POSTPONED_TO,
    SYSTEMS,
    before_the_board,
    board_item,
    make_chain,
)

pytestmark = pytest.mark.browser

RATIONALE = "Direktionen udsætter punktet til mødet den 17. juni 2026."


def test_a_board_member_records_the_items_decision_for_all_three_systems(  # type: ignore[no-untyped-def]
    live_server, page, make_user, app: Flask
):
    chain = make_chain(app)
    ids = before_the_board(app, chain)
    board_item(app, chain, ids)
    make_user("steering", email="direktionen@example.dk", approval_body_id=chain.final)
    meeting = f"{live_server}/agenda/{chain.final}/{BOARD_MEETING.isoformat()}"

    # The agenda of Direktionen's meeting, from the list of meetings.
    _log_in(page, live_server, "direktionen@example.dk")
    page.goto(f"{live_server}/agenda/")
    page.click(f"a[href='/agenda/{chain.final}/{BOARD_MEETING.isoformat()}']")
    page.wait_for_url(meeting)
    item = page.locator("[data-testid=item]")
    assert item.locator("h2").inner_text() == "1. Afviste it-systemer"
    assert item.locator("[data-testid=journal-number]").inner_text() == JOURNAL_NUMBER
    assert item.locator("[data-testid=item-case]").count() == 3
    assert item.locator("[data-testid=item-open]").count() == 1

    # One decision for the item: postponed to the meeting of 17 June 2026.
    item.locator("[data-testid=item-decide]").click()
    page.wait_for_url(re.compile(r".*/agenda/items/\d+/decision$"))
    assert page.locator("[data-testid=item-cases] [data-testid=item-case]").count() == 3
    page.select_option("select[name=outcome]", "postponed")
    page.fill("input[name=next_meeting_on]", POSTPONED_TO.isoformat())
    page.fill("textarea[name=rationale]", RATIONALE)
    page.click(SUBMIT)
    page.wait_for_url(meeting)

    # The minutes show the item's decision once; the three systems are now before the meeting of 17 June.
    decision = page.locator("[data-testid=item] [data-testid=item-decision]")
    assert decision.locator(".badge-outcome-postponed").inner_text() == "Udsat"
    assert RATIONALE in decision.inner_text()
    assert "17" in decision.inner_text() and "2026" in decision.inner_text()
    assert page.locator("[data-testid=item-decide]").count() == 0
    page.goto(f"{live_server}/agenda/{chain.final}/{POSTPONED_TO.isoformat()}")
    names = sorted(h.inner_text().split(". ", 1)[1] for h in page.locator("[data-testid=case] h2").all())
    assert names == sorted(n for n, _ in SYSTEMS)

    with app.app_context():
        for dpia_id in ids:
            dpia = db.session.get(Dpia, dpia_id)
            assert (dpia.state, dpia.meeting_on) == (DpiaState.IN_REVIEW, POSTPONED_TO)
            assert dpia.decisions[-1].outcome == DecisionOutcome.POSTPONED
            assert dpia.decisions[-1].case_number == JOURNAL_NUMBER
