"""Name normalisation: what makes two ways of writing a company's name the same name, and what does not."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from riskreg.imports.names import jurisdiction, legal_form, normalise, strip_qualifier


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        ("Acme", "acme"),
        ("ACME Inc", "acme"),
        ("Acme, Inc.", "acme"),
        ("Acme Incorporated", "acme"),
        ("Acme LLC", "acme"),
        ("Acme L.L.C.", "acme"),
        ("Acme Ltd.", "acme"),
        ("Acme Limited", "acme"),
        ("Acme Corp.", "acme"),
        ("Acme Corporation", "acme"),
        ("Acme Co.", "acme"),
        ("Acme GmbH", "acme"),
        ("Acme GmbH & Co. KG", "acme"),
        ("Acme AG", "acme"),
        ("Acme ApS", "acme"),
        ("Acme A/S", "acme"),
        ("Acme A / S", "acme"),
        ("Acme AS", "acme"),
        ("Acme AB", "acme"),
        ("Acme B.V.", "acme"),
        ("Acme BV", "acme"),
        ("Acme N.V.", "acme"),
        ("Acme S.A.", "acme"),
        ("Acme SAS", "acme"),
        ("Acme SARL", "acme"),
        ("Acme S.r.l.", "acme"),
        ("Acme S.p.A.", "acme"),
        ("Acme Oy", "acme"),
        ("Acme plc", "acme"),
        ("Acme PLC", "acme"),
        ("Acme Pty Ltd", "acme"),
        ("Acme Pty. Ltd.", "acme"),
        ("Acme LP", "acme"),
        ("Acme LLP", "acme"),
        ("  acme ,  inc. ", "acme"),
    ],
)
def test_legal_forms_at_the_end_are_ignored(written: str, normalised: str) -> None:
    assert normalise(written) == normalised


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Smith & Nephew plc", "Smith and Nephew"),
        ("Procter & Gamble Co.", "PROCTER AND GAMBLE"),
        ("Ben & Jerry's Homemade, Inc.", "Ben and Jerrys Homemade"),
        ("Société Générale S.A.", "Societe Generale"),
        ("Zoom Video Communications, Inc.", "zoom   video communications inc"),
        ("Hewlett-Packard Company", "Hewlett Packard"),
        ("Smith & Co.", "Smith"),
    ],
)
def test_the_same_name_written_differently(a: str, b: str) -> None:
    assert normalise(a) == normalise(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # A subsidiary is not its parent: only the legal form is dropped, never a word of the name.
        ("Microsoft Ireland Operations Ltd", "Microsoft Corporation"),
        ("Google Ireland Limited", "Google LLC"),
        ("Johnson & Johnson", "Johnson"),
        # The Danish letters are letters, not accents.
        ("Ørsted A/S", "Orsted A/S"),
        ("Sales/Marketing ApS", "SalesMarketing ApS"),
    ],
)
def test_different_names_stay_different(a: str, b: str) -> None:
    assert normalise(a) != normalise(b)


def test_danish_letters_kept_and_other_accents_folded() -> None:
    assert normalise("Ørsted Å Æble A/S") == "ørsted å æble"
    assert normalise("Müller Straße GmbH") == "muller strasse"
    assert normalise("𝕬𝖈𝖒𝖊 Inc.") == normalise("ACME") == "acme"


def test_legal_forms_only_at_the_end_and_never_the_whole_name() -> None:
    assert normalise("AG Insurance Group") == "ag insurance group"
    assert normalise("Inc Research Holdings Inc.") == "inc research holdings"
    assert normalise("AB") == "ab"
    assert normalise("Co.") == "co"
    assert normalise("") == ""
    assert normalise("  ...  ") == ""


@given(st.text(max_size=80))
def test_normalising_twice_changes_nothing(name: str) -> None:
    once = normalise(name)
    assert normalise(once) == once
    assert once == once.strip() and "  " not in once


@pytest.mark.parametrize(
    ("written", "form", "system"),
    [
        ("Dropbox, Inc.", "inc", "us"),
        ("Slack Technologies, LLC", "llc", "us"),
        ("Acme L.L.C.", "llc", "us"),
        ("Microsoft Corporation", "corporation", "us"),
        ("Slack Technologies Limited", "limited", "uk_ie"),
        ("Dropbox International Unlimited Company", "unlimited company", "uk_ie"),
        ("Canva Pty Ltd", "pty ltd", "uk_ie"),
        ("Acme GmbH & Co. KG", "gmbh and co kg", "de_at_ch"),
        ("Netcompany A/S", "as", "nordic"),
        ("Mentimeter AB", "ab", "nordic"),
        ("The Coca-Cola Company", "company", ""),
        ("Dropbox", "", ""),
        ("AB", "", ""),
    ],
)
def test_the_legal_form_and_its_legal_system(written: str, form: str, system: str) -> None:
    assert legal_form(written) == form
    assert jurisdiction(legal_form(written)) == system


@pytest.mark.parametrize(
    ("written", "base", "qualifier"),
    [
        ("Google LLC (affiliate)", "Google LLC", "(affiliate)"),
        (
            "Zoom Video Communications, Inc. (and its US subsidiaries)",
            "Zoom Video Communications, Inc.",
            "(and its US subsidiaries)",
        ),
        ("Acme Inc. (US) [EU]", "Acme Inc.", "(US) [EU]"),
        ("Acme, Inc., (US)", "Acme, Inc.", "(US)"),
        ("Acme (Holdings) Inc.", "Acme (Holdings) Inc.", ""),
        ("(Acme)", "(Acme)", ""),
        ("  Acme   Inc. ", "Acme Inc.", ""),
    ],
)
def test_a_qualifier_at_the_end_is_set_apart(written: str, base: str, qualifier: str) -> None:
    assert strip_qualifier(written) == (base, qualifier)


@given(st.text(max_size=60))
def test_stripping_a_qualifier_twice_changes_nothing(name: str) -> None:
    base, _ = strip_qualifier(name)
    assert strip_qualifier(base) == (base, "")


@given(st.text(alphabet=st.sampled_from("abc ()[],;.&/"), max_size=30))
def test_stripping_a_qualifier_twice_changes_nothing_for_bracketed_names(name: str) -> None:
    base, _ = strip_qualifier(name)
    assert strip_qualifier(base) == (base, "")
    assert normalise(normalise(base)) == normalise(base)
