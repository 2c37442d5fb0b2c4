"""The precedent rule as a table (riskreg.dpia.precedent_rule): by legal entity or parent, never by name."""

from __future__ import annotations

import pytest

from riskreg.dpia.precedent_rule import Parties, counts_as_rejected, entity_key, precedent_links
from riskreg.enums import SystemStatus

#: CapCut Pro: vendor ByteDance (record 1), parent ByteDance Ltd., a sub-processor of Microsoft Corporation.
CAPCUT = Parties(10, 1, "ByteDance", "ByteDance Ltd.", ("Microsoft Corporation",))
REJECTED, APPROVED = SystemStatus.REJECTED, SystemStatus.APPROVED

CASES = [
    # (what, the other system, its status, a body recorded rejected, what it shares with CapCut)
    ("same vendor record", Parties(11, 1, "ByteDance"), REJECTED, True, ("ByteDance",)),
    ("parent matches the other's vendor name", Parties(11, 2, "ByteDance Ltd."), REJECTED, True,
     ("ByteDance Ltd.",)),
    ("parent matches the other's parent", Parties(11, 2, "TikTok Technology Limited", "ByteDance Ltd."),
     REJECTED, True, ("ByteDance Ltd.",)),
    ("vendor name matches the other's parent", Parties(11, 2, "Lemon8", "ByteDance"), REJECTED, True,
     ("ByteDance",)),
    ("sub-processor parent matches the other's parent", Parties(11, 3, "Copilot", "Microsoft Corporation"),
     REJECTED, True, ("Microsoft Corporation",)),
    ("the other's sub-processor parent matches the parent",
     Parties(11, 3, "Some tool", "", ("ByteDance Ltd.",)), REJECTED, True, ("ByteDance Ltd.",)),
    ("whitespace and case only", Parties(11, 2, "  bytedance   LTD. "), REJECTED, True, ("ByteDance Ltd.",)),
    ("rejected by status only, no decision", Parties(11, 2, "ByteDance Ltd."), REJECTED, False,
     ("ByteDance Ltd.",)),
    ("rejected by a body, later overturned: still shown", Parties(11, 2, "ByteDance Ltd."), APPROVED, True,
     ("ByteDance Ltd.",)),
    ("a suffix difference does not match", Parties(11, 2, "ByteDance Ltd"), REJECTED, True,
     ()),
    ("a legal form added does not match", Parties(11, 2, "ByteDance Inc."), REJECTED, True, ()),
    ("a similar name does not match", Parties(11, 2, "ByteDance Technology Ltd."), REJECTED, True, ()),
    ("a subsidiary is not its parent", Parties(11, 2, "Microsoft Ireland Operations Ltd"), REJECTED, True,
     ()),
    ("empty parents do not match each other", Parties(11, 2, "Other", ""), REJECTED, True, ()),
    ("the system itself is not its own precedent", CAPCUT, REJECTED, True, ()),
    ("an approved system is no precedent", Parties(11, 1, "ByteDance", "ByteDance Ltd."), APPROVED, False,
     ()),
    ("a system in assessment is no precedent", Parties(11, 2, "ByteDance Ltd."),
     SystemStatus.IN_ASSESSMENT, False, ()),
]  # fmt: skip


@pytest.mark.parametrize(
    ("other", "status", "has_rejection", "shared"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_precedent_rule(
    other: Parties, status: SystemStatus, has_rejection: bool, shared: tuple[str, ...]
) -> None:
    links = precedent_links(CAPCUT, [(other, status, has_rejection)])
    assert [via for _other, via in links] == ([shared] if shared else [])


def test_dropbox_is_not_dropbox_inc() -> None:
    dropbox = Parties(1, 1, "Dropbox")
    other = Parties(2, 2, "Dropbox, Inc.")
    assert precedent_links(dropbox, [(other, REJECTED, True)]) == []
    assert entity_key("Dropbox") != entity_key("Dropbox, Inc.")


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("ByteDance Ltd.", "bytedance ltd.", True),
        ("ByteDance  Ltd.", " ByteDance\tLtd. ", True),
        ("Cafe\u0301 A/S", "Café A/S", True),  # the same letters, composed or not
        ("ByteDance Ltd.", "ByteDance Ltd", False),
        ("ByteDance Ltd.", "ByteDance", False),
        ("Microsoft Corporation", "Microsoft Corp.", False),
    ],
)
def test_entity_key_normalises_whitespace_and_case_only(a: str, b: str, same: bool) -> None:
    assert (entity_key(a) == entity_key(b)) is same


@pytest.mark.parametrize(
    ("status", "has_rejection", "counts"),
    [
        (SystemStatus.REJECTED, False, True),
        (SystemStatus.APPROVED, True, True),
        (SystemStatus.POSTPONED, True, True),
        (SystemStatus.APPROVED, False, False),
        (SystemStatus.APPROVED_WITH_CONDITIONS, False, False),
        (SystemStatus.POSTPONED, False, False),
        (SystemStatus.RETIRED, False, False),
    ],
)
def test_what_counts_as_rejected(status: SystemStatus, has_rejection: bool, counts: bool) -> None:
    assert counts_as_rejected(status, has_rejection) is counts
