"""The system's residual risk: the highest of the DPIA's risks (flagged reductions count as inherent) and of
what the transfer facts imply; transfers without a basis block approval. Pure: facts in, figure out."""

from __future__ import annotations

import pytest

from riskreg.dpia import residual
from riskreg.dpia.residual import ExposureFacts, Fact, RiskFacts, TransferFacts, system_residual
from riskreg.dpia.scoring import ReductionFlag
from riskreg.enums import ExposureLevel, RiskLevel, TransferClass

C = TransferClass
L = RiskLevel
CHINA = {"da": "Kina", "en": "China"}
USA = {"da": "USA", "en": "United States"}


@pytest.mark.parametrize(
    ("klass", "tia_missing", "level", "blocks"),
    [
        (C.NO_BASIS, False, L.VERY_HIGH, True),
        (C.UNKNOWN, False, L.VERY_HIGH, True),
        (C.DEROGATION, False, L.HIGH, False),
        (C.SAFEGUARDED, True, L.HIGH, False),
        (C.SAFEGUARDED, False, L.MEDIUM, False),
        (C.DPF, False, L.MEDIUM, False),
        (C.ADEQUATE, False, None, False),
        (C.EEA, False, None, False),
    ],
)
def test_each_transfer_class_implies_its_level(
    klass: TransferClass, tia_missing: bool, level: RiskLevel | None, blocks: bool
) -> None:
    result = system_residual(None, [TransferFacts("Okta Inc.", USA, klass, tia_missing)])

    assert result.level == level
    assert result.may_be_approved is not blocks
    assert bool(result.blockers) is blocks


@pytest.mark.parametrize(
    ("exposure", "level"),
    [(ExposureLevel.VERY_HIGH, L.VERY_HIGH), (ExposureLevel.HIGH, L.HIGH), (ExposureLevel.MEDIUM, None)],
)
def test_exposure_implies_its_level_even_when_all_data_stays_in_the_eea(
    exposure: ExposureLevel, level: RiskLevel | None
) -> None:
    result = system_residual(
        None, [TransferFacts("Bytedance Ireland", {"da": "Irland", "en": "Ireland"}, C.EEA)],
        [ExposureFacts("ByteDance Ltd.", CHINA, exposure)],
    )  # fmt: skip

    assert result.level == level
    assert result.may_be_approved  # exposure is a risk to weigh, not an unlawful transfer


def test_the_why_names_the_country_and_the_entity_in_the_readers_language() -> None:
    result = system_residual(None, [], [ExposureFacts("ByteDance Ltd.", CHINA, ExposureLevel.VERY_HIGH)])

    assert result.why("en") == ["Very high: exposure to China through ByteDance Ltd."]
    assert result.why("da") == ["Meget høj: eksponering over for Kina gennem ByteDance Ltd."]


def test_a_reduction_that_relies_on_users_counts_at_the_inherent_level() -> None:
    canva_free_text = RiskFacts(
        3, "Pupils enter personal data", (3, 4), (1, 4), ReductionFlag.RELIES_ON_USERS
    )
    sound = RiskFacts(1, "Deletion", (3, 3), (1, 3), None)

    result = system_residual([sound, canva_free_text])

    assert result.level == L.VERY_HIGH  # 3 x 4 = 12, not the 1 x 4 = 4 the DPIA shows as residual
    assert result.why("en") == [
        "Very high: risk 3 (Pupils enter personal data) is lowered only by a rule users must remember: "
        "it counts as inherent"
    ]
    assert result.from_dpia() == L.VERY_HIGH


def test_a_reduction_without_any_measure_counts_at_the_inherent_level() -> None:
    result = system_residual([RiskFacts(2, "Errors in drafts", (3, 3), (2, 2), ReductionFlag.NO_MEASURE)])

    assert result.level == L.HIGH
    assert "lowered without any measure" in result.why("en")[0]


def test_the_system_level_is_the_highest_of_the_dpia_and_the_transfer_facts() -> None:
    low_dpia = [RiskFacts(1, "Access", (2, 2), (1, 2))]
    dpf = TransferFacts("Microsoft Corporation", USA, C.DPF)

    only_dpia = system_residual(low_dpia)
    with_dpf = system_residual(low_dpia, [dpf])

    assert only_dpia.level == L.LOW and with_dpf.level == L.MEDIUM
    assert with_dpf.deciding[0].fact == Fact.DPF
    assert [r.level for r in with_dpf.reasons] == [L.MEDIUM, L.LOW]  # worst first


def test_blockers_say_what_would_unblock_them() -> None:
    result = system_residual(
        [RiskFacts(1, "Access", (2, 2), (1, 2))],
        [
            TransferFacts("Canva Pty Ltd", {"da": "Australien", "en": "Australia"}, C.NO_BASIS),
            TransferFacts("Unnamed", None, C.UNKNOWN),
        ],
    )

    assert not result.may_be_approved
    texts = [(b.text("en"), b.unblock("en")) for b in result.blockers]
    assert texts[0][0] == "Canva Pty Ltd in Australia: the transfer has no legal basis"
    assert "SCC or BCR with a transfer impact assessment for Canva Pty Ltd" in texts[0][1]
    assert texts[1][0] == "Unnamed in an unknown country: the basis of the transfer is not known"
    assert texts[1][1].startswith("Confirm the country")


def test_the_same_recipient_in_the_same_country_counts_once() -> None:
    same = TransferFacts("Okta Inc.", USA, C.NO_BASIS)

    result = system_residual(None, [same, same])

    assert len(result.reasons) == 1 and len(result.blockers) == 1


def test_nothing_to_weigh_gives_no_level() -> None:
    result = system_residual(None)

    assert result.level is None and result.reasons == () and not result.has_dpia


def test_the_mapping_is_one_table_and_every_fact_has_a_level() -> None:
    assert set(residual.FACT_LEVELS) == set(Fact)
    assert set(Fact) >= residual.BLOCKS_APPROVAL
