"""The stored classification follows every change that can move it, in the same commit; and time travel."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from riskreg.catalogue import format_day
from riskreg.enums import CountryStatus, DpfStatus, Outcome, TransferClass, TransferMechanism
from riskreg.errors import DomainError
from riskreg.extensions import db
from riskreg.systems.models import System
from riskreg.transfers import findings, sources, system_verdicts
from riskreg.transfers.models import AssessmentState, SystemAssessment
from riskreg.vendors.models import SubProcessor
from tests.factories import make_sub, make_system, make_vendor
from tests.transfers.helpers import (
    SUPPORT,
    P,
    by_name,
    current_transfers,
    first_official_day,
    new_official_version,
    stored,
    today,
    update_sub,
    update_vendor,
)

C = TransferClass
M = TransferMechanism
MOMENTUM_AI = "Momentum – AI-tekstassistent"


def committed(name: str) -> tuple[Any, ...]:
    """A system's stored verdict as another connection sees it: proof that it was committed."""
    with db.engine.connect() as conn:
        row = conn.execute(
            select(SystemAssessment.verdict, SystemAssessment.outcome)
            .join(System, System.id == SystemAssessment.system_id)
            .where(System.name == name)
        ).one()
    return tuple(row)


def changed(before: dict[int, Any], after: dict[int, Any]) -> set[int]:
    assert set(before) == set(after)
    return {k for k in before if before[k] != after[k]}


@pytest.fixture
def register(demo_db: Session) -> dict[str, int]:
    """The demo register and some systems around Japan (adequate), by name -> id."""
    s = demo_db
    jp_none = make_vendor(s, "Tokyo Cloud KK", [("JP", P)], transfer_mechanism=M.NONE)
    jp_scc = make_vendor(
        s, "Osaka Data KK", [("JP", P)], transfer_mechanism=M.SCC, tia_on=dt.date(2026, 1, 5)
    )
    dk = make_vendor(s, "Aarhus Hosting ApS", [("DK", P)], transfer_mechanism=M.NONE)
    built = {
        "JP none": make_system(s, "JP none", jp_none.id).id,
        "JP scc": make_system(s, "JP scc", jp_scc.id).id,
        "DK with JP support": make_system(s, "DK with JP support", dk.id).id,
        "DK only": make_system(s, "DK only", dk.id).id,
    }
    # A support sub-processor in Japan, for one of the two Danish vendor's systems.
    make_sub(
        s, dk, "Kyoto Support KK", [("JP", SUPPORT)], [built["DK with JP support"]], transfer_mechanism=M.NONE
    )
    return built


def test_register_starts_as_expected(register: dict[str, int], session: Session) -> None:
    rows = stored(session)
    assert rows[register["JP none"]][:2] == (C.ADEQUATE, Outcome.ACCEPTABLE)
    assert rows[register["JP scc"]][:2] == (C.ADEQUATE, Outcome.ACCEPTABLE)
    assert rows[register["DK with JP support"]][:2] == (C.ADEQUATE, Outcome.ACCEPTABLE)
    assert rows[register["DK only"]][:2] == (C.EEA, Outcome.ACCEPTABLE)


def test_a_country_losing_adequacy_moves_exactly_the_systems_that_use_it(
    register: dict[str, int], session: Session
) -> None:
    before = stored(session)
    version = new_official_version(session, today(), {"JP": CountryStatus.NONE})
    after = stored(session)
    assert changed(before, after) == {register["JP none"], register["JP scc"], register["DK with JP support"]}
    assert after[register["JP none"]][:2] == (C.NO_BASIS, Outcome.NOT_ACCEPTABLE)
    assert after[register["JP scc"]][:2] == (C.SAFEGUARDED, Outcome.ATTENTION)
    assert after[register["DK with JP support"]][:2] == (C.NO_BASIS, Outcome.NOT_ACCEPTABLE)
    assert committed("JP none") == (C.NO_BASIS.value, Outcome.NOT_ACCEPTABLE.value)
    session.expire_all()
    assert session.get(AssessmentState, system_verdicts.STATE_ID).list_version_id == version.id


def test_the_us_losing_the_dpf_moves_exactly_the_dpf_systems_of_the_demo(
    demo_db: Session,
) -> None:
    before = stored(demo_db)
    new_official_version(demo_db, today(), {"US": CountryStatus.NONE})
    after = stored(demo_db)
    names = {i: n for i, n in demo_db.execute(select(System.id, System.name))}
    assert {names[i] for i in changed(before, after)} == {MOMENTUM_AI, "Adobe Creative Cloud"}
    assert committed(MOMENTUM_AI) == (C.NO_BASIS.value, Outcome.NOT_ACCEPTABLE.value)
    assert committed("Adobe Creative Cloud") == (C.NO_BASIS.value, Outcome.NOT_ACCEPTABLE.value)


def test_a_country_gaining_adequacy_reclassifies_its_transfers(demo_db: Session) -> None:
    before, transfers_before = stored(demo_db), current_transfers(demo_db)
    new_official_version(demo_db, today(), {"AU": CountryStatus.ADEQUACY, "PH": CountryStatus.ADEQUACY})
    after, transfers_after = stored(demo_db), current_transfers(demo_db)
    # Canva via SkoleTube still has the two US sub-processors without the DPF; Canva Teams relies on SCC
    # for the US, so its verdict stays safeguarded: the transfers to AU and PH move, no verdict does.
    assert changed(before, after) == set()
    moved = set(transfers_before) ^ set(transfers_after)
    assert {(t[3], t[5]) for t in set(transfers_after) - set(transfers_before)} == {
        ("AU", "adequacy"),
        ("PH", "adequacy"),
    }
    assert {t[3] for t in moved} == {"AU", "PH"}
    assert len(transfers_before) == len(transfers_after)


def test_a_sub_processor_dpf_status_change_is_stored_in_the_same_commit(demo_db: Session) -> None:
    before = stored(demo_db)
    microsoft = by_name(demo_db, SubProcessor, "Microsoft Corporation")
    update_sub(demo_db, microsoft, dpf_status=DpfStatus.INACTIVE)
    assert committed(MOMENTUM_AI) == (C.NO_BASIS.value, Outcome.NOT_ACCEPTABLE.value)
    ai = by_name(demo_db, System, MOMENTUM_AI)
    assert changed(before, stored(demo_db)) == {ai.id}
    update_sub(demo_db, microsoft, dpf_status=DpfStatus.ACTIVE)
    assert committed(MOMENTUM_AI) == (C.DPF.value, Outcome.ATTENTION.value)
    assert stored(demo_db) == before


def test_a_mechanism_change_is_stored_in_the_same_commit(session: Session) -> None:
    vendor = make_vendor(session, "Dansk Drift A/S", transfer_mechanism=M.NONE)
    system = make_system(session, "Elevplan", vendor.id)
    sub = make_sub(session, vendor, "Sydney Storage Pty", [("AU", P)], transfer_mechanism=M.NONE)
    assert committed("Elevplan") == (C.NO_BASIS.value, Outcome.NOT_ACCEPTABLE.value)
    update_sub(session, sub, transfer_mechanism=M.SCC)
    assert committed("Elevplan") == (C.SAFEGUARDED.value, Outcome.ATTENTION.value)
    assert stored(session)[system.id][3] is True  # the TIA is missing
    update_sub(session, sub, tia_on=dt.date(2026, 2, 1))
    assert stored(session)[system.id][3] is False
    update_sub(session, sub, transfer_mechanism=M.UNKNOWN)
    assert committed("Elevplan") == (C.UNKNOWN.value, Outcome.NOT_ACCEPTABLE.value)


def test_adding_a_location_is_stored_in_the_same_commit(session: Session) -> None:
    vendor = make_vendor(session, "Nordisk Net ApS", transfer_mechanism=M.NONE)
    make_system(session, "Lønsystem", vendor.id)
    assert committed("Lønsystem") == (C.EEA.value, Outcome.ACCEPTABLE.value)
    update_vendor(session, vendor, [("DK", P), ("IN", SUPPORT)])
    assert committed("Lønsystem") == (C.NO_BASIS.value, Outcome.NOT_ACCEPTABLE.value)
    sub = make_sub(session, vendor, "Helsinki Backup Oy", [("FI", P)], transfer_mechanism=M.NONE)
    update_vendor(session, vendor, [("DK", P)])
    assert committed("Lønsystem") == (C.EEA.value, Outcome.ACCEPTABLE.value)
    update_sub(session, sub, [("FI", P), ("CN", P)])
    assert committed("Lønsystem") == (C.NO_BASIS.value, Outcome.NOT_ACCEPTABLE.value)


def test_archiving_a_sub_processor_is_stored_in_the_same_commit(demo_db: Session) -> None:
    from riskreg.subprocessors.services import set_sub_processor_archived

    before = stored(demo_db)
    microsoft = by_name(demo_db, SubProcessor, "Microsoft Corporation")
    set_sub_processor_archived(demo_db, microsoft, True)
    # Left: the Irish company in the EU, whose US parent still needs attention (exposure).
    assert committed(MOMENTUM_AI) == (C.EEA.value, Outcome.ATTENTION.value)
    ai = by_name(demo_db, System, MOMENTUM_AI)
    assert changed(before, stored(demo_db)) == {ai.id}
    set_sub_processor_archived(demo_db, microsoft, False)
    assert stored(demo_db) == before


def test_changing_a_systems_vendor_is_stored_in_the_same_commit(demo_db: Session) -> None:
    from riskreg.systems.services import update_system

    before = stored(demo_db)
    system = by_name(demo_db, System, "Fjordsoft Vagtplan")
    adobe = by_name(demo_db, System, "Adobe Creative Cloud").vendor
    update_system(
        demo_db,
        system,
        {"vendor_id": adobe.id},
        departments=[d.name for d in system.departments],
        data_subjects=list(system.data_subjects),
        data_categories=list(system.data_categories),
        legal_bases=list(system.legal_bases),
    )
    assert committed("Fjordsoft Vagtplan") == (C.DPF.value, Outcome.ATTENTION.value)
    assert changed(before, stored(demo_db)) == {system.id}


def test_a_new_system_is_stored_in_the_same_commit(session: Session) -> None:
    vendor = make_vendor(session, "Beijing Apps Co", [("CN", P)], transfer_mechanism=M.UNKNOWN)
    make_system(session, "Ny app", vendor.id)
    assert committed("Ny app") == (C.UNKNOWN.value, Outcome.NOT_ACCEPTABLE.value)


def test_a_change_that_cannot_move_a_verdict_does_not_refresh(session: Session) -> None:
    vendor = make_vendor(session, "Stille Leverandør ApS", transfer_mechanism=M.NONE)
    system = make_system(session, "Stille system", vendor.id)
    computed = session.get(AssessmentState, system_verdicts.STATE_ID).computed_at
    from riskreg.systems.services import set_system_archived

    set_system_archived(session, system, True)
    session.expire_all()
    assert session.get(AssessmentState, system_verdicts.STATE_ID).computed_at == computed


def test_a_failed_commit_leaves_the_stored_verdicts(demo_db: Session) -> None:
    before = stored(demo_db)
    microsoft = by_name(demo_db, SubProcessor, "Microsoft Corporation")
    microsoft.dpf_status = DpfStatus.INACTIVE
    demo_db.flush()
    demo_db.rollback()
    assert stored(demo_db) == before
    assert committed(MOMENTUM_AI) == (C.DPF.value, Outcome.ATTENTION.value)


# --- time travel --------------------------------------------------------------------------------------------


def test_a_future_version_takes_effect_on_its_date(demo_db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    start = today()
    old = sources.official_source(demo_db, start)
    effective = start + dt.timedelta(days=10)
    version = new_official_version(demo_db, effective, {"US": CountryStatus.NONE})
    ai = by_name(demo_db, System, MOMENTUM_AI).id

    def verdict_on(day: dt.date) -> TransferClass:
        (a,) = findings.assess(demo_db, sources.official_source(demo_db, day), [ai])
        return a.verdict

    day_before = effective - dt.timedelta(days=1)
    assert sources.official_source(demo_db, day_before).official_version_id == old.official_version_id
    assert sources.official_source(demo_db, effective).official_version_id == version.id
    assert (
        sources.official_source(demo_db, effective + dt.timedelta(days=1)).official_version_id == version.id
    )
    assert sources.official_source(demo_db, effective).official_effective_on == effective
    assert verdict_on(day_before) == C.DPF
    assert verdict_on(effective) == C.NO_BASIS
    assert verdict_on(effective + dt.timedelta(days=1)) == C.NO_BASIS
    # Today the old list is in force: the stored verdict stays until the day comes.
    assert stored(demo_db)[ai][0] == C.DPF
    assert system_verdicts.is_current(demo_db)
    assert system_verdicts.ensure_current(demo_db) is False

    monkeypatch.setattr(system_verdicts, "today", lambda: day_before)
    assert system_verdicts.ensure_current(demo_db) is False
    monkeypatch.setattr(system_verdicts, "today", lambda: effective)
    assert not system_verdicts.is_current(demo_db)
    assert system_verdicts.ensure_current(demo_db) is True
    assert committed(MOMENTUM_AI) == (C.NO_BASIS.value, Outcome.NOT_ACCEPTABLE.value)
    state = demo_db.get(AssessmentState, system_verdicts.STATE_ID)
    assert (state.list_version_id, state.as_of) == (version.id, effective)
    assert system_verdicts.ensure_current(demo_db) is False
    monkeypatch.setattr(system_verdicts, "today", lambda: effective + dt.timedelta(days=1))
    assert system_verdicts.ensure_current(demo_db) is False


def test_a_version_in_the_past_re_judges_earlier_dates(demo_db: Session) -> None:
    first = first_official_day(demo_db)
    back = first + dt.timedelta(days=1)
    version = new_official_version(demo_db, back, {"US": CountryStatus.NONE})
    assert sources.official_source(demo_db, first).official_version_id != version.id
    assert sources.official_source(demo_db, back).official_version_id == version.id
    # It is also in force today (no later version), so the stored verdicts moved in the same commit.
    assert committed(MOMENTUM_AI) == (C.NO_BASIS.value, Outcome.NOT_ACCEPTABLE.value)


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        (
            "da",
            "Ingen version af den officielle liste var gældende den {date}; den første gælder fra {first}.",
        ),
        ("en", "No version of the official list was in force on {date}; the first is in force from {first}."),
    ],
)
def test_before_the_first_official_version_there_is_no_list(session: Session, lang: str, text: str) -> None:
    first = first_official_day(session)
    day = first - dt.timedelta(days=1)
    with pytest.raises(DomainError) as caught:
        sources.official_source(session, day, lang)
    assert str(caught.value) == text.format(date=format_day(lang, day), first=format_day(lang, first))
    with pytest.raises(DomainError):
        findings.assess(session, sources.source_for(session, day, None, lang))
    assert sources.official_source(session, first).official_effective_on == first


def test_refresh_before_the_first_version_stores_nothing(demo_db: Session) -> None:
    assert stored(demo_db)
    system_verdicts.refresh(demo_db, first_official_day(demo_db) - dt.timedelta(days=1))
    assert stored(demo_db) == {}
    assert demo_db.get(AssessmentState, system_verdicts.STATE_ID).list_version_id is None
    demo_db.rollback()
    assert stored(demo_db)


def test_the_app_installs_the_listeners_not_an_import() -> None:
    """Importing the models installs nothing; ``create_app`` does."""
    import subprocess
    import sys

    program = """
from sqlalchemy import event
from sqlalchemy.orm import Session
import riskreg.models
from riskreg.transfers import tracking
assert not event.contains(Session, "before_commit", tracking._refresh_before_commit)
from riskreg import create_app
create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
for name, listener in tracking._LISTENERS:
    assert event.contains(Session, name, listener), name
print("ok")
"""
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=False)  # noqa: S603

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_on_the_day_a_version_takes_effect_pages_compute_it_without_writing(
    demo_db: Session, login: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No GET commits: the register page computes under the new version; the next commit stores it."""
    effective = today() + dt.timedelta(days=10)
    new_official_version(demo_db, effective, {"US": CountryStatus.NONE})
    reader = login("reader")  # logging in commits: before the day comes
    state_before = demo_db.get(AssessmentState, system_verdicts.STATE_ID)
    assert state_before is not None
    computed_at = state_before.computed_at
    demo_db.commit()
    for module in (system_verdicts, sources):
        monkeypatch.setattr(module, "today", lambda: effective)

    page = reader.get("/systems/?verdict=no_basis").get_data(as_text=True)
    front = reader.get("/").get_data(as_text=True)

    assert MOMENTUM_AI in page and "Adobe Creative Cloud" in page  # judged under the version in force today
    # Adobe Creative Cloud is in use (Momentum is rejected): the front page lists it as not acceptable now.
    assert "Adobe Creative Cloud" in front
    assert committed(MOMENTUM_AI) == (C.DPF.value, Outcome.ATTENTION.value)  # nothing was written
    assert committed("Adobe Creative Cloud")[0] == C.DPF.value
    demo_db.expire_all()
    assert demo_db.get(AssessmentState, system_verdicts.STATE_ID).computed_at == computed_at  # type: ignore[union-attr]

    demo_db.commit()  # the next write, whatever it is, stores the classification of the new version
    assert committed(MOMENTUM_AI)[0] == C.NO_BASIS.value
    assert committed("Adobe Creative Cloud")[0] == C.NO_BASIS.value
