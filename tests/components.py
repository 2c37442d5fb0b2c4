"""The real components some tests need, whether this machine has them, and what to install where it does not.

A test that needs one carries the component's marker (``browser``, ``libreoffice``, ``postgresql``). Where the
component is missing, ``tests/conftest.py`` skips those tests with a reason naming what to install, and the
run ends with one line per missing component.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

CHROMIUM_PATH = "/usr/bin/chromium"


def soffice_path() -> str | None:
    """LibreOffice's command, where Debian's package put it."""
    return next((p for p in ("/usr/bin/soffice", "/usr/bin/libreoffice") if Path(p).exists()), None)


def _playwright() -> bool:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return True


@dataclass(frozen=True)
class Component:
    marker: str
    name: str
    install: str
    is_available: Callable[[], bool]

    @property
    def reason(self) -> str:
        return f"needs {self.name}: {self.install}"


COMPONENTS = (
    Component(
        "browser",
        "Chromium",
        "apt-get install chromium",
        lambda: Path(CHROMIUM_PATH).exists() and _playwright(),
    ),
    Component(
        "libreoffice",
        "LibreOffice Calc",
        "apt-get install libreoffice-calc-nogui",
        lambda: soffice_path() is not None,
    ),
    Component(
        "postgresql",
        "PostgreSQL",
        "set TEST_DATABASE_URL to a PostgreSQL server (bash .ci/run installs and starts one)",
        lambda: bool(os.environ.get("TEST_DATABASE_URL")),
    ),
)
BY_MARKER = {c.marker: c for c in COMPONENTS}
