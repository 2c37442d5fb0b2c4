"""The front page: cases whose meeting passed undecided, and systems whose transfers are not acceptable."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from riskreg.extensions import db
from tests.dpia.decision_helpers import decide, new_system, start, submit_case
from tests.factories import Chain

TODAY = dt.date.today()  # the front page's clock


def section(html: str, testid: str) -> str:
    found = re.search(rf'data-testid="{testid}">(.*?)</table>', html, re.S)
    return found.group(1) if found else ""


def rows(html: str, testid: str) -> dict[str, str]:
    """The rows of a front-page table by the name in their first link."""
    return {
        re.search(r"<a [^>]*>(.*?)</a>", r).group(1): r  # type: ignore[union-attr]
        for r in re.findall(r"<tr><td>(.*?)</tr>", section(html, testid), re.S)
    }


@contextmanager
def counting(app: Flask) -> Iterator[list[str]]:
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_front_page_lists_overdue_cases_marking_postponed_ones(
    app: Flask, chain: Chain, dpia_id: int, login: Callable[..., FlaskClient]
) -> None:
    dpo = login("dpo")
    # Tegneværktøj: postponed from one past meeting to another; that one has passed too.
    first, postponed_to = TODAY - dt.timedelta(days=60), TODAY - dt.timedelta(days=10)
    submit_case(app, dpia_id, "medium", meeting_on=first)
    assert (
        decide(
            dpo,
            dpia_id,
            body_id=chain.first,
            outcome="postponed",
            meeting_on=first.isoformat(),
            next_meeting_on=postponed_to.isoformat(),
        ).status_code
        == 302
    )
    # Bogføring: submitted to a meeting last week, never decided.
    submit_case(app, start(app, new_system(app, "Bogføring")), "low", meeting_on=TODAY - dt.timedelta(days=7))
    # Not overdue: a meeting next week, a case without a meeting, a case decided at a past meeting.
    submit_case(app, start(app, new_system(app, "Kalender")), "low", meeting_on=TODAY + dt.timedelta(days=7))
    submit_case(app, start(app, new_system(app, "Intranet")), "low", meeting_on=None)
    decided = start(app, new_system(app, "Lønsystem"))
    submit_case(app, decided, "low", meeting_on=TODAY - dt.timedelta(days=20))
    past = (TODAY - dt.timedelta(days=20)).isoformat()
    assert decide(dpo, decided, body_id=chain.first, outcome="rejected", meeting_on=past).status_code == 302

    html = login("reader").get("/").get_data(as_text=True)

    overdue = rows(html, "cases-overdue")
    assert list(overdue) == ["Tegneværktøj", "Bogføring"]  # the longest overdue first
    assert 'data-testid="postponed"' in overdue["Tegneværktøj"]
    assert f"/agenda/{chain.first}/{postponed_to.isoformat()}" in overdue["Tegneværktøj"]
    assert "Systemgodkendelsesgruppen" in overdue["Tegneværktøj"]
    assert 'data-testid="postponed"' not in overdue["Bogføring"]


def test_front_page_lists_systems_in_use_whose_transfers_are_not_acceptable(
    app: Flask, chain: Chain, dpia_system: int, login: Callable[..., FlaskClient]
) -> None:
    from riskreg.systems.models import System
    from riskreg.systems.services import set_system_archived

    new_system(app, "Videoredigering", "CN")  # vendor processes in China: no basis
    new_system(app, "Bogføring")  # EU only: acceptable
    archived = new_system(app, "Gammel chat", "CN")
    with app.app_context():
        set_system_archived(db.session, db.session.get(System, archived), True)
    rejected = start(app, new_system(app, "Kortspil", "CN"))
    submit_case(app, rejected, "very_high", meeting_on=TODAY - dt.timedelta(days=3))
    dpo = login("dpo")
    past = (TODAY - dt.timedelta(days=3)).isoformat()
    # A rejection is final only at the last body: before it, the case goes on (issue 14 §2).
    for body in (chain.first, chain.second, chain.final):
        assert decide(dpo, rejected, body_id=body, outcome="rejected", meeting_on=past).status_code == 302

    html = login("reader").get("/").get_data(as_text=True)

    listed = rows(html, "transfers-not-acceptable")
    assert sorted(listed) == ["Tegneværktøj", "Videoredigering"]
    assert 'data-class="no_basis"' in listed["Tegneværktøj"]
    assert f"/systems/{dpia_system}/transfers" in listed["Tegneværktøj"]


def test_front_page_queries_do_not_grow_with_the_cases(
    app: Flask, chain: Chain, login: Callable[..., FlaskClient]
) -> None:
    reader, dpo = login("reader"), login("dpo")
    first, postponed_to = TODAY - dt.timedelta(days=30), TODAY - dt.timedelta(days=5)

    def postponed_case(name: str) -> None:
        # Postponed and acceptable: the system is in no other list of the page.
        dpia_id = start(app, new_system(app, name))
        submit_case(app, dpia_id, "low", meeting_on=first)
        decide(
            dpo,
            dpia_id,
            body_id=chain.first,
            outcome="postponed",
            meeting_on=first.isoformat(),
            next_meeting_on=postponed_to.isoformat(),
        )

    def queries() -> int:
        with counting(app) as statements:
            assert reader.get("/").status_code == 200
        return len(statements)

    for name in ("A", "B"):
        postponed_case(f"System {name}")
    few = queries()
    for name in ("C", "D", "E", "F"):
        postponed_case(f"System {name}")
    many = queries()

    assert len(rows(reader.get("/").get_data(as_text=True), "cases-overdue")) == 6
    assert many == few
