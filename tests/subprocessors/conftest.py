"""Two vendors with systems of their own: sub-processors hang on the first, the second is 'another vendor'."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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
        other = make_vendor(db.session, "Canva Pty Ltd", "AU")
        return {
            "vendor": vendor.id,
            "other": other.id,
            "momentum": make_system(db.session, vendor, "Momentum").id,
            "sbsys": make_system(db.session, vendor, "SBSYS").id,
            "canva": make_system(db.session, other, "Canva for Education").id,
        }


@pytest.fixture
def editor(login: Callable[..., FlaskClient]) -> FlaskClient:
    return in_english(login("security"))


@pytest.fixture
def make_sp(app: Flask, world: dict[str, int]) -> Callable[..., int]:
    """``make_sp(name, vendor=..., locations=..., system_ids=..., **values)`` -> id, through the service."""
    from riskreg.subprocessors.services import create_sub_processor
    from riskreg.vendors.models import Vendor

    def make(
        name: str,
        *,
        vendor: str = "vendor",
        locations: Any = (("IE", "processing"),),
        system_ids: Any = (),
        **values: Any,
    ) -> int:
        with app.app_context():
            sp = create_sub_processor(
                db.session,
                db.session.get(Vendor, world[vendor]),
                {"name": name, **values},
                list(locations),
                list(system_ids),
            )
            return sp.id

    return make
