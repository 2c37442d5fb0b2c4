"""Factories for the vendors area (colleagues may copy ``make_vendor``)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from flask import Flask

from riskreg.enums import LocationKind
from riskreg.extensions import db

_names = itertools.count(1)


@pytest.fixture
def make_vendor(app: Flask) -> Callable[..., int]:
    """``make_vendor(name=..., processing=("DE",), support=("IN",), **columns)`` -> id, via create_vendor."""
    from riskreg.vendors.services import create_vendor

    def make(
        name: str | None = None,
        *,
        processing: Sequence[str] = (),
        support: Sequence[str] = (),
        **values: Any,
    ) -> int:
        locations = [(c, LocationKind.PROCESSING) for c in processing] + [
            (c, LocationKind.SUPPORT) for c in support
        ]
        with app.app_context():
            vendor = create_vendor(db.session, {"name": name or f"Vendor {next(_names)}", **values}, locations)
            return vendor.id

    return make
