"""The system residual risk of the Systems sheet, a batch of systems at a time (no Flask here).

The figure is ``riskreg.dpia.residual.system_residual``, the one the pages show, fed with lean facts: per
batch one query for the transfers that imply a level (recipient, country, class, TIA: no reason texts, which
``findings.assess`` would build for every transfer), one for the high and very high exposure, and the
deciding DPIA versions of the systems in the batch that have one. The verdict row already on the sheet says
which systems can have a transfer fact at all, so the others cost nothing; memory stays one batch.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
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
from riskreg.enums import EntityRole, ExposureLevel, TransferClass
from riskreg.errors import DomainError
from riskreg.transfers import rules, sources
from riskreg.transfers.classified import exposure_rows, transfer_rows
from riskreg.vendors.models import SubProcessor, Vendor

#: Classes that can imply a level (``transfer_fact``); the others are not fetched.
_IMPLYING = [k.value for k in TransferClass if transfer_fact(k, True) or transfer_fact(k, False)]
_EXPOSING = [lv.value for lv in ExposureLevel if exposure_fact(lv) is not None]


T = TypeVar("T")
#: Renderings kept for systems that share their facts; bounded so memory does not grow with the register.
MEMO_MAX = 2_000
_MISSING: Any = object()


@dataclass(frozen=True)
class VerdictRow:
    """What the sheet's row already knows of a system: its verdict row and whether it has a DPIA."""

    system_id: int
    verdict: str | None
    exposure: str | None
    tia_missing: bool
    has_dpia: bool

    @property
    def may_have_facts(self) -> bool:
        if self.exposure is not None and exposure_fact(ExposureLevel(self.exposure)) is not None:
            return True
        if self.verdict is None:
            return False
        # The verdict is the worst class; a TIA can be missing only on a safeguarded transfer below it.
        klass = TransferClass(self.verdict)
        return transfer_fact(klass, self.tia_missing) is not None or self.tia_missing


def residual_source(session: Session, on: dt.date) -> sources.ListSource | None:
    """Today's official list, which a body decides under (None: there is none, so no transfer facts)."""
    try:
        return sources.official_source(session, on)
    except DomainError:
        return None


def batch_residuals(
    session: Session,
    source: sources.ListSource | None,
    rows: Sequence[VerdictRow],
    countries: Mapping[str, str],
    render: Callable[[SystemResidual], T],
    memo: dict[Any, T],
) -> dict[int, T]:
    """``render`` of the system residual risk of each system in ``rows`` (country names in the reader's
    language).

    Systems without a DPIA whose facts are the same (the systems of one vendor, mostly) share one rendering
    through ``memo``, which the caller keeps across batches; it is emptied when it holds ``MEMO_MAX``.
    """
    with_facts = [r.system_id for r in rows if r.may_have_facts] if source is not None else []
    transfers: dict[int, list[TransferFacts]] = {}
    exposures: dict[int, list[ExposureFacts]] = {}
    if with_facts and source is not None:
        _transfer_facts(session, source, with_facts, countries, transfers)
        _exposure_facts(session, with_facts, countries, exposures)
    versions = system_risk.deciding_versions(session, [r.system_id for r in rows if r.has_dpia])
    result = {}
    for r in rows:
        dpia = versions.get(r.system_id)
        facts = (tuple(transfers.get(r.system_id, ())), tuple(exposures.get(r.system_id, ())))
        if dpia is not None:
            result[r.system_id] = render(system_residual(system_risk.risk_facts(dpia), *facts))
            continue
        found = memo.get(facts, _MISSING)
        if found is _MISSING:
            if len(memo) >= MEMO_MAX:
                memo.clear()
            found = memo[facts] = render(system_residual(None, *facts))
        result[r.system_id] = found  # type: ignore[assignment]
    return result


def _transfer_facts(
    session: Session,
    source: sources.ListSource,
    system_ids: list[int],
    countries: Mapping[str, str],
    into: dict[int, list[TransferFacts]],
) -> None:
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
        # Worst first, as findings.assess orders a system's transfers (the why lists them in that order).
        .order_by(
            found.c.system_id,
            found.c.severity.desc(),
            found.c.sub_processor_id.is_not(None),
            func.lower(func.coalesce(sub.name, vendor.name)),
            found.c.country_code,
        )
    )
    for r in session.execute(stmt):
        klass = TransferClass(r.klass)
        if transfer_fact(klass, rules.needs_tia(klass, r.tia_on)) is None:
            continue
        recipient = r.sub_name if r.sub_processor_id is not None else r.vendor_name
        country = countries.get(r.country_code, r.country_code) if r.country_code else None
        into.setdefault(r.system_id, []).append(
            TransferFacts(recipient, country, klass, rules.needs_tia(klass, r.tia_on))
        )


def _exposure_facts(
    session: Session,
    system_ids: list[int],
    countries: Mapping[str, str],
    into: dict[int, list[ExposureFacts]],
) -> None:
    exp = exposure_rows(system_ids).subquery()
    vendor, sub = aliased(Vendor), aliased(SubProcessor)
    stmt = (
        select(
            exp.c.system_id,
            exp.c.role,
            exp.c.country_code,
            exp.c.level,
            vendor.name.label("vendor_name"),
            vendor.parent_name,
            sub.name.label("sub_name"),
            sub.parent_company,
        )
        .join(vendor, vendor.id == exp.c.vendor_id)
        .outerjoin(sub, sub.id == exp.c.sub_processor_id)
        .where(exp.c.level.in_(_EXPOSING))
        .order_by(exp.c.system_id, exp.c.severity.desc(), exp.c.role)
    )
    for r in session.execute(stmt):
        # The entity as findings.assess names it: the parent when the exposure is the parent's.
        entity = {
            EntityRole.VENDOR: r.vendor_name,
            EntityRole.VENDOR_PARENT: r.parent_name or r.vendor_name,
            EntityRole.SUB_PROCESSOR: r.sub_name,
            EntityRole.SUB_PROCESSOR_PARENT: r.parent_company or r.sub_name,
        }[EntityRole(r.role)]
        country = countries.get(r.country_code, r.country_code)
        into.setdefault(r.system_id, []).append(ExposureFacts(entity, country, ExposureLevel(r.level)))
