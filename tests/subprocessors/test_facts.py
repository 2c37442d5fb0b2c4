"""A sub-processor's DPF facts per framework, the US-only rule, a country not disclosed, own mechanisms."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from riskreg.enums import DpfStatus, LocationKind, TransferMechanism
from riskreg.extensions import db
from riskreg.vendors.models import SubProcessor
from tests.conftest import post_form
from tests.pages import text
from tests.records import audit_entries
from tests.subprocessors.test_pages import form_data

P, S = LocationKind.PROCESSING, LocationKind.SUPPORT


def errors(response: Any) -> list[str]:
    return [e.strip() for e in re.findall(r'role="alert">([^<]*)<', text(response))]


def aws(**changes: Any) -> dict[str, Any]:
    """Amazon Web Services, Inc. as the DPF list holds it, hosting in the US and Ireland."""
    values: dict[str, Any] = dict(
        name="Amazon Web Services, Inc.",
        service="Hosting",
        country_code="US",
        parent_company="Amazon.com, Inc.",
        parent_country_code="US",
        processing_countries=["US", "IE"],
        support_countries=[],
        transfer_mechanism="dpf",
        dpf_status="active",
        dpf_uk_status="active",
        dpf_swiss_status="active",
        dpf_covers_hr="yes",
        dpf_covers_non_hr="yes",
        dpf_due_on="2027-06-30",
        dpf_url="https://www.dataprivacyframework.gov/participant/2717",
        dpf_listed_name="Amazon Web Services, Inc.",
        dpf_checked_on="2026-11-20",
    )
    return form_data(**{**values, **changes})


def the_sub(app: Flask) -> SubProcessor:
    with app.app_context():
        sp = db.session.scalars(select(SubProcessor)).one()
        sp.locations  # noqa: B018 - loaded for the assertions outside the context
        return sp


def test_every_dpf_fact_round_trips_and_the_page_shows_it(
    app: Flask, editor: FlaskClient, world: dict[str, int]
) -> None:
    response = post_form(editor, f"/subprocessors/new/{world['vendor']}", aws())
    assert response.status_code == 302, errors(response)
    sp = the_sub(app)
    assert (sp.dpf_status, sp.dpf_uk_status, sp.dpf_swiss_status) == (DpfStatus.ACTIVE,) * 3
    assert (sp.dpf_covers_hr, sp.dpf_covers_non_hr) == (True, True)
    assert sp.dpf_due_on == dt.date(2027, 6, 30)
    assert sp.dpf_url == "https://www.dataprivacyframework.gov/participant/2717"
    assert sp.dpf_listed_name == "Amazon Web Services, Inc."
    assert sp.dpf_checked_on == dt.date(2026, 11, 20)
    with app.app_context():
        [entry] = audit_entries(db.session, "sub_processor", sp.id)
        assert entry.changes["dpf_swiss_status"] == [None, "active"]
        assert entry.changes["dpf_covers_hr"] == [None, True]

    page = text(editor.get(f"/subprocessors/{sp.id}"))
    dpf = page[page.index('data-testid="dpf"') :]
    assert '<span class="badge badge-active" data-testid="dpf-swiss-status">Active</span>' in dpf
    assert '<dd data-testid="dpf-hr">Yes</dd>' in dpf
    assert '<dd data-testid="dpf-due">30 Jun 2027</dd>' in dpf
    assert 'href="https://www.dataprivacyframework.gov/participant/2717"' in dpf
    assert "20 Nov 2026" in dpf

    form = text(editor.get(f"/subprocessors/{sp.id}/edit"))
    assert "<legend>Data Privacy Framework</legend>" in form
    assert 'value="https://www.dataprivacyframework.gov/participant/2717"' in form
    # Saved again unchanged: nothing to log.
    assert post_form(editor, f"/subprocessors/{sp.id}/edit", aws(version="1")).status_code == 302
    with app.app_context():
        assert len(audit_entries(db.session, "sub_processor", sp.id)) == 1


@pytest.mark.parametrize("framework", ["dpf_status", "dpf_uk_status", "dpf_swiss_status"])
def test_a_non_us_sub_processor_cannot_be_dpf_active_and_nothing_changes(
    app: Flask, editor: FlaskClient, world: dict[str, int], make_sp: Any, framework: str
) -> None:
    # Issue 15: "Slack Technologies Limited" (Ireland) matched the listing of Slack Technologies, LLC.
    sp_id = make_sp("Slack Technologies Limited", country_code="IE")
    changes = {key: "not_listed" for key in ("dpf_status", "dpf_uk_status", "dpf_swiss_status")}
    changes[framework] = "active"
    response = post_form(
        editor,
        f"/subprocessors/{sp_id}/edit",
        aws(name="Slack Technologies Limited", country_code="IE", version="1", **changes),
    )
    assert response.status_code == 400
    page = text(response)
    field = page[page.index(f'name="{framework}"') :]
    assert (
        "Only a US entity can be active on the Data Privacy Framework list" in field[: field.index("</div>")]
    )
    with app.app_context():
        sp = db.session.get(SubProcessor, sp_id)
        assert (sp.version, sp.dpf_status, sp.name) == (1, DpfStatus.UNKNOWN, "Slack Technologies Limited")


def test_a_sub_processor_without_a_country_is_told_to_record_it(
    app: Flask, editor: FlaskClient, world: dict[str, int]
) -> None:
    response = post_form(editor, f"/subprocessors/new/{world['vendor']}", aws(country_code=""))
    assert response.status_code == 400
    assert any("record the entity's country (United States) first" in e for e in errors(response))
    with app.app_context():
        assert db.session.scalars(select(SubProcessor)).first() is None


def test_a_list_that_does_not_disclose_a_country_and_a_country_on_scc(
    app: Flask, editor: FlaskClient, world: dict[str, int]
) -> None:
    # Canada adequate for the recipient, India on SCC, and "other locations" not disclosed.
    form = form_data(
        name="Zendesk, Inc.",
        country_code="US",
        processing_countries=["CA"],
        support_countries=["IN"],
        transfer_mechanism="adequacy",
        undisclosed_processing="y",
        **{"country_mechanisms-0-country_code": "IN", "country_mechanisms-0-mechanism": "scc"},
    )
    response = post_form(editor, f"/subprocessors/new/{world['vendor']}", form)
    assert response.status_code == 302, errors(response)
    sp = the_sub(app)
    assert sorted((loc.country_code or "?", loc.kind, loc.mechanism) for loc in sp.locations) == [
        ("?", P, None),
        ("CA", P, None),
        ("IN", S, TransferMechanism.SCC),
    ]
    with app.app_context():
        [entry] = audit_entries(db.session, "sub_processor", sp.id)
        assert sorted(entry.changes["locations"][1]) == [
            "? (processing)",
            "CA (processing)",
            "IN (support, scc)",
        ]
    page = text(editor.get(f"/subprocessors/{sp.id}"))
    processing = page[page.index('data-testid="processing"') :]
    assert "a country it does not disclose" in processing[: processing.index("</dd>")]
    support = page[page.index('data-testid="support"') :]
    assert "(Standard contractual clauses)" in support[: support.index("</dd>")]
    assert "processes data in a country it does not disclose" in page  # the warning
    # The vendor's tree and the list show it too, without failing on the missing country.
    assert "a country it does not disclose" in text(editor.get(f"/vendors/{world['vendor']}"))
    assert "not disclosed" in text(editor.get("/subprocessors/"))


def test_a_mechanism_for_a_country_it_does_not_use_is_refused(
    app: Flask, editor: FlaskClient, world: dict[str, int]
) -> None:
    form = form_data(**{"country_mechanisms-0-country_code": "IN", "country_mechanisms-0-mechanism": "scc"})
    response = post_form(editor, f"/subprocessors/new/{world['vendor']}", form)
    assert response.status_code == 400
    assert "IN is not one of the processing or support countries: add it there first." in errors(response)
    with app.app_context():
        assert db.session.scalars(select(SubProcessor)).first() is None


def test_changing_only_a_countrys_mechanism_is_logged_and_moves_the_version(
    app: Flask, editor: FlaskClient, world: dict[str, int]
) -> None:
    assert post_form(editor, f"/subprocessors/new/{world['vendor']}", form_data()).status_code == 302
    sp_id = the_sub(app).id
    form = form_data(
        version="1", **{"country_mechanisms-0-country_code": "US", "country_mechanisms-0-mechanism": "bcr"}
    )
    response = post_form(editor, f"/subprocessors/{sp_id}/edit", form)
    assert response.status_code == 302, errors(response)
    with app.app_context():
        assert db.session.get(SubProcessor, sp_id).version == 2
        entry = audit_entries(db.session, "sub_processor", sp_id)[-1]
        assert entry.changes == {
            "locations": [
                ["IE (processing)", "NL (processing)", "US (support)"],
                ["IE (processing)", "NL (processing)", "US (support, bcr)"],
            ]
        }
