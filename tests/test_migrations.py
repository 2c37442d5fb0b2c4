"""The migrations build exactly the schema the models describe, run down and up, and load the reference data.

Runs on an empty SQLite file, or on an empty PostgreSQL database when TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask

from riskreg import create_app
from riskreg.cli import alembic_config
from riskreg.extensions import db
from riskreg.models import Base
from tests.conftest import PG_URL, _pg_admin_engine, _pg_url


@pytest.fixture
def empty_url(tmp_path: Path) -> Iterator[str]:
    """A database with no tables at all."""
    if PG_URL:
        name = f"riskreg_mig_{os.getpid()}_{tmp_path.name}".lower().replace("-", "_")[:63]
        admin = _pg_admin_engine()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        yield _pg_url(name)
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        yield f"sqlite:///{tmp_path / 'empty.sqlite'}"


@pytest.fixture
def empty_app(empty_url: str) -> Iterator[Flask]:
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_url})
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def schema_differences(url: str) -> list[object]:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            return compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()


def tables(url: str) -> set[str]:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def current_revision(url: str) -> str | None:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def revisions_base_to_head() -> list[str]:
    with create_app({}).app_context():
        script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return [rev.revision for rev in reversed(list(script.walk_revisions("base", "heads")))]


def test_there_is_one_line_of_migrations() -> None:
    with create_app({}).app_context():
        script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1, "several heads: merge them with `alembic merge`"
    assert revisions_base_to_head()


def test_migrations_build_the_schema_of_the_models(empty_app: Flask, empty_url: str) -> None:
    command.upgrade(alembic_config(empty_url), "head")

    assert schema_differences(empty_url) == []
    assert tables(empty_url) == set(Base.metadata.tables) | {"alembic_version"}


def test_every_migration_runs_down_and_up_again(empty_app: Flask, empty_url: str) -> None:
    cfg = alembic_config(empty_url)
    revisions = revisions_base_to_head()

    for revision in revisions:
        command.upgrade(cfg, revision)
        assert current_revision(empty_url) == revision
    for expected in [*reversed(revisions[:-1]), None]:
        command.downgrade(cfg, "-1")
        assert current_revision(empty_url) == expected
    assert tables(empty_url) <= {"alembic_version"}

    command.upgrade(cfg, "head")
    assert current_revision(empty_url) == revisions[-1]
    assert schema_differences(empty_url) == []


def reference_counts(url: str) -> dict[str, object]:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:

            def scalar(sql: str) -> object:
                return conn.execute(sa.text(sql)).scalar_one()

            return {
                "countries": scalar("SELECT count(*) FROM country"),
                "official_lists": scalar("SELECT count(*) FROM country_list WHERE kind = 'official'"),
                "official_versions": scalar(
                    "SELECT count(*) FROM country_list_version v"
                    " JOIN country_list l ON l.id = v.country_list_id WHERE l.kind = 'official'"
                ),
                "exposed": sorted(
                    conn.execute(
                        sa.text(
                            "SELECT country_code FROM jurisdiction_exposure"
                            " WHERE country_code IN ('US', 'CN', 'RU')"
                        )
                    ).scalars()
                ),
                "denmark": scalar("SELECT name_da FROM country WHERE code = 'DK'"),
            }
    finally:
        engine.dispose()


def test_db_upgrade_command_creates_schema_and_reference_data(empty_url: str) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_url})
    runner = app.test_cli_runner()

    result = runner.invoke(args=["db", "upgrade"])

    assert result.exit_code == 0, result.output
    assert "head" in result.output
    assert schema_differences(empty_url) == []
    counts = reference_counts(empty_url)
    assert counts == {
        "countries": 250,
        "official_lists": 1,
        "official_versions": 1,
        "exposed": ["CN", "RU", "US"],
        "denmark": "Danmark",
    }

    # Running it again (every deployment does) adds nothing twice.
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert reference_counts(empty_url) == counts

    result = runner.invoke(args=["db", "current"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_db_upgrade_on_a_sqlite_file_as_an_operator_runs_it(tmp_path: Path) -> None:
    """The real command line: DATABASE_URL names a file that does not exist yet."""
    import subprocess
    import sys

    path = tmp_path / "fresh.sqlite"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}", "RISKREG_ENV": "development"}
    riskreg = Path(sys.executable).with_name("riskreg")

    result = subprocess.run(  # noqa: S603 (our own console script, fixed arguments)
        [str(riskreg), "db", "upgrade"], env=env, capture_output=True, text=True, timeout=120, check=False
    )

    assert result.returncode == 0, result.stderr
    assert path.exists()
    assert reference_counts(f"sqlite:///{path}")["countries"] == 250


CHAIN_RULES = "a31078144231"  # rejections go on, withdrawals, corrections (issue 14)


def decision_rows(url: str) -> list[tuple[str, str, str, bool | None]]:
    """(system, body, outcome, closes_case or None before the column exists), in the order recorded."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            columns = {c["name"] for c in sa.inspect(conn).get_columns("decision")}
            closes = "d.closes_case" if "closes_case" in columns else "NULL"
            rows = conn.execute(
                sa.text(
                    f"SELECT s.name, b.name, d.outcome, {closes} FROM decision d"  # noqa: S608 - fixed text
                    " JOIN dpia p ON p.id = d.dpia_id JOIN system s ON s.id = p.system_id"
                    " JOIN approval_body b ON b.id = d.body_id ORDER BY d.id"
                )
            )
            return [(s, b, o, None if c is None else bool(c)) for s, b, o, c in rows]
    finally:
        engine.dispose()


def dpia_states(url: str) -> dict[str, str]:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text("SELECT s.name, p.state FROM dpia p JOIN system s ON s.id = p.system_id")
            )
            return {name: state for name, state in rows}
    finally:
        engine.dispose()


def test_decisions_keep_their_meaning_across_the_chain_migration(empty_url: str) -> None:
    """Down: a rejection that passed the case on is the old *escalated*; up again: an old escalation stays one
    (it does not close the case), an old rejection closes it, and no DPIA changes state."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_url})
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    states = dpia_states(empty_url)
    tiktok_now = [r for r in decision_rows(empty_url) if r[0] == "TikTok"]
    assert [(o, c) for _s, _b, o, c in tiktok_now] == [
        ("rejected", False),
        ("rejected", False),
        ("rejected", True),
    ]

    with app.app_context():
        cfg = alembic_config(empty_url)
        command.downgrade(cfg, f"{CHAIN_RULES}-1")
    old = decision_rows(empty_url)
    assert [o for s, _b, o, _c in old if s == "TikTok"] == ["escalated", "escalated", "rejected"]
    assert [o for s, _b, o, _c in old if s == "CapCut Pro"] == ["escalated", "escalated", "postponed"]

    with app.app_context():
        command.upgrade(cfg, "head")
    again = decision_rows(empty_url)
    assert [(o, c) for s, _b, o, c in again if s == "TikTok"] == [
        ("escalated", False),
        ("escalated", False),
        ("rejected", True),
    ]
    assert [(o, c) for s, _b, o, c in again if s == "CapCut Pro"] == [
        ("escalated", False),
        ("escalated", False),
        ("postponed", False),
    ]
    assert dpia_states(empty_url) == states
    assert schema_differences(empty_url) == []
