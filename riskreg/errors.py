"""Domain errors: raised by services with a message meant for the user."""

from __future__ import annotations


class DomainError(Exception):
    """A change was refused; ``message`` says why in words a user understands (already translated)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    pass


class ConflictError(DomainError):
    """The record changed since the user loaded it; ``changes`` lists what changed meanwhile."""

    def __init__(self, message: str, changes: list[tuple[str, object, object]] | None = None) -> None:
        super().__init__(message)
        self.changes = changes or []
