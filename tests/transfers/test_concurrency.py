"""Two saves that re-classify at the same moment take turns instead of colliding (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from riskreg.demo.cases import load_cases
from riskreg.extensions import db
from riskreg.systems.models import System
from riskreg.transfers import system_verdicts
from riskreg.transfers.models import SystemAssessment


# SQLite has a single writer: refreshes cannot overlap there.
@pytest.mark.postgresql
def test_concurrent_refreshes_wait_for_each_other(app: Flask) -> None:
    with app.app_context():
        assert db.engine.dialect.name == "postgresql"
        load_cases(db.session)
        first, second = Session(db.engine), Session(db.engine)
        errors: list[BaseException] = []
        try:
            system_verdicts.refresh(first)  # holds the state row until it commits

            def refresh_second() -> None:
                try:
                    system_verdicts.refresh(second)
                    second.commit()
                except BaseException as exc:  # noqa: BLE001 - reported to the test thread
                    errors.append(exc)

            waiting = threading.Thread(target=refresh_second)
            waiting.start()
            waiting.join(timeout=1)
            assert waiting.is_alive(), "the second refresh should wait for the first to commit"
            first.commit()
            waiting.join(timeout=30)
            assert not waiting.is_alive() and errors == []
        finally:
            first.close()
            second.close()
        # One stored verdict per system: neither refresh lost or doubled a row.
        assert db.session.query(SystemAssessment).count() == db.session.query(System).count()
