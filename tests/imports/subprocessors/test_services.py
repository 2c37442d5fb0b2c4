"""The sub-processor import through its services: preview (nothing changes), apply (all at once), refusals."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from riskreg.enums import ImportState, LocationKind, TransferClass
from riskreg.errors import ConflictError, DomainError
from riskreg.extensions import db
from riskreg.imports.files import ImportRefused, read_table
from riskreg.imports.models import ImportBatch
from riskreg.imports.subprocessors import services
from riskreg.vendors.models import SubProcessor, Vendor
from tests.imports.helpers import UPDATED, csv_list, stored_verdict

LIST_DATE = dt.date(2026, 1, 15)


def _preview(data: bytes, vendor_id: int, **kwargs: Any) -> ImportBatch:
    vendor = db.session.get(Vendor, vendor_id)
    assert vendor is not None
    kwargs.setdefault("source", "https://vendor.example/subprocessors")
    kwargs.setdefault("source_on", LIST_DATE)
    return services.preview(db.session, vendor, read_table(data), filename="list.csv", lang="en", **kwargs)


def _sub(sub_id: int) -> SubProcessor:
    sp = db.session.get(SubProcessor, sub_id)
    assert sp is not None
    return sp


def _countries(sp: SubProcessor, kind: LocationKind = LocationKind.PROCESSING) -> set[str]:
    return {loc.country_code for loc in sp.locations if loc.kind == kind}


def _live_names(vendor_id: int) -> set[str]:
    return set(
        db.session.scalars(
            select(SubProcessor.name).where(
                SubProcessor.vendor_id == vendor_id, SubProcessor.is_archived.is_(False)
            )
        )
    )


def test_preview_shows_added_removed_changed_and_unchanged(app: Flask, world: dict[str, int]) -> None:
    with app.app_context():
        batch = _preview(UPDATED, world["vendor"])
        shown = services.show(db.session, batch, "en")
        by_name = {e.name: e for e in shown.diff.entries}
        assert {name: e.kind for name, e in by_name.items()} == {
            "Microsoft Ireland Operations Ltd": "changed",
            "Amazon Web Services EMEA SARL": "unchanged",
            "Zendesk Inc.": "added",
            "Twilio Ireland Limited": "removed",
        }
        microsoft = by_name["Microsoft Ireland Operations Ltd"]
        assert microsoft.sub_processor_id == world["microsoft"]
        assert microsoft.countries_added == ["IN"] and microsoft.countries_removed == []
        assert microsoft.new_third == ["IN"]
        assert by_name["Zendesk Inc."].countries_after == ["US"]
        assert by_name["Zendesk Inc."].fields["mechanism"] == ["", "dpf"]
        assert by_name["Twilio Ireland Limited"].countries_before == ["SE"]
        # India and the USA are outside the EU/EEA and no current sub-processor of the vendor is there.
        assert shown.diff.new_third == ["IN", "US"]
        assert batch.summary == {
            "added": 1,
            "removed": 1,
            "changed": 1,
            "unchanged": 1,
            "new_third": 2,
            "rows": 3,
        }
        assert batch.state == ImportState.PENDING and not shown.is_stale


def test_changed_service_and_mechanism_and_removed_countries(app: Flask, world: dict[str, int]) -> None:
    data = csv_list(
        "Microsoft Ireland Operations Ltd,Hosting and e-mail,Netherlands,BCR",
        "Amazon Web Services EMEA SARL,Backup,Germany,",
        "Twilio Ireland Limited,SMS,Sweden,",
    )
    with app.app_context():
        shown = services.show(db.session, _preview(data, world["vendor"]), "en")
        by_name = {e.name: e for e in shown.diff.entries}
        microsoft = by_name["Microsoft Ireland Operations Ltd"]
        assert microsoft.kind == "changed"
        assert microsoft.fields == {"service": ["Hosting", "Hosting and e-mail"], "mechanism": ["scc", "bcr"]}
        assert microsoft.countries_added == ["NL"] and microsoft.countries_removed == ["IE"]
        assert by_name["Amazon Web Services EMEA SARL"].countries_removed == ["IE"]
        assert by_name["Twilio Ireland Limited"].kind == "unchanged"
        # The Netherlands is in the EU: nothing new outside it.
        assert shown.diff.new_third == []


def test_a_new_third_country_changes_verdicts_only_after_confirmation(
    app: Flask, world: dict[str, int]
) -> None:
    with app.app_context():
        assert stored_verdict(app, world["momentum"]) == TransferClass.EEA
        batch = _preview(UPDATED, world["vendor"])
        systems = {s.name: s for s in services.show(db.session, batch, "en").systems}
        # Both systems: Zendesk is new (serves every system); Twilio served SBSYS only, Microsoft serves both.
        assert set(systems) == {"Momentum", "SBSYS"}
        momentum = systems["Momentum"]
        assert momentum.before == TransferClass.EEA
        assert momentum.after.severity > TransferClass.EEA.severity and momentum.changes
        batch_id = batch.id
        after = momentum.after

    # The preview changed nothing: not the register, not the stored verdicts.
    assert stored_verdict(app, world["momentum"]) == TransferClass.EEA
    with app.app_context():
        assert "Zendesk Inc." not in _live_names(world["vendor"])
        assert "Twilio Ireland Limited" in _live_names(world["vendor"])
        assert _countries(_sub(world["microsoft"])) == {"IE"}

        batch = services.load_batch(db.session, batch_id)
        assert batch is not None
        services.apply(db.session, batch, None, "en")

    assert stored_verdict(app, world["momentum"]) == after
    assert stored_verdict(app, world["sbsys"]) == after


def test_apply_creates_updates_and_archives_with_the_source(app: Flask, world: dict[str, int]) -> None:
    with app.app_context():
        batch = _preview(UPDATED, world["vendor"])
        services.apply(db.session, batch, None, "en")
        assert batch.state == ImportState.APPLIED and batch.applied_at is not None

        zendesk = db.session.scalar(select(SubProcessor).where(SubProcessor.name == "Zendesk Inc."))
        assert zendesk is not None and zendesk.vendor_id == world["vendor"]
        assert _countries(zendesk) == {"US"}
        assert zendesk.service == "Support tickets" and zendesk.transfer_mechanism.value == "dpf"
        assert (zendesk.source, zendesk.source_on) == ("https://vendor.example/subprocessors", LIST_DATE)

        microsoft = _sub(world["microsoft"])
        # Matched by normalised name: the register keeps its own spelling.
        assert microsoft.name == "Microsoft Ireland Operations Ltd"
        assert _countries(microsoft) == {"IE", "IN"}
        assert (microsoft.source, microsoft.source_on) == ("https://vendor.example/subprocessors", LIST_DATE)

        twilio = _sub(world["twilio"])
        assert twilio.is_archived  # archived, never deleted
        assert _sub(world["aws"]).source_on == LIST_DATE  # unchanged, but confirmed by this list


def test_apply_is_one_transaction(app: Flask, world: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    real_check = services.check_sub_processor

    def failing(session: Any, vendor: Any, sp: Any, values: dict[str, Any], locations: Any) -> dict[str, Any]:
        if values.get("name") == "Zendesk Inc.":  # after Microsoft's change was made in the session
            raise DomainError("refused for the test")
        return real_check(session, vendor, sp, values, locations)

    with app.app_context():
        batch_id = _preview(UPDATED, world["vendor"]).id
        monkeypatch.setattr(services, "check_sub_processor", failing)
        batch = services.load_batch(db.session, batch_id)
        assert batch is not None
        with pytest.raises(DomainError):
            services.apply(db.session, batch, None, "en")

    with app.app_context():
        assert _countries(_sub(world["microsoft"])) == {"IE"}
        assert _sub(world["microsoft"]).source == ""
        assert not _sub(world["twilio"]).is_archived
        assert "Zendesk Inc." not in _live_names(world["vendor"])
        assert db.session.get(ImportBatch, batch_id).state == ImportState.PENDING
    assert stored_verdict(app, world["momentum"]) == TransferClass.EEA


def test_a_batch_for_a_list_that_changed_since_is_refused(app: Flask, world: dict[str, int]) -> None:
    from riskreg.subprocessors.services import update_sub_processor

    with app.app_context():
        batch_id = _preview(UPDATED, world["vendor"]).id
        sp = _sub(world["aws"])
        update_sub_processor(db.session, sp, {}, [("DE", LocationKind.PROCESSING)], [])
        batch = services.load_batch(db.session, batch_id)
        assert batch is not None
        assert services.show(db.session, batch, "en").is_stale
        with pytest.raises(ConflictError, match="changed after this preview"):
            services.apply(db.session, batch, None, "en")

    with app.app_context():
        assert "Zendesk Inc." not in _live_names(world["vendor"])
        assert db.session.get(ImportBatch, batch_id).state == ImportState.PENDING


def test_an_applied_or_discarded_batch_is_not_applied_again(app: Flask, world: dict[str, int]) -> None:
    with app.app_context():
        applied = _preview(UPDATED, world["vendor"])
        services.apply(db.session, applied, None, "en")
        with pytest.raises(ConflictError, match="applied already"):
            services.apply(db.session, applied, None, "en")

        discarded = _preview(UPDATED, world["vendor"])
        services.discard(db.session, discarded, "en")
        assert discarded.state == ImportState.DISCARDED
        with pytest.raises(ConflictError, match="discarded"):
            services.apply(db.session, discarded, None, "en")


def test_every_bad_row_is_reported_and_nothing_is_saved(app: Flask, world: dict[str, int]) -> None:
    data = csv_list(
        "Good Ltd,Hosting,Ireland,SCC",
        ",Hosting,Ireland,SCC",
        "Region Inc.,Support,EU,",
        "Shield Corp,Analytics,USA,Privacy Shield",
        "Cloud Corp,Hosting,Worldwide / Atlantis,",
        "Empty Places ApS,Hosting,,",
    )
    with app.app_context():
        with pytest.raises(ImportRefused) as refused:
            _preview(data, world["vendor"])
        found = {(p.row, p.column, p.message("en")) for p in refused.value.problems}
        assert found == {
            (3, "Name", "The name is missing."),
            (4, "Countries", "“EU” is a region, not a country: name the countries it means."),
            (
                5,
                "Transfer mechanism",
                "Unknown transfer mechanism: “Privacy Shield” "
                "(use SCC, BCR, DPF, adequacy, art. 49 or none).",
            ),
            (6, "Countries", "“Worldwide” is a region, not a country: name the countries it means."),
            (6, "Countries", "Unknown country: “Atlantis”."),
        }
        assert db.session.scalar(select(func.count()).select_from(ImportBatch)) == 0
        assert "Good Ltd" not in _live_names(world["vendor"])


def test_a_future_source_date_is_refused(app: Flask, world: dict[str, int]) -> None:
    with app.app_context():
        with pytest.raises(ImportRefused) as refused:
            _preview(UPDATED, world["vendor"], source_on=dt.date.today() + dt.timedelta(days=1))
        assert [p.message("en") for p in refused.value.problems] == [
            "The date of the source cannot be in the future."
        ]


def test_the_same_list_again_changes_nothing(app: Flask, world: dict[str, int]) -> None:
    with app.app_context():
        services.apply(db.session, _preview(UPDATED, world["vendor"]), None, "en")
        again = _preview(UPDATED, world["vendor"])
        assert again.summary == {
            "added": 0,
            "removed": 0,
            "changed": 0,
            "unchanged": 3,
            "new_third": 0,
            "rows": 3,
        }
        assert services.show(db.session, again, "en").systems == []
