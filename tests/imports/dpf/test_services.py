"""The DPF import with a database: preview changes nothing, apply is one transaction, then the reviews."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from riskreg.enums import DpfStatus, ImportState, ReviewState
from riskreg.errors import DomainError
from riskreg.extensions import db
from riskreg.imports.dpf import services
from riskreg.imports.files import ImportRefused
from riskreg.imports.models import DpfReview, ImportBatch
from riskreg.vendors.models import SubProcessor, Vendor
from tests.imports.helpers import DATA, DpfRegister

ON = dt.date(2026, 11, 20)


def dpf_record(obj: Vendor | SubProcessor) -> tuple[DpfStatus, str, dt.date | None]:
    return obj.dpf_status, obj.dpf_listed_name, obj.dpf_checked_on


def register_state() -> dict[tuple[str, int], Any]:
    state: dict[tuple[str, int], Any] = {}
    for model in (Vendor, SubProcessor):
        for obj in db.session.scalars(select(model)):
            state[(model.__name__, obj.id)] = (*dpf_record(obj), obj.version)
    return state


@pytest.fixture
def batch(app: Flask, dpf_register: DpfRegister) -> int:
    with app.app_context():
        batch = services.preview(db.session, (DATA / "dpf_list.csv").read_bytes(), "dpf_list.csv")
        return batch.id


def test_preview_sorts_the_list_and_changes_nothing(app: Flask, dpf_register: DpfRegister) -> None:
    with app.app_context():
        before = register_state()
        batch = services.preview(db.session, (DATA / "dpf_list.csv").read_bytes(), "dpf_list.csv")
        assert batch.state == ImportState.PENDING
        assert batch.summary == {
            "entries": 8,
            "matched": 4,
            "review": 1,
            "different": 2,
            "not_stated": 0,
            "unmatched": 1,
            "not_found": 2,
        }
        matched = {(m["target"], m["name"]): m["status"] for m in batch.payload["matched"]}
        assert matched == {
            ("vendor", "Zoom Video Communications, Inc."): "active",
            ("vendor", "Twilio Inc."): "inactive",
            ("vendor", "Metrics Vendor"): "active",
            ("sub_processor", "Microsoft Corporation"): "active",
        }
        # The Danish and British companies have a listed name, but a DPF entry is a US entity.
        assert [(d.name, d.reason, d.country) for d in services.different_rows(batch)] == [
            ("Acme Cloud ApS", "country", "DK"),
            ("Smith & Nephew plc", "country", "GB"),
        ]
        # The Irish Microsoft is the subsidiary of a listed parent: not matched, not even near.
        assert sorted(name for _, _, name in batch.payload["not_found"]) == [
            "Microsoft Ireland Operations Ltd",
            "Netcompany A/S",
        ]
        assert batch.payload["unmatched"] == [[9, "Nobody In The Register LLC", "active"]]
        [review] = batch.reviews
        assert (review.listed_name, review.vendor_id, review.state) == (
            "Salesforce, Inc.",
            dpf_register.v["salesforce"],
            ReviewState.PENDING,
        )
        db.session.expire_all()
        assert register_state() == before


def test_apply_writes_the_exact_matches_only(app: Flask, dpf_register: DpfRegister, batch: int) -> None:
    with app.app_context():
        count = services.apply(db.session, db.session.get_one(ImportBatch, batch), None, ON)
        assert count == 4
        db.session.expire_all()
        v = {key: db.session.get_one(Vendor, i) for key, i in dpf_register.v.items()}
        assert dpf_record(v["zoom"]) == (DpfStatus.ACTIVE, "Zoom Video Communications Inc", ON)
        assert dpf_record(v["twilio"]) == (DpfStatus.INACTIVE, "Twilio, Inc.", ON)  # was active
        assert dpf_record(v["renamed"]) == (DpfStatus.ACTIVE, "Datadog, Inc.", ON)
        microsoft = db.session.get_one(SubProcessor, dpf_register.sp["microsoft"])
        assert dpf_record(microsoft) == (DpfStatus.ACTIVE, "Microsoft Corporation", ON)
        # Not on the list, only near, or another entity of the same name: left alone, unknown staying unknown
        # (the list says who is certified, not who was looked for).
        for key in ("microsoft_ie", "netcompany", "salesforce", "acme", "smith"):
            assert dpf_record(v[key]) == (DpfStatus.UNKNOWN, "", None)
        zoom = v["zoom"]
        assert (zoom.dpf_uk_status, zoom.dpf_swiss_status, zoom.dpf_covers_hr, zoom.dpf_covers_non_hr) == (
            DpfStatus.ACTIVE,
            DpfStatus.ACTIVE,
            True,
            True,
        )
        twilio = v["twilio"]
        assert (twilio.dpf_uk_status, twilio.dpf_covers_hr, twilio.dpf_covers_non_hr) == (
            DpfStatus.NOT_LISTED,
            False,
            True,
        )
        applied = db.session.get_one(ImportBatch, batch)
        assert applied.state == ImportState.APPLIED and applied.applied_at is not None
        twilio = next(m for m in applied.payload["matched"] if m["name"] == "Twilio Inc.")
        assert (twilio["was"], twilio["status"]) == ("active", "inactive")
        assert [r.state for r in applied.reviews] == [ReviewState.PENDING]


def test_apply_is_one_transaction(
    app: Flask, dpf_register: DpfRegister, batch: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []
    record = services._record

    def fail_on_the_third(*args: Any) -> None:
        calls.append(args)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        record(*args)

    monkeypatch.setattr(services, "_record", fail_on_the_third)
    with app.app_context():
        before = register_state()
        with pytest.raises(RuntimeError):
            services.apply(db.session, db.session.get_one(ImportBatch, batch), None, ON)
        db.session.remove()
        assert len(calls) == 3
        assert register_state() == before
        assert db.session.get_one(ImportBatch, batch).state == ImportState.PENDING


def test_apply_refuses_a_target_that_is_gone(app: Flask, dpf_register: DpfRegister, batch: int) -> None:
    with app.app_context():
        pending = db.session.get_one(ImportBatch, batch)
        rows = [dict(r) for r in pending.payload["matched"]]
        rows[-1]["id"] = 999_999
        pending.payload = {**pending.payload, "matched": rows}
        db.session.commit()
        before = register_state()
        with pytest.raises(DomainError, match="findes ikke længere i registret"):
            services.apply(db.session, pending, None, ON)
        db.session.remove()
        assert register_state() == before


def test_a_batch_is_applied_once(app: Flask, dpf_register: DpfRegister, batch: int) -> None:
    with app.app_context():
        pending = db.session.get_one(ImportBatch, batch)
        services.apply(db.session, pending, None, ON)
        with pytest.raises(DomainError):
            services.apply(db.session, pending, None, ON)
        with pytest.raises(DomainError):
            services.discard(db.session, pending)


def test_confirm_a_near_match(app: Flask, dpf_register: DpfRegister, batch: int) -> None:
    with app.app_context():
        pending = db.session.get_one(ImportBatch, batch)
        [review] = pending.reviews
        with pytest.raises(DomainError, match="Gennemfør importen af listen"):
            services.decide_review(db.session, review, True, None)
        services.apply(db.session, pending, None, ON)
        services.decide_review(db.session, review, True, None)
        db.session.expire_all()
        salesforce = db.session.get_one(Vendor, dpf_register.v["salesforce"])
        assert dpf_record(salesforce) == (DpfStatus.ACTIVE, "Salesforce, Inc.", dt.date.today())
        review = db.session.get_one(DpfReview, review.id)
        assert review.state == ReviewState.CONFIRMED and review.decided_at is not None
        with pytest.raises(DomainError, match="allerede taget stilling"):
            services.decide_review(db.session, review, False, None)


def test_reject_a_near_match(app: Flask, dpf_register: DpfRegister, batch: int) -> None:
    with app.app_context():
        pending = db.session.get_one(ImportBatch, batch)
        services.apply(db.session, pending, None, ON)
        [review] = pending.reviews
        services.decide_review(db.session, review, False, None)
        db.session.expire_all()
        salesforce = db.session.get_one(Vendor, dpf_register.v["salesforce"])
        assert dpf_record(salesforce) == (DpfStatus.UNKNOWN, "", None)
        assert db.session.get_one(DpfReview, review.id).state == ReviewState.REJECTED


def test_discard_drops_the_batch_and_its_reviews(app: Flask, dpf_register: DpfRegister, batch: int) -> None:
    with app.app_context():
        before = register_state()
        services.discard(db.session, db.session.get_one(ImportBatch, batch))
        db.session.expire_all()
        assert db.session.get_one(ImportBatch, batch).state == ImportState.DISCARDED
        assert db.session.scalar(select(func.count()).select_from(DpfReview)) == 0
        assert register_state() == before


def test_a_bad_file_saves_nothing(app: Flask, dpf_register: DpfRegister) -> None:
    with app.app_context():
        data = b"Organization Name,Status\nZoom Video Communications Inc,Active\nTwilio,Maybe\nBlank Corp,\n"
        with pytest.raises(ImportRefused) as info:
            services.preview(db.session, data, "bad.csv")
        assert [(p.row, p.column) for p in info.value.problems] == [(3, "Status")]
        assert db.session.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_archived_records_are_not_matched(app: Flask, dpf_register: DpfRegister) -> None:
    from riskreg.vendors.services import set_vendor_archived

    with app.app_context():
        set_vendor_archived(db.session, db.session.get_one(Vendor, dpf_register.v["zoom"]), True)
        batch = services.preview(db.session, (DATA / "dpf_list.csv").read_bytes(), "dpf_list.csv")
        assert "Zoom Video Communications, Inc." not in {m["name"] for m in batch.payload["matched"]}


def test_recent_batches_show_the_waiting_reviews(app: Flask, dpf_register: DpfRegister, batch: int) -> None:
    with app.app_context():
        [line] = services.recent_batches(db.session)
        assert (line.batch.id, line.pending) == (batch, 1)
