"""Setuptools hook: compile the translation catalogues into every build, so installed riskreg speaks Danish.

The metadata is in pyproject.toml. The .mo files are build products (not in git): `make compile` writes them
into the checkout for development; this hook writes them into the wheel that `pip install .` builds.
"""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

CATALOGUES = Path("riskreg") / "translations"


class BuildWithCatalogues(build_py):
    """build_py, then each riskreg/translations/<lang>/LC_MESSAGES/messages.po compiled beside it."""

    def run(self) -> None:
        super().run()
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po in sorted(CATALOGUES.glob("*/LC_MESSAGES/messages.po")):
            mo = po.with_suffix(".mo")
            target = mo if self.editable_mode else Path(self.build_lib) / mo
            target.parent.mkdir(parents=True, exist_ok=True)
            with po.open("rb") as source:
                catalog = read_po(source, locale=po.parts[-3])
            with target.open("wb") as out:
                write_mo(out, catalog)


setup(cmdclass={"build_py": BuildWithCatalogues})
