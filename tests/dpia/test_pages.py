"""The DPIA tab: start, screening, sections, risks, suggestions, heat maps, versions and submission."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from riskreg.dpia.models import Dpia, Measure, Risk, SuggestionDismissal
from riskreg.enums import DpiaState, LocationKind, Role, SystemStatus, TransferMechanism
from riskreg.extensions import db
from riskreg.systems.models import System
from tests.conftest import post_form
from tests.factories import Chain
from tests.pages import text

SUGGESTION = re.compile(r'data-testid="suggestion" data-key="([^"]+)"')
DISMISSAL = re.compile(r'data-testid="dismissal" data-key="([^"]+)"')
TRIGGER = re.compile(r'data-testid="trigger" data-trigger="([^"]+)"')
FLAG = re.compile(r'data-testid="flag" data-flag="([^"]+)"')
CELL = re.compile(r'data-testid="cell" data-l="(\d)" data-c="(\d)" data-level="([a-z_]+)" data-count="(\d+)"')
US_SUB = "transfer:sub"  # the key prefix of a sub-processor's transfer suggestion


def tab(client: FlaskClient, system_id: int, **args: Any) -> str:
    response = client.get(f"/systems/{system_id}/dpia", query_string=args)
    assert response.status_code == 200
    return text(response)


def pending(page: str) -> list[str]:
    return SUGGESTION.findall(page)


def heat(page: str, name: str) -> dict[tuple[int, int], tuple[str, int]]:
    start = page.index(f'data-testid="heatmap-{name}"')
    table = page[start : page.index("</table>", start)]
    return {(int(lk), int(c)): (level, int(n)) for lk, c, level, n in CELL.findall(table)}


def block(page: str, marker: str) -> str:
    start = page.index(marker)
    return page[start : page.index("</section>", start)]


def risk_row(page: str, title: str) -> str:
    end = page.index(title)
    start = page.rindex('data-testid="risk"', 0, end)
    return page[start : page.index("</tr>", end)]


@pytest.fixture
def dpo(login: Callable[..., FlaskClient]) -> FlaskClient:
    return login(Role.DPO)


@pytest.fixture
def reader(login: Callable[..., FlaskClient]) -> FlaskClient:
    return login(Role.READER)


def measure_id(app: Flask, key: str) -> int:
    with app.app_context():
        return db.session.scalars(select(Measure.id).where(Measure.key == key)).one()


def dpia_of(app: Flask, dpia_id: int) -> dict[str, Any]:
    with app.app_context():
        dpia = db.session.get(Dpia, dpia_id)
        assert dpia is not None
        return {
            "state": dpia.state,
            "number": dpia.number,
            "criteria": list(dpia.criteria),
            "necessity": dpia.necessity,
            "risks": [
                (
                    r.title,
                    r.inherent_likelihood,
                    r.inherent_consequence,
                    r.residual_likelihood,
                    r.suggestion_key,
                )
                for r in dpia.risks
            ],
            "system_status": dpia.system.status,
        }


def risk_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Risk)) or 0


def sections(criteria: list[str], listed: list[str] | None = None, **texts: str) -> dict[str, Any]:
    return {"criteria": criteria, "listed": listed or [], "description": "Beskrivelse", **texts}


RISK = {
    "title": "Elevbilleder havner hos en amerikansk underleverandør",
    "rights": "Privatliv",
    "inherent_likelihood": "3",
    "inherent_consequence": "3",
    "owner": "Skolechef",
}


# --- the tab with and without a DPIA ------------------------------------------------------------------------


def test_without_a_dpia_the_dpo_can_start_one_and_a_reader_only_reads(
    app: Flask, dpia_system: int, dpo: FlaskClient, reader: FlaskClient
) -> None:
    overview = text(dpo.get(f"/systems/{dpia_system}"))
    assert f'href="/systems/{dpia_system}/dpia"' in overview  # the DPIA tab

    page = tab(dpo, dpia_system)
    assert 'data-testid="no-dpia"' in page
    assert f'action="/systems/{dpia_system}/dpia/start"' in page
    read_only = tab(reader, dpia_system)
    assert 'data-testid="no-dpia"' in read_only
    assert "/dpia/start" not in read_only

    response = post_form(dpo, f"/systems/{dpia_system}/dpia/start")
    assert response.status_code == 302
    page = tab(dpo, dpia_system)
    assert 'data-testid="dpia" data-number="1"' in page
    assert 'data-state="draft"' in page
    # Prefilled from the register: the description and the criteria the facts show.
    assert "Billedredigering i undervisningen" in block(page, 'data-testid="section-description"')
    screening = block(page, 'data-testid="screening"')
    assert 'data-required="yes"' in screening
    assert sorted(TRIGGER.findall(screening)) == ["innovative_use", "sensitive_data", "vulnerable_subjects"]
    # Suggestions from the facts are offered, not added (Skoleportal ApS has no DPA recorded: one of them).
    assert len(pending(page)) == 5
    assert "role:no_dpa:vendor1" in pending(page)
    assert page.count('data-testid="accept"') == page.count('data-testid="dismiss"') == 5
    assert 'data-testid="risk"' not in page

    # A second start is refused with a message, not a second DPIA.
    response = post_form(dpo, f"/systems/{dpia_system}/dpia/start", follow_redirects=True)
    assert "already has a DPIA" in text(response) or "har allerede" in text(response)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Dpia)) == 1


def test_unknown_system_dpia_risk_or_version_is_404(dpo: FlaskClient, dpia_id: int, dpia_system: int) -> None:
    assert dpo.get("/systems/9999/dpia").status_code == 404
    assert dpo.get(f"/systems/{dpia_system}/dpia?version=7").status_code == 404
    assert dpo.get("/dpia/9999/edit").status_code == 404
    assert dpo.get("/dpia/9999/risks/new").status_code == 404
    assert dpo.get("/risks/9999/edit").status_code == 404
    assert post_form(dpo, "/risks/9999/remove").status_code == 404
    assert post_form(dpo, "/dpia/9999/submit").status_code == 404
    assert post_form(dpo, "/dpia/9999/suggestions/accept", {"key": "ai"}).status_code == 404


# --- screening ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("criteria", "listed", "required", "triggers"),
    [
        ([], [], "no", []),
        (["large_scale"], [], "no", []),
        (["large_scale", "matching"], [], "yes", ["large_scale", "matching"]),
        ([], ["large_scale_profiling"], "yes", ["large_scale_profiling"]),
        # Location data counts only with a WP248 criterion.
        ([], ["location"], "no", []),
        (["matching"], ["location"], "yes", ["location"]),
    ],
)
def test_screening_through_the_form(
    app: Flask,
    dpo: FlaskClient,
    dpia_id: int,
    dpia_system: int,
    criteria: list[str],
    listed: list[str],
    required: str,
    triggers: list[str],
) -> None:
    form = dpo.get(f"/dpia/{dpia_id}/edit")
    assert form.status_code == 200
    # Every WP248 criterion and every kind on Datatilsynet's list is offered.
    assert text(form).count('name="criteria"') == 9
    assert text(form).count('name="listed"') == 6

    response = post_form(dpo, f"/dpia/{dpia_id}/edit", sections(criteria, listed, necessity="Nødvendig"))
    assert response.status_code == 302
    screening = block(tab(dpo, dpia_system), 'data-testid="screening"')
    assert f'data-required="{required}"' in screening
    assert TRIGGER.findall(screening) == triggers
    saved = dpia_of(app, dpia_id)
    assert saved["criteria"] == criteria and saved["necessity"] == "Nødvendig"
    assert saved["number"] == 1  # a draft is changed in place


def test_unknown_criterion_is_refused(app: Flask, dpo: FlaskClient, dpia_id: int) -> None:
    before = dpia_of(app, dpia_id)
    response = post_form(dpo, f"/dpia/{dpia_id}/edit", sections(["large_scale", "made_up"]))
    assert response.status_code == 400
    assert dpia_of(app, dpia_id) == before


# --- suggestions --------------------------------------------------------------------------------------------


def test_accepting_a_suggestion_adds_the_risk_with_its_defaults(
    app: Flask, dpo: FlaskClient, dpia_id: int, dpia_system: int
) -> None:
    page = tab(dpo, dpia_system)
    key = next(k for k in pending(page) if k.startswith(US_SUB))
    suggestion = page[page.index(f'data-key="{key}"') :]
    suggestion = suggestion[: suggestion.index("</article>")]
    # No basis for the US transfer: likelihood 4; children and CPR raise the consequence to 4.
    assert "4 × 4" in suggestion

    response = post_form(dpo, f"/dpia/{dpia_id}/suggestions/accept", {"key": key})
    assert response.status_code == 302
    (risk,) = dpia_of(app, dpia_id)["risks"]
    assert risk[1:] == (4, 4, None, key)
    assert "Render Cloud Inc." in risk[0]
    page = tab(dpo, dpia_system)
    assert key not in pending(page) and len(pending(page)) == 4
    assert 'data-testid="risk"' in page

    # Accepting with the DPO's edits over the defaults.
    response = post_form(
        dpo,
        f"/dpia/{dpia_id}/suggestions/accept",
        {
            "key": "ai",
            "title": "AI-billeder af elever",
            "inherent_likelihood": "1",
            "inherent_consequence": "",
        },
    )
    assert response.status_code == 302
    risks = dpia_of(app, dpia_id)["risks"]
    assert risks[1][:3] == ("AI-billeder af elever", 1, 4)  # the consequence left empty keeps the default
    # The same suggestion cannot be accepted twice.
    response = post_form(dpo, f"/dpia/{dpia_id}/suggestions/accept", {"key": "ai"}, follow_redirects=True)
    assert 'class="flash flash-error"' in response.get_data(as_text=True)
    assert risk_count(app) == 2


def test_accepting_with_a_bad_score_is_refused(app: Flask, dpo: FlaskClient, dpia_id: int) -> None:
    response = post_form(
        dpo, f"/dpia/{dpia_id}/suggestions/accept", {"key": "ai", "inherent_likelihood": "5"}
    )
    assert response.status_code == 302
    assert "flash-error" in text(dpo.get(response.headers["Location"]))
    assert risk_count(app) == 0


def test_a_dismissed_suggestion_stays_dismissed_until_restored(
    app: Flask, dpo: FlaskClient, dpia_id: int, dpia_system: int
) -> None:
    from riskreg.subprocessors.services import create_sub_processor
    from riskreg.systems.models import System

    key = next(k for k in pending(tab(dpo, dpia_system)) if k.startswith(US_SUB))
    response = post_form(dpo, f"/dpia/{dpia_id}/suggestions/dismiss", {"key": key, "reason": "Kun testdata"})
    assert response.status_code == 302

    page = tab(dpo, dpia_system)
    assert key not in pending(page) and len(pending(page)) == 4
    assert DISMISSAL.findall(page) == [key]
    assert "Kun testdata" in block(page, 'data-testid="dismissed"')
    assert risk_count(app) == 0

    # The register changes: another US sub-processor. The facts are evaluated again; the dismissed
    # suggestion stays dismissed and the new finding is suggested.
    with app.app_context():
        system = db.session.get(System, dpia_system)
        create_sub_processor(
            db.session,
            system.vendor,
            {"name": "Mail Relay LLC", "country_code": "US", "transfer_mechanism": TransferMechanism.NONE},
            [("US", LocationKind.PROCESSING)],
            system_ids=[dpia_system],
        )
    page = tab(dpo, dpia_system)
    transfer_keys = [k for k in pending(page) if k.startswith(US_SUB)]
    assert len(transfer_keys) == 1 and key not in transfer_keys
    assert DISMISSAL.findall(page) == [key]

    # Restore: it is suggested again.
    with app.app_context():
        dismissal_id = db.session.scalars(select(SuggestionDismissal.id)).one()
    response = post_form(dpo, f"/systems/{dpia_system}/dismissals/{dismissal_id}/restore")
    assert response.status_code == 302
    page = tab(dpo, dpia_system)
    assert key in pending(page)
    assert DISMISSAL.findall(page) == []


# --- risks, measures and the Canva flag ---------------------------------------------------------------------


def test_the_canva_flag_follows_the_measures(
    app: Flask, dpo: FlaskClient, dpia_id: int, dpia_system: int
) -> None:
    guidelines = measure_id(app, "no_personal_data_rule")
    keys = measure_id(app, "customer_held_keys")
    form = text(dpo.get(f"/dpia/{dpia_id}/risks/new"))
    # Measures are offered by kind and the ones that rely on users are marked.
    assert 'data-kind="technical"' in form and 'data-kind="organisational"' in form
    assert form.count('name="measure_ids"') == 15

    lowered = {
        **RISK,
        "residual_likelihood": "1",
        "residual_consequence": "3",
        "residual_reason": "Eleverne får besked på ikke at uploade billeder af andre",
    }
    response = post_form(dpo, f"/dpia/{dpia_id}/risks/new", {**lowered, "measure_ids": [guidelines]})
    assert response.status_code == 302
    page = tab(dpo, dpia_system)
    row = risk_row(page, RISK["title"])
    assert FLAG.findall(row) == ["relies_on_users"]
    assert "Residual risk rests only on users remembering a rule" in row or "huske" in row

    with app.app_context():
        risk = db.session.scalars(select(Risk)).one()
        risk_id, version = risk.id, risk.version
    response = post_form(
        dpo,
        f"/risks/{risk_id}/edit",
        {**lowered, "measure_ids": [guidelines, keys], "version": str(version)},
    )
    assert response.status_code == 302
    row = risk_row(tab(dpo, dpia_system), RISK["title"])
    assert FLAG.findall(row) == []
    assert row.count('data-testid="linked-measure"') == 2

    # Lowered with no measure at all: flagged too.
    response = post_form(dpo, f"/risks/{risk_id}/edit", lowered)
    assert response.status_code == 302
    assert FLAG.findall(risk_row(tab(dpo, dpia_system), RISK["title"])) == ["no_measure"]


def test_heat_maps_count_inherent_beside_residual(
    app: Flask, dpo: FlaskClient, dpia_id: int, dpia_system: int
) -> None:
    keys = measure_id(app, "customer_held_keys")
    for title, lk, c, rl, rc in (
        ("A", "4", "4", "2", "4"),
        ("B", "4", "4", "", ""),
        ("C", "1", "2", "", ""),
    ):
        values = {
            "title": title,
            "inherent_likelihood": lk,
            "inherent_consequence": c,
            "residual_likelihood": rl,
            "residual_consequence": rc,
            "residual_reason": "Nøgler hos kommunen" if rl else "",
            "measure_ids": [keys],
        }
        assert post_form(dpo, f"/dpia/{dpia_id}/risks/new", values).status_code == 302
    page = tab(dpo, dpia_system)
    inherent, residual = heat(page, "inherent"), heat(page, "residual")
    assert len(inherent) == len(residual) == 16
    assert {cell: n for cell, (_lv, n) in inherent.items() if n} == {(4, 4): 2, (1, 2): 1}
    assert {cell: n for cell, (_lv, n) in residual.items() if n} == {(4, 4): 1, (2, 4): 1, (1, 2): 1}
    # Each cell is coloured by its level.
    assert inherent[(1, 3)][0] == "low" and inherent[(2, 2)][0] == "medium"
    assert inherent[(2, 4)][0] == "high" and inherent[(3, 3)][0] == "high"
    assert inherent[(3, 4)][0] == "very_high"
    # Rows from likelihood 4 down to 1, columns consequence 1 to 4.
    start = page.index('data-testid="heatmap-inherent"')
    order = [(int(lk), int(c)) for lk, c, *_ in CELL.findall(page[start : page.index("</table>", start)])]
    assert order[:5] == [(4, 1), (4, 2), (4, 3), (4, 4), (3, 1)]
    # The DPIA's residual level is the highest residual; very high needs prior consultation.
    assert 'data-testid="dpia-residual"><span class="badge badge-level-very_high"' in page
    assert 'data-testid="prior-consultation"' in page


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"inherent_likelihood": "5"}, "inherent_likelihood"),
        ({"inherent_consequence": ""}, "inherent_consequence"),
        ({"title": "  "}, "title"),
        ({"residual_likelihood": "1", "residual_consequence": "3"}, "residual_reason"),
        ({"residual_likelihood": "1"}, "residual_consequence"),
        ({"measure_ids": ["99999"]}, "measure_ids"),
    ],
)
def test_bad_risk_input_is_refused_and_nothing_is_saved(
    app: Flask, dpo: FlaskClient, dpia_id: int, change: dict[str, Any], field: str
) -> None:
    response = post_form(dpo, f"/dpia/{dpia_id}/risks/new", {**RISK, **change})
    assert response.status_code == 400
    page = text(response)
    assert 'class="flash flash-error"' in page
    assert 'role="alert"' in page
    assert risk_count(app) == 0


def test_editing_a_risk_with_bad_input_changes_nothing(app: Flask, dpo: FlaskClient, dpia_id: int) -> None:
    assert post_form(dpo, f"/dpia/{dpia_id}/risks/new", RISK).status_code == 302
    with app.app_context():
        risk_id = db.session.scalars(select(Risk.id)).one()
    form = dpo.get(f"/risks/{risk_id}/edit")
    assert form.status_code == 200 and RISK["title"] in text(form)
    before = dpia_of(app, dpia_id)
    response = post_form(dpo, f"/risks/{risk_id}/edit", {**RISK, "title": "Nyt", "inherent_likelihood": "0"})
    assert response.status_code == 400
    assert dpia_of(app, dpia_id) == before

    assert post_form(dpo, f"/risks/{risk_id}/remove").status_code == 302
    assert risk_count(app) == 0


# --- versions and submission --------------------------------------------------------------------------------


def test_submit_then_edit_makes_version_2_and_keeps_version_1(
    app: Flask, chain: Chain, dpo: FlaskClient, dpia_id: int, dpia_system: int
) -> None:
    post_form(dpo, f"/dpia/{dpia_id}/edit", sections(["large_scale", "matching"], necessity="Første udgave"))
    assert post_form(dpo, f"/dpia/{dpia_id}/risks/new", RISK).status_code == 302

    response = post_form(dpo, f"/dpia/{dpia_id}/submit", {"meeting_on": "2026-09-01"})
    assert response.status_code == 302
    v1 = dpia_of(app, dpia_id)
    assert v1["state"] == DpiaState.IN_REVIEW
    assert v1["system_status"] == SystemStatus.IN_ASSESSMENT
    page = tab(dpo, dpia_system)
    assert 'data-testid="status"' in page and "in_assessment" in page
    assert 'data-testid="frozen"' in page
    assert 'data-testid="submit"' not in page  # submitted already
    assert f'href="/dpia/{dpia_id}/decision"' in page  # the DPO may record the body's decision
    assert "Systemgodkendelsesgruppen" in block(page, 'data-testid="before-body"')

    with app.app_context():
        version = db.session.get(Dpia, dpia_id).version
    response = post_form(
        dpo,
        f"/dpia/{dpia_id}/edit",
        {**sections(["large_scale", "matching"], necessity="Anden udgave"), "version": str(version)},
        follow_redirects=True,
    )
    assert response.status_code == 200
    flashed = text(response)
    assert "version 2" in flashed and "version 1" in flashed
    with app.app_context():
        newest = db.session.scalars(select(Dpia).where(Dpia.number == 2)).one()
        assert newest.state == DpiaState.DRAFT and newest.necessity == "Anden udgave"
        assert [r.title for r in newest.risks] == [RISK["title"]]
    # Version 1 stays as it was submitted, and can be read.
    assert dpia_of(app, dpia_id)["necessity"] == "Første udgave"
    old = tab(dpo, dpia_system, version=1)
    assert 'data-testid="old-version"' in old
    assert "Første udgave" in block(old, 'data-testid="section-necessity"')
    assert 'data-testid="suggestions"' not in old  # an old version is read, not changed
    newest_page = tab(dpo, dpia_system)
    assert "Anden udgave" in block(newest_page, 'data-testid="section-necessity"')
    versions = block(newest_page, 'data-testid="versions"')
    assert 'data-number="2"' in versions and 'data-number="1"' in versions
    assert 'data-state="in_review"' in versions and 'data-state="draft"' in versions

    # Changing the old version itself is refused: only the newest changes.
    response = post_form(dpo, f"/dpia/{dpia_id}/edit", sections([], necessity="Tredje"))
    assert response.status_code == 400
    assert dpia_of(app, dpia_id)["necessity"] == "Første udgave"


def test_a_risk_changed_after_submission_goes_into_a_new_version(
    app: Flask, chain: Chain, dpo: FlaskClient, dpia_id: int, dpia_system: int
) -> None:
    post_form(dpo, f"/dpia/{dpia_id}/risks/new", RISK)
    assert post_form(dpo, f"/dpia/{dpia_id}/submit").status_code == 302
    with app.app_context():
        risk_id = db.session.scalars(select(Risk.id)).one()
    response = post_form(
        dpo, f"/risks/{risk_id}/edit", {**RISK, "inherent_likelihood": "1"}, follow_redirects=True
    )
    assert "version 2" in text(response)
    assert dpia_of(app, dpia_id)["risks"][0][1] == 3  # version 1 keeps its score
    with app.app_context():
        newest = db.session.scalars(select(Dpia).where(Dpia.number == 2)).one()
        assert newest.risks[0].inherent_likelihood == 1


def test_submit_without_a_chain_or_with_a_bad_date_is_refused(
    app: Flask, dpo: FlaskClient, dpia_id: int, dpia_system: int
) -> None:
    response = post_form(dpo, f"/dpia/{dpia_id}/submit", {"meeting_on": "not-a-date"}, follow_redirects=True)
    assert "flash-error" in response.get_data(as_text=True)
    response = post_form(dpo, f"/dpia/{dpia_id}/submit", follow_redirects=True)
    assert "flash-error" in response.get_data(as_text=True)  # no approval body yet
    assert dpia_of(app, dpia_id)["state"] == DpiaState.DRAFT


# --- permissions and language -------------------------------------------------------------------------------


def test_a_reader_reads_but_cannot_change(
    app: Flask, reader: FlaskClient, dpia_id: int, dpia_system: int
) -> None:
    page = tab(reader, dpia_system)
    assert len(pending(page)) == 5  # the suggestions are shown
    assert 'data-testid="accept"' not in page and "/edit" not in page.split('data-testid="dpia"')[1]
    for url, data in (
        (f"/systems/{dpia_system}/dpia/start", {}),
        (f"/dpia/{dpia_id}/edit", sections(["large_scale"])),
        (f"/dpia/{dpia_id}/risks/new", RISK),
        (f"/dpia/{dpia_id}/suggestions/accept", {"key": "ai"}),
        (f"/dpia/{dpia_id}/suggestions/dismiss", {"key": "ai"}),
        (f"/dpia/{dpia_id}/submit", {}),
    ):
        assert post_form(reader, url, data).status_code == 403, url
    assert reader.get(f"/dpia/{dpia_id}/edit").status_code == 403
    assert risk_count(app) == 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SuggestionDismissal)) == 0


def test_the_tab_in_english(app: Flask, dpo: FlaskClient, dpia_id: int, dpia_system: int) -> None:
    response = post_form(dpo, "/language", {"lang": "en", "next": f"/systems/{dpia_system}/dpia"})
    assert response.status_code == 302
    page = tab(dpo, dpia_system)
    assert 'lang="en"' in page
    assert "Suggested risks" in page and "Screening" in page and "DPIA required" in page
    assert "Users can enter personal data in free text where none is meant to be" in page
    assert "Data concerning vulnerable data subjects" in page
    with app.app_context():
        assert db.session.get(System, dpia_system) is not None


def test_the_tab_runs_as_many_queries_for_many_risks_as_for_few(
    app: Flask, dpo: FlaskClient, dpia_id: int, dpia_system: int
) -> None:
    from sqlalchemy import event

    from riskreg.dpia import services

    keys, guidelines = measure_id(app, "customer_held_keys"), measure_id(app, "training")

    def add(n: int) -> None:
        with app.app_context():
            dpia = db.session.get(Dpia, dpia_id)
            for i in range(n):
                services.add_risk(
                    db.session,
                    dpia,
                    {**RISK, "title": f"Risiko {i}", "measure_ids": [keys, guidelines]},
                )

    def queries() -> int:
        statements: list[str] = []
        with app.app_context():
            engine = db.engine

        def listener(*args: Any) -> None:
            statements.append(args[2])

        event.listen(engine, "before_cursor_execute", listener)
        try:
            tab(dpo, dpia_system)
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(statements)

    add(2)
    few = queries()
    add(20)
    assert queries() == few
