"""Audit statements and the supervision plan of a vendor: rules, audit entries, conflicts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from riskreg.enums import AuditAction, AuditStatementType, SupervisionMethod
from riskreg.extensions import db
from riskreg.vendors.models import AuditStatement, Supervision, Vendor
from riskreg.vendors.services import (
    add_audit_statement,
    add_supervision,
    update_audit_statement,
    update_supervision,
)
from tests.conftest import post_form
from tests.pages import text
from tests.records import audit_entries

TODAY = dt.date.today()
TOMORROW = (TODAY + dt.timedelta(days=1)).isoformat()


def statement_form(**overrides: Any) -> dict[str, Any]:
    data = {
        "type": "isae3402_t2",
        "period_start": "2025-01-01",
        "period_end": "2025-12-31",
        "received_on": "2026-02-15",
        "remarks": "No exceptions noted.",
        "version": "",
    }
    data.update(overrides)
    return data


def supervision_form(**overrides: Any) -> dict[str, Any]:
    data = {
        "method": "audit_statement",
        "frequency_months": "12",
        "last_on": "2026-02-15",
        "next_on": "2027-02-15",
        "outcome": "Statement reviewed; no remarks.",
        "version": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def vendor_id(make_vendor) -> int:
    return make_vendor("Netcompany A/S", locations=[("DK", "processing")])


def statements(vendor_id: int) -> list[AuditStatement]:
    return db.session.get(Vendor, vendor_id).audit_statements


def supervisions(vendor_id: int) -> list[Supervision]:
    return db.session.get(Vendor, vendor_id).supervisions


# --- audit statements ---


def test_add_audit_statement(app, editor, vendor_id):
    response = post_form(editor, f"/vendors/{vendor_id}/statements/new", statement_form())
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/vendors/{vendor_id}")
    with app.app_context():
        [st] = statements(vendor_id)
        assert st.type is AuditStatementType.ISAE3402_T2
        assert (st.period_start, st.period_end) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
        assert st.received_on == dt.date(2026, 2, 15)
        [entry] = audit_entries(db.session, "audit_statement", st.id)
        assert entry.action is AuditAction.CREATE
        assert entry.changes["type"] == [None, "isae3402_t2"]
        assert entry.changes["received_on"] == [None, "2026-02-15"]


def test_edit_audit_statement_logs_the_change(app, editor, vendor_id):
    post_form(editor, f"/vendors/{vendor_id}/statements/new", statement_form())
    with app.app_context():
        st_id = statements(vendor_id)[0].id
    page = text(editor.get(f"/vendors/statements/{st_id}/edit"))
    assert "No exceptions noted." in page
    response = post_form(
        editor,
        f"/vendors/statements/{st_id}/edit",
        statement_form(remarks="Two exceptions on access reviews.", version="1"),
    )
    assert response.status_code == 302
    with app.app_context():
        entry = audit_entries(db.session, "audit_statement", st_id)[-1]
        assert entry.action is AuditAction.UPDATE
        assert entry.changes == {"remarks": ["No exceptions noted.", "Two exceptions on access reviews."]}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param({"period_end": "2024-12-31"}, "cannot end before it starts", id="period backwards"),
        pytest.param({"received_on": TOMORROW}, "cannot be in the future", id="received in future"),
        pytest.param({"received_on": ""}, "This field is required", id="received missing"),
        pytest.param({"type": ""}, "This field is required", id="type missing"),
        pytest.param({"type": "iso9001"}, "Not a valid choice", id="unknown type"),
        pytest.param({"period_start": "soon"}, "Not a valid date", id="bad date"),
        pytest.param({"remarks": "x" * 5001}, "5000", id="remarks too long"),
    ],
)
def test_bad_audit_statement_is_refused(app, editor, vendor_id, change, message):
    response = post_form(editor, f"/vendors/{vendor_id}/statements/new", statement_form(**change))
    assert response.status_code == 400
    assert message in text(response)
    with app.app_context():
        assert statements(vendor_id) == []


def test_bad_edit_of_audit_statement_changes_nothing(app, editor, vendor_id):
    with app.app_context():
        st = add_audit_statement(
            db.session,
            db.session.get(Vendor, vendor_id),
            {"type": "iso27001", "received_on": dt.date(2026, 1, 1)},
        )
        st_id = st.id
    response = post_form(
        editor,
        f"/vendors/statements/{st_id}/edit",
        statement_form(period_start="2025-06-01", period_end="2025-05-31", version="1"),
    )
    assert response.status_code == 400
    with app.app_context():
        st = db.session.get(AuditStatement, st_id)
        assert st.period_start is None
        assert st.type is AuditStatementType.ISO27001
        assert len(audit_entries(db.session, "audit_statement", st_id)) == 1


def test_concurrent_edit_of_audit_statement_is_409(app, editor, vendor_id):
    with app.app_context():
        st = add_audit_statement(
            db.session,
            db.session.get(Vendor, vendor_id),
            {"type": "soc2_t2", "received_on": dt.date(2026, 1, 1), "remarks": "first"},
        )
        update_audit_statement(db.session, st, {"remarks": "second"})
        st_id = st.id
    response = post_form(
        editor, f"/vendors/statements/{st_id}/edit", statement_form(remarks="mine", version="1")
    )
    assert response.status_code == 409
    assert "<strong>remarks</strong>: first → second" in text(response)
    with app.app_context():
        assert db.session.get(AuditStatement, st_id).remarks == "second"


# --- supervision ---


def test_add_supervision(app, editor, vendor_id):
    response = post_form(editor, f"/vendors/{vendor_id}/supervision/new", supervision_form())
    assert response.status_code == 302
    with app.app_context():
        [sup] = supervisions(vendor_id)
        assert sup.method is SupervisionMethod.AUDIT_STATEMENT
        assert sup.frequency_months == 12
        assert sup.next_on == dt.date(2027, 2, 15)
        [entry] = audit_entries(db.session, "supervision", sup.id)
        assert entry.action is AuditAction.CREATE
        assert entry.changes["method"] == [None, "audit_statement"]


def test_edit_supervision_logs_the_change(app, editor, vendor_id):
    post_form(editor, f"/vendors/{vendor_id}/supervision/new", supervision_form())
    with app.app_context():
        sup_id = supervisions(vendor_id)[0].id
    assert "Statement reviewed" in text(editor.get(f"/vendors/supervision/{sup_id}/edit"))
    response = post_form(
        editor,
        f"/vendors/supervision/{sup_id}/edit",
        supervision_form(method="inspection", frequency_months="6", next_on="2026-08-15", version="1"),
    )
    assert response.status_code == 302
    with app.app_context():
        entry = audit_entries(db.session, "supervision", sup_id)[-1]
        assert entry.changes == {
            "method": ["audit_statement", "inspection"],
            "frequency_months": [12, 6],
            "next_on": ["2027-02-15", "2026-08-15"],
        }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param({"next_on": "2026-02-15"}, "must come after the last one", id="next same as last"),
        pytest.param({"next_on": "2025-02-15"}, "must come after the last one", id="next before last"),
        pytest.param({"frequency_months": "0"}, "between 1 and 60", id="frequency 0"),
        pytest.param({"frequency_months": "61"}, "between 1 and 60", id="frequency 61"),
        pytest.param({"frequency_months": "often"}, "Not a valid integer", id="frequency not a number"),
        pytest.param({"frequency_months": ""}, "This field is required", id="frequency missing"),
        pytest.param({"method": "gut feeling"}, "Not a valid choice", id="unknown method"),
        pytest.param({"last_on": TOMORROW, "next_on": ""}, "cannot be in the future", id="last in future"),
        pytest.param({"outcome": "x" * 5001}, "5000", id="outcome too long"),
    ],
)
def test_bad_supervision_is_refused(app, editor, vendor_id, change, message):
    response = post_form(editor, f"/vendors/{vendor_id}/supervision/new", supervision_form(**change))
    assert response.status_code == 400
    assert message in text(response)
    with app.app_context():
        assert supervisions(vendor_id) == []


def test_concurrent_edit_of_supervision_is_409(app, editor, vendor_id):
    with app.app_context():
        sup = add_supervision(
            db.session, db.session.get(Vendor, vendor_id), {"method": "questionnaire", "frequency_months": 24}
        )
        update_supervision(db.session, sup, {"frequency_months": 12})
        sup_id = sup.id
    response = post_form(
        editor, f"/vendors/supervision/{sup_id}/edit", supervision_form(method="inspection", version="1")
    )
    assert response.status_code == 409
    assert "<strong>frequency_months</strong>: 24 → 12" in text(response)
    with app.app_context():
        assert db.session.get(Supervision, sup_id).method is SupervisionMethod.QUESTIONNAIRE


def test_unknown_statement_or_supervision_is_404(editor):
    assert editor.get("/vendors/statements/999/edit").status_code == 404
    assert editor.get("/vendors/supervision/999/edit").status_code == 404
    assert editor.get("/vendors/999/statements/new").status_code == 404
    assert editor.get("/vendors/999/supervision/new").status_code == 404
