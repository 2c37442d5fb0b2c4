from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from riskreg.countries.models import CountryList, CountryListEntry, CountryListVersion
from riskreg.extensions import db
from riskreg.transfers.models import SystemAssessment
from tests.conftest import app_for


@pytest.fixture
def app(request: pytest.FixtureRequest) -> Flask:
    return app_for(request, "demo")


@pytest.fixture
def demo(app: Flask, demo_app: Flask) -> Flask:
    """The demo register (the three cases of domain §2 and ordinary systems)."""
    assert app is demo_app
    return app


@pytest.fixture
def dpf_invalidated(app: Flask) -> int:
    with app.app_context():
        return db.session.scalars(select(CountryList.id).where(CountryList.name == "DPF invalidated")).one()


@pytest.fixture
def official_data(app: Flask) -> Callable[[], dict[str, list[tuple[Any, ...]]]]:
    """A snapshot of everything a scenario must leave alone: stored verdicts and every list."""

    def snapshot() -> dict[str, list[tuple[Any, ...]]]:
        with app.app_context():
            session = db.session
            assessment = SystemAssessment.__table__
            data = {
                "system_assessment": [
                    tuple(r) for r in session.execute(select(assessment).order_by(assessment.c.system_id))
                ],
                "official_entries": [
                    tuple(r)
                    for r in session.execute(
                        select(
                            CountryListEntry.list_version_id,
                            CountryListEntry.country_code,
                            CountryListEntry.status,
                            CountryListEntry.decision_ref,
                            CountryListEntry.decision_on,
                            CountryListEntry.scope_note,
                        )
                        .join(CountryListVersion)
                        .join(CountryList)
                        .where(CountryList.kind == "official")
                        .order_by(CountryListEntry.id)
                    )
                ],
                "official_versions": [
                    tuple(r)
                    for r in session.execute(
                        select(
                            CountryListVersion.id, CountryListVersion.effective_on, CountryListVersion.note
                        )
                        .join(CountryList)
                        .where(CountryList.kind == "official")
                        .order_by(CountryListVersion.id)
                    )
                ],
            }
            db.session.remove()
            return data

    return snapshot


@pytest.fixture
def list_counts(app: Flask) -> Callable[[], tuple[int, int, int]]:
    """How many lists, versions and entries there are (a refused form adds none)."""
    from sqlalchemy import func

    def counts() -> tuple[int, int, int]:
        with app.app_context():
            result = tuple(
                db.session.scalar(select(func.count()).select_from(model)) or 0
                for model in (CountryList, CountryListVersion, CountryListEntry)
            )
            db.session.remove()
            return result  # type: ignore[return-value]

    return counts
