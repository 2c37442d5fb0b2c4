"""``riskreg import register``: the mapping used, the counts, every problem, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from riskreg.enums import ImportState
from riskreg.extensions import db
from riskreg.imports.models import ImportBatch
from riskreg.systems.models import System
from riskreg.vendors.models import Vendor
from tests.imports.helpers import DATA


def run(app: Flask, *args: str) -> Any:
    return app.test_cli_runner().invoke(args=["import", "register", *args])


def counts(app: Flask) -> tuple[int, int]:
    with app.app_context():
        return (
            db.session.scalar(select(func.count(Vendor.id))) or 0,
            db.session.scalar(select(func.count(System.id))) or 0,
        )


def states(app: Flask) -> list[ImportState]:
    with app.app_context():
        return list(db.session.scalars(select(ImportBatch.state).order_by(ImportBatch.id)))


def test_dry_run_prints_the_mapping_and_counts_and_changes_nothing(app: Flask) -> None:
    result = run(app, str(DATA / "register_good.csv"), "--dry-run", "--lang", "en")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Systemnavn -> System name [system_name]" in out
    assert "Leverandør -> Vendor name [vendor_name]" in out
    assert "Bemærkninger -> (ignored)" in out
    assert "Rows read: 4" in out
    assert "Would create 3 vendors and 4 systems; 0 existing vendors used." in out
    assert "Dry run: nothing was changed." in out
    assert counts(app) == (0, 0)
    assert states(app) == [ImportState.DISCARDED]


def test_import_creates_everything_at_once(app: Flask) -> None:
    result = run(app, str(DATA / "register_good.csv"), "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "Created 3 vendors and 4 systems." in result.output
    assert counts(app) == (3, 4)
    assert states(app) == [ImportState.APPLIED]
    with app.app_context():
        aula = db.session.scalars(select(System).where(System.name == "Aula")).one()
        assert aula.vendor.name == "Netcompany A/S" and aula.vendor.country_code == "DK"
        assert [d.name for d in aula.departments] == ["Dagtilbud", "Skole"]
    # Again: every system exists now, so nothing is imported the second time.
    result = run(app, str(DATA / "register_good.csv"), "--lang", "en")
    assert result.exit_code == 1
    assert result.output.count("exists already") == 4
    assert counts(app) == (3, 4)


def test_a_file_with_bad_rows_prints_every_problem_exits_1_and_changes_nothing(app: Flask) -> None:
    result = run(app, str(DATA / "register_bad.csv"), "--lang", "en")
    assert result.exit_code == 1
    out = result.output
    assert "3 problems; nothing was changed:" in out
    assert "Row 3, column Leverandør: The vendor name is missing." in out
    assert "Row 5, column Land: Unknown country: “Narnia”." in out
    assert "Row 5, column Næste gennemgang: Not a date (dd-mm-yyyy or yyyy-mm-dd): 31-13-2030." in out
    assert counts(app) == (0, 0)
    assert states(app) == [ImportState.DISCARDED]


def test_the_output_is_danish_by_default(app: Flask) -> None:
    result = run(app, str(DATA / "register_bad.csv"))
    assert result.exit_code == 1
    assert "Row 3" not in result.output
    assert "Række 3" in result.output


def test_map_overrides_the_suggested_mapping(app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("Program,Firma,Noter\nAula,Netcompany,x\n", encoding="utf-8")
    result = run(app, str(path), "--lang", "en")
    assert result.exit_code == 1
    assert "Choose the column that holds the system name." in result.output
    result = run(app, str(path), "--lang", "en", "--map", "program=system_name", "--map", "Firma=vendor_name")
    assert result.exit_code == 0, result.output
    assert "Program -> System name [system_name]" in result.output
    assert counts(app) == (1, 1)


@pytest.mark.parametrize(
    ("option", "message"),
    [("Nope=system_name", "The file has no column Nope."), ("Program=colour", "Unknown field: colour.")],
)
def test_a_bad_map_option_is_refused(app: Flask, tmp_path: Path, option: str, message: str) -> None:
    path = tmp_path / "r.csv"
    path.write_text("Program,Firma\nAula,Netcompany\n", encoding="utf-8")
    result = run(app, str(path), "--lang", "en", "--map", option)
    assert result.exit_code == 2
    assert message in result.output
    assert counts(app) == (0, 0)


def test_a_file_that_is_not_a_table_is_refused(app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    path.write_bytes(b"PK\x03\x04garbage")
    result = run(app, str(path), "--lang", "en")
    assert result.exit_code == 1
    assert "The file is not a valid XLSX workbook." in result.output
    assert "Traceback" not in result.output
    assert states(app) == []
