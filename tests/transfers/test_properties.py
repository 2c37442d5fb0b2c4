"""Properties of the classification (hypothesis).

In Python on random facts, and in the SQL engine on random small registers built through the services.

The database tests reuse one database per test function across examples (hypothesis runs the examples inside
one call of the test), so every example names its own records and looks only at the systems it built, or
compares the whole register before and after.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from riskreg.enums import (
    CountryStatus,
    DpfStatus,
    ExposureLevel,
    LocationKind,
    Outcome,
    TransferClass,
    TransferMechanism,
)
from riskreg.transfers import classified, findings, rules, scenario_impact, sources, system_verdicts
from riskreg.transfers.models import AssessmentState, SystemAssessment
from riskreg.vendors.models import SubProcessor, Vendor
from tests.factories import make_sub, make_system, make_vendor
from tests.transfers.helpers import (
    current_transfers,
    first_official_day,
    new_official_version,
    official_entries,
    official_list,
    statuses_on,
    stored,
    today,
    update_sub,
    update_vendor,
)

M = TransferMechanism
S = CountryStatus
C = TransferClass

#: A tenth of the profile's examples for the database tests (each commits and re-classifies often), and
#: no shrinking: shrinking re-runs the database work hundreds of times; the failing example is printed as is.
DB = settings(
    max_examples=max(5, settings.default.max_examples // 10),
    deadline=None,
    database=None,
    phases=(Phase.explicit, Phase.generate),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PLAIN = settings(database=None)

#: Countries of every official status: EU, EEA, adequacy, partial (the US by the DPF, Canada otherwise), none.
POOL = ("DK", "NO", "JP", "GB", "US", "CA", "AU", "CN")
NONE_COUNTRIES = ("AU", "CN", "PH", "IN")
SAFEGUARDS = (M.SCC, M.BCR)
_names = itertools.count(1)


# --- in Python ----------------------------------------------------------------------------------------------

countries = st.none() | st.sampled_from(POOL) | st.just("XX")
statuses = st.none() | st.sampled_from(list(S))
facts_st = st.builds(
    rules.Facts,
    country=countries,
    status=statuses,
    mechanism=st.sampled_from(list(M)),
    dpf_status=st.sampled_from(list(DpfStatus)),
)
exposure_st = st.none() | st.sampled_from(list(ExposureLevel))


def with_(f: rules.Facts, **kw: Any) -> rules.Facts:
    return rules.Facts(**{**f.__dict__, **kw})


def severity(f: rules.Facts) -> int:
    return rules.classify(f).klass.severity


def system_outcome(transfers: list[tuple[rules.Facts, bool]], exposure: ExposureLevel | None) -> Outcome:
    """A system of (facts, TIA done) transfers, as the engine judges it."""
    classes = [rules.classify(f).klass for f, _tia in transfers]
    tia_missing = any(k == C.SAFEGUARDED and not tia for k, (_f, tia) in zip(classes, transfers, strict=True))
    return rules.outcome(rules.verdict(classes), exposure, tia_missing)


@PLAIN
@given(facts_st.filter(lambda f: f.mechanism in (M.NONE, M.UNKNOWN)), st.sampled_from(SAFEGUARDS))
def test_adding_a_safeguard_never_worsens_a_class(f: rules.Facts, tool: TransferMechanism) -> None:
    assert severity(with_(f, mechanism=tool)) <= severity(f)


@PLAIN
@given(
    st.lists(st.tuples(facts_st, st.booleans()), min_size=1, max_size=6),
    st.data(),
    exposure_st,
)
def test_adding_a_safeguard_never_worsens_a_system(
    transfers: list[tuple[rules.Facts, bool]], data: st.DataObject, exposure: ExposureLevel | None
) -> None:
    candidates = [i for i, (f, _t) in enumerate(transfers) if f.mechanism in (M.NONE, M.UNKNOWN)]
    assume(candidates)
    i = data.draw(st.sampled_from(candidates))
    tool = data.draw(st.sampled_from(SAFEGUARDS))
    tia = data.draw(st.booleans())
    changed = list(transfers)
    changed[i] = (with_(transfers[i][0], mechanism=tool), tia)
    before = rules.verdict(rules.classify(f).klass for f, _t in transfers)
    after = rules.verdict(rules.classify(f).klass for f, _t in changed)
    assert after.severity <= before.severity
    assert system_outcome(changed, exposure).severity <= system_outcome(transfers, exposure).severity


@PLAIN
@given(facts_st.filter(lambda f: f.country is not None), st.sampled_from([S.NONE, None]))
def test_raising_a_country_to_adequacy_never_worsens_a_class(
    f: rules.Facts, low: CountryStatus | None
) -> None:
    before = with_(f, status=low)
    after = with_(f, status=S.ADEQUACY)
    assert severity(after) <= severity(before)
    assert rules.classify(after).klass == C.ADEQUATE


@PLAIN
@given(st.lists(st.sampled_from(list(C)), min_size=1, max_size=10))
def test_the_verdict_is_the_worst_finding(classes: list[TransferClass]) -> None:
    worst = rules.verdict(classes)
    assert worst in classes
    assert all(c.severity <= worst.severity for c in classes)
    assert rules.verdict([*classes, C.EEA]) == worst  # an EU transfer never improves a verdict
    assert rules.verdict([*classes, C.NO_BASIS]) == C.NO_BASIS


@PLAIN
@given(facts_st)
def test_classify_is_the_first_matching_rule(f: rules.Facts) -> None:
    rule = rules.classify(f)
    assert rule.matches(f)
    assert not any(r.matches(f) for r in rules.RULES[: rules.RULES.index(rule)])
    if f.country is None:
        assert rule.klass == C.UNKNOWN
    if f.country is not None and f.status in (S.EU, S.EEA):
        assert rule.klass == C.EEA


@pytest.fixture
def generated(demo_db: Session) -> Session:
    """The demo register and a small generated one beside it."""
    from riskreg.demo.generate import generate_register

    generate_register(demo_db, 120, seed=11)
    return demo_db


# --- random registers in the database -----------------------------------------------------------------------

location_st = st.tuples(st.sampled_from(POOL), st.sampled_from(list(LocationKind)))
recipient_st = st.fixed_dictionaries(
    {
        "locations": st.lists(location_st, max_size=3, unique=True),
        "mechanism": st.sampled_from(list(M)),
        "dpf": st.sampled_from(list(DpfStatus)),
        "tia": st.booleans(),
    }
)
sub_st = st.fixed_dictionaries(
    {"recipient": recipient_st, "limited_to": st.none() | st.integers(0, 1), "archived": st.booleans()}
)
vendor_st = st.fixed_dictionaries(
    {"recipient": recipient_st, "systems": st.integers(1, 2), "subs": st.lists(sub_st, max_size=3)}
)
register_st = st.lists(vendor_st, min_size=1, max_size=2)
overrides_st = st.dictionaries(st.sampled_from(POOL), st.sampled_from(list(S)), max_size=3)


@dataclass
class Built:
    #: system id -> [(recipient name, country, kind, mechanism, DPF status)] expected to be its transfers
    expected: dict[int, list[tuple[str, str | None, LocationKind | None, M, DpfStatus]]] = field(
        default_factory=dict
    )
    vendors: list[Vendor] = field(default_factory=list)
    subs: list[SubProcessor] = field(default_factory=list)


def _rows(name: str, r: dict[str, Any]) -> list[tuple[str, str | None, LocationKind | None, M, DpfStatus]]:
    if not r["locations"]:
        return [(name, None, None, r["mechanism"], r["dpf"])]
    return [(name, code, kind, r["mechanism"], r["dpf"]) for code, kind in r["locations"]]


def _values(r: dict[str, Any]) -> dict[str, Any]:
    """Columns of a recipient; only a US entity can be DPF-active (the services refuse any other)."""
    values: dict[str, Any] = {"tia_on": dt.date(2026, 1, 15) if r["tia"] else None}
    if r["dpf"] == DpfStatus.ACTIVE:
        values["country_code"] = "US"
    return values


def build(session: Session, spec: list[dict[str, Any]]) -> Built:
    """Create the register ``spec`` describes, through the services; each system's expected transfers."""
    from riskreg.subprocessors.services import set_sub_processor_archived

    built = Built()
    n = next(_names)
    for v_i, v in enumerate(spec):
        name = f"Vendor {n}-{v_i}"
        vendor = make_vendor(
            session,
            name,
            v["recipient"]["locations"],
            transfer_mechanism=v["recipient"]["mechanism"],
            dpf_status=v["recipient"]["dpf"],
            **_values(v["recipient"]),
        )
        built.vendors.append(vendor)
        systems = [make_system(session, f"System {n}-{v_i}-{k}", vendor.id).id for k in range(v["systems"])]
        for s_id in systems:
            built.expected[s_id] = _rows(name, v["recipient"])
        for s_i, sub in enumerate(v["subs"]):
            r = sub["recipient"]
            sub_name = f"Sub {n}-{v_i}-{s_i}"
            limited = [] if sub["limited_to"] is None else [systems[sub["limited_to"] % len(systems)]]
            sp = make_sub(
                session,
                vendor,
                sub_name,
                r["locations"],
                limited,
                transfer_mechanism=r["mechanism"],
                dpf_status=r["dpf"],
                **_values(r),
            )
            built.subs.append(sp)
            if sub["archived"]:
                set_sub_processor_archived(session, sp, True)
                continue
            for s_id in limited or systems:
                built.expected[s_id] = built.expected[s_id] + _rows(sub_name, r)
    return built


def scenario_source(session: Session, overrides: dict[str, CountryStatus]) -> sources.ListSource:
    """The official list today, with ``overrides`` on top as a new scenario (the official list if none)."""
    from riskreg.scenarios.services import create_scenario

    if not overrides:
        return sources.official_source(session, today())
    scenario = create_scenario(session, f"Scenario {next(_names)}", "", today(), overrides)
    return sources.source_for(session, today(), scenario)


def python_rule(statuses: dict[str, CountryStatus], row: tuple[Any, ...]) -> str:
    _name, code, _kind, mechanism, dpf = row
    return rules.classify(rules.Facts(code, statuses.get(code) if code else None, mechanism, dpf)).id


@DB
@given(spec=register_st, overrides=overrides_st)
def test_sql_agrees_with_python_on_random_registers(
    session: Session, spec: list[dict[str, Any]], overrides: dict[str, CountryStatus]
) -> None:
    built = build(session, spec)
    source = scenario_source(session, overrides)
    statuses = statuses_on(session, today()) | overrides
    found = {a.system_id: a for a in findings.assess(session, source, list(built.expected))}
    assert set(found) == set(built.expected)
    for system_id, rows in built.expected.items():
        a = found[system_id]
        got = Counter((t.recipient, t.country_code, t.kind, t.rule) for t in a.transfers)
        want = Counter((r[0], r[1], r[2], python_rule(statuses, r)) for r in rows)
        assert got == want
        # The verdict is the worst finding, in Python and in SQL.
        assert a.verdict == rules.verdict(rules.RULES_BY_ID[rule].klass for *_r, rule in want.elements())
    v = system_verdicts.verdicts(source, list(built.expected))
    in_sql = {r.system_id: (r.verdict, r.outcome) for r in session.execute(select(v))}
    assert in_sql == {i: (a.verdict.value, a.outcome.value) for i, a in found.items()}


@DB
@given(spec=register_st)
def test_the_stored_verdict_is_the_worst_transfer(session: Session, spec: list[dict[str, Any]]) -> None:
    built = build(session, spec)
    worst: dict[int, int] = {}
    source = sources.official_source(session, sources.today())
    for t in session.execute(classified.transfer_rows(source, list(built.expected))):
        worst[t.system_id] = max(worst.get(t.system_id, -1), t.severity)
    rows = session.scalars(
        select(SystemAssessment).where(SystemAssessment.system_id.in_(list(built.expected)))
    )
    for row in rows:
        assert row.severity == worst[row.system_id] == row.verdict.severity
        assert row.transfer_count == len(built.expected[row.system_id])


@DB
@given(spec=register_st, data=st.data())
def test_adding_a_safeguard_never_worsens_a_stored_verdict(
    session: Session, spec: list[dict[str, Any]], data: st.DataObject
) -> None:
    built = build(session, spec)
    everyone: list[Any] = [*built.vendors, *built.subs]
    recipients = [r for r in everyone if r.transfer_mechanism in (M.NONE, M.UNKNOWN)]
    assume(recipients)
    recipient = data.draw(st.sampled_from(recipients))
    tool = data.draw(st.sampled_from(SAFEGUARDS))
    before = stored(session)
    if isinstance(recipient, Vendor):
        update_vendor(session, recipient, transfer_mechanism=tool)
    else:
        update_sub(session, recipient, transfer_mechanism=tool)
    after = stored(session)
    assert set(after) == set(before)
    for system_id, (verdict, outcome, *_rest) in after.items():
        assert verdict.severity <= before[system_id][0].severity
        assert outcome.severity <= before[system_id][1].severity
    # Only the systems the recipient serves can move at all.
    moved = {i for i in before if before[i] != after[i]}
    assert moved <= set(built.expected)


@DB
@given(raised=st.lists(st.sampled_from(NONE_COUNTRIES), min_size=1, max_size=3, unique=True))
def test_raising_countries_to_adequacy_never_worsens_a_verdict(generated: Session, raised: list[str]) -> None:
    session = generated
    base = sources.official_source(session, today())
    what_if = scenario_source(session, dict.fromkeys(raised, S.ADEQUACY))
    before, after = (
        system_verdicts.verdicts(base, name="before"),
        system_verdicts.verdicts(what_if, name="after"),
    )
    rows = session.execute(
        select(
            before.c.system_id, before.c.severity, after.c.severity, before.c.outcome, after.c.outcome
        ).join(after, after.c.system_id == before.c.system_id)
    ).all()
    assert len(rows) == len(stored(session))
    for _id, sev_before, sev_after, out_before, out_after in rows:
        assert sev_after <= sev_before
        assert Outcome(out_after).severity <= Outcome(out_before).severity


@DB
@given(
    overrides=st.dictionaries(st.sampled_from(POOL), st.sampled_from(list(S)), min_size=1, max_size=4),
    days=st.integers(0, 400),
)
def test_a_scenario_leaves_the_official_data_unchanged(
    generated: Session, overrides: dict[str, CountryStatus], days: int
) -> None:
    from riskreg.scenarios.services import create_scenario

    session = generated
    scenario = create_scenario(session, f"Scenario {next(_names)}", "", today(), overrides)
    as_of = first_official_day(session) + dt.timedelta(days=days)

    def snapshot() -> tuple[Any, ...]:
        session.expire_all()
        state = session.get(AssessmentState, system_verdicts.STATE_ID)
        return (
            official_entries(session),
            stored(session),
            current_transfers(session),
            (state.list_version_id, state.as_of, state.computed_at),
        )

    before = snapshot()
    base, what_if, changes = scenario_impact.scenario_impact(session, scenario, as_of)
    assert not session.new and not session.dirty and not session.deleted
    session.commit()  # nothing to write: the commit hook must not re-classify either
    assert snapshot() == before
    assert what_if.official_version_id == base.official_version_id
    assert what_if.scenario_name == scenario.name
    # Every change reported is a real change of verdict or outcome, for a reason among its transfers.
    for c in changes:
        assert (c.before, c.before_outcome) != (c.after, c.after_outcome)
        for old, new in c.transfers:
            assert old.country_code in overrides and old.klass != new.klass


@DB
@given(offset=st.integers(-400, 400), us=st.sampled_from([S.NONE, S.PARTIAL, S.ADEQUACY]))
def test_time_travel_picks_the_list_in_force(session: Session, offset: int, us: CountryStatus) -> None:
    us_only = [("US", LocationKind.PROCESSING)]
    vendor = make_vendor(
        session,
        f"US vendor {next(_names)}",
        us_only,
        country_code="US",
        transfer_mechanism=M.DPF,
        dpf_status=DpfStatus.ACTIVE,
    )
    system_id = make_system(session, f"US system {next(_names)}", vendor.id).id
    first = first_official_day(session)
    effective = today() + dt.timedelta(days=offset)
    assume(effective - dt.timedelta(days=1) >= first)
    taken = {v.effective_on for v in official_list(session).versions}
    assume(effective not in taken and effective + dt.timedelta(days=1) not in taken)
    version = new_official_version(session, effective, {"US": us}, note=f"US {us.value}")

    def in_force(day: dt.date) -> int:
        versions = [v for v in official_list(session).versions if v.effective_on <= day]
        return max(versions, key=lambda v: v.effective_on).id

    session.expire_all()
    for day in (effective - dt.timedelta(days=1), effective, effective + dt.timedelta(days=1)):
        source = sources.official_source(session, day)
        assert source.official_version_id == in_force(day)
        (a,) = findings.assess(session, source, [system_id])
        facts = rules.Facts("US", statuses_on(session, day).get("US"), M.DPF, DpfStatus.ACTIVE)
        expected = rules.classify(facts)
        assert [t.rule for t in a.transfers] == [expected.id]
    assert (
        sources.official_source(session, effective - dt.timedelta(days=1)).official_version_id != version.id
    )
    assert sources.official_source(session, effective).official_version_id == version.id
    assert (
        sources.official_source(session, effective + dt.timedelta(days=1)).official_version_id == version.id
    )
    # Today's stored classification used the version in force today.
    assert session.get(AssessmentState, system_verdicts.STATE_ID).list_version_id == in_force(today())
