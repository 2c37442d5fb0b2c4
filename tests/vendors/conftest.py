"""Factories for the vendors area (colleagues may copy ``make_vendor``)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from riskreg.audit import AuditEntry
from riskreg.enums import LocationKind
from riskreg.extensions import db
from tests.pages import in_english

_names = itertools.count(1)


@pytest.fixture
def make_vendor(app: Flask) -> Callable[..., int]:
    """``make_vendor(name=..., processing=("DE",), support=("IN",), **columns)`` -> id, via create_vendor."""
    from riskreg.vendors.services import create_vendor

    def make(
        name: str | None = None,
        *,
        processing: Sequence[str] = (),
        support: Sequence[str] = (),
        **values: Any,
    ) -> int:
        locations = [(c, LocationKind.PROCESSING) for c in processing] + [
            (c, LocationKind.SUPPORT) for c in support
        ]
        with app.app_context():
            vendor = create_vendor(
                db.session, {"name": name or f"Vendor {next(_names)}", **values}, locations
            )
            return vendor.id

    return make


@pytest.fixture
def editor(login: Callable[..., FlaskClient]) -> FlaskClient:
    """A security consultant (may edit the register), reading English pages."""
    return in_english(login("security"))


def entries(entity_type: str, entity_id: int) -> list[AuditEntry]:
    """The audit entries of one record, oldest first (call inside an app context)."""
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity_type == entity_type, AuditEntry.entity_id == entity_id)
            .order_by(AuditEntry.id)
        )
    )


def vendor_form(**overrides: Any) -> dict[str, Any]:
    """A complete, valid vendor form as the browser sends it."""
    data: dict[str, Any] = {
        "name": "Netcompany A/S",
        "org_number": "DK 1493 4112",
        "country_code": "DK",
        "parent_name": "Netcompany Group A/S",
        "parent_country_code": "DK",
        "website": "https://www.netcompany.com",
        "contact": "dpo@netcompany.example",
        "transfer_mechanism": "adequacy",
        "tia_on": "",
        "dpf_status": "not_listed",
        "dpf_listed_name": "",
        "dpf_checked_on": "",
        "processing_countries": ["DK", "DE"],
        "support_countries": ["IN"],
        "notes": "",
        "version": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
