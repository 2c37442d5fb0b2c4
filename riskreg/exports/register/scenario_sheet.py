"""The Scenario sheet: the exported systems whose verdict or outcome a scenario changes."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import select

from riskreg.countries.models import CountryList
from riskreg.enums import Outcome, TransferClass
from riskreg.exports.register.sheet import Export, Table, counted, stream
from riskreg.systems.models import System
from riskreg.transfers import sources, system_verdicts
from riskreg.vendors.models import Vendor
from riskreg.vocabulary import N_

TITLE_SCENARIO = N_("Scenario")
NO_CHANGES = N_("No system changes verdict or outcome under this scenario.")


def scenario_table(x: Export, scenario: CountryList, empty: str) -> Table:
    """The exported systems whose verdict or outcome the scenario changes, from the official list's to its."""
    w = x.words
    columns = [
        (N_("System"), 36, "plain"),
        (N_("Vendor"), 28, "plain"),
        (N_("Verdict before"), 18, "plain"),
        (N_("Verdict after"), 18, "plain"),
        (N_("Outcome before"), 16, "plain"),
        (N_("Outcome after"), 16, "plain"),
    ]
    what_if = x.choice.source
    assert what_if is not None
    base = sources.official_source(x.session, x.choice.as_of, w.lang)
    ids = select(x.ids().c.system_id)
    before, after = (
        system_verdicts.verdicts(base, ids, name="before"),
        system_verdicts.verdicts(what_if, ids, name="after"),
    )
    stmt = (
        select(
            System.name,
            Vendor.name.label("vendor_name"),
            before.c.verdict.label("verdict_before"),
            after.c.verdict.label("verdict_after"),
            before.c.outcome.label("outcome_before"),
            after.c.outcome.label("outcome_after"),
        )
        .select_from(before)
        .join(after, after.c.system_id == before.c.system_id)
        .join(System, System.id == before.c.system_id)
        .join(Vendor, Vendor.id == System.vendor_id)
        .where((before.c.verdict != after.c.verdict) | (before.c.outcome != after.c.outcome))
        .order_by(after.c.severity.desc(), System.name, System.id)
    )
    verdicts, outcomes = w.labels(TransferClass), w.labels(Outcome)

    def rows() -> Iterator[Sequence[Any]]:
        for r in stream(x.session, stmt):
            yield (
                r.name,
                r.vendor_name,
                verdicts[r.verdict_before],
                verdicts[r.verdict_after],
                outcomes[r.outcome_before],
                outcomes[r.outcome_after],
            )

    title = f"{x.t(TITLE_SCENARIO)} {scenario.name}"
    return Table(title, x.columns(columns), counted(rows(), x.counts, "scenario"), empty=empty)
