"""The register workbook: its sheets, the register page's systems and verdicts, streaming, safety."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

import openpyxl
import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from riskreg.catalogue import format_day, label_in, translate
from riskreg.dpia import system_risk
from riskreg.enums import (
    DecisionOutcome,
    DpfStatus,
    LocationKind,
    Outcome,
    RiskLevel,
    SystemStatus,
    TransferClass,
    TransferMechanism,
)
from riskreg.exports.register import scenario_sheet, sheet, systems_sheet, transfers_sheet, vendors_sheets
from riskreg.exports.register.workbook import (
    NO_SYSTEMS,
    build_register_workbook,
    register_file_name,
    register_tables,
)
from riskreg.extensions import db
from riskreg.systems.assessment import SourceChoice, choose_source
from riskreg.systems.models import System
from riskreg.systems.register_list import SystemFilter, system_list_query, verdict_marks
from riskreg.transfers import classified, findings, scenario_impact, sources, system_verdicts
from riskreg.vendors.models import Vendor

MOMENTUM = "Momentum – AI-tekstassistent"
TODAY = dt.date(2026, 11, 25)


@pytest.fixture
def demo(demo_app: Flask) -> Iterator[Session]:
    """A copy of the demo register (loaded once per run by ``riskreg demo``)."""
    with demo_app.app_context():
        system_verdicts.ensure_current(db.session())
        yield db.session()


@pytest.fixture
def empty(app: Flask) -> Iterator[Session]:
    with app.app_context():
        system_verdicts.ensure_current(db.session())
        yield db.session()


def export(
    session: Session,
    lang: str = "da",
    *,
    flt: SystemFilter | None = None,
    sort: str = "name",
    scenario: str = "",
    choice: SourceChoice | None = None,
) -> tuple[dict[str, int], openpyxl.Workbook]:
    choice = choice or choose_source(session, "", scenario, lang)
    out = io.BytesIO()
    counts = build_register_workbook(session, out, lang, choice=choice, flt=flt, sort=sort, today=TODAY)
    out.seek(0)
    return counts, openpyxl.load_workbook(out)


def table(ws: Any) -> list[dict[str, Any]]:
    """The data rows of a table sheet as dicts by header label (the header is the first bold row)."""
    rows = list(ws.iter_rows(values_only=True))
    start = next(i for i, row in enumerate(ws.iter_rows()) if row[0].font.b)
    header = rows[start]
    return [
        dict(zip(header, row, strict=False)) for row in rows[start + 1 :] if any(v is not None for v in row)
    ]


def sheet_titles(lang: str, scenario: str | None = None) -> list[str]:
    titles = [translate(lang, t) for t in ("Systems", "Vendors", "Sub-processors", "Transfers")]
    if scenario:
        titles.append(f"{translate(lang, 'Scenario')} {scenario}")
    return [*titles, translate(lang, "About this export")]


@pytest.mark.parametrize("lang", ["da", "en"])
def test_sheets_headers_and_layout(demo: Session, lang: str) -> None:
    counts, wb = export(demo, lang)
    assert wb.sheetnames == sheet_titles(lang)
    assert list(counts) == wb.sheetnames
    systems = wb[translate(lang, "Systems")]
    header = [c.value for c in next(systems.iter_rows(max_row=1))]
    assert header[:4] == [translate(lang, m) for m in ("System", "Journal number", "Status", "Vendor")]
    assert translate(lang, "Residual risk") in header and translate(lang, "Last decision") in header
    for title in wb.sheetnames[:-1]:
        ws = wb[title]
        assert ws.freeze_panes == "A2", title
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), title
        assert ws.page_setup.orientation == "landscape"
        assert ws.print_title_rows == "$1:$1"
        assert format_day(lang, TODAY) in ws.oddHeader.right.text
        assert ws.column_dimensions["A"].width > 20
    # The list used and the filters are on the last sheet.
    about = {row[0]: row[1] for row in wb[translate(lang, "About this export")].iter_rows(values_only=True)}
    source = sources.official_source(demo, sources.today())
    assert about[translate(lang, "Country list")] == source.label(lang)
    assert about[translate(lang, "Search")] == translate(lang, "All")
    rows_in_systems = translate(lang, "Rows in %(sheet)s", sheet=systems.title)
    assert about[rows_in_systems] == counts[systems.title] == systems.max_row - 1
    # Residual levels are coloured by conditional formats over the column.
    assert systems.conditional_formatting


def page_rows(session: Session, flt: SystemFilter, sort: str, lang: str) -> list[tuple[Any, ...]]:
    """What the register page lists for the same filters (every page of it)."""
    systems = session.scalars(system_list_query(flt, sort, None)).all()
    marks = verdict_marks(session, [s.id for s in systems], None)
    return [
        (
            s.name,
            s.vendor.name,
            label_in(lang, s.status),
            label_in(lang, marks[s.id].verdict) if s.id in marks else None,
            label_in(lang, marks[s.id].outcome) if s.id in marks else None,
        )
        for s in systems
    ]


def sheet_rows(wb: openpyxl.Workbook, lang: str) -> list[tuple[Any, ...]]:
    t = lambda m: translate(lang, m)  # noqa: E731
    return [
        (r[t("System")], r[t("Vendor")], r[t("Status")], r[t("Verdict")], r[t("Outcome")])
        for r in table(wb[t("Systems")])
    ]


def test_systems_are_the_register_pages_rows(demo: Session) -> None:
    vendor_id = demo.scalar(select(System.vendor_id).where(System.name == MOMENTUM))
    filters = [
        (SystemFilter(), "name"),
        (SystemFilter(), "-verdict"),
        (SystemFilter(status=SystemStatus.APPROVED), "vendor"),
        (SystemFilter(verdict=TransferClass.NO_BASIS), "name"),
        (SystemFilter(outcome=Outcome.ATTENTION), "-review"),
        (SystemFilter(vendor_id=vendor_id), "name"),
        (SystemFilter(q="canva"), "status"),
        (SystemFilter(country="US", archived=True), "journal"),
    ]
    for flt, sort in filters:
        expected = page_rows(demo, flt, sort, "da")
        assert expected, (flt, sort)
        counts, wb = export(demo, flt=flt, sort=sort)
        assert sheet_rows(wb, "da") == expected, (flt, sort)
        assert counts[translate("da", "Systems")] == len(expected)


def test_momentum_residual_risk_and_last_decision(demo: Session) -> None:
    _counts, wb = export(demo, "en")
    row = next(r for r in table(wb["Systems"]) if r["System"] == MOMENTUM)
    assert row["Residual risk"] == label_in("en", RiskLevel.VERY_HIGH)
    # Direktionen postponed its item on 3 June 2026 (the minutes); the case is still before it.
    assert row["Last decision"] == f"Direktionen: {label_in('en', DecisionOutcome.POSTPONED)}"
    assert row["Decision date"].date() == dt.date(2026, 6, 3)
    assert row["DPIA"] == "In review"
    assert row["Countries"] and "United States" in row["Countries"]
    # A system without a DPIA has nothing in those columns.
    plain = next(r for r in table(wb["Systems"]) if r["DPIA"] is None)
    assert plain["Residual risk"] is None and plain["Last decision"] is None


def test_transfers_are_the_engines(demo: Session) -> None:
    counts, wb = export(demo, "en")
    source = sources.official_source(demo, sources.today())
    live = select(System.id).where(System.is_archived.is_(False))
    expected = demo.scalar(
        select(func.count()).select_from(classified.transfer_rows(source, live).subquery())
    )
    assert counts["Transfers"] == expected
    rows = table(wb["Transfers"])
    assert len(rows) == expected
    # The reasons and classes are those of the system's Transfers tab, in its order.
    momentum_id = demo.scalar(select(System.id).where(System.name == MOMENTUM))
    (assessment,) = findings.assess(demo, source, [momentum_id])
    assert [(r["Recipient"], r["Class"], r["Reason"]) for r in rows if r["System"] == MOMENTUM] == [
        (t.recipient, label_in("en", t.klass), t.reason("en")) for t in assessment.transfers
    ]
    # Grouped by system, in the order of the Systems sheet.
    systems = [r["System"] for r in table(wb["Systems"])]
    seen = list(dict.fromkeys(r["System"] for r in rows))
    assert seen == systems


def test_scenario_sheet_lists_momentum_going_to_no_basis(demo: Session) -> None:
    counts, wb = export(demo, "en", scenario="DPF invalidated")
    assert wb.sheetnames == sheet_titles("en", "DPF invalidated")
    changes = table(wb["Scenario DPF invalidated"])
    assert counts["Scenario DPF invalidated"] == len(changes) > 0
    momentum = next(r for r in changes if r["System"] == MOMENTUM)
    assert momentum["Verdict after"] == label_in("en", TransferClass.NO_BASIS)
    assert momentum["Verdict before"] != momentum["Verdict after"]
    # The same systems as the scenario page.
    scenario = sources.find_scenario(demo, "DPF invalidated")
    _base, _what_if, impact = scenario_impact.scenario_impact(demo, scenario, sources.today())
    assert {r["System"] for r in changes} == {c.system for c in impact}
    # The Systems sheet shows the scenario's verdicts, as the register page does with a scenario.
    systems = {r["System"]: r for r in table(wb["Systems"])}
    assert systems[MOMENTUM]["Verdict"] == label_in("en", TransferClass.NO_BASIS)
    about = {row[0]: row[1] for row in wb["About this export"].iter_rows(values_only=True)}
    assert about["Scenario"] == "DPF invalidated"
    assert "DPF invalidated" in about["Country list"]


def test_formula_injection_values_stay_text(empty: Session) -> None:
    from riskreg.subprocessors.services import create_sub_processor
    from riskreg.systems.services import create_system
    from riskreg.vendors.services import create_vendor

    vendor = create_vendor(empty, {"name": "+1", "country_code": "DK"}, [("DK", LocationKind.PROCESSING)])
    create_system(
        empty,
        {"name": '=HYPERLINK("http://x","y")', "vendor_id": vendor.id, "purpose": "@SUM(A1)"},
        departments=["\tx"],
    )
    create_sub_processor(
        empty,
        vendor,
        {
            "name": "-2",
            "service": "=1+1",
            "country_code": "US",
            "transfer_mechanism": TransferMechanism.SCC,
            "dpf_status": DpfStatus.NOT_LISTED,
        },
        [("US", LocationKind.PROCESSING)],
    )
    _counts, wb = export(empty, "en")
    (system,) = table(wb["Systems"])
    assert system["System"] == '=HYPERLINK("http://x","y")'
    assert system["Vendor"] == "+1"
    assert system["Purpose"] == "@SUM(A1)"
    (sub,) = table(wb["Sub-processors"])
    assert (sub["Sub-processor"], sub["Service"], sub["Vendor"]) == ("-2", "=1+1", "+1")
    recipients = {r["Recipient"] for r in table(wb["Transfers"])}
    assert recipients == {"+1", "-2"}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value[:1] in "=+-@\t":
                    assert cell.data_type == "s" and cell.quotePrefix, (ws.title, cell.coordinate)


def test_an_empty_register_exports_and_says_so(empty: Session) -> None:
    counts, wb = export(empty, "en")
    assert wb.sheetnames == sheet_titles("en")
    assert all(n == 0 for title, n in counts.items() if title != "About this export")
    note = translate("en", NO_SYSTEMS)
    for title in wb.sheetnames[:-1]:
        rows = list(wb[title].iter_rows(values_only=True))
        assert rows[0][0] == translate("en", "System" if title in ("Systems", "Transfers") else "Vendor")
        assert rows[1][0] == note, title


def test_filters_matching_nothing_say_so(demo: Session) -> None:
    counts, wb = export(demo, "da", flt=SystemFilter(q="findes ikke"))
    assert counts[translate("da", "Systems")] == 0
    rows = list(wb[translate("da", "Systems")].iter_rows(values_only=True))
    assert rows[1][0] == translate("da", NO_SYSTEMS)
    about = {row[0]: row[1] for row in wb[translate("da", "About this export")].iter_rows(values_only=True)}
    assert about[translate("da", "Search")] == "findes ikke"


def test_without_an_official_list_verdicts_are_blank_and_it_says_so(demo: Session) -> None:
    choice = SourceChoice(None, sources.today(), None, [], None)
    _counts, wb = export(demo, "en", choice=choice)
    note = translate("en", sheet.NO_LIST)
    systems = list(wb["Systems"].iter_rows(values_only=True))
    assert systems[0][0] == note
    # Stored verdicts exist here, but the export says it has no list: it does not mix the two.
    transfers = table(wb["Transfers"])
    assert transfers and all(r["Class"] is None and r["Reason"] is None for r in transfers)
    assert all(r["Country"] for r in transfers if r["Recipient"] == "Microsoft")


def test_tables_stream_lazily(demo: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    streamed: list[Any] = []
    original = sheet.stream

    def spy(session: Session, stmt: Any) -> Iterator[Any]:
        streamed.append(stmt)
        return original(session, stmt)

    # Each sheet module looks ``stream`` up in its own namespace.
    for module in (systems_sheet, vendors_sheets, transfers_sheet, scenario_sheet):
        monkeypatch.setattr(module, "stream", spy)
    choice = choose_source(demo, "", "", "en")
    tables = register_tables(demo, "en", choice=choice)
    systems = next(tables)
    assert isinstance(systems.rows, Iterator) and not isinstance(systems.rows, list | tuple)
    assert streamed == []  # nothing read before the rows are asked for
    first = next(systems.rows)
    assert len(streamed) == 1 and all(isinstance(v, str | int | float | dt.date | None) for v in first)
    rest = list(systems.rows)
    vendors = next(tables)
    assert len(streamed) == 1
    assert all(isinstance(v, str | int | float | dt.date | None) for row in vendors.rows for v in row)
    for t in tables:
        for row in t.rows:
            assert all(isinstance(v, str | int | float | dt.date | None) for v in row), t.title
    assert len(rest) + 1 == demo.scalar(
        select(func.count()).select_from(System).where(System.is_archived.is_(False))
    )


def test_a_generated_register_exports_every_row(demo: Session) -> None:
    from riskreg.demo.generate import generate_register

    generate_register(demo, 300)
    counts, wb = export(demo, "en", flt=SystemFilter(vendor_id=None))
    live = demo.scalar(select(func.count()).select_from(System).where(System.is_archived.is_(False)))
    assert counts["Systems"] == live
    source = sources.official_source(demo, sources.today())
    live_ids = select(System.id).where(System.is_archived.is_(False))
    assert counts["Transfers"] == demo.scalar(
        select(func.count()).select_from(classified.transfer_rows(source, live_ids).subquery())
    )
    assert counts["Transfers"] > sheet.YIELD_PER
    vendors = demo.scalar(
        select(func.count(func.distinct(System.vendor_id))).where(System.is_archived.is_(False))
    )
    assert counts["Vendors"] == vendors
    assert len(table(wb["Vendors"])) == vendors
    assert demo.scalar(select(func.count()).select_from(Vendor)) >= vendors


def test_file_name() -> None:
    day = dt.date(2026, 11, 25)
    assert register_file_name("en", day) == "Register - 2026-11-25.xlsx"
    assert register_file_name("en", day, "DPF invalidated") == "Register - 2026-11-25 - DPF invalidated.xlsx"
    assert (
        register_file_name("da", day, 'a/b:"c"')
        == f"{translate('da', 'Register')} - 2026-11-25 - a_b_c_.xlsx"
    )


# --- the system residual risk (issue 14 §1) ----------------------------------------------------------------


@pytest.mark.parametrize("lang", ["da", "en"])
def test_every_systems_residual_is_the_one_the_pages_show(demo: Session, lang: str) -> None:
    _counts, wb = export(demo, lang)
    t = lambda m: translate(lang, m)  # noqa: E731
    rows = table(wb[t("Systems")])
    ids = {name: sid for name, sid in demo.execute(select(System.name, System.id))}
    expected = system_risk.residuals(demo, [ids[r[t("System")]] for r in rows])
    for r in rows:
        want = expected[ids[r[t("System")]]]
        assert r[t("System residual risk")] == (label_in(lang, want.level) if want.level else None)
        assert r[t("Why")] == ("; ".join(reason.text(lang) for reason in want.deciding) or None)


@pytest.mark.parametrize(
    ("lang", "why"),
    [
        ("da", "eksponering over for Kina gennem ByteDance Ltd."),
        ("en", "exposure to China through ByteDance Ltd."),
    ],
)
def test_capcut_row_is_very_high_through_bytedance(demo: Session, lang: str, why: str) -> None:
    _counts, wb = export(demo, lang)
    t = lambda m: translate(lang, m)  # noqa: E731
    row = next(r for r in table(wb[t("Systems")]) if r[t("System")] == "CapCut Pro")
    assert row[t("System residual risk")] == label_in(lang, RiskLevel.VERY_HIGH)
    assert why in row[t("Why")]
    # The DPIA's own highest residual stays in its column beside it.
    assert t("Residual risk") in row


def test_the_system_residual_column_is_coloured_by_level(demo: Session) -> None:
    _counts, wb = export(demo, "en")
    ws = wb["Systems"]
    header = [c.value for c in next(ws.iter_rows(max_row=1))]
    letter = openpyxl.utils.get_column_letter(header.index("System residual risk") + 1)
    ranges = [str(r.sqref) for r in ws.conditional_formatting]
    assert any(ref.startswith(f"{letter}2:") for ref in ranges), ranges


def test_a_scenario_export_says_the_residual_is_under_todays_list(demo: Session) -> None:
    _counts, wb = export(demo, "en", scenario="DPF invalidated")
    first = next(wb["Systems"].iter_rows(values_only=True))
    assert first[0] == translate("en", systems_sheet.NOT_TODAY)


@pytest.mark.parametrize("sort", ["-verdict", "outcome", "-review", "status", "vendor", "journal"])
def test_the_residual_column_follows_every_sort_order(demo: Session, sort: str) -> None:
    # The column's facts are streamed in the sheet's order beside its rows: every sort must line them up.
    _counts, wb = export(demo, "en", sort=sort, flt=SystemFilter(archived=True))
    rows = table(wb["Systems"])
    ids = {name: sid for name, sid in demo.execute(select(System.name, System.id))}
    expected = system_risk.residuals(demo, [ids[r["System"]] for r in rows])
    assert [r["Why"] for r in rows] == [
        "; ".join(reason.text("en") for reason in expected[ids[r["System"]]].deciding) or None for r in rows
    ]
