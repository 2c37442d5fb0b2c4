"""The DPF list read by its headers, every bad row reported, and the matching rule (no database)."""

from __future__ import annotations

import contextlib
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from riskreg.enums import DpfStatus
from riskreg.imports.dpf.parse import SUB_PROCESSOR, VENDOR, Candidate, DpfEntry, match, read_list
from riskreg.imports.files import ImportRefused
from tests.imports.helpers import xlsx_bytes


def csv_bytes(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


def refusal(data: bytes) -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(ImportRefused) as info:
        read_list(data)
    return [(p.row, p.column, p.message("en")) for p in info.value.problems]


# --- reading ------------------------------------------------------------------------------------------------


def test_reads_the_published_columns() -> None:
    entries = read_list(
        csv_bytes(
            "Organization Name,Status,Frameworks,Covered Data",
            '"Zoom Video Communications, Inc.",Active,"EU-U.S. DPF; UK Extension","HR; Non-HR"',
            "Twilio Inc.,Inactive,EU-U.S. DPF,Non-HR",
        )
    )
    assert entries == [
        DpfEntry(
            2, "Zoom Video Communications, Inc.", DpfStatus.ACTIVE, "EU-U.S. DPF; UK Extension", "HR; Non-HR"
        ),
        DpfEntry(3, "Twilio Inc.", DpfStatus.INACTIVE, "EU-U.S. DPF", "Non-HR"),
    ]


@pytest.mark.parametrize(
    "header",
    [
        "Organisation;Participation Status;Data Covered",
        "NAME;status",
        "organization name;STATUS;frameworks",
        "Organisation Name;Status",
    ],
)
def test_header_variants_and_semicolons(header: str) -> None:
    entries = read_list(csv_bytes(header, "Acme Inc.;active"))
    assert [(e.name, e.status) for e in entries] == [("Acme Inc.", DpfStatus.ACTIVE)]


def test_reads_xlsx() -> None:
    data = xlsx_bytes(
        [["Organization Name", "Status"], ["Acme GmbH", "Active"], [None, None], ["Beta LLC", "Inactive"]]
    )
    assert [(e.row, e.name, e.status) for e in read_list(data)] == [
        (2, "Acme GmbH", DpfStatus.ACTIVE),
        (4, "Beta LLC", DpfStatus.INACTIVE),
    ]


def test_missing_columns_are_named() -> None:
    problems = refusal(csv_bytes("Company,Frameworks", "Acme,EU-U.S. DPF"))
    assert len(problems) == 2
    assert all(row is None for row, _, _ in problems)
    assert "Organization Name" in problems[0][2] and "Status" in problems[1][2]


def test_every_bad_row_is_reported_with_row_and_column() -> None:
    problems = refusal(
        csv_bytes(
            "Organization Name,Status",
            "Good Inc.,Active",
            ",Active",
            "Bad Status LLC,Suspended",
            "Good Two Ltd,Inactive",
            "...,",
        )
    )
    assert problems == [
        (3, "Organization Name", "The organisation name is empty."),
        (4, "Status", "Unknown status Suspended: use Active or Inactive."),
        (6, "Organization Name", "The organisation name is empty."),
        (6, "Status", "The status is empty: use Active or Inactive."),
    ]


def test_problems_in_danish() -> None:
    with pytest.raises(ImportRefused) as info:
        read_list(csv_bytes("Organization Name,Status", "Acme,Suspended"))
    assert info.value.problems[0].describe("da") != info.value.problems[0].describe("en")


def test_a_list_with_only_a_header_is_refused() -> None:
    assert refusal(csv_bytes("Organization Name,Status"))


@given(st.binary(max_size=400))
def test_any_bytes_give_entries_or_a_refusal(data: bytes) -> None:
    with contextlib.suppress(ImportRefused):
        read_list(data)


@given(st.lists(st.lists(st.text(max_size=12), max_size=4), max_size=6))
def test_any_csv_gives_entries_or_a_refusal(rows: list[list[str]]) -> None:
    import csv

    out = io.StringIO()
    csv.writer(out).writerows([["Organization Name", "Status"], *rows])
    try:
        entries = read_list(out.getvalue().encode())
    except ImportRefused:
        return
    assert all(e.status in (DpfStatus.ACTIVE, DpfStatus.INACTIVE) and e.name for e in entries)


# --- matching -----------------------------------------------------------------------------------------------


def entry(row: int, name: str, status: DpfStatus = DpfStatus.ACTIVE) -> DpfEntry:
    return DpfEntry(row, name, status)


def vendor(id: int, name: str, listed: str = "") -> Candidate:
    return Candidate(VENDOR, id, name, listed)


def names(pairs: list) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    return [(p.entry.name, p.candidate.name) for p in pairs]


def test_exact_match_on_normalised_names() -> None:
    result = match(
        [
            entry(2, "Zoom Video Communications, Inc."),
            entry(3, "ACME CLOUD A/S"),
            entry(4, "Smith and Nephew"),
        ],
        [
            vendor(1, "Zoom Video Communications Inc"),
            vendor(2, "Acme Cloud ApS"),
            vendor(3, "Smith & Nephew plc"),
        ],
    )
    assert names(result.matched) == [
        ("Zoom Video Communications, Inc.", "Zoom Video Communications Inc"),
        ("ACME CLOUD A/S", "Acme Cloud ApS"),
        ("Smith and Nephew", "Smith & Nephew plc"),
    ]
    assert result.review == [] and result.unmatched == [] and result.not_found == []


@pytest.mark.parametrize("suffix", ["Inc.", "LLC", "Ltd.", "GmbH", "ApS", "A/S", "Corp.", "L.L.C.", ", Inc."])
def test_suffix_variants_match(suffix: str) -> None:
    result = match([entry(2, f"Quantum Ledger {suffix}")], [vendor(1, "Quantum Ledger Limited")])
    assert [p.candidate.id for p in result.matched] == [1]


def test_the_recorded_listing_name_matches() -> None:
    result = match([entry(2, "Datadog, Inc.")], [vendor(1, "Metrics Vendor", listed="Datadog Inc")])
    assert names(result.matched) == [("Datadog, Inc.", "Metrics Vendor")]


def test_a_subsidiary_never_matches_its_parent_automatically() -> None:
    result = match(
        [entry(2, "Microsoft Corporation"), entry(3, "Zoom Video Communications, Inc.")],
        [vendor(1, "Microsoft Ireland Operations Ltd"), vendor(2, "Zoom Video Communications Ireland Ltd")],
    )
    assert result.matched == []
    # The Irish Zoom is close enough to be put before a person; the Irish Microsoft is not even that.
    assert names(result.review) == [
        ("Zoom Video Communications, Inc.", "Zoom Video Communications Ireland Ltd")
    ]
    assert [c.name for c in result.not_found] == ["Microsoft Ireland Operations Ltd"]


def test_near_misses_go_to_review_with_their_score() -> None:
    result = match(
        [entry(2, "Salesforce, Inc."), entry(3, "Atlassian Pty Ltd")],
        [vendor(1, "Salesforce.com"), vendor(2, "Atlasian")],
    )
    assert result.matched == []
    assert names(result.review) == [("Salesforce, Inc.", "Salesforce.com"), ("Atlassian Pty Ltd", "Atlasian")]
    assert all(85 <= p.score < 100 for p in result.review)


def test_inactive_entries_keep_their_status() -> None:
    result = match([entry(2, "Twilio, Inc.", DpfStatus.INACTIVE)], [vendor(1, "Twilio Inc.")])
    assert [p.entry.status for p in result.matched] == [DpfStatus.INACTIVE]


def test_a_name_listed_twice_counts_as_active_if_either_is() -> None:
    result = match([entry(2, "Acme Inc.", DpfStatus.INACTIVE), entry(3, "ACME LLC")], [vendor(1, "Acme")])
    assert [(p.entry.row, p.entry.status) for p in result.matched] == [(3, DpfStatus.ACTIVE)]


def test_unmatched_entries_and_register_names_not_found() -> None:
    result = match(
        [entry(2, "Nobody In The Register LLC"), entry(3, "Acme")],
        [vendor(1, "Acme"), Candidate(SUB_PROCESSOR, 7, "Netcompany A/S")],
    )
    assert [e.name for e in result.unmatched] == ["Nobody In The Register LLC"]
    assert [(c.kind, c.id) for c in result.not_found] == [(SUB_PROCESSOR, 7)]


def test_every_candidate_is_matched_to_an_entry_of_the_same_name() -> None:
    # The same sub-processor under several vendors: each record takes the listing.
    result = match(
        [entry(2, "Amazon Web Services, Inc.")],
        [Candidate(SUB_PROCESSOR, i, "Amazon Web Services Inc") for i in range(1, 4)],
    )
    assert sorted(p.candidate.id for p in result.matched) == [1, 2, 3]


def test_progress_counts_every_candidate() -> None:
    done: list[int] = []
    candidates = [vendor(i, f"Company {i} Inc") for i in range(5000)]
    match([entry(2, "Company 7 LLC")], candidates, progress=done.append)
    assert sum(done) == 5000
