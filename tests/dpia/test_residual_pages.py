"""The system residual risk where it is read: the DPIA tab and the register list (issue 14 §1)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select

from riskreg.demo.dpias import CANVA, CAPCUT, MOMENTUM_AI
from riskreg.extensions import db
from riskreg.systems.models import System
from tests.conftest import post_form


@pytest.fixture
def app(demo_app: Flask) -> Flask:
    """Every test here reads the demo register (a copy of it each)."""
    return demo_app


@pytest.fixture
def reader(login: Callable[..., FlaskClient]) -> FlaskClient:
    return login("reader")


def system_id(app: Flask, name: str) -> int:
    with app.app_context():
        return db.session.scalars(select(System.id).where(System.name == name)).one()


def in_english(client: FlaskClient) -> None:
    assert post_form(client, "/language", {"lang": "en", "next": "/"}).status_code == 302


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def residual_block(page: str) -> str:
    start = page.index('data-testid="dpia-system-residual"')
    return page[start : page.index("</div>\n", page.index("</section>", start))]


def test_capcut_dpia_tab_shows_very_high_from_china_beside_the_dpias_own(
    app: Flask, reader: FlaskClient
) -> None:
    url = f"/systems/{system_id(app, CAPCUT)}/dpia"
    page = reader.get(url).get_data(as_text=True)
    block = residual_block(page)
    assert 'data-level="very_high"' in block
    assert "Systemets restrisiko" in block
    assert "Meget høj: eksponering over for Kina gennem ByteDance" in text(block)
    assert 'data-testid="dpia-residual"' in page  # the DPIA's own highest residual stays

    in_english(reader)
    block = residual_block(reader.get(url).get_data(as_text=True))
    assert "System residual risk" in block
    assert "Very high: exposure to China through ByteDance" in text(block)


def test_canva_dpia_tab_names_the_transfers_that_block_approval(app: Flask, reader: FlaskClient) -> None:
    url = f"/systems/{system_id(app, CANVA)}/dpia"
    in_english(reader)
    block = residual_block(reader.get(url).get_data(as_text=True))
    assert 'data-testid="approval-blocked"' in block
    words = text(block)
    assert "No body may approve this system" in words
    assert "the transfer has no legal basis" in words
    assert "Record SCC or BCR with a transfer impact assessment" in words


def test_momentum_tab_says_which_version_it_weighs(app: Flask, reader: FlaskClient) -> None:
    block = residual_block(reader.get(f"/systems/{system_id(app, MOMENTUM_AI)}/dpia").get_data(as_text=True))
    assert 'data-level="very_high"' in block
    assert "version 1" in text(block)


def test_a_system_without_a_dpia_shows_its_transfer_facts(app: Flask, reader: FlaskClient) -> None:
    with app.app_context():
        from riskreg.dpia.models import Dpia

        ids = set(db.session.scalars(select(System.id)))
        no_dpia = sorted(ids - set(db.session.scalars(select(Dpia.system_id))))
    assert no_dpia
    page = reader.get(f"/systems/{no_dpia[0]}/dpia").get_data(as_text=True)
    assert 'data-testid="no-dpia"' in page
    assert 'data-testid="dpia-system-residual"' in page


def register_cell(page: str, name: str) -> str:
    row = next(r for r in page.split("<tr>") if f">{name}</a>" in r)
    start = row.index('data-testid="system-residual"')
    return row[start : row.index("</td>", start)]


@pytest.mark.parametrize(
    ("lang", "heading", "why"),
    [
        ("da", "Systemets restrisiko", "eksponering over for Kina gennem ByteDance"),
        ("en", "System residual risk", "exposure to China through ByteDance"),
    ],
)
def test_register_column_shows_the_level_and_the_deciding_why(
    reader: FlaskClient, lang: str, heading: str, why: str
) -> None:
    if lang == "en":
        in_english(reader)
    page = reader.get("/systems/?q=CapCut").get_data(as_text=True)
    assert heading in page
    cell = register_cell(page, CAPCUT)
    assert 'data-level="very_high"' in cell
    # The first deciding reason is shown (CapCut's risk 1 on ByteDance), every one of them in the title.
    assert "ByteDance" in text(cell)
    assert why in html.unescape(cell)


def test_register_column_marks_canva_as_not_approvable(reader: FlaskClient) -> None:
    in_english(reader)
    cell = register_cell(reader.get("/systems/?q=Canva").get_data(as_text=True), CANVA)
    assert 'data-level="very_high"' in cell and 'data-testid="residual-blocked"' in cell
    assert "Cannot be approved" in cell
    # Every deciding reason is in the title, not only the first one shown.
    assert "the transfer has no legal basis" in html.unescape(cell)


def test_register_queries_do_not_grow_with_the_rows(app: Flask, reader: FlaskClient) -> None:
    def queries(url: str) -> tuple[int, int]:
        with app.app_context():
            engine = db.engine
        statements: list[Any] = []

        def count(*args: Any) -> None:
            statements.append(args[2])

        event.listen(engine, "before_cursor_execute", count)
        try:
            page = reader.get(url).get_data(as_text=True)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(statements), page.count('data-testid="system-residual"')

    few, rows_few = queries("/systems/?q=CapCut")
    many, rows_many = queries("/systems/")
    assert rows_many > rows_few + 5
    assert many == few
