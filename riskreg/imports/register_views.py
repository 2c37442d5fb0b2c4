"""Pages of the register import."""

from __future__ import annotations

from riskreg.imports.views import bp  # noqa: F401  (routes attach to it)
