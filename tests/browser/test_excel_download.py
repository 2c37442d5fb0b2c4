"""A steering-group member filters the register and downloads it as Excel, in a real browser."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from riskreg.demo.dpias import CANVA, CAPCUT, MOMENTUM_AI
from riskreg.enums import SystemStatus
from riskreg.extensions import db
from riskreg.systems.models import System
from tests.conftest import PASSWORD
from tests.factories import run_demo

pytestmark = pytest.mark.browser


def test_filtered_register_and_a_dpia_download_as_workbooks(app, live_server, page, make_user, tmp_path):
    run_demo(app)
    make_user("steering", email="styregruppe@example.dk")
    page.goto(live_server + "/login")
    page.fill("input[name=email]", "styregruppe@example.dk")
    page.fill("input[name=password]", PASSWORD)
    page.click("main form[method=post] button[type=submit]")
    page.wait_for_url(live_server + "/")

    # The register, filtered to the postponed systems (the three cases, before Direktionen on 17 June 2026),
    # downloaded as the page shows it.
    page.goto(live_server + "/systems/")
    page.select_option("select[name=status]", "postponed")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_url("**/systems/?*status=postponed*")
    with page.expect_download() as info:
        page.click("[data-testid=register-download] a[data-lang=da]")
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    systems = load_workbook(path).worksheets[0]
    names = {row[0] for row in systems.iter_rows(min_row=2, values_only=True) if row[0]}
    with app.app_context():
        query = select(System.name).where(System.status == SystemStatus.POSTPONED)
        postponed = set(db.session.scalars(query))
    assert names == postponed and {CAPCUT, CANVA, MOMENTUM_AI} <= names

    # The DPIA workbook from the system's page, in English.
    page.click(f"text={MOMENTUM_AI}")
    page.wait_for_url("**/systems/*")
    with page.expect_download() as info:
        page.click("[data-testid=dpia-download] a[data-lang=en]")
    dpia = tmp_path / "dpia.xlsx"
    info.value.save_as(dpia)
    assert len(load_workbook(dpia).sheetnames) == 7
