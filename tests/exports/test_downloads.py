"""The workbook downloads of the pages and ``riskreg export``: what a user clicks or types, what arrives."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from riskreg.demo.dpias import CANVA, MOMENTUM_AI
from riskreg.enums import Role, SystemStatus
from riskreg.extensions import db
from riskreg.reference.loader import DPF_INVALIDATED
from riskreg.systems.models import System

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def app(demo_app: Flask) -> Flask:
    """Every test here reads the demo register (a copy of it each)."""
    return demo_app


@pytest.fixture
def demo(app: Flask) -> Flask:
    return app


def system_id(app: Flask, name: str) -> int:
    with app.app_context():
        return db.session.scalars(select(System.id).where(System.name == name)).one()


def workbook(response: Any) -> openpyxl.Workbook:
    assert response.status_code == 200, response.status_code
    assert response.mimetype == XLSX
    data = response.data
    response.close()  # a WSGI server closes the response, and with it the temporary file
    return openpyxl.load_workbook(io.BytesIO(data))


def download_name(response: Any) -> str:
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment")
    match = re.search(r"filename\*=UTF-8''([^;]+)", disposition) or re.search(
        r'filename="?([^";]+)', disposition
    )
    assert match is not None, disposition
    return unquote(match.group(1))


def links(html: str, testid: str) -> dict[str, str]:
    """The download links in the ``data-testid`` block: language -> URL."""
    block = html.split(f'data-testid="{testid}"', 1)[1].split("</span>", 1)[0]
    return {
        lang: url.replace("&amp;", "&")
        for url, lang in re.findall(r'href="([^"]+)" data-lang="(\w+)"', block)
    }


def system_rows(wb: openpyxl.Workbook) -> list[str]:
    """The system names of the register workbook's first sheet (its data rows, notes excluded)."""
    ws = wb.worksheets[0]
    return [row[0] for row in ws.iter_rows(min_row=2, values_only=True) if row[0] and any(row[1:])]


def test_system_page_and_dpia_tab_link_the_workbook_in_both_languages(demo: Flask, login: Any) -> None:
    client: FlaskClient = login(Role.READER)
    sid = system_id(demo, MOMENTUM_AI)
    for page in (f"/systems/{sid}", f"/systems/{sid}/dpia?version=1"):
        found = links(client.get(page).get_data(as_text=True), "dpia-download")
        assert set(found) == {"da", "en"}, page
        for lang, url in found.items():
            parts = urlsplit(url)
            assert parts.path == f"/systems/{sid}/dpia.xlsx"
            assert parse_qs(parts.query)["lang"] == [lang]
            if "version" in page:
                assert parse_qs(parts.query)["version"] == ["1"]


def test_dpia_download_is_a_named_workbook_in_the_language_asked_for(demo: Flask, login: Any) -> None:
    client = login(Role.STEERING)
    sid = system_id(demo, MOMENTUM_AI)
    danish = client.get(f"/systems/{sid}/dpia.xlsx?lang=da")
    english = client.get(f"/systems/{sid}/dpia.xlsx?lang=en")
    da_book, en_book = workbook(danish), workbook(english)
    assert len(da_book.sheetnames) == len(en_book.sheetnames) == 7
    assert da_book.sheetnames[0] == "Forside"
    assert da_book.sheetnames != en_book.sheetnames
    assert danish.headers["Cache-Control"] == "no-store"
    assert MOMENTUM_AI in download_name(danish) and download_name(danish).endswith(".xlsx")
    assert download_name(danish) != download_name(english)


def test_dpia_download_of_a_version_that_does_not_exist_is_404(demo: Flask, login: Any) -> None:
    client = login(Role.READER)
    sid = system_id(demo, MOMENTUM_AI)
    assert client.get(f"/systems/{sid}/dpia.xlsx?version=99").status_code == 404
    assert client.get("/systems/999999/dpia.xlsx").status_code == 404


def test_register_download_carries_the_page_filters(demo: Flask, login: Any) -> None:
    client = login(Role.READER)
    html = client.get("/systems/?status=rejected&sort=-name&page=1").get_data(as_text=True)
    found = links(html, "register-download")
    assert set(found) == {"da", "en"}
    query = parse_qs(urlsplit(found["da"]).query)
    assert query["status"] == ["rejected"] and query["sort"] == ["-name"] and "page" not in query
    with demo.app_context():
        rejected = sorted(
            db.session.scalars(
                select(System.name).where(
                    System.status == SystemStatus.REJECTED, System.is_archived.is_(False)
                )
            ),
            reverse=True,
        )
    assert rejected, "the demo has rejected systems"
    response = client.get(found["da"])
    assert system_rows(workbook(response)) == rejected
    assert response.headers["Cache-Control"] == "no-store"
    assert download_name(response).endswith(".xlsx")


def test_register_download_with_a_scenario_adds_its_sheet(demo: Flask, login: Any) -> None:
    client = login(Role.READER)
    plain = workbook(client.get("/systems/export.xlsx?lang=en"))
    with_scenario = client.get(f"/systems/export.xlsx?lang=en&scenario={DPF_INVALIDATED}")
    book = workbook(with_scenario)
    assert len(book.sheetnames) == len(plain.sheetnames) + 1
    assert DPF_INVALIDATED in download_name(with_scenario)


# --- the command line ------------------------------------------------------------------------------------


def invoke(app: Flask, *args: str) -> Any:
    return app.test_cli_runner().invoke(args=list(args))


def test_cli_exports_a_dpia_workbook(demo: Flask, tmp_path: Path) -> None:
    out = tmp_path / "momentum.xlsx"
    result = invoke(demo, "export", "dpia", "--system", MOMENTUM_AI.upper(), "-o", str(out), "--lang", "en")
    assert result.exit_code == 0, result.output
    assert str(out) in result.output
    book = openpyxl.load_workbook(out)
    assert len(book.sheetnames) == 7 and book.sheetnames[0] != "Forside"
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask  # not the temporary file's private 0600


def test_cli_unknown_system_names_near_misses_and_writes_nothing(demo: Flask, tmp_path: Path) -> None:
    tmp_path = tmp_path / "out"  # the test's database lives in tmp_path itself
    tmp_path.mkdir()
    out = tmp_path / "x.xlsx"
    result = invoke(demo, "export", "dpia", "--system", "Canva via Skoletub", "-o", str(out), "--lang", "en")
    assert result.exit_code == 1
    assert "No system called Canva via Skoletub." in result.output
    assert CANVA in result.output
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_cli_unknown_dpia_version_is_refused(demo: Flask, tmp_path: Path) -> None:
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    result = invoke(
        demo, "export", "dpia", "--system", CANVA, "--version", "42", "-o", str(tmp_path / "c.xlsx")
    )
    assert result.exit_code == 1 and "42" in result.output
    assert list(tmp_path.iterdir()) == []


def test_cli_exports_the_register_with_a_scenario(demo: Flask, tmp_path: Path) -> None:
    plain, scenario = tmp_path / "plain.xlsx", tmp_path / "scenario.xlsx"
    assert invoke(demo, "export", "register", "-o", str(plain)).exit_code == 0
    result = invoke(demo, "export", "register", "-o", str(scenario), "--scenario", DPF_INVALIDATED.lower())
    assert result.exit_code == 0, result.output
    assert (
        len(openpyxl.load_workbook(scenario).sheetnames) == len(openpyxl.load_workbook(plain).sheetnames) + 1
    )
    names = system_rows(openpyxl.load_workbook(plain))
    assert MOMENTUM_AI in names and CANVA in names


def test_cli_register_refuses_a_list_it_cannot_use(demo: Flask, tmp_path: Path) -> None:
    out = tmp_path / "r.xlsx"
    unknown = invoke(demo, "export", "register", "-o", str(out), "--scenario", "Nowhere", "--lang", "en")
    assert unknown.exit_code == 1 and "No scenario called Nowhere" in unknown.output
    too_early = invoke(demo, "export", "register", "-o", str(out), "--as-of", "1990-01-01", "--lang", "en")
    assert too_early.exit_code == 1 and "1990" in too_early.output
    bad_date = invoke(demo, "export", "register", "-o", str(out), "--as-of", "31-12-2026")
    assert bad_date.exit_code == 2
    assert not out.exists()
