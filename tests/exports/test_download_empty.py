"""The register download of an empty register: a workbook that says there is nothing, not an error."""

from __future__ import annotations

from typing import Any

from flask import Flask

from riskreg.enums import Role
from tests.exports.test_downloads import system_rows, workbook


def test_register_download_of_an_empty_register_works(app: Flask, login: Any) -> None:
    client = login(Role.READER)
    book = workbook(client.get("/systems/export.xlsx"))
    assert system_rows(book) == []
    texts = [c for row in book.worksheets[0].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert len(texts) > len(book.worksheets[0][1]), "the sheet says there is nothing to show"
