"""``riskreg export``: the DPIA workbook of a system and the register workbook, to a file."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, TypeVar

import click
from flask.cli import with_appcontext
from rapidfuzz import process
from sqlalchemy import func, select

from riskreg.catalogue import translate
from riskreg.clitools import LANGS, iso_date
from riskreg.dpia.services import versions
from riskreg.exports.dpia_workbook import build_dpia_workbook
from riskreg.exports.register.workbook import build_register_workbook
from riskreg.extensions import db
from riskreg.systems import assessment
from riskreg.systems.models import System
from riskreg.vocabulary import N_

T = TypeVar("T")
OUTPUT = click.Path(dir_okay=False, writable=True, path_type=Path)


@click.group("export")
def export_group() -> None:
    """Write Excel workbooks: a system's DPIA, or the register for the steering group."""


def _find_system(name: str, lang: str) -> System:
    """The live or archived system called ``name`` (case ignored); a clear error naming near misses."""
    session = db.session()
    found = list(session.scalars(select(System).where(func.lower(System.name) == name.strip().lower())))
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        raise click.ClickException(
            translate(lang, N_("%(count)s systems are called %(name)s."), count=len(found), name=name)
        )
    names = list(session.scalars(select(System.name)))
    near = [match for match, score, _i in process.extract(name, names, limit=3) if score >= 60]
    message = translate(lang, N_("No system called %(name)s."), name=name)
    if near:
        message += " " + translate(lang, N_("Did you mean: %(names)s?"), names=", ".join(near))
    raise click.ClickException(message)


def _write(output: Path, write: Callable[[IO[bytes]], T]) -> T:
    """Write to a temporary file beside ``output``, then rename it: a failed export leaves no half file."""
    output = output.resolve()
    handle, temp = tempfile.mkstemp(prefix=".riskreg-", suffix=".xlsx", dir=output.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            result = write(file)
        # mkstemp makes the file private (0600); the workbook gets the permissions any new file would.
        umask = os.umask(0)
        os.umask(umask)
        Path(temp).chmod(0o666 & ~umask)
        Path(temp).replace(output)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return result


@export_group.command("dpia")
@click.option("--system", "system_name", required=True, help="The system's name (case is ignored).")
@click.option("-o", "--output", type=OUTPUT, required=True, help="The .xlsx file to write.")
@click.option("--version", type=int, help="The DPIA version to export (default: the newest).")
@click.option("--lang", type=LANGS, default="da", show_default=True, help="Language of the workbook.")
@with_appcontext
def export_dpia(system_name: str, output: Path, version: int | None, lang: str) -> None:
    """Write the DPIA workbook of a system to OUTPUT.

    A system with no DPIA yet still gets a workbook: its cover says so, and the transfers are there.
    """
    system = _find_system(system_name, lang)
    if version is not None and version not in {d.number for d in versions(db.session(), system.id)}:
        raise click.ClickException(
            translate(lang, N_("%(name)s has no DPIA version %(n)s."), name=system.name, n=version)
        )
    _write(output, lambda f: build_dpia_workbook(db.session(), system, f, lang, version=version))
    click.echo(translate(lang, N_("Wrote %(file)s."), file=str(output)))


@export_group.command("register")
@click.option("-o", "--output", type=OUTPUT, required=True, help="The .xlsx file to write.")
@click.option("--scenario", help="Classify under this scenario (name or id); adds its before → after sheet.")
@click.option("--as-of", "as_of", callback=iso_date, help="Classify against the list in force on YYYY-MM-DD.")
@click.option("--lang", type=LANGS, default="da", show_default=True, help="Language of the workbook.")
@with_appcontext
def export_register(output: Path, scenario: str | None, as_of: dt.date | None, lang: str) -> None:
    """Write the register workbook (systems, vendors, sub-processors, transfers) to OUTPUT.

    Without options it classifies against today's official list. A list or scenario that cannot be used is an
    error here (the register page falls back to today's list instead).
    """
    session = db.session()
    choice = assessment.choose_source(session, as_of.isoformat() if as_of else "", scenario or "", lang)
    if choice.messages:
        raise click.ClickException(" ".join(choice.messages))
    counts = _write(output, lambda f: build_register_workbook(session, f, lang, choice=choice))
    click.echo(translate(lang, N_("Wrote %(file)s."), file=str(output)))
    for sheet, rows in counts.items():
        click.echo(translate(lang, N_("%(sheet)s: %(count)s rows"), sheet=sheet, count=rows))
