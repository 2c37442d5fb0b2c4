"""The vendor's role and its findings on the register workbook's Systems sheet (read with openpyxl)."""

from __future__ import annotations

from collections.abc import Iterator

import openpyxl
import pytest
from flask import Flask
from sqlalchemy.orm import Session

from riskreg.enums import LocationKind, VendorRole
from riskreg.extensions import db
from riskreg.systems.services import create_system
from riskreg.transfers import system_verdicts
from riskreg.vendors.services import create_vendor
from tests.exports.test_register_workbook import export, table


@pytest.fixture
def demo(demo_app: Flask) -> Iterator[Session]:
    with demo_app.app_context():
        system_verdicts.ensure_current(db.session())
        yield db.session()


@pytest.fixture
def empty(app: Flask) -> Iterator[Session]:
    with app.app_context():
        system_verdicts.ensure_current(db.session())
        yield db.session()


def test_each_systems_role_and_findings(demo: Session) -> None:
    _counts, wb = export(demo, "en")
    rows = {r["System"]: r for r in table(wb["Systems"])}
    chatgpt = rows["ChatGPT (gratis udgave)"]
    assert chatgpt["Vendor role"] == "Independent controller"
    assert chatgpt["Role findings"].startswith(
        "Disclosure: needs its own legal basis. OpenAI Ireland Limited is"
    )
    assert "j.nr. 2023-431-0001" in chatgpt["Role findings"]
    portal = rows["Mødeportalen Borgerhøringer"]
    assert portal["Vendor role"] == "Processor"
    assert portal["Role findings"].startswith(
        "Processor without a data processing agreement. Mødeportalen ApS is a processor"
    )
    momentum = rows["Momentum"]
    assert (momentum["Vendor role"], momentum["Role findings"]) == ("Processor", None)
    # The residual columns kept their place beside the new ones (their conditional formats follow them).
    header = list(rows["Momentum"])
    assert header.index("Residual risk") == 15 and header.index("System residual risk") == 16


def test_role_findings_stay_text(empty: Session) -> None:
    vendor = create_vendor(
        empty, {"name": "=cmd|' /C calc'!A0", "country_code": "DK"}, [("DK", LocationKind.PROCESSING)]
    )
    vendor.role = VendorRole.JOINT_CONTROLLER
    create_system(empty, {"name": "@SUM(A1)", "vendor_id": vendor.id})
    _counts, wb = export(empty, "en")
    ws = wb["Systems"]
    (row,) = table(ws)
    assert row["Vendor role"] == "Joint controller"
    assert row["Role findings"].startswith(
        "Joint controller: an arrangement under art. 26 is needed. =cmd|' /C calc'!A0 is a joint controller"
    )
    for cells in ws.iter_rows():
        for cell in cells:
            assert cell.data_type != "f", cell.coordinate


def test_the_dpia_workbook_lists_the_role_findings(demo: Session) -> None:
    import io

    from sqlalchemy import select

    from riskreg.exports.dpia_workbook import build_dpia_workbook
    from riskreg.systems.models import System

    def flow(name: str) -> list[str]:
        system = demo.scalars(select(System).where(System.name == name)).one()
        out = io.BytesIO()
        build_dpia_workbook(demo, system, out, "en")
        out.seek(0)
        ws = openpyxl.load_workbook(out)["Data flow and transfers"]
        return [v for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str)]

    chatgpt = flow("ChatGPT (gratis udgave)")
    start = chatgpt.index("Findings from the vendor's role")
    assert chatgpt[start + 1 : start + 5] == ["Vendor", "Role", "Finding", "Reason"]
    assert chatgpt[start + 5 : start + 8] == [
        "OpenAI Ireland Limited",
        "Independent controller",
        "Disclosure: needs its own legal basis",
    ]
    assert chatgpt[start + 8].startswith("OpenAI Ireland Limited is an independent controller")
    assert "The vendor's role (Processor) raises no finding." in flow("Momentum")
