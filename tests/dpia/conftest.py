"""Fixtures for DPIA tests: the municipality's chain of bodies and a system whose facts suggest risks.

Everything is built through the real services, as the pages would.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask

from riskreg.enums import (
    DataCategory,
    DataSubject,
    DpfStatus,
    LocationKind,
    RiskLevel,
    TransferMechanism,
)
from riskreg.extensions import db


@dataclass(frozen=True)
class Chain:
    first: int  # ceiling medium
    second: int  # ceiling high
    final: int  # ceiling very high


@pytest.fixture
def chain(app: Flask) -> Chain:
    """Systemgodkendelsesgruppen (medium) -> Styregruppen (high) -> Direktionen (very high, final)."""
    from riskreg.bodies.services import create_body

    with app.app_context():
        ids = [
            create_body(db.session, name, ceiling).id
            for name, ceiling in (
                ("Systemgodkendelsesgruppen", RiskLevel.MEDIUM),
                ("Styregruppen for IT-sikkerhed", RiskLevel.HIGH),
                ("Direktionen", RiskLevel.VERY_HIGH),
            )
        ]
    return Chain(*ids)


@pytest.fixture
def dpia_system(app: Flask) -> int:
    """A school tool: pupils, CPR numbers, free text, AI, and a US sub-processor without DPF or SCC."""
    from riskreg.subprocessors.services import create_sub_processor
    from riskreg.systems.services import create_system
    from riskreg.vendors.services import create_vendor

    with app.app_context():
        vendor = create_vendor(
            db.session, {"name": "Skoleportal ApS", "country_code": "DK"}, [("DK", LocationKind.PROCESSING)]
        )
        system = create_system(
            db.session,
            {
                "name": "Tegneværktøj",
                "vendor_id": vendor.id,
                "purpose": "Billedredigering i undervisningen",
                "has_free_text": True,
                "has_ai": True,
                "ai_description": "Tekst til billede",
            },
            departments=["Børne- og Ungeforvaltningen"],
            data_subjects=[DataSubject.CHILDREN],
            data_categories=[DataCategory.ORDINARY, DataCategory.CPR],
        )
        create_sub_processor(
            db.session,
            vendor,
            {
                "name": "Render Cloud Inc.",
                "country_code": "US",
                "transfer_mechanism": TransferMechanism.NONE,
                "dpf_status": DpfStatus.NOT_LISTED,
            },
            [("US", LocationKind.PROCESSING)],
            system_ids=[system.id],
        )
        return system.id


@pytest.fixture
def dpia_id(app: Flask, dpia_system: int) -> int:
    """A draft DPIA (version 1) started for ``dpia_system``."""
    from riskreg.dpia.services import start_dpia
    from riskreg.systems.models import System

    with app.app_context():
        return start_dpia(db.session, db.session.get(System, dpia_system), "da").id
