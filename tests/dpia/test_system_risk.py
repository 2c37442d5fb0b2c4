"""The system residual risk of the demo's three cases, read from the register through the real services."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from riskreg.demo.dpias import CANVA, CAPCUT, MOMENTUM_AI
from riskreg.dpia import system_risk
from riskreg.dpia.residual import Fact
from riskreg.enums import RiskLevel
from riskreg.extensions import db
from riskreg.systems.models import System


@pytest.fixture
def demo(demo_app: Flask) -> Iterator[Session]:
    with demo_app.app_context():
        yield db.session()


def system_id(session: Session, name: str) -> int:
    found = session.scalar(select(System.id).where(System.name == name))
    assert found is not None, name
    return found


def test_capcut_is_very_high_for_its_owners_jurisdiction(demo: Session) -> None:
    result = system_risk.residual_of(demo, system_id(demo, CAPCUT))

    assert result.level == RiskLevel.VERY_HIGH
    exposure = [r for r in result.deciding if r.fact == Fact.EXPOSURE_VERY_HIGH]
    assert exposure, result.why("en")
    assert any("China" in w and "ByteDance" in w for w in result.why("en"))
    assert any("Kina" in w for w in result.why("da"))


def test_canva_is_blocked_by_transfers_without_a_basis(demo: Session) -> None:
    result = system_risk.residual_of(demo, system_id(demo, CANVA))

    assert result.level == RiskLevel.VERY_HIGH
    assert not result.may_be_approved
    blocked = " ".join(b.text("en") for b in result.blockers)
    assert "Australia" in blocked or "Philippines" in blocked, blocked


def test_momentum_is_very_high_from_its_dpia(demo: Session) -> None:
    result = system_risk.residual_of(demo, system_id(demo, MOMENTUM_AI))

    assert result.has_dpia
    assert result.from_dpia() == RiskLevel.VERY_HIGH
    assert result.level == RiskLevel.VERY_HIGH


def test_a_page_of_systems_takes_a_fixed_number_of_queries(demo: Session) -> None:
    ids = list(demo.scalars(select(System.id).order_by(System.id)))
    counted: list[str] = []

    def count(*_args: object) -> None:
        counted.append("q")

    from sqlalchemy import event

    engine = demo.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        few = system_risk.residuals(demo, ids[:2])
        queries_for_two = len(counted)
        counted.clear()
        every = system_risk.residuals(demo, ids)
        queries_for_all = len(counted)
    finally:
        event.remove(engine, "before_cursor_execute", count)

    assert set(every) == set(ids) and set(few) == set(ids[:2])
    assert queries_for_all == queries_for_two
