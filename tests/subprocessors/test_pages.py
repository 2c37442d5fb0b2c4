"""The sub-processor pages: form, page with chain and countries, edit, archive, list."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from riskreg.enums import AuditAction, LocationKind, Role
from riskreg.extensions import db
from riskreg.subprocessors import services
from riskreg.vendors.models import SubProcessor
from tests.conftest import post_form
from tests.pages import in_english, text
from tests.records import audit_entries


def form_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Microsoft Ireland Operations Ltd",
        "service": "Hosting and AI models",
        "country_code": "IE",
        "parent_company": "Microsoft Corporation",
        "parent_country_code": "US",
        "parent_id": "",
        "processing_countries": ["IE", "NL"],
        "support_countries": ["US"],
        "transfer_mechanism": "scc",
        # The Irish entity is not on the DPF list; the entry "Microsoft Corporation" belongs to the US parent.
        "dpf_status": "not_listed",
        "dpf_uk_status": "unknown",
        "dpf_swiss_status": "unknown",
        "dpf_covers_hr": "",
        "dpf_covers_non_hr": "",
        "dpf_due_on": "",
        "dpf_url": "",
        "dpf_listed_name": "",
        "dpf_checked_on": "",
        "tia_on": "2026-03-01",
        "system_ids": [],
        "source": "https://www.microsoft.com/subprocessors",
        "source_on": "2026-05-01",
    }
    data.update(changes)
    return data


def sp_by_name(app: Flask, name: str) -> SubProcessor | None:
    with app.app_context():
        sp = db.session.scalar(select(SubProcessor).where(SubProcessor.name == name))
        if sp is not None:
            sp.locations, sp.systems  # noqa: B018  (load before detaching)
            db.session.expunge(sp)
        return sp


def sp_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(SubProcessor)) or 0


# --- creating -----------------------------------------------------------------------------------------------


def test_new_form_offers_only_the_vendors_sub_processors_and_systems(
    editor: FlaskClient, world: dict[str, int], make_sp: Callable[..., int]
) -> None:
    make_sp("Own sub-processor")
    make_sp("Foreign sub-processor", vendor="other")

    page = text(editor.get(f"/subprocessors/new/{world['vendor']}"))

    assert "Own sub-processor" in page
    assert "Foreign sub-processor" not in page
    assert "Momentum" in page and "SBSYS" in page
    assert "Canva for Education" not in page
    assert "Netcompany" in page


def test_create_with_two_processing_countries_and_a_support_country(
    app: Flask, editor: FlaskClient, world: dict[str, int]
) -> None:
    response = post_form(
        editor, f"/subprocessors/new/{world['vendor']}", form_data(system_ids=[str(world["momentum"])])
    )

    assert response.status_code == 302, text(response)
    sp = sp_by_name(app, "Microsoft Ireland Operations Ltd")
    assert sp is not None
    assert response.headers["Location"].endswith(f"/subprocessors/{sp.id}")
    assert sp.vendor_id == world["vendor"]
    assert sorted((loc.country_code, loc.kind) for loc in sp.locations) == [
        ("IE", LocationKind.PROCESSING),
        ("NL", LocationKind.PROCESSING),
        ("US", LocationKind.SUPPORT),
    ]
    assert [s.name for s in sp.systems] == ["Momentum"]
    assert (sp.tia_on, sp.source_on) == (dt.date(2026, 3, 1), dt.date(2026, 5, 1))
    with app.app_context():
        [entry] = audit_entries(db.session, "sub_processor", sp.id)
        assert entry.action == AuditAction.CREATE
        assert entry.actor.startswith("security-")
        assert entry.changes["locations"][1] == ["IE (processing)", "NL (processing)", "US (support)"]
        assert entry.changes["systems"] == [[], ["Momentum"]]


def test_page_shows_facts_countries_in_the_users_language_systems_and_links(
    app: Flask, login: Callable[..., FlaskClient], world: dict[str, int], make_sp: Callable[..., int]
) -> None:
    sp_id = make_sp(
        "Microsoft Ireland",
        locations=[("IE", "processing"), ("NL", "processing"), ("US", "support")],
        system_ids=[world["momentum"]],
        source="Microsoft sub-processor list",
        source_on=dt.date(2026, 5, 1),
    )
    reader = login("reader")

    danish = text(reader.get(f"/subprocessors/{sp_id}"))
    processing = danish[danish.index('data-testid="processing"') :]
    assert processing.startswith('data-testid="processing">Irland, Nederlandene</dd>')
    support = danish[danish.index('data-testid="support"') :]
    assert support.startswith('data-testid="support">USA</dd>')
    assert "01-05-2026" in danish

    english = text(in_english(reader).get(f"/subprocessors/{sp_id}"))
    assert "Ireland" in english and "Netherlands" in english and "United States" in english
    assert "Momentum" in english and "SBSYS" not in english
    assert "Microsoft sub-processor list" in english
    assert f'href="/vendors/{world["vendor"]}"' in english
    assert f'href="/history/sub_processor/{sp_id}"' in english
    # A reader sees no change buttons.
    assert f"/subprocessors/{sp_id}/edit" not in english
    assert f"/subprocessors/{sp_id}/archive" not in english


def test_page_says_all_systems_when_not_limited(
    editor: FlaskClient, world: dict[str, int], make_sp: Callable[..., int]
) -> None:
    sp_id = make_sp("Everywhere")
    page = text(editor.get(f"/subprocessors/{sp_id}"))
    assert "Used for all systems of Netcompany." in page
    assert f"/subprocessors/{sp_id}/edit" in page


def test_page_shows_the_chain_up_and_down(editor: FlaskClient, make_sp: Callable[..., int]) -> None:
    top = make_sp("Microsoft")
    middle = make_sp("OpenAI", parent_id=top)
    make_sp("CoreWeave", parent_id=middle)
    make_sp("Unrelated")

    page = text(editor.get(f"/subprocessors/{middle}"))
    chain = page[page.index('data-testid="chain"') :]

    assert (
        chain.index("Netcompany")
        < chain.index("Microsoft")
        < chain.index("OpenAI")
        < chain.index("CoreWeave")
    )
    assert "Unrelated" not in chain


def test_new_under_a_parent_preselects_it(
    editor: FlaskClient, world: dict[str, int], make_sp: Callable[..., int]
) -> None:
    top = make_sp("Microsoft")
    page = text(editor.get(f"/subprocessors/new/{world['vendor']}?parent={top}"))
    assert f'<option selected value="{top}">Microsoft</option>' in page


def test_create_in_a_chain(app: Flask, editor: FlaskClient, world: dict[str, int], make_sp) -> None:  # type: ignore[no-untyped-def]
    top = make_sp("Microsoft")
    response = post_form(
        editor, f"/subprocessors/new/{world['vendor']}", form_data(name="OpenAI", parent_id=top)
    )
    assert response.status_code == 302
    assert sp_by_name(app, "OpenAI").parent_id == top  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "This field is required."),
        ({"name": "x" * 201}, "Field cannot be longer than 200 characters."),
        ({"country_code": "XX"}, "Unknown country: XX"),
        ({"processing_countries": ["IE", "XX"]}, "Unknown country: XX"),
        ({"support_countries": ["QQ"]}, "Unknown country: QQ"),
        ({"tia_on": (dt.date.today() + dt.timedelta(days=3)).isoformat()}, "cannot be in the future"),
        ({"source_on": (dt.date.today() + dt.timedelta(days=3)).isoformat()}, "cannot be in the future"),
        ({"transfer_mechanism": "magic"}, "Not a valid choice"),
        ({"source": "x" * 1001}, "Field cannot be longer than 1000 characters."),
    ],
)
def test_bad_input_is_refused_and_nothing_stored(
    app: Flask, editor: FlaskClient, world: dict[str, int], changes: dict[str, Any], message: str
) -> None:
    response = post_form(editor, f"/subprocessors/new/{world['vendor']}", form_data(**changes))

    assert response.status_code == 400
    page = text(response)
    assert message in page
    assert "Please correct the marked fields" in page
    assert sp_count(app) == 0


def test_parent_or_system_of_another_vendor_is_refused_on_the_form(
    app: Flask, editor: FlaskClient, world: dict[str, int], make_sp: Callable[..., int]
) -> None:
    foreign = make_sp("Amazon Web Services", vendor="other")

    response = post_form(editor, f"/subprocessors/new/{world['vendor']}", form_data(parent_id=foreign))
    assert response.status_code == 400
    assert "The parent must be a sub-processor of Netcompany." in text(response)

    response = post_form(
        editor, f"/subprocessors/new/{world['vendor']}", form_data(system_ids=[str(world["canva"])])
    )
    assert response.status_code == 400
    assert "only be limited to systems of Netcompany" in text(response)
    assert sp_count(app) == 1


def test_dpf_with_inactive_status_is_saved_and_warned_about(
    app: Flask, editor: FlaskClient, world: dict[str, int]
) -> None:
    response = post_form(
        editor,
        f"/subprocessors/new/{world['vendor']}",
        form_data(name="Canva US", country_code="US", transfer_mechanism="dpf", dpf_status="not_listed"),
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "DPF status is not active" in text(response)
    assert sp_by_name(app, "Canva US") is not None


# --- editing ------------------------------------------------------------------------------------------------


def test_edit_form_is_filled_and_a_save_replaces_countries_and_systems(
    app: Flask, editor: FlaskClient, world: dict[str, int], make_sp: Callable[..., int]
) -> None:
    sp_id = make_sp(
        "AWS", locations=[("IE", "processing"), ("US", "support")], system_ids=[world["momentum"]]
    )
    form_page = text(editor.get(f"/subprocessors/{sp_id}/edit"))
    assert 'name="version" type="hidden" value="1"' in form_page
    assert '<option selected value="IE">' in form_page

    response = post_form(
        editor,
        f"/subprocessors/{sp_id}/edit",
        form_data(name="AWS EMEA", processing_countries=["DE"], support_countries=[], version="1"),
    )

    assert response.status_code == 302, text(response)
    sp = sp_by_name(app, "AWS EMEA")
    assert [(loc.country_code, loc.kind) for loc in sp.locations] == [("DE", LocationKind.PROCESSING)]  # type: ignore[union-attr]
    assert sp.systems == []  # type: ignore[union-attr]
    with app.app_context():
        entry = audit_entries(db.session, "sub_processor", sp_id)[-1]
        assert entry.action == AuditAction.UPDATE
        assert entry.changes["name"] == ["AWS", "AWS EMEA"]
        assert entry.changes["locations"] == [["IE (processing)", "US (support)"], ["DE (processing)"]]
        assert entry.changes["systems"] == [["Momentum"], []]


def test_edit_refuses_a_loop(app: Flask, editor: FlaskClient, make_sp: Callable[..., int]) -> None:
    a = make_sp("A")
    b = make_sp("B", parent_id=a)
    # The form does not offer B as A's parent, and a forged post is refused by the service.
    page = text(editor.get(f"/subprocessors/{a}/edit"))
    parent_select = page[page.index('id="parent_id"') : page.index("</select>", page.index('id="parent_id"'))]
    assert ">B</option>" not in parent_select
    assert ">A</option>" not in parent_select

    response = post_form(editor, f"/subprocessors/{a}/edit", form_data(name="A", parent_id=b, version="1"))

    assert response.status_code == 400
    assert "cannot be the parent" in text(response)
    assert sp_by_name(app, "A").parent_id is None  # type: ignore[union-attr]


def test_concurrent_edit_is_refused_and_overwrites_nothing(
    app: Flask, editor: FlaskClient, make_sp: Callable[..., int]
) -> None:
    sp_id = make_sp("Zendesk")
    with app.app_context():
        services.update_sub_processor(
            db.session,
            db.session.get(SubProcessor, sp_id),
            {"name": "Zendesk Inc."},
            [("US", LocationKind.PROCESSING)],
            [],
        )

    response = post_form(
        editor,
        f"/subprocessors/{sp_id}/edit",
        form_data(name="Zendesk EU", processing_countries=["DE"], version="1"),
    )

    assert response.status_code == 409
    page = text(response)
    assert "Someone else saved this record" in page
    assert "Zendesk Inc." in page
    sp = sp_by_name(app, "Zendesk Inc.")
    assert sp is not None and sp.version == 2
    assert [loc.country_code for loc in sp.locations] == ["US"]


def test_archive_toggles_and_is_logged(app: Flask, editor: FlaskClient, make_sp: Callable[..., int]) -> None:
    sp_id = make_sp("Zendesk")

    assert post_form(editor, f"/subprocessors/{sp_id}/archive").status_code == 302
    assert sp_by_name(app, "Zendesk").is_archived  # type: ignore[union-attr]
    assert post_form(editor, f"/subprocessors/{sp_id}/archive").status_code == 302
    assert not sp_by_name(app, "Zendesk").is_archived  # type: ignore[union-attr]
    with app.app_context():
        actions = [e.action for e in audit_entries(db.session, "sub_processor", sp_id)]
    assert actions == [AuditAction.CREATE, AuditAction.ARCHIVE, AuditAction.RESTORE]


def test_archive_needs_post(editor: FlaskClient, make_sp: Callable[..., int]) -> None:
    sp_id = make_sp("Zendesk")
    assert editor.get(f"/subprocessors/{sp_id}/archive").status_code == 405


def test_unknown_records_are_404(editor: FlaskClient) -> None:
    assert editor.get("/subprocessors/999").status_code == 404
    assert editor.get("/subprocessors/999/edit").status_code == 404
    assert editor.get("/subprocessors/new/999").status_code == 404
    assert post_form(editor, "/subprocessors/999/archive").status_code == 404


@pytest.mark.parametrize("role", [Role.READER, Role.STEERING])
def test_read_only_roles_are_refused_every_change(
    app: Flask,
    login: Callable[..., FlaskClient],
    world: dict[str, int],
    make_sp: Callable[..., int],
    role: Role,
) -> None:
    sp_id = make_sp("Zendesk")
    client = login(role)

    assert client.get(f"/subprocessors/{sp_id}").status_code == 200
    assert client.get("/subprocessors/").status_code == 200
    assert client.get(f"/subprocessors/new/{world['vendor']}").status_code == 403
    assert client.get(f"/subprocessors/{sp_id}/edit").status_code == 403
    assert post_form(client, f"/subprocessors/new/{world['vendor']}", form_data()).status_code == 403
    assert (
        post_form(client, f"/subprocessors/{sp_id}/edit", form_data(name="X", version="1")).status_code == 403
    )
    assert post_form(client, f"/subprocessors/{sp_id}/archive").status_code == 403
    sp = sp_by_name(app, "Zendesk")
    assert sp is not None and sp.version == 1 and not sp.is_archived
    assert sp_count(app) == 1


# --- the list -----------------------------------------------------------------------------------------------


@pytest.fixture
def listed(make_sp: Callable[..., int]) -> dict[str, int]:
    return {
        "ms": make_sp(
            "Microsoft Ireland",
            service="Cloud hosting",
            locations=[("IE", "processing"), ("US", "support")],
            transfer_mechanism="dpf",
            dpf_status="not_listed",
        ),
        "aws": make_sp(
            "Amazon Web Services",
            service="Storage",
            country_code="US",
            parent_company="Amazon.com Inc.",
            dpf_status="active",
        ),
        "canva": make_sp(
            "Canva Philippines",
            vendor="other",
            locations=[("PH", "processing")],
            transfer_mechanism="none",
            country_code="PH",
        ),
        "zen": make_sp("Zendesk", service="Support desk", transfer_mechanism="scc", dpf_status="inactive"),
    }


def names(response: Any) -> list[str]:
    page = text(response)
    body = page[page.index("<tbody>") : page.index("</tbody>")]
    import re

    return re.findall(r'href="/subprocessors/\d+">([^<]+)</a>', body)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Amazon Web Services", "Canva Philippines", "Microsoft Ireland", "Zendesk"]),
        ("q=hosting", ["Microsoft Ireland"]),
        ("q=amazon.com", ["Amazon Web Services"]),
        ("q=zEnDe", ["Zendesk"]),
        ("q=100%25", []),
        ("vendor={other}", ["Canva Philippines"]),
        ("country=US", ["Amazon Web Services"]),  # entity country; support access is not processing
        ("country=IE", ["Amazon Web Services", "Microsoft Ireland", "Zendesk"]),  # processing countries
        ("mechanism=scc", ["Zendesk"]),
        ("dpf=active", ["Amazon Web Services"]),
        ("dpf=inactive&mechanism=scc", ["Zendesk"]),
        ("sort=-name", ["Zendesk", "Microsoft Ireland", "Canva Philippines", "Amazon Web Services"]),
        ("sort=vendor", ["Canva Philippines", "Amazon Web Services", "Microsoft Ireland", "Zendesk"]),
        ("sort=mechanism", ["Microsoft Ireland", "Canva Philippines", "Zendesk", "Amazon Web Services"]),
        ("sort=country", ["Canva Philippines", "Amazon Web Services", "Microsoft Ireland", "Zendesk"]),
        (
            "sort=name;drop table",
            ["Amazon Web Services", "Canva Philippines", "Microsoft Ireland", "Zendesk"],
        ),
    ],
)
def test_list_search_filter_sort(
    editor: FlaskClient, world: dict[str, int], listed: dict[str, int], query: str, expected: list[str]
) -> None:
    response = editor.get("/subprocessors/?" + query.format(**world))
    assert response.status_code == 200
    assert names(response) == expected


def test_list_hides_archived_unless_asked(app: Flask, editor: FlaskClient, listed: dict[str, int]) -> None:
    with app.app_context():
        services.set_sub_processor_archived(db.session, db.session.get(SubProcessor, listed["zen"]), True)
    assert "Zendesk" not in names(editor.get("/subprocessors/"))
    assert "Zendesk" in names(editor.get("/subprocessors/?archived=1"))


def test_list_sorts_countries_by_name_in_the_users_language(
    app: Flask, login: Callable[..., FlaskClient], make_sp: Callable[..., int]
) -> None:
    # Germany / Tyskland and Sweden / Sverige swap places between English and Danish.
    make_sp("German sub", country_code="DE")
    make_sp("Swedish sub", country_code="SE")
    client = login("reader")
    assert names(client.get("/subprocessors/?sort=country")) == ["Swedish sub", "German sub"]
    assert names(in_english(client).get("/subprocessors/?sort=country")) == ["German sub", "Swedish sub"]


def test_list_paginates(app: Flask, editor: FlaskClient, make_sp: Callable[..., int]) -> None:
    per_page = app.config["PER_PAGE"]
    for i in range(per_page + 2):
        make_sp(f"Sub {i:03d}")

    first = names(editor.get("/subprocessors/"))
    second = names(editor.get("/subprocessors/?page=2"))

    assert len(first) == per_page
    assert second == [f"Sub {i:03d}" for i in range(per_page, per_page + 2)]
    assert "Page 1 of 2" in text(editor.get("/subprocessors/"))


def test_list_queries_do_not_grow_with_the_rows(app: Flask, editor: FlaskClient, make_sp) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import event

    def queries_for_list() -> int:
        with app.app_context():
            engine = db.engine
        statements: list[str] = []

        def count_it(*args: Any) -> None:
            statements.append(args[2])

        event.listen(engine, "before_cursor_execute", count_it)
        try:
            assert editor.get("/subprocessors/").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", count_it)
        return len(statements)

    make_sp("One", locations=[("IE", "processing"), ("US", "support")])
    few = queries_for_list()
    for i in range(6):
        make_sp(f"More {i}", locations=[("DE", "processing"), ("IN", "support")])
    assert queries_for_list() == few


def test_list_filtered_by_vendor_offers_a_new_one_to_editors_only(
    login: Callable[..., FlaskClient], editor: FlaskClient, world: dict[str, int]
) -> None:
    link = f'href="/subprocessors/new/{world["vendor"]}"'
    assert link in text(editor.get(f"/subprocessors/?vendor={world['vendor']}"))
    assert link not in text(editor.get("/subprocessors/"))
    assert link not in text(login("reader").get(f"/subprocessors/?vendor={world['vendor']}"))
