"""The system residual risk of the Systems sheet, streamed beside its rows (no Flask here).

The figure is ``riskreg.dpia.residual.system_residual``, the one the pages show, fed with lean facts: one
stream of the transfers that imply a level (recipient, country, class, TIA: no reason texts, which
``findings.assess`` would build for every transfer) and one of the high and very high exposure, both in the
sheet's order and read alongside its rows, and per batch of rows the deciding DPIA versions of the systems
that have one. Memory stays one batch and a bounded memo of renderings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from itertools import islice
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from riskreg.dpia import system_risk
from riskreg.dpia.residual import (
    ExposureFacts,
    SystemResidual,
    TransferFacts,
    exposure_fact,
    system_residual,
    transfer_fact,
)
from riskreg.enums import ExposureLevel, TransferClass
from riskreg.errors import DomainError
from riskreg.exports.register.sheet import YIELD_PER, stream
from riskreg.transfers import findings, rules, sources
from riskreg.transfers.classified import transfer_rows
from riskreg.vendors.models import SubProcessor, Vendor

#: Classes that can imply a level (``transfer_fact``); the others are not fetched.
_IMPLYING = [k.value for k in TransferClass if transfer_fact(k, True) or transfer_fact(k, False)]
_EXPOSING = [lv.value for lv in ExposureLevel if exposure_fact(lv) is not None]


T = TypeVar("T")
#: Renderings kept for systems that share their facts; bounded so memory does not grow with the register.
MEMO_MAX = 2_000
_MISSING: Any = object()


def residual_source(session: Session, on: dt.date) -> sources.ListSource | None:
    """Today's official list, which a body decides under (None: there is none, so no transfer facts)."""
    try:
        return sources.official_source(session, on)
    except DomainError:
        return None


def transfer_facts_stmt(source: sources.ListSource, system_ids: Any, ordered: Any = None) -> Any:
    """The transfers that imply a level, worst first per system (in ``ordered``'s ``position`` order)."""
    found = transfer_rows(source, system_ids).subquery()
    vendor, sub = aliased(Vendor), aliased(SubProcessor)
    stmt = (
        select(
            found.c.system_id,
            found.c.country_code,
            found.c.klass,
            found.c.tia_on,
            found.c.sub_processor_id,
            vendor.name.label("vendor_name"),
            sub.name.label("sub_name"),
        )
        .join(vendor, vendor.id == found.c.vendor_id)
        .outerjoin(sub, sub.id == found.c.sub_processor_id)
        .where(found.c.klass.in_(_IMPLYING))
    )
    first = found.c.system_id
    if ordered is not None:
        stmt = stmt.join(ordered, ordered.c.system_id == found.c.system_id)
        first = ordered.c.position
    # Worst first, as findings.assess orders a system's transfers (the why lists them in that order).
    return stmt.order_by(
        first,
        found.c.severity.desc(),
        found.c.sub_processor_id.is_not(None),
        func.lower(func.coalesce(sub.name, vendor.name)),
        found.c.country_code,
    )


def transfer_fact_of(r: Any, countries: Mapping[str, str]) -> TransferFacts | None:
    klass = TransferClass(r.klass)
    tia_missing = rules.needs_tia(klass, r.tia_on)
    if transfer_fact(klass, tia_missing) is None:
        return None
    recipient = r.sub_name if r.sub_processor_id is not None else r.vendor_name
    country = countries.get(r.country_code, r.country_code) if r.country_code else None
    return TransferFacts(recipient, country, klass, tia_missing)


def exposure_facts_stmt(system_ids: Any, ordered: Any = None) -> Any:
    """The high and very high exposure, worst first per system (in ``ordered``'s ``position`` order)."""
    rows = findings.exposure_entities(system_ids).subquery()
    stmt = select(rows).where(rows.c.level.in_(_EXPOSING))
    first = rows.c.system_id
    if ordered is not None:
        stmt = stmt.join(ordered, ordered.c.system_id == rows.c.system_id)
        first = ordered.c.position
    return stmt.order_by(first, rows.c.severity.desc(), rows.c.role)


def exposure_fact_of(r: Any, countries: Mapping[str, str]) -> ExposureFacts:
    entity = findings.exposed_entity(r)
    return ExposureFacts(entity, countries.get(r.country_code, r.country_code), ExposureLevel(r.level))


def streamed_residuals(
    session: Session,
    source: sources.ListSource | None,
    rows: Iterator[Any],
    exported: Any,
    ordered: Any,
    countries: Mapping[str, str],
    render: Callable[[SystemResidual], T],
) -> Iterator[tuple[Any, T]]:
    """Each of ``rows`` (the sheet's systems, in ``ordered``'s order) with ``render`` of its residual risk.

    The facts come from two more streams in the same order, read alongside the rows (a merge, no query per
    batch); only the DPIA versions are read per batch of rows, for the systems in it that have one.
    ``exported`` is the unordered subquery of the exported ids, ``ordered`` the one with ``position``.
    """
    ids = select(exported.c.system_id)
    empty: Iterator[Any] = iter(())
    transfers = stream(session, transfer_facts_stmt(source, ids, ordered)) if source is not None else empty
    exposure = stream(session, exposure_facts_stmt(ids, ordered)) if source is not None else empty
    next_t, next_e = next(transfers, None), next(exposure, None)
    memo: dict[Any, T] = {}
    while batch := list(islice(rows, YIELD_PER)):
        versions = system_risk.deciding_versions(session, [r.system_id for r in batch if r.dpia_state])
        for r in batch:
            sid = r.system_id
            found_t: list[TransferFacts] = []
            while next_t is not None and next_t.system_id == sid:
                fact = transfer_fact_of(next_t, countries)
                if fact is not None:
                    found_t.append(fact)
                next_t = next(transfers, None)
            found_e: list[ExposureFacts] = []
            while next_e is not None and next_e.system_id == sid:
                found_e.append(exposure_fact_of(next_e, countries))
                next_e = next(exposure, None)
            facts = (tuple(found_t), tuple(found_e))
            dpia = versions.get(sid)
            if dpia is not None:
                yield r, render(system_residual(system_risk.risk_facts(dpia), *facts))
                continue
            rendered = memo.get(facts, _MISSING)
            if rendered is _MISSING:
                if len(memo) >= MEMO_MAX:
                    memo.clear()
                rendered = memo[facts] = render(system_residual(None, *facts))
            yield r, rendered
    for rest in (transfers, exposure):
        close = getattr(rest, "close", None)
        if close is not None:
            close()
