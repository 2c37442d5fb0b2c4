"""The DPIA workbook of one system (DESIGN §7): cover, processing, data flow, risks, matrix, measures, decisions.

No Flask here: the pages and ``riskreg export dpia`` call ``build_dpia_workbook``.
"""

from __future__ import annotations

import datetime as dt
from typing import IO

from sqlalchemy.orm import Session

from riskreg.systems.models import System


def build_dpia_workbook(
    session: Session,
    system: System,
    target: str | IO[bytes],
    lang: str = "da",
    *,
    version: int | None = None,
    today: dt.date | None = None,
) -> None:
    """Write the DPIA workbook of ``system`` (its newest DPIA version, or ``version``) to ``target``."""
    raise NotImplementedError


def dpia_file_name(system_name: str, lang: str, day: dt.date) -> str:
    """The download name, e.g. "Konsekvensanalyse - Momentum - 2026-11-25.xlsx"."""
    raise NotImplementedError
