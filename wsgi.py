"""WSGI entry point for gunicorn: ``gunicorn wsgi:app`` (uses RISKREG_ENV, default production)."""

from __future__ import annotations

import os

from riskreg import create_app

app = create_app(os.environ.get("RISKREG_ENV", "production"))
