"""Building cases for the decision, agenda and front-page tests, through the services and the pages."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from riskreg.dpia.models import Decision, Dpia
from riskreg.enums import DpiaState, LocationKind, SystemStatus
from riskreg.extensions import db
from tests.conftest import post_form

MEETING = dt.date(2026, 6, 10)
#: Likelihood and consequence giving each residual level.
SCORES = {"low": (1, 2), "medium": (2, 2), "high": (3, 3), "very_high": (4, 4)}


def submit_case(
    app: Flask,
    dpia_id: int,
    level: str,
    meeting_on: dt.date | None = MEETING,
    proposal: str = "Reject; offer the staff edition instead.",
) -> None:
    """Give the draft one risk of ``level`` and submit it to the first body."""
    from riskreg.dpia import services

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
        services.submit(db.session, dpia, "da", meeting_on)


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
