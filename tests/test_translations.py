"""Every message in the sources has a reviewed translation in both catalogues (Danish and English).

The messages are extracted from the current sources with babel.cfg, as ``make translations`` does, so a new
``_('...')`` fails here until ``make translations`` has been run and the Danish text written.
"""

from __future__ import annotations

from collections import defaultdict

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from riskreg import ROOT

TRANSLATIONS = ROOT / "riskreg" / "translations"
#: The keywords `make translations` passes to pybabel (-k _l -k lazy_gettext) on top of babel's defaults.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}

MessageKey = tuple[str, str | None]  # (msgid, msgctxt)


def source_messages() -> dict[MessageKey, list[str]]:
    """msgid (and context) -> where it occurs, from the current sources."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg, "babel.cfg")
    found: dict[MessageKey, list[str]] = defaultdict(list)
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found[(msgid, context)].append(f"{filename}:{lineno}")
    return found


def load_catalog(locale: str) -> Catalog:
    with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=locale)


def test_the_sources_have_messages() -> None:
    messages = source_messages()
    assert len(messages) > 50
    # Python (lazy) and template strings are both found.
    assert any(where.startswith("templates/") for places in messages.values() for where in places)
    assert any(where.startswith("riskreg/") for places in messages.values() for where in places)


@pytest.mark.parametrize("locale", ["da", "en"])
def test_every_message_is_translated(locale: str) -> None:
    catalog = load_catalog(locale)
    assert not catalog.fuzzy, (
        f"the header of {locale}/messages.po is marked fuzzy; pybabel would skip the file"
    )

    missing, empty, fuzzy = [], [], []
    for (msgid, context), places in sorted(source_messages().items()):
        described = f"  {msgid!r}  ({places[0]})"
        message = catalog.get(msgid, context)
        if message is None:
            missing.append(described)
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            empty.append(described)
        if message.fuzzy:
            fuzzy.append(described)

    problems = []
    if missing:
        problems.append(
            f"{len(missing)} not in the catalogue (run `make translations`):\n" + "\n".join(missing)
        )
    if empty:
        problems.append(f"{len(empty)} without a translation:\n" + "\n".join(empty))
    if fuzzy:
        problems.append(f"{len(fuzzy)} marked fuzzy (review, then remove the flag):\n" + "\n".join(fuzzy))
    assert not problems, f"riskreg/translations/{locale}/LC_MESSAGES/messages.po:\n" + "\n".join(problems)


@pytest.mark.parametrize("locale", ["da", "en"])
def test_translations_keep_the_placeholders(locale: str) -> None:
    """A translation that drops or renames %(name)s would show the wrong text or fail at runtime."""
    errors = [
        f"  {message.id!r}: {'; '.join(str(e) for e in errs)}"
        for message, errs in load_catalog(locale).check()
    ]
    assert not errors, f"{locale}: placeholders differ from the msgid:\n" + "\n".join(errors)
