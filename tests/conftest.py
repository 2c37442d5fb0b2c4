"""Test fixtures: a fresh migrated database per test (SQLite, or PostgreSQL with TEST_DATABASE_URL)."""

from __future__ import annotations

import gc
import itertools
import json
import os
import re
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import settings

from riskreg import create_app
from riskreg.enums import (
    DataCategory,
    DataSubject,
    DpfStatus,
    LocationKind,
    RiskLevel,
    Role,
    TransferMechanism,
)
from riskreg.extensions import db
from tests import factories
from tests.components import COMPONENTS

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
_counter = itertools.count()

# Hypothesis: a fast default for every run, a thorough profile to choose (HYPOTHESIS_PROFILE=thorough).
# Tests say only what is special about them (a deadline, a health check); the number of examples is the
# profile's. A test that needs fewer examples (each one a database round trip) scales from the profile.
settings.register_profile("fast", max_examples=25, deadline=None)
settings.register_profile("thorough", max_examples=200, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fast"))


# --- components: skip what this machine cannot run, and say what to install --------------------------------


_started = [time.monotonic()]


def pytest_sessionstart(session: pytest.Session) -> None:
    _started[0] = time.monotonic()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    missing = [c for c in COMPONENTS if not c.is_available()]
    for item in items:
        for component in missing:
            if component.marker in item.keywords:
                item.add_marker(pytest.mark.skip(reason=component.reason))


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """Name the components whose tests were skipped; write the counts to RISKREG_TEST_REPORT if set."""
    if hasattr(config, "workerinput"):
        return
    stats = terminalreporter.stats
    missing: Counter[str] = Counter()
    for report in stats.get("skipped", []):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else ""
        for component in COMPONENTS:
            if component.reason in reason:
                missing[component.reason] += 1
    if missing:
        terminalreporter.section("not run on this machine")
        for reason, count in missing.items():
            terminalreporter.write_line(f"{count} test(s) skipped: {reason}")
    path = os.environ.get("RISKREG_TEST_REPORT")
    if path:
        counts = {
            "run": os.environ.get("RISKREG_TEST_RUN", "tests"),
            "passed": len([r for r in stats.get("passed", []) if r.when == "call"]),
            "failed": len(stats.get("failed", [])) + len(stats.get("error", [])),
            "skipped": len(stats.get("skipped", [])),
            "seconds": round(time.monotonic() - _started[0], 1),
            "missing": dict(missing),
            "exitstatus": int(exitstatus),
        }
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(json.dumps(counts), encoding="utf-8")


def _pg_admin_engine() -> sa.Engine:
    url = sa.make_url(PG_URL).set(drivername="postgresql+psycopg")
    # No pool: an admin connection is closed as soon as it is released, never left for the collector.
    return sa.create_engine(
        url.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool
    )


def _pg_url(name: str) -> str:
    url = sa.make_url(PG_URL).set(drivername="postgresql+psycopg", database=name)
    return url.render_as_string(hide_password=False)


def _drop_pg_database(admin: sa.Engine, name: str) -> None:
    """Drop a per-test database; one still in use (e.g. by autovacuum) is left for the end of the run."""
    # Close connections that tests left to the garbage collector while the server still has them.
    gc.collect()
    with admin.connect() as conn:
        try:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        except sa.exc.DBAPIError:
            _leftovers.append(name)


_leftovers: list[str] = []


def migrate(url: str) -> None:
    """Bring an empty database to head through the real path (``riskreg db upgrade``)."""
    from riskreg.cli import upgrade_database

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade_database(url)
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database migrated once per run; each test gets a copy of it."""
    if PG_URL:
        name = f"riskreg_tpl_{os.getpid()}"
        admin = _pg_admin_engine()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        try:
            migrate(_pg_url(name))
            yield name
        finally:
            for leftover in [*_leftovers, name]:
                _drop_pg_database(admin, leftover)
            admin.dispose()
    else:
        path = tmp_path_factory.mktemp("tpl") / "template.sqlite"
        migrate(f"sqlite:///{path}")
        yield str(path)


def _copy_database(template: str, tmp_path: Path) -> Iterator[str]:
    """A fresh copy of a template database for one test; dropped afterwards (PostgreSQL)."""
    if PG_URL:
        name = f"riskreg_t_{os.getpid()}_{next(_counter)}"
        admin = _pg_admin_engine()
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        try:
            yield _pg_url(name)
        finally:
            _drop_pg_database(admin, name)
            admin.dispose()
    else:
        path = tmp_path / "riskreg.sqlite"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"


@pytest.fixture
def database_url(template_db: str, tmp_path: Path) -> Iterator[str]:
    yield from _copy_database(template_db, tmp_path)


def _app(url: str) -> Iterator[Flask]:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def plain_app(database_url: str) -> Iterator[Flask]:
    """An app on its own copy of the migrated, empty register."""
    yield from _app(database_url)


@pytest.fixture
def app(plain_app: Flask) -> Flask:
    """The app of a test; where most tests read the demo, a conftest overrides it with ``app_for``."""
    return plain_app


def app_for(request: pytest.FixtureRequest, demo_fixture: str) -> Flask:
    """A copy of the demo register for the tests that use ``demo_fixture``, an empty register for the others.

    The demo is loaded once per run (``demo_template_db``); copying it is much cheaper than loading it.
    """
    return request.getfixturevalue("demo_app" if demo_fixture in request.fixturenames else "plain_app")


@pytest.fixture(scope="session")
def demo_template_db(template_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The migrated database with ``riskreg demo`` loaded through the real command, once per run (and worker).

    For tests that only read the demo register: ``demo_app`` gives each of them a copy, which is much faster
    than loading the demo in every test.
    """
    directory = tmp_path_factory.mktemp("demo_tpl")
    copy = _copy_database(template_db, directory)
    url = next(copy)
    for app in _app(url):
        factories.run_demo(app)
    if PG_URL:
        # The per-test copy is dropped with the run's leftovers; the template outlives this generator.
        name = sa.make_url(url).database
        assert name is not None
        yield name
        copy.close()
    else:
        yield url.removeprefix("sqlite:///")


@pytest.fixture
def demo_app(demo_template_db: str, tmp_path: Path) -> Iterator[Flask]:
    """An app on its own copy of the demo register (see ``demo_template_db``)."""
    for url in _copy_database(demo_template_db, tmp_path):
        yield from _app(url)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client: FlaskClient, page: str = "/login") -> str:
    """The CSRF token of the client's session, read from a page as a browser would."""
    html = client.get(page, follow_redirects=True).get_data(as_text=True)
    match = _CSRF.search(html)
    assert match, f"no CSRF token on {page}"
    return match.group(1)


def post_form(client: FlaskClient, url: str, data: dict[str, Any] | None = None, **kwargs: Any):  # type: ignore[no-untyped-def]
    """POST a form with the session's CSRF token, as the browser would send it."""
    payload = dict(data or {})
    payload.setdefault("csrf_token", csrf_token(client))
    return client.post(url, data=payload, **kwargs)


PASSWORD = "correct horse battery"


@pytest.fixture
def make_user(app: Flask) -> Callable[..., int]:
    from riskreg.auth.services import create_user

    def make(role: Role | str = Role.ADMIN, email: str | None = None, **kwargs: Any) -> int:
        role = Role(role)
        with app.app_context():
            user = create_user(
                db.session, email or f"{role.value}-{next(_counter)}@example.dk", role, PASSWORD, **kwargs
            )
            return user.id

    return make


@pytest.fixture
def login(app: Flask, make_user: Callable[..., int]) -> Callable[..., FlaskClient]:
    """``login(role)`` -> a client logged in (through the login form) as a new user with that role."""
    from riskreg.auth.models import User

    def do_login(role: Role | str = Role.ADMIN, **kwargs: Any) -> FlaskClient:
        user_id = make_user(role, **kwargs)
        with app.app_context():
            email = db.session.get(User, user_id).email
        client = app.test_client()
        response = post_form(client, "/login", {"email": email, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        client.user_id = user_id  # type: ignore[attr-defined]
        return client

    return do_login


# --- factory fixtures: the builders of tests/factories.py, each returning the new record's id ------------


@pytest.fixture
def make_vendor(app: Flask) -> Callable[..., int]:
    """``make_vendor(name=None, locations=(("DK", PROCESSING),), **columns)`` -> id."""

    def make(*args: Any, **kwargs: Any) -> int:
        with app.app_context():
            return factories.make_vendor(db.session, *args, **kwargs).id

    return make


@pytest.fixture
def make_sub(app: Flask) -> Callable[..., int]:
    """``make_sub(vendor_id, name, locations=..., system_ids=(), **columns)`` -> id."""
    from riskreg.vendors.models import Vendor

    def make(vendor_id: int, *args: Any, **kwargs: Any) -> int:
        with app.app_context():
            vendor = db.session.get(Vendor, vendor_id)
            return factories.make_sub(db.session, vendor, *args, **kwargs).id

    return make


@pytest.fixture
def make_system(app: Flask) -> Callable[..., int]:
    """``make_system(name, vendor_id, departments=(), **columns)`` -> id."""

    def make(*args: Any, **kwargs: Any) -> int:
        with app.app_context():
            return factories.make_system(db.session, *args, **kwargs).id

    return make


# --- a DPIA to work on (dpia, exports) ------------------------------------------------------------------


@pytest.fixture
def chain(app: Flask) -> factories.Chain:
    """Systemgodkendelsesgruppen (medium) -> Styregruppen (high) -> Direktionen (very high, final)."""
    from riskreg.bodies.services import create_body

    with app.app_context():
        ids = [
            create_body(db.session, name, ceiling).id
            for name, ceiling in (
                ("Systemgodkendelsesgruppen", RiskLevel.MEDIUM),
                ("Styregruppen for IT-sikkerhed", RiskLevel.HIGH),
                ("Direktionen", RiskLevel.VERY_HIGH),
            )
        ]
    return factories.Chain(*ids)


@pytest.fixture
def dpia_system(app: Flask) -> int:
    """A school tool: pupils, CPR numbers, free text, AI, and a US sub-processor without DPF or SCC."""
    from riskreg.subprocessors.services import create_sub_processor
    from riskreg.systems.services import create_system
    from riskreg.vendors.services import create_vendor

    with app.app_context():
        vendor = create_vendor(
            db.session, {"name": "Skoleportal ApS", "country_code": "DK"}, [("DK", LocationKind.PROCESSING)]
        )
        system = create_system(
            db.session,
            {
                "name": "Tegneværktøj",
                "vendor_id": vendor.id,
                "purpose": "Billedredigering i undervisningen",
                "has_free_text": True,
                "has_ai": True,
                "ai_description": "Tekst til billede",
            },
            departments=["Børne- og Ungeforvaltningen"],
            data_subjects=[DataSubject.CHILDREN],
            data_categories=[DataCategory.ORDINARY, DataCategory.CPR],
        )
        create_sub_processor(
            db.session,
            vendor,
            {
                "name": "Render Cloud Inc.",
                "country_code": "US",
                "transfer_mechanism": TransferMechanism.NONE,
                "dpf_status": DpfStatus.NOT_LISTED,
            },
            [("US", LocationKind.PROCESSING)],
            system_ids=[system.id],
        )
        return system.id


@pytest.fixture
def dpia_id(app: Flask, dpia_system: int) -> int:
    """A draft DPIA (version 1) started for ``dpia_system``."""
    from riskreg.dpia.services import start_dpia
    from riskreg.systems.models import System

    with app.app_context():
        return start_dpia(db.session, db.session.get(System, dpia_system), "da").id
