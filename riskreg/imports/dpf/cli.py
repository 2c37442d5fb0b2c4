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
from riskreg.imports.dpf.parse import MatchResult
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
        (N_("List entries matching nothing in the register: %(count)s"), "unmatched"),
        (N_("Vendors and sub-processors not found on the list (left unchanged): %(count)s"), "not_found"),
    )
    for msgid, key in lines:
        click.echo(translate(lang, msgid, count=summary.get(key, 0)))


@import_group.command("dpf")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what the import would change; change nothing.")
@click.option("--lang", type=LANGS, default="da", show_default=True, help="Language of the output.")
@with_appcontext
def import_dpf(file: Path, dry_run: bool, lang: str) -> None:
    """Import the DPF list FILE (CSV or XLSX, as published).

    Vendors and sub-processors whose name equals a listed organisation's (ignoring case, punctuation and legal
    forms such as Inc., Ltd., GmbH, A/S) take its status (active or inactive) and today's date as checked.
    Similar names wait on the review page for a person to confirm or reject. Anything not on the list is left
    alone. A file with any bad row changes nothing; every bad row is listed, and the exit code is 1.
    """
    session = db.session()
    set_actor(session, None, ACTOR)
    limits = configured_limits()
    data = read_file(file, limits)
    total = len(services.candidates(session))
    try:
        with force_locale(lang), _progress(total, lang) as progress:
            if dry_run:
                result: MatchResult = services.plan(session, data, limits=limits, progress=progress)
                summary = services.summary(result)
            else:
                batch = services.preview(session, data, file.name, limits=limits, progress=progress)
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
