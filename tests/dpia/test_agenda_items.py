"""Agenda items: several cases under one journal number, one decision recorded for each, all or nothing."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from riskreg.auth.models import User
from riskreg.bodies.models import ApprovalBody
from riskreg.dpia import agenda_items
from riskreg.dpia.models import AgendaItem, Decision, Dpia
from riskreg.enums import DecisionOutcome, DpiaState, SystemStatus
from riskreg.errors import DomainError
from riskreg.extensions import db
from tests.conftest import post_form
from tests.dpia.agenda_helpers import (
    BOARD_MEETING,
    JOURNAL_NUMBER,
    POSTPONED_TO,
    SYSTEMS,
    before_the_board,
    board_item,
)
from tests.dpia.decision_helpers import MEETING, new_system, start, submit_case
from tests.dpia.test_agenda import cases
from tests.factories import Chain

POSTPONE = {
    "outcome": "postponed",
    "next_meeting_on": POSTPONED_TO,
    "rationale": "Direktionen udsætter punktet til mødet den 17. juni 2026.",
}


def decisions_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Decision)) or 0


def test_the_item_decision_is_recorded_for_all_three_cases(
    app: Flask, chain: Chain, make_user: Callable[..., int]
) -> None:
    ids = before_the_board(app, chain)
    item_id = board_item(app, chain, ids)
    member = make_user("steering", approval_body_id=chain.final)
    with app.app_context():
        item = db.session.get(AgendaItem, item_id)
        before = decisions_count()

        recorded = agenda_items.record_item_decision(
            db.session, item, POSTPONE, db.session.get(User, member), "da"
        )

        assert len(recorded) == 3 and decisions_count() == before + 3
        for dpia_id in ids:
            dpia = db.session.get(Dpia, dpia_id)
            (decision,) = [d for d in dpia.decisions if d.body_id == chain.final]
            assert decision.outcome == DecisionOutcome.POSTPONED
            assert (decision.meeting_on, decision.next_meeting_on) == (BOARD_MEETING, POSTPONED_TO)
            assert decision.case_number == JOURNAL_NUMBER
            assert decision.rationale == POSTPONE["rationale"]
            # Still before Direktionen, now at the meeting it was postponed to.
            assert (dpia.state, dpia.body_id, dpia.meeting_on) == (
                DpiaState.IN_REVIEW,
                chain.final,
                POSTPONED_TO,
            )
            assert dpia.system.status == SystemStatus.POSTPONED
        # Nothing left open on the item; the minutes show one decision for the item.
        assert agenda_items.open_cases(item) == []
        (entry,) = agenda_items.entries(agenda_items.items_of(db.session, chain.final, BOARD_MEETING))
        assert entry.decision is not None and entry.decision.outcome == DecisionOutcome.POSTPONED
        assert [len(c.earlier) for c in entry.cases] == [2, 2, 2]  # both earlier bodies
        with pytest.raises(DomainError):  # nothing open any more
            agenda_items.record_item_decision(db.session, item, POSTPONE, db.session.get(User, member), "da")


def test_one_case_refused_means_nothing_is_recorded_and_the_message_names_it(
    app: Flask, chain: Chain, make_user: Callable[..., int]
) -> None:
    # Before the first body (ceiling medium): two low cases and one high, which it may not approve.
    ids = []
    for name, level in (("Bogføring", "low"), ("Lønsystem", "high"), ("Kalender", "low")):
        ids.append(start(app, new_system(app, name)))
        submit_case(app, ids[-1], level)
    dpo = make_user("dpo")
    with app.app_context():
        body = db.session.get(ApprovalBody, chain.first)
        item = agenda_items.create_item(db.session, body, MEETING, {"title": "Nye systemer", "dpia_ids": ids})
        before = decisions_count()

        with pytest.raises(DomainError) as refused:
            agenda_items.record_item_decision(
                db.session,
                item,
                {"outcome": "approved", "residual_accepted": True},
                db.session.get(User, dpo),
                "en",
            )

        assert refused.value.message.startswith("Lønsystem: ")
        assert refused.value.field == "outcome"
        assert decisions_count() == before
        for dpia_id in ids:
            assert db.session.get(Dpia, dpia_id).state == DpiaState.IN_REVIEW


def test_a_steering_member_records_only_their_own_bodys_items(
    app: Flask, chain: Chain, make_user: Callable[..., int]
) -> None:
    ids = before_the_board(app, chain)
    item_id = board_item(app, chain, ids)
    other = make_user("steering", approval_body_id=chain.second)
    with app.app_context():
        item = db.session.get(AgendaItem, item_id)
        before = decisions_count()
        with pytest.raises(DomainError, match="eget organ"):
            agenda_items.record_item_decision(db.session, item, POSTPONE, db.session.get(User, other), "da")
        assert decisions_count() == before


def test_only_cases_before_the_body_at_the_meeting_and_on_no_other_item(app: Flask, chain: Chain) -> None:
    ids = before_the_board(app, chain)
    elsewhere = start(app, new_system(app, "Bogføring"))
    submit_case(app, elsewhere, "low")  # before the first body
    with app.app_context():
        board = db.session.get(ApprovalBody, chain.final)
        with pytest.raises(DomainError) as refused:
            agenda_items.create_item(
                db.session, board, BOARD_MEETING, {"title": "X", "dpia_ids": [elsewhere]}
            )
        assert refused.value.field == "dpia_ids"
        first = agenda_items.create_item(
            db.session, board, BOARD_MEETING, {"title": "A", "dpia_ids": ids[:1]}
        )
        with pytest.raises(DomainError):
            agenda_items.create_item(db.session, board, BOARD_MEETING, {"title": "B", "dpia_ids": ids[:2]})
        second = agenda_items.create_item(
            db.session, board, BOARD_MEETING, {"title": "B", "dpia_ids": ids[1:]}
        )
        assert (first.position, second.position) == (1, 2)
        assert [d.id for d in agenda_items.candidates(db.session, chain.final, BOARD_MEETING, first)] == ids[
            :1
        ]
        with pytest.raises(DomainError) as taken:
            agenda_items.update_item(db.session, second, {"title": "B", "position": 1})
        assert taken.value.field == "position"
        with pytest.raises(DomainError) as untitled:
            agenda_items.update_item(db.session, second, {"title": " "})
        assert untitled.value.field == "title"


# --- pages --------------------------------------------------------------------------------------------------


def meeting_url(chain: Chain) -> str:
    return f"/agenda/{chain.final}/{BOARD_MEETING.isoformat()}"


def test_the_dpo_adds_an_item_and_the_meeting_page_prints_it_as_the_minutes_do(
    app: Flask, chain: Chain, login: Callable[..., FlaskClient]
) -> None:
    ids = before_the_board(app, chain)
    dpo = login("dpo")
    form = dpo.get(f"{meeting_url(chain)}/items/new").get_data(as_text=True)
    for name, _country in SYSTEMS:
        assert name in form  # every case before Direktionen may go on the item
    response = post_form(
        dpo,
        f"{meeting_url(chain)}/items/new",
        {
            "title": "Afviste it-systemer",
            "journal_number": JOURNAL_NUMBER,
            "summary": "Tre systemer er afvist af Systemgodkendelsesgruppen.",
            "recommendation": "Det indstilles, at sagen udsættes.",
            "dpia_ids": [str(i) for i in ids],
        },
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(meeting_url(chain))

    html = login("reader").get(meeting_url(chain)).get_data(as_text=True)

    (item,) = re.findall(r'<section class="minutes-item" data-testid="item".*?</section>', html, re.S)
    assert "<h2>1. Afviste it-systemer</h2>" in item
    for text in (JOURNAL_NUMBER, "Tre systemer er afvist", "Det indstilles, at sagen udsættes."):
        assert text in item
    names = re.findall(r'data-testid="item-case" data-system="([^"]+)"', item)
    assert names == sorted(n for n, _ in SYSTEMS)
    assert item.count('data-testid="earlier-decision"') == 6  # two earlier bodies per case
    assert item.count('data-testid="system-residual" data-level="very_high"') == 3
    assert 'data-testid="item-open"' in item
    assert "/decision" not in item and "/edit" not in item  # a reader is offered nothing to change
    assert cases(html) == {}  # no case is shown twice


def test_an_item_form_refuses_a_case_from_elsewhere(
    app: Flask, chain: Chain, login: Callable[..., FlaskClient]
) -> None:
    before_the_board(app, chain)
    elsewhere = start(app, new_system(app, "Bogføring"))
    submit_case(app, elsewhere, "low")
    response = post_form(
        login("dpo"), f"{meeting_url(chain)}/items/new", {"title": "X", "dpia_ids": [str(elsewhere)]}
    )
    assert response.status_code == 400
    assert 'role="alert"' in response.get_data(as_text=True)


def test_a_steering_member_records_the_items_decision_and_the_minutes_show_it(
    app: Flask, chain: Chain, login: Callable[..., FlaskClient]
) -> None:
    ids = before_the_board(app, chain)
    item_id = board_item(app, chain, ids)
    outsider = login("steering", approval_body_id=chain.second)
    page = outsider.get(f"/agenda/items/{item_id}/decision").get_data(as_text=True)
    assert 'data-testid="not-yours"' in page
    refused = post_form(outsider, f"/agenda/items/{item_id}/decision", {"outcome": "postponed"})
    assert refused.status_code == 400

    member = login("steering", approval_body_id=chain.final)
    assert 'name="outcome"' in member.get(f"/agenda/items/{item_id}/decision").get_data(as_text=True)
    missing_date = post_form(member, f"/agenda/items/{item_id}/decision", {"outcome": "postponed"})
    assert missing_date.status_code == 400
    done = post_form(
        member,
        f"/agenda/items/{item_id}/decision",
        {
            "outcome": "postponed",
            "next_meeting_on": POSTPONED_TO.isoformat(),
            "rationale": POSTPONE["rationale"],
        },
    )
    assert done.status_code == 302

    html = member.get(meeting_url(chain)).get_data(as_text=True)
    decision = html.split('data-testid="item-decision"')[1]
    assert "badge-outcome-postponed" in decision and POSTPONE["rationale"] in decision
    assert POSTPONED_TO.strftime("%Y") in decision
    # The three cases are on the agenda of the meeting they were postponed to.
    later = cases(member.get(f"/agenda/{chain.final}/{POSTPONED_TO.isoformat()}").get_data(as_text=True))
    assert sorted(later) == sorted(n for n, _ in SYSTEMS)
