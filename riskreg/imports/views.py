"""Pages of the imports area: upload, preview (dry run) and confirmation, and the batches so far."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("imports", __name__, url_prefix="/imports")


def register_routes() -> Blueprint:
    """The blueprint with every import's routes attached (each lives beside its import's code)."""
    from riskreg.imports.dpf import views as dpf_views  # noqa: F401  (attach the routes)
    from riskreg.imports.register import views as register_views  # noqa: F401
    from riskreg.imports.subprocessors import views as subprocessor_views  # noqa: F401

    return bp
