"""Pages of the imports area: upload, preview (dry run) and confirmation, and the batches so far."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, flash, redirect
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from riskreg.errors import DomainError

bp = Blueprint("imports", __name__, url_prefix="/imports")


def discard_batch(
    discard: Callable[[], object], refused_page: Callable[[], tuple[str, int]], redirect_to: str
) -> Response | tuple[str, int]:
    """Discard an import batch and go on to ``redirect_to``; a refusal shows the batch page again (409)."""
    try:
        discard()
    except DomainError as exc:
        flash(exc.message, "error")
        return refused_page()
    flash(_("The import was discarded. Nothing was changed."), "success")
    return redirect(redirect_to)


def register_routes() -> Blueprint:
    """The blueprint with every import's routes attached (each lives beside its import's code)."""
    from riskreg.imports.dpf import views as dpf_views  # noqa: F401  (attach the routes)
    from riskreg.imports.register import views as register_views  # noqa: F401
    from riskreg.imports.subprocessors import views as subprocessor_views  # noqa: F401

    return bp
