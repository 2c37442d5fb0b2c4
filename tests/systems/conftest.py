from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from riskreg.enums import LocationKind
from riskreg.extensions import db


@pytest.fixture
def make_vendor(app: Flask) -> Callable[..., int]:
    from riskreg.vendors.services import create_vendor

    def make(
        name: str = "Leverandør A/S", locations: tuple = (("DK", LocationKind.PROCESSING),), **values: Any
    ) -> int:
        with app.app_context():
            return create_vendor(db.session, {"name": name, **values}, list(locations)).id

    return make


@pytest.fixture
def make_sub(app: Flask) -> Callable[..., int]:
    from riskreg.subprocessors.services import create_sub_processor
    from riskreg.vendors.models import Vendor

    def make(vendor_id: int, name: str, locations: tuple, system_ids: tuple = (), **values: Any) -> int:
        with app.app_context():
            vendor = db.session.get(Vendor, vendor_id)
            return create_sub_processor(
                db.session, vendor, {"name": name, **values}, list(locations), system_ids=list(system_ids)
            ).id

    return make


@pytest.fixture
def make_system(app: Flask) -> Callable[..., int]:
    from riskreg.systems.services import create_system

    def make(name: str, vendor_id: int, departments: tuple = (), **values: Any) -> int:
        with app.app_context():
            return create_system(
                db.session, {"name": name, "vendor_id": vendor_id, **values}, departments=list(departments)
            ).id

    return make
