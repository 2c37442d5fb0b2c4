"""``riskreg assess`` and ``riskreg scenario run`` on the demo register: the documented JSON and the table."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from riskreg.countries.models import CountryListEntry
from riskreg.transfers.models import SystemAssessment


def run(app: Flask, *args: str, ok: bool = True) -> Any:
    result = app.test_cli_runner().invoke(args=list(args))
    if ok:
        assert result.exit_code == 0, result.output + repr(result.exception)
    return result


@pytest.fixture
def demo(demo_app: Flask) -> Flask:
    """A copy of the demo register (loaded once per run by ``riskreg demo``)."""
    return demo_app


def by_system(output: str) -> dict[str, dict[str, Any]]:
    return {entry["system"]: entry for entry in json.loads(output)}


def test_assess_json_has_the_documented_shape_and_the_seed_verdicts(demo: Flask) -> None:
    systems = by_system(run(demo, "assess", "--format", "json").output)
    capcut = systems["CapCut Pro"]
    assert capcut["verdict"] == "unknown"
    assert capcut["outcome"] == "not_acceptable"
    assert [(e["entity"], e["country"]) for e in capcut["exposure"]] == [("ByteDance Ltd.", "CN")]
    assert any("National Intelligence Law" in law for law in capcut["exposure"][0]["laws"])

    canva = systems["Canva via SkoleTube"]
    assert canva["verdict"] == "no_basis"
    no_basis = {(t["recipient"], t["country"]) for t in canva["transfers"] if t["class"] == "no_basis"}
    assert no_basis == {
        ("Canva Pty Ltd", "AU"),
        ("Philippines support and operations entity", "PH"),
        ("US content delivery provider", "US"),
        ("US analytics provider", "US"),
    }

    momentum = systems["Momentum – AI-tekstassistent"]
    assert momentum["verdict"] == "dpf"
    (us,) = [t for t in momentum["transfers"] if t["country"] == "US"]
    assert (us["recipient"], us["class"], us["rule"], us["mechanism"]) == (
        "Microsoft Corporation",
        "dpf",
        "dpf_active",
        "dpf",
    )
    assert set(us) >= {"recipient", "country", "class", "rule", "mechanism", "reason_da", "reason_en"}
    assert "supportadgang fra USA" in us["reason_da"]
    assert "support access from United States" in us["reason_en"]
    assert ("Microsoft Corporation", "US") in {(e["entity"], e["country"]) for e in momentum["exposure"]}


def test_assess_one_system_under_a_scenario(demo: Flask) -> None:
    out = run(
        demo,
        "assess",
        "--system",
        "momentum – ai-tekstassistent",
        "--scenario",
        "DPF invalidated",
        "--format",
        "json",
    ).output
    (momentum,) = json.loads(out)
    assert momentum["verdict"] == "no_basis"
    assert "DPF invalidated" in momentum["transfers"][0]["reason_en"]


def test_assess_table_in_english(demo: Flask) -> None:
    out = run(demo, "assess", "--system", "CapCut Pro", "--lang", "en").output
    assert "CapCut Pro: Unknown (Not acceptable)" in out
    assert "No processing country is recorded" in out


def test_assess_as_of_before_the_first_list_fails_with_a_clear_message(demo: Flask) -> None:
    result = run(demo, "assess", "--as-of", "2025-01-01", ok=False)
    assert result.exit_code == 1
    assert "Ingen version af den officielle liste var gældende den 01-01-2025" in result.output
    assert "Traceback" not in result.output


def test_assess_bad_date_and_unknown_system(demo: Flask) -> None:
    bad = run(demo, "assess", "--as-of", "2026-13-01", ok=False)
    assert bad.exit_code == 2 and "is not a date" in bad.output
    missing = run(demo, "assess", "--system", "No such system", ok=False)
    assert missing.exit_code == 1 and "No such system" in missing.output


def test_scenario_run_json_lists_only_the_systems_that_change(demo: Flask) -> None:
    out = run(demo, "scenario", "run", "DPF invalidated", "--format", "json").output
    report = json.loads(out)
    assert report["scenario"] == "DPF invalidated"
    assert {(c["system"], c["before"], c["after"]) for c in report["changed"]} == {
        ("Adobe Creative Cloud", "dpf", "no_basis"),
        ("Momentum – AI-tekstassistent", "dpf", "no_basis"),
    }


def official_data(app: Flask) -> tuple[list[Any], list[Any]]:
    """The stored verdicts and the official list entries, to compare before and after."""
    from riskreg.extensions import db

    with app.app_context():
        verdicts = db.session.execute(
            select(SystemAssessment.system_id, SystemAssessment.verdict).order_by(SystemAssessment.system_id)
        ).all()
        entries = db.session.execute(
            select(CountryListEntry.id, CountryListEntry.status).order_by(CountryListEntry.id)
        ).all()
    return verdicts, entries


def test_scenario_run_reads_only(demo: Flask) -> None:
    before = official_data(demo)
    table = run(demo, "scenario", "run", "dpf invalidated", "--lang", "en").output
    assert "Momentum – AI-tekstassistent: DPF (fragile) -> No basis" in table
    assert official_data(demo) == before and before[0]


def test_scenario_run_unknown_name_lists_the_scenarios(demo: Flask) -> None:
    result = run(demo, "scenario", "run", "Nope", ok=False)
    assert result.exit_code == 1
    assert "Der er intet scenarie ved navn Nope" in result.output and "DPF invalidated" in result.output
