"""``riskreg user``: create accounts, list them, set a password (how a lost admin password is recovered)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from riskreg.audit import set_actor
from riskreg.auth.models import User
from riskreg.auth.passwords import generate_password
from riskreg.auth.services import create_user, find_user, set_password
from riskreg.enums import Role
from riskreg.errors import DomainError
from riskreg.extensions import db


@click.group("user")
def user_group() -> None:
    """User accounts: create, list, set a password."""


@user_group.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--password", help="Leave out to have one generated and printed.")
@click.option("--name", default="")
@with_appcontext
def user_create(email: str, role: str, password: str | None, name: str) -> None:
    """Create a user; prints a generated password when none is given."""
    generated = password is None
    password = password or generate_password()
    set_actor(db.session(), None, "riskreg user create")
    try:
        user = create_user(db.session(), email, Role(role), password, name=name)
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"Created {user.email} ({user.role.value}).")
    if generated:
        click.echo(f"Password: {password}")


@user_group.command("list")
@with_appcontext
def user_list() -> None:
    """Every account: e-mail, role, name, and whether it is archived."""
    users = db.session.scalars(select(User).order_by(User.email)).all()
    if not users:
        click.echo("No users.")
    for user in users:
        state = " (archived)" if user.is_archived else ""
        click.echo(f"{user.email}\t{user.role.value}\t{user.name}{state}")


@user_group.command("set-password")
@click.argument("email")
@click.option("--generate", is_flag=True, help="Generate a password and print it once, instead of asking.")
@with_appcontext
def user_set_password(email: str, generate: bool) -> None:
    """Set a user's password: asked for twice (not echoed), or generated with --generate.

    This is how a lost password is recovered, the administrator's too: run it on the server.
    """
    session = db.session()
    user = find_user(session, email)
    if user is None:
        raise click.ClickException(f"No user with the e-mail {email!r} (see 'riskreg user list').")
    password = generate_password() if generate else click.prompt("New password", hide_input=True,
                                                                 confirmation_prompt=True)  # fmt: skip
    set_actor(session, None, "riskreg user set-password")
    try:
        set_password(session, user, password)
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"Password set for {user.email} ({user.role.value}).")
    if generate:
        click.echo(f"Password: {password}")
    if user.is_archived:
        click.echo("Note: this account is archived and cannot log in until an administrator restores it.")
