"""A sub-processor list compared with the register: matched by normalised name, new third countries marked."""

from __future__ import annotations

from riskreg.imports.subprocessors.diff import Current, diff, fingerprint
from riskreg.imports.subprocessors.parse import Listed

THIRD = {"US", "IN", "AU", "GB", "CH", "JP"}  # enough of the world outside the EU/EEA for these tests


def _current(id: int, name: str, *countries: str, **values: str) -> Current:
    fields = {"service": "", "entity_country": "", "mechanism": "unknown", "parent": "", **values}
    return Current(id=id, name=name, countries=tuple(sorted(countries)), support_countries=(), **fields)


def test_diff_matches_by_normalised_name_and_marks_new_third_countries() -> None:
    current = [
        _current(1, "Microsoft Ireland Operations Ltd", "IE", mechanism="scc"),
        _current(2, "Okta Inc.", "US"),
        _current(3, "Gone GmbH", "DE"),
    ]
    listed = [
        Listed(row=2, name="MICROSOFT IRELAND OPERATIONS LIMITED", countries=("IE", "IN"), mechanism="scc"),
        Listed(row=3, name="Okta, Inc", countries=("US",), service="Login"),
        Listed(row=4, name="New Pty Ltd", countries=("AU", "US")),
    ]
    result = diff(listed, current, THIRD)
    kinds = {e.name: e.kind for e in result.entries}
    assert kinds == {
        "Microsoft Ireland Operations Ltd": "changed",
        "Okta Inc.": "changed",
        "New Pty Ltd": "added",
        "Gone GmbH": "removed",
    }
    microsoft, okta, new, gone = result.entries
    assert microsoft.countries_added == ["IN"] and microsoft.fields == {}
    assert okta.fields == {"service": ["", "Login"]} and okta.new_third == []
    # The USA is outside the EU/EEA but a current sub-processor is there already: not new.
    assert new.new_third == ["AU"]
    assert result.new_third == ["AU", "IN"]
    assert gone.countries_before == ["DE"] and gone.new_third == []
    assert result.counts() == {"added": 1, "removed": 1, "changed": 2, "unchanged": 0, "new_third": 2}


def test_a_field_the_list_does_not_give_is_not_compared() -> None:
    current = [_current(1, "Okta Inc.", "US", service="Login", mechanism="dpf", parent="Okta Group")]
    result = diff([Listed(row=2, name="Okta Inc.", countries=("US",))], current, THIRD)
    assert [e.kind for e in result.entries] == ["unchanged"]


def test_the_fingerprint_follows_the_current_list() -> None:
    one = [_current(1, "Okta Inc.", "US")]
    assert fingerprint(one) == fingerprint(list(one))
    assert fingerprint(one) != fingerprint([_current(1, "Okta Inc.", "US", "IE")])
