"""The limits an import runs under, from the app's configuration (pages and commands alike)."""

from __future__ import annotations

from flask import current_app

from riskreg.imports.files import DEFAULT_MAX_BYTES, Limits


def configured_limits() -> Limits:
    """``MAX_CONTENT_LENGTH`` (``RISKREG_MAX_UPLOAD_BYTES``) as the largest file an import reads."""
    return Limits(max_bytes=current_app.config.get("MAX_CONTENT_LENGTH") or DEFAULT_MAX_BYTES)
