"""Helpers of the imports tests: the data files, workbooks and lists built in memory, counts read back."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from openpyxl import Workbook
from sqlalchemy import func, select

from riskreg.enums import TransferClass
from riskreg.extensions import db
from riskreg.imports.models import ImportBatch
from riskreg.transfers.models import SystemAssessment

DATA = Path(__file__).resolve().parent.parent / "data"


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def batches(app: Flask) -> int:
    """How many import batches there are, of any kind and state."""
    with app.app_context():
        n = db.session.scalar(select(func.count()).select_from(ImportBatch)) or 0
        db.session.remove()
        return n


# --- the DPF import -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DpfRegister:
    """Ids of the vendors (``v``) and sub-processors (``sp``) that ``tests/data/dpf_list.csv`` is about."""

    v: dict[str, int]
    sp: dict[str, int]


# --- the sub-processor import -------------------------------------------------------------------------------


def stored_verdict(app: Flask, system_id: int) -> TransferClass | None:
    """The verdict stored for a system (what lists and the front page read)."""
    with app.app_context():
        row = db.session.scalar(select(SystemAssessment).where(SystemAssessment.system_id == system_id))
        return row.verdict if row is not None else None


CSV_HEADER = "Name,Service,Countries,Transfer mechanism\n"


def csv_list(*rows: str, header: str = CSV_HEADER) -> bytes:
    return (header + "\n".join(rows) + "\n").encode("utf-8")


#: The current list with Microsoft adding India, AWS unchanged, Twilio gone and Zendesk new.
UPDATED = csv_list(
    'Microsoft Ireland Operations Limited,Hosting,"Ireland, India",SCC',
    'Amazon Web Services EMEA SARL,Backup,"Germany; Ireland",',
    "Zendesk Inc.,Support tickets,USA,DPF",
)
