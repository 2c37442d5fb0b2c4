"""View building blocks shared by every area: the new/edit form page and the archive toggle."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol, TypeVar

from flask import flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from riskreg.db import Timestamped
from riskreg.errors import ConflictError, DomainError
from riskreg.extensions import db
from riskreg.forms import form_status, show_error

T = TypeVar("T")


class Archivable(Protocol):
    @property
    def is_archived(self) -> bool: ...


A = TypeVar("A", bound=Archivable)


def save_form(
    form: FlaskForm,
    save: Callable[[], T],
    *,
    success: str | Callable[[T], str],
    redirect_to: str | Callable[[T], str],
    template: str,
    record: Timestamped | None = None,
    default_field: str | None = None,
    error_fields: Mapping[str, str] | None = None,
    **context: Any,
) -> Response | tuple[str, int]:
    """Save a valid submitted form and redirect, else render the form page with its status.

    ``save`` calls the one service and returns what it saved; ``success`` (the flash) and ``redirect_to``
    (the URL) may be functions of that, for a record that exists only once saved. ``record`` is the record
    an edit form changes: its version goes into the form on GET, and again after a concurrent save (409,
    the conflict shown). A service's refusal goes on a field as ``show_error`` places it (400). ``context``
    goes to the template besides ``form`` and ``conflict``.
    """
    conflict = None
    if record is not None and request.method == "GET":
        form.version.data = str(record.version)
    if form.validate_on_submit():
        try:
            saved = save()
        except ConflictError as exc:
            conflict = exc
            if record is not None:
                form.version.data = str(record.version)
        except DomainError as exc:
            show_error(form, exc, default=default_field, fields=error_fields)
        else:
            flash(success(saved) if callable(success) else success, "success")
            return redirect(redirect_to(saved) if callable(redirect_to) else redirect_to)
    return render_template(template, form=form, conflict=conflict, **context), form_status(form, conflict)


def toggle_archived(record: A, set_archived: Callable[[Session, A, bool], object]) -> None:
    """Archive the record, or restore it when it is archived; flash what happened or why it was refused."""
    try:
        set_archived(db.session(), record, not record.is_archived)
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        flash(_("Archived.") if record.is_archived else _("Restored."), "success")
