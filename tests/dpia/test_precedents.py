"""Precedents from the register (riskreg.dpia.precedents), shown on the DPIA tab and the decision page.

The register is built through the real services; the demo's CapCut Pro shows TikTok in Danish and English.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from riskreg.auth.models import User
from riskreg.dpia import approval, services
from riskreg.dpia.precedents import precedents_by_system, precedents_for
from riskreg.enums import DecisionOutcome, LocationKind, Role, SystemStatus
from riskreg.extensions import db
from riskreg.systems.models import System
from tests.conftest import PASSWORD, post_form
from tests.factories import Chain

REASON = "Ejeren er underlagt kinesisk sikkerhedslovgivning."


@pytest.fixture
def register(app: Flask, chain: Chain, make_user: Callable[..., int]) -> Iterator[Any]:
    """Helpers that build vendors, systems, sub-processors and rejections through the services."""
    from riskreg.subprocessors.services import create_sub_processor
    from riskreg.systems.services import create_system
    from riskreg.vendors.services import create_vendor

    dpo_id = make_user(Role.DPO)
    with app.app_context():
        session = db.session()

        class Register:
            def vendor(self, name: str, parent: str = "") -> int:
                values = {"name": name, "country_code": "DK", "parent_name": parent}
                return create_vendor(session, values, [("DK", LocationKind.PROCESSING)]).id

            def system(self, name: str, vendor_id: int, **values: Any) -> int:
                return create_system(
                    session, {"name": name, "vendor_id": vendor_id, "purpose": "Afprøvning", **values}
                ).id

            def sub_processor(self, vendor_id: int, name: str, parent: str, **kwargs: Any) -> None:
                from riskreg.vendors.models import Vendor

                create_sub_processor(
                    session,
                    session.get(Vendor, vendor_id),
                    {"name": name, "country_code": "DK", "parent_company": parent},
                    [("DK", LocationKind.PROCESSING)],
                    **kwargs,
                )

            def reject(self, system_id: int, on: dt.date, rationale: str = REASON) -> None:
                system = session.get(System, system_id)
                dpia = services.current_dpia(session, system_id) or services.start_dpia(session, system, "da")
                dpia = services.save_sections(session, dpia, {"description": "Beskrivelse"})
                approval.submit(session, dpia, "da", on)
                approval.record_decision(
                    session,
                    dpia,
                    {
                        "body_id": chain.first,
                        "outcome": DecisionOutcome.REJECTED.value,
                        "meeting_on": on,
                        "rationale": rationale,
                    },
                    session.get(User, dpo_id),
                    "da",
                )

        yield session, Register()


def test_a_parent_shared_with_another_vendor_shows_that_rejection(register: Any) -> None:
    session, reg = register
    tiktok = reg.system("TikTok", reg.vendor("TikTok Technology Limited", "ByteDance Ltd."))
    capcut = reg.system("CapCut Pro", reg.vendor("ByteDance", "ByteDance Ltd."))
    reg.reject(tiktok, dt.date(2025, 3, 12))

    [precedent] = precedents_for(session, capcut)
    assert (precedent.system_id, precedent.system_name, precedent.decided_on) == (
        tiktok,
        "TikTok",
        dt.date(2025, 3, 12),
    )
    assert (precedent.body, precedent.rationale, precedent.via) == (
        "Systemgodkendelsesgruppen",
        REASON,
        ("ByteDance Ltd.",),
    )
    # TikTok is not its own precedent, but CapCut Pro is not rejected: TikTok has none.
    assert precedents_for(session, tiktok) == []


def test_similar_names_and_legal_suffixes_are_no_precedent(register: Any) -> None:
    session, reg = register
    dropbox_inc = reg.system("Dropbox Business", reg.vendor("Dropbox, Inc."))
    reg.reject(dropbox_inc, dt.date(2025, 1, 9))
    dropbox = reg.system("Dropbox Education", reg.vendor("Dropbox"))
    similar = reg.system("Box", reg.vendor("Dropbox Inc"))
    assert precedents_by_system(session, [dropbox, similar]) == {}


def test_a_sub_processor_parent_counts_only_for_the_systems_it_serves(register: Any) -> None:
    session, reg = register
    rejected = reg.system("Copilot", reg.vendor("Microsoft Ireland Operations Ltd", "Microsoft Corporation"))
    reg.reject(rejected, dt.date(2025, 5, 2))
    vendor = reg.vendor("Momentum-leverandøren")
    served = reg.system("AI-assistent", vendor)
    not_served = reg.system("Sagssystem", vendor)
    reg.sub_processor(
        vendor, "Microsoft Ireland Operations Ltd", "Microsoft Corporation", system_ids=[served]
    )

    found = precedents_by_system(session, [served, not_served])
    assert list(found) == [served]
    assert [(p.system_name, p.via) for p in found[served]] == [("Copilot", ("Microsoft Corporation",))]


def test_status_rejected_counts_and_the_newest_rejection_is_shown(register: Any) -> None:
    session, reg = register
    vendor = reg.vendor("ByteDance", "ByteDance Ltd.")
    reg.system("Lemon8", vendor, status=SystemStatus.REJECTED)
    twice = reg.system("TikTok", vendor)
    reg.reject(twice, dt.date(2025, 3, 12), "Første afvisning")
    reg.reject(twice, dt.date(2025, 9, 4), "Anden afvisning")
    approved = reg.system("Adobe Express", reg.vendor("Adobe", "Adobe Inc."), status=SystemStatus.APPROVED)
    capcut = reg.system("CapCut Pro", vendor)

    found = precedents_for(session, capcut)
    assert [(p.system_name, p.decided_on, p.rationale) for p in found] == [
        ("TikTok", dt.date(2025, 9, 4), "Anden afvisning"),
        ("Lemon8", None, ""),
    ]
    assert approved not in {p.system_id for p in found}


def test_two_queries_however_many_rejections(register: Any) -> None:
    session, reg = register
    capcut = reg.system("CapCut Pro", reg.vendor("ByteDance", "ByteDance Ltd."))
    counted: list[str] = []

    def count(*_args: object) -> None:
        counted.append("q")

    def queries() -> int:
        counted.clear()
        engine = session.get_bind()
        event.listen(engine, "before_cursor_execute", count)
        try:
            precedents_for(session, capcut)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(counted)

    for i in range(3):
        reg.reject(
            reg.system(f"ByteDance-app {i}", reg.vendor(f"ByteDance {i}", "ByteDance Ltd.")),
            dt.date(2025, 1, 1 + i),
        )
    few = queries()
    for i in range(3, 8):
        reg.reject(
            reg.system(f"ByteDance-app {i}", reg.vendor(f"ByteDance {i}", "ByteDance Ltd.")),
            dt.date(2025, 1, 1 + i),
        )
    assert len(precedents_for(session, capcut)) == 8
    assert few == queries() == 2


# --- the pages, on the demo register ------------------------------------------------------------------------


def demo_client(app: Flask, role: Role, lang: str) -> FlaskClient:
    from riskreg.auth.services import create_user

    with app.app_context():
        create_user(db.session, f"{role.value}-precedents@example.dk", role, PASSWORD)
    client = app.test_client()
    response = post_form(
        client, "/login", {"email": f"{role.value}-precedents@example.dk", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert post_form(client, "/language", {"lang": lang, "next": "/"}).status_code == 302
    return client


def ids(app: Flask) -> tuple[int, int, int]:
    from riskreg.demo.dpias import CAPCUT, TIKTOK

    with app.app_context():
        session: Session = db.session()
        capcut = session.scalars(select(System).where(System.name == CAPCUT)).one()
        tiktok = session.scalars(select(System).where(System.name == TIKTOK)).one()
        dpia = services.current_dpia(session, capcut.id)
        assert dpia is not None
        return capcut.id, tiktok.id, dpia.id


def precedents_block(page: str) -> str:
    assert 'data-testid="precedents"' in page, "no precedents on the page"
    return html.unescape(page.split('data-testid="precedents"', 1)[1].split("</section>", 1)[0])


@pytest.mark.parametrize(
    ("lang", "heading", "line"),
    [
        ("da", "Præcedens: tidligere afvisninger", "afvist den 12-03-2025 af Direktionen"),
        ("en", "Precedents: earlier rejections", "rejected on 12 Mar 2025 by Direktionen"),
    ],
)
def test_capcut_shows_tiktok_on_the_dpia_tab_and_the_decision_page(
    demo_app: Flask, lang: str, heading: str, line: str
) -> None:
    capcut, tiktok, dpia = ids(demo_app)
    client = demo_client(demo_app, Role.DPO, lang)
    for url in (f"/systems/{capcut}/dpia", f"/dpia/{dpia}/decision"):
        response = client.get(url)
        assert response.status_code == 200, url
        block = precedents_block(response.get_data(as_text=True))
        assert heading in block, url
        assert f'href="/systems/{tiktok}"' in block and ">TikTok</a>" in block, url
        assert line in " ".join(block.split()), url
        assert "underlagt kinesisk sikkerhedslovgivning" in block, url
        assert "ByteDance Ltd." in block, url


def test_a_system_without_precedents_shows_none(demo_app: Flask) -> None:
    with demo_app.app_context():
        adobe = db.session.scalars(select(System.id).where(System.name == "Adobe Creative Cloud")).one()
    client = demo_client(demo_app, Role.READER, "da")
    page = client.get(f"/systems/{adobe}/dpia").get_data(as_text=True)
    assert 'data-testid="precedents"' not in page
