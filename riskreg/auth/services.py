"""Users: create, update, archive, authenticate."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from riskreg.auth.models import User
from riskreg.auth.passwords import MIN_LENGTH, hash_password, needs_rehash, verify_nothing, verify_password
from riskreg.db import utcnow
from riskreg.enums import Role
from riskreg.errors import DomainError
from riskreg.services import assign, check_version, commit


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None."""
    user = find_user(session, email)
    if user is None:
        verify_nothing(password)
        return None
    if not user.is_active or not verify_password(user.password_hash, password):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    session.commit()
    return user


def _check_password(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise DomainError(
            _("The password must have at least %(n)s characters.", n=MIN_LENGTH), field="password"
        )


def create_user(
    session: Session,
    email: str,
    role: Role,
    password: str,
    *,
    name: str = "",
    approval_body_id: int | None = None,
) -> User:
    _check_password(password)
    email = normalise_email(email)
    if find_user(session, email) is not None:
        raise DomainError(_("A user with this e-mail already exists."), field="email")
    user = User(
        email=email,
        name=name,
        role=role,
        password_hash=hash_password(password),
        approval_body_id=approval_body_id if role == Role.STEERING else None,
    )
    session.add(user)
    commit(session, unique_message=_("A user with this e-mail already exists."))
    return user


def update_user(session: Session, user: User, values: dict, version: int | str | None = None) -> User:
    check_version(session, user, version)
    values = dict(values)
    values["email"] = normalise_email(values.get("email", user.email))
    other = find_user(session, values["email"])
    if other is not None and other.id != user.id:
        raise DomainError(_("A user with this e-mail already exists."), field="email")
    if values.get("role", user.role) != Role.STEERING:
        values["approval_body_id"] = None
    assign(user, values)
    commit(session, unique_message=_("A user with this e-mail already exists."))
    return user


def set_password(session: Session, user: User, password: str) -> None:
    _check_password(password)
    user.password_hash = hash_password(password)
    commit(session)


def set_archived(session: Session, user: User, archived: bool, *, acting_user_id: int | None = None) -> None:
    if archived and acting_user_id == user.id:
        raise DomainError(_("You cannot archive your own account."))
    user.is_archived = archived
    commit(session)
