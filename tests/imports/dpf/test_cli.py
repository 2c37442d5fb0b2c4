"""``riskreg import dpf``: counts, a dry run that changes nothing, an import, a refused file."""

from __future__ import annotations

from pathlib import Path

from click.testing import Result
from flask import Flask
from sqlalchemy import func, select

from riskreg.catalogue import translate
from riskreg.enums import DpfStatus, ImportState
from riskreg.extensions import db
from riskreg.imports.models import DpfReview, ImportBatch
from riskreg.vendors.models import Vendor
from tests.imports.helpers import DATA, DpfRegister

LIST = str(DATA / "dpf_list.csv")


def run(app: Flask, *args: str) -> Result:
    return app.test_cli_runner().invoke(args=["import", "dpf", *args])


def counts(app: Flask) -> tuple[int, int, int]:
    with app.app_context():
        result = (
            db.session.scalar(select(func.count()).select_from(ImportBatch)) or 0,
            db.session.scalar(select(func.count()).select_from(DpfReview)) or 0,
            db.session.scalar(select(func.count()).where(Vendor.dpf_checked_on.is_not(None))) or 0,
        )
        db.session.remove()
        return result


def test_dry_run_prints_counts_and_changes_nothing(app: Flask, dpf_register: DpfRegister) -> None:
    result = run(app, LIST, "--dry-run", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "Matched exactly: 4" in result.output
    assert "Near matches to review: 1" in result.output
    assert "List entries matching nothing in the register: 1" in result.output
    assert "not found on the list (left unchanged): 2" in result.output
    assert "Dry run: nothing was changed." in result.output
    assert counts(app) == (0, 0, 0)


def test_dry_run_in_danish_by_default(app: Flask, dpf_register: DpfRegister) -> None:
    result = run(app, LIST, "--dry-run")
    assert result.exit_code == 0, result.output
    assert translate("da", "Matched exactly: %(count)s", count=4) in result.output
    assert translate("da", "Dry run: nothing was changed.") in result.output


def test_import_applies_exact_matches_and_leaves_the_near_ones_for_review(
    app: Flask, dpf_register: DpfRegister
) -> None:
    result = run(app, LIST, "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "Matched exactly: 4" in result.output
    assert "Same name, different entity (not applied): 2" in result.output
    assert "Updated (DPF status and date checked): 4." in result.output
    with app.app_context():
        batch = db.session.scalars(select(ImportBatch)).one()
        assert batch.state == ImportState.APPLIED and batch.filename == "dpf_list.csv"
        assert (
            f"1 near matches wait for a person on the review page: /imports/dpf/{batch.id}" in result.output
        )
        twilio = db.session.get_one(Vendor, dpf_register.v["twilio"])
        assert twilio.dpf_status == DpfStatus.INACTIVE
        salesforce = db.session.get_one(Vendor, dpf_register.v["salesforce"])
        assert salesforce.dpf_status == DpfStatus.UNKNOWN
    assert counts(app) == (1, 1, 3)


def test_a_bad_file_is_refused_with_every_problem(
    app: Flask, dpf_register: DpfRegister, tmp_path: Path
) -> None:
    bad = tmp_path / "list.csv"
    bad.write_text("Organization Name,Status\nAcme,Active\n,Active\nBeta,Suspended\n", encoding="utf-8")
    result = run(app, str(bad), "--lang", "en")
    assert result.exit_code == 1
    assert "Nothing was changed." in result.output
    assert "Row 3, column Organization Name: The organisation name is empty." in result.output
    assert "Row 4, column Status: Unknown status Suspended" in result.output
    assert counts(app) == (0, 0, 0)


def test_a_file_without_the_columns_is_refused(app: Flask, tmp_path: Path) -> None:
    bad = tmp_path / "list.csv"
    bad.write_text("Entity ID\n4711\n", encoding="utf-8")
    result = run(app, str(bad), "--dry-run", "--lang", "en")
    assert result.exit_code == 1
    assert "The list has no column Organization Name" in result.output
    assert "The list has no column Status" in result.output


def test_a_long_match_shows_progress(app: Flask, tmp_path: Path) -> None:
    with app.app_context():
        db.session.add_all(Vendor(name=f"Vendor number {i} Inc.", country_code="US") for i in range(1000))
        db.session.commit()
    listed = tmp_path / "list.csv"
    listed.write_text("Organization Name,Status\nVendor number 7 LLC,Active\n", encoding="utf-8")
    result = run(app, str(listed), "--dry-run", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "Matching names" in result.output
    assert "Matched exactly: 1" in result.output


def test_columns_chosen_on_the_command_line(app: Flask, dpf_register: DpfRegister, tmp_path: Path) -> None:
    listed = tmp_path / "list.csv"
    listed.write_text("Firm;State of play\nTwilio, Inc.;INACTIVE-LAPSE\nBlank Corp;\n", encoding="utf-8")
    assert run(app, str(listed), "--dry-run", "--lang", "en").exit_code == 1
    result = run(
        app,
        str(listed),
        "--dry-run",
        "--lang",
        "en",
        "--column",
        "Firm=name",
        "--column",
        "State of play=status",
    )
    assert result.exit_code == 0, result.output
    assert "Matched exactly: 1" in result.output
    assert "Rows without a status (not stated, skipped): 1" in result.output
    bad = run(app, str(listed), "--dry-run", "--lang", "en", "--column", "Firm=company")
    assert bad.exit_code == 2 and "HEADER=FIELD" in bad.output
