"""``riskreg import subprocessors``: the difference printed, a dry run that changes nothing, and refusals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from riskreg.enums import ImportState, TransferClass
from riskreg.extensions import db
from riskreg.imports.models import ImportBatch
from riskreg.vendors.models import SubProcessor
from tests.imports.helpers import UPDATED, csv_list, stored_verdict


def run(app: Flask, *args: str) -> Any:
    return app.test_cli_runner().invoke(args=["import", "subprocessors", *args])


def _file(tmp_path: Path, data: bytes, name: str = "subprocessors.csv") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def _state(app: Flask) -> tuple[int, int, int]:
    """(live sub-processors, archived ones, batches)."""
    with app.app_context():
        live = db.session.scalar(select(func.count()).where(SubProcessor.is_archived.is_(False)))
        archived = db.session.scalar(select(func.count()).where(SubProcessor.is_archived.is_(True)))
        batches = db.session.scalar(select(func.count()).select_from(ImportBatch))
        return live or 0, archived or 0, batches or 0


def test_dry_run_prints_the_difference_and_changes_nothing(
    app: Flask, world: dict[str, int], tmp_path: Path
) -> None:
    before = _state(app)
    result = run(app, "--vendor", "netcompany a/s", _file(tmp_path, UPDATED), "--dry-run", "--lang", "en")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "Sub-processors of Netcompany A/S" in lines
    assert "Added: 1, removed: 1, changed: 1, unchanged: 1" in lines
    assert "  + Zendesk Inc.: United States [new third country]" in lines
    assert "      Transfer mechanism: Data Privacy Framework" in lines
    assert "  - Twilio Ireland Limited: Sweden" in lines
    assert "  ~ Microsoft Ireland Operations Ltd: +India [new third country]" in lines
    assert "New third countries: India, United States" in lines
    assert "Affected systems (verdict now -> after the import):" in lines
    assert " ! Momentum: EU/EEA -> Unknown (Acceptable -> Not acceptable)" in lines, result.output
    assert lines[-1] == "Dry run: nothing was changed."
    assert _state(app) == before
    assert stored_verdict(app, world["momentum"]) == TransferClass.EEA


def test_without_dry_run_the_list_is_applied(app: Flask, world: dict[str, int], tmp_path: Path) -> None:
    path = _file(tmp_path, UPDATED)
    result = run(
        app,
        "--vendor",
        "Netcompany",
        path,
        "--source",
        "DPA annex 3",
        "--source-date",
        "2026-01-15",
        "--lang",
        "en",
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "The list was applied."
    assert _state(app) == (3, 1, 1)
    with app.app_context():
        batch = db.session.scalar(select(ImportBatch))
        assert batch is not None and batch.state == ImportState.APPLIED
        zendesk = db.session.scalar(select(SubProcessor).where(SubProcessor.name == "Zendesk Inc."))
        assert zendesk is not None and zendesk.source == "DPA annex 3"
    assert (
        stored_verdict(app, world["momentum"]) == TransferClass.UNKNOWN
    )  # a US sub-processor whose DPF listing is not checked yet


def test_an_unknown_vendor_is_refused(app: Flask, world: dict[str, int], tmp_path: Path) -> None:
    result = run(app, "--vendor", "Nobody ApS", _file(tmp_path, UPDATED), "--lang", "en")
    assert result.exit_code == 1
    assert "No vendor called Nobody ApS." in result.output
    assert _state(app)[2] == 0


def test_a_refused_list_lists_every_problem_and_changes_nothing(
    app: Flask, world: dict[str, int], tmp_path: Path
) -> None:
    data = csv_list("Good Ltd,Hosting,Ireland,SCC", ",Hosting,Ireland,", "Cloud Corp,Hosting,Worldwide,")
    before = _state(app)
    result = run(app, "--vendor", "Netcompany A/S", _file(tmp_path, data), "--lang", "en")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == "The list was not imported. Nothing was changed."
    assert "  Row 3, column Name: The name is missing." in lines
    assert (
        "  Row 4, column Countries: “Worldwide” is a region, not a country: name the countries it means."
        in lines
    )
    assert _state(app) == before


def test_a_file_that_is_no_table_is_refused(app: Flask, world: dict[str, int], tmp_path: Path) -> None:
    result = run(
        app, "--vendor", "Netcompany A/S", _file(tmp_path, b"PK\x03\x04broken", "list.xlsx"), "--lang", "en"
    )
    assert result.exit_code == 1
    assert "The file is not a valid XLSX workbook." in result.output
