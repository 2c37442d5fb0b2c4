"""Fixtures of the imports tests (each import adds its own, named after it)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask

from riskreg.enums import LocationKind
from riskreg.extensions import db
from riskreg.subprocessors.services import create_sub_processor
from riskreg.vendors.models import Vendor
from riskreg.vendors.services import create_vendor

DATA = Path(__file__).resolve().parent.parent / "data"


@dataclass(frozen=True)
class DpfRegister:
    """Ids of the vendors (``v``) and sub-processors (``sp``) that ``tests/data/dpf_list.csv`` is about."""

    v: dict[str, int]
    sp: dict[str, int]


@pytest.fixture
def dpf_register(app: Flask) -> DpfRegister:
    """Vendors and sub-processors named as people write them, beside the DPF list in ``tests/data``."""
    us = [("US", LocationKind.PROCESSING)]
    vendors = {
        "zoom": {"name": "Zoom Video Communications, Inc.", "country_code": "US"},
        "microsoft_ie": {"name": "Microsoft Ireland Operations Ltd", "country_code": "IE"},
        "acme": {"name": "Acme Cloud ApS", "country_code": "DK"},
        "smith": {"name": "Smith & Nephew plc", "country_code": "GB"},
        "twilio": {"name": "Twilio Inc.", "country_code": "US", "dpf_status": "active"},
        "renamed": {"name": "Metrics Vendor", "country_code": "US", "dpf_listed_name": "Datadog Inc"},
        "salesforce": {"name": "Salesforce.com", "country_code": "US"},
        "netcompany": {"name": "Netcompany A/S", "country_code": "DK"},
    }
    with app.app_context():
        session = db.session
        v = {key: create_vendor(session, values, us).id for key, values in vendors.items()}
        parent = session.get_one(Vendor, v["microsoft_ie"])
        sp = {
            "microsoft": create_sub_processor(
                session, parent, {"name": "Microsoft Corporation", "country_code": "US"}, us
            ).id
        }
        db.session.remove()
    return DpfRegister(v, sp)
