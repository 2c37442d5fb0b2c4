"""Shared helpers for the workbook tests: reading a workbook back, and recalculating it in LibreOffice.

LibreOffice headless recalculates by converting xlsx to xlsx. It runs with a private profile (one per test,
in ``tmp_path``) that tells it to recalculate every formula on load, whatever wrote the file, so the cached
values we wrote cannot pass for results.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.workbook.workbook import Workbook

from tests.components import soffice_path

#: For tests that open a workbook in LibreOffice (skipped, with what to install, where it is missing).
needs_soffice = pytest.mark.libreoffice

# Calc's "recalculation on file load" for Excel 2007+ files: 0 = always (the default asks, which headless
# reads as never).
_ALWAYS_RECALCULATE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
</oor:items>
"""


def load(data: bytes | Path, *, data_only: bool = False) -> Workbook:
    """A workbook read back with openpyxl: formulas as text, or with ``data_only`` their cached values."""
    source: Any = io.BytesIO(data) if isinstance(data, bytes) else data
    return openpyxl.load_workbook(source, data_only=data_only)


def _profile(tmp_path: Path) -> Path:
    profile = tmp_path / "lo-profile"
    user = profile / "user"
    if not user.exists():
        user.mkdir(parents=True)
        (user / "registrymodifications.xcu").write_text(_ALWAYS_RECALCULATE, encoding="utf-8")
    return profile


def convert(source: bytes | Path, tmp_path: Path, to: str, name: str = "book") -> Path:
    """Open ``source`` (xlsx) in LibreOffice headless, recalculating every formula, and save it as ``to``."""
    soffice = soffice_path()
    assert soffice is not None, "tests that open LibreOffice carry the 'libreoffice' marker"
    work = tmp_path / f"lo-{name}-{to}"
    if work.exists():
        shutil.rmtree(work)
    (work / "out").mkdir(parents=True)
    path = work / f"{name}.xlsx"
    if isinstance(source, bytes):
        path.write_bytes(source)
    else:
        shutil.copyfile(source, path)
    subprocess.run(  # noqa: S603 - fixed arguments
        [soffice, f"-env:UserInstallation={_profile(tmp_path).as_uri()}", "--headless",
         "--convert-to", to, "--outdir", str(work / "out"), str(path)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    out = work / "out" / f"{name}.{to}"
    assert out.exists(), f"LibreOffice wrote nothing for {path}"
    return out


def recalculate(source: bytes | Path, tmp_path: Path, name: str = "book") -> Path:
    """Open ``source`` in LibreOffice headless, recalculate every formula, save it as xlsx; the new path."""
    return convert(source, tmp_path, "xlsx", name)
