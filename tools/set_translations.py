"""Set Danish translations in the catalogue from a JSON file of {msgid: msgstr} (clears the fuzzy flag).

.venv/bin/python tools/set_translations.py FILE.json [--locale da]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from babel.messages.pofile import read_po, write_po

TRANSLATIONS = Path(__file__).resolve().parent.parent / "riskreg" / "translations"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("file", type=Path)
    parser.add_argument("--locale", default="da")
    args = parser.parse_args()
    wanted: dict[str, str] = json.loads(args.file.read_text(encoding="utf-8"))
    path = TRANSLATIONS / args.locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as f:
        catalog = read_po(f, locale=args.locale)
    missing = [msgid for msgid in wanted if msgid not in catalog]
    for msgid, text in wanted.items():
        if msgid in catalog:
            message = catalog[msgid]
            message.string = text
            message.flags.discard("fuzzy")
    with path.open("wb") as f:
        write_po(f, catalog, width=110)
    print(f"{len(wanted) - len(missing)} set; missing (run 'make translations' first): {missing}")


if __name__ == "__main__":
    main()
