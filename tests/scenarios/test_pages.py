"""The scenario pages: the list, the impact report (Danish and English, any date), a new scenario."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from riskreg.countries.models import CountryList, CountryListVersion
from riskreg.enums import CountryListKind, CountryStatus, LocationKind, Role, TransferMechanism
from riskreg.extensions import db
from riskreg.transfers import sources
from tests.conftest import post_form
from tests.pages import in_english, text

CHANGED = re.compile(r'data-testid="change" data-system="([^"]+)"')
MOMENTUM = "Momentum – AI-tekstassistent"
ADOBE = "Adobe Creative Cloud"


def changed_systems(page: str) -> list[str]:
    return CHANGED.findall(page)


def system_block(page: str, name: str) -> str:
    start = page.index(f'data-system="{name}"')
    end = page.find("</article>", start)
    return page[start:end]


# --- the DPF invalidated report on the demo register ------------------------------------------------------


def test_dpf_invalidated_in_english(
    demo: Flask, login: Callable[..., FlaskClient], dpf_invalidated: int
) -> None:
    client = in_english(login(Role.READER))
    response = client.get(f"/scenarios/{dpf_invalidated}")
    assert response.status_code == 200
    page = text(response)
    assert sorted(changed_systems(page)) == [ADOBE, MOMENTUM]
    # The EU-only systems and the cases that were already without a basis do not move.
    for unchanged in ("CapCut Pro", "Canva via SkoleTube", "Canva Teams (kun medarbejdere)"):
        assert f'data-system="{unchanged}"' not in page

    momentum = system_block(page, MOMENTUM)
    assert 'badge-class-dpf" data-testid="before">DPF (fragile)' in momentum
    assert 'badge-class-no_basis" data-testid="after">No basis' in momentum
    assert "Microsoft Corporation has support access from United States" in momentum
    assert "is active there: lawful, but fragile" in momentum  # before
    assert "United States has no adequacy for Microsoft Corporation" in momentum  # after
    assert "with the scenario DPF invalidated" in momentum

    adobe = system_block(page, ADOBE)
    assert 'data-testid="before">DPF (fragile)' in adobe and 'data-testid="after">No basis' in adobe
    assert "United States has no adequacy for Adobe" in adobe

    # The lists compared.
    assert "version in force from" in page and "with the scenario DPF invalidated" in page
    assert "United States" in page and "No adequacy" in page  # the override


def test_dpf_invalidated_in_danish(
    demo: Flask, login: Callable[..., FlaskClient], dpf_invalidated: int
) -> None:
    page = text(login(Role.READER).get(f"/scenarios/{dpf_invalidated}"))
    assert sorted(changed_systems(page)) == [ADOBE, MOMENTUM]
    momentum = system_block(page, MOMENTUM)
    assert "Intet overførselsgrundlag" in momentum
    assert "supportadgang fra USA" in momentum
    assert "med scenariet DPF invalidated" in momentum or "scenariet DPF invalidated" in momentum
    assert "support access" not in page


def test_the_list_of_scenarios_counts_the_systems_that_change(
    demo: Flask, login: Callable[..., FlaskClient], dpf_invalidated: int
) -> None:
    page = text(in_english(login(Role.READER)).get("/scenarios/"))
    row = page[page.index('data-scenario="DPF invalidated"') :]
    row = row[: row.index("</tr>")]
    assert "United States" in row and "No adequacy" in row
    changed = re.search(r'data-testid="changed"><a href="[^"]+">(\d+)</a>', row)
    assert changed and changed.group(1) == "2"
    assert "Hvad hvis EU-Domstolen" in row  # the description
    # A reader is not offered the new-scenario button.
    assert "/scenarios/new" not in page


def test_unknown_or_official_list_is_404(app: Flask, login: Callable[..., FlaskClient]) -> None:
    client = login(Role.READER)
    with app.app_context():
        official = db.session.scalars(
            select(CountryList.id).where(CountryList.kind == CountryListKind.OFFICIAL)
        ).first()
    assert client.get(f"/scenarios/{official}").status_code == 404
    assert client.get("/scenarios/99999").status_code == 404


# --- dates -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "value", "message"),
    [
        ("en", "2026-13-01", "Not a date: 2026-13-01. Showing the impact today."),
        ("da", "2026-13-01", "Ikke en dato: 2026-13-01."),
        ("en", "2000-01-01", "No version of the official list was in force on 1 Jan 2000"),
        ("da", "2000-01-01", "Ingen version af den officielle liste var gældende den 01-01-2000"),
    ],
)
def test_a_bad_or_too_early_date_falls_back_to_today(
    demo: Flask,
    login: Callable[..., FlaskClient],
    dpf_invalidated: int,
    lang: str,
    value: str,
    message: str,
) -> None:
    client = login(Role.READER)
    if lang == "en":
        in_english(client)
    response = client.get(f"/scenarios/{dpf_invalidated}?as_of={value}")
    assert response.status_code == 200
    page = text(response)
    assert message in page
    assert f'value="{sources.today().isoformat()}"' in page
    assert sorted(changed_systems(page)) == [ADOBE, MOMENTUM]


def test_as_of_a_past_date_uses_the_list_in_force_then(
    demo: Flask, login: Callable[..., FlaskClient], dpf_invalidated: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    with demo.app_context():
        first = min(
            db.session.scalars(
                select(CountryListVersion.effective_on)
                .join(CountryList)
                .where(CountryList.kind == CountryListKind.OFFICIAL)
            )
        )
    page = text(in_english(login(Role.READER)).get(f"/scenarios/{dpf_invalidated}?as_of={first.isoformat()}"))
    assert "Not a date" not in page and "No version of the official list" not in page
    assert f'value="{first.isoformat()}"' in page


# --- reading changes nothing -------------------------------------------------------------------------------


def test_viewing_a_report_leaves_the_official_data_alone(
    demo: Flask, login: Callable[..., FlaskClient], dpf_invalidated: int, official_data: Callable[[], Any]
) -> None:
    before = official_data()
    assert before["system_assessment"] and before["official_entries"]
    client = login(Role.READER)
    for url in (
        "/scenarios/",
        f"/scenarios/{dpf_invalidated}",
        f"/scenarios/{dpf_invalidated}?as_of=2000-01-01",
        f"/scenarios/{dpf_invalidated}?as_of=nonsense",
    ):
        assert client.get(url).status_code == 200
    assert official_data() == before


# --- a new scenario ----------------------------------------------------------------------------------------


def form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "UK adequacy lapses",
        "description": "What if the UK adequacy decision is not renewed?",
        "effective_on": "2026-12-27",
        "overrides-0-country_code": "GB",
        "overrides-0-status": "none",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def uk_system(app: Flask) -> int:
    """A system whose vendor processes in the UK with no transfer tool, and one that stays in Denmark."""
    from riskreg.systems.services import create_system
    from riskreg.vendors.services import create_vendor

    with app.app_context():
        uk = create_vendor(
            db.session,
            {
                "name": "London Hosting Ltd",
                "country_code": "GB",
                "transfer_mechanism": TransferMechanism.NONE,
            },
            [("GB", LocationKind.PROCESSING)],
        )
        dk = create_vendor(
            db.session, {"name": "Aarhus Drift A/S", "country_code": "DK"}, [("DK", LocationKind.PROCESSING)]
        )
        system_id = create_system(db.session, {"name": "Borgerportal", "vendor_id": uk.id}).id
        create_system(db.session, {"name": "Lønsystem", "vendor_id": dk.id})
        return system_id


@pytest.mark.parametrize("role", [Role.DPO, Role.ADMIN])
def test_create_a_scenario_and_read_its_report(
    app: Flask,
    login: Callable[..., FlaskClient],
    uk_system: int,
    official_data: Callable[[], Any],
    role: Role,
) -> None:
    before = official_data()
    client = in_english(login(role))
    page = text(client.get("/scenarios/new"))
    assert f'value="{sources.today().isoformat()}"' in page  # the effective date starts as today
    response = post_form(client, "/scenarios/new", form())
    assert response.status_code == 302, text(response)
    with app.app_context():
        scenario = db.session.scalars(
            select(CountryList).where(CountryList.name == "UK adequacy lapses")
        ).one()
        assert scenario.kind == CountryListKind.SCENARIO
        assert scenario.description == "What if the UK adequacy decision is not renewed?"
        (version,) = scenario.versions
        assert version.effective_on == dt.date(2026, 12, 27)
        assert version.note == scenario.description
        assert version.created_by_id == client.user_id  # type: ignore[attr-defined]
        assert [(e.country_code, e.status) for e in version.entries] == [("GB", CountryStatus.NONE)]
        scenario_id = scenario.id
    assert response.headers["Location"].endswith(f"/scenarios/{scenario_id}")
    assert official_data() == before

    page = text(client.get(response.headers["Location"]))
    assert "Scenario UK adequacy lapses created." in page
    assert changed_systems(page) == ["Borgerportal"]
    block = system_block(page, "Borgerportal")
    assert 'data-testid="before">Adequate' in block and 'data-testid="after">No basis' in block
    assert "London Hosting Ltd" in block
    assert "United Kingdom has an adequacy decision" in block
    assert "United Kingdom has no adequacy for London Hosting Ltd" in block
    assert "with the scenario UK adequacy lapses" in page
    assert official_data() == before

    listing = text(client.get("/scenarios/"))
    row = listing[listing.index('data-scenario="UK adequacy lapses"') :]
    assert re.search(r'data-testid="changed"><a href="[^"]+">1</a>', row[: row.index("</tr>")])


def test_a_scenario_that_changes_nothing_says_so(
    app: Flask, login: Callable[..., FlaskClient], uk_system: int
) -> None:
    client = in_english(login(Role.DPO))
    response = post_form(
        client,
        "/scenarios/new",
        form(
            name="Denmark stays",
            description="",
            **{"overrides-0-country_code": "DK", "overrides-0-status": "eu"},
        ),
    )
    assert response.status_code == 302
    page = text(client.get(response.headers["Location"]))
    assert changed_systems(page) == []
    assert "No system changes verdict or outcome under this scenario." in page
    with app.app_context():
        scenario = db.session.scalars(select(CountryList).where(CountryList.name == "Denmark stays")).one()
        assert scenario.versions[0].note  # a fixed note when there is no description


def test_the_form_in_danish(login: Callable[..., FlaskClient]) -> None:
    page = text(login(Role.DPO).get("/scenarios/new"))
    assert "Nyt scenarie" in page
    refused = text(post_form(login(Role.DPO), "/scenarios/new", form(name="")))
    assert "Navnet skal angives." in refused


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "The name is required."),
        ({"name": "dpf INVALIDATED"}, "There is already a country list called dpf INVALIDATED."),
        ({"name": "x" * 121}, "Field cannot be longer than 120 characters."),
        ({"overrides-0-country_code": ""}, "Name at least one country and its status under the scenario."),
        ({"overrides-0-country_code": "XX"}, "Unknown country: XX"),
        ({"overrides-0-status": "bogus"}, "Not a valid choice."),
        (
            {"overrides-1-country_code": "GB", "overrides-1-status": "adequacy"},
            "GB is on the list twice.",
        ),
        ({"effective_on": "2026-02-30"}, "Not a valid date value."),
        ({"effective_on": ""}, "The effective date is required."),
        ({"description": "x" * 2001}, "Field cannot be longer than 2000 characters."),
    ],
)
def test_an_invalid_form_changes_nothing(
    login: Callable[..., FlaskClient],
    list_counts: Callable[[], tuple[int, int, int]],
    official_data: Callable[[], Any],
    changes: dict[str, Any],
    message: str,
) -> None:
    client = in_english(login(Role.DPO))
    before, data = list_counts(), official_data()
    response = post_form(client, "/scenarios/new", form(**changes))
    assert response.status_code == 400
    page = text(response)
    assert message in page
    assert "Nothing was saved." in page
    assert list_counts() == before
    assert official_data() == data


def test_the_service_refuses_a_bad_entry_and_leaves_no_list_behind(
    app: Flask, list_counts: Callable[[], tuple[int, int, int]]
) -> None:
    from riskreg.errors import DomainError
    from riskreg.scenarios.services import create_scenario

    before = list_counts()
    with app.test_request_context(), pytest.raises(DomainError):
        # The form checks countries too; the service is the last line (the list must not stay pending).
        create_scenario(db.session, "Nowhere", "", dt.date(2026, 1, 1), {"XX": CountryStatus.NONE})
    with app.test_request_context():
        db.session.commit()  # nothing pending is written by a later commit
        db.session.remove()
    assert list_counts() == before


def test_without_csrf_token_nothing_is_created(
    login: Callable[..., FlaskClient], list_counts: Callable[[], tuple[int, int, int]]
) -> None:
    client = login(Role.DPO)
    before = list_counts()
    response = client.post("/scenarios/new", data=form())
    assert response.status_code == 400
    assert list_counts() == before


@pytest.mark.parametrize("role", [Role.READER, Role.STEERING, Role.SECURITY])
def test_only_dpo_and_admin_create_scenarios(
    login: Callable[..., FlaskClient], list_counts: Callable[[], tuple[int, int, int]], role: Role
) -> None:
    client = login(role)
    before = list_counts()
    assert client.get("/scenarios/new").status_code == 403
    assert post_form(client, "/scenarios/new", form()).status_code == 403
    assert list_counts() == before
    assert "/scenarios/new" not in text(client.get("/scenarios/"))


# --- the scenario on the country-list pages ----------------------------------------------------------------


def test_the_scenario_list_page_explains_overrides(
    app: Flask, login: Callable[..., FlaskClient], dpf_invalidated: int
) -> None:
    page = text(in_english(login(Role.READER)).get(f"/countries/{dpf_invalidated}"))
    assert "Countries the scenario does not name keep their official status." in page
    assert "A country that is not on the list has no adequacy." not in page
    with app.app_context():
        official = db.session.scalars(
            select(CountryList.id).where(CountryList.kind == CountryListKind.OFFICIAL)
        ).first()
    official_page = text(in_english(login(Role.READER)).get(f"/countries/{official}"))
    assert "A country that is not on the list has no adequacy." in official_page


def test_a_new_version_of_a_scenario_through_the_country_list_pages(
    app: Flask, login: Callable[..., FlaskClient], uk_system: int, official_data: Callable[[], Any]
) -> None:
    dpo = in_english(login(Role.DPO))
    created = post_form(dpo, "/scenarios/new", form(effective_on=sources.today().isoformat()))
    scenario_id = int(created.headers["Location"].rsplit("/", 1)[1])
    before = official_data()

    admin = in_english(login(Role.ADMIN))
    page = text(admin.get(f"/countries/{scenario_id}/versions/new"))
    assert "a country left off keeps its status on the official list" in page
    latest = re.search(r'name="latest_id" type="hidden" value="(\d+)"', page) or re.search(
        r'name="latest_id" value="(\d+)"', page
    )
    assert latest
    # The UK gets SCC-free adequacy back under the scenario's second version: the report goes quiet.
    response = post_form(
        admin,
        f"/countries/{scenario_id}/versions/new",
        {
            "effective_on": (sources.today() + dt.timedelta(days=1)).isoformat(),
            "note": "The lapse is averted.",
            "latest_id": latest.group(1),
            "entries-0-existing": "1",
            "entries-0-country_code": "GB",
            "entries-0-status": "adequacy",
        },
    )
    assert response.status_code == 302, text(response)
    # Each version of a scenario applies from its own date: today the lapse, from tomorrow the reprieve.
    today_page = text(dpo.get(f"/scenarios/{scenario_id}"))
    assert changed_systems(today_page) != []
    tomorrow = (sources.today() + dt.timedelta(days=1)).isoformat()
    tomorrow_page = text(dpo.get(f"/scenarios/{scenario_id}?as_of={tomorrow}"))
    assert changed_systems(tomorrow_page) == []
    # The overrides shown are those of the version applied on the day.
    gb_status = re.compile(r'GB</span> → <span class="badge badge-(\w+)"')
    assert set(gb_status.findall(today_page)) == {"none"}
    assert set(gb_status.findall(tomorrow_page)) == {"adequacy"}
    assert official_data() == before
