"""Approval bodies: the ordered chain a DPIA passes through, each with a residual-risk ceiling (§2, §6)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from riskreg.bodies.models import ApprovalBody
from riskreg.enums import RiskLevel
from riskreg.errors import DomainError
from riskreg.labels import label
from riskreg.services import assign, check_version, commit

NAME_MAX = 200
DESCRIPTION_MAX = 2000

Direction = Literal["up", "down"]


def active_bodies(session: Session) -> list[ApprovalBody]:
    """The chain: active bodies in order, first to final."""
    return list(
        session.scalars(
            select(ApprovalBody)
            .where(ApprovalBody.is_archived.is_(False))
            .order_by(ApprovalBody.position, ApprovalBody.id)
        )
    )


def all_bodies(session: Session) -> list[ApprovalBody]:
    """The chain followed by the archived bodies (by name)."""
    archived = session.scalars(
        select(ApprovalBody).where(ApprovalBody.is_archived.is_(True)).order_by(ApprovalBody.name)
    )
    return [*active_bodies(session), *archived]


def order_problem(chain: Sequence[tuple[str, RiskLevel]]) -> str | None:
    """Why a chain of (name, ceiling) is out of order (a later ceiling below an earlier one), else None."""
    highest: tuple[str, RiskLevel] | None = None
    for name, ceiling in chain:
        if highest is not None and ceiling.rank < highest[1].rank:
            return _(
                "%(later)s comes after %(earlier)s in the chain, so its residual-risk ceiling cannot be "
                "lower than %(ceiling)s: a case escalates to bodies that may accept more risk, never less.",
                later=name,
                earlier=highest[0],
                ceiling=label(highest[1]),
            )
        if highest is None or ceiling.rank > highest[1].rank:
            highest = (name, ceiling)
    return None


def _renumber(chain: Sequence[ApprovalBody]) -> None:
    """Positions 1..n in chain order (only what changes is written, and so logged)."""
    for position, body in enumerate(chain, start=1):
        if body.position != position:
            body.position = position


def _check_order(chain: Sequence[ApprovalBody]) -> None:
    problem = order_problem([(b.name, b.residual_ceiling) for b in chain])
    if problem is not None:
        raise DomainError(problem, field="residual_ceiling")


def _clean(session: Session, values: dict[str, Any], body: ApprovalBody | None) -> dict[str, Any]:
    values = dict(values)
    if "name" in values:
        values["name"] = " ".join((values["name"] or "").split())
        if not values["name"]:
            raise DomainError(_("The name is required."), field="name")
        if len(values["name"]) > NAME_MAX:
            raise DomainError(_("At most %(n)s characters.", n=NAME_MAX), field="name")
        other = session.scalar(
            select(ApprovalBody).where(func.lower(ApprovalBody.name) == values["name"].lower())
        )
        if other is not None and other is not body:
            raise DomainError(_("An approval body with this name already exists."), field="name")
    if "residual_ceiling" in values:
        ceiling = values["residual_ceiling"]
        if not ceiling:
            raise DomainError(_("The residual-risk ceiling is required."), field="residual_ceiling")
        try:
            values["residual_ceiling"] = RiskLevel(ceiling)
        except ValueError as exc:
            raise DomainError(_("Unknown risk level."), field="residual_ceiling") from exc
    if "description" in values:
        values["description"] = (values["description"] or "").strip()
        if len(values["description"]) > DESCRIPTION_MAX:
            raise DomainError(_("At most %(n)s characters.", n=DESCRIPTION_MAX), field="description")
    return values


def _commit(session: Session) -> None:
    commit(session, unique_message=_("An approval body with this name already exists."))


def create_body(
    session: Session,
    name: str,
    residual_ceiling: RiskLevel | str,
    description: str = "",
    *,
    position: int | None = None,
) -> ApprovalBody:
    """Add a body to the chain at ``position`` (1 first; None or beyond the end: last, the new final body)."""
    values = _clean(
        session, {"name": name, "residual_ceiling": residual_ceiling, "description": description}, None
    )
    chain = active_bodies(session)
    index = len(chain) if position is None else min(max(position, 1), len(chain) + 1) - 1
    body = ApprovalBody(position=index + 1, **values)
    chain.insert(index, body)
    _check_order(chain)
    session.add(body)
    _renumber(chain)
    _commit(session)
    return body


def update_body(
    session: Session, body: ApprovalBody, values: dict[str, Any], version: int | str | None = None
) -> ApprovalBody:
    """Change a body's name, ceiling or description; its place in the chain is changed by ``move_body``."""
    check_version(session, body, version)
    values = _clean(
        session, {k: v for k, v in values.items() if k in ("name", "residual_ceiling", "description")}, body
    )
    if not body.is_archived:
        # The chain as it would be, checked before the record is touched.
        name = values.get("name", body.name)
        ceiling = values.get("residual_ceiling", body.residual_ceiling)
        problem = order_problem(
            [(name, ceiling) if b is body else (b.name, b.residual_ceiling) for b in active_bodies(session)]
        )
        if problem is not None:
            raise DomainError(problem, field="residual_ceiling")
    assign(body, values)
    _commit(session)
    return body


def set_body_archived(session: Session, body: ApprovalBody, archived: bool) -> None:
    """Take a body out of the chain, or put it back where its ceiling fits (as late as possible)."""
    if body.is_archived == archived:
        return
    chain = [b for b in active_bodies(session) if b is not body]
    if archived:
        if not chain:
            raise DomainError(_("The chain needs at least one active approval body."))
    else:
        # After the last body whose ceiling is not higher: the chain stays in order.
        index = 0
        for i, other in enumerate(chain):
            if other.residual_ceiling.rank <= body.residual_ceiling.rank:
                index = i + 1
        chain.insert(index, body)
    body.is_archived = archived
    _renumber(chain)
    _commit(session)


def move_body(session: Session, body: ApprovalBody, direction: Direction | str) -> None:
    """Swap a body with its neighbour in the chain ('up': earlier, 'down': later)."""
    if direction not in ("up", "down"):
        raise DomainError(_("A body moves up or down."))
    if body.is_archived:
        raise DomainError(_("An archived body is not in the chain. Restore it first."))
    chain = active_bodies(session)
    index = chain.index(body)
    other = index - 1 if direction == "up" else index + 1
    if other < 0:
        raise DomainError(_("%(name)s is already the first body.", name=body.name))
    if other >= len(chain):
        raise DomainError(_("%(name)s is already the final body.", name=body.name))
    chain[index], chain[other] = chain[other], chain[index]
    _check_order(chain)
    _renumber(chain)
    _commit(session)
