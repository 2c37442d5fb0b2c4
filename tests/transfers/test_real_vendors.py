"""Issue 15's real-vendor set, end to end: vendors entered as a user would, the DPF list and a published sub-
processor list imported through the real imports, then every verdict, exposure reason and role finding.

The facts are written from the vendors' published material as a careful DPO would record them:

- *Dropbox* contracts through its Irish entity (Dropbox International Unlimited Company) and uses Dropbox,
  Inc. in the United States as a sub-processor. Only Dropbox, Inc. is on the DPF list.
- *Slack* contracts through Slack Technologies Limited (Ireland), owned by Salesforce, Inc.; Slack
  Technologies, LLC hosts in the United States and is listed for non-HR data only. Used here for staff (an
  HR system).
- *Kahoot!* (Norway) hosts with Amazon Web Services EMEA SARL (Luxembourg), which processes in the United
  States under SCC with a transfer impact assessment.
- *Mentimeter* declares itself an independent controller for account data and offers no DPA.
- *Canva* (Australia) publishes a sub-processor list with odd headers and one row whose country is not
  disclosed.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from riskreg.enums import (
    DataSubject,
    DpfStatus,
    EntityRole,
    LocationKind,
    Outcome,
    TransferClass,
    TransferMechanism,
    VendorRole,
)
from riskreg.imports.dpf import services as dpf_import
from riskreg.imports.subprocessors import services as sub_import
from riskreg.systems.models import System
from riskreg.systems.services import create_system
from riskreg.transfers import findings, sources
from riskreg.vendors import roles
from riskreg.vendors.models import SubProcessor, Vendor
from tests.factories import make_sub, make_vendor

P, SUPPORT = LocationKind.PROCESSING, LocationKind.SUPPORT
M = TransferMechanism
TIA = dt.date(2026, 3, 2)

#: Saved from the DPF list the way a user would: the list's own headers, frameworks in one cell.
DPF_LIST = (
    b"Organization Name,Status,Frameworks,Covered Data\n"
    b'"Dropbox, Inc.",Active,"EU-U.S. DPF; UK Extension; Swiss-U.S. DPF","HR; Non-HR"\n'
    b'"Slack Technologies, LLC",Active,"EU-U.S. DPF; UK Extension",Non-HR\n'
    b'"Amazon Web Services, Inc.",Active,"EU-U.S. DPF; UK Extension; Swiss-U.S. DPF",Non-HR\n'
)

#: Canva's published list, as copied into a sheet: snake_case headers, a row of undisclosed country.
CANVA_LIST = (
    b"subprocessor_name , Purpose ,processing_countries\n"
    b"Amazon Web Services Inc.,Hosting,United States\n"
    b"Canva Philippines Inc,Customer support,Philippines\n"
    b"Analytics partner,Product analytics,not disclosed\n"
)


def system(session: Session, name: str, vendor: Vendor, *subjects: DataSubject) -> System:
    return create_system(session, {"name": name, "vendor_id": vendor.id}, data_subjects=list(subjects))


@pytest.fixture
def register(session: Session) -> dict[str, int]:
    """The five vendors and their systems, entered through the services; system ids by short name."""
    dropbox = make_vendor(
        session,
        "Dropbox International Unlimited Company",
        [("IE", P)],
        country_code="IE",
        parent_name="Dropbox, Inc.",
        parent_country_code="US",
    )
    make_sub(session, dropbox, "Dropbox, Inc.", [("US", P)], country_code="US", transfer_mechanism=M.DPF)
    slack = make_vendor(
        session,
        "Slack Technologies Limited",
        [("IE", P)],
        country_code="IE",
        parent_name="Salesforce, Inc.",
        parent_country_code="US",
    )
    make_sub(
        session, slack, "Slack Technologies, LLC", [("US", P)], country_code="US", transfer_mechanism=M.DPF
    )
    kahoot = make_vendor(session, "Kahoot! AS", [("NO", P)], country_code="NO")
    make_sub(
        session,
        kahoot,
        "Amazon Web Services EMEA SARL",
        [("US", P)],
        country_code="LU",
        parent_company="Amazon.com, Inc.",
        parent_country_code="US",
        transfer_mechanism=M.SCC,
        tia_on=TIA,
    )
    mentimeter = make_vendor(
        session, "Mentimeter AB", [("SE", P)], country_code="SE", role=VendorRole.INDEPENDENT_CONTROLLER
    )
    canva = make_vendor(
        session, "Canva Pty Ltd", [("AU", P)], country_code="AU", transfer_mechanism=M.SCC, tia_on=TIA
    )
    ids = {
        "dropbox": system(session, "Dropbox Business", dropbox).id,
        "slack": system(session, "Slack for staff", slack, DataSubject.EMPLOYEES).id,
        "kahoot": system(session, "Kahoot! in class", kahoot, DataSubject.CHILDREN).id,
        "mentimeter": system(session, "Mentimeter", mentimeter, DataSubject.CITIZENS).id,
        "canva": system(session, "Canva for pupils", canva, DataSubject.CHILDREN).id,
        "canva_vendor": canva.id,
    }
    return ids


def import_lists(session: Session, canva_id: int) -> None:
    batch = dpf_import.preview(session, DPF_LIST, "dpf.csv")
    dpf_import.apply(session, batch)
    canva = session.get_one(Vendor, canva_id)
    table = sub_import.read(CANVA_LIST, None)
    sub_import.apply(
        session, sub_import.preview(session, canva, table, source="canva.com/policies", lang="en")
    )


def by_name(session: Session, model: type[Vendor] | type[SubProcessor], name: str) -> Vendor | SubProcessor:
    from sqlalchemy import select

    return session.scalars(select(model).where(model.name == name)).one()


def test_the_dpf_list_reaches_only_the_us_entities(session: Session, register: dict[str, int]) -> None:
    import_lists(session, register["canva_vendor"])
    irish = [
        by_name(session, Vendor, n)
        for n in ("Dropbox International Unlimited Company", "Slack Technologies Limited")
    ]
    assert [v.dpf_status for v in irish] == [DpfStatus.UNKNOWN, DpfStatus.UNKNOWN]
    dropbox_inc = by_name(session, SubProcessor, "Dropbox, Inc.")
    assert (dropbox_inc.dpf_status, dropbox_inc.dpf_covers_hr) == (DpfStatus.ACTIVE, True)
    slack_llc = by_name(session, SubProcessor, "Slack Technologies, LLC")
    assert (slack_llc.dpf_status, slack_llc.dpf_covers_hr, slack_llc.dpf_covers_non_hr) == (
        DpfStatus.ACTIVE,
        False,
        True,
    )
    # The Luxembourg AWS entity is not the listed US one.
    assert by_name(session, SubProcessor, "Amazon Web Services EMEA SARL").dpf_status == DpfStatus.UNKNOWN


def test_every_verdict_exposure_reason_and_finding(session: Session, register: dict[str, int]) -> None:
    import_lists(session, register["canva_vendor"])
    source = sources.official_source(session, sources.today())
    got = {a.system_id: a for a in findings.assess(session, source, list(register.values()))}

    # Dropbox: the US sub-processor is DPF-active; the owner's and the sub-processor's jurisdictions are
    # exposure.
    dropbox = got[register["dropbox"]]
    us = next(t for t in dropbox.transfers if t.country_code == "US")
    assert (us.recipient, us.rule, us.klass) == ("Dropbox, Inc.", "dpf_active", TransferClass.DPF)
    assert {(e.entity, e.role) for e in dropbox.exposure} >= {
        ("Dropbox, Inc.", EntityRole.VENDOR_PARENT),
        ("Dropbox, Inc.", EntityRole.SUB_PROCESSOR),
    }
    assert (dropbox.verdict, dropbox.outcome) == (TransferClass.DPF, Outcome.ATTENTION)

    # Slack for staff: the listing covers non-HR data only, so an HR system has no DPF basis.
    slack = got[register["slack"]]
    us = next(t for t in slack.transfers if t.country_code == "US")
    assert (us.rule, us.klass) == ("dpf_hr_not_covered", TransferClass.NO_BASIS)
    assert "HR" in us.reason_en
    assert slack.outcome == Outcome.NOT_ACCEPTABLE

    # Kahoot!: an EU entity hosting in the United States is exposed where the data is, and says which rule.
    kahoot = got[register["kahoot"]]
    hosting = next(e for e in kahoot.exposure if e.role == EntityRole.SUB_PROCESSOR_LOCATION)
    assert hosting.entity == "Amazon Web Services EMEA SARL" and hosting.country_code == "US"
    assert "processes data in United States" in hosting.reason_en
    us = next(t for t in kahoot.transfers if t.country_code == "US")
    assert (us.rule, us.klass) == ("scc_bcr", TransferClass.SAFEGUARDED)
    assert kahoot.outcome == Outcome.ATTENTION

    # Canva: the imported list's undisclosed country is a transfer of unknown country, never safe; the
    # sub-processors the list brought in have no mechanism recorded yet, so they are unknown too.
    canva = got[register["canva"]]
    imported = {(t.recipient, t.country_code): (t.rule, t.klass) for t in canva.transfers}
    assert imported[("Amazon Web Services Inc.", "US")][1] == TransferClass.UNKNOWN
    assert imported[("Canva Philippines Inc", "PH")] == ("mechanism_unknown", TransferClass.UNKNOWN)
    undisclosed = [t for t in canva.transfers if t.country_code is None]
    assert [(t.recipient, t.rule, t.klass) for t in undisclosed] == [
        ("Analytics partner", "country_unknown", TransferClass.UNKNOWN)
    ]
    assert "does not disclose" in undisclosed[0].reason_en
    assert canva.outcome == Outcome.NOT_ACCEPTABLE

    # Mentimeter: nothing leaves the EU, but an independent controller receives a disclosure.
    mentimeter = got[register["mentimeter"]]
    assert (mentimeter.verdict, mentimeter.outcome) == (TransferClass.EEA, Outcome.ACCEPTABLE)
    found = roles.role_findings(session, list(register.values()))
    assert [f.kind for f in found[register["mentimeter"]]] == [roles.RoleFindingKind.DISCLOSURE]
    assert "Mentimeter AB" in found[register["mentimeter"]][0].reason("en")
    # The four processors have no DPA recorded: each is a finding.
    for key in ("dropbox", "slack", "kahoot", "canva"):
        assert [f.kind for f in found[register[key]]] == [roles.RoleFindingKind.NO_DPA], key
