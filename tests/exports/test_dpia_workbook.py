"""The DPIA workbook: sheets and labels, live risk formulas, validations and colours, the heat maps, values
equal to what the app shows, user text kept as text, and LibreOffice recalculating after a change.

Data comes through the real code paths: the demo (Momentum, CapCut, Canva with their DPIAs and decisions)
or a system and draft DPIA built through the services (tests/conftest.py).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select
from sqlalchemy.orm import Session

from riskreg.catalogue import format_day, label_in, translate
from riskreg.demo.dpias import CAPCUT, MOMENTUM_AI
from riskreg.dpia import approval, scoring, services, system_risk
from riskreg.dpia.heatmap import heat_map
from riskreg.dpia.models import Dpia, Risk
from riskreg.dpia.scoring import ReductionFlag
from riskreg.enums import DecisionOutcome, LocationKind, MeasureKind, RiskLevel, Role
from riskreg.errors import NotFound
from riskreg.exports.dpia_risks import score_ranges
from riskreg.exports.dpia_workbook import build_dpia_workbook, dpia_file_name
from riskreg.extensions import db
from riskreg.subprocessors.services import create_sub_processor
from riskreg.systems.models import System
from riskreg.transfers import findings, sources
from tests.exports.helpers import load, needs_soffice, recalculate
from tests.factories import Chain

SHEETS = (
    "Summary",
    "Processing",
    "Data flow and transfers",
    "Risks",
    "Risk matrix",
    "Measures",
    "Decisions",
)
RISK_HEADERS = (
    "No.",
    "Threat or scenario",
    "Description",
    "Rights and freedoms affected",
    "Inherent likelihood",
    "Inherent consequence",
    "Inherent score",
    "Inherent level",
    "Measures",
    "Residual likelihood",
    "Residual consequence",
    "Residual score",
    "Residual level",
    "Why the residual risk differs",
    "Risk owner",
    "Warning",
)
# The columns of the Risici sheet (1-based, as openpyxl counts).
TITLE, INH_L, INH_C, INH_SCORE, INH_LEVEL, MEASURES, RES_L, RES_C, RES_SCORE, RES_LEVEL, FLAG = (
    2, 5, 6, 7, 8, 9, 10, 11, 12, 13, 16,
)  # fmt: skip
# What the DPIA page says for a flagged risk (templates/dpia/_macros.html: flag_note).
FLAG_MSGIDS = {
    ReductionFlag.RELIES_ON_USERS: "Residual risk rests only on users remembering a rule",
    ReductionFlag.NO_MEASURE: "Residual risk is lowered without any measure",
}
TODAY = dt.date(2026, 11, 25)
INJECTIONS = ('=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)", "\tx")


def workbook(session: Session, system: System, lang: str = "da", **kw: Any) -> bytes:
    out = io.BytesIO()
    build_dpia_workbook(session, system, out, lang, today=TODAY, **kw)
    return out.getvalue()


def sheet(book: Any, lang: str, msgid: str) -> Worksheet:
    return book[translate(lang, msgid)]


def column(ws: Worksheet, col: int, rows: int) -> list[Any]:
    return [ws.cell(row, col).value for row in range(2, 2 + rows)]


def facts(ws: Worksheet) -> dict[str, Any]:
    """A label/value sheet as a dict (the first value of a label that repeats)."""
    found: dict[str, Any] = {}
    for label, value, *_rest in ws.iter_rows(values_only=True):
        if isinstance(label, str):
            found.setdefault(label, value)
    return found


def texts(ws: Worksheet) -> list[str]:
    return [v for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str)]


@dataclass
class Demo:
    session: Session
    system: System
    dpia: Dpia


@pytest.fixture
def momentum(demo_app: Flask) -> Iterator[Demo]:
    """Momentum's DPIA in a copy of the demo register (loaded once per run by ``riskreg demo``)."""
    with demo_app.app_context():
        session = db.session()
        system = session.scalars(select(System).where(System.name == MOMENTUM_AI)).one()
        dpia = services.current_dpia(session, system.id)
        assert dpia is not None
        yield Demo(session, system, dpia)


# --- sheets and labels --------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["da", "en"])
def test_every_sheet_and_label_in_the_language(momentum: Demo, lang: str) -> None:
    book = load(workbook(momentum.session, momentum.system, lang))
    assert book.sheetnames == [translate(lang, m) for m in SHEETS]
    risks = sheet(book, lang, "Risks")
    assert [c.value for c in risks[1]] == [translate(lang, m) for m in RISK_HEADERS]
    cover = sheet(book, lang, "Summary")
    assert cover["A1"].value == translate(lang, "DPIA: %(system)s", system=MOMENTUM_AI)
    shown = facts(cover)
    assert shown[translate(lang, "Version")] == translate(lang, "Version %(n)s", n=momentum.dpia.number)
    assert shown[translate(lang, "State")] == label_in(lang, momentum.dpia.state)
    assert shown[translate(lang, "Status")] == label_in(lang, momentum.system.status)
    assert shown[translate(lang, "Exported on")].date() == TODAY
    matrix = sheet(book, lang, "Risk matrix")
    assert translate(lang, "Residual risk") in texts(matrix)
    corner = f"{translate(lang, 'Likelihood')} ↓ / {translate(lang, 'Consequence')} →"
    assert texts(matrix).count(corner) == 2
    for ws in book.worksheets:
        # Print set-up: landscape, fit to one page wide, the system and the date in the header.
        assert ws.page_setup.orientation == "landscape"
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0
        assert MOMENTUM_AI in ws.oddHeader.left.text and format_day(lang, TODAY) in ws.oddHeader.right.text
    for msgid in ("Data flow and transfers", "Risks", "Measures", "Decisions"):
        assert sheet(book, lang, msgid).freeze_panes == "A2"


def test_file_name() -> None:
    assert dpia_file_name("Momentum", "da", TODAY) == (
        f"{translate('da', 'DPIA')} - Momentum - 2026-11-25.xlsx"
    )
    assert dpia_file_name("Momentum", "en", TODAY) == "DPIA - Momentum - 2026-11-25.xlsx"
    assert dpia_file_name('a/b:c*"', "en", TODAY) == "DPIA - a_b_c_ - 2026-11-25.xlsx"


# --- Risici ------------------------------------------------------------------------------------------------


def test_risks_are_live_formulas_with_validations_and_colours(momentum: Demo) -> None:
    lang, risks = "da", momentum.dpia.risks
    data = workbook(momentum.session, momentum.system, lang)
    ws = sheet(load(data), lang, "Risks")
    n = len(risks)
    assert n == 5
    for row in range(2, 2 + n):
        assert f"E{row}*F{row}" in ws.cell(row, INH_SCORE).value
        assert f"J{row}*K{row}" in ws.cell(row, RES_SCORE).value
        for col, score in ((INH_LEVEL, "G"), (RES_LEVEL, "L")):
            formula = ws.cell(row, col).value
            assert formula.startswith("=") and f"{score}{row}>=12" in formula
            for level in scoring.LEVEL_FROM:
                assert f'"{label_in(lang, level[1])}"' in formula
    # Drop-downs limited to 1–4 over the risks and the spare rows, with a message in the language.
    validations = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    assert set(validations) == {f"{c}2:{c}{n + 21}" for c in "EFJK"}
    for dv in validations.values():
        assert dv.type == "list" and dv.formula1 == '"1,2,3,4"'
        assert dv.showErrorMessage and dv.errorStyle in (None, "stop")
        assert dv.error == translate(
            lang, "Likelihood and consequence are scored 1 (low), 2, 3 or 4 (very high)."
        )
    # Colour by the score, over score and level, one rule per level.
    rules = {str(r.sqref): [rule.formula[0] for rule in r.rules] for r in ws.conditional_formatting}
    assert set(rules) == {f"G2:H{n + 21}", f"L2:M{n + 21}"}
    for formulas in rules.values():
        assert len(formulas) == len(scoring.LEVEL_FROM)
        assert any(">=12" in f for f in formulas) and any(">=8" in f and "<12" in f for f in formulas)
    # A spare row has the formulas too, so a risk typed in by hand is scored.
    assert "E7*F7" in ws.cell(7, INH_SCORE).value


def test_risk_values_equal_what_the_app_shows(momentum: Demo) -> None:
    for lang in ("da", "en"):
        data = workbook(momentum.session, momentum.system, lang)
        risks: list[Risk] = momentum.dpia.risks
        formulas = sheet(load(data), lang, "Risks")
        cached = sheet(load(data, data_only=True), lang, "Risks")
        n = len(risks)
        assert column(formulas, TITLE, n) == [r.title for r in risks]
        assert column(formulas, INH_L, n) == [r.inherent_likelihood for r in risks]
        assert column(formulas, INH_C, n) == [r.inherent_consequence for r in risks]
        assert column(formulas, RES_L, n) == [r.residual_l for r in risks]
        assert column(formulas, RES_C, n) == [r.residual_c for r in risks]
        assert column(formulas, MEASURES, n) == [
            "\n".join(services.measure_name(m, lang) for m in r.measures) for r in risks
        ]
        assert column(formulas, FLAG, n) == [
            translate(lang, FLAG_MSGIDS[r.flag]) if r.flag else None for r in risks
        ]
        assert any(r.flag for r in risks)
        # The results cached with the formulas are the app's, so the file reads right before recalculation.
        assert column(cached, INH_SCORE, n) == [r.inherent_score for r in risks]
        assert column(cached, RES_SCORE, n) == [r.residual_score for r in risks]
        assert column(cached, RES_LEVEL, n) == [label_in(lang, r.residual_level) for r in risks]
        cover = facts(sheet(load(data, data_only=True), lang, "Summary"))
        assert cover[translate(lang, "Residual risk")] == label_in(lang, momentum.dpia.residual_level)


def test_measures_sheet_lists_the_linked_measures(momentum: Demo) -> None:
    lang = "en"
    ws = sheet(load(workbook(momentum.session, momentum.system, lang)), lang, "Measures")
    linked = {m.id: m for r in momentum.dpia.risks for m in r.measures}
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert sorted(r[0] for r in rows) == sorted(services.measure_name(m, lang) for m in linked.values())
    by_name = {r[0]: r for r in rows}
    for m in linked.values():
        name, kind, relies, description, serves = by_name[services.measure_name(m, lang)]
        assert kind == label_in(lang, m.kind)
        assert relies == translate(lang, "Yes" if m.relies_on_users else "No")
        assert description == services.measure_description(m, lang)
        titles = [r.title for r in momentum.dpia.risks if m in r.measures]
        assert [line.split(". ", 1)[1] for line in serves.split("\n")] == titles
    assert [r[1] for r in rows] == sorted(
        (r[1] for r in rows), key=lambda k: [label_in(lang, v) for v in MeasureKind].index(k)
    )


# --- Risikomatrix ------------------------------------------------------------------------------------------


def matrix_counts(ws: Worksheet) -> list[list[list[Any]]]:
    """The two 4×4 maps (residual, inherent) as shown: rows likelihood 4..1, columns consequence 1..4."""
    maps, rows = [], list(ws.iter_rows(values_only=True))
    for i, row in enumerate(rows):
        if isinstance(row[0], str) and "↓" in row[0]:
            maps.append([list(r[1:5]) for r in rows[i + 1 : i + 5]])
    return maps


def app_counts(pairs: list[tuple[int, int]]) -> list[list[int]]:
    return [[cell.count for cell in line] for line in heat_map(pairs)]


def test_matrix_counts_from_the_risks_sheet(momentum: Demo) -> None:
    lang, risks = "da", momentum.dpia.risks
    data = workbook(momentum.session, momentum.system, lang)
    risk_sheet = translate(lang, "Risks")
    ws = sheet(load(data), lang, "Risk matrix")
    residual, inherent = matrix_counts(ws)
    for grid, (l_col, c_col) in ((residual, "JK"), (inherent, "EF")):
        for line, likelihood in zip(grid, (4, 3, 2, 1), strict=True):
            for formula, consequence in zip(line, (1, 2, 3, 4), strict=True):
                assert formula.startswith("=COUNTIFS(")
                assert f"'{risk_sheet}'!${l_col}$2:${l_col}$" in formula and f",{likelihood}," in formula
                assert f"'{risk_sheet}'!${c_col}$2:${c_col}$" in formula and formula.endswith(
                    f",{consequence})"
                )
    cached = matrix_counts(sheet(load(data, data_only=True), lang, "Risk matrix"))
    assert cached == [
        app_counts([(r.residual_l, r.residual_c) for r in risks]),
        app_counts([(r.inherent_likelihood, r.inherent_consequence) for r in risks]),
    ]
    # The legend gives the score ranges of the levels, in their colours.
    assert score_ranges() == {
        RiskLevel.LOW: (1, 3),
        RiskLevel.MEDIUM: (4, 6),
        RiskLevel.HIGH: (8, 9),
        RiskLevel.VERY_HIGH: (12, 16),
    }
    legend = {
        row[0]: row[1] for row in ws.iter_rows(values_only=True) if isinstance(row[0], str) and "–" in row[0]
    }
    assert legend == {f"{a}–{b}": label_in(lang, lv) for lv, (a, b) in score_ranges().items()}
    # Each cell carries its level's colour.
    fills = {
        ws.cell(row, 2 + c).fill.fgColor.rgb
        for row in range(1, 30)
        for c in range(4)
        if ws.cell(row, 2 + c).data_type == "f"
    }
    assert len(fills) == len(scoring.LEVEL_FROM)


# --- Dataflow og overførsler, Forside, Beslutninger -------------------------------------------------------


def test_transfers_and_cover_follow_the_engine(momentum: Demo) -> None:
    lang, session = "en", momentum.session
    book = load(workbook(session, momentum.system, lang))
    source = sources.official_source(session, TODAY, lang)
    (assessment,) = findings.assess(session, source, [momentum.system.id])
    ws = sheet(book, lang, "Data flow and transfers")
    rows = list(ws.iter_rows(min_row=2, max_row=1 + len(assessment.transfers), values_only=True))
    assert [(r[0], r[2], r[3], r[4]) for r in rows] == [
        (f.recipient, f.country(lang), label_in(lang, f.klass), f.reason(lang)) for f in assessment.transfers
    ]
    assert [r[6] for r in rows] == [label_in(lang, f.mechanism) for f in assessment.transfers]
    assert assessment.exposure
    for e in assessment.exposure:
        assert e.reason(lang) in texts(ws)
    cover = facts(sheet(book, lang, "Summary"))
    assert cover[translate(lang, "Verdict")] == label_in(lang, assessment.verdict)
    assert cover[translate(lang, "Outcome")] == label_in(lang, assessment.outcome)
    assert cover[translate(lang, "Jurisdiction exposure")] == label_in(lang, assessment.worst_exposure)


def test_decisions_sheet_lists_the_rejections_and_the_postponement(momentum: Demo) -> None:
    lang = "da"
    book = load(workbook(momentum.session, momentum.system, lang))
    ws = sheet(book, lang, "Decisions")
    rows = [r for r in ws.iter_rows(min_row=2, values_only=True) if r[1]]
    decisions = momentum.dpia.decisions
    assert [(r[0], r[1], r[2].date(), r[4]) for r in rows] == [
        (momentum.dpia.number, d.body.name, d.meeting_on, label_in(lang, d.outcome)) for d in decisions
    ]
    assert [d.outcome for d in decisions] == [
        DecisionOutcome.REJECTED,
        DecisionOutcome.REJECTED,
        DecisionOutcome.POSTPONED,
    ]
    assert [r[8] for r in rows] == [d.rationale for d in decisions]
    assert [r[10].date() if r[10] else None for r in rows] == [d.next_meeting_on for d in decisions]
    cover = facts(sheet(book, lang, "Summary"))
    assert cover[translate(lang, "Body")] == decisions[-1].body.name
    assert cover[translate(lang, "Meeting date")].date() == decisions[-1].meeting_on


def test_a_version_that_does_not_exist_is_refused(momentum: Demo) -> None:
    with pytest.raises(NotFound):
        workbook(momentum.session, momentum.system, version=momentum.dpia.number + 1)
    assert workbook(momentum.session, momentum.system, version=momentum.dpia.number)


# --- a system without a DPIA, and user text -----------------------------------------------------------------


def test_a_system_without_a_dpia_exports_and_says_so(app: Flask, dpia_system: int) -> None:
    with app.app_context():
        system = db.session.get(System, dpia_system)
        assert system is not None
        for lang in ("da", "en"):
            book = load(workbook(db.session(), system, lang))
            assert book.sheetnames == [translate(lang, m) for m in SHEETS]
            note = translate(lang, "No DPIA has been started for this system yet.")
            assert note in texts(sheet(book, lang, "Summary"))
            assert note in texts(sheet(book, lang, "Processing"))
            assert translate(lang, "No decision has been recorded yet.") in texts(
                sheet(book, lang, "Decisions")
            )
            # The risk sheet is still a working form: header, spare input rows, drop-downs.
            risks = sheet(book, lang, "Risks")
            assert "E2*F2" in risks["G2"].value and risks.data_validations.dataValidation


def test_user_text_stays_text(
    app: Flask,
    dpia_id: int,
    chain: Chain,
    make_user: Callable[..., int],
) -> None:
    """Text that Excel could read as a formula comes back as the text typed, wherever a user wrote it."""
    from riskreg.auth.models import User

    hyperlink, plus, minus, at, tab = INJECTIONS
    with app.app_context():
        session = db.session()
        dpia = session.get(Dpia, dpia_id)
        assert dpia is not None
        system = dpia.system
        system.purpose, system.system_owner = hyperlink, at
        create_sub_processor(session, system.vendor, {"name": minus, "country_code": "DE"},
                             [("DE", LocationKind.PROCESSING)], system_ids=[system.id])  # fmt: skip
        measure = services.create_measure(session, {"name": plus, "kind": MeasureKind.TECHNICAL})
        services.save_sections(session, dpia, {"description": at, "necessity": hyperlink})
        for title in (hyperlink, plus, minus, at):
            services.add_risk(
                session,
                dpia,
                {"title": title, "description": minus, "rights": plus, "owner": at,
                 "inherent_likelihood": 2, "inherent_consequence": 2, "measure_ids": [measure.id]},
            )  # fmt: skip
        # The services strip leading white space; the writer must keep a tab as text on its own.
        dpia.risks[0].residual_reason = tab
        session.commit()
        approval.submit(session, dpia, "da", dt.date(2026, 6, 10))
        approval.record_decision(
            session,
            dpia,
            {"body_id": dpia.body_id, "outcome": "rejected", "meeting_on": dt.date(2026, 6, 10),
             "rationale": hyperlink, "alternative": minus},
            session.get_one(User, make_user(Role.ADMIN)),
            "da",
        )  # fmt: skip
        book = load(workbook(session, system, "da"))

    def cell_of(msgid: str, value: str) -> Any:
        found = [c for row in sheet(book, "da", msgid).iter_rows() for c in row if c.value == value]
        assert found, (msgid, value)
        return found[0]

    for msgid, value in (
        ("Processing", hyperlink),  # the purpose
        ("Summary", at),  # the system owner
        ("Data flow and transfers", minus),  # the recipient
        ("Risks", plus),  # a title
        ("Risks", tab),  # a residual reason
        ("Measures", plus),  # the measure's name
        ("Decisions", hyperlink),  # the rationale
    ):
        cell = cell_of(msgid, value)
        assert cell.data_type == "s" and cell.quotePrefix, (msgid, cell.coordinate)
    risks = sheet(book, "da", "Risks")
    assert column(risks, TITLE, 4) == [hyperlink, plus, minus, at]
    # Nothing anywhere is a formula but ours (scores, levels, counts, the cover's figures).
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    assert cell.value.startswith(("=IF(", "=COUNTIFS(", "=MAX(", "=COUNTA(")), (
                        ws.title,
                        cell.value,
                    )
                elif isinstance(cell.value, str) and cell.value.startswith(INJECTIONS):
                    assert cell.data_type == "s" and cell.quotePrefix, (ws.title, cell.coordinate)


# --- LibreOffice --------------------------------------------------------------------------------------------


@needs_soffice
def test_libreoffice_recalculates_on_load(tmp_path: Path) -> None:
    """The helper's profile makes LibreOffice recalculate: a stale cached value cannot pass for a result."""
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out)
    ws = book.add_worksheet("S")
    ws.write_number(0, 0, 3)
    ws.write_formula(0, 1, "=A1*2", None, 99)
    book.close()
    assert load(recalculate(out.getvalue(), tmp_path), data_only=True)["S"]["B1"].value == 6


def check_recalculated(ws_risks: Worksheet, ws_matrix: Worksheet, cover: dict[str, Any], lang: str,
                       pairs: list[tuple[tuple[int, int], tuple[int, int]]]) -> None:  # fmt: skip
    """Scores, levels, the maps and the cover as LibreOffice computed them, against the app's own rules."""
    n = len(pairs)
    for i, ((il, ic), (rl, rc)) in enumerate(pairs, start=2):
        assert ws_risks.cell(i, INH_SCORE).value == il * ic
        assert ws_risks.cell(i, RES_SCORE).value == rl * rc
        assert ws_risks.cell(i, INH_LEVEL).value == label_in(lang, scoring.level(il, ic))
        assert ws_risks.cell(i, RES_LEVEL).value == label_in(lang, scoring.level(rl, rc))
    assert ws_risks.cell(2 + n, RES_SCORE).value in (None, "")  # a spare row
    assert ws_risks.cell(2 + n, RES_LEVEL).value in (None, "")
    assert cover[translate(lang, "Number of risks")] == n
    assert matrix_counts(ws_matrix) == [app_counts([p[1] for p in pairs]), app_counts([p[0] for p in pairs])]
    residual = scoring.highest(p[1] for p in pairs)
    assert cover[translate(lang, "Residual risk")] == label_in(lang, residual)
    assert cover[translate(lang, "Highest residual risk score")] == max(rl * rc for _, (rl, rc) in pairs)
    prior = residual.rank >= scoring.PRIOR_CONSULTATION_FROM.rank
    assert cover[translate(lang, "Prior consultation of Datatilsynet (art. 36)")] == translate(
        lang, "Yes" if prior else "No"
    )


@needs_soffice
def test_libreoffice_recalculates_and_follows_a_change(momentum: Demo, tmp_path: Path) -> None:
    lang, dpia = "da", momentum.dpia
    data = workbook(momentum.session, momentum.system, lang)
    pairs = [
        ((r.inherent_likelihood, r.inherent_consequence), (r.residual_l, r.residual_c)) for r in dpia.risks
    ]

    def check(path: Path, expected: list[tuple[tuple[int, int], tuple[int, int]]]) -> Any:
        book = load(path, data_only=True)
        check_recalculated(sheet(book, lang, "Risks"), sheet(book, lang, "Risk matrix"),
                           facts(sheet(book, lang, "Summary")), lang, expected)  # fmt: skip
        return book

    check(recalculate(data, tmp_path, "as-written"), pairs)
    assert label_in(lang, dpia.residual_level) == label_in(lang, scoring.highest(p[1] for p in pairs))

    # A steering-group member lowers the residual likelihood of the worst risk from 3 to 2.
    index = next(i for i, (_inh, (rl, rc)) in enumerate(pairs) if rl == 3 and rc * rl >= 12)
    book = load(data)
    risks = sheet(book, lang, "Risks")
    risks.cell(2 + index, RES_L).value = 2
    pairs[index] = (pairs[index][0], (2, pairs[index][1][1]))
    # ... and adds a risk by hand in the first empty row: the formulas there score and count it too.
    added = 2 + len(pairs)
    risks.cell(added, TITLE).value = "Added at the meeting"
    for col, value in ((INH_L, 2), (INH_C, 3), (RES_L, 1), (RES_C, 3)):
        risks.cell(added, col).value = value
    pairs.append(((2, 3), (1, 3)))
    changed = io.BytesIO()
    book.save(changed)
    after = check(recalculate(changed.getvalue(), tmp_path, "changed"), pairs)
    # The level that moved: very high to high (12 -> 8), and the cover follows.
    assert sheet(after, lang, "Risks").cell(2 + index, RES_LEVEL).value == label_in(lang, scoring.level(2, 4))
    assert facts(sheet(after, lang, "Summary"))[translate(lang, "Residual risk")] != label_in(
        lang, dpia.residual_level
    )


# --- the system's residual risk on the cover (issue 14 §1) -------------------------------------------------


def cover_lines(ws: Worksheet, label: str) -> list[str]:
    """The values of the label/value rows from ``label`` on, while the label is blank (one why per row)."""
    rows = list(ws.iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r[0] == label)
    found = [rows[start][1]]
    for r in rows[start + 1 :]:
        if r[0] is not None or r[1] is None:
            break
        found.append(r[1])
    return found


@pytest.mark.parametrize(
    ("lang", "why"),
    [
        ("da", "Meget høj: eksponering over for Kina gennem ByteDance Ltd."),
        ("en", "Very high: exposure to China through ByteDance Ltd."),
    ],
)
def test_capcut_cover_shows_the_system_residual_risk_and_its_why(
    demo_app: Flask, lang: str, why: str
) -> None:
    with demo_app.app_context():
        session = db.session()
        system = session.scalars(select(System).where(System.name == CAPCUT)).one()
        newest = services.versions(session, system.id)[0]
        expected = system_risk.residuals(session, [system.id], versions={system.id: newest}, on=TODAY)[
            system.id
        ]
        ws = sheet(load(workbook(session, system, lang)), lang, "Summary")
    assert translate(lang, "System residual risk") in texts(ws)
    assert cover_lines(ws, translate(lang, "Level")) == [label_in(lang, RiskLevel.VERY_HIGH)]
    lines = cover_lines(ws, translate(lang, "Why"))
    assert lines == expected.why(lang) and why in lines
    blocks = cover_lines(ws, translate(lang, "Blocks approval"))
    assert [f"{b.text(lang)}. {b.unblock(lang)}" for b in expected.blockers] == blocks
    # The DPIA's own figures stay live formulas beside it.
    rows = {r[0].value: r[1].value for r in ws.iter_rows() if isinstance(r[0].value, str)}
    assert str(rows[translate(lang, "Residual risk")]).startswith("=")


def test_momentum_cover_is_very_high_from_its_dpia(momentum: Demo) -> None:
    ws = sheet(load(workbook(momentum.session, momentum.system, "en")), "en", "Summary")
    assert "System residual risk" in texts(ws)
    assert cover_lines(ws, "Level") == ["Very high"]
    assert any("risk" in line for line in cover_lines(ws, "Why"))
