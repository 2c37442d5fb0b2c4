"""Every route × every role, as domain §1 says: anonymous -> login, allowed roles pass, the others get 403.

The table below is written from domain §1, not from the code: a route whose permission is wrong fails here,
and a new route fails until someone decides who may use it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask import Flask

from riskreg.enums import Role
from riskreg.extensions import db
from tests.conftest import post_form

ALL = frozenset(Role)
EDITORS = frozenset({Role.ADMIN, Role.SECURITY, Role.DPO})
ADMIN = frozenset({Role.ADMIN})
HISTORY = frozenset({Role.ADMIN, Role.DPO})
SCENARIO_MANAGERS = frozenset({Role.ADMIN, Role.DPO})
DPIA_EDITORS = frozenset({Role.ADMIN, Role.DPO})
DECIDERS = frozenset({Role.ADMIN, Role.DPO, Role.STEERING})
PUBLIC = None

#: endpoint -> roles allowed (None: public).
EXPECTED: dict[str, frozenset[Role] | None] = {
    "auth.login": PUBLIC,
    "main.set_language": PUBLIC,
    "main.index": ALL,
    "auth.logout": ALL,
    "auth.account": ALL,
    "auth.users": ADMIN,
    "auth.user_new": ADMIN,
    "auth.user_edit": ADMIN,
    "auth.user_archive": ADMIN,
    "vendors.index": ALL,
    "vendors.view": ALL,
    "vendors.new": EDITORS,
    "vendors.edit": EDITORS,
    "vendors.archive": EDITORS,
    "vendors.statement_new": EDITORS,
    "vendors.statement_edit": EDITORS,
    "vendors.supervision_new": EDITORS,
    "vendors.supervision_edit": EDITORS,
    "subprocessors.index": ALL,
    "subprocessors.view": ALL,
    "subprocessors.new": EDITORS,
    "subprocessors.edit": EDITORS,
    "subprocessors.archive": EDITORS,
    "agreements.index": ALL,
    "agreements.view": ALL,
    "agreements.new": EDITORS,
    "agreements.edit": EDITORS,
    "agreements.archive": EDITORS,
    "systems.index": ALL,
    "systems.view": ALL,
    "systems.new": EDITORS,
    "systems.edit": EDITORS,
    "systems.archive": EDITORS,
    "systems.transfers": ALL,
    "exports.dpia": ALL,
    "exports.register": ALL,
    "countries.index": ALL,
    "countries.list_view": ALL,
    "countries.exposure": ALL,
    "countries.version_new": ADMIN,
    "scenarios.index": ALL,
    "scenarios.view": ALL,
    "scenarios.new": SCENARIO_MANAGERS,
    "dpia.view": ALL,
    "dpia.start": DPIA_EDITORS,
    "dpia.sections": DPIA_EDITORS,
    "dpia.risk_new": DPIA_EDITORS,
    "dpia.risk_edit": DPIA_EDITORS,
    "dpia.risk_remove": DPIA_EDITORS,
    "dpia.suggestion_accept": DPIA_EDITORS,
    "dpia.suggestion_dismiss": DPIA_EDITORS,
    "dpia.suggestion_restore": DPIA_EDITORS,
    "dpia.submit": DPIA_EDITORS,
    "measures.index": ALL,
    "measures.new": DPIA_EDITORS,
    "measures.edit": DPIA_EDITORS,
    "measures.archive": DPIA_EDITORS,
    # Steering members may open the page; the workflow limits them to their own body (tests/dpia).
    "decisions.new": DECIDERS,
    # Corrections: the DPO or admin (issue 14 §2); withdrawals: the DPO, admin and the owner side (security).
    "decisions.correct": frozenset({Role.ADMIN, Role.DPO}),
    "decisions.withdraw": frozenset({Role.ADMIN, Role.DPO, Role.SECURITY}),
    "decisions.agendas": ALL,
    "decisions.agenda": ALL,
    # The DPO's secretariat prepares the agenda; deciders record an item's decision (own body: tests/dpia).
    "agenda.item_new": DPIA_EDITORS,
    "agenda.item_edit": DPIA_EDITORS,
    "agenda.item_decision": DECIDERS,
    "imports.index": ALL,
    "imports.register_upload": EDITORS,
    "imports.register_mapping": EDITORS,
    "imports.register_batch": ALL,
    "imports.register_apply": EDITORS,
    "imports.register_discard": EDITORS,
    "imports.dpf_upload": EDITORS,
    "imports.dpf_mapping": EDITORS,
    "imports.dpf_batch": ALL,
    "imports.dpf_apply": EDITORS,
    "imports.dpf_discard": EDITORS,
    "imports.dpf_review": EDITORS,
    "imports.subprocessors_upload": EDITORS,
    "imports.subprocessors_batch": ALL,
    "imports.subprocessors_apply": EDITORS,
    "imports.subprocessors_discard": EDITORS,
    "bodies.index": ALL,
    "bodies.new": ADMIN,
    "bodies.edit": ADMIN,
    "bodies.archive": ADMIN,
    "bodies.move": ADMIN,
    "history.index": HISTORY,
    "history.entity": ALL,
}


@pytest.fixture
def ids(app: Flask, make_user) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """One record of each kind, so that every route has something to show."""
    from riskreg.bodies.models import ApprovalBody
    from riskreg.countries.models import CountryList
    from riskreg.dpia.models import AgendaItem, Decision, Dpia, Measure, Risk, SuggestionDismissal
    from riskreg.enums import (
        AuditStatementType,
        DecisionOutcome,
        DpfStatus,
        ImportKind,
        LocationKind,
        RiskLevel,
        SupervisionMethod,
    )
    from riskreg.imports.models import DpfReview, ImportBatch
    from riskreg.systems.models import System
    from riskreg.vendors.models import (
        AuditStatement,
        DataProcessingAgreement,
        ProcessingLocation,
        SubProcessor,
        Supervision,
        Vendor,
    )

    with app.app_context():
        vendor = Vendor(name="Matrix vendor", country_code="DK")
        vendor.locations = [ProcessingLocation(country_code="DK", kind=LocationKind.PROCESSING)]
        system = System(name="Matrix system", vendor=vendor)
        sub = SubProcessor(name="Matrix sub", vendor=vendor, country_code="IE")
        sub.locations = [ProcessingLocation(country_code="IE", kind=LocationKind.PROCESSING)]
        agreement = DataProcessingAgreement(vendor=vendor, system=system, signed_on=dt.date(2025, 1, 1))
        statement = AuditStatement(
            vendor=vendor, type=AuditStatementType.ISAE3000, received_on=dt.date(2026, 1, 1)
        )
        supervision = Supervision(vendor=vendor, method=SupervisionMethod.QUESTIONNAIRE)
        body = ApprovalBody(name="Matrix body", position=99, residual_ceiling=RiskLevel.MEDIUM)
        db.session.add_all([vendor, system, sub, agreement, statement, supervision, body])
        db.session.commit()
        dpia = Dpia(system=system, number=1, description="Matrix DPIA")
        risk = Risk(title="Matrix risk", inherent_likelihood=2, inherent_consequence=2)
        dpia.risks.append(risk)
        measure = db.session.query(Measure).first()
        assert measure is not None
        dismissal = SuggestionDismissal(system_id=system.id, key="matrix", title="Matrix suggestion")
        batch = ImportBatch(kind=ImportKind.DPF, filename="matrix.csv")
        review = DpfReview(
            batch=batch, row_number=2, listed_name="Matrix", listed_status=DpfStatus.ACTIVE, score=90.0
        )
        item = AgendaItem(body=body, meeting_on=dt.date(2026, 6, 10), position=1, title="Matrix item")
        decision = Decision(
            dpia=dpia,
            body=body,
            meeting_on=dt.date(2026, 6, 10),
            outcome=DecisionOutcome.REJECTED,
            residual_level=RiskLevel.MEDIUM,
        )
        db.session.add_all([dpia, dismissal, batch, review, item, decision])
        db.session.commit()
        official = db.session.query(CountryList).first()
        assert official is not None
        scenario = db.session.query(CountryList).filter_by(name="DPF invalidated").one()
        return {
            "vendor_id": vendor.id,
            "system_id": system.id,
            "sub_processor_id": sub.id,
            "agreement_id": agreement.id,
            "statement_id": statement.id,
            "supervision_id": supervision.id,
            "body_id": body.id,
            "dpia_id": dpia.id,
            "decision_id": decision.id,
            "batch_id": batch.id,
            "review_id": review.id,
            "risk_id": risk.id,
            "measure_id": measure.id,
            "dismissal_id": dismissal.id,
            "item_id": item.id,
            "meeting": "2026-06-10",
            "list_id": official.id,
            "scenario_id": scenario.id,
            "entity_type": "vendor",
            "entity_id": vendor.id,
            "direction": "up",
            "user_id": make_user(Role.READER, email="matrix-reader@example.dk"),
        }


def _routes(app: Flask) -> list[tuple[str, str, str]]:
    """(endpoint, method, rule) for every route but static files."""
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted((rule.methods or set()) & {"GET", "POST"}):
            routes.append((rule.endpoint, method, rule.rule))
    return routes


def _url(app: Flask, endpoint: str, ids: dict[str, Any]) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    missing = rule.arguments - ids.keys()
    assert not missing, f"the matrix has no value for {missing} of {endpoint}"
    with app.test_request_context():
        from flask import url_for

        return url_for(endpoint, **{k: ids[k] for k in rule.arguments})


def test_every_route_is_in_the_table(app: Flask) -> None:
    endpoints = {endpoint for endpoint, _, _ in _routes(app)}
    assert endpoints - EXPECTED.keys() == set(), "new routes: decide who may use them in EXPECTED"
    assert EXPECTED.keys() - endpoints == set(), "routes in EXPECTED that the app does not have"


def test_anonymous_is_sent_to_login_everywhere(app: Flask, ids: dict[str, Any]) -> None:
    client = app.test_client()
    for endpoint, method, _ in _routes(app):
        if EXPECTED[endpoint] is PUBLIC:
            continue
        url = _url(app, endpoint, ids)
        response = client.get(url) if method == "GET" else post_form(client, url)
        assert response.status_code == 302, (endpoint, method, response.status_code)
        assert "/login" in response.headers["Location"], (endpoint, method)


@pytest.mark.parametrize("role", list(Role))
def test_role_matrix(app: Flask, ids: dict[str, Any], login, role: Role) -> None:
    client = login(role)
    refused, wrongly_allowed, failed = [], [], []
    for endpoint, method, _ in _routes(app):
        allowed = EXPECTED[endpoint]
        if allowed is PUBLIC or endpoint == "auth.logout":
            continue
        url = _url(app, endpoint, ids)
        response = client.get(url) if method == "GET" else post_form(client, url, {})
        status = response.status_code
        response.close()  # as a server would: a download's temporary file goes with it
        if status >= 500:
            failed.append((endpoint, method, status))
        elif role in allowed and status == 403:
            refused.append((endpoint, method))
        elif role not in allowed and status != 403:
            wrongly_allowed.append((endpoint, method, status))
    assert failed == []
    assert refused == [], f"{role} must be allowed"
    assert wrongly_allowed == [], f"{role} must get 403"
