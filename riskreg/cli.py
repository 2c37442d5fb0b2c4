"""The ``riskreg`` command group: database, users, transfer assessment and scenarios, demo data."""

from __future__ import annotations

from pathlib import Path

import click
from alembic import command
from alembic.config import Config as AlembicConfig
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from riskreg import ROOT, create_app
from riskreg.audit import set_actor
from riskreg.extensions import db

MIGRATIONS_DIR = ROOT / "migrations"


def _create_app() -> Flask:
    import os

    return create_app(os.environ.get("RISKREG_ENV", "development"))


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=True, load_dotenv=False)
def cli() -> None:
    """riskreg: register of data processors, transfers and DPIAs."""


def alembic_config(url: str | None = None) -> AlembicConfig:
    url = url or current_app.config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("sqlite:///"):
        Path(current_app.instance_path).mkdir(parents=True, exist_ok=True)
    cfg = AlembicConfig(str(MIGRATIONS_DIR / "alembic.ini"))
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade_database(url: str | None = None, revision: str = "head") -> None:
    """Apply the migrations up to ``revision`` and load the shipped reference data."""
    from riskreg.reference.loader import load_reference_data

    command.upgrade(alembic_config(url), revision)
    if revision == "head":
        set_actor(db.session(), None, "riskreg db upgrade")
        load_reference_data(db.session())


@click.group("db")
def db_group() -> None:
    """Database schema (Alembic migrations)."""


@db_group.command("upgrade")
@click.argument("revision", default="head")
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Apply migrations (and load reference data at head)."""
    upgrade_database(revision=revision)
    click.echo(f"Database is at {revision}.")


@db_group.command("downgrade")
@click.argument("revision", default="-1")
@with_appcontext
def db_downgrade(revision: str) -> None:
    """Revert migrations down to REVISION (default: one step)."""
    command.downgrade(alembic_config(), revision)


@db_group.command("current")
@with_appcontext
def db_current() -> None:
    """Show the database's revision."""
    command.current(alembic_config())


@db_group.command("revision")
@click.option("-m", "--message", required=True)
@click.option("--autogenerate/--empty", default=True)
@with_appcontext
def db_revision(message: str, autogenerate: bool) -> None:
    """Create a migration from the difference between the models and the database."""
    command.revision(alembic_config(), message=message, autogenerate=autogenerate)


def register_commands(app: Flask) -> None:
    from riskreg.auth.cli import user_group
    from riskreg.exports.cli import export_group
    from riskreg.imports.cli import commands as import_commands
    from riskreg.transfers.cli import assess_command, scenario_group

    app.cli.add_command(db_group)
    app.cli.add_command(import_commands())
    app.cli.add_command(user_group)
    app.cli.add_command(assess_command)
    app.cli.add_command(scenario_group)
    app.cli.add_command(export_group)
    try:
        from riskreg.demo.cli import demo_command
    except ImportError:  # the demo package is optional in trimmed deployments
        return
    app.cli.add_command(demo_command)
