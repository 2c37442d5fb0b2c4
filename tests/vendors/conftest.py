"""Fixtures and form data for the vendors area (the vendor factory is in tests/factories.py)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.pages import in_english

_names = itertools.count(1)


@pytest.fixture
def editor(login: Callable[..., FlaskClient]) -> FlaskClient:
    """A security consultant (may edit the register), reading English pages."""
    return in_english(login("security"))


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
        "role": "processor",
        "own_purpose_note": "",
        "transfer_mechanism": "adequacy",
        "tia_on": "",
        # Not looked up on the DPF list yet: what a new vendor's form shows.
        "dpf_status": "unknown",
        "dpf_uk_status": "unknown",
        "dpf_swiss_status": "unknown",
        "dpf_covers_hr": "",
        "dpf_covers_non_hr": "",
        "dpf_due_on": "",
        "dpf_url": "",
        "dpf_listed_name": "",
        "dpf_checked_on": "",
        "processing_countries": ["DK", "DE"],
        "support_countries": ["IN"],
        "notes": "",
        "version": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
