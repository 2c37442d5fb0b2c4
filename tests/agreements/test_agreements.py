"""Data processing agreements: create, edit, archive with SCC modules; rules, roles, conflicts, the list."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from riskreg.agreements import services
from riskreg.enums import AuditAction, Role
from riskreg.errors import ConflictError, DomainError
from riskreg.extensions import db
from riskreg.vendors.models import DataProcessingAgreement, Vendor
from tests.conftest import post_form
from tests.pages import in_english, text
from tests.records import audit_entries

KL = "KL/KOMBIT fælles databehandleraftale"


def form_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "system_id": "",
        "signed_on": "2025-06-12",
        "agreement_version": "2.1",
        "template": KL,
        "scc_modules": ["2", "3"],
        "notes": "Signed by the director of employment services.",
    }
    data.update(changes)
    return data


def agreements(app: Flask) -> list[DataProcessingAgreement]:
    with app.app_context():
        rows = list(db.session.scalars(select(DataProcessingAgreement).order_by(DataProcessingAgreement.id)))
        for row in rows:
            db.session.expunge(row)
        return rows


@pytest.fixture
def make_dpa(app: Flask, world: dict[str, int]) -> Callable[..., int]:
    def make(vendor: str = "vendor", **values: Any) -> int:
        with app.app_context():
            return services.create_agreement(db.session, db.session.get(Vendor, world[vendor]), values).id

    return make


# --- services -----------------------------------------------------------------------------------------------


def test_create_stores_scc_modules_sorted_and_logs_them(app: Flask, world: dict[str, int]) -> None:
    with app.app_context():
        vendor = db.session.get(Vendor, world["vendor"])
        dpa = services.create_agreement(
            db.session,
            vendor,
            {
                "system_id": world["momentum"],
                "signed_on": dt.date(2025, 6, 12),
                "template": KL,
                "scc_modules": [3, 2, 3],
            },
        )
        assert dpa.scc_modules == [2, 3]
        assert dpa.system.name == "Momentum"
        [entry] = audit_entries(db.session, "data_processing_agreement", dpa.id)
        assert entry.action == AuditAction.CREATE
        assert entry.changes["scc_modules"] == [None, [2, 3]]
        assert entry.changes["template"] == [None, KL]
        assert entry.changes["vendor_id"] == [None, world["vendor"]]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"system_id": "m365"}, "system_id"),
        ({"system_id": 999_999}, "system_id"),
        ({"signed_on": dt.date.today() + dt.timedelta(days=1)}, "signed_on"),
        ({"scc_modules": [5]}, "scc_modules"),
        ({"scc_modules": ["two"]}, "scc_modules"),
        ({"agreement_version": "v" * 61}, "agreement_version"),
        ({"template": "t" * 201}, "template"),
    ],
)
def test_service_refuses_bad_values(
    app: Flask, world: dict[str, int], values: dict[str, Any], field: str
) -> None:
    values = {k: world.get(v, v) if isinstance(v, str) else v for k, v in values.items()}
    with app.app_context():
        with pytest.raises(DomainError) as err:
            services.create_agreement(db.session, db.session.get(Vendor, world["vendor"]), values)
        assert err.value.field == field
        db.session.rollback()
    assert agreements(app) == []


def test_vendor_is_required(app: Flask) -> None:
    with app.app_context(), pytest.raises(DomainError) as err:
        services.create_agreement(db.session, None, {})  # type: ignore[arg-type]
    assert err.value.field == "vendor_id"


def test_stale_version_is_refused(app: Flask, make_dpa: Callable[..., int]) -> None:
    dpa_id = make_dpa(agreement_version="1.0")
    with app.app_context():
        dpa = db.session.get(DataProcessingAgreement, dpa_id)
        services.update_agreement(db.session, dpa, {"agreement_version": "1.1"}, version=1)
        with pytest.raises(ConflictError):
            services.update_agreement(db.session, dpa, {"agreement_version": "1.2"}, version=1)
        assert db.session.get(DataProcessingAgreement, dpa_id).agreement_version == "1.1"


# --- pages --------------------------------------------------------------------------------------------------


def test_new_form_offers_the_vendors_systems_scc_modules_and_template_suggestions(
    editor: FlaskClient, world: dict[str, int]
) -> None:
    page = text(editor.get(f"/agreements/new/{world['vendor']}"))
    assert "Momentum" in page and "SBSYS" in page
    assert "Microsoft 365" not in page
    assert "Module 2: controller to processor" in page
    assert page.count('name="scc_modules"') == 4
    assert f'<option value="{KL}">' in page


def test_create_through_the_form(app: Flask, editor: FlaskClient, world: dict[str, int]) -> None:
    response = post_form(
        editor, f"/agreements/new/{world['vendor']}", form_data(system_id=str(world["sbsys"]))
    )

    assert response.status_code == 302, text(response)
    [dpa] = agreements(app)
    assert response.headers["Location"].endswith(f"/agreements/{dpa.id}")
    assert (dpa.vendor_id, dpa.system_id, dpa.signed_on) == (
        world["vendor"],
        world["sbsys"],
        dt.date(2025, 6, 12),
    )
    assert (dpa.agreement_version, dpa.template, dpa.scc_modules) == ("2.1", KL, [2, 3])

    page = text(editor.get(f"/agreements/{dpa.id}"))
    assert "Module 2, Module 3" in page
    assert KL in page and "SBSYS" in page
    assert f'href="/history/data_processing_agreement/{dpa.id}"' in page
    assert f'href="/vendors/{world["vendor"]}"' in page


def test_agreement_for_all_systems_without_scc(
    app: Flask, editor: FlaskClient, world: dict[str, int]
) -> None:
    response = post_form(editor, f"/agreements/new/{world['vendor']}", form_data(scc_modules=[]))
    assert response.status_code == 302
    [dpa] = agreements(app)
    assert (dpa.system_id, dpa.scc_modules) == (None, [])
    assert "All systems of the vendor" in text(editor.get(f"/agreements/{dpa.id}"))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"signed_on": (dt.date.today() + dt.timedelta(days=2)).isoformat()}, "cannot be in the future"),
        ({"signed_on": "31-02-2025"}, "Not a valid date value."),
        ({"scc_modules": ["2", "5"]}, "not a valid choice"),
        ({"system_id": "{m365}"}, "must be one of Netcompany's systems"),
        ({"agreement_version": "v" * 61}, "Field cannot be longer than 60 characters."),
        ({"template": "t" * 201}, "Field cannot be longer than 200 characters."),
        ({"notes": "n" * 5001}, "Field cannot be longer than 5000 characters."),
    ],
)
def test_bad_input_is_refused_and_nothing_stored(
    app: Flask, editor: FlaskClient, world: dict[str, int], changes: dict[str, Any], message: str
) -> None:
    changes = {k: v.format(**world) if isinstance(v, str) else v for k, v in changes.items()}
    response = post_form(editor, f"/agreements/new/{world['vendor']}", form_data(**changes))

    assert response.status_code == 400
    assert message in text(response)
    assert agreements(app) == []


def test_edit_changes_modules_and_is_logged(
    app: Flask, editor: FlaskClient, make_dpa: Callable[..., int]
) -> None:
    dpa_id = make_dpa(template=KL, scc_modules=[2], agreement_version="1.0")
    form_page = text(editor.get(f"/agreements/{dpa_id}/edit"))
    assert 'name="version" type="hidden" value="1"' in form_page
    assert re.search(
        r'<input checked id="scc_modules-1" name="scc_modules" type="checkbox" value="2">', form_page
    )

    response = post_form(
        editor,
        f"/agreements/{dpa_id}/edit",
        form_data(scc_modules=["2", "3"], agreement_version="1.1", version="1"),
    )

    assert response.status_code == 302, text(response)
    [dpa] = agreements(app)
    assert (dpa.scc_modules, dpa.agreement_version, dpa.version) == ([2, 3], "1.1", 2)
    with app.app_context():
        entry = audit_entries(db.session, "data_processing_agreement", dpa_id)[-1]
    assert entry.action == AuditAction.UPDATE
    assert entry.changes["scc_modules"] == [[2], [2, 3]]
    assert entry.changes["agreement_version"] == ["1.0", "1.1"]


def test_concurrent_edit_is_refused_and_overwrites_nothing(
    app: Flask, editor: FlaskClient, make_dpa: Callable[..., int]
) -> None:
    dpa_id = make_dpa(agreement_version="1.0")
    with app.app_context():
        dpa = db.session.get(DataProcessingAgreement, dpa_id)
        services.update_agreement(db.session, dpa, {"agreement_version": "1.5"})

    response = post_form(
        editor, f"/agreements/{dpa_id}/edit", form_data(agreement_version="2.0", version="1")
    )

    assert response.status_code == 409
    assert "Someone else saved this record" in text(response)
    assert "1.5" in text(response)
    [dpa] = agreements(app)
    assert (dpa.agreement_version, dpa.version) == ("1.5", 2)


def test_archive_toggles_and_is_logged(app: Flask, editor: FlaskClient, make_dpa: Callable[..., int]) -> None:
    dpa_id = make_dpa()
    assert post_form(editor, f"/agreements/{dpa_id}/archive").status_code == 302
    assert agreements(app)[0].is_archived
    assert post_form(editor, f"/agreements/{dpa_id}/archive").status_code == 302
    assert not agreements(app)[0].is_archived
    with app.app_context():
        actions = [e.action for e in audit_entries(db.session, "data_processing_agreement", dpa_id)]
    assert actions == [AuditAction.CREATE, AuditAction.ARCHIVE, AuditAction.RESTORE]


def test_unknown_records_are_404(editor: FlaskClient) -> None:
    assert editor.get("/agreements/999").status_code == 404
    assert editor.get("/agreements/999/edit").status_code == 404
    assert editor.get("/agreements/new/999").status_code == 404
    assert post_form(editor, "/agreements/999/archive").status_code == 404


@pytest.mark.parametrize("role", [Role.READER, Role.STEERING])
def test_read_only_roles_are_refused_every_change(
    app: Flask,
    login: Callable[..., FlaskClient],
    world: dict[str, int],
    make_dpa: Callable[..., int],
    role: Role,
) -> None:
    dpa_id = make_dpa(agreement_version="1.0")
    client = in_english(login(role))

    page = text(client.get(f"/agreements/{dpa_id}"))
    assert "1.0" in page
    assert f"/agreements/{dpa_id}/edit" not in page
    assert client.get("/agreements/").status_code == 200
    assert client.get(f"/agreements/new/{world['vendor']}").status_code == 403
    assert client.get(f"/agreements/{dpa_id}/edit").status_code == 403
    assert post_form(client, f"/agreements/new/{world['vendor']}", form_data()).status_code == 403
    assert post_form(client, f"/agreements/{dpa_id}/edit", form_data(version="1")).status_code == 403
    assert post_form(client, f"/agreements/{dpa_id}/archive").status_code == 403
    [dpa] = agreements(app)
    assert (dpa.agreement_version, dpa.version, dpa.is_archived) == ("1.0", 1, False)


# --- the list -----------------------------------------------------------------------------------------------


@pytest.fixture
def listed(world: dict[str, int], make_dpa: Callable[..., int]) -> None:
    make_dpa(
        system_id=world["momentum"], signed_on=dt.date(2024, 1, 10), agreement_version="M-1", template=KL
    )
    make_dpa(system_id=world["sbsys"], signed_on=dt.date(2025, 3, 1), agreement_version="S-1")
    make_dpa(vendor="other", system_id=world["m365"], signed_on=dt.date(2023, 9, 9), agreement_version="MS-1")
    make_dpa(agreement_version="Frame-1")  # not signed yet


def versions(response: Any) -> list[str]:
    page = text(response)
    body = page[page.index("<tbody>") : page.index("</tbody>")]
    return re.findall(r"<td>([A-Za-z]+-\d)</td>", body)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["S-1", "M-1", "MS-1", "Frame-1"]),  # newest signed first, unsigned last
        ("sort=signed", ["MS-1", "M-1", "S-1", "Frame-1"]),
        ("sort=vendor", ["MS-1", "M-1", "S-1", "Frame-1"]),
        ("sort=system", ["MS-1", "M-1", "S-1", "Frame-1"]),
        ("vendor={vendor}", ["S-1", "M-1", "Frame-1"]),
        ("system={momentum}", ["M-1"]),
        ("q=kombit", ["M-1"]),
        ("q=sbsys", ["S-1"]),
        ("q=microsoft", ["MS-1"]),
        ("q=_", []),
        ("sort=bogus", ["S-1", "M-1", "MS-1", "Frame-1"]),
    ],
)
def test_list_search_filter_sort(
    editor: FlaskClient, world: dict[str, int], listed: None, query: str, expected: list[str]
) -> None:
    response = editor.get("/agreements/?" + query.format(**world))
    assert response.status_code == 200
    assert versions(response) == expected


def test_list_hides_archived_unless_asked(
    app: Flask, editor: FlaskClient, make_dpa: Callable[..., int]
) -> None:
    dpa_id = make_dpa(agreement_version="Old-1")
    make_dpa(agreement_version="New-1")
    with app.app_context():
        services.set_agreement_archived(db.session, db.session.get(DataProcessingAgreement, dpa_id), True)
    assert versions(editor.get("/agreements/")) == ["New-1"]
    assert sorted(versions(editor.get("/agreements/?archived=1"))) == ["New-1", "Old-1"]


def test_list_paginates(app: Flask, editor: FlaskClient, make_dpa: Callable[..., int]) -> None:
    per_page = app.config["PER_PAGE"]
    for i in range(per_page + 1):
        make_dpa(agreement_version=f"V-{i % 10}", signed_on=dt.date(2020, 1, 1) + dt.timedelta(days=i))
    assert len(versions(editor.get("/agreements/"))) == per_page
    assert versions(editor.get("/agreements/?page=2")) == ["V-0"]  # the oldest comes last
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(DataProcessingAgreement)) == per_page + 1


def test_list_filtered_by_vendor_offers_a_new_one_to_editors_only(
    login: Callable[..., FlaskClient], editor: FlaskClient, world: dict[str, int]
) -> None:
    link = f'href="/agreements/new/{world["vendor"]}"'
    assert link in text(editor.get(f"/agreements/?vendor={world['vendor']}"))
    assert link not in text(editor.get("/agreements/"))
    assert link not in text(login("steering").get(f"/agreements/?vendor={world['vendor']}"))
