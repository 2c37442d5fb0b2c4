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
