"""The installed versions are the pinned ones, the pins satisfy pyproject.toml's bounds, and a built riskreg
carries its compiled catalogues (a plain `pip install .` speaks Danish)."""

from __future__ import annotations

import gettext
import shutil
import subprocess
import sys
import tomllib
import zipfile
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent


def requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [Requirement(r) for r in [*project["dependencies"], *project["optional-dependencies"]["test"]]]


def pins() -> dict[str, str]:
    lines = (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines()
    pairs = [line.split("==") for line in lines if line.strip() and not line.startswith("#")]
    return {canonicalize_name(name): version for name, version in pairs}


def test_every_requirement_is_pinned_within_its_bounds() -> None:
    pinned = pins()
    for requirement in requirements():
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{requirement.name} is not in constraints.txt: run 'make constraints'"
        assert requirement.specifier.contains(pinned[name], prereleases=True), (
            f"constraints.txt pins {requirement.name}=={pinned[name]}, outside pyproject.toml's {requirement}"
        )


def test_the_suite_runs_with_the_pinned_versions() -> None:
    installed = {canonicalize_name(d.metadata["Name"]): d.version for d in metadata.distributions()}
    wrong = {
        name: (version, installed.get(name))
        for name, version in pins().items()
        if installed.get(name) != version
    }
    assert not wrong, f"installed versions differ from constraints.txt (pinned, installed): {wrong}"


def test_a_built_package_carries_the_danish_catalogue(tmp_path: Path) -> None:
    source = tmp_path / "src"
    # The checkout without its compiled catalogues, so that only the build can have made them.
    shutil.copytree(
        ROOT / "riskreg", source / "riskreg", ignore=shutil.ignore_patterns("*.mo", "__pycache__")
    )
    for name in ("pyproject.toml", "setup.py", "config.py", "wsgi.py"):
        shutil.copy(ROOT / name, source / name)

    subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(tmp_path / "dist"), str(source)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip

    (wheel,) = (tmp_path / "dist").glob("riskreg-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        assert "riskreg/translations/en/LC_MESSAGES/messages.mo" in names
        with archive.open("riskreg/translations/da/LC_MESSAGES/messages.mo") as mo:
            danish = gettext.GNUTranslations(mo)
    assert danish.gettext("Log in") == "Log ind"
