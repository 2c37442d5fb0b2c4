"""Pages of the imports area: upload, preview (dry run) and confirmation, and the batches so far."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("imports", __name__, url_prefix="/imports")


def register_routes() -> Blueprint:
    """The blueprint with every import's routes attached (each lives beside its import's code)."""
    from riskreg.imports import dpf_views, register_views, subprocessor_views  # noqa: F401  (attach the routes)

    return bp
