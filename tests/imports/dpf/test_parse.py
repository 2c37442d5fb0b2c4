"""The DPF list read by its headers, every bad row reported, and the matching rule (no database)."""

from __future__ import annotations

import contextlib
import datetime as dt
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from riskreg.enums import DpfStatus
from riskreg.imports.dpf.columns import is_complete, suggest_mapping
from riskreg.imports.dpf.parse import (
    COUNTRY,
    LEGAL_FORM,
    NEAR,
    NO_COUNTRY,
    NO_FORM,
    SUB_PROCESSOR,
    VENDOR,
    Candidate,
    DpfEntry,
    NotStated,
    match,
    read_list,
)
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
    listed = read_list(
        csv_bytes(
            "Organization Name,Status,Frameworks,Covered Data",
            '"Zoom Video Communications, Inc.",Active,"EU-U.S. DPF; UK Extension","HR; Non-HR"',
            "Twilio Inc.,Inactive,EU-U.S. DPF,Non-HR",
        )
    )
    assert listed.entries == [
        DpfEntry(
            2,
            "Zoom Video Communications, Inc.",
            DpfStatus.ACTIVE,
            uk_status=DpfStatus.ACTIVE,
            swiss_status=DpfStatus.NOT_LISTED,
            covers_hr=True,
            covers_non_hr=True,
            frameworks="EU-U.S. DPF; UK Extension",
            covered_data="HR; Non-HR",
        ),
        DpfEntry(
            3,
            "Twilio Inc.",
            DpfStatus.INACTIVE,
            uk_status=DpfStatus.NOT_LISTED,
            swiss_status=DpfStatus.NOT_LISTED,
            covers_hr=False,
            covers_non_hr=True,
            frameworks="EU-U.S. DPF",
            covered_data="Non-HR",
        ),
    ]
    assert listed.not_stated == []


def test_a_list_as_a_user_saved_it() -> None:
    """Odd headers, a lapsed status, frameworks in one cell, the US date format, a page without https."""
    listed = read_list(
        csv_bytes(
            "ORGANISATION;DPF_status;Framework(s);HR / Non-HR;Next certification due;Link;Privacy Policy",
            '"Dropbox, Inc.";Active;"EU-U.S. Data Privacy Framework, UK Extension to the EU-U.S. DPF, '
            'Swiss-U.S. Data Privacy Framework";HR, Non-HR;12/15/2026;'
            "www.dataprivacyframework.gov/participant/5666;https://www.dropbox.com/privacy",
            '"Slack Technologies, LLC";INACTIVE-LAPSE;EU-U.S. DPF;Non-HR Data;2026-03-01;;',
            'Google LLC (affiliate);active;"EU-U.S. DPF; UK Extension";Non-HR;15.08.2027;;',
        )
    )
    dropbox, slack, google = listed.entries
    assert (dropbox.status, dropbox.uk_status, dropbox.swiss_status) == (DpfStatus.ACTIVE,) * 3
    assert (dropbox.covers_hr, dropbox.covers_non_hr) == (True, True)
    assert dropbox.due_on == dt.date(2026, 12, 15)
    assert dropbox.url == "https://www.dataprivacyframework.gov/participant/5666"
    assert (slack.status, slack.uk_status, slack.covers_hr, slack.covers_non_hr) == (
        DpfStatus.INACTIVE,
        DpfStatus.NOT_LISTED,
        False,
        True,
    )
    assert slack.due_on == dt.date(2026, 3, 1)
    # The qualifier is kept for display, and set aside for matching.
    assert (google.name, google.base_name) == ("Google LLC (affiliate)", "Google LLC")
    assert (google.uk_status, google.swiss_status) == (DpfStatus.ACTIVE, DpfStatus.NOT_LISTED)
    assert google.due_on == dt.date(2027, 8, 15)


def test_a_status_per_framework_in_its_own_column() -> None:
    listed = read_list(
        csv_bytes(
            "Organization Name,EU-U.S. DPF Status,UK Extension Status,Swiss-U.S. DPF Status",
            "Acme Inc.,Active,Inactive - Withdrawn,",
        )
    )
    [acme] = listed.entries
    assert (acme.status, acme.uk_status, acme.swiss_status) == (DpfStatus.ACTIVE, DpfStatus.INACTIVE, None)
    # What the row does not state is not written.
    assert acme.facts() == {
        "dpf_listed_name": "Acme Inc.",
        "dpf_status": "active",
        "dpf_uk_status": "inactive",
    }


@pytest.mark.parametrize(
    ("written", "status"),
    [
        ("Active", DpfStatus.ACTIVE),
        ("ACTIVE", DpfStatus.ACTIVE),
        ("Inactive", DpfStatus.INACTIVE),
        ("INACTIVE-LAPSE", DpfStatus.INACTIVE),
        ("Inactive (withdrawn)", DpfStatus.INACTIVE),
        ("Aktiv", DpfStatus.ACTIVE),
        ("Inaktiv", DpfStatus.INACTIVE),
        ("Ikke aktiv", DpfStatus.INACTIVE),
    ],
)
def test_statuses_as_written(written: str, status: DpfStatus) -> None:
    [entry] = read_list(csv_bytes("Organization Name,Status", f"Acme Inc.,{written}")).entries
    assert entry.status == status


def test_rows_of_empty_status_are_skipped_as_not_stated() -> None:
    listed = read_list(
        csv_bytes(
            "Organization Name,Status,Frameworks",
            "Dropbox Inc.,Active,EU-U.S. DPF",
            "Blank Corp,,EU-U.S. DPF",
            '"Pending Review, LLC", ,',
            "Zoom Video Communications Inc,Active,",
        )
    )
    assert [e.name for e in listed.entries] == ["Dropbox Inc.", "Zoom Video Communications Inc"]
    assert listed.not_stated == [NotStated(3, "Blank Corp"), NotStated(4, "Pending Review, LLC")]


def test_a_list_of_only_empty_statuses_is_refused() -> None:
    [(row, column, message)] = refusal(csv_bytes("Organization Name,Status", "Blank Corp,"))
    assert message == "The list has no organisations with a status."


@pytest.mark.parametrize(
    "header",
    [
        "Organisation;Participation Status;Data Covered",
        "NAME;status",
        "organization name;STATUS;frameworks",
        "Organisation Name;Status",
        "organisation_name;dpf_status",
        "Virksomhed;Status på listen",
    ],
)
def test_header_variants_and_semicolons(header: str) -> None:
    entries = read_list(csv_bytes(header, "Acme Inc.;active")).entries
    assert [(e.name, e.status) for e in entries] == [("Acme Inc.", DpfStatus.ACTIVE)]


def test_reads_xlsx() -> None:
    data = xlsx_bytes(
        [
            ["Organization Name", "Status", "Next Certification Due Date"],
            ["Acme GmbH", "Active", dt.datetime(2026, 12, 15)],
            [None, None, None],
            ["Beta LLC", "Inactive", None],
        ]
    )
    assert [(e.row, e.name, e.status, e.due_on) for e in read_list(data).entries] == [
        (2, "Acme GmbH", DpfStatus.ACTIVE, dt.date(2026, 12, 15)),
        (4, "Beta LLC", DpfStatus.INACTIVE, None),
    ]


def test_missing_columns_are_named() -> None:
    problems = refusal(csv_bytes("Entity ID,Frameworks", "4711,EU-U.S. DPF"))
    assert len(problems) == 2
    assert all(row is None for row, _, _ in problems)
    assert "Organization Name" in problems[0][2] and "Status" in problems[1][2]


def test_every_bad_row_is_reported_with_row_and_column() -> None:
    problems = refusal(
        csv_bytes(
            "Organization Name,Status,Frameworks,Covered Data,Next Certification Due Date,URL",
            "Good Inc.,Active,,,,",
            ",Active,,,,",
            "Bad Status LLC,Suspended,,,,",
            "Good Two Ltd,Inactive,,,,",
            "...,,,,,",
            "Odd Inc.,Active,APEC CBPR,Everything,13/13/2026,javascript:alert(1)",
        )
    )
    assert problems == [
        (3, "Organization Name", "The organisation name is empty."),
        (4, "Status", "Unknown status Suspended: use Active or Inactive."),
        (6, "Organization Name", "The organisation name is empty."),
        (7, "Frameworks", "Unknown framework in APEC CBPR: use EU-U.S. DPF, UK Extension, Swiss-U.S. DPF."),
        (7, "Covered Data", "Unknown covered data Everything: use HR, Non-HR or both."),
        (7, "Next Certification Due Date", "13/13/2026 is not a date: use yyyy-mm-dd or mm/dd/yyyy."),
        (7, "URL", "javascript:alert(1) is not a web address."),
    ]


def test_problems_in_danish() -> None:
    with pytest.raises(ImportRefused) as info:
        read_list(csv_bytes("Organization Name,Status", "Acme,Suspended"))
    assert info.value.problems[0].describe("da") != info.value.problems[0].describe("en")


def test_a_list_with_only_a_header_is_refused() -> None:
    assert refusal(csv_bytes("Organization Name,Status"))


def test_a_mapping_chooses_the_columns() -> None:
    data = csv_bytes("Firm,State of play,Entity ID", "Acme Inc.,Active,4711")
    assert refusal(data)[0][2].startswith("The list has no column Organization Name")
    listed = read_list(data, mapping={"Firm": "name", "State of play": "status", "Entity ID": ""})
    assert [(e.name, e.status) for e in listed.entries] == [("Acme Inc.", DpfStatus.ACTIVE)]
    twice, missing = [p for _, _, p in refusal_mapped(data, {"Firm": "name", "State of play": "name"})]
    assert twice.startswith("Only one column can hold") and "Firm and State of play" in twice
    assert missing == "Choose the column that holds the status (EU-U.S. DPF)."


def refusal_mapped(data: bytes, mapping: dict[str, str]) -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(ImportRefused) as info:
        read_list(data, mapping=mapping)
    return [(p.row, p.column, p.message("en")) for p in info.value.problems]


def test_which_headers_need_a_person() -> None:
    known = ["Organization Name", "Status", "Privacy Policy", "Original Certification Date"]
    assert is_complete(known, suggest_mapping(known))
    headers = ["Organization Name", "Status", "Kontaktperson"]
    assert not is_complete(headers, suggest_mapping(headers))
    assert not is_complete(["Name"], suggest_mapping(["Name"]))


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
        listed = read_list(out.getvalue().encode())
    except ImportRefused:
        return
    assert all(e.status in (DpfStatus.ACTIVE, DpfStatus.INACTIVE) and e.name for e in listed.entries)


# --- matching -----------------------------------------------------------------------------------------------


def entry(row: int, name: str, status: DpfStatus = DpfStatus.ACTIVE) -> DpfEntry:
    return DpfEntry(row, name, status)


def vendor(id: int, name: str, listed: str = "", country: str | None = "US") -> Candidate:
    return Candidate(VENDOR, id, name, listed, country_code=country)


def names(pairs: list) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    return [(p.entry.name, p.candidate.name) for p in pairs]


def reasons(pairs: list) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    return [(p.candidate.name, p.reason) for p in pairs]


def test_exact_match_on_normalised_names() -> None:
    result = match(
        [entry(2, "Zoom Video Communications, Inc."), entry(3, "Smith and Nephew"), entry(4, "Acme, Inc.")],
        [
            vendor(1, "Zoom Video Communications Inc"),
            vendor(2, "Smith & Nephew"),
            vendor(3, "ACME Inc"),
        ],
    )
    assert names(result.matched) == [
        ("Zoom Video Communications, Inc.", "Zoom Video Communications Inc"),
        ("Smith and Nephew", "Smith & Nephew"),
        ("Acme, Inc.", "ACME Inc"),
    ]
    assert result.review == result.different == result.unmatched == result.not_found == []


def test_the_irish_dropbox_does_not_inherit_the_us_listing() -> None:
    """Issue 15: "Dropbox", the Irish contracting entity (Dropbox International Unlimited Company)."""
    result = match(
        [entry(2, "Dropbox, Inc.")],
        [
            vendor(1, "Dropbox", country="IE"),
            vendor(2, "Dropbox International Unlimited Company", country="IE"),
            vendor(3, "Dropbox, Inc."),
        ],
    )
    assert names(result.matched) == [("Dropbox, Inc.", "Dropbox, Inc.")]
    assert [(p.candidate.name, p.reason, p.candidate.country_code) for p in result.different] == [
        ("Dropbox", COUNTRY, "IE")
    ]
    # Not even a near match: another country's entity can never take the listing.
    assert result.review == []
    assert [c.name for c in result.not_found] == ["Dropbox International Unlimited Company"]


def test_slack_limited_is_not_slack_llc() -> None:
    """Issue 15: "Slack Technologies Limited" matched "Slack Technologies, LLC" once suffixes were gone."""
    result = match(
        [entry(2, "Slack Technologies, LLC")],
        [vendor(1, "Slack Technologies Limited", country="IE"), vendor(2, "Slack Technologies Limited")],
    )
    assert result.matched == [] and result.review == []
    assert reasons(result.different) == [
        ("Slack Technologies Limited", LEGAL_FORM),
        ("Slack Technologies Limited", LEGAL_FORM),
    ]


def test_a_qualifier_is_set_aside() -> None:
    """Issue 15: "Google LLC (affiliate)" got neither a match nor a suggestion."""
    result = match(
        [
            entry(2, "Google LLC (affiliate)"),
            entry(3, "Zoom Video Communications, Inc. (and its US subsidiaries)"),
        ],
        [
            vendor(1, "Google LLC"),
            vendor(2, "Zoom Video Communications Inc"),
            vendor(3, "Google Ireland Limited"),
        ],
    )
    assert names(result.matched) == [
        ("Google LLC (affiliate)", "Google LLC"),
        ("Zoom Video Communications, Inc. (and its US subsidiaries)", "Zoom Video Communications Inc"),
    ]
    assert [c.name for c in result.not_found] == ["Google Ireland Limited"]


def test_no_country_recorded_goes_to_a_person() -> None:
    result = match([entry(2, "Dropbox, Inc.")], [vendor(1, "Dropbox Inc", country=None)])
    assert result.matched == []
    assert [(p.candidate.name, p.reason, p.score) for p in result.review] == [
        ("Dropbox Inc", NO_COUNTRY, 100.0)
    ]


def test_a_legal_form_on_one_side_only_goes_to_a_person() -> None:
    result = match(
        [entry(2, "Miro"), entry(3, "Kahoot! ASA Inc."), entry(4, "Canva Pty Ltd")],
        [vendor(1, "Miro Inc."), vendor(2, "Kahoot"), vendor(3, "Canva", country=None)],
    )
    assert result.matched == []
    assert reasons(result.review) == [("Miro Inc.", NO_FORM), ("Kahoot", NO_FORM), ("Canva", NO_FORM)]


def test_a_recorded_listing_name_vouches_for_the_entry() -> None:
    result = match(
        [entry(2, "Datadog, Inc."), entry(3, "Miro")],
        [vendor(1, "Metrics Vendor", listed="Datadog Inc"), vendor(2, "Miro Inc.", listed="Miro")],
    )
    assert names(result.matched) == [("Datadog, Inc.", "Metrics Vendor"), ("Miro", "Miro Inc.")]


def test_a_recorded_listing_name_does_not_move_the_entity_abroad() -> None:
    result = match(
        [entry(2, "Microsoft Corporation")], [vendor(1, "Microsoft Ireland", "Microsoft Corp", "IE")]
    )
    assert result.matched == [] and reasons(result.different) == [("Microsoft Ireland", COUNTRY)]


@pytest.mark.parametrize(
    "suffix", ["Inc.", "LLC", "Corp.", "L.L.C.", ", Inc.", "Corporation", "Incorporated"]
)
def test_us_legal_forms_match_each_other(suffix: str) -> None:
    result = match([entry(2, f"Quantum Ledger {suffix}")], [vendor(1, "Quantum Ledger, LLC")])
    assert [p.candidate.id for p in result.matched] == [1]


@pytest.mark.parametrize(
    "suffix", ["Ltd.", "Limited", "GmbH", "ApS", "A/S", "AB", "Unlimited Company", "plc"]
)
def test_legal_forms_of_other_countries_never_match_a_us_form(suffix: str) -> None:
    result = match([entry(2, "Quantum Ledger LLC")], [vendor(1, f"Quantum Ledger {suffix}")])
    assert result.matched == [] and result.review == []
    assert reasons(result.different) == [(f"Quantum Ledger {suffix}", LEGAL_FORM)]


def test_a_subsidiary_never_matches_its_parent_automatically() -> None:
    result = match(
        [entry(2, "Microsoft Corporation"), entry(3, "Zoom Video Communications, Inc.")],
        [
            vendor(1, "Microsoft Ireland Operations Ltd", country=None),
            vendor(2, "Zoom Video Communications Ireland Ltd", country=None),
        ],
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
    assert all(86 <= p.score < 100 and p.reason == NEAR for p in result.review)


def test_typing_errors_that_move_a_space_are_near_and_reordered_words_are_not() -> None:
    result = match(
        [entry(2, "SurveyMonkey Inc."), entry(3, "Dropbox, Inc."), entry(4, "Data Health Systems Inc.")],
        [vendor(1, "Survey Monkey"), vendor(2, "Drop box Inc"), vendor(3, "Health Data Systems")],
    )
    assert names(result.review) == [("SurveyMonkey Inc.", "Survey Monkey"), ("Dropbox, Inc.", "Drop box Inc")]
    assert [c.name for c in result.not_found] == ["Health Data Systems"]


def test_inactive_entries_keep_their_status() -> None:
    result = match([entry(2, "Twilio, Inc.", DpfStatus.INACTIVE)], [vendor(1, "Twilio Inc.")])
    assert [p.entry.status for p in result.matched] == [DpfStatus.INACTIVE]


def test_a_name_listed_twice_counts_as_active_if_either_is() -> None:
    result = match(
        [entry(2, "Acme Inc.", DpfStatus.INACTIVE), entry(3, "ACME LLC")], [vendor(1, "Acme Corp")]
    )
    assert [(p.entry.row, p.entry.status) for p in result.matched] == [(3, DpfStatus.ACTIVE)]


def test_the_entry_of_the_same_legal_system_is_chosen() -> None:
    result = match(
        [entry(2, "Acme Limited"), entry(3, "Acme Inc.", DpfStatus.INACTIVE)], [vendor(1, "Acme LLC")]
    )
    assert [(p.entry.row, p.entry.status) for p in result.matched] == [(3, DpfStatus.INACTIVE)]


def test_unmatched_entries_and_register_names_not_found() -> None:
    result = match(
        [entry(2, "Nobody In The Register LLC"), entry(3, "Acme")],
        [vendor(1, "Acme"), Candidate(SUB_PROCESSOR, 7, "Netcompany A/S", country_code="DK")],
    )
    assert [e.name for e in result.unmatched] == ["Nobody In The Register LLC"]
    assert [(c.kind, c.id) for c in result.not_found] == [(SUB_PROCESSOR, 7)]


def test_every_candidate_is_matched_to_an_entry_of_the_same_name() -> None:
    # The same sub-processor under several vendors: each record takes the listing.
    result = match(
        [entry(2, "Amazon Web Services, Inc.")],
        [Candidate(SUB_PROCESSOR, i, "Amazon Web Services Inc", country_code="US") for i in range(1, 4)],
    )
    assert sorted(p.candidate.id for p in result.matched) == [1, 2, 3]


def test_progress_counts_every_candidate() -> None:
    done: list[int] = []
    candidates = [vendor(i, f"Company {i} Inc") for i in range(5000)]
    match([entry(2, "Company 7 LLC")], candidates, progress=done.append)
    assert sum(done) == 5000


# --- the rule, for any names --------------------------------------------------------------------------------

BASES = st.sampled_from(
    ["Dropbox", "Slack Technologies", "Google", "Acme Cloud", "Zoom Video", "Miro", "Canva"]
)
FORMS = st.sampled_from(
    [
        "",
        "Inc.",
        ", Inc.",
        "LLC",
        "Corp.",
        "Limited",
        "Ltd",
        "Unlimited Company",
        "GmbH",
        "A/S",
        "ApS",
        "AB",
        "plc",
        "S.A.",
    ]
)
QUALIFIERS = st.sampled_from(["", " (affiliate)", " (and its US subsidiaries)", " [EU]"])
COUNTRIES = st.sampled_from([None, "US", "us", "IE", "GB", "DK", "DE", "SE", "CN"])


@st.composite
def written_name(draw: st.DrawFn) -> str:
    base = draw(st.one_of(BASES, st.text(min_size=1, max_size=15)))
    return f"{base} {draw(FORMS)}".strip() + draw(QUALIFIERS)


@given(
    st.lists(st.tuples(written_name(), st.sampled_from(list(DpfStatus))), min_size=1, max_size=8),
    st.lists(st.tuples(written_name(), st.one_of(st.just(""), written_name()), COUNTRIES), max_size=10),
)
def test_no_entity_outside_the_united_states_is_ever_matched_or_put_to_review(
    listed: list[tuple[str, DpfStatus]], register: list[tuple[str, str, str | None]]
) -> None:
    entries = [DpfEntry(i + 2, name, status) for i, (name, status) in enumerate(listed)]
    candidates = [
        Candidate(VENDOR, i, name, listed_name, country_code=c)
        for i, (name, listed_name, c) in enumerate(register)
    ]
    result = match(entries, candidates)
    assert all(p.candidate.country_code in ("US", "us") for p in result.matched)
    assert all(p.candidate.country_code in (None, "US", "us") for p in result.review)
    # Every candidate is accounted for once.
    placed = [p.candidate.id for p in [*result.matched, *result.review, *result.different]]
    assert sorted(placed + [c.id for c in result.not_found]) == list(range(len(candidates)))
