"""Builders for test data, through the real services: plain functions that take a session.

``tests/conftest.py`` wraps the common ones in factory fixtures (``make_vendor`` and friends) that return ids.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from riskreg.enums import LocationKind
from riskreg.systems.models import System
from riskreg.vendors.models import SubProcessor, Vendor

Locations = Sequence[tuple[str, LocationKind | str]]

#: Processing in Denmark only: a recipient that raises no transfer question.
IN_DENMARK: Locations = (("DK", LocationKind.PROCESSING),)

_names = itertools.count(1)


def make_vendor(
    session: Session, name: str | None = None, locations: Locations = IN_DENMARK, **values: Any
) -> Vendor:
    """A vendor through ``create_vendor``: ``locations`` as (country, kind) pairs, columns as keywords."""
    from riskreg.vendors.services import create_vendor

    values = {"name": name or f"Vendor {next(_names)}", **values}
    return create_vendor(session, values, [(code, LocationKind(kind)) for code, kind in locations])


def make_sub(
    session: Session,
    vendor: Vendor,
    name: str,
    locations: Locations = IN_DENMARK,
    system_ids: Sequence[int] = (),
    **values: Any,
) -> SubProcessor:
    """A sub-processor of ``vendor`` through ``create_sub_processor`` (no ``system_ids``: all its systems)."""
    from riskreg.subprocessors.services import create_sub_processor

    return create_sub_processor(
        session,
        vendor,
        {"name": name, **values},
        [(code, LocationKind(kind)) for code, kind in locations],
        system_ids=list(system_ids),
    )


def make_system(
    session: Session, name: str, vendor_id: int, departments: Sequence[str] = (), **values: Any
) -> System:
    """A system of the vendor ``vendor_id`` through ``create_system``."""
    from riskreg.systems.services import create_system

    return create_system(
        session, {"name": name, "vendor_id": vendor_id, **values}, departments=list(departments)
    )


def two_vendors(session: Session, other: tuple[str, str], other_system: tuple[str, str]) -> dict[str, int]:
    """Netcompany (DK) with Momentum and SBSYS, and ``other`` (name, country) with one system (key, name).

    Returns ids by key: "vendor", "other", "momentum", "sbsys" and the other system's key.
    """
    (other_name, country), (key, system_name) = other, other_system
    vendor = make_vendor(session, "Netcompany", country_code="DK")
    another = make_vendor(session, other_name, [(country, LocationKind.PROCESSING)], country_code=country)
    return {
        "vendor": vendor.id,
        "other": another.id,
        "momentum": make_system(session, "Momentum", vendor.id).id,
        "sbsys": make_system(session, "SBSYS", vendor.id).id,
        key: make_system(session, system_name, another.id).id,
    }


def run_demo(app: Flask, *args: str) -> str:
    """Load the demo register through the real command (``riskreg demo``); its output."""
    result = app.test_cli_runner().invoke(args=["demo", *args])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


@dataclass(frozen=True)
class Chain:
    first: int  # ceiling medium
    second: int  # ceiling high
    final: int  # ceiling very high
