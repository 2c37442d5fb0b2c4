"""The register page's filters, read from the query string; the register's Excel download reads the same."""

from __future__ import annotations

from flask import request

from riskreg.enums import Outcome, SystemStatus, TransferClass
from riskreg.listing import enum_arg, int_arg
from riskreg.systems import register_list


def register_filter() -> register_list.SystemFilter:
    """The register's filters as asked for by the query string; a value that is no option filters nothing."""
    return register_list.SystemFilter(
        q=request.args.get("q", "").strip(),
        status=enum_arg("status", SystemStatus),
        department_id=int_arg("department"),
        vendor_id=int_arg("vendor"),
        country=request.args.get("country", "").strip().upper()[:2],
        archived=request.args.get("archived") == "1",
        verdict=enum_arg("verdict", TransferClass),
        outcome=enum_arg("outcome", Outcome),
    )
