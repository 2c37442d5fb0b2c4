"""Downloads of the Excel workbooks: a system's DPIA and the register as filtered on the register page."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from typing import IO

from flask import Blueprint, Response, abort, request, send_file

from riskreg.auth.permissions import Permission, requires
from riskreg.dpia import services as dpia_services
from riskreg.exports.dpia_workbook import build_dpia_workbook, dpia_file_name
from riskreg.exports.register.workbook import build_register_workbook, register_file_name
from riskreg.exports.xlsx import XLSX_MIME
from riskreg.extensions import db
from riskreg.i18n import current_language
from riskreg.listing import sort_key
from riskreg.systems import assessment, register_list
from riskreg.systems.filters import register_filter
from riskreg.systems.models import System
from riskreg.transfers import sources

bp = Blueprint("exports", __name__)


def _lang() -> str:
    """The workbook's language: ``?lang=da|en``, else the reader's."""
    asked = request.args.get("lang", "")
    return asked if asked in ("da", "en") else current_language()


def _download(write: Callable[[IO[bytes]], object], name: str) -> Response:
    """Write a workbook into a temporary file (not memory) and send it; the file goes when it is sent."""
    file = tempfile.TemporaryFile()  # noqa: SIM115 - send_file closes it after the response
    try:
        write(file)
    except BaseException:
        file.close()
        raise
    file.seek(0)
    response = send_file(file, mimetype=XLSX_MIME, as_attachment=True, download_name=name, max_age=0)
    # The register is confidential: no copy in a shared or browser cache.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/systems/<int:system_id>/dpia.xlsx")
@requires(Permission.READ)
def dpia(system_id: int) -> Response:
    system = db.get_or_404(System, system_id)
    version = request.args.get("version", type=int)
    if version is not None:
        numbers = {v.number for v in dpia_services.versions(db.session(), system.id)}
        if version not in numbers:
            abort(404)
    lang = _lang()
    today = sources.today()
    return _download(
        lambda f: build_dpia_workbook(db.session(), system, f, lang, version=version, today=today),
        dpia_file_name(system.name, lang, today),
    )


@bp.route("/systems/export.xlsx")
@requires(Permission.READ)
def register() -> Response:
    session = db.session()
    lang = _lang()
    # The page's filters, list and sort; what the page would flash (a bad date) shows in the workbook's list.
    choice = assessment.choose_source(
        session, request.args.get("as_of", ""), request.args.get("scenario", ""), lang
    )
    flt = register_filter()
    sort = sort_key(register_list.LIST_SORTS, "name")
    today: dt.date = sources.today()
    scenario = choice.scenario.name if choice.scenario is not None else None
    return _download(
        lambda f: build_register_workbook(session, f, lang, choice=choice, flt=flt, sort=sort, today=today),
        register_file_name(lang, today, scenario),
    )
