"""``riskreg import subprocessors``: a vendor's sub-processor list from a file, shown as a difference."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import force_locale

from riskreg.audit import set_actor
from riskreg.catalogue import label_in, translate
from riskreg.clitools import LANGS, iso_date
from riskreg.errors import DomainError
from riskreg.extensions import db
from riskreg.imports.cli import import_group
from riskreg.imports.files import ImportRefused, read_file, read_table
from riskreg.imports.settings import configured_limits
from riskreg.imports.subprocessors import services
from riskreg.imports.subprocessors.diff import ADDED, CHANGED, REMOVED, UNCHANGED, Entry
from riskreg.vocabulary import N_

ACTOR = "riskreg import subprocessors"
MARKS = {ADDED: "+", REMOVED: "-", CHANGED: "~"}


def _country(shown: services.Preview, code: str, new_third: list[str], lang: str) -> str:
    if code in new_third:
        return f"{shown.country(code)} [{translate(lang, N_('new third country'))}]"
    return shown.country(code)


def _countries(shown: services.Preview, codes: list[str], new_third: list[str], lang: str) -> str:
    return ", ".join(_country(shown, c, new_third, lang) for c in codes) or "–"


def _entry_lines(entry: Entry, shown: services.Preview, lang: str) -> list[str]:
    third = entry.new_third
    if entry.kind == ADDED:
        lines = [f"+ {entry.name}: {_countries(shown, entry.countries_after, third, lang)}"]
        if entry.support_after:
            added = _countries(shown, entry.support_after, third, lang)
            lines.append("    " + translate(lang, N_("Support access from: %(countries)s"), countries=added))
    elif entry.kind == REMOVED:
        lines = [f"- {entry.name}: {_countries(shown, entry.countries_before, [], lang)}"]
    else:
        parts = [f"+{_country(shown, c, third, lang)}" for c in entry.countries_added]
        parts += [f"-{shown.country(c)}" for c in entry.countries_removed]
        lines = [f"~ {entry.name}: " + (" ".join(parts) if parts else shown.countries(entry.countries_after))]
        if entry.support_added or entry.support_removed:
            moved = [f"+{_country(shown, c, third, lang)}" for c in entry.support_added]
            moved += [f"-{shown.country(c)}" for c in entry.support_removed]
            lines.append(
                "    " + translate(lang, N_("Support access from: %(countries)s"), countries=" ".join(moved))
            )
    for name, (before, after) in entry.fields.items():
        label = shown.field_label(name, lang)
        old, new = shown.field_value(name, before, lang), shown.field_value(name, after, lang)
        lines.append(f"    {label}: {new}" if entry.kind == ADDED else f"    {label}: {old} -> {new}")
    return lines


def echo_preview(shown: services.Preview, vendor: str, lang: str) -> None:
    """The difference as the preview page shows it, as lines of text."""
    counts = shown.diff.counts()
    click.echo(translate(lang, N_("Sub-processors of %(vendor)s"), vendor=vendor))
    click.echo(
        translate(
            lang,
            N_("Added: %(added)s, removed: %(removed)s, changed: %(changed)s, unchanged: %(unchanged)s"),
            **{k: counts[k] for k in (ADDED, REMOVED, CHANGED, UNCHANGED)},
        )
    )
    for kind in (ADDED, REMOVED, CHANGED):
        for entry in shown.diff.of(kind):
            for line in _entry_lines(entry, shown, lang):
                click.echo(f"  {line}")
    if shown.diff.new_third:
        click.echo(
            translate(
                lang,
                N_("New third countries: %(countries)s"),
                countries=shown.countries(shown.diff.new_third),
            )
        )
    if shown.list_error:
        click.echo(shown.list_error)
    if shown.systems:
        click.echo(translate(lang, N_("Affected systems (verdict now -> after the import):")))
        for s in shown.systems:
            mark = "!" if s.worse else " "
            click.echo(
                f" {mark} {s.name}: {label_in(lang, s.before)} -> {label_in(lang, s.after)}"
                f" ({label_in(lang, s.before_outcome)} -> {label_in(lang, s.after_outcome)})"
            )
        if shown.list_label:
            click.echo("    " + translate(lang, N_("List: %(list)s"), list=shown.list_label))


@import_group.command("subprocessors")
@click.option("--vendor", "vendor_name", required=True, metavar="NAME", help="The vendor whose list this is.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show the difference; change nothing.")
@click.option("--source", default="", metavar="TEXT", help="Where the list comes from (a URL or a document).")
@click.option("--source-date", callback=iso_date, metavar="YYYY-MM-DD", help="The date of the list.")
@click.option("--lang", type=LANGS, default="da", show_default=True, help="Language of the output.")
@with_appcontext
def import_subprocessors(
    vendor_name: str, file: Path, dry_run: bool, source: str, source_date: dt.date | None, lang: str
) -> None:
    """Import the sub-processor list FILE (CSV or XLSX) of the vendor NAME.

    Shows the difference with the vendor's current sub-processors (added, removed, changed countries, new
    countries outside the EU/EEA) and the verdicts of the systems it affects before and after; then applies
    it, unless --dry-run. Added sub-processors are created, changed ones updated, removed ones archived, all
    with the source and its date. A file with any bad row changes nothing; every bad row is listed, and the
    exit code is 1.
    """
    session = db.session()
    set_actor(session, None, ACTOR)
    vendors = services.find_vendors(session, vendor_name)
    if len(vendors) != 1:
        msgid = (
            N_("No vendor called %(name)s.")
            if not vendors
            else N_("Several vendors are called %(name)s; rename one first.")
        )
        click.echo(translate(lang, msgid, name=vendor_name), err=True)
        raise SystemExit(1)
    vendor = vendors[0]
    limits = configured_limits()
    try:
        with force_locale(lang):
            table = read_table(read_file(file, limits), limits)
            batch = services.preview(
                session, vendor, table, source, source_date, file.name, lang, commit_batch=not dry_run
            )
            shown = services.show(session, batch, lang)
    except ImportRefused as exc:
        session.rollback()
        click.echo(translate(lang, N_("The list was not imported. Nothing was changed.")), err=True)
        for problem in exc.problems:
            click.echo(f"  {problem.describe(lang)}", err=True)
        raise SystemExit(1) from exc

    echo_preview(shown, vendor.name, lang)
    if dry_run:
        session.rollback()
        click.echo(translate(lang, N_("Dry run: nothing was changed.")))
        return
    try:
        with force_locale(lang):
            services.apply(session, batch, None, lang)
    except DomainError as exc:
        click.echo(exc.message, err=True)
        raise SystemExit(1) from exc
    click.echo(translate(lang, N_("The list was applied.")))
