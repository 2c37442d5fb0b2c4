"""``riskreg import dpf``: the Data Privacy Framework list from a file."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import force_locale

from riskreg.audit import set_actor
from riskreg.catalogue import translate
from riskreg.clitools import LANGS
from riskreg.errors import DomainError
from riskreg.extensions import db
from riskreg.imports.cli import import_group
from riskreg.imports.dpf import services
from riskreg.imports.dpf.columns import BY_KEY
from riskreg.imports.files import ImportRefused, read_file
from riskreg.imports.settings import configured_limits
from riskreg.vocabulary import N_

ACTOR = "riskreg import dpf"
#: From this many vendors and sub-processors on, matching shows a progress bar.
PROGRESS_FROM = 1000


@contextmanager
def _progress(total: int, lang: str) -> Iterator[Callable[[int], None] | None]:
    if total < PROGRESS_FROM:
        yield None
        return
    label = translate(lang, N_("Matching names"))
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        yield bar.update


def _echo_counts(summary: dict[str, int], lang: str) -> None:
    lines = (
        (N_("Organisations on the list: %(count)s"), "entries"),
        (N_("Matched exactly: %(count)s"), "matched"),
        (N_("Near matches to review: %(count)s"), "review"),
        (N_("Same name, different entity (not applied): %(count)s"), "different"),
        (N_("Rows without a status (not stated, skipped): %(count)s"), "not_stated"),
        (N_("List entries matching nothing in the register: %(count)s"), "unmatched"),
        (N_("Vendors and sub-processors not found on the list (left unchanged): %(count)s"), "not_found"),
    )
    for msgid, key in lines:
        click.echo(translate(lang, msgid, count=summary.get(key, 0)))


def _mapping(options: tuple[str, ...], lang: str) -> dict[str, str] | None:
    """The --column options as a mapping over the suggested one; None for none given."""
    if not options:
        return None
    chosen: dict[str, str] = {}
    for option in options:
        header, sep, key = option.rpartition("=")
        if not sep or key.strip() not in BY_KEY:
            raise click.BadParameter(
                translate(
                    lang, N_("Give HEADER=FIELD, with FIELD one of %(fields)s."), fields=", ".join(BY_KEY)
                ),
                param_hint="--column",
            )
        chosen[header.strip()] = key.strip()
    return chosen


@import_group.command("dpf")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what the import would change; change nothing.")
@click.option("--lang", type=LANGS, default="da", show_default=True, help="Language of the output.")
@click.option(
    "--column",
    "columns",
    multiple=True,
    metavar="HEADER=FIELD",
    help="Which field a column holds, where its header is not recognised (repeatable). Fields: "
    + ", ".join(BY_KEY)
    + ".",
)
@with_appcontext
def import_dpf(file: Path, dry_run: bool, lang: str, columns: tuple[str, ...]) -> None:
    """Import the DPF list FILE (CSV or XLSX, as published).

    A vendor or sub-processor in the United States whose name equals a listed organisation's (ignoring case,
    punctuation, a qualifier in brackets and the legal form, as long as both forms are of one legal system:
    Inc. and LLC, not LLC and Limited) takes its status per framework, covered data, due date and page, and
    today's date as checked. The same name without a country recorded, or with a legal form on one side only,
    and similar names wait on the review page for a person. An entity in another country is never given a
    listing. Rows with an empty status are skipped as not stated. Anything not on the list is left alone. A
    file with any bad row changes nothing; every bad row is listed, and the exit code is 1.
    """
    session = db.session()
    mapping = _mapping(columns, lang)
    set_actor(session, None, ACTOR)
    limits = configured_limits()
    data = read_file(file, limits)
    total = len(services.candidates(session))
    try:
        with force_locale(lang), _progress(total, lang) as progress:
            if dry_run:
                listed, result = services.plan(
                    session, data, limits=limits, mapping=mapping, progress=progress
                )
                summary = services.summary(listed, result)
            else:
                batch = services.preview(
                    session, data, file.name, limits=limits, mapping=mapping, progress=progress
                )
                summary = batch.summary
    except ImportRefused as exc:
        click.echo(translate(lang, N_("The list was not imported. Nothing was changed.")), err=True)
        for problem in exc.problems:
            click.echo(f"  {problem.describe(lang)}", err=True)
        raise SystemExit(1) from exc

    _echo_counts(summary, lang)
    if dry_run:
        click.echo(translate(lang, N_("Dry run: nothing was changed.")))
        return
    try:
        with force_locale(lang):
            count = services.apply(session, batch)
    except DomainError as exc:
        click.echo(exc.message, err=True)
        raise SystemExit(1) from exc
    click.echo(translate(lang, N_("Updated (DPF status and date checked): %(count)s."), count=count))
    if batch.summary.get("review"):
        click.echo(
            translate(
                lang,
                N_("%(count)s near matches wait for a person on the review page: %(path)s"),
                count=batch.summary["review"],
                path=f"/imports/dpf/{batch.id}#reviews",
            )
        )
