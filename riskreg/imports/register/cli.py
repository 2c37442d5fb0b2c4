"""``riskreg import register``: an existing register spreadsheet, with a column mapping and a dry run."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask.cli import with_appcontext

from riskreg.audit import set_actor
from riskreg.catalogue import translate
from riskreg.clitools import LANGS
from riskreg.errors import DomainError
from riskreg.extensions import db
from riskreg.imports.cli import import_group
from riskreg.imports.files import ImportRefused, Problem, Table, read_file, read_table
from riskreg.imports.register import parse as parsing
from riskreg.imports.register import services
from riskreg.imports.register.services import Progress
from riskreg.imports.settings import configured_limits
from riskreg.vocabulary import N_

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar


def _mapping(table: Table, overrides: Sequence[str], lang: str) -> dict[str, str]:
    """The suggested mapping with each ``Header=field`` laid over it (``Header=`` ignores a column)."""
    mapping = parsing.suggest_mapping(table.headers)
    headers = {h.lower(): h for h in table.headers}
    for item in overrides:
        header, sep, name = item.partition("=")
        header, name = header.strip(), name.strip()
        if not sep or header.lower() not in headers:
            raise click.BadParameter(
                translate(lang, N_("The file has no column %(name)s."), name=header or item),
                param_hint="--map",
            )
        if name and name not in parsing.FIELD_LABELS:
            fields = ", ".join(parsing.FIELDS)
            raise click.BadParameter(
                translate(lang, N_("Unknown field: %(name)s."), name=name) + f" ({fields})",
                param_hint="--map",
            )
        mapping[headers[header.lower()]] = name
    return mapping


def _echo_problems(problems: Sequence[Problem], lang: str) -> None:
    click.echo(translate(lang, N_("%(n)s problems; nothing was changed:"), n=len(problems)), err=True)
    for problem in problems:
        click.echo(f"  {problem.describe(lang)}", err=True)


@contextmanager
def _bar(length: int, label: str) -> Iterator[Progress]:
    bar: ProgressBar[int]
    with click.progressbar(length=length, label=label, file=sys.stderr) as bar:
        seen = 0

        def advance(done: int) -> None:
            nonlocal seen
            bar.update(done - seen)
            seen = done

        yield advance


@import_group.command("register")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what would be created; change nothing.")
@click.option(
    "--map",
    "overrides",
    multiple=True,
    metavar="'Header=field'",
    help=f"Map a column to a field (repeatable; 'Header=' ignores it). Fields: {', '.join(parsing.FIELDS)}.",
)
@click.option("--lang", type=LANGS, default="da", show_default=True, help="Language of the output.")
@with_appcontext
def register_command(file: Path, dry_run: bool, overrides: tuple[str, ...], lang: str) -> None:
    """Import systems and their vendors from a spreadsheet (CSV or XLSX), one row per system.

    The columns are mapped from their headers (Danish or English); the mapping used is printed. Vendors are
    matched by name or created; a system that exists already is refused. All or nothing: any bad row
    changes nothing, and every problem is printed with its row and column.
    """
    session = db.session()
    set_actor(session, None, "riskreg import register")
    limits = configured_limits()
    try:
        table = read_table(read_file(file, limits), limits)
    except ImportRefused as exc:
        _echo_problems(exc.problems, lang)
        raise SystemExit(1) from exc
    mapping = _mapping(table, overrides, lang)

    click.echo(translate(lang, N_("Columns:")))
    for header, name in mapping.items():
        target = translate(lang, parsing.FIELD_LABELS[name]) if name else translate(lang, N_("(ignored)"))
        click.echo(f"  {header} -> {target}" + (f" [{name}]" if name else ""))
    click.echo(translate(lang, N_("Rows read: %(n)s"), n=len(table.rows)))

    with _bar(len(table.rows), translate(lang, N_("Checking"))) as progress:
        batch = services.preview(session, table, mapping, file.name, lang, progress=progress)
    summary = batch.summary
    click.echo(
        translate(
            lang,
            N_(
                "Would create %(vendors)s vendors and %(systems)s systems; "
                "%(existing)s existing vendors used."
            ),
            vendors=summary.get("vendors_new", 0),
            systems=summary.get("systems", 0),
            existing=summary.get("vendors_existing", 0),
        )
    )
    problems = services.batch_problems(batch)
    if problems or dry_run:
        services.discard(session, batch)
    if problems:
        _echo_problems(problems, lang)
        raise SystemExit(1)
    if dry_run:
        click.echo(translate(lang, N_("Dry run: nothing was changed.")))
        return
    try:
        with _bar(len(table.rows), translate(lang, N_("Importing"))) as progress:
            counts = services.apply(session, batch, None, lang, progress)
    except ImportRefused as exc:
        services.discard(session, batch)
        _echo_problems(exc.problems, lang)
        raise SystemExit(1) from exc
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(
        translate(
            lang,
            N_("Created %(vendors)s vendors and %(systems)s systems."),
            vendors=counts["vendors_created"],
            systems=counts["systems_created"],
        )
    )
