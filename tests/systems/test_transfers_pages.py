"""The engine's results on the pages: a system's Transfers tab and the verdicts on the register."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select, update

from riskreg.enums import LocationKind, TransferMechanism
from riskreg.extensions import db
from riskreg.systems.models import System
from riskreg.transfers import sources
from riskreg.transfers.models import SystemAssessment
from tests.conftest import app_for
from tests.pages import in_english

CANVA = "Canva via SkoleTube"
CAPCUT = "CapCut Pro"
MOMENTUM_AI = "Momentum – AI-tekstassistent"


@pytest.fixture
def demo(app: Flask, demo_app: Flask) -> dict[str, int]:
    """The demo register (a copy, as the app of this test); system name -> id."""
    assert app is demo_app
    with app.app_context():
        return {name: sid for sid, name in db.session.execute(select(System.id, System.name))}


@pytest.fixture
def app(request: pytest.FixtureRequest) -> Flask:
    return app_for(request, "demo")


def page(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return html.unescape(response.get_data(as_text=True))


def section(text: str, testid: str) -> str:
    start = text.index(f'data-testid="{testid}"')
    end = text.find("</table>", start)
    return text[start : end if end != -1 else None]


def rows(text: str, testid: str) -> list[dict[str, Any]]:
    """The rows of a table as {rule, recipient, country, class, text}."""
    found = []
    for match in re.finditer(r'<tr data-rule="(\w+)">(.*?)</tr>', section(text, testid), re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", match.group(2), re.S)
        plain = [re.sub(r"<[^>]+>", "", c).strip() for c in cells]
        found.append(
            {
                "rule": match.group(1),
                "recipient": re.sub(r"\s*\(.*\)$", "", plain[0]),
                "country": plain[1],
                "class": re.search(r'data-class="(\w+)"', match.group(2)).group(1),  # type: ignore[union-attr]
                "tia_missing": "TIA" in plain[8] and plain[8] != "–",
                "text": plain,
            }
        )
    return found


def verdict_of(text: str) -> tuple[str, str]:
    box = section(text, "verdict")
    return (
        re.search(r'data-class="(\w+)"', box).group(1),  # type: ignore[union-attr]
        re.search(r'data-outcome="(\w+)"', box).group(1),  # type: ignore[union-attr]
    )


# --- the Transfers tab --------------------------------------------------------------------------------------


def test_canva_tab_lists_every_transfer_with_its_class_and_english_reason(demo, login) -> None:
    client = in_english(login("reader"))
    text = page(client, f"/systems/{demo[CANVA]}/transfers")
    assert verdict_of(text) == ("no_basis", "not_acceptable")
    found = rows(text, "transfers")
    no_basis = {(r["recipient"], r["country"]) for r in found if r["class"] == "no_basis"}
    assert no_basis == {
        ("Canva Pty Ltd", "Australia"),
        ("Philippines support and operations entity", "Philippines"),
        ("US content delivery provider", "United States"),
        ("US analytics provider", "United States"),
    }
    # SkoleTube itself processes in Denmark; worst first, so it comes last.
    assert (found[-1]["recipient"], found[-1]["class"], found[-1]["rule"]) == ("SkoleTube", "eea", "eea")
    (australia,) = [r for r in found if r["country"] == "Australia"]
    assert australia["rule"] == "no_basis"
    assert "Australia has no adequacy for Canva Pty Ltd" in australia["text"][7]
    assert "Classified against: Officiel liste over sikre tredjelande, version in force from" in text
    assert 'aria-current="page">Transfers</a>' in text


def test_capcut_tab_shows_unknown_and_the_china_exposure(demo, login) -> None:
    client = in_english(login("reader"))
    text = page(client, f"/systems/{demo[CAPCUT]}/transfers")
    assert verdict_of(text) == ("unknown", "not_acceptable")
    (only,) = rows(text, "transfers")
    assert (only["recipient"], only["country"], only["class"], only["rule"]) == (
        "ByteDance",
        "unknown",
        "unknown",
        "country_unknown",
    )
    exposure = section(text, "exposure")
    assert "ByteDance Ltd." in exposure and "China" in exposure
    assert "Vendor's parent company" in exposure
    assert "National Intelligence Law" in exposure
    assert "badge-exposure-very_high" in exposure


def test_momentum_tab_in_danish_and_english(demo, login) -> None:
    client = login("reader")
    url = f"/systems/{demo[MOMENTUM_AI]}/transfers"
    danish = page(client, url)
    assert "Overførsler" in danish
    assert verdict_of(danish) == ("dpf", "attention")
    (us,) = [r for r in rows(danish, "transfers") if r["country"] == "USA"]
    assert (us["recipient"], us["class"], us["rule"]) == (
        "Microsoft Corporation",
        "dpf",
        "dpf_active",
    )
    assert us["text"][2] == "Supportadgang"
    assert "supportadgang fra USA" in us["text"][7]
    assert "Microsoft Corporation" in section(danish, "exposure")

    english_text = page(in_english(client), url)
    (us_en,) = [r for r in rows(english_text, "transfers") if r["country"] == "United States"]
    assert "support access from United States" in us_en["text"][7]
    assert "supportadgang" not in english_text


def test_tia_missing_is_flagged(app, login, make_vendor, make_system) -> None:
    vendor_id = make_vendor(
        "Safe Harbour Inc",
        locations=(("US", LocationKind.PROCESSING),),
        transfer_mechanism=TransferMechanism.SCC,
    )
    system_id = make_system("SCC without TIA", vendor_id)
    client = in_english(login("reader"))
    text = page(client, f"/systems/{system_id}/transfers")
    (only,) = rows(text, "transfers")
    assert (only["class"], only["tia_missing"]) == ("safeguarded", True)
    assert verdict_of(text) == ("safeguarded", "attention")
    assert "A transfer impact assessment is missing." in text


def test_scenario_turns_momentum_to_no_basis(app, demo, login) -> None:
    with app.app_context():
        scenario_id = sources.find_scenario(db.session, "DPF invalidated").id
    client = in_english(login("reader"))
    text = page(client, f"/systems/{demo[MOMENTUM_AI]}/transfers?scenario={scenario_id}")
    assert verdict_of(text) == ("no_basis", "not_acceptable")
    (us,) = [r for r in rows(text, "transfers") if r["country"] == "United States"]
    assert (us["recipient"], us["class"], us["rule"]) == (
        "Microsoft Corporation",
        "no_basis",
        "no_basis",
    )
    assert "DPF invalidated" in us["text"][7]
    assert "with the scenario DPF invalidated" in section(text, "list-used")
    assert f'<option value="{scenario_id}" selected>DPF invalidated</option>' in text
    # The official data is untouched: without the scenario the verdict is dpf again.
    assert verdict_of(page(client, f"/systems/{demo[MOMENTUM_AI]}/transfers")) == ("dpf", "attention")


def test_as_of_before_the_first_list_falls_back_to_today_with_a_message(demo, login) -> None:
    client = login("reader")
    response = client.get(f"/systems/{demo[CANVA]}/transfers?as_of=2025-01-01")
    assert response.status_code == 200
    text = html.unescape(response.get_data(as_text=True))
    assert "Ingen version af den officielle liste var gældende den 01-01-2025" in text
    assert 'class="flash flash-warning"' in text
    assert verdict_of(text) == ("no_basis", "not_acceptable")
    # The date field is left empty: the page shows today's list, not the date asked for.
    assert 'name="as_of" value=""' in text


def test_bad_date_and_unknown_scenario_give_messages_in_the_readers_language(demo, login) -> None:
    client = in_english(login("reader"))
    text = page(client, f"/systems/{demo[CANVA]}/transfers?as_of=2026-13-45&scenario=No+such")
    assert "2026-13-45 is not a date (YYYY-MM-DD); showing the list in force today." in text
    assert "No scenario called No such" in text
    assert verdict_of(text) == ("no_basis", "not_acceptable")
    dansk = page(login("reader"), f"/systems/{demo[CANVA]}/transfers?as_of=igår")
    assert "igår er ikke en dato (ÅÅÅÅ-MM-DD); siden viser listen, der gælder i dag." in dansk


def test_as_of_a_valid_date_names_the_list_used(demo, login) -> None:
    client = in_english(login("reader"))
    today = sources.today().isoformat()
    text = page(client, f"/systems/{demo[CANVA]}/transfers?as_of={today}")
    assert f'name="as_of" value="{today}"' in text
    assert "version in force from" in section(text, "list-used")
    assert "flash-warning" not in text


def test_tab_of_a_missing_system_is_404(demo, login) -> None:
    assert login("reader").get("/systems/999999/transfers").status_code == 404


# --- the register -------------------------------------------------------------------------------------------


def names_on(client: FlaskClient, query: str) -> list[str]:
    text = page(client, "/systems/" + query)
    return re.findall(r'/systems/\d+">([^<]+)</a>', text)


def counts_on(text: str) -> dict[str, int]:
    box = text[text.index('data-testid="class-counts"') :]
    box = box[: box.index("</p>")]
    return {k: int(n) for k, n in re.findall(r'data-verdict="(\w+)">[^<]*: <strong>(\d+)</strong>', box)}


def marks_on(text: str) -> dict[str, str | None]:
    """system name -> the verdict badge in its row (None for no badge)."""
    table = section(text, "systems")
    marks = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        name = re.search(r'/systems/\d+">([^<]+)</a>', row)
        if name:
            verdict = re.search(r'data-class="(\w+)"', row)
            marks[name.group(1)] = verdict.group(1) if verdict else None
    return marks


def test_register_shows_verdicts_outcomes_and_counts(demo, login) -> None:
    client = in_english(login("reader"))
    text = page(client, "/systems/?archived=1")
    marks = marks_on(text)
    assert marks[CANVA] == "no_basis"
    assert marks[CAPCUT] == "unknown"
    assert marks[MOMENTUM_AI] == "dpf"
    assert marks["Momentum"] == "eea"
    counts = counts_on(text)
    assert counts["no_basis"] >= 1 and counts["unknown"] == 2  # CapCut Pro and TikTok
    assert sum(counts.values()) == len(marks)
    assert "Not acceptable" in section(text, "systems")
    # Each count links to the list filtered by that verdict (the other filters kept).
    assert '<a href="/systems/?archived=1&verdict=unknown" class="badge badge-class-unknown"' in text


def test_register_filters_by_verdict_and_outcome_and_counts_follow_the_other_filters(demo, login) -> None:
    client = in_english(login("reader"))
    assert names_on(client, "?verdict=unknown") == [CAPCUT, "TikTok"]
    assert names_on(client, "?verdict=dpf&q=momentum") == [MOMENTUM_AI]
    not_acceptable = names_on(client, "?outcome=not_acceptable")
    assert CAPCUT in not_acceptable and CANVA in not_acceptable and MOMENTUM_AI not in not_acceptable
    # The counts ignore the verdict filter but follow the others.
    text = page(client, "/systems/?q=momentum&verdict=eea")
    assert counts_on(text) == {
        "eea": 1,
        "adequate": 0,
        "dpf": 1,
        "safeguarded": 0,
        "derogation": 0,
        "unknown": 0,
        "no_basis": 0,
    }
    assert names_on(client, "?q=momentum&verdict=eea") == ["Momentum"]
    # An unknown verdict is no filter (Adobe's purpose mentions CapCut; its verdict is dpf).
    assert names_on(client, "?verdict=nonsense&q=capcut") == ["Adobe Creative Cloud", CAPCUT]


def test_register_sorts_by_verdict(demo, login) -> None:
    client = login("reader")
    worst_first = names_on(client, "?sort=-verdict")
    marks = marks_on(page(client, "/systems/?sort=-verdict"))
    order = [marks[n] for n in worst_first]
    severity = ["eea", "adequate", "dpf", "safeguarded", "derogation", "unknown", "no_basis"]
    assert [severity.index(v) for v in order] == sorted((severity.index(v) for v in order), reverse=True)
    assert order[0] == "no_basis"
    best_first = names_on(client, "?sort=verdict")
    assert marks[best_first[0]] == "eea"


def test_register_reads_stored_rows_unless_a_date_or_scenario_is_given(app, demo, login) -> None:
    with app.app_context():
        # Tamper with the stored table: the plain register must show it, the computed one must not.
        db.session.execute(
            update(SystemAssessment)
            .where(SystemAssessment.system_id == demo[CAPCUT])
            .values(verdict="adequate")
        )
        db.session.execute(
            SystemAssessment.__table__.delete().where(SystemAssessment.system_id == demo[CANVA])
        )
        db.session.commit()
        scenario_id = sources.find_scenario(db.session, "DPF invalidated").id
    client = in_english(login("reader"))
    stored = marks_on(page(client, "/systems/"))
    assert stored[CAPCUT] == "adequate"
    assert stored[CANVA] is None  # no stored row: no badge
    assert names_on(client, "?verdict=adequate&q=capcut") == [CAPCUT]

    today = sources.today().isoformat()
    computed = marks_on(page(client, f"/systems/?as_of={today}"))
    assert computed[CAPCUT] == "unknown"
    assert computed[CANVA] == "no_basis"
    assert computed[MOMENTUM_AI] == "dpf"

    what_if_text = page(client, f"/systems/?scenario={scenario_id}")
    what_if = marks_on(what_if_text)
    assert what_if[MOMENTUM_AI] == "no_basis"
    assert what_if["Adobe Creative Cloud"] == "no_basis"
    assert "with the scenario DPF invalidated" in what_if_text
    assert MOMENTUM_AI in names_on(client, f"?scenario={scenario_id}&verdict=no_basis")
    assert MOMENTUM_AI not in names_on(client, "?verdict=no_basis")


def test_register_bad_as_of_falls_back_to_the_stored_verdicts(demo, login) -> None:
    client = in_english(login("reader"))
    text = page(client, "/systems/?as_of=2025-01-01")
    assert "No version of the official list was in force on 1 Jan 2025" in text
    assert "Showing the list in force today instead." in text
    assert marks_on(text)[CAPCUT] == "unknown"


@pytest.mark.parametrize("query", ["", "?sort=-verdict&verdict=no_basis", f"?as_of={dt.date.today()}"])
def test_register_query_count_does_not_grow_with_rows(app, login, make_vendor, make_system, query) -> None:
    client = login("reader")
    us = make_vendor("US host", locations=(("US", LocationKind.PROCESSING),))
    dk = make_vendor("DK host")

    def queries_for_list() -> int:
        statements: list[str] = []
        with app.app_context():
            bind = db.engine
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(bind, "before_cursor_execute", listener)
        try:
            text = page(client, "/systems/" + query)
        finally:
            event.remove(bind, "before_cursor_execute", listener)
        assert 'data-testid="class-counts"' in text
        return len(statements)

    for i in range(4):
        make_system(f"S{i}", us if i % 2 else dk, departments=(f"D{i}",))
    few = queries_for_list()
    for i in range(4, 30):
        make_system(f"S{i}", us if i % 2 else dk, departments=(f"D{i}",))
    assert queries_for_list() == few
