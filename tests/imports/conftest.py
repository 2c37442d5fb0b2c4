"""Fixtures of the imports tests: the country names, and the register each import's tests start from."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from riskreg.enums import LocationKind
from riskreg.extensions import db
from riskreg.imports.country_names import CountryIndex
from riskreg.reference.loader import country_names
from riskreg.subprocessors.services import create_sub_processor
from riskreg.systems.services import create_system
from riskreg.vendors.models import Vendor
from riskreg.vendors.services import create_vendor
from tests.imports.helpers import DpfRegister


@pytest.fixture(scope="module")
def index() -> CountryIndex:
    """Every country riskreg knows, by its English and Danish names, without a database."""
    # The rows the service reads from the country table (which the reference loader fills).
    return CountryIndex.from_rows((code, en, da) for code, (en, da) in country_names().items())


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


@pytest.fixture
def world(app: Flask) -> dict[str, int]:
    """Netcompany (DK), two systems; Microsoft (IE, SCC) and AWS (DE, IE) serve both, Twilio (SE) SBSYS."""
    with app.app_context():
        s = db.session
        vendor = create_vendor(
            s, {"name": "Netcompany A/S", "country_code": "DK"}, [("DK", LocationKind.PROCESSING)]
        )
        other = create_vendor(s, {"name": "KMD A/S", "country_code": "DK"}, [("DK", LocationKind.PROCESSING)])
        momentum = create_system(s, {"name": "Momentum", "vendor_id": vendor.id})
        sbsys = create_system(s, {"name": "SBSYS", "vendor_id": vendor.id})
        create_system(s, {"name": "KMD Nexus", "vendor_id": other.id})

        def sub(name: str, countries: tuple[str, ...], systems: tuple[int, ...] = (), **values: Any) -> int:
            locations = [(c, LocationKind.PROCESSING) for c in countries]
            return create_sub_processor(s, vendor, {"name": name, **values}, locations, list(systems)).id

        return {
            "vendor": vendor.id,
            "other": other.id,
            "momentum": momentum.id,
            "sbsys": sbsys.id,
            "microsoft": sub(
                "Microsoft Ireland Operations Ltd", ("IE",), service="Hosting", transfer_mechanism="scc"
            ),
            "aws": sub("Amazon Web Services EMEA SARL", ("DE", "IE"), service="Backup"),
            "twilio": sub("Twilio Ireland Limited", ("SE",), (sbsys.id,), service="SMS"),
        }
