"""The live part of the DPIA workbook: the *Risici* sheet and the heat maps that count from it. No Flask.

A steering-group member who changes a likelihood from 3 to 2 must see the score, the level, its colour, the
heat maps and the cover follow. So scores and levels are formulas (``=IF(COUNT(E2,F2)=2,E2*F2,"")``), the
colours are conditional formats on the score, L and C take only 1–4 from a drop-down, and every formula
reaches a few spare rows below the risks, so a risk typed in by hand counts too. The cached results written
with each formula are the real ones, so the file reads right before anything recalculates it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from riskreg.catalogue import label_in
from riskreg.dpia import scoring
from riskreg.dpia.heatmap import heat_map
from riskreg.dpia.models import Risk
from riskreg.dpia.scoring import ReductionFlag
from riskreg.dpia.services import measure_name
from riskreg.enums import RiskLevel
from riskreg.exports.xlsx import Book, Column, Sheet, col_letter, quote_sheet
from riskreg.vocabulary import N_

#: Empty rows under the risks that validations, formats and formulas still cover.
SPARE_ROWS = 20
FIRST_ROW = 1  # the header is row 0

# The columns of the Risici sheet, zero-based.
(NO, TITLE, DESCRIPTION, RIGHTS, INH_L, INH_C, INH_SCORE, INH_LEVEL, MEASURES) = range(9)
(RES_L, RES_C, RES_SCORE, RES_LEVEL, REASON, OWNER, FLAG) = range(9, 16)

FLAG_TEXT = {
    ReductionFlag.RELIES_ON_USERS: N_("Residual risk rests only on users remembering a rule"),
    ReductionFlag.NO_MEASURE: N_("Residual risk is lowered without any measure"),
}


def risk_columns(book: Book) -> list[Column]:
    t = book.t
    return [
        Column(t(N_("No.")), 6, "number"),
        Column(t(N_("Threat or scenario")), 34, "wrap"),
        Column(t(N_("Description")), 48, "wrap"),
        Column(t(N_("Rights and freedoms affected")), 34, "wrap"),
        Column(t(N_("Inherent likelihood")), 12, "input"),
        Column(t(N_("Inherent consequence")), 12, "input"),
        Column(t(N_("Inherent score")), 10, "number"),
        Column(t(N_("Inherent level")), 12, "number"),
        Column(t(N_("Measures")), 36, "wrap"),
        Column(t(N_("Residual likelihood")), 12, "input"),
        Column(t(N_("Residual consequence")), 12, "input"),
        Column(t(N_("Residual score")), 10, "number"),
        Column(t(N_("Residual level")), 12, "number"),
        Column(t(N_("Why the residual risk differs")), 48, "wrap"),
        Column(t(N_("Risk owner")), 24, "wrap"),
        Column(t(N_("Warning")), 30, "wrap"),
    ]


def literal(value: str) -> str:
    """A string literal in a formula."""
    return '"' + value.replace('"', '""') + '"'


def level_formula(book: Book, ref: str) -> str:
    """The translated level label of the score in ``ref`` (empty when ``ref`` holds no number)."""
    *higher, (_lowest, last) = scoring.LEVEL_FROM
    expr = literal(label_in(book.lang, last))
    for lowest, level in reversed(higher):
        expr = f"IF({ref}>={lowest},{literal(label_in(book.lang, level))},{expr})"
    return f'IF(ISNUMBER({ref}),{expr},"")'


def score_bounds() -> list[tuple[RiskLevel, int, int | None]]:
    """Each level with its lowest score and the lowest score of the next level up (None for the top)."""
    bounds: list[tuple[RiskLevel, int, int | None]] = []
    above: int | None = None
    for lowest, level in scoring.LEVEL_FROM:
        bounds.append((level, lowest, above))
        above = lowest
    return bounds


def score_ranges() -> dict[RiskLevel, tuple[int, int]]:
    """The scores L × C can reach in each level: 1–3, 4–6, 8–9, 12–16."""
    reached = sorted({lk * c for lk in scoring.SCALE for c in scoring.SCALE})
    ranges = {}
    for level, low, high in score_bounds():
        inside = [s for s in reached if s >= low and (high is None or s < high)]
        ranges[level] = (inside[0], inside[-1])
    return ranges


def prior_consultation_from() -> int:
    """The lowest score whose level calls for prior consultation (art. 36): 8."""
    return min(
        low for level, low, _high in score_bounds() if level.rank >= scoring.PRIOR_CONSULTATION_FROM.rank
    )


@dataclass(frozen=True)
class RiskSheet:
    """Where the Risici sheet keeps its numbers, for the formulas of the other sheets."""

    name: str
    last_row: int  # zero-based, spare rows included

    def range(self, col: int) -> str:
        letter = col_letter(col)
        return f"{quote_sheet(self.name)}!${letter}${FIRST_ROW + 1}:${letter}${self.last_row + 1}"


def write_risks(sheet: Sheet, risks: Sequence[Risk]) -> RiskSheet:
    """One row per risk, then the spare rows; returns where the numbers are."""
    book, ws = sheet.book, sheet.ws
    sheet.header()
    ws.set_row(0, 45)
    labels = {level: label_in(book.lang, level) for level in RiskLevel}
    for number, risk in enumerate(risks, start=1):
        row = sheet.append(
            [
                number,
                risk.title,
                risk.description,
                risk.rights,
                risk.inherent_likelihood,
                risk.inherent_consequence,
                None,
                None,
                "\n".join(measure_name(m, book.lang) for m in risk.measures),
                risk.residual_l,
                risk.residual_c,
                None,
                None,
                risk.residual_reason,
                risk.owner,
                book.t(FLAG_TEXT[risk.flag]) if risk.flag else None,
            ]
        )
        _scores(sheet, row, (risk.inherent_score, labels[risk.inherent_level]),
                (risk.residual_score, labels[risk.residual_level]))  # fmt: skip
    for _ in range(SPARE_ROWS):
        row = sheet.append([None] * len(sheet.columns))
        _scores(sheet, row, ("", ""), ("", ""))
    last = sheet.row - 1
    _validate(sheet, last)
    _colour(sheet, last)
    if not risks:
        sheet.note(book.t(N_("No risks yet.")), span=4)
    return RiskSheet(sheet.name, last)


def _scores(sheet: Sheet, row: int, inherent: tuple[object, str], residual: tuple[object, str]) -> None:
    excel_row = row + 1
    for (l_col, c_col, score_col, level_col), (score, level) in (
        ((INH_L, INH_C, INH_SCORE, INH_LEVEL), inherent),
        ((RES_L, RES_C, RES_SCORE, RES_LEVEL), residual),
    ):
        lc, cc = f"{col_letter(l_col)}{excel_row}", f"{col_letter(c_col)}{excel_row}"
        score_ref = f"{col_letter(score_col)}{excel_row}"
        sheet.formula(row, score_col, f'=IF(COUNT({lc},{cc})=2,{lc}*{cc},"")', "number", score)
        sheet.formula(row, level_col, "=" + level_formula(sheet.book, score_ref), "number", level)


def _validate(sheet: Sheet, last: int) -> None:
    """L and C: a drop-down of 1–4, and nothing else accepted."""
    book = sheet.book
    options = {
        "validate": "list",
        "source": [str(v) for v in scoring.SCALE],
        "error_type": "stop",
        "error_title": book.t(N_("Scale 1–4"))[:32],
        "error_message": book.t(N_("Likelihood and consequence are scored 1 (low), 2, 3 or 4 (very high)."))[
            :255
        ],
    }
    for col in (INH_L, INH_C, RES_L, RES_C):
        sheet.ws.data_validation(FIRST_ROW, col, last, col, options)


def _colour(sheet: Sheet, last: int) -> None:
    """Score and level cells take their level's colour from the score, whatever is typed into L and C."""
    book = sheet.book
    for score_col in (INH_SCORE, RES_SCORE):
        ref = f"${col_letter(score_col)}{FIRST_ROW + 1}"
        for level, low, high in score_bounds():
            below = f",{ref}<{high}" if high is not None else ""
            sheet.ws.conditional_format(
                FIRST_ROW,
                score_col,
                last,
                score_col + 1,
                {
                    "type": "formula",
                    "criteria": f"=AND(ISNUMBER({ref}),{ref}>={low}{below})",
                    "format": book.level_format(level),
                },
            )


# --- Risikomatrix -------------------------------------------------------------------------------------------


def write_matrix(sheet: Sheet, risks: Sequence[Risk], source: RiskSheet) -> None:
    """Two 4×4 heat maps (residual, then inherent) whose cells count the risks of the Risici sheet."""
    book, ws = sheet.book, sheet.ws
    ws.set_column(0, 0, 30)
    ws.set_column(1, 4, 12)
    ws.set_column(5, 5, 40)
    sheet.title(book.t(N_("Risk matrix")))
    sheet.skip()
    maps = (
        (N_("Residual risk"), RES_L, RES_C, [(r.residual_l, r.residual_c) for r in risks]),
        (N_("Inherent risk"), INH_L, INH_C, [(r.inherent_likelihood, r.inherent_consequence) for r in risks]),
    )
    corner = f"{book.t(N_('Likelihood'))} ↓ / {book.t(N_('Consequence'))} →"
    for title, l_col, c_col, pairs in maps:
        sheet.title(book.t(title), "subtitle")
        cells = heat_map(pairs)
        sheet.append([corner, *(c.consequence for c in cells[0])], ["header"] * 5)
        l_range, c_range = source.range(l_col), source.range(c_col)
        for line in cells:
            row = sheet.row
            ws.set_row(row, 30)
            sheet.put(row, 0, line[0].likelihood, "header")
            for col, cell in enumerate(line, start=1):
                sheet.formula(
                    row,
                    col,
                    f"=COUNTIFS({l_range},{cell.likelihood},{c_range},{cell.consequence})",
                    f"level_{cell.level.value}",
                    cell.count,
                )
            sheet.skip()
        sheet.skip()
    sheet.title(book.t(N_("Levels")), "subtitle")
    for level, (low, high) in sorted(score_ranges().items(), key=lambda item: item[0].rank):
        sheet.append([f"{low}–{high}", level], ["number", f"level_{level.value}"])
    sheet.skip()
    sheet.note(
        book.t(
            N_(
                "Each cell counts the risks on the sheet %(sheet)s with that likelihood and consequence, "
                "so the maps follow changes there."
            ),
            sheet=source.name,
        ),
        span=6,
    )
