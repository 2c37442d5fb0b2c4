"""A vendor with systems and sub-processors for the sub-processor import tests, built through the services."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from riskreg.enums import LocationKind, TransferClass
from riskreg.extensions import db
from riskreg.transfers.models import SystemAssessment


@pytest.fixture
def world(app: Flask) -> dict[str, int]:
    """Netcompany (DK), two systems; Microsoft (IE, SCC) and AWS (DE, IE) serve both, Twilio (SE) SBSYS."""
    from riskreg.subprocessors.services import create_sub_processor
    from riskreg.systems.services import create_system
    from riskreg.vendors.services import create_vendor

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


def stored_verdict(app: Flask, system_id: int) -> TransferClass | None:
    """The verdict stored for a system (what lists and the front page read)."""
    with app.app_context():
        row = db.session.scalar(select(SystemAssessment).where(SystemAssessment.system_id == system_id))
        return row.verdict if row is not None else None


CSV_HEADER = "Name,Service,Countries,Transfer mechanism\n"


def csv_list(*rows: str, header: str = CSV_HEADER) -> bytes:
    return (header + "\n".join(rows) + "\n").encode("utf-8")


#: The current list with Microsoft adding India, AWS unchanged, Twilio gone and Zendesk new.
UPDATED = csv_list(
    'Microsoft Ireland Operations Limited,Hosting,"Ireland, India",SCC',
    'Amazon Web Services EMEA SARL,Backup,"Germany; Ireland",',
    "Zendesk Inc.,Support tickets,USA,DPF",
)
