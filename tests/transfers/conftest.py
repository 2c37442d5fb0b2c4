"""Fixtures of the transfer engine's tests: a session in an app context, the demo register."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from riskreg.audit import set_actor
from riskreg.extensions import db
from tests.conftest import app_for


@pytest.fixture
def app(request: pytest.FixtureRequest) -> Flask:
    return app_for(request, "demo_db")


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """The app's session inside an app context, acting as a named test user."""
    with app.app_context():
        s = db.session()
        set_actor(s, None, "transfer tests")
        yield s


@pytest.fixture
def demo_db(session: Session, demo_app: Flask, app: Flask) -> Session:
    """The session of a copy of the demo register (loaded once per run through ``riskreg demo``)."""
    assert app is demo_app
    return session
