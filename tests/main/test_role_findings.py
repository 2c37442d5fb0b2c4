"""The findings from the vendors' roles on the front page and on a system's page, read in English."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from riskreg.agreements.services import create_agreement
from riskreg.enums import VendorRole
from riskreg.extensions import db
from riskreg.systems.models import System
from tests import factories
from tests.conftest import app_for
from tests.pages import in_english, text

CHATGPT = "ChatGPT (gratis udgave)"
PORTAL = "Mødeportalen Borgerhøringer"


@pytest.fixture
def app(request: pytest.FixtureRequest) -> Flask:
    return app_for(request, "demo")


@pytest.fixture
def demo(app: Flask, demo_app: Flask) -> dict[str, int]:
    """The demo register (a copy, as the app of this test); system name -> id."""
    assert app is demo_app
    with app.app_context():
        return {name: sid for sid, name in db.session.execute(select(System.id, System.name))}


def section(page: str, testid: str) -> str:
    """The table with ``data-testid=testid``."""
    start = page.index(f'data-testid="{testid}"')
    return page[start : page.index("</table>", start)]


def linked_systems(block: str) -> list[str]:
    return re.findall(r'<a href="/systems/\d+">([^<]+)</a>', block)


def test_front_page_lists_each_kind_with_its_count_and_links(demo: dict[str, int], login) -> None:
    page = text(in_english(login("reader")).get("/"))
    disclosure = section(page, "role-disclosure")
    assert linked_systems(disclosure) == [CHATGPT]
    assert f'href="/systems/{demo[CHATGPT]}"' in disclosure
    assert "OpenAI Ireland Limited is an independent controller" in disclosure
    assert "cannot be covered by a data processing agreement" in disclosure
    assert 'data-testid="role-count-disclosure">1<' in page
    assert "Disclosure: needs its own legal basis" in page
    no_dpa = section(page, "role-no_dpa")
    # CapCut Pro's vendor offered no DPA either (postponed, still in use); TikTok, rejected, is not in use.
    assert linked_systems(no_dpa) == ["CapCut Pro", PORTAL]
    assert "Mødeportalen ApS is a processor for Mødeportalen Borgerhøringer" in no_dpa
    assert "Processor without a data processing agreement" in page
    assert 'data-testid="role-joint_controller"' not in page


def test_system_page_shows_the_finding_instead_of_the_bare_no_dpa_line(demo: dict[str, int], login) -> None:
    client = in_english(login("reader"))
    portal = text(client.get(f"/systems/{demo[PORTAL]}"))
    assert 'data-testid="role-findings"' in portal
    assert "Processor without a data processing agreement" in portal
    (no_dpa,) = re.findall(r'data-testid="no-dpa">([^<]+)<', portal)
    assert no_dpa.startswith("Mødeportalen ApS is a processor for Mødeportalen Borgerhøringer")
    assert "No data processing agreement recorded." not in portal
    assert re.search(r'data-testid="role">Processor<', portal)

    chatgpt = text(client.get(f"/systems/{demo[CHATGPT]}"))
    findings = chatgpt[
        chatgpt.index('data-testid="role-findings"') : chatgpt.index('data-testid="countries"')
    ]
    assert "Disclosure: needs its own legal basis" in findings
    assert "OpenAI Ireland Limited uses the data or metadata of ChatGPT (gratis udgave)" in findings
    assert "j.nr. 2023-431-0001" in findings
    assert 'data-testid="no-dpa"' not in chatgpt  # no DPA could cover a disclosure
    assert re.search(r'data-testid="role">Independent controller<', chatgpt)
    assert "The vendor uses the data or metadata for its own purposes" in chatgpt

    momentum = text(client.get(f"/systems/{demo['Momentum']}"))
    assert 'data-testid="role-findings"' not in momentum


def test_a_system_with_its_own_role_shows_it(app: Flask, login) -> None:
    with app.app_context():
        mentimeter = factories.make_vendor(
            db.session, "Mentimeter AB", (("SE", "processing"),), country_code="SE"
        )
        quiz = factories.make_system(db.session, "Mentimeter i undervisningen", mentimeter.id)
        create_agreement(db.session, mentimeter, {"template": "Mentimeter DPA"})
        quiz.vendor_role = VendorRole.INDEPENDENT_CONTROLLER  # account data: Mentimeter's own
        db.session.commit()
        quiz_id = quiz.id
    client: FlaskClient = in_english(login("reader"))
    page = text(client.get(f"/systems/{quiz_id}"))
    assert re.search(
        r'data-testid="role">Independent controller <span class="muted">\(for this system\)', page
    )
    assert "Mentimeter AB is an independent controller for Mentimeter i undervisningen" in page
    front = text(client.get("/"))
    assert linked_systems(section(front, "role-disclosure")) == ["Mentimeter i undervisningen"]
