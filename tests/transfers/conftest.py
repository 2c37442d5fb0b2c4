"""Fixtures of the transfer engine's tests: a session in an app context, the demo register."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from riskreg.audit import set_actor
from riskreg.extensions import db


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """The app's session inside an app context, acting as a named test user."""
    with app.app_context():
        s = db.session()
        set_actor(s, None, "transfer tests")
        yield s


@pytest.fixture
def demo_db(session: Session) -> Session:
    """The demo register, loaded through the real code path (``riskreg demo`` calls ``load_cases``)."""
    from riskreg.demo.cases import load_cases

    load_cases(session)
    return session
