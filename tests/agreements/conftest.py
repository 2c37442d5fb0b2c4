"""A vendor with two systems and another vendor with one, for agreements to refer to."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from riskreg.extensions import db
from tests.factories import two_vendors
from tests.pages import in_english


@pytest.fixture
def world(app: Flask) -> dict[str, int]:
    with app.app_context():
        return two_vendors(db.session, ("Microsoft Ireland", "IE"), ("m365", "Microsoft 365"))


@pytest.fixture
def editor(login: Callable[..., FlaskClient]) -> FlaskClient:
    return in_english(login("dpo"))
