"""Two vendors with systems of their own: sub-processors hang on the first, the second is 'another vendor'."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from riskreg.extensions import db
from tests.factories import make_sub, two_vendors
from tests.pages import in_english


@pytest.fixture
def world(app: Flask) -> dict[str, int]:
    with app.app_context():
        return two_vendors(db.session, ("Canva Pty Ltd", "AU"), ("canva", "Canva for Education"))


@pytest.fixture
def editor(login: Callable[..., FlaskClient]) -> FlaskClient:
    return in_english(login("security"))


@pytest.fixture
def make_sp(app: Flask, world: dict[str, int]) -> Callable[..., int]:
    """``make_sp(name, vendor=..., locations=..., system_ids=..., **values)`` -> id, through the service."""
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
            owner = db.session.get(Vendor, world[vendor])
            return make_sub(db.session, owner, name, locations, system_ids, **values).id

    return make
