"""``riskreg import register``."""

from __future__ import annotations

from riskreg.imports.cli import import_group  # noqa: F401  (commands attach to it)
