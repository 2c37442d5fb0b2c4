"""What each role may do (domain §1). The single place where roles turn into permissions."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import TypeVar

from riskreg.enums import Role


class Permission(StrEnum):
    READ = "read"
    EXPORT = "export"
    EDIT_REGISTER = "edit_register"
    EDIT_DPIA = "edit_dpia"
    RECORD_DECISION = "record_decision"
    #: Correct a decision recorded by mistake (DPO, admin).
    CORRECT_DECISION = "correct_decision"
    #: Withdraw a rejected case for the requester (DPO, admin, the system owner's side: security).
    WITHDRAW_CASE = "withdraw_case"
    MANAGE_COUNTRY_LISTS = "manage_country_lists"
    #: Create the "what if" country lists beside the official one (domain §1: dpo).
    MANAGE_SCENARIOS = "manage_scenarios"
    MANAGE_BODIES = "manage_bodies"
    MANAGE_USERS = "manage_users"
    VIEW_GLOBAL_HISTORY = "view_global_history"
    #: Any logged-in user, for their own account and preferences.
    AUTHENTICATED = "authenticated"


_READ = {Permission.AUTHENTICATED, Permission.READ, Permission.EXPORT}
_SECURITY = _READ | {Permission.EDIT_REGISTER, Permission.WITHDRAW_CASE}
_DPO = _SECURITY | {
    Permission.EDIT_DPIA,
    Permission.RECORD_DECISION,
    Permission.CORRECT_DECISION,
    Permission.VIEW_GLOBAL_HISTORY,
    Permission.MANAGE_SCENARIOS,
}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.SECURITY: frozenset(_SECURITY),
    Role.DPO: frozenset(_DPO),
    # Steering members record decisions only for their own body; the workflow checks which body.
    Role.STEERING: frozenset(_READ | {Permission.RECORD_DECISION}),
    Role.READER: frozenset(_READ),
}


def role_can(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[role]


F = TypeVar("F", bound=Callable[..., object])


def requires(permission: Permission) -> Callable[[F], F]:
    """Mark a view with the permission it needs; the app's ``before_request`` enforces it.

    A view without a mark is refused to everyone (deny by default).
    """

    def mark(view: F) -> F:
        view.required_permission = permission  # type: ignore[attr-defined]
        return view

    return mark
