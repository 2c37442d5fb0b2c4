"""The demo's earlier rejection: TikTok (ByteDance Ltd.), loaded once, and Canva's note on 17 December."""

from __future__ import annotations

import datetime as dt

from flask import Flask
from sqlalchemy import func, select

from riskreg.demo.dpias import CANVA, CAPCUT, TIKTOK, dpia_of
from riskreg.dpia.models import Decision, Dpia
from riskreg.dpia.precedents import precedents_for
from riskreg.enums import DecisionOutcome, SystemStatus
from riskreg.extensions import db
from riskreg.systems.models import System
from riskreg.vendors.models import Vendor
from tests.demo.test_demo import row_counts, run_demo


def test_tiktok_is_loaded_once_rejected_before_2026_and_is_capcuts_precedent(app: Flask) -> None:
    run_demo(app)
    with app.app_context():
        session = db.session()
        before = row_counts(session)
    assert "nothing added" in run_demo(app)
    with app.app_context():
        session = db.session()
        assert row_counts(session) == before
        [tiktok] = session.scalars(select(System).where(System.name == TIKTOK)).all()
        assert tiktok.status == SystemStatus.REJECTED
        assert (tiktok.vendor.parent_name, tiktok.vendor.parent_country_code) == ("ByteDance Ltd.", "CN")
        capcut = session.scalars(select(System).where(System.name == CAPCUT)).one()
        assert capcut.vendor.parent_name == tiktok.vendor.parent_name and capcut.vendor_id != tiktok.vendor_id
        assert (
            session.scalar(select(func.count()).select_from(Vendor).where(Vendor.id == tiktok.vendor_id)) == 1
        )
        assert session.scalar(select(func.count()).select_from(Dpia).where(Dpia.system_id == tiktok.id)) == 1
        rejections = session.scalars(
            select(Decision)
            .join(Dpia)
            .where(Dpia.system_id == tiktok.id, Decision.outcome == DecisionOutcome.REJECTED)
        ).all()
        # Rejected at every body (assumed dates: see riskreg/demo/dpias.py); the last body's is final.
        assert [d.body.name for d in rejections] == [
            "Systemgodkendelsesgruppen",
            "Styregruppen for IT-sikkerhed",
            "Direktionen",
        ]
        assert all(d.meeting_on < dt.date(2026, 1, 1) for d in rejections[0].dpia.decisions)

        [precedent] = [p for p in precedents_for(session, capcut.id) if p.system_id == tiktok.id]
        assert (precedent.decided_on, precedent.body, precedent.via) == (
            dt.date(2025, 3, 12),
            "Direktionen",
            ("ByteDance Ltd.",),
        )
        assert "underlagt kinesisk sikkerhedslovgivning" in precedent.rationale


def test_canva_says_styregruppen_re_evaluates_it_on_17_december(app: Flask) -> None:
    run_demo(app)
    with app.app_context():
        dpia = dpia_of(db.session(), CANVA)
        assert dpia is not None
        # The statement is the first body's: it is in that body's rejection, as the minutes give it.
        first = dpia.decisions[0]
        assert first.body.name == "Systemgodkendelsesgruppen"
        assert first.outcome == DecisionOutcome.REJECTED
        assert "Systemgodkendelsesgruppens udtalelse" in first.rationale
        assert "Styregruppen for IT-sikkerhed revurdere Canva den 17. december" in first.rationale
