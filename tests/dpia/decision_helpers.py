"""Building cases for the decision, agenda and front-page tests, through the services and the pages."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from riskreg.dpia.models import Decision, Dpia
from riskreg.enums import DpiaState, LocationKind, SystemStatus, TransferMechanism
from riskreg.extensions import db
from tests.conftest import post_form

MEETING = dt.date(2026, 6, 10)
#: Likelihood and consequence giving each residual level.
SCORES = {"low": (1, 2), "medium": (2, 2), "high": (3, 3), "very_high": (4, 4)}
#: The date of the transfer impact assessment ``record_scc_with_tia`` records.
TIA_ON = dt.date(2026, 3, 2)
#: The decision page's refusal of an approval while a transfer has no basis (Danish, as the pages speak).
BLOCKED = "Intet organ må godkende denne sag"


def _without_basis(session: Session, system_id: int) -> list[Any]:
    """The system's sub-processors whose transfer has no basis, or an unknown one (what blocks approval)."""
    from riskreg.systems.models import System

    system = session.get(System, system_id)
    assert system is not None
    found = [
        sp
        for sp in system.vendor.sub_processors
        if not sp.is_archived
        and (not sp.systems or any(s.id == system_id for s in sp.systems))
        and sp.transfer_mechanism in (TransferMechanism.NONE, TransferMechanism.UNKNOWN)
    ]
    assert found, "the system has no sub-processor without a basis"
    return found


def record_scc_with_tia(session: Session, system_id: int, on: dt.date = TIA_ON) -> None:
    """Record SCC and a transfer impact assessment for the system's sub-processors without a basis.

    Through the sub-processor service, as the DPO would. For ``dpia_system`` this unblocks approval, but
    Render Cloud Inc. is still in the US: the system residual is then at least *high* (high exposure), so only
    Styregruppen or Direktionen may approve it.
    """
    from riskreg.subprocessors.services import update_sub_processor

    for sp in _without_basis(session, system_id):
        update_sub_processor(
            session,
            sp,
            {"transfer_mechanism": TransferMechanism.SCC, "tia_on": on},
            [(loc.country_code, loc.kind) for loc in sp.locations],
            [s.id for s in sp.systems],
        )


def remove_transfers_without_basis(session: Session, system_id: int) -> None:
    """Archive the system's sub-processors without a basis (the other way to unblock approval).

    Through the sub-processor service. For ``dpia_system`` nothing leaves the EU then, so the system residual
    is the DPIA's own: a test that gives the DPIA a medium risk has a case the first body may approve.
    """
    from riskreg.subprocessors.services import set_sub_processor_archived

    for sp in _without_basis(session, system_id):
        set_sub_processor_archived(session, sp, True)


def give_basis(app: Flask, dpia_id: int) -> None:
    """``record_scc_with_tia`` for the system of the DPIA ``dpia_id``: approvable, at high (US exposure)."""
    with app.app_context():
        record_scc_with_tia(db.session, db.session.get(Dpia, dpia_id).system_id)


def remove_transfer(app: Flask, dpia_id: int) -> None:
    """``remove_transfers_without_basis`` for the system of the DPIA ``dpia_id``: the DPIA's level decides."""
    with app.app_context():
        remove_transfers_without_basis(db.session, db.session.get(Dpia, dpia_id).system_id)


def submit_case(
    app: Flask,
    dpia_id: int,
    level: str,
    meeting_on: dt.date | None = MEETING,
    proposal: str = "Reject; offer the staff edition instead.",
) -> None:
    """Give the draft one risk of ``level`` and submit it to the first body."""
    from riskreg.dpia import approval, services

    likelihood, consequence = SCORES[level]
    with app.app_context():
        dpia = db.session.get(Dpia, dpia_id)
        services.add_risk(
            db.session,
            dpia,
            {
                "title": "Data reach a country without a basis",
                "inherent_likelihood": likelihood,
                "inherent_consequence": consequence,
            },
        )
        services.save_sections(db.session, dpia, {"proposal": proposal})
        approval.submit(db.session, dpia, "da", meeting_on)


def state(app: Flask, dpia_id: int) -> tuple[DpiaState, int | None, dt.date | None, SystemStatus, int]:
    """The case's state, body, meeting, the system's status and the number of decisions."""
    with app.app_context():
        dpia = db.session.get(Dpia, dpia_id)
        count = db.session.scalar(
            select(func.count()).select_from(Decision).where(Decision.dpia_id == dpia_id)
        )
        return dpia.state, dpia.body_id, dpia.meeting_on, dpia.system.status, count or 0


_FIELD = re.compile(r'<div class="field ([^"]*)">(.*?)</div>', re.S)


def errors_of(html: str, field_id: str) -> list[str]:
    """The error messages shown on the form field ``field_id``."""
    for _classes, body in _FIELD.findall(html):
        if f'id="{field_id}"' in body:
            return re.findall(r'<p class="error" role="alert">(.*?)</p>', body, re.S)
    raise AssertionError(f"no field {field_id}")


def decide(client: FlaskClient, dpia_id: int, **values: Any):  # type: ignore[no-untyped-def]
    """Post the decision form as a browser would: the page's own fields, with ``values`` over them."""
    url = f"/dpia/{dpia_id}/decision"
    html = client.get(url).get_data(as_text=True)
    version = re.search(r'name="version"[^>]*value="(\d+)"', html)
    data = {
        "version": version.group(1) if version else "",
        "meeting_on": MEETING.isoformat(),
        "case_number": "85.15.02G01-11-26",
        "rationale": "",
        "conditions": "",
        "alternative": "",
        "next_meeting_on": "",
        **{k: v for k, v in values.items() if v is not None},
    }
    if data.get("residual_accepted") is False:
        del data["residual_accepted"]
    return post_form(client, url, data)


def new_system(app: Flask, name: str, country: str = "DK") -> int:
    """A system whose vendor processes the data in ``country`` (CN: no basis, not acceptable)."""
    from riskreg.systems.services import create_system
    from riskreg.vendors.services import create_vendor

    with app.app_context():
        vendor = create_vendor(
            db.session, {"name": f"{name} A/S", "country_code": country}, [(country, LocationKind.PROCESSING)]
        )
        return create_system(db.session, {"name": name, "vendor_id": vendor.id, "purpose": "Test"}).id


def start(app: Flask, system_id: int) -> int:
    """A draft DPIA for the system."""
    from riskreg.dpia.services import start_dpia
    from riskreg.systems.models import System

    with app.app_context():
        return start_dpia(db.session, db.session.get(System, system_id), "da").id
