"""A vendor with two systems and another vendor with one, for agreements to refer to."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from riskreg.extensions import db
from tests.pages import in_english
from tests.subprocessors.factories import make_system, make_vendor


@pytest.fixture
def world(app: Flask) -> dict[str, int]:
    with app.app_context():
        vendor = make_vendor(db.session, "Netcompany", "DK")
        other = make_vendor(db.session, "Microsoft Ireland", "IE")
        return {
            "vendor": vendor.id,
            "other": other.id,
            "momentum": make_system(db.session, vendor, "Momentum").id,
            "sbsys": make_system(db.session, vendor, "SBSYS").id,
            "m365": make_system(db.session, other, "Microsoft 365").id,
        }


@pytest.fixture
def editor(login: Callable[..., FlaskClient]) -> FlaskClient:
    return in_english(login("dpo"))
