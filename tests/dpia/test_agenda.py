"""Agendas and minutes: every meeting, and one meeting's cases as the body reads and prints them."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from riskreg.dpia.models import Dpia
from riskreg.extensions import db
from tests.dpia.decision_helpers import MEETING, decide, new_system, start, submit_case
from tests.factories import Chain

LATER = MEETING + dt.timedelta(days=21)


def cases(html: str) -> dict[str, str]:
    """The agenda's case sections by system name."""
    sections = re.findall(r'<section class="minutes-case" data-testid="case">(.*?)</section>', html, re.S)
    return {re.search(r"<h2>\d+\. (.*?)</h2>", s).group(1): s for s in sections}  # type: ignore[union-attr]


def add_user_rule_risk(app: Flask, dpia_id: int) -> None:
    """A risk lowered only by a rule users must remember (the Canva lesson)."""
    from riskreg.dpia import services

    with app.app_context():
        rule = services.create_measure(
            db.session,
            {"name": "Pupils must not enter names", "kind": "organisational", "relies_on_users": True},
        )
        services.add_risk(
            db.session,
            db.session.get(Dpia, dpia_id),
            {
                "title": "Pupils type classmates' names into prompts",
                "inherent_likelihood": 3,
                "inherent_consequence": 3,
                "residual_likelihood": 2,
                "residual_consequence": 2,
                "residual_reason": "Pupils are told not to.",
                "measure_ids": [rule.id],
            },
        )


def test_agenda_shows_open_and_decided_cases_like_the_minutes(
    app: Flask, chain: Chain, dpia_id: int, login: Callable[..., FlaskClient]
) -> None:
    # Tegneværktøj (no basis for its US sub-processor): a risk lowered only by a user rule, high residual.
    add_user_rule_risk(app, dpia_id)
    submit_case(app, dpia_id, "high", proposal="Reject: the measures rely on pupils.")
    # Bogføring (EU only): decided at the meeting, approved with conditions.
    decided_id = start(app, new_system(app, "Bogføring"))
    submit_case(app, decided_id, "medium", proposal="Approve with conditions.")
    dpo = login("dpo")
    assert (
        decide(
            dpo,
            decided_id,
            body_id=chain.first,
            outcome="approved_with_conditions",
            residual_accepted="y",
            conditions="Only finance staff.",
            rationale="The data stay in the EU.",
            alternative="Economa Cloud",
            case_number="85.15.02G01-11-26",
        ).status_code
        == 302
    )
    reader = login("reader")

    response = reader.get(f"/agenda/{chain.first}/{MEETING.isoformat()}")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Systemgodkendelsesgruppen" in html.split("<h1>")[1]
    found = cases(html)
    assert list(found) == ["Bogføring", "Tegneværktøj"]
    open_case, done = found["Tegneværktøj"], found["Bogføring"]
    # The open case: vendor, residual level, transfer verdict, flags, the proposal, not decided yet.
    assert "Skoleportal ApS" in open_case
    assert "badge-level-high" in open_case
    assert 'data-outcome="not_acceptable"' in open_case
    assert "Pupils type classmates&#39; names into prompts" in open_case  # relies on users
    assert "art. 36" in open_case  # prior consultation: a high residual remains
    assert "Reject: the measures rely on pupils." in open_case
    assert 'data-testid="open"' in open_case and 'data-testid="decision"' not in open_case
    assert "/decision" not in open_case  # a reader is not offered to record it
    # The decided case: journal number, outcome, conditions, residual accepted, rationale, alternative.
    assert "85.15.02G01-11-26" in done
    assert 'data-outcome="acceptable"' in done and "badge-level-medium" in done
    assert "badge-outcome-approved_with_conditions" in done
    for text in ("Only finance staff.", "The data stay in the EU.", "Economa Cloud"):
        assert text in done
    assert re.search(r"<dt>[^<]+</dt><dd>(Ja|Yes) \(", done)  # residual risk accepted
    assert 'data-testid="flags"' not in done
    # A DPO is offered to record the open case's decision from the agenda.
    assert f"/dpia/{dpia_id}/decision" in dpo.get(f"/agenda/{chain.first}/{MEETING.isoformat()}").get_data(
        as_text=True
    )


def test_agenda_index_lists_each_meeting_newest_first(
    app: Flask, chain: Chain, dpia_id: int, login: Callable[..., FlaskClient]
) -> None:
    submit_case(app, dpia_id, "high")
    other = start(app, new_system(app, "Bogføring"))
    submit_case(app, other, "low")
    dpo = login("dpo")
    # The first body escalates Tegneværktøj to the second body's later meeting.
    decide(dpo, dpia_id, body_id=chain.first, outcome="escalated", next_meeting_on=LATER.isoformat())

    html = login("steering").get("/agenda/").get_data(as_text=True)

    rows = re.findall(
        r'<a href="/agenda/(\d+)/([\d-]+)">.*?</td>\s*<td>(.*?)</td>\s*<td>(\d+)</td>\s*<td>(\d+)</td>',
        html,
        re.S,
    )
    assert rows == [
        (str(chain.second), LATER.isoformat(), "Styregruppen for IT-sikkerhed", "1", "0"),
        (str(chain.first), MEETING.isoformat(), "Systemgodkendelsesgruppen", "1", "1"),
    ]
    later = cases(login("reader").get(f"/agenda/{chain.second}/{LATER.isoformat()}").get_data(as_text=True))
    assert list(later) == ["Tegneværktøj"]


def test_agenda_index_without_meetings(login: Callable[..., FlaskClient]) -> None:
    response = login("reader").get("/agenda/")
    assert response.status_code == 200
    assert 'data-testid="meetings"' not in response.get_data(as_text=True)


def test_bad_meeting_date_or_unknown_body_is_404(chain: Chain, login: Callable[..., FlaskClient]) -> None:
    reader = login("reader")
    assert reader.get(f"/agenda/{chain.first}/2026-13-01").status_code == 404
    assert reader.get(f"/agenda/{chain.first}/tomorrow").status_code == 404
    assert reader.get(f"/agenda/9999/{MEETING.isoformat()}").status_code == 404
    empty = reader.get(f"/agenda/{chain.first}/{MEETING.isoformat()}")
    assert empty.status_code == 200 and not cases(empty.get_data(as_text=True))


def test_minutes_print_without_menus_or_forms(
    app: Flask, chain: Chain, dpia_id: int, login: Callable[..., FlaskClient]
) -> None:
    submit_case(app, dpia_id, "medium")
    client = login("reader")
    page = client.get(f"/agenda/{chain.first}/{MEETING.isoformat()}")
    html = page.get_data(as_text=True)
    assert "/static/app.css" in html
    # No inline script: the content security policy would block it.
    assert "onclick" not in html and "script-src 'self'" in page.headers["Content-Security-Policy"]
    static = client.get("/static/app.css")
    css = static.get_data(as_text=True)
    static.close()
    ours = css[css.index("/* --- Decisions, agendas and minutes") : css.index("/* --- end decisions --- */")]
    printed = ours[ours.index("@media print") :]
    assert "size: A4" in printed
    hidden = ",".join(re.findall(r"([^{}]+)\{\s*display:\s*none", printed))
    for selector in (".topbar", "form", ".toolbar", ".flash"):
        assert selector in hidden
